// allies db push: the evidence, registries, ledgers of every year and the methodology into your
// PostgreSQL (15 or later). The work is in db-run.ts, imported only when the command runs.
import type { Command } from 'commander';
import type { DbPushOptions } from './db-run.ts';
import { withInputs } from './options.ts';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('put the evidence and the ledgers into your own PostgreSQL');
  withInputs(db.command('push')
    .description('write the evidence (every resource of evidence/datapackage.json, typed, with keys, foreign keys and comments), the registries, the ledgers of every year and the methodology into a PostgreSQL 15+ schema, in one transaction; running it again replaces what it wrote (same state)')
    .option('--database-url <url>', 'postgres://user:password@host:5432/dbname (default: $DATABASE_URL)')
    .option('--schema <name>', 'schema to write to (created when missing; other tables in it are left alone)', 'alliance_ledger')
    .option('--evidence-only', 'only the evidence and registries, no ledgers or methodology')
    .option('--json', 'print the report as JSON'))
    .action(async (opts: DbPushOptions) => (await import('./db-run.ts')).dbPush(opts));
}
