// In team mode the main ledger routes (/api/ledgers, /api/rankings and what the dashboard reads)
// answer with the judgment set published now, read from the database per request: a publication
// shows at once (the response cache is keyed by the set's version), in every server instance on
// the database; every answer names the set (X-Judgment-Set, judgment_set) and every judgment line
// its raters, round, spread and set version. Outside team mode nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp } from '../../src/interfaces/api/app.ts';
import { openDb } from '../../src/team/db.ts';
import type { Db } from '../../src/team/db.ts';
import { testDatabaseUrl } from '../support/postgres.ts';
import { BACKENDS, sharedEvidence, teamApp, teamWithRoles } from './support.ts';
import type { TeamClient } from './support.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const rating = (value: number, low: number, high: number) => ({
  value, low, high, rationale: `A rating of ${value} after reading the cited statements closely.`, citations: [{ source: 'alliance-ledger-default-judgments' }],
});

async function get(app: OpenAPIHono, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Obj; headers: Headers }> {
  const res = await app.request(`http://localhost${path}`, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) as Obj : {}, headers: res.headers };
}

const line = (ledger: Obj, item: string) => ledger.lines.find((l: Obj) => l.item === item);

describe.each(BACKENDS)('the main ledger routes in team mode on $name', (backend) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let app: OpenAPIHono;
  let other: OpenAPIHono;
  let roles: Awaited<ReturnType<typeof teamWithRoles>>;
  let secondDb: Db | undefined;

  beforeAll(async () => {
    if (backend.skip) return;
    ({ db, cleanup } = await backend.open());
    app = await teamApp(db);
    // A second server instance on the same database: on PostgreSQL through a pool of its own, as
    // another process would be (PGlite is one process's database: the same handle).
    if (db.kind === 'postgres') {
      const [{ schema }] = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
      secondDb = await openDb({ url: testDatabaseUrl!, schema, poolSize: 4 });
    }
    other = await teamApp(secondDb ?? db);
    roles = await teamWithRoles(app, 2);
  });
  afterAll(async () => {
    await secondDb?.close();
    await cleanup?.();
  });

  async function publish(items: { judgment: string; ally: string }[], values: [number, number, number][][]): Promise<number> {
    const round = await roles.editor.call<Obj>('POST', '/api/team/rounds', { title: 'team-mode ledgers', items });
    expect(round.status).toBe(201);
    for (const [i, item] of items.entries()) {
      for (const [k, analyst] of roles.analysts.entries()) {
        const [v, lo, hi] = values[i][k];
        const r = await (analyst as TeamClient).call<Obj>('PUT', `/api/team/rounds/${round.body.id}/ratings/${item.judgment}/${item.ally}`, rating(v, lo, hi));
        expect(r.status).toBe(201);
      }
    }
    const closed = await roles.editor.call<Obj>('POST', `/api/team/rounds/${round.body.id}/close`, { version: round.body.version });
    const published = await roles.editor.call<Obj>('POST', `/api/team/rounds/${round.body.id}/publish`, { version: closed.body.version });
    expect(published.status).toBe(200);
    return published.body.set.version as number;
  }

  it.skipIf(backend.skip)('a publication changes /api/ledgers/JPN at once, naming the raters and the set version, in both server instances', async () => {
    const before = await get(app, '/api/ledgers/JPN?year=2024');
    expect(before.status).toBe(200);
    expect(before.headers.get('x-judgment-set')).toBe('1');
    expect(before.body.judgment_set).toBe(1);
    expect(line(before.body, 'leadership_commitment').judgments[0]).toMatchObject({ value: 4, provenance: { set_version: 1, round: null } });
    // Cached now: the same answer again, by its ETag too.
    const etag = before.headers.get('etag')!;
    expect((await app.request('http://localhost/api/ledgers/JPN?year=2024', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const otherBefore = await get(other, '/api/ledgers/JPN?year=2024');
    expect(otherBefore.headers.get('x-judgment-set')).toBe('1');
    const listBefore = await get(app, '/api/ledgers?year=2024');
    const rankingsBefore = await get(app, '/api/rankings?year=2024');
    expect(rankingsBefore.headers.get('x-judgment-set')).toBe('1');

    const version = await publish([{ judgment: 'leadership_commitment', ally: 'JPN' }], [[[1, 0, 2], [2, 1, 3]]]);
    expect(version).toBe(2);

    for (const [name, server] of [['this instance', app], ['the other instance', other]] as const) {
      const after = await get(server, '/api/ledgers/JPN?year=2024');
      expect(after.status, name).toBe(200);
      expect(after.headers.get('x-judgment-set'), name).toBe('2');
      expect(after.body.judgment_set, name).toBe(2);
      const j = line(after.body, 'leadership_commitment').judgments[0];
      expect(j, name).toMatchObject({ value: 1.5, provenance: { set_version: 2, round: 1, raters: ['analyst1', 'analyst2'], aggregation: 'median', spread: { n: 2, min: 1, max: 2, values: [1, 2] } } });
      expect(after.body.net, name).not.toBe(before.body.net);
      expect(after.headers.get('etag'), name).not.toBe(etag);
      // The old ETag no longer matches: a client revalidating gets the new ledger.
      expect((await server.request('http://localhost/api/ledgers/JPN?year=2024', { headers: { 'if-none-match': etag } })).status, name).toBe(200);
    }
    // The set's ledger on the main route is the team route's.
    const team = await roles.viewer.call<Obj>('GET', '/api/team/ledgers/JPN?year=2024');
    const main = await get(app, '/api/ledgers/JPN?year=2024');
    expect(main.body.net).toBe(team.body.net);
    expect(main.body.rank).toBe(team.body.rank);

    const listAfter = await get(app, '/api/ledgers?year=2024');
    expect(listAfter.headers.get('x-judgment-set')).toBe('2');
    expect(listAfter.body.rows.find((r: Obj) => r.ally === 'JPN').net).not.toBe(listBefore.body.rows.find((r: Obj) => r.ally === 'JPN').net);

    // The ranking, with robustness bands computed in the heavy-work threads under the same set.
    const rankings = await get(app, '/api/rankings?year=2024');
    expect(rankings.status).toBe(200);
    expect(rankings.headers.get('x-judgment-set')).toBe('2');
    expect(rankings.body.judgment_set).toBe(2);
    const jpn = rankings.body.rows.find((r: Obj) => r.ally === 'JPN');
    const jpnBefore = rankingsBefore.body.rows.find((r: Obj) => r.ally === 'JPN');
    expect(jpn.net).toBe(main.body.net);
    expect(jpn.net_low).toBeLessThanOrEqual(jpn.net);
    expect(jpn.net_high).toBeGreaterThanOrEqual(jpn.net);
    expect([jpn.net_low, jpn.net_high]).not.toEqual([jpnBefore.net_low, jpnBefore.net_high]);
    const otherRankings = await get(other, '/api/rankings?year=2024');
    expect(otherRankings.body.rows).toEqual(rankings.body.rows);
  }, 180_000);

  it.skipIf(backend.skip)('leaves the single-user server as it was: the judgments file, no set header', async () => {
    const { dir, evidence } = await sharedEvidence();
    const single = await createApp({ evidenceDir: dir, evidence, dashboardDir: null });
    const r = await get(single, '/api/ledgers/JPN?year=2024');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-judgment-set')).toBeNull();
    expect(r.body.judgment_set).toBeUndefined();
    const j = line(r.body, 'leadership_commitment').judgments[0];
    expect(j.value).toBe(4);
    expect(j.provenance).toBeUndefined();
  });
});
