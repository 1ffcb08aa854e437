// allies history | claims | asymmetry | network | compare | tiers: the comparative analyses.
// Each command loads the evidence (and, where needed, the methodology), calls the pure
// functions of src/analyses, and prints a table with its definitions and sources, or JSON.
// The definitions only: the work is in analyses-run.ts, imported when a command runs.
import type { Command } from 'commander';
import { DEFAULT_CLAIMS_FILE, DEFAULT_INTERESTS_FILE, DEFAULT_JUDGMENTS_FILE, DEFAULT_METHODOLOGY_FILE, EVIDENCE_DIR, HISTORY_GROUPINGS, MAX_TIERS } from '../defaults.ts';
import { WIDE } from './options.ts';
import type * as Run from './analyses-run.ts';

const run = () => import('./analyses-run.ts');

export function parseYearOption(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1816 || n > 2100) throw new Error(`${flag} "${v}" is not a year between 1816 and 2100`);
    return n;
  };
}

function withLedgerOptions(command: Command): Command {
  return command
    .option('--year <year>', 'ledger year (default: the methodology\'s latest year)', parseYearOption('--year'))
    .option('--method <file>', 'methodology file', DEFAULT_METHODOLOGY_FILE)
    .option('--judgments <file>', 'judgments file', DEFAULT_JUDGMENTS_FILE)
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--json', 'print JSON');
}

export function registerAnalysisCommands(program: Command): void {
  program.command('history')
    .description('how long alliances last: Kaplan-Meier survival from ATOP 5.1 with every definition stated, and the age of each U.S. alliance in force')
    .option('--by <type>', `grouping: ${HISTORY_GROUPINGS.join(' | ')} | type (every grouping)`, 'overview')
    .option('--as-of <year>', 'year at whose end U.S. alliances are aged', parseYearOption('--as-of'), 2024)
    .option('--curve <group>', 'also print the Kaplan-Meier curve of one group (its id, e.g. defense)')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--json', 'print JSON (with the curves)')
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.history>) => (await run()).history(...args));

  program.command('claims')
    .description('quantitative claims from the reference texts and the literature, checked against the evidence')
    .argument('[ids...]', 'claim ids to show in full (default: the list; use "all" for every claim in full)')
    .option('--claims <file>', 'claim registry', DEFAULT_CLAIMS_FILE)
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--json', 'print JSON')
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.claims>) => (await run()).claims(...args));

  program.command('asymmetry')
    .description('the forms asymmetry takes between the U.S. and an ally: obligations (ATOP), capability, basing, cost')
    .argument('<ally>', 'ISO code or name of a covered ally')
    .option('--year <year>', 'year of the capability, basing and cost figures (latest value at or before it)', parseYearOption('--year'), 2024)
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--json', 'print JSON')
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.asymmetry>) => (await run()).asymmetry(...args));

  program.command('network')
    .description('U.S. allies and partners as a network: ties, centrality, communities, and the hub-and-spokes versus latticework index')
    .option('--year <year>', 'year of the network', parseYearOption('--year'), 2024)
    .option('--from <year>', 'first year of the index series (with --series)', parseYearOption('--from'), 1946)
    .option('--series', 'print the lattice index for every year from --from to --year')
    .option('--top <n>', 'nodes listed by centrality', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--top "${v}" is not a positive whole number`);
      return n;
    }, 15)
    .option('--max-members <n>', 'leave out instruments with more members than this (e.g. 10 drops NATO and the Rio Treaty)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 2) throw new Error(`--max-members "${v}" is not a whole number of at least 2`);
      return n;
    })
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--json', 'print JSON')
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.network>) => (await run()).network(...args));


  withLedgerOptions(program.command('compare')
    .description('allies side by side: commitment, key evidence, ledger totals, interests and compromises, cluster of similar profiles, tier of commitment and nearest ally, with the sources of every row')
    .argument('<allies...>', 'ISO codes or names of covered allies, e.g. JPN KOR AUS DEU POL GBR')
    .option('--similar', 'also list each ally\'s most similar and most different allies and the line items behind them')
    .option('--regions <pair>', 'compare two regions item by item, e.g. asia,europe (none: skip)', 'asia,europe')
    .option('--draws <n>', 'robustness draws behind the clusters', (v) => positiveInteger(v, '--draws'), 0)
    .option('--interests <file>', 'interest map', DEFAULT_INTERESTS_FILE))
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.compare>) => (await run()).compare(...args));

  withLedgerOptions(program.command('tiers')
    .description('the multi-tiered structure: clusters of allies with similar ledger profiles and kind of U.S. commitment (numbered by mean net, not tiers of importance), with how stable each placement is')
    .option('--tiers <n>', `number of clusters (2-${MAX_TIERS})`, (v) => positiveInteger(v, '--tiers'), 4)
    .option('--draws <n>', 'robustness draws of the weights for the stability of each cluster', (v) => positiveInteger(v, '--draws'), 500)
    .option('--commitment-weight <w>', 'weight of the kind of commitment, in line-item weight units', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new Error(`--commitment-weight "${v}" is not a non-negative number`);
      return n;
    }, 2))
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.tiers>) => (await run()).tiers(...args));
}

function positiveInteger(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} "${v}" is not a whole number`);
  return n;
}
