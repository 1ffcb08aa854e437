// `allies sql` against a PostgreSQL server (TEST_DATABASE_URL): with --database-url or
// DATABASE_URL the query runs on the evidence `allies db push` wrote there (its schema with
// --schema), in the same output formats as on the embedded database, with the same answers; a
// bad URL or a refused connection names host and port, never the password, and exits 1.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushToPostgres } from '../../src/interop/pg-push.ts';
import { skipPostgres, testDatabaseUrl } from '../support/postgres.ts';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const schema = `sql_test_${randomBytes(4).toString('hex')}`;

/** The CLI as a user runs it: stdout, stderr and the exit code. */
async function allies(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const environment = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete environment[k];
  return exec(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'src/interfaces/cli/main.ts'), ...args], { cwd: ROOT, env: environment, maxBuffer: 64 * 1024 * 1024 })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));
}

const QUERY = 'select country, year, value, source from observations where indicator = \'milex_share_gdp\' and country in (\'JPN\', \'KOR\') and year between 2019 and 2024 order by country, year';

describe.skipIf(skipPostgres)('allies sql --database-url (PostgreSQL at TEST_DATABASE_URL)', () => {
  beforeAll(async () => {
    await pushToPostgres({ databaseUrl: testDatabaseUrl, schema, evidenceOnly: true });
  }, 180_000);

  afterAll(async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('answers from the server as the embedded database does, in every output format', async () => {
    const embedded = await allies(['sql', '--json', QUERY], { DATABASE_URL: undefined });
    expect(embedded.code, embedded.stderr).toBe(0);
    const rows = JSON.parse(embedded.stdout) as Record<string, unknown>[];
    expect(rows.length).toBe(12);
    expect(rows[0]).toMatchObject({ country: 'JPN', year: 2019 });

    const server = await allies(['sql', '--database-url', testDatabaseUrl!, '--schema', schema, '--json', QUERY], { DATABASE_URL: undefined });
    expect(server.code, server.stderr).toBe(0);
    expect(JSON.parse(server.stdout)).toEqual(rows);

    for (const format of [[], ['--csv']]) {
      const a = await allies(['sql', ...format, QUERY], { DATABASE_URL: undefined });
      // DATABASE_URL alone points the command at the server.
      const b = await allies(['sql', '--schema', schema, ...format, QUERY], { DATABASE_URL: testDatabaseUrl });
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout).toBe(a.stdout);
    }
    const count = await allies(['sql', '--schema', schema, '--json', 'select count(*) as n from countries'], { DATABASE_URL: testDatabaseUrl });
    expect(JSON.parse(count.stdout)[0].n).toBeGreaterThan(200);
  }, 180_000);

  it('names the host and port, never the password, exit 1; a missing schema or a bad query says so', async () => {
    const refused = await allies(['sql', '--database-url', 'postgres://analyst:s3cret-pw@127.0.0.1:1/ledger', 'select 1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: cannot connect to PostgreSQL at 127\.0\.0\.1:1/);
    expect(refused.stderr + refused.stdout).not.toContain('s3cret');

    const url = new URL(testDatabaseUrl!);
    url.password = 'wrong-s3cret';
    const denied = await allies(['sql', '--database-url', url.href, 'select 1']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(`${url.hostname}:${url.port || '5432'}`);
    expect(denied.stderr).not.toContain('wrong-s3cret');

    const notUrl = await allies(['sql', '--database-url', 'mysql://a:b@h/d', 'select 1']);
    expect(notUrl.code).toBe(1);
    expect(notUrl.stderr).toMatch(/postgres:\/\//);

    const noSchema = await allies(['sql', '--database-url', testDatabaseUrl!, '--schema', 'no_such_schema_here', 'select 1']);
    expect(noSchema.code).toBe(1);
    expect(noSchema.stderr).toMatch(/no schema "no_such_schema_here".*allies db push/);

    const bad = await allies(['sql', '--database-url', testDatabaseUrl!, '--schema', schema, 'select nothing from countries']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: SQL error: column "nothing" does not exist/);
  }, 120_000);
});
