// Prints the time of the full evidence build and of each transform (not a test).
//   npx tsx bench/build.ts [--snapshots DIR]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildEvidence, defaultSnapshotDir } from '../src/pipeline/build.ts';
import { loadEvidence } from '../src/evidence/load.ts';

const flag = process.argv.indexOf('--snapshots');
const snapshotDir = flag > 0 ? process.argv[flag + 1] : defaultSnapshotDir();
const runs = 3;
const out = await mkdtemp(path.join(os.tmpdir(), 'allies-bench-'));
const totals: number[] = [];
const perTransform = new Map<string, number[]>();
for (let i = 0; i < runs; i++) {
  const report = await buildEvidence({ snapshotDir, outDir: out });
  totals.push(report.ms);
  for (const t of report.timings) perTransform.set(t.id, [...(perTransform.get(t.id) ?? []), t.ms]);
  if (i === 0) console.log(`${report.observations} observations, ${report.countries} countries, ${report.sources} sources`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nfull build (median of ${runs}): ${(median(totals) / 1000).toFixed(2)} s   [target < 20 s]`);
console.log('\nper transform (median ms):');
for (const [id, ms] of [...perTransform.entries()].sort((a, b) => median(b[1]) - median(a[1]))) console.log(`  ${id.padEnd(14)} ${median(ms).toFixed(0).padStart(6)}`);
const t0 = performance.now();
await loadEvidence(out);
console.log(`\nloadEvidence(): ${(performance.now() - t0).toFixed(0)} ms`);
await rm(out, { recursive: true, force: true });
