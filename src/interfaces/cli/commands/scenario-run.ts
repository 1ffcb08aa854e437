// The work of allies scenario list | show | run (defined in scenario.ts), imported when one of
// them runs.
import path from 'node:path';
import {
  builtInScenarioFiles, compareScenarios, composeScenarios, conflicts, DEFAULT_ASSUMPTIONS, prepareBaseline,
  loadScenarios, readScenario, robustnessJobs, runAgainst, runScenario, withRobustness,
  comparisonText, diffText, scenarioText,
} from '../../../scenarios/index.ts';
import type { BaselineAssumptions, PreparedBaseline, RobustnessJob, RobustnessOptions, RunOptions, ScenarioResult, TracedRun } from '../../../scenarios/index.ts';
import { printJson, printText, textTable } from '../format.ts';
import { outputWidth } from '../table-layout.ts';
import type { InputOptions } from './options.ts';

export interface RunCommandOptions extends InputOptions {
  compare: string;
  json?: boolean;
  draws?: number;
  seed?: number;
  robustness: boolean;
  weightsOnly?: boolean;
  threads?: number;
  ally?: string[];
  all?: boolean;
  realGrowth?: number;
  inflation?: number;
}

function loadFor(names: readonly string[], opts: InputOptions) {
  return loadScenarios(names, {
    evidenceDir: path.resolve(opts.evidence),
    methodologyFile: opts.method ? path.resolve(opts.method) : undefined,
    judgmentsFile: opts.judgments ? path.resolve(opts.judgments) : undefined,
  });
}

/** The result without the ledgers and methodologies it was computed from (JSON output). */
function publicResult(r: ScenarioResult): Omit<ScenarioResult, 'ledgers' | 'methodologies'> {
  const { ledgers: _ledgers, methodologies: _methodologies, ...rest } = r;
  return rest;
}

/** Robustness on worker threads: same results as the single-threaded engine, sooner. */
async function addRobustness(results: ScenarioResult[], options: RobustnessOptions, threads: number | undefined): Promise<ScenarioResult[]> {
  const { RobustnessPool } = await import('../../../method/robustness-parallel.ts');
  const pool = new RobustnessPool(threads);
  const cache = new Map<unknown, TracedRun>();
  const run = async (job: RobustnessJob): Promise<TracedRun> => ({ result: await pool.run(job.matrix, job.settings, job.interval, job.trace), job });
  try {
    const out: ScenarioResult[] = [];
    for (const r of results) {
      const jobs = robustnessJobs(r, options);
      // Scenarios compared with the same baseline share its run.
      const before = cache.get(r.ledgers.before) ?? await run(jobs.before);
      cache.set(r.ledgers.before, before);
      const after = r.ledgers.after === r.ledgers.before ? before : await run(jobs.after);
      out.push(withRobustness(r, before, after));
    }
    return out;
  } finally {
    await pool.close();
  }
}

export async function scenarioList(opts: { json?: boolean }): Promise<void> {
  const list = [];
  for (const { name, file } of await builtInScenarioFiles()) {
    const located = await readScenario(file);
    const s = located.data;
    list.push({ name, file: path.relative(process.cwd(), file), title: s.title, horizon: s.horizon, changes: s.changes.length, kinds: [...new Set(s.changes.map((c) => c.kind))], sources: s.sources.map((c) => c.source) });
  }
  if (opts.json) return printJson(list);
  printText(textTable(list, [
    { header: 'name', value: (x) => x.name },
    { header: 'horizon', value: (x) => String(x.horizon), align: 'right' },
    { header: 'changes', value: (x) => String(x.changes), align: 'right' },
    { header: 'title', value: (x) => x.title },
  ]));
  printText('\nRun one with: allies scenario run <name> (or the path of your own file); show one with: allies scenario show <name>\n');
}

export async function scenarioShow(name: string, opts: InputOptions & { json?: boolean }): Promise<void> {
  const { scenarios: [s] } = await loadFor([name], opts);
  if (opts.json) return printJson({ ...s, changes: s.changes.map((c) => ({ ref: c.ref, label: c.label, origin: c.origin, countries: c.countries, items: c.items, ...c.spec })) });
  printText(scenarioText(s));
}

export async function scenarioRun(names: string[], opts: RunCommandOptions): Promise<void> {
  const reference = opts.compare === 'baseline' || opts.compare === 'each' ? [] : [opts.compare];
  const { scenarios: loaded, context } = await loadFor([...names, ...reference], opts);
  const scenarios = loaded.slice(0, names.length);
  const assumptions: BaselineAssumptions = {
    ...DEFAULT_ASSUMPTIONS,
    ...(opts.realGrowth !== undefined ? { realGrowthPct: opts.realGrowth } : {}),
    ...(opts.inflation !== undefined ? { inflationPct: opts.inflation } : {}),
  };
  const robustness: RobustnessOptions = {
    ...(opts.draws !== undefined ? { draws: opts.draws } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.weightsOnly ? { data: false, judgments: false } : {}),
  };
  const base: RunOptions = { ...context, assumptions, robustness: false };
  let results: ScenarioResult[];
  let warnings: string[] = [];
  if (opts.compare === 'each') {
    const prepared = new Map<number, PreparedBaseline>();
    results = scenarios.map((s) => {
      const baseline = prepared.get(s.horizon) ?? prepareBaseline(base, s.horizon, scenarios.flatMap((x) => x.changes));
      prepared.set(s.horizon, baseline);
      return runScenario(s, { ...base, baseline });
    });
  } else {
    const composed = composeScenarios(scenarios);
    warnings = conflicts(composed);
    if (opts.compare === 'baseline') results = [runScenario(composed, base)];
    else results = [runAgainst(composed, loaded[names.length], base)];
  }
  if (opts.robustness) results = await addRobustness(results, robustness, opts.threads);
  if (opts.json) {
    return printJson(opts.compare === 'each'
      ? { results: results.map(publicResult), comparison: compareScenarios(results) }
      : { ...publicResult(results[0]), conflicts: warnings });
  }
  for (const w of warnings) printText(`note: ${w}\n`);
  const width = outputWidth();
  const text = { allies: (opts.ally ?? []).map((a) => a.toUpperCase()), all: opts.all, width };
  printText(results.map((r) => diffText(r, text)).join('\n'));
  if (opts.compare === 'each' && results.length > 1) printText(`\n${comparisonText(compareScenarios(results), 25, width)}`);
}
