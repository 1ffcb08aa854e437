// allies data build | check
import path from 'node:path';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { checkEvidence, coverage } from '../../../evidence/check.ts';
import type { CoverageReport } from '../../../evidence/check.ts';
import { EVIDENCE_DIR, loadEvidence } from '../../../evidence/load.ts';
import { buildEvidence, defaultSnapshotDir } from '../../../pipeline/build.ts';
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
    .description('validate the evidence tables and report coverage of the covered allies')
    .option('--coverage', 'report, for each covered ally and indicator, the latest year with data, and list the gaps')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--json', 'print JSON')
    .action(async (opts: { coverage?: boolean; evidence: string; json?: boolean }) => {
      const evidence = await loadEvidence(path.resolve(opts.evidence));
      const problems = checkEvidence(evidence);
      const report = opts.coverage ? coverage(evidence) : null;
      if (opts.json) {
        printJson({ valid: problems.length === 0, problems, observations: evidence.observations.length, ...(report ? { coverage: report } : {}) });
      } else {
        if (problems.length === 0) process.stdout.write(`evidence valid: ${evidence.observations.length} observations, ${evidence.indicators.length} indicators, ${evidence.sources.length} sources\n`);
        for (const p of problems.slice(0, 50)) process.stdout.write(`problem: ${p.file}${p.row !== null ? ` row ${p.row}` : ''} field "${p.field}": ${p.problem}\n`);
        if (problems.length > 50) process.stdout.write(`... and ${problems.length - 50} more problems\n`);
        if (report) printCoverage(report);
      }
      if (problems.length > 0) process.exitCode = 1;
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
