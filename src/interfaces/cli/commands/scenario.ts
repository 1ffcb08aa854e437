// allies scenario list | show | run: what-if stress tests of the balance sheets (src/scenarios)
// at the command line. Scenarios are named (the built-ins in scenarios/) or given as paths to
// the user's own files; a bad file stops with an error naming file, line and field (exit 1).
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { EVIDENCE_DIR } from '../../../evidence/load.ts';
import { RobustnessPool } from '../../../method/robustness-parallel.ts';
import {
  builtInScenarioFiles, compareScenarios, composeScenarios, conflicts, DEFAULT_ASSUMPTIONS, prepareBaseline,
  loadScenarios, readScenario, robustnessJobs, runAgainst, runScenario, withRobustness,
  comparisonText, diffText, scenarioListText, scenarioText,
} from '../../../scenarios/index.ts';
import type { BaselineAssumptions, PreparedBaseline, RobustnessJob, RobustnessOptions, RunOptions, ScenarioResult, TracedRun } from '../../../scenarios/index.ts';
import { printJson } from '../format.ts';

interface InputOptions {
  method?: string;
  judgments?: string;
  evidence: string;
}

interface RunCommandOptions extends InputOptions {
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

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return Number(value);
  };
}

function percent(name: string) {
  return (value: string): number => {
    const x = Number(value);
    if (!Number.isFinite(x) || x < -50 || x > 50) throw new InvalidArgumentError(`${name} must be a number of percent from -50 to 50`);
    return x;
  };
}

function withInputs(command: Command): Command {
  return command
    .option('--method <file>', 'methodology file (default: methods/default.yaml)')
    .option('--judgments <file>', 'your judgments, laid over judgments/default.yaml')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR);
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

export function registerScenarioCommands(program: Command): void {
  const scenario = program.command('scenario')
    .description('what-if stress tests of the balance sheets: run built-in or your own scenario files and see what moves, and why');

  scenario.command('list')
    .description('list the built-in scenarios (scenarios/*.yaml)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = [];
      for (const { name, file } of await builtInScenarioFiles()) {
        const located = await readScenario(file);
        const s = located.data;
        list.push({ name, file: path.relative(process.cwd(), file), title: s.title, horizon: s.horizon, changes: s.changes.length, kinds: [...new Set(s.changes.map((c) => c.kind))], sources: s.sources.map((c) => c.source) });
      }
      if (opts.json) return printJson(list);
      process.stdout.write(scenarioListText(list));
      process.stdout.write('\nRun one with: allies scenario run <name> (or the path of your own file); show one with: allies scenario show <name>\n');
    });

  withInputs(scenario.command('show')
    .description('show a scenario: description, sources, and every change with its rationale and citations (checked against the evidence)')
    .argument('<name-or-file>', 'a built-in name (allies scenario list) or the path of a scenario file')
    .option('--json', 'print JSON'))
    .action(async (name: string, opts: InputOptions & { json?: boolean }) => {
      const { scenarios: [s] } = await loadFor([name], opts);
      if (opts.json) return printJson({ ...s, changes: s.changes.map((c) => ({ ref: c.ref, label: c.label, origin: c.origin, countries: c.countries, items: c.items, ...c.spec })) });
      process.stdout.write(scenarioText(s));
    });

  withInputs(scenario.command('run')
    .description('run scenarios and diff every ally\'s ledger against the baseline: which line items moved, by how much, and which change moved them')
    .argument('<name-or-file...>', 'built-in names or scenario files; several are composed: concatenated in the order given, then applied by phase (levels, scale, add, exchange rate, events, judgments, weights), so a later scenario\'s level wins (src/scenarios/compose.ts)')
    .option('--compare <what>', 'baseline: the composed scenarios against the baseline projection; each: every scenario on its own against the baseline, side by side; or another scenario (name or file): the run starts from it and adds the changes it lacks', 'baseline')
    .option('--draws <n>', 'robustness draws (default: the methodology\'s)', integer('--draws', 1, 10_000_000))
    .option('--seed <n>', 'seed of the draws (default: the methodology\'s)', integer('--seed', 0, 2 ** 31 - 1))
    .option('--no-robustness', 'skip the robustness draws')
    .option('--weights-only', 'draw weights only (data and judgments at their values)')
    .option('--threads <n>', 'threads for the draws (default: the machine\'s cores)', integer('--threads', 1, 64))
    .option('--ally <iso...>', 'also show these allies line by line')
    .option('--all', 'show every ally that moved line by line')
    .option('--real-growth <pct>', `baseline real GDP growth, % a year (default ${DEFAULT_ASSUMPTIONS.realGrowthPct})`, percent('--real-growth'))
    .option('--inflation <pct>', `baseline U.S.-dollar inflation, % a year (default ${DEFAULT_ASSUMPTIONS.inflationPct})`, percent('--inflation'))
    .option('--json', 'print JSON'))
    .action(async (names: string[], opts: RunCommandOptions) => {
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
      for (const w of warnings) process.stdout.write(`note: ${w}\n`);
      const text = { allies: (opts.ally ?? []).map((a) => a.toUpperCase()), all: opts.all };
      process.stdout.write(results.map((r) => diffText(r, text)).join('\n'));
      if (opts.compare === 'each' && results.length > 1) process.stdout.write(`\n${comparisonText(compareScenarios(results))}`);
    });
}
