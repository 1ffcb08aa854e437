// allies sources | observations | sql
// The definitions only: the work is in evidence-run.ts, imported when a command runs.
import type { Command } from 'commander';
import { EVIDENCE_DIR } from '../defaults.ts';
import { WIDE } from './options.ts';
import type * as Run from './evidence-run.ts';

const run = () => import('./evidence-run.ts');

export function registerEvidenceCommands(program: Command): void {
  program.command('sources')
    .description('list the source registry, or export it as BibTeX or CSL-JSON')
    .option('--format <format>', 'table | bibtex | csl | json', 'table')
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.sources>) => (await run()).sources(...args));

  program.command('observations')
    .alias('obs')
    .description('print observations with their sources, e.g. allies obs JPN milex_share_gdp --from 2015')
    .argument('<country>', 'ISO code or name')
    .argument('[indicators...]', 'indicator ids (default: all)')
    .option('--from <year>', 'first year', (v) => parseYear(v, '--from'))
    .option('--to <year>', 'last year', (v) => parseYear(v, '--to'))
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV')
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.observations>) => (await run()).observations(...args));

  program.command('sql')
    .description('query the evidence in the embedded PostgreSQL (tables: observations, countries, sources, indicators, and every table in evidence/tables); with --database-url or DATABASE_URL, on that PostgreSQL server, in the schema `allies db push` wrote')
    .argument('<query>', 'SQL, e.g. "select country, value from observations where indicator = \'milex_share_gdp\' and year = 2024"')
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--database-url <url>', 'query this PostgreSQL server instead, postgres://user:password@host:5432/dbname (default: $DATABASE_URL when set)')
    .option('--schema <name>', 'with a database URL: the schema `allies db push` wrote (default alliance_ledger)')
    .option(...WIDE)
    .action(async (...args: Parameters<typeof Run.sql>) => (await run()).sql(...args));
}

function parseYear(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1800 || n > 2100) throw new Error(`${flag} "${v}" is not a year`);
  return n;
}
