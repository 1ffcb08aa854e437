// Prints how long each built-in scenario takes to run with 10,000 robustness draws (not a
// test). Target: under 1 s per scenario. Reading the evidence is timed apart: it happens once
// per process (the CLI, the API server and the dashboard keep it).
//   npx tsx bench/scenarios.ts [--evidence DIR] [--draws N] [--runs N] [--weights-only]
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { EVIDENCE_DIR } from '../src/evidence/load.ts';
import { RobustnessPool } from '../src/method/robustness-parallel.ts';
import { builtInScenarioFiles, loadScenarios, prepareBaseline, robustnessJobs, runScenario, withRobustness } from '../src/scenarios/index.ts';
import type { RobustnessJob, RunOptions } from '../src/scenarios/index.ts';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const evidenceDir = path.resolve(flag('--evidence', process.env.ALLIES_EVIDENCE ?? EVIDENCE_DIR));
const draws = Number(flag('--draws', '10000'));
const runs = Number(flag('--runs', '3'));
const TARGET_MS = 1000;
// The methodology draws weights, data and judgments; --weights-only draws the weights alone.
const drawn = process.argv.includes('--weights-only') ? { draws, data: false, judgments: false } : { draws };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (f: () => void) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

console.log(`Load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} cores (a busy machine gives longer wall times).`);
let t0 = performance.now();
const names = (await builtInScenarioFiles()).map((f) => f.name);
const { scenarios, context } = await loadScenarios(names, { evidenceDir });
console.log(`read the evidence, methodology, judgments and ${scenarios.length} scenarios: ${(performance.now() - t0).toFixed(0)} ms (once per process)`);

const options: RunOptions = { ...context, robustness: drawn };
const quiet: RunOptions = { ...context, robustness: false };
// Warm up the JIT on every code path once.
for (const s of scenarios) runScenario(s, { ...context, robustness: { draws: 500 } });

console.log(`\nper scenario, ${draws.toLocaleString('en-US')} robustness draws${'data' in drawn ? ' of the weights only' : ' (weights, data and judgments)'}, one thread (the library and browser path), median of ${runs} runs:`);
console.log(`${'scenario'.padEnd(36)} ${'total'.padStart(7)} ${'without draws'.padStart(14)} ${'draws'.padStart(7)}  target < ${TARGET_MS} ms`);
let worst = 0;
const totals: number[] = [];
for (const [i, s] of scenarios.entries()) {
  const total: number[] = [];
  const bare: number[] = [];
  for (let r = 0; r < runs; r++) {
    total.push(time(() => runScenario(s, options)));
    bare.push(time(() => runScenario(s, quiet)));
  }
  const t = median(total);
  const b = median(bare);
  worst = Math.max(worst, t);
  totals.push(t);
  console.log(`${names[i].padEnd(36)} ${t.toFixed(0).padStart(5)} ms ${b.toFixed(0).padStart(11)} ms ${(t - b).toFixed(0).padStart(4)} ms  ${t < TARGET_MS ? 'ok' : 'SLOW'}`);
}
console.log(`slowest: ${worst.toFixed(0)} ms ${worst < TARGET_MS ? `(under ${TARGET_MS} ms)` : `(over the ${TARGET_MS} ms target)`}`);

// With the baseline prepared once per horizon (the dashboard and `--compare each` do this),
// a scenario costs its own ledgers and one robustness run.
console.log(`\nwith the baseline (projection, ledger, its draws) prepared once per horizon:`);
const prepared = new Map<number, ReturnType<typeof prepareBaseline>>();
for (const [i, s] of scenarios.entries()) {
  let baseline = prepared.get(s.horizon);
  if (!baseline) {
    t0 = performance.now();
    baseline = prepareBaseline(options, s.horizon, scenarios.flatMap((x) => x.changes));
    prepared.set(s.horizon, baseline);
    console.log(`  baseline ${s.horizon}: ${(performance.now() - t0).toFixed(0)} ms`);
  }
  const ms = median(Array.from({ length: runs }, () => time(() => runScenario(s, { ...options, baseline }))));
  console.log(`  ${names[i].padEnd(34)} ${ms.toFixed(0).padStart(5)} ms  ${ms < TARGET_MS ? 'ok' : 'SLOW'}`);
}

// The CLI runs the draws on worker threads (same results).
const pool = new RobustnessPool();
try {
  console.log(`\nthe CLI path: draws on ${pool.threads} threads (results identical to one thread):`);
  for (const [i, s] of scenarios.entries()) {
    const ms: number[] = [];
    for (let r = 0; r < runs; r++) {
      t0 = performance.now();
      const result = runScenario(s, quiet);
      const jobs = robustnessJobs(result, drawn);
      const run = async (job: RobustnessJob) => ({ result: await pool.run(job.matrix, job.settings, job.interval, job.trace), job });
      withRobustness(result, await run(jobs.before), await run(jobs.after));
      ms.push(performance.now() - t0);
    }
    console.log(`  ${names[i].padEnd(34)} ${median(ms).toFixed(0).padStart(5)} ms  ${median(ms) < TARGET_MS ? 'ok' : 'SLOW'}`);
  }
} finally {
  await pool.close();
}
