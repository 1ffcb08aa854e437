// Robustness speed: weight draws over every covered ally and every line item of the default
// methodology, on the shipped evidence. Targets (issue 3): 10,000 draws in at most 100 ms
// (interactive use, one thread) and 1,000,000 draws in at most 3 s on a 2-core machine.
// Run: npx tsx bench/robustness.ts [--evidence DIR]. Prints figures; not a test.
import { createHash } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { EVIDENCE_DIR } from '../src/evidence/load.ts';
import { loadLedgerInputs } from '../src/method/files.ts';
import { computeLedger, latestYear } from '../src/method/ledger.ts';
import { RobustnessPool } from '../src/method/robustness-parallel.ts';
import { drawSettingsOf, runRobustness, scoreMatrix, sweepFigures, sweepLevel, sweepSettings } from '../src/method/robustness.ts';
import type { DrawSettings, RobustnessResult, ScoreMatrix } from '../src/method/robustness.ts';

// --sweep-full: also run the sweep the old way (five levels of the full 1,000,000 draws) beside it.
const sweepFull = process.argv.includes('--sweep-full');
const evidenceDir = process.argv.includes('--evidence') ? process.argv[process.argv.indexOf('--evidence') + 1] : EVIDENCE_DIR;

function digest(result: RobustnessResult): string {
  return createHash('sha256').update(JSON.stringify(result)).digest('hex').slice(0, 12);
}

function line(label: string, [ms, cpu]: [number, number], target: number | null, extra = ''): void {
  const verdict = target === null ? '' : ms <= target ? `  (target <= ${target} ms: met)` : `  (target <= ${target} ms: MISSED)`;
  console.log(`${label.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms wall ${cpu.toFixed(0).padStart(6)} ms cpu (process)${verdict}${extra ? `  ${extra}` : ''}`);
}

/** Wall time, and CPU time of the whole process (worker threads included). */
async function timed<T>(run: () => T | Promise<T>): Promise<[T, [number, number]]> {
  const t = performance.now();
  const c = process.cpuUsage();
  const result = await run();
  const u = process.cpuUsage(c);
  return [result, [performance.now() - t, (u.user + u.system) / 1000]];
}

async function benchMatrix(name: string, matrix: ScoreMatrix, base: DrawSettings): Promise<void> {
  console.log(`\n${name}: ${matrix.n} allies x ${matrix.m} line items (${matrix.assetItems} assets, ${matrix.m - matrix.assetItems} liabilities)`);
  const weightsOnly: DrawSettings = { ...base, data: false, judgments: false };
  // An interactive session has moved a few sliders before the one that counts: warm the JIT
  // (JavaScript and WebAssembly tier up on hot code), then take the median of five runs.
  for (let i = 0; i < 3; i++) runRobustness(matrix, { ...weightsOnly, draws: 10_000 });
  const runs: [RobustnessResult, [number, number]][] = [];
  for (let i = 0; i < 5; i++) runs.push(await timed(() => runRobustness(matrix, { ...weightsOnly, draws: 10_000 })));
  const [small, smallMs] = runs.sort((a, b) => a[1][0] - b[1][0])[2];
  line('10,000 weight draws, one thread (median of 5)', smallMs, 100, `digest ${digest(small)}`);
  const [, dataMs] = await timed(() => runRobustness(matrix, { ...base, draws: 10_000 }));
  line('10,000 draws of weights, data and judgments, one thread', dataMs, null);

  const threads = 2;
  const pool = new RobustnessPool(threads);
  const cold = await timed(() => pool.run(matrix, { ...weightsOnly, draws: 1_000_000 }));
  const warm = await timed(() => pool.run(matrix, { ...weightsOnly, draws: 1_000_000 }));
  await pool.close();
  line(`1,000,000 weight draws, ${threads} threads (workers started)`, cold[1], 3000, `digest ${digest(cold[0])}`);
  line(`1,000,000 weight draws, ${threads} threads (workers warm)`, warm[1], 3000, `same result: ${digest(warm[0]) === digest(cold[0])}`);
  const [one, oneMs] = await timed(() => runRobustness(matrix, { ...weightsOnly, draws: 1_000_000 }));
  line('1,000,000 weight draws, one thread', oneMs, null, `same result as ${threads} threads: ${digest(one) === digest(cold[0])}`);

  // The ASPI-style sweep of a 1,000,000-draw run: each level sized by its own convergence
  // (at most 1,000,000 draws), against five passes of the full count (--sweep-full).
  const levels = sweepLevels;
  const sweepPool = new RobustnessPool(threads);
  const [sweep, sweepMs] = await timed(() => sweepPool.sweep(matrix, levels, 1_000_000, base.seed));
  line(`sweep, ${levels.length} levels, up to 1,000,000 draws each, ${threads} threads`, sweepMs, null, `draws ${sweep.map((l) => l.draws.toLocaleString('en-US')).join(', ')}`);
  for (const l of sweep) console.log(`  ±${Math.round(l.change * 100)}%: ${sweepFigures(l)}  (P(order) %, mean and top-10 worst P(same rank) %, largest shift, mean |shift|)`);
  if (sweepFull) {
    const [full, fullMs] = await timed(async () => {
      const out = [];
      for (const [i, change] of levels.entries()) out.push(sweepLevel(change, await sweepPool.run(matrix, sweepSettings(change, i, 1_000_000, base.seed))));
      return out;
    });
    line(`sweep, ${levels.length} levels of 1,000,000 draws (before), ${threads} threads`, fullMs, null, `ratio ${(fullMs[0] / sweepMs[0]).toFixed(1)}x`);
    for (const l of full) console.log(`  ±${Math.round(l.change * 100)}%: ${sweepFigures(l)}`);
  }
  await sweepPool.close();
}

console.log(`Load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} cores: wall times on a busy machine exceed the targets' premise.`);
const t0 = performance.now();
const inputs = await loadLedgerInputs({ evidenceDir });
const year = latestYear(inputs);
const ledger = computeLedger(inputs, year);
console.log(`Evidence ${evidenceDir}: ledger ${year} computed in ${(performance.now() - t0).toFixed(0)} ms (loading included); ${ledger.rankedCount} of ${ledger.allies.length} allies ranked.`);
const settings = drawSettingsOf(inputs.methodology.robustness);
const sweepLevels = inputs.methodology.robustness.sweep;
const matrix = scoreMatrix(ledger, inputs.methodology);
await benchMatrix('Default methodology, ranked allies', matrix, settings);

// Every covered ally, ranked or not (the issue's "all covered allies"): missing cells are
// excluded items, as in the ledger.
const all = scoreMatrix({ ...ledger, allies: ledger.allies.map((a) => ({ ...a, ranked: true })) }, inputs.methodology);
if (all.n !== matrix.n) await benchMatrix('Default methodology, every covered ally', all, settings);
process.exit(0);
