// allies db push, the work (see db.ts).
import path from 'node:path';
import { pushToPostgres } from '../../../interop/pg-push.ts';
import { printJson, textTable } from '../format.ts';

export interface DbPushOptions {
  databaseUrl?: string;
  schema: string;
  evidenceOnly?: boolean;
  json?: boolean;
  method?: string;
  judgments?: string;
  evidence: string;
}

export async function dbPush(opts: DbPushOptions): Promise<void> {
  const report = await pushToPostgres({
    databaseUrl: opts.databaseUrl ?? process.env.DATABASE_URL,
    schema: opts.schema,
    evidenceDir: path.resolve(opts.evidence),
    methodologyFile: opts.method ? path.resolve(opts.method) : undefined,
    judgmentsFile: opts.judgments ? path.resolve(opts.judgments) : undefined,
    evidenceOnly: opts.evidenceOnly,
  });
  if (opts.json) return printJson(report);
  process.stdout.write(textTable(report.tables, [
    { header: 'table', value: (t) => `${report.schema}.${t.table}` },
    { header: 'rows', value: (t) => t.rows, align: 'right' },
    { header: 'key', value: (t) => (t.key === 'none' ? '' : t.key === 'primary' ? t.primaryKey.join(', ') : `row_id; unique (${t.primaryKey.join(', ')})`) },
    { header: 'foreign keys', value: (t) => t.foreignKeys || '', align: 'right' },
  ]));
  const rows = report.tables.reduce((s, t) => s + t.rows, 0);
  const views = report.views.length ? `; view${report.views.length > 1 ? 's' : ''} ${report.views.map((v) => `${report.schema}.${v}`).join(', ')}` : '';
  const ledgers = report.years ? `, ledgers ${report.years.first}-${report.years.latest} (methodology ${report.methodology?.id} ${report.methodology?.version})` : '';
  process.stdout.write(`\n${rows.toLocaleString('en-US')} rows in ${report.tables.length} tables${views}${ledgers} pushed to ${report.server}, schema ${report.schema}, in one transaction, ${(report.ms.total / 1000).toFixed(1)} s\n`);
}
