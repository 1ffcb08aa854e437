// allies regions: the theaters side by side, Asia against Europe by default: the distribution
// of the allies' nets, the line items that differ most, the regional medians over the ledgers
// of every year, and how often the first region's median net exceeds the second's under the
// robustness draws. The definitions only: the work is in regions-run.ts, imported when it runs.
import type { Command } from 'commander';
import { integer, WIDE, withInputs, year } from './options.ts';
import type * as Run from './regions-run.ts';

const run = () => import('./regions-run.ts');

export function registerRegionCommand(program: Command): void {
  withInputs(program.command('regions')
    .description('Asia against Europe (or other regions): the allies\' nets, the line items that differ most, the regional medians since the first ledger year, and how robust the difference is')
    .option('--year <year>', 'year of the ledger (default: the latest)', year)
    .option('--regions <list>', 'regions compared, comma-separated; the first two are set against each other (asia, europe, americas, middle-east, africa)', 'asia,europe')
    .option('--draws <n>', 'robustness draws for the share of draws in which the first region\'s median exceeds the second\'s (0: skip)', integer('--draws', 0, 1_000_000), 2000)
    .option('--top <n>', 'line items shown (text output)', integer('--top', 1, 100), 10)
    .option('--json', 'print JSON')
    .option(...WIDE))
    .action(async (...args: Parameters<typeof Run.regions>) => (await run()).regions(...args));
}
