// allies sheet | rank | robustness | burden: the balance-sheet engine (src/method) at the
// command line. Each command loads the evidence, the methodology and the judgments (a user's
// files when given), calls the pure engine, and prints text, Markdown, CSV or JSON.
// The definitions only: the work is in ledger-run.ts, imported when a command runs.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { EVIDENCE_DIR } from '../defaults.ts';
import { integer, WIDE, withInputs, year } from './options.ts';
import type * as Run from './ledger-run.ts';

const run = () => import('./ledger-run.ts');

const PARTNERS_HELP = 'also show the year\'s partners (covered countries that are neither treaty allies nor major non-NATO allies, e.g. Saudi Arabia): scored on the allies\' scale, flagged, never ranked';

export function registerLedgerCommands(program: Command): void {
  withInputs(program.command('sheet')
    .description('the balance sheet of an ally as a T-account: assets left, liabilities right, net below, a source on every line')
    .argument('<ally>', 'ISO code or name, e.g. JPN or Japan')
    .option('--year <year>', 'year of the ledger (default: the latest year of the methodology)', year)
    .option('--history', 'one row per year from the methodology\'s first year: standing, assets, liabilities, net, rank, coverage (years it is no ally are listed without a ledger)')
    .option('--partners', 'show the sheet of a partner of the year (e.g. Saudi Arabia), scored on the allies\' scale and not ranked')
    .option('--json', 'print JSON (every line with its observations, judgments and sources)')
    .option('--csv', 'print CSV (one row per line item, then the totals)')
    .option('--md', 'print Markdown'))
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.sheet>) => (await run()).sheet(...args));

  withInputs(program.command('rank')
    .description('the allies ranked by net (assets minus liabilities) for a year')
    .option('--year <year>', 'year (default: the latest year of the methodology)', year)
    .option('--region <region>', 'only allies of this region: asia | europe | americas | middle-east | africa')
    .option('--partners', PARTNERS_HELP)
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV'))
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.rank>) => (await run()).rank(...args));

  withInputs(program.command('robustness')
    .description('Monte Carlo over weights, data ranges and judgment ranges: intervals, rank probabilities, P(net > 0), and the ASPI-style weight sweep')
    .option('--draws <n>', 'number of draws (default: the methodology\'s)', integer('--draws', 1, 100_000_000))
    .option('--seed <s>', 'random seed (default: the methodology\'s); the same seed gives the same result', integer('--seed', 0, 2 ** 32 - 1))
    .option('--year <year>', 'year (default: the latest year of the methodology)', year)
    .option('--scheme <scheme>', 'weight draws: multiplier (bounded multipliers, the methodology\'s bounds) | dirichlet', (v) => {
      if (v !== 'multiplier' && v !== 'dirichlet') throw new InvalidArgumentError('--scheme must be multiplier or dirichlet');
      return v;
    })
    .option('--concentration <k>', 'Dirichlet concentration (with --scheme dirichlet)', (v) => {
      const k = Number(v);
      if (!(k > 0)) throw new InvalidArgumentError('--concentration must be a positive number');
      return k;
    }, 50)
    .option('--weights-only', 'draw weights only (data and judgments at their values)')
    .option('--no-sweep', 'skip the ASPI-style sweep of weight changes')
    .option('--threads <n>', 'threads (default: the machine\'s cores)', integer('--threads', 1, 64))
    .option('--partners', 'list the year\'s partners after the allies with their baseline net (never drawn: partners are not ranked)')
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV (one row per ally)'))
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.robustness>) => (await run()).robustness(...args));

  program.command('burden')
    .description('burden-sharing ratios in the DoD manner: share of the allied total of a contribution / share of the allied total of its ability measure (GDP for spending, labour force for manpower; 1.0 = fair share), and DoD\'s offset share for cost sharing, each value with its year')
    .option('--year <year>', 'year (default: the latest year of the methodology)', year)
    .option('--method <file>', 'methodology file (default: methods/default.yaml)')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV')
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.burden>) => (await run()).burden(...args));
}
