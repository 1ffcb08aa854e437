// `allies db push` against a real PostgreSQL (Debian's, TEST_DATABASE_URL; CI requires it): every
// resource of evidence/datapackage.json as a table with as many rows as its CSV, its primary and
// foreign keys and comments from the descriptor; the ledgers of every year and the methodology;
// a second push gives the same state; a push that fails half-way leaves the previous state; a
// bad URL or a refused connection is a message naming the host (never the password) and exit 1.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUrlError, pushToPostgres, PUSH_TABLE, tableNameOfResource } from '../../src/interop/pg-push.ts';
import type { PushReport } from '../../src/interop/pg-push.ts';
import { skipPostgres, testDatabaseUrl } from '../support/postgres.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const EVIDENCE = path.join(ROOT, 'evidence');
const schema = `push_test_${randomBytes(4).toString('hex')}`;

interface Resource { name: string; path: string | string[]; title?: string; description?: string; schema: { fields: { name: string }[]; primaryKey?: string | string[]; foreignKeys?: unknown[] } }

let client: pg.Client;
let resources: Resource[];
const csvRows = new Map<string, number>();
let first: PushReport;

/** Row count of every table the push wrote, and a digest of the contents of a few. */
async function state(): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  const tables = (await client.query<{ tables: string[] }>(`SELECT tables FROM "${schema}"."${PUSH_TABLE}"`)).rows[0].tables;
  for (const t of tables) out[t] = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${t}"`)).rows[0].n);
  for (const [t, order] of [['countries', 'iso3'], ['ledger_lines', 'year, ally, item'], ['methodology_items', 'item'], ['observations_sipri_milex', 'country, indicator, year, source']]) {
    if (!tables.includes(t)) continue;
    out[`md5:${t}`] = (await client.query<{ h: string }>(`SELECT md5(string_agg(x::text, E'\\n' ORDER BY ${order})) AS h FROM "${schema}"."${t}" x`)).rows[0].h;
  }
  out.constraints = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1', [schema])).rows[0].n);
  return out;
}

