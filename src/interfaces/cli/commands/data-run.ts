// The work of allies data build | check (defined in data.ts), imported when one of them runs.
import path from 'node:path';
import { checkEvidence, coverage } from '../../../evidence/check.ts';
import type { CheckProblem, CoverageReport } from '../../../evidence/check.ts';
import { loadEvidence } from '../../../evidence/load.ts';
import { formatNumber, printJson, printText, textTable } from '../format.ts';

function printCoverage(report: CoverageReport): void {
  printText('\nCoverage of the covered allies: latest year with data (value) for each core need\n\n');
  const needs = report.allies[0]?.core.map((c) => c.need) ?? [];
  printText(textTable(report.allies, [
    { header: 'ally', value: (a) => `${a.iso3}${a.reference ? '*' : ''}` },
    ...needs.map((need, i) => ({
      header: need.replace('military expenditure', 'milex').replace('U.S. active-duty troops hosted', 'US troops'),
      value: (a: CoverageReport['allies'][number]) => (a.core[i].latest_year === null ? 'GAP' : `${a.core[i].latest_year} (${formatNumber(a.core[i].value)})`),
    })),
    { header: 'U.S. commitment', value: (a) => a.commitment?.statement ?? 'GAP' },
  ]));
  printText(`\n* named by the reference texts. ${report.complete} of ${report.allies.length} allies complete.\n`);
  if (report.gaps.length) {
    printText(`\nGaps (${report.gaps.length}):\n`);
    for (const g of report.gaps) printText(`  ${g.iso3}: ${g.need}: ${g.gap}\n`);
  } else {
    printText('No gaps in the core evidence.\n');
  }
}

export async function dataBuild(opts: { snapshots?: string; out?: string; json?: boolean; quiet?: boolean }): Promise<void> {
  // The pipeline and the progress bar load only for a build.
  const [{ buildEvidence, defaultSnapshotDir }, { SingleBar, Presets }] = await Promise.all([import('../../../pipeline/build.ts'), import('cli-progress')]);
  const snapshotDir = path.resolve(opts.snapshots ?? defaultSnapshotDir());
  const showBar = !opts.quiet && !opts.json && process.stderr.isTTY;
  const bar = new SingleBar({ format: 'building evidence [{bar}] {value}/{total} {transform}', stream: process.stderr }, Presets.shades_classic);
  let started = false;
  try {
    const report = await buildEvidence({
      snapshotDir,
      outDir: opts.out ? path.resolve(opts.out) : undefined,
      onProgress: showBar ? ({ transform, done, total }) => {
        if (!started) { bar.start(total, 0, { transform }); started = true; }
        bar.update(done, { transform });
      } : undefined,
    });
    if (started) bar.stop();
    if (opts.json) return printJson(report);
    printText(textTable(report.timings, [
      { header: 'transform', value: (t) => t.id },
      { header: 'observations', value: (t) => t.observations, align: 'right' },
      { header: 'tables', value: (t) => t.tables, align: 'right' },
      { header: 'ms', value: (t) => Math.round(t.ms), align: 'right' },
    ]));
    printText(`\n${report.observations} observations, ${report.countries} countries, ${report.sources} sources written to ${report.outDir} in ${(report.ms / 1000).toFixed(1)} s\n`);
  } finally {
    if (started) bar.stop();
  }
}

export async function dataCheck(opts: { coverage?: boolean; evidence: string; json?: boolean }): Promise<void> {
  const dir = path.resolve(opts.evidence);
  const evidence = await loadEvidence(dir);
  // Files named as the user can open them (evidence/observations/wdi.csv from the project root).
  const located = checkEvidence(evidence).map((p) => ({ ...p, file: path.relative(process.cwd(), path.join(dir, p.file)) || p.file }));
  const errors = located.filter((p) => p.severity === 'error');
  const warnings = located.filter((p) => p.severity === 'warning');
  const report = opts.coverage ? coverage(evidence) : null;
  if (opts.json) {
    printJson({ valid: errors.length === 0, errors, warnings, observations: evidence.observations.length, ...(report ? { coverage: report } : {}) });
  } else {
    const counts = `${evidence.observations.length} observations, ${evidence.indicators.length} indicators, ${evidence.sources.length} sources`;
    const known = `${warnings.length} known problem${warnings.length === 1 ? '' : 's'} (flagged by the build; warnings)`;
    printText(errors.length === 0
      ? `evidence valid: ${counts}; ${known}\n`
      : `evidence invalid: ${errors.length} new problem${errors.length === 1 ? '' : 's'} (errors); ${known}\n`);
    const where = (p: CheckProblem) => `${p.file}${p.row !== null ? ` row ${p.row}` : ''} column "${p.field}"`;
    for (const p of warnings.slice(0, 50)) printText(`warning: ${where(p)}: ${p.problem} (known: ${p.known})\n`);
    if (warnings.length > 50) printText(`... and ${warnings.length - 50} more warnings\n`);
    for (const p of errors.slice(0, 50)) printText(`error: ${where(p)}: ${p.problem}\n`);
    if (errors.length > 50) printText(`... and ${errors.length - 50} more errors\n`);
    if (report) printCoverage(report);
  }
  if (errors.length > 0) process.exitCode = 1;
}
