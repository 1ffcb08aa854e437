// The authorization matrix, generated from the OpenAPI document: every write operation of the
// API, for no account, viewer, analyst, editor and admin (API tokens), and for a signed-in
// session without its CSRF token: 401 or 403 where the operation's `x-required-role` says so,
// never otherwise, and nothing written on refusal (every team table counted before and after).
// Then lost updates: two clients revise the same rating at once, many times over: one wins,
// the other gets 409 with the winner's rating, and the audit trail has every version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Db } from '../../src/team/db.ts';
import { ROLES } from '../../src/team/auth.ts';
import { BACKENDS, TeamClient, leaksNothing, teamApp, teamWithRoles } from './support.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any


async function snapshot(db: Db): Promise<string> {
  // Every table of the team database (the migrations name them all team_*), found anew each time.
  const tables = (await db.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'team\\_%' AND table_name <> 'team_migrations' ORDER BY 1`)).map((r) => r.t);
  expect(tables.length).toBeGreaterThanOrEqual(8);
  const parts: string[] = [];
  for (const t of tables) {
    const [r] = await db.query<Obj>(`SELECT count(*) AS n, md5(COALESCE(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${t} x`);
    parts.push(`${t}:${r.n}:${r.h}`);
  }
  return parts.join(' ');
}

const FILL: Record<string, string> = { id: '999999', version: '999999', judgment: 'leadership_commitment', ally: 'JPN' };

describe.each(BACKENDS)('authorization and lost updates on $name', (backend) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let app: OpenAPIHono;
  let roles: Awaited<ReturnType<typeof teamWithRoles>>;

  beforeAll(async () => {
    if (backend.skip) return;
    ({ db, cleanup } = await backend.open());
    app = await teamApp(db);
    roles = await teamWithRoles(app, 2);
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it.skipIf(backend.skip)('every write operation: 401 without an account, 403 below its role, nothing written on refusal', async () => {
    const doc = await (await app.request('http://localhost/openapi.json')).json() as Obj;
    const writes: { method: string; path: string; role: string }[] = [];
    const unguarded: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Obj)) {
      for (const [method, op] of Object.entries(ops as Obj)) {
        if (method === 'get' || method === 'head' || method === 'options' || method === 'parameters') continue;
        if (op['x-required-role'] === undefined) unguarded.push(`${method.toUpperCase()} ${path}`);
        else writes.push({ method, path, role: op['x-required-role'] });
      }
    }
    // The operations outside the team API that take a body compute (scenario runs, methodology checks) and store nothing.
    expect(unguarded.filter((u) => u.includes('/api/team'))).toEqual([]);
    expect(writes.length).toBeGreaterThanOrEqual(11);
    const who: Record<string, TeamClient> = {
      none: new TeamClient(app), viewer: roles.viewer, analyst: roles.analysts[0], editor: roles.editor, admin: roles.admin,
    };
    let refusals = 0;
    for (const w of writes) {
      const url = w.path.replace(/\{(\w+)\}/g, (_m, name: string) => FILL[name] ?? 'x');
      for (const [identity, client] of Object.entries(who)) {
        const before = await snapshot(db);
        const r = await client.call<Obj>(w.method.toUpperCase(), url, {});
        const needed = w.role === 'none' ? -1 : ROLES.indexOf(w.role as (typeof ROLES)[number]);
        const have = identity === 'none' ? -1 : ROLES.indexOf(identity as (typeof ROLES)[number]);
        const label = `${identity} ${w.method.toUpperCase()} ${w.path} (needs ${w.role}): ${r.status} ${JSON.stringify(r.body)}`;
        if (have < needed) {
          expect(r.status, label).toBe(identity === 'none' ? 401 : 403);
          expect(await snapshot(db), label).toBe(before);
          expect(leaksNothing(r.body)).toBe(true);
          refusals++;
        } else {
          expect([401, 403], label).not.toContain(r.status);
        }
      }
    }
    expect(refusals).toBeGreaterThan(writes.length);

    // A signed-in session without its CSRF token is refused every write, and nothing is written.
    const session = new TeamClient(app);
    await session.signIn('editor1', 'editor1-password-1');
    for (const w of writes.filter((x) => x.role !== 'none')) {
      const url = w.path.replace(/\{(\w+)\}/g, (_m, name: string) => FILL[name] ?? 'x');
      const before = await snapshot(db);
      const r = await session.call<Obj>(w.method.toUpperCase(), url, {}, { 'x-csrf-token': '' });
      expect(r.status, `${w.method} ${w.path}`).toBe(403);
      expect(r.body.field).toBe('X-CSRF-Token');
      expect(await snapshot(db)).toBe(before);
    }
  });

  it.skipIf(backend.skip)('reads need an account too, and analysts\' reads need the analyst role', async () => {
    expect((await new TeamClient(app).call('GET', '/api/team/sets')).status).toBe(401);
    expect((await roles.viewer.call('GET', '/api/team/rounds/1/ratings/mine')).status).toBe(403);
    expect((await roles.analysts[0].call('GET', '/api/team/rounds/1/progress')).status).toBe(403);
    expect((await roles.analysts[0].call('GET', '/api/team/accounts')).status).toBe(403);
  });

  it.skipIf(backend.skip)('two clients revising one rating at once: one succeeds, one gets 409 with the current rating, nothing lost (100 times)', async () => {
    const judgment = 'industrial_partnership';
    const r = await roles.editor.call<Obj>('POST', '/api/team/rounds', { title: 'concurrency', items: [{ judgment, ally: 'FRA' }] });
    expect(r.status).toBe(201);
    const url = `/api/team/rounds/${r.body.id}/ratings/${judgment}/FRA`;
    const body = (value: number, version?: number, who = '') => ({
      value, low: 0, high: 4, rationale: `Revision by ${who || 'the first client'} to the value ${value}.`, citations: [{ source: 'alliance-ledger-default-judgments' }], ...(version ? { version } : {}),
    });
    // Two clients of the same analyst: two API tokens.
    const first = roles.analysts[0];
    const second = new TeamClient(app, String((await first.call<Obj>('POST', '/api/team/tokens', { label: 'second client' })).body.token));
    // Even the first rating races: one creates it, the other is told it exists.
    const created = await Promise.all([first.call<Obj>('PUT', url, body(1)), second.call<Obj>('PUT', url, body(1))]);
    expect(created.map((c) => c.status).sort()).toEqual([201, 409]);
    let version = 1;
    const ITERATIONS = 100;
    for (let i = 0; i < ITERATIONS; i++) {
      const a = (i % 5);
      const b = 4 - a;
      const [x, y] = await Promise.all([first.call<Obj>('PUT', url, body(a, version, 'A')), second.call<Obj>('PUT', url, body(b, version, 'B'))]);
      const statuses = [x.status, y.status].sort();
      expect(statuses, JSON.stringify([x.body, y.body])).toEqual([200, 409]);
      const [win, lose] = x.status === 200 ? [x, y] : [y, x];
      expect(win.body.version).toBe(version + 1);
      expect(lose.body.current).toMatchObject({ version: version + 1, value: win.body.value, rationale: win.body.rationale });
      version++;
    }
    const mine = await first.call<Obj>('GET', `/api/team/rounds/${r.body.id}/ratings/mine`);
    expect(mine.body.ratings[0].version).toBe(ITERATIONS + 1);
    // Every acknowledged revision is in the audit trail, versions consecutive: none overwritten silently.
    const audit = await roles.viewer.call<Obj>('GET', `/api/team/audit?entity=rating&entity_id=${mine.body.ratings[0].id}&limit=1000`);
    const versions = audit.body.entries.map((e: Obj) => e.after.version).sort((p: number, q: number) => p - q);
    expect(versions).toEqual(Array.from({ length: ITERATIONS + 1 }, (_v, k) => k + 1));
    for (const e of audit.body.entries) if (e.before) expect(e.before.version).toBe(e.after.version - 1);
  });
});
