// allies explain | methodology: the method where the numbers are. `explain` says why an ally
// ranks where it does (the lines that set it apart from the median ally of the year, adding
// up to the gap in net) and what one point of each heading is worth; `methodology` prints
// every line of the methodology in words: construct, formula, normalization, weight, what a
// point is worth, rationale and citations. Both call the pure engine (src/method/explain.ts).
// The definitions only: the work is in explain-run.ts, imported when a command runs.
import type { Command } from 'commander';
import { EVIDENCE_DIR } from '../defaults.ts';
import { integer, WIDE, withInputs, year } from './options.ts';
import type * as Run from './explain-run.ts';

const run = () => import('./explain-run.ts');

export function registerExplainCommands(program: Command): void {
  withInputs(program.command('explain')
    .description('why an ally ranks where it does: the line items that set it apart from the median ally of the year (adding up to the gap in net), its neighbours in the ranking, and what one point of each heading is worth')
    .argument('<ally>', 'ISO code or name, e.g. JPN or Japan')
    .option('--year <year>', 'year of the ledger (default: the latest year of the methodology)', year)
    .option('--top <n>', 'line items listed, largest difference first (default 12)', integer('--top', 1, 1000), 12)
    .option('--all', 'list every line item')
    .option('--no-bands', 'skip the robustness run that gives the rank band')
    .option('--partners', 'explain a partner of the year (e.g. Saudi Arabia): scored on the allies\' scale, never ranked, set against the median ally')
    .option('--json', 'print JSON (every line, heading, the reconciliation, the neighbours and the point worths)'))
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.explain>) => (await run()).explain(...args));

  program.command('methodology')
    .description('every line of the methodology in words: construct, formula, normalization, weight, what a point of it is worth in the net, rationale and citations')
    .option('--method <file>', 'methodology file (default: methods/default.yaml)')
    .option('--evidence <dir>', 'evidence directory (the methodology is checked against it; citations are read from its sources)', EVIDENCE_DIR)
    .option('--json', 'print JSON (one object per line item, and the point worth of every heading)')
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.methodology>) => (await run()).methodology(...args));
}
