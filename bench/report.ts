// Prints the time of the full PDF report for every covered ally (not a test).
//   npx tsx bench/report.ts [--runs N] [--keep DIR]
// Target: at most 60 s on the project's 2-core machine, from reading the evidence to the
// PDF written.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildReport, REPORT_FILES } from '../src/reports/build.ts';
import { pageCount } from '../src/reports/pdf-pages.ts';
import { readFile } from 'node:fs/promises';

const flag = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const runs = Number(flag('--runs') ?? 1);
const keep = flag('--keep');
const totals: number[] = [];
for (let run = 0; run < runs; run++) {
  const out = keep ? path.resolve(keep) : await mkdtemp(path.join(os.tmpdir(), 'allies-bench-report-'));
  const started = performance.now();
  const result = await buildReport({ formats: ['pdf'], outDir: out });
  const seconds = (performance.now() - started) / 1000;
  totals.push(seconds);
  const pages = pageCount(await readFile(path.join(out, REPORT_FILES.pdf)));
  console.log(`run ${run + 1}: ${result.model.chapters.length} allies, ${pages} pages, ${seconds.toFixed(1)} s`);
  for (const [stage, s] of Object.entries(result.timings)) console.log(`  ${stage.padEnd(18)} ${s.toFixed(1).padStart(6)} s`);
  if (!keep) await rm(out, { recursive: true, force: true });
}
const median = [...totals].sort((a, b) => a - b)[Math.floor(totals.length / 2)];
console.log(`\nfull PDF report for all covered allies${runs > 1 ? ` (median of ${runs})` : ''}: ${median.toFixed(1)} s   [target ≤ 60 s]   load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
process.exitCode = median <= 60 ? 0 : 1;
