// allies data build | check
import path from 'node:path';
import type { Command } from 'commander';
import { checkEvidence, coverage } from '../../../evidence/check.ts';
import type { CheckProblem, CoverageReport } from '../../../evidence/check.ts';
import { EVIDENCE_DIR, loadEvidence } from '../../../evidence/load.ts';
import { formatNumber, printJson, textTable } from '../format.ts';

export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('build and check the evidence tables');

  data.command('build')
    .description('rebuild evidence/ from the publishers\' files (snapshots); leaves evidence/ untouched on any error')
    .option('--snapshots <dir>', 'snapshot directory (default: $ALLIES_SNAPSHOTS or ../shared/data)')
    .option('--out <dir>', 'write the evidence tables here instead of evidence/')
    .option('--json', 'print the build report as JSON')
    .option('--quiet', 'no progress bar')
    .action(async (opts: { snapshots?: string; out?: string; json?: boolean; quiet?: boolean }) => {
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
        process.stdout.write(textTable(report.timings, [
          { header: 'transform', value: (t) => t.id },
          { header: 'observations', value: (t) => t.observations, align: 'right' },
          { header: 'tables', value: (t) => t.tables, align: 'right' },
          { header: 'ms', value: (t) => Math.round(t.ms), align: 'right' },
        ]));
        process.stdout.write(`\n${report.observations} observations, ${report.countries} countries, ${report.sources} sources written to ${report.outDir} in ${(report.ms / 1000).toFixed(1)} s\n`);
      } finally {
        if (started) bar.stop();
      }
    });

  data.command('check')
    .description('validate the evidence tables (exit 1 on a new problem; problems the build already flags are listed as warnings) and report coverage of the covered allies')
    .option('--coverage', 'report, for each covered ally and indicator, the latest year with data, and list the gaps')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--json', 'print JSON')
    .action(async (opts: { coverage?: boolean; evidence: string; json?: boolean }) => {
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
        process.stdout.write(errors.length === 0
          ? `evidence valid: ${counts}; ${known}\n`
          : `evidence invalid: ${errors.length} new problem${errors.length === 1 ? '' : 's'} (errors); ${known}\n`);
        const where = (p: CheckProblem) => `${p.file}${p.row !== null ? ` row ${p.row}` : ''} column "${p.field}"`;
        for (const p of warnings.slice(0, 50)) process.stdout.write(`warning: ${where(p)}: ${p.problem} (known: ${p.known})\n`);
        if (warnings.length > 50) process.stdout.write(`... and ${warnings.length - 50} more warnings\n`);
        for (const p of errors.slice(0, 50)) process.stdout.write(`error: ${where(p)}: ${p.problem}\n`);
        if (errors.length > 50) process.stdout.write(`... and ${errors.length - 50} more errors\n`);
        if (report) printCoverage(report);
      }
      if (errors.length > 0) process.exitCode = 1;
    });
}

function printCoverage(report: CoverageReport): void {
  process.stdout.write('\nCoverage of the covered allies: latest year with data (value) for each core need\n\n');
  const needs = report.allies[0]?.core.map((c) => c.need) ?? [];
  process.stdout.write(textTable(report.allies, [
    { header: 'ally', value: (a) => `${a.iso3}${a.reference ? '*' : ''}` },
    ...needs.map((need, i) => ({
      header: need.replace('military expenditure', 'milex').replace('U.S. active-duty troops hosted', 'US troops'),
      value: (a: CoverageReport['allies'][number]) => (a.core[i].latest_year === null ? 'GAP' : `${a.core[i].latest_year} (${formatNumber(a.core[i].value)})`),
    })),
    { header: 'U.S. commitment', value: (a) => a.commitment?.statement ?? 'GAP' },
  ]));
  process.stdout.write(`\n* named by the reference texts. ${report.complete} of ${report.allies.length} allies complete.\n`);
  if (report.gaps.length) {
    process.stdout.write(`\nGaps (${report.gaps.length}):\n`);
    for (const g of report.gaps) process.stdout.write(`  ${g.iso3}: ${g.need}: ${g.gap}\n`);
  } else {
    process.stdout.write('No gaps in the core evidence.\n');
  }
}
