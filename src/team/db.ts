// The team server's one data-access interface, with two implementations: the embedded PGlite
// (a directory, by default .alliance-ledger/team) and a real PostgreSQL server (DATABASE_URL,
// PostgreSQL 15 or later) through `pg`. Plain SQL with $1 parameters, the same on both. A write
// runs in `transaction()`, or is one statement run by `query()` outside one (its own
// transaction): either way it is acknowledged only once COMMIT has returned (synchronous_commit
// as the server has it, on by default: the commit is flushed to the WAL before it returns).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { EVIDENCE_DIR } from '../evidence/load.ts';

export const DEFAULT_TEAM_DIR = path.resolve(EVIDENCE_DIR, '../.alliance-ledger/team');

export interface Sql {
  /**
   * One statement (outside `transaction()`, its own transaction: committed when it resolves).
   * `name`: a statement of the hot path, prepared once per PostgreSQL connection and reused (the
   * same name must always go with the same text); PGlite, one in-process connection, ignores it.
   */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[], name?: string): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface Db extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Run `fn` in one transaction (READ COMMITTED): committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** LISTEN on a channel (a NOTIFY sent in a transaction arrives once it commits); resolves to the unlisten. */
  listen?(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** postgres://... : a PostgreSQL server; otherwise PGlite. */
  url?: string;
  /** PGlite directory (default .alliance-ledger/team); ':memory:' keeps it in memory. */
  dir?: string;
  /** A schema of its own (created when missing): the tests' isolation. */
  schema?: string;
  /**
   * Connections to a PostgreSQL server (default 10). A rating write holds one for a single
   * statement (about a millisecond plus the commit's WAL flush), so 10 serve 50 busy clients
   * on a small machine; more only add server processes competing for the same cores.
   */
  poolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The database DATABASE_URL names, else the PGlite directory. */
export async function openDb(options: DbOptions = {}): Promise<Db> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) throw new Error(`schema: "${options.schema}" is not a plain lower-case SQL name`);
  return options.url ? openPostgres(options.url, options) : openPglite(options.dir ?? DEFAULT_TEAM_DIR, options.schema);
}

/**
 * PGlite is one process's database: a second process opening the same directory would corrupt
 * it. A lock file with the owner's pid keeps it to one (a lock left by a killed process is taken over).
 */
async function lockDir(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'allies-team.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && alive(pid)) {
        throw new Error(`the team database ${path.basename(dir)} is in use by process ${pid} (a team server?): stop it first, use the server's API, or put the team on PostgreSQL (DATABASE_URL) to run several processes`, { cause: err });
      }
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not lock the team database directory ${path.basename(dir)}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openPglite(dir: string, schema: string | undefined): Promise<Db> {
  let unlock = async () => undefined as void;
  if (dir !== ':memory:') {
    await mkdir(dir, { recursive: true });
    unlock = await lockDir(dir);
  }
  const lite = dir === ':memory:' ? new PGlite() : new PGlite(dir);
  try {
    await lite.waitReady;
  } catch (err) {
    await unlock();
    throw err;
  }
  // One connection: the search path set once holds for every query.
  if (schema) await lite.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
  const run = async <T>(q: { query: PGlite['query'] }, text: string, params?: readonly unknown[]) => (await q.query<T>(text, params as unknown[] | undefined)).rows;
  return {
    kind: 'pglite',
    query: (text, params) => run(lite, text, params),
    exec: async (text) => void await lite.exec(text),
    transaction: (fn) => lite.transaction((tx) => fn({ query: (text, params) => run(tx, text, params), exec: async (text) => void await tx.exec(text) })),
    listen: (channel, onPayload) => lite.listen(channel, onPayload),
    close: async () => {
      if (!lite.closed) await lite.close();
      await unlock();
    },
  };
}

/** A query for `pg`: named (prepared once per connection, then only bound and executed) when a name is given. */
function statement(text: string, params: readonly unknown[] | undefined, name: string | undefined): pg.QueryConfig {
  return { text, values: params as unknown[] | undefined, ...(name ? { name } : {}) };
}

async function openPostgres(url: string, options: DbOptions): Promise<Db> {
  if (options.schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle connection the server drops must not take the process down.
  pool.on('error', (err) => console.error('database connection lost:', err.message));
  await pool.query('select 1');
  return {
    kind: 'postgres',
    query: async (text, params, name) => (await pool.query(statement(text, params, name))).rows,
    exec: async (text) => void await pool.query(text),
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({
          query: async (text, params, name) => (await client.query(statement(text, params, name))).rows,
          exec: async (text) => void await client.query(text),
        });
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    // A connection of its own, outside the pool, held for the notifications.
    listen: async (channel, onPayload) => {
      const client = new pg.Client({ connectionString: url, ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) });
      client.on('error', (err) => console.error('database connection lost (listen):', err.message));
      client.on('notification', (n) => {
        if (n.channel === channel) onPayload(n.payload ?? '');
      });
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      return () => client.end();
    },
    close: () => pool.end(),
  };
}

/** Drop a test schema and everything in it (PostgreSQL tests). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`schema: "${schema}" is not a plain lower-case SQL name`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** The SQLSTATE of a database error (23505: unique violation), from either driver. */
export function sqlState(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
