// allies scenario list | show | run: what-if stress tests of the balance sheets (src/scenarios)
// at the command line. Scenarios are named (the built-ins in scenarios/) or given as paths to
// the user's own files; a bad file stops with an error naming file, line and field (exit 1).
// The definitions only: the work is in scenario-run.ts, imported when a command runs.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_ASSUMPTIONS } from '../defaults.ts';
import { integer, WIDE, withInputs as withLedgerInputs } from './options.ts';
import type * as Run from './scenario-run.ts';

const run = () => import('./scenario-run.ts');

const withInputs = (command: Command) => withLedgerInputs(command, 'your judgments, laid over judgments/default.yaml');

function percent(name: string) {
  return (value: string): number => {
    const x = Number(value);
    if (!Number.isFinite(x) || x < -50 || x > 50) throw new InvalidArgumentError(`${name} must be a number of percent from -50 to 50`);
    return x;
  };
}

export function registerScenarioCommands(program: Command): void {
  const scenario = program.command('scenario')
    .description('what-if stress tests of the balance sheets: run built-in or your own scenario files and see what moves, and why');

  scenario.command('list')
    .description('list the built-in scenarios (scenarios/*.yaml)')
    .option('--json', 'print JSON')
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.scenarioList>) => (await run()).scenarioList(...args));

  withInputs(scenario.command('show')
    .description('show a scenario: description, sources, and every change with its rationale and citations (checked against the evidence)')
    .argument('<name-or-file>', 'a built-in name (allies scenario list) or the path of a scenario file')
    .option('--json', 'print JSON'))
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.scenarioShow>) => (await run()).scenarioShow(...args));

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
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.scenarioRun>) => (await run()).scenarioRun(...args));
}
