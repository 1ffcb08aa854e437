// The team server end to end through its API, on PGlite and on PostgreSQL: accounts, sessions
// (cookie flags, CSRF, throttling), API tokens, a two-round Delphi process that publishes a
// judgment set the ledgers then use (raters, round, spread, set version on the line), YAML
// round trip, bad input naming its field, stale versions refused with 409, the audit trail,
// and two app instances on one database behaving as one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { loadMethodology } from '../../src/method/files.ts';
import { checkJudgments, parseJudgments } from '../../src/method/judgments.ts';
import type { Db } from '../../src/team/db.ts';
import { ADMIN, BACKENDS, TeamClient, account, leaksNothing, sharedEvidence, teamApp, teamWithRoles } from './support.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const rating = (value: number, low: number, high: number, extra: Obj = {}) => ({
  value, low, high, rationale: `A rating of ${value} after reading the cited statements closely.`, citations: [{ source: 'alliance-ledger-default-judgments' }], ...extra,
});

describe.each(BACKENDS)('team server on $name', (backend) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let app: OpenAPIHono;
  let roles: Awaited<ReturnType<typeof teamWithRoles>>;

  beforeAll(async () => {
    if (backend.skip) return;
    ({ db, cleanup } = await backend.open());
    app = await teamApp(db);
    roles = await teamWithRoles(app, 3);
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it.skipIf(backend.skip)('imports the default judgments file as set 1, every entry, and exports it back to a file the engine reads', async () => {
    const sets = await roles.viewer.call<Obj>('GET', '/api/team/sets');
    expect(sets.status).toBe(200);
    expect(sets.body.sets[0]).toMatchObject({ version: 1, name: 'alliance-ledger-default' });
    const one = await roles.viewer.call<Obj>('GET', '/api/team/sets/1');
    expect(one.body.entries).toHaveLength(351);
    const yaml = await roles.viewer.call<string>('GET', '/api/team/sets/1?format=yaml');
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toMatch(/yaml/);
    const { evidence } = await sharedEvidence();
    const methodology = await loadMethodology(evidence);
    const back = checkJudgments(parseJudgments('v1.yaml', yaml.body), methodology, new Set(evidence.allies().map((a) => a.iso3)), new Set(evidence.sources.map((s) => s.id)));
    expect(back.map((j) => [j.judgment, j.ally, j.from, j.to, j.value, j.low, j.high])).toEqual(one.body.entries.map((e: Obj) => [e.judgment, e.ally, e.from, e.to, e.value, e.low, e.high]));
  });

  it.skipIf(backend.skip)('signs in with an HttpOnly SameSite=Strict cookie; cookie writes need the CSRF header; sign-out ends the session', async () => {
    const c = new TeamClient(app);
    const r = await c.signIn('analyst1', 'analyst1-password-1');
    expect(r.status).toBe(200);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(JSON.stringify(r.body)).not.toMatch(/password_hash|scrypt/);
    const noCsrf = await c.call('POST', '/api/team/tokens', { label: 'x' }, { 'x-csrf-token': 'wrong' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.field).toBe('X-CSRF-Token');
    expect((await c.call('POST', '/api/team/tokens', { label: 'x' })).status).toBe(201);
    expect((await c.call('GET', '/api/team/session')).body).toMatchObject({ name: 'analyst1', role: 'analyst', via: 'session' });
    expect((await c.call('DELETE', '/api/team/session')).status).toBe(200);
    expect((await c.call('GET', '/api/team/session')).status).toBe(401);
  });

  it.skipIf(backend.skip)('throttles failed sign-ins per account (429 even with the right password), and says nothing of which part was wrong', async () => {
    await roles.admin.call('POST', '/api/team/accounts', { name: 'throttled', role: 'viewer', password: 'throttled-password-1' });
    const c = new TeamClient(app);
    const unknown = await c.signIn('nobody-here', 'whatever-password');
    const wrong = await c.signIn('throttled', 'not-the-password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.message).toBe(wrong.body.message);
    for (let i = 0; i < 4; i++) await c.signIn('throttled', 'not-the-password');
    const blocked = await c.signIn('throttled', 'throttled-password-1');
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBeTruthy();
    // Another account is not throttled by it.
    expect((await new TeamClient(app).signIn('viewer1', 'viewer1-password-1')).status).toBe(200);
  });

  it.skipIf(backend.skip)('API tokens work until revoked; an unknown token gets 401', async () => {
    const made = await roles.viewer.call<Obj>('POST', '/api/team/tokens', { label: 'script' });
    const script = new TeamClient(app, made.body.token);
    expect((await script.call('GET', '/api/team/rounds')).status).toBe(200);
    expect((await roles.viewer.call('DELETE', `/api/team/tokens/${made.body.id}`)).status).toBe(200);
    const after = await script.call('GET', '/api/team/rounds');
    expect(after.status).toBe(401);
    expect(after.body.field).toBe('Authorization');
    expect((await new TeamClient(app, 'alt_nonsense').call('GET', '/api/team/rounds')).status).toBe(401);
  });

  it.skipIf(backend.skip)('runs two Delphi rounds on Japan\'s leadership commitment and Korea\'s domestic constraints and publishes a set the ledgers use', async () => {
    const [a1, a2, a3] = roles.analysts;
    const before = await roles.viewer.call<Obj>('GET', '/api/team/ledgers/JPN?year=2024');
    expect(before.status).toBe(200);
    const lineOf = (l: Obj, item: string) => l.lines.find((x: Obj) => x.item === item);
    expect(lineOf(before.body, 'leadership_commitment').judgments[0]).toMatchObject({ value: 4, provenance: { set_version: 1, round: null } });

    const items = [{ judgment: 'leadership_commitment', ally: 'JPN' }, { judgment: 'domestic_constraints', ally: 'KOR' }];
    const r1 = await roles.editor.call<Obj>('POST', '/api/team/rounds', { title: 'Asia 2024', items, reason: 'first Delphi round' });
    expect(r1.status).toBe(201);
    const id1 = r1.body.id;
    const put = (c: TeamClient, round: number, j: string, ally: string, body: Obj) => c.call<Obj>('PUT', `/api/team/rounds/${round}/ratings/${j}/${ally}`, body);

    // Before rating, an analyst sees how many rated, never what.
    expect((await put(a1, id1, 'leadership_commitment', 'JPN', rating(2, 1, 3))).status).toBe(201);
    const hidden = await a2.call<Obj>('GET', `/api/team/rounds/${id1}/distribution`);
    expect(hidden.body.items[0]).toMatchObject({ n: 1, visible: false, ratings: [], median: null });
    expect((await put(a2, id1, 'leadership_commitment', 'JPN', rating(3, 2, 4))).status).toBe(201);
    expect((await put(a3, id1, 'leadership_commitment', 'JPN', rating(4, 3, 4))).status).toBe(201);
    for (const [c, v] of [[a1, 1], [a2, 2], [a3, 3]] as const) {
      expect((await put(c, id1, 'domestic_constraints', 'KOR', rating(v, Math.max(0, v - 1), v + 1))).status).toBe(201);
    }
    const seen = await a2.call<Obj>('GET', `/api/team/rounds/${id1}/distribution`);
    const jpn = seen.body.items[0];
    expect(jpn).toMatchObject({ n: 3, visible: true, median: 3, min: 2, max: 4, your_rating: { value: 3 } });
    expect(jpn.ratings.map((r: Obj) => r.value)).toEqual([2, 4]);
    expect(JSON.stringify(jpn.ratings)).not.toMatch(/analyst\d/);
    expect(jpn.ratings[0].rationale).toMatch(/rating of 2/);
    const progress = await roles.editor.call<Obj>('GET', `/api/team/rounds/${id1}/progress`);
    expect(progress.body.items[0].rated_by).toEqual(['analyst1', 'analyst2', 'analyst3']);

    const closed = await roles.editor.call<Obj>('POST', `/api/team/rounds/${id1}/close`, { version: r1.body.version });
    expect(closed.status).toBe(200);
    expect((await put(a1, id1, 'leadership_commitment', 'JPN', rating(2, 1, 3, { version: 1 }))).status).toBe(409);

    // Round 2 starts from round 1's ratings; two analysts revise.
    const r2 = await roles.editor.call<Obj>('POST', '/api/team/rounds', { title: 'Asia 2024, round 2', previous_round: id1 });
    expect(r2.body).toMatchObject({ number: 2, items });
    const id2 = r2.body.id;
    const mine = await a1.call<Obj>('GET', `/api/team/rounds/${id2}/ratings/mine`);
    expect(mine.body.ratings.map((r: Obj) => [r.judgment, r.value, r.version])).toEqual([['domestic_constraints', 1, 1], ['leadership_commitment', 2, 1]]);
    expect((await put(a1, id2, 'leadership_commitment', 'JPN', rating(3, 2, 3, { version: 1, reason: 'convinced by the others' }))).status).toBe(200);
    expect((await put(a3, id2, 'domestic_constraints', 'KOR', rating(2, 1, 3, { version: 1 }))).status).toBe(200);
    const r2now = await roles.editor.call<Obj>('GET', `/api/team/rounds/${id2}`);
    await roles.editor.call('POST', `/api/team/rounds/${id2}/close`, { version: r2now.body.version });
    const publishStale = await roles.editor.call<Obj>('POST', `/api/team/rounds/${id2}/publish`, { version: r2now.body.version });
    expect(publishStale.status).toBe(409);
    expect(publishStale.body.current).toMatchObject({ status: 'closed', version: r2now.body.version + 1 });
    const published = await roles.editor.call<Obj>('POST', `/api/team/rounds/${id2}/publish`, { version: r2now.body.version + 1, reason: 'consensus reached' });
    expect(published.status).toBe(200);
    expect(published.body.set.version).toBe(2);

    const after = await roles.viewer.call<Obj>('GET', '/api/team/ledgers/JPN?year=2024');
    const j = lineOf(after.body, 'leadership_commitment').judgments[0];
    expect(after.body.set_version).toBe(2);
    expect(j).toMatchObject({ value: 3, low: 2, high: 4, provenance: { set_version: 2, round: 2, raters: ['analyst1', 'analyst2', 'analyst3'], aggregation: 'median', spread: { n: 3, min: 3, max: 4, values: [3, 3, 4] } } });
    expect(lineOf(after.body, 'leadership_commitment').score).not.toBe(lineOf(before.body, 'leadership_commitment').score);
    const kor = await roles.viewer.call<Obj>('GET', '/api/team/ledgers/KOR?year=2024');
    expect(lineOf(kor.body, 'domestic_constraints').judgments[0]).toMatchObject({ value: 2, provenance: { set_version: 2, raters: ['analyst1', 'analyst2', 'analyst3'], spread: { values: [1, 2, 2] } } });
    // Earlier years keep their own entries; set 1 stays readable.
    const old = await roles.viewer.call<Obj>('GET', '/api/team/ledgers/JPN?year=2010');
    expect(lineOf(old.body, 'leadership_commitment').judgments[0]).toMatchObject({ value: 2, provenance: { set_version: 1 } });
    const v1 = await roles.viewer.call<Obj>('GET', '/api/team/ledgers/JPN?year=2024&set=1');
    expect(lineOf(v1.body, 'leadership_commitment').judgments[0].value).toBe(4);

    // The published set exports to YAML and imports back as the next set.
    const yaml = await roles.viewer.call<string>('GET', '/api/team/sets/2?format=yaml');
    expect(yaml.body).toMatch(/analyst1; analyst2; analyst3/);
    const imported = await roles.editor.call<Obj>('POST', '/api/team/sets', { yaml: yaml.body, reason: 'round trip' });
    expect(imported.status).toBe(201);
    expect(imported.body.version).toBe(3);
    const v3 = await roles.viewer.call<Obj>('GET', '/api/team/ledgers/JPN?year=2024');
    expect(v3.body.set_version).toBe(3);
    expect(lineOf(v3.body, 'leadership_commitment').judgments[0].value).toBe(3);

    // The audit trail has every step, with before and after.
    const audit = await roles.viewer.call<Obj>('GET', '/api/team/audit?limit=1000');
    const actions = audit.body.entries.map((e: Obj) => `${e.action} ${e.entity}`);
    for (const a of ['open round', 'create rating', 'update rating', 'close round', 'publish round', 'publish judgment_set', 'import judgment_set', 'create account']) expect(actions).toContain(a);
    const revision = audit.body.entries.find((e: Obj) => e.action === 'update' && e.entity === 'rating' && e.reason === 'convinced by the others');
    expect(revision).toMatchObject({ actor: 'analyst1', before: { value: 2, version: 1 }, after: { value: 3, version: 2 } });
    expect(JSON.stringify(audit.body)).not.toMatch(/scrypt|password_hash/);
  });

  it.skipIf(backend.skip)('draws judgments from the raters\' spread in the robustness of the published set', async () => {
    const score = async (set: number) => {
      const r = await roles.viewer.call<Obj>('GET', `/api/team/rankings?year=2024&draws=1000&seed=7&set=${set}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.set_version).toBe(set);
      return r.body.rows.find((x: Obj) => x.ally === 'JPN').judgment_scores.find((x: Obj) => x.item === 'leadership_commitment');
    };
    const [one, two] = [await score(1), await score(2)];
    // Set 1: one rater's 3-4; set 2: the raters spread over 2-4 (round 1's 2 is gone, but the median low is 2).
    expect(two.low).toBeLessThan(one.low);
    expect(two.high).toBeGreaterThan(two.low);
  });

  it.skipIf(backend.skip)('refuses malformed ratings with 400 naming the field, and leaks no stack trace or path', async () => {
    const round = await roles.editor.call<Obj>('POST', '/api/team/rounds', { title: 'bad input', items: [{ judgment: 'leadership_commitment', ally: 'DEU' }] });
    const put = (ally: string, body: Obj, judgment = 'leadership_commitment') => roles.analysts[0].call<Obj>('PUT', `/api/team/rounds/${round.body.id}/ratings/${judgment}/${ally}`, body);
    const cases: [string, Obj, string, string?][] = [
      ['DEU', rating(9, 0, 9), 'value'],
      ['DEU', rating(3, 0, 9), 'high'],
      ['DEU', rating(3, 0, 2), 'high'],
      ['DEU', rating(1, 2, 3), 'low'],
      ['XYZ', rating(2, 1, 3), 'ally'],
      ['japan', rating(2, 1, 3), 'ally'],
      ['DEU', rating(2, 1, 3, { citations: [{ source: 'no-such-source' }] }), 'citations.0.source'],
      ['DEU', rating(2, 1, 3, { rationale: 'short' }), 'rationale'],
      ['DEU', rating(2, 1, 3, { citations: [] }), 'citations'],
      ['DEU', { ...rating(2, 1, 3), value: 'two' }, 'value'],
      ['DEU', rating(2, 1, 3, { colour: 'red' }), 'colour'],
      ['DEU', rating(2, 1, 3), 'judgment', 'no_such_judgment'],
    ];
    for (const [ally, body, field, judgment] of cases) {
      const r = await put(ally, body, judgment);
      expect(r.status, `${field}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.field, JSON.stringify(r.body)).toBe(field);
      expect(leaksNothing(r.body)).toBe(true);
    }
    const notAnItem = await put('FRA', rating(2, 1, 3));
    expect(notAnItem.status).toBe(400);
    expect(notAnItem.body.field).toBe('ally');
    // A new source with its full reference is accepted, and can be cited from then on.
    const withSource = await put('DEU', rating(2, 1, 3, { citations: [{ source: 'kaim-2024-zeitenwende' }], new_sources: [{ id: 'kaim-2024-zeitenwende', reference: 'Kaim, M. (2024). The Zeitenwende two years on. SWP Comment 12. Berlin: SWP.' }] }));
    expect(withSource.status).toBe(201);
    const notJson = await app.request('http://localhost/api/team/rounds', { method: 'POST', headers: { authorization: `Bearer ${roles.editor.token}`, 'content-type': 'application/json' }, body: '{"title": ' });
    expect(notJson.status).toBe(400);
    expect(leaksNothing(await notJson.json())).toBe(true);
  });

  it.skipIf(backend.skip)('refuses stale versions with 409 and the current record; accounts too', async () => {
    const accounts = await roles.admin.call<Obj>('GET', '/api/team/accounts');
    const v = accounts.body.accounts.find((a: Obj) => a.name === 'viewer1');
    const ok = await roles.admin.call<Obj>('PATCH', `/api/team/accounts/${v.id}`, { version: v.version, role: 'analyst', reason: 'joins the raters' });
    expect(ok.status).toBe(200);
    const stale = await roles.admin.call<Obj>('PATCH', `/api/team/accounts/${v.id}`, { version: v.version, role: 'editor' });
    expect(stale.status).toBe(409);
    expect(stale.body.current).toMatchObject({ name: 'viewer1', role: 'analyst', version: v.version + 1 });
    await roles.admin.call<Obj>('PATCH', `/api/team/accounts/${v.id}`, { version: v.version + 1, role: 'viewer' });
  });

  it.skipIf(backend.skip)('keeps the audit trail append-only in the database itself', async () => {
    await expect(db.query('UPDATE team_audit SET reason = $1', ['rewritten'])).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM team_audit')).rejects.toThrow(/append-only/);
  });

  it.skipIf(backend.skip)('two server instances on one database behave as one: sessions, throttling and rounds are in the database', async () => {
    const other = await teamApp(db);
    const here = new TeamClient(app);
    await here.signIn('analyst2', 'analyst2-password-1');
    const there = new TeamClient(other);
    there.cookie = here.cookie;
    there.csrf = here.csrf;
    expect((await there.call<Obj>('GET', '/api/team/session')).body.name).toBe('analyst2');
    const rounds = await there.call<Obj>('GET', '/api/team/rounds');
    expect(rounds.body.rounds.length).toBeGreaterThanOrEqual(2);
    await roles.admin.call('POST', '/api/team/accounts', { name: 'throttled2', role: 'viewer', password: 'throttled2-password' });
    for (let i = 0; i < 5; i++) await new TeamClient(i % 2 ? app : other).signIn('throttled2', 'wrong-password');
    expect((await new TeamClient(other).signIn('throttled2', 'throttled2-password')).status).toBe(429);
    expect((await new TeamClient(app).signIn('throttled2', 'throttled2-password')).status).toBe(429);
  });

  it.skipIf(backend.skip)('a rater\'s token remembered by one instance is checked by every write: revoked, demoted or disabled through another, the next write is refused and writes nothing', async () => {
    const other = await teamApp(db);
    const adminThere = new TeamClient(other, roles.admin.token);
    const items = [{ judgment: 'leadership_commitment', ally: 'JPN' }];
    const round = await roles.editor.call<Obj>('POST', '/api/team/rounds', { title: 'token hints', items });
    expect(round.status).toBe(201);
    const put = (c: TeamClient, version?: number) => c.call<Obj>('PUT', `/api/team/rounds/${round.body.id}/ratings/leadership_commitment/JPN`, rating(3, 2, 4, version ? { version } : {}));
    const auditCount = async () => (await roles.admin.call<Obj>('GET', '/api/team/audit?limit=1')).body.entries[0].id as number;
    const accountId = async (name: string) => ((await adminThere.call<Obj>('GET', '/api/team/accounts')).body.accounts as Obj[]).find((a) => a.name === name)!;

    // Revoked through the other instance: 401 here, on the write after the one that remembered the token.
    expect((await roles.admin.call('POST', '/api/team/accounts', { name: 'hinted1', role: 'analyst', password: 'hinted1-password-1' })).status).toBe(201);
    const session = new TeamClient(other);
    await session.signIn('hinted1', 'hinted1-password-1');
    const token = await session.call<Obj>('POST', '/api/team/tokens', { label: 'script' });
    const rater = new TeamClient(app, String(token.body.token));
    const first = await put(rater);
    expect(first.status).toBe(201);
    expect((await put(rater, first.body.version)).status).toBe(200);
    expect((await session.call('DELETE', `/api/team/tokens/${token.body.id}`)).status).toBe(200);
    const before = await auditCount();
    const revoked = await put(rater, first.body.version + 1);
    expect(revoked.status).toBe(401);
    expect(revoked.body.field).toBe('Authorization');
    expect(await auditCount()).toBe(before);

    // Demoted to viewer, then disabled, through the other instance: 403, then 401; nothing written.
    const demoted = await account(app, roles.admin, 'hinted2', 'analyst');
    const made = await put(demoted);
    expect(made.status).toBe(201);
    const acc = await accountId('hinted2');
    expect((await adminThere.call('PATCH', `/api/team/accounts/${acc.id}`, { version: acc.version, role: 'viewer' })).status).toBe(200);
    const n = await auditCount();
    const refused = await put(demoted, made.body.version);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/analyst role/);
    const acc2 = await accountId('hinted2');
    expect(await auditCount()).toBe(n);
    expect((await adminThere.call('PATCH', `/api/team/accounts/${acc2.id}`, { version: acc2.version, role: 'analyst', disabled: true })).status).toBe(200);
    const m = await auditCount();
    expect((await put(demoted, made.body.version)).status).toBe(401);
    expect(await auditCount()).toBe(m);
    const mine = await roles.editor.call<Obj>('GET', `/api/team/rounds/${round.body.id}/distribution`);
    const item = (mine.body.items as Obj[]).find((i) => i.judgment === 'leadership_commitment' && i.ally === 'JPN')!;
    expect(item.n).toBe(2);
  });

  it.skipIf(backend.skip)('creates the first admin only once, and does not answer the team API in the single-user server', async () => {
    const again = await teamApp(db);
    const admins = await new TeamClient(again, roles.admin.token).call<Obj>('GET', '/api/team/accounts');
    expect(admins.body.accounts.filter((a: Obj) => a.role === 'admin').map((a: Obj) => a.name)).toEqual([ADMIN.name]);
  });
});