describe.skipIf(skipPostgres)('allies db push (PostgreSQL at TEST_DATABASE_URL)', () => {
  beforeAll(async () => {
    client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    resources = (JSON.parse(await readFile(path.join(EVIDENCE, 'datapackage.json'), 'utf8')) as { resources: Resource[] }).resources;
    for (const r of resources) {
      let n = 0;
      for (const p of Array.isArray(r.path) ? r.path : [r.path]) n += (parse(await readFile(path.join(EVIDENCE, p)), { from_line: 2 }) as unknown[]).length;
      csvRows.set(r.name, n);
    }
    // The analyst's own table in the schema: a push leaves it alone.
    await client.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".my_notes (note text); INSERT INTO "${schema}".my_notes VALUES ('mine')`);
  }, 120_000);

  afterAll(async () => {
    await client?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client?.end();
  });

  it('pushes every resource with the CSV\'s row count, its keys and comments, and the ledgers of every year', async () => {
    first = await pushToPostgres({ databaseUrl: testDatabaseUrl, schema });
    const counts = await state();
    for (const r of resources) expect(counts[tableNameOfResource(r.name)], `${r.name}: rows as in its CSV`).toBe(csvRows.get(r.name));

    // Keys: the descriptor's primary key (or, where a key column is empty in some rows, row_id with UNIQUE NULLS NOT DISTINCT), and its foreign keys.
    const constraints = await client.query<{ table: string; type: string; def: string }>(
      `SELECT c.conrelid::regclass::text AS table, c.contype AS type, pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1`, [schema]);
    const of = (t: string, type: string) => constraints.rows.filter((c) => c.table.replace(/^.*\./, '').replaceAll('"', '') === t && c.type === type);
    for (const r of resources) {
      const t = tableNameOfResource(r.name);
      const pk = [r.schema.primaryKey ?? []].flat();
      if (pk.length) {
        const declared = of(t, 'p')[0]?.def ?? '';
        const key = declared === 'PRIMARY KEY (row_id)' ? of(t, 'u').map((c) => c.def).find((d) => d.startsWith('UNIQUE NULLS NOT DISTINCT')) ?? '' : declared;
        expect(key.replaceAll('"', ''), `${t}: key`).toContain(`(${pk.join(', ')})`);
      }
      expect(of(t, 'f').length, `${t}: foreign keys`).toBe((r.schema.foreignKeys ?? []).length);
    }
    expect(of('ledger_lines', 'p')[0]?.def).toBe('PRIMARY KEY (year, ally, item)');
    expect(of('ledger_line_sources', 'f').length).toBe(2);

    // Comments on every table and column, from the descriptor.
    const comments = await client.query<{ table: string; column: string | null; comment: string | null }>(
      `SELECT c.relname AS table, a.attname AS column, col_description(c.oid, a.attnum) AS comment
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'v') AND c.relname <> 'my_notes'
       UNION ALL
       SELECT c.relname, NULL, obj_description(c.oid, 'pg_class') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'v') AND c.relname <> 'my_notes'`, [schema]);
    expect(comments.rows.filter((c) => !c.comment).map((c) => `${c.table}.${c.column ?? '(table)'}`)).toEqual([]);
    const countries = resources.find((r) => r.name === 'countries')!;
    expect(comments.rows.find((c) => c.table === 'countries' && c.column === null)?.comment).toContain(countries.description ?? countries.title ?? 'countries');

    // Types from the descriptor: years are integers, values numbers, flags text.
    const types = await client.query<{ column_name: string; data_type: string }>(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', [schema, 'observations_wdi']);
    expect(Object.fromEntries(types.rows.map((r) => [r.column_name, r.data_type]))).toMatchObject({ year: 'bigint', value: 'double precision', country: 'text' });

    // The ledgers of every year, every ally with every line item and its totals; the methodology.
    const years = first.years!;
    expect(years.latest).toBeGreaterThanOrEqual(2024);
    const perYear = await client.query<{ year: string; n: string }>(`SELECT year, count(*) AS n FROM "${schema}".ledgers GROUP BY year ORDER BY year`);
    expect(perYear.rows.map((r) => Number(r.year))).toEqual(Array.from({ length: years.latest - years.first + 1 }, (_, i) => years.first + i));
    const items = counts.methodology_items as number;
    expect(items).toBeGreaterThan(10);
    expect(counts.ledger_lines).toBe((counts.ledgers as number) * (items + 3));
    const japan = await client.query<{ net: number; rank: number }>(`SELECT net, rank FROM "${schema}".ledgers WHERE ally = 'JPN' AND year = 2024`);
    expect(Number(japan.rows[0].rank)).toBeGreaterThan(0);
    const view = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".observations`);
    expect(Number(view.rows[0].n)).toBe(resources.filter((r) => [r.path].flat()[0].startsWith('observations/')).reduce((s, r) => s + csvRows.get(r.name)!, 0));
    expect((await client.query(`SELECT note FROM "${schema}".my_notes`)).rows).toEqual([{ note: 'mine' }]);
  }, 180_000);

  it('gives the same state when pushed again, and a push that fails half-way leaves it as it was', async () => {
    const before = await state();
    await pushToPostgres({ databaseUrl: testDatabaseUrl, schema });
    expect(await state()).toEqual(before);

    // Fails after every table was dropped, re-created and loaded, just before the commit.
    const seen: string[] = [];
    await expect(pushToPostgres({
      databaseUrl: testDatabaseUrl, schema,
      onStep: (step) => {
        seen.push(step);
        if (step === 'commit') throw new Error('forced failure before commit');
      },
    })).rejects.toThrow('forced failure before commit');
    expect(seen).toEqual(expect.arrayContaining(['dropped', 'table:countries', 'table:ledger_lines', 'keys', 'foreign-keys', 'commit']));
    expect(await state()).toEqual(before);
    expect((await client.query(`SELECT note FROM "${schema}".my_notes`)).rows).toEqual([{ note: 'mine' }]);

    // A real failure half-way: the last row of a late observation file does not fit its type.
    const broken = await mkdtemp(path.join(os.tmpdir(), 'allies-push-evidence-'));
    try {
      await cp(EVIDENCE, broken, { recursive: true });
      const file = path.join(broken, 'observations/wdi.csv');
      const text = await readFile(file, 'utf8');
      const lines = text.trimEnd().split('\n');
      const cells = lines[lines.length - 1].split(',');
      cells[3] = 'MMXXIV';
      lines[lines.length - 1] = cells.join(',');
      await writeFile(file, `${lines.join('\n')}\n`);
      await expect(pushToPostgres({ databaseUrl: testDatabaseUrl, schema, evidenceDir: broken, evidenceOnly: true }))
        .rejects.toThrow(/evidence\/observations\/wdi\.csv: .*MMXXIV/);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
    expect(await state()).toEqual(before);
  }, 240_000);

  it('names the host, never the password, when the server cannot be reached; exit 1 from the CLI', async () => {
    const url = 'postgres://analyst:s3cret-pw@127.0.0.1:1/ledger';
    const err = await pushToPostgres({ databaseUrl: url, schema, evidenceOnly: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUrlError);
    expect((err as Error).message).toMatch(/127\.0\.0\.1:1.*refused/);
    expect((err as Error).message).not.toContain('s3cret');
    await expect(pushToPostgres({ databaseUrl: 'not a url', schema })).rejects.toThrow(/not a URL/);
    await expect(pushToPostgres({ databaseUrl: 'mysql://a:b@h/d', schema })).rejects.toThrow(/postgres:\/\//);

    const cli = await run(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'src/interfaces/cli/main.ts'), 'db', 'push', '--database-url', url], { cwd: ROOT })
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^error: cannot connect to PostgreSQL at 127\.0\.0\.1:1/);
    expect(cli.stderr).not.toContain('s3cret');
  }, 60_000);
});
