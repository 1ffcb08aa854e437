// `allies sql` against a PostgreSQL server (--database-url or DATABASE_URL): the query runs on
// the evidence `allies db push` wrote there, in its schema (alliance_ledger by default), with the
// schema first on the search path so the same queries work as on the embedded database. Values
// come back as the embedded database gives them (integers and numerics as numbers where exact,
// dates as written); a bad URL or a refused connection names host and port, never the password.
import pg from 'pg';
import { DEFAULT_SCHEMA, DatabaseUrlError, checkDatabaseUrl, openClient } from './pg-push.ts';

export { DEFAULT_SCHEMA };

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface SqlResult {
  fields: string[];
  rows: Record<string, unknown>[];
}

const INT8 = 20;
const NUMERIC = 1700;
const DATES = new Set([1082, 1083, 1114, 1184]);

/** int8 and numeric as numbers while exact (else the text), dates and times as written. */
function typeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8) return (v) => (Number.isSafeInteger(Number(v)) ? Number(v) : v);
  if (oid === NUMERIC) return (v) => (String(Number(v)) === v.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') ? Number(v) : v);
  if (DATES.has(oid)) return (v) => v;
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

export async function queryServer(url: string, query: string, schema: string = DEFAULT_SCHEMA): Promise<SqlResult> {
  checkDatabaseUrl(url);
  if (!SCHEMA_NAME.test(schema)) throw new DatabaseUrlError(`--schema "${schema}": a plain lower-case SQL name (letters, digits, underscores)`);
  const { client, server } = await openClient(url, {
    application_name: 'alliance-ledger sql', options: `-c search_path=${schema},public`, types: { getTypeParser: typeParser } as pg.CustomTypesConfig,
  });
  try {
    const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (found.rowCount === 0) throw new DatabaseUrlError(`PostgreSQL at ${server} has no schema "${schema}": push the evidence there first (allies db push --database-url URL${schema === DEFAULT_SCHEMA ? '' : ` --schema ${schema}`}), or name the schema with --schema`);
    let result: pg.QueryResult<Record<string, unknown>>;
    try {
      result = await client.query<Record<string, unknown>>(query);
    } catch (err) {
      const e = err as { message?: string; position?: string };
      throw new Error(`SQL error: ${e.message ?? String(err)}${e.position ? ` (at character ${e.position})` : ''}`, { cause: err });
    }
    // Several statements: the last one's result, as psql shows last.
    const last = Array.isArray(result) ? (result as pg.QueryResult<Record<string, unknown>>[]).at(-1)! : result;
    return { fields: (last.fields ?? []).map((f) => f.name), rows: last.rows ?? [] };
  } finally {
    await client.end().catch(() => undefined);
  }
}
