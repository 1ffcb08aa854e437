// Robustness speed: weight draws over every covered ally and every line item of the default
// methodology, on the shipped evidence. Targets (issue 3): 10,000 draws in at most 100 ms
// (interactive use, one thread) and 1,000,000 draws in at most 3 s on a 2-core machine.
// Run: npx tsx bench/robustness.ts [--evidence DIR]. Prints figures; not a test.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { EVIDENCE_DIR } from '../src/evidence/load.ts';
import { loadLedgerInputs } from '../src/method/files.ts';
import { computeLedger, latestYear } from '../src/method/ledger.ts';
import { RobustnessPool } from '../src/method/robustness-parallel.ts';
import { drawSettingsOf, runRobustness, scoreMatrix } from '../src/method/robustness.ts';
import type { DrawSettings, RobustnessResult, ScoreMatrix } from '../src/method/robustness.ts';

const evidenceDir = process.argv.includes('--evidence') ? process.argv[process.argv.indexOf('--evidence') + 1] : EVIDENCE_DIR;

function digest(result: RobustnessResult): string {
  return createHash('sha256').update(JSON.stringify(result)).digest('hex').slice(0, 12);
}

function line(label: string, ms: number, target: number | null, extra = ''): void {
  const verdict = target === null ? '' : ms <= target ? `  (target <= ${target} ms: met)` : `  (target <= ${target} ms: MISSED)`;
  console.log(`${label.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms${verdict}${extra ? `  ${extra}` : ''}`);
}

async function timed<T>(run: () => T | Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const result = await run();
  return [result, performance.now() - t];
}

async function benchMatrix(name: string, matrix: ScoreMatrix, base: DrawSettings): Promise<void> {
  console.log(`\n${name}: ${matrix.n} allies x ${matrix.m} line items (${matrix.assetItems} assets, ${matrix.m - matrix.assetItems} liabilities)`);
  const weightsOnly: DrawSettings = { ...base, data: false, judgments: false };
  // Warm the JIT the way an interactive session would (the first slider move).
  runRobustness(matrix, { ...weightsOnly, draws: 10_000 });
  const [small, smallMs] = await timed(() => runRobustness(matrix, { ...weightsOnly, draws: 10_000 }));
  line('10,000 weight draws, one thread', smallMs, 100, `digest ${digest(small)}`);
  const [, dataMs] = await timed(() => runRobustness(matrix, { ...base, draws: 10_000 }));
  line('10,000 draws of weights, data and judgments, one thread', dataMs, null);

  const threads = Math.max(2, Math.min(2, availableParallelism()));
  const pool = new RobustnessPool(threads);
  try {
    const [cold, coldMs] = await timed(() => pool.run(matrix, { ...weightsOnly, draws: 1_000_000 }));
    line(`1,000,000 weight draws, ${threads} threads (workers started)`, coldMs, 3000, `digest ${digest(cold)}`);
    const [warm, warmMs] = await timed(() => pool.run(matrix, { ...weightsOnly, draws: 1_000_000 }));
    line(`1,000,000 weight draws, ${threads} threads (workers warm)`, warmMs, 3000, `same result: ${digest(warm) === digest(cold)}`);
  } finally {
    await pool.close();
  }
  const [one, oneMs] = await timed(() => runRobustness(matrix, { ...weightsOnly, draws: 1_000_000 }));
  line('1,000,000 weight draws, one thread', oneMs, null, `same result as ${threads} threads: ${digest(one) === digest(await new RobustnessPool(threads).run(matrix, { ...weightsOnly, draws: 1_000_000 }))}`);
}

const t0 = performance.now();
const inputs = await loadLedgerInputs({ evidenceDir });
const year = latestYear(inputs);
const ledger = computeLedger(inputs, year);
console.log(`Evidence ${evidenceDir}: ledger ${year} computed in ${(performance.now() - t0).toFixed(0)} ms (loading included); ${ledger.rankedCount} of ${ledger.allies.length} allies ranked.`);
const settings = drawSettingsOf(inputs.methodology.robustness);
const matrix = scoreMatrix(ledger, inputs.methodology);
await benchMatrix('Default methodology, ranked allies', matrix, settings);

// Every covered ally, ranked or not (the issue's "all covered allies"): missing cells are
// excluded items, as in the ledger.
const all = scoreMatrix({ ...ledger, allies: ledger.allies.map((a) => ({ ...a, ranked: true })) }, inputs.methodology);
if (all.n !== matrix.n) await benchMatrix('Default methodology, every covered ally', all, settings);
process.exit(0);
