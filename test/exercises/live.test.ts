// Live exercises on the team server, on PGlite and on PostgreSQL: each built-in exercise played
// through its three moves over the API by a facilitator and three players (one joining by code),
// with the event streams open; what a seat may see; stale versions; bad input; replay after
// Last-Event-ID; two app instances on one database; the after-action report.
import { randomBytes } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, openDb } from '../../src/team/db.ts';
import type { Db } from '../../src/team/db.ts';
import type { ExerciseSummary, LiveDecision, SessionState, SessionSummary } from '../../src/exercises/live/types.ts';
import { testDatabaseUrl } from '../support/postgres.ts';
import { BACKENDS, leaksNothing, teamApp, teamWithRoles } from '../team/support.ts';
import type { Backend, TeamClient } from '../team/support.ts';
import { BRANCHES, account, branchDecisions, joinByCode, openEvents } from './live-support.ts';
import type { EventReader } from './live-support.ts';

const P = '/api/team/exercise-sessions';
// Keep-alive comments every 15 s in service; every 200 ms here, so a test sees them.
process.env.ALLIES_EXERCISE_KEEPALIVE_MS = '200';

/** Two handles on one database: on PostgreSQL two pools (as two processes have); PGlite is one process's. */
async function twoHandles(backend: Backend): Promise<{ a: Db; b: Db; cleanup: () => Promise<void> }> {
  if (backend.name === 'pglite') {
    const { db, cleanup } = await backend.open();
    return { a: db, b: db, cleanup };
  }
  const schema = `team_test_${randomBytes(6).toString('hex')}`;
  const a = await openDb({ url: testDatabaseUrl!, schema, poolSize: 8 });
  const b = await openDb({ url: testDatabaseUrl!, schema, poolSize: 8 });
  return { a, b, cleanup: async () => { await a.close(); await b.close(); await dropSchema(testDatabaseUrl!, schema); } };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`live exercises on ${backend.name}`, () => {
    let handles: Awaited<ReturnType<typeof twoHandles>>;
    let app: OpenAPIHono;
    let app2: OpenAPIHono;
    let admin: TeamClient;
    let editor: TeamClient;
    let viewer: TeamClient;
    const readers: EventReader[] = [];

    beforeAll(async () => {
      handles = await twoHandles(backend);
      app = await teamApp(handles.a);
      app2 = await teamApp(handles.b);
      ({ admin, editor, viewer } = await teamWithRoles(app, 0));
    }, 120_000);

    afterAll(async () => {
      for (const r of readers) await r.close();
      await handles?.cleanup();
    });

    const stream = async (c: TeamClient, session: number, opts: Parameters<typeof openEvents>[2] = {}) => {
      const r = await openEvents(c, session, opts);
      readers.push(r);
      return r;
    };

    async function newSession(exercise: string): Promise<SessionSummary> {
      const r = await editor.call<SessionSummary>('POST', P, { exercise, title: `test of ${exercise}` });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    }

    const state = async (c: TeamClient, id: number) => {
      const r = await c.call<SessionState>('GET', `${P}/${id}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };

    for (const name of Object.keys(BRANCHES)) {
      it(`plays ${name} through three moves: facilitator, three players (one by code), streams, adjudications, report`, async () => {
        const exercises = (await viewer.call<ExerciseSummary[]>('GET', '/api/team/exercises')).body;
        const x = exercises.find((e) => e.id === name)!;
        expect(x, 'the exercise is listed').toBeTruthy();
        expect(x.moves.length).toBeGreaterThanOrEqual(3);
        const teams = x.teams.filter((t) => t.role === 'player').map((t) => t.id);
        const branch = await branchDecisions(name);
        const session = await newSession(name);
        expect(session.status).toBe('lobby');
        expect(session.join_codes.map((c) => c.team).sort()).toEqual([...teams].sort());
        const id = session.id;

        // Two seated players and one joining by code (on the third team, or with the second).
        const tag = name.split('-')[0];
        const seated = [await account(app, admin, `${tag}-p1`), await account(app, admin, `${tag}-p2`)];
        expect((await editor.call('POST', `${P}/${id}/seats`, { team: teams[0], account: `${tag}-p1` })).status).toBe(200);
        expect((await editor.call('POST', `${P}/${id}/seats`, { team: teams[1], account: `${tag}-p2` })).status).toBe(200);
        const joinTeam = teams[2] ?? teams[1];
        const joined = await joinByCode(app, session.join_codes.find((c) => c.team === joinTeam)!.code, 'Guest Player');
        expect(joined.status, JSON.stringify(joined.body)).toBe(200);
        expect(joined.body.seat).toMatchObject({ session: id, team: joinTeam });
        const playerOf: Record<string, TeamClient> = { [teams[0]]: seated[0], [teams[1]]: seated[1], ...(teams[2] ? { [teams[2]]: joined.client } : {}) };
        const players: { client: TeamClient; team: string }[] = [
          { client: seated[0], team: teams[0] }, { client: seated[1], team: teams[1] }, { client: joined.client, team: joinTeam },
        ];
        expect((await state(joined.client, id)).you).toMatchObject({ part: 'player', team: joinTeam });

        const facStream = await stream(editor, id);
        const playerStreams = await Promise.all(players.map((p) => stream(p.client, id)));

        let version = (await editor.call<SessionSummary>('POST', `${P}/${id}/start`, { version: session.version })).body.version;
        const submitted: LiveDecision[] = [];
        for (let k = 0; k < x.moves.length; k++) {
          const move = x.moves[k].id;
          let fac = await state(editor, id);
          expect(fac.session.move).toBe(move);
          for (const inj of fac.pending.filter((i) => i.move === move)) {
            const r = await editor.call<SessionSummary>('POST', `${P}/${id}/injects/${inj.id}/release`, { version });
            expect(r.status, JSON.stringify(r.body)).toBe(200);
            version = r.body.version;
          }
          fac = await state(editor, id);
          // The facilitator sees the prompts of every move reached (earlier decisions can still be ruled on); this move's are played now.
          const current = fac.prompts.filter((p) => p.move === move);
          expect(current.length).toBeGreaterThan(0);
          if (k > 0) expect(fac.prompts.some((p) => p.move !== move)).toBe(true);
          for (const prompt of current) {
            const d = branch.find((b) => b.decision === prompt.id);
            const option = d?.option ?? prompt.options[0].id;
            const player = playerOf[prompt.team];
            const r = await player.call<LiveDecision>('PUT', `${P}/${id}/decisions/${prompt.id}`, { option, rationale: d?.rationale ?? 'The option the team judged best in this move.' });
            expect(r.status, JSON.stringify(r.body)).toBe(200);
            expect(r.body).toMatchObject({ decision: prompt.id, team: prompt.team, option, version: 1, adjudication: null });
            let v = r.body.version;
            const ruling = d?.adjudication ?? { ruling: 'accept' as const, note: `Accepted as submitted by ${prompt.team}.` };
            const a = await editor.call<LiveDecision>('POST', `${P}/${id}/decisions/${prompt.id}/adjudication`, { ...ruling, version: v });
            expect(a.status, JSON.stringify(a.body)).toBe(200);
            expect(a.body.adjudication).toMatchObject({ ruling: ruling.ruling, note: ruling.note });
            v = a.body.version;
            const issues = d?.issues?.length ? d.issues : ['consultation'];
            const t = await editor.call<LiveDecision>('POST', `${P}/${id}/decisions/${prompt.id}/issues`, { issues, version: v });
            expect(t.status, JSON.stringify(t.body)).toBe(200);
            submitted.push(t.body);
          }
          if (k === 0) {
            // What a seat may see during the move: its own team's decisions and channel only.
            const m = await players[0].client.call('POST', `${P}/${id}/messages`, { text: `a secret of ${players[0].team}` });
            expect(m.status, JSON.stringify(m.body)).toBe(201);
            const other = players.find((p) => p.team !== players[0].team)!;
            const seen = await state(other.client, id);
            expect(seen.decisions.every((dd) => dd.team === other.team)).toBe(true);
            expect(seen.messages.some((mm) => mm.text.includes('secret'))).toBe(false);
            expect(seen.prompts.every((p) => p.team === other.team)).toBe(true);
            expect(seen.injects.every((i) => i.recipients.includes(other.team))).toBe(true);
            expect(seen.briefings.map((b) => b.team)).toEqual([other.team]);
            const own = await state(players[0].client, id);
            expect(own.messages.some((mm) => mm.text.includes('secret'))).toBe(true);
            const f = await state(editor, id);
            expect(f.messages.some((mm) => mm.text.includes('secret'))).toBe(true);
          }
          const ids = current.map((p) => p.id);
          await facStream.waitFor((ev) => ids.every((d) => ev.some((e) => e.kind === 'decision_submitted' && e.decision === d)));
          const a = await editor.call<SessionSummary>('POST', `${P}/${id}/advance`, { version });
          expect(a.status, JSON.stringify(a.body)).toBe(200);
          version = a.body.version;
        }
        const end = await state(editor, id);
        expect(end.session.status).toBe('ended');
        expect(end.decisions.map((d) => d.decision).sort()).toEqual(submitted.map((d) => d.decision).sort());
        expect(end.decisions.every((d) => d.adjudication !== null && d.issues.length > 0)).toBe(true);

        // The live alliance state: every decision ruled, so none provisional; ledgers moved with their causes.
        await facStream.waitFor((ev) => ev.some((e) => e.kind === 'ended'));
        // Recomputed off the request path: alliance_updated follows the last decision event.
        const lastDecision = Math.max(...facStream.events.filter((e) => e.kind === 'decision_adjudicated').map((e) => e.seq));
        await facStream.waitFor((ev) => ev.some((e) => e.kind === 'alliance_updated' && e.seq > lastDecision));
        await playerStreams[0].waitFor((ev) => ev.some((e) => e.kind === 'alliance_updated'));
        const final = await state(editor, id);
        expect(final.alliance, 'the alliance state').not.toBeNull();
        expect(final.alliance!.error ?? null).toBeNull();
        expect(final.alliance!.provisional).toEqual([]);
        expect(final.alliance!.allies.length).toBeGreaterThan(0);
        expect(final.alliance!.allies.some((a) => a.causes.length > 0)).toBe(true);
        expect(final.alliance!.allies.every((a) => a.net_low === null || a.net_low <= a.net_high!)).toBe(true);

        // After the exercise, a player sees every team's decisions; never another team's channel.
        const after = await state(players[1].client, id);
        expect(after.decisions.length).toBe(submitted.length);
        if (players[1].team !== players[0].team) expect(after.messages.some((mm) => mm.text.includes('secret'))).toBe(false);

        // The streams: a player got only its own team's decision events and channel, live.
        players.forEach((p, i) => {
          const got = playerStreams[i].events;
          expect(got.some((e) => e.kind === 'started')).toBe(true);
          for (const e of got.filter((ev) => ev.kind === 'decision_submitted' || ev.kind === 'decision_adjudicated' || ev.kind === 'issues_tagged' || ev.kind === 'message')) {
            expect(e.team, `${p.team}'s stream got ${e.kind} of ${e.team}`).toBe(p.team);
          }
        });
        const seqs = facStream.events.map((e) => e.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(new Set(seqs).size).toBe(seqs.length);

        // The after-action report lists every decision, adjudication and hot-wash issue.
        const md = await editor.call('GET', `${P}/${id}/report?format=md`);
        expect(md.status).toBe(200);
        expect(md.headers.get('content-type')).toContain('text/markdown');
        const text = String(md.body).replace(/\\/g, '');
        for (const d of submitted) {
          expect(text).toContain(d.decision);
          expect(text).toContain(d.adjudication!.note.replace(/[*_[\]`]/g, '').slice(0, 20));
        }
        expect(text).toContain('Adjudications');
        expect(text).toContain('Ledger effects of each decision');
        expect(text).toContain('Hot wash');
        expect(text).toContain('Sources');
        expect(text).toMatch(/holds in draws/);
        const json = await editor.call<{ sections: { id: string }[] }>('GET', `${P}/${id}/report?format=json`);
        expect(json.body.sections.map((s) => s.id)).toContain('live-session');
        const html = await editor.call('GET', `${P}/${id}/report`);
        expect(html.headers.get('content-type')).toContain('text/html');
        expect(String(html.body)).toContain('<table>');

        // Every write is in the audit trail.
        const audit = await admin.call<{ entries: { entity: string; action: string }[] }>('GET', '/api/team/audit?limit=1000');
        const decisionsAudited = audit.body.entries.filter((e) => e.entity === 'exercise_decision');
        expect(decisionsAudited.filter((e) => e.action === 'submit').length).toBeGreaterThanOrEqual(submitted.length);
        expect(decisionsAudited.filter((e) => e.action === 'adjudicate').length).toBeGreaterThanOrEqual(submitted.length);
      }, 300_000);
    }

    it('refuses a stale version with 409 and the current record', async () => {
      const s = await newSession('taiwan-strait-ttx');
      const p = await account(app, admin, 'stale-p1');
      await editor.call('POST', `${P}/${s.id}/seats`, { team: 'jpn', account: 'stale-p1' });
      const stale = await editor.call('POST', `${P}/${s.id}/start`, { version: s.version + 5 });
      expect(stale.status).toBe(409);
      expect((stale.body.current as SessionSummary).version).toBe(s.version);
      const started = await editor.call<SessionSummary>('POST', `${P}/${s.id}/start`, { version: s.version });
      expect(started.status).toBe(200);
      const first = await p.call<LiveDecision>('PUT', `${P}/${s.id}/decisions/jpn_spending`, { option: 'accelerate', rationale: 'A first choice, for the test.' });
      expect(first.status).toBe(200);
      const again = await p.call('PUT', `${P}/${s.id}/decisions/jpn_spending`, { option: 'accelerate', rationale: 'A second first submission.' });
      expect(again.status).toBe(409);
      const second = await p.call<LiveDecision>('PUT', `${P}/${s.id}/decisions/jpn_spending`, { option: first.body.option, rationale: 'A revision, for the test.', version: 1 });
      expect(second.status).toBe(200);
      expect(second.body.version).toBe(2);
      const old = await p.call('PUT', `${P}/${s.id}/decisions/jpn_spending`, { option: first.body.option, rationale: 'A revision from a stale copy.', version: 1 });
      expect(old.status).toBe(409);
      expect(old.body.field).toBe('version');
      expect((old.body.current as LiveDecision).version).toBe(2);
      expect((old.body.current as LiveDecision).rationale).toBe('A revision, for the test.');
      const adj = await editor.call('POST', `${P}/${s.id}/decisions/jpn_spending/adjudication`, { ruling: 'accept', note: 'Accepted, for the test.', version: 1 });
      expect(adj.status).toBe(409);
      expect(leaksNothing(old.body) && leaksNothing(adj.body)).toBe(true);
    }, 120_000);

    it('loses no revision when ten teammates revise one decision at once', async () => {
      const s = await newSession('linked-crises-simulation');
      const mates = await Promise.all(Array.from({ length: 10 }, (_x, i) => account(app, admin, `mate-${i}`)));
      for (let i = 0; i < mates.length; i++) await editor.call('POST', `${P}/${s.id}/seats`, { team: 'jpn', account: `mate-${i}` });
      await editor.call('POST', `${P}/${s.id}/start`, { version: s.version });
      const option = await optionOf(s.id, 'jpn_korea');
      const acked: number[] = [];
      let conflicts = 0;
      await Promise.all(mates.map(async (m, i) => {
        let version: number | undefined;
        for (let round = 0; round < 3; round++) {
          for (;;) {
            const r = await m.call<LiveDecision & { current?: LiveDecision }>('PUT', `${P}/${s.id}/decisions/jpn_korea`, { option, rationale: `Mate ${i}, round ${round}: my reasoning.`, ...(version ? { version } : {}) });
            if (r.status === 200) {
              version = r.body.version;
              acked.push(r.body.version);
              break;
            }
            expect(r.status, JSON.stringify(r.body)).toBe(409);
            conflicts++;
            version = r.body.current!.version;
          }
        }
      }));
      expect(acked.length).toBe(30);
      expect(new Set(acked).size).toBe(30);
      const st = await state(editor, s.id);
      expect(st.decisions.find((d) => d.decision === 'jpn_korea')!.version).toBe(30);
      expect(conflicts).toBeGreaterThan(0);
    }, 120_000);

    it('answers bad input with 400 naming the field, and refuses what a seat may not do', async () => {
      const s = await newSession('linked-crises-simulation');
      const p = await account(app, admin, 'bad-p1');
      await editor.call('POST', `${P}/${s.id}/seats`, { team: 'usa', account: 'bad-p1' });
      const cases: [TeamClient, string, string, unknown, number, string | undefined][] = [
        [editor, 'POST', P, { exercise: 'no-such-exercise' }, 400, 'exercise'],
        [editor, 'POST', P, {}, 400, 'exercise'],
        [editor, 'POST', `${P}/${s.id}/seats`, { team: 'atlantis', account: 'bad-p1' }, 400, 'team'],
        [editor, 'POST', `${P}/${s.id}/seats`, { team: 'control', account: 'bad-p1' }, 400, 'team'],
        [editor, 'POST', `${P}/${s.id}/seats`, { team: 'usa', account: 'nobody-here' }, 400, 'account'],
        [editor, 'POST', `${P}/${s.id}/injects/no_such_inject/release`, { version: s.version }, 400, 'inject'],
        [editor, 'POST', `${P}/${s.id}/injects/pla_massing/release`, { version: s.version }, 409, 'status'],
        [editor, 'POST', `${P}/999999/start`, { version: 1 }, 404, undefined],
        [editor, 'POST', `${P}/${s.id}/start`, { version: 'one' }, 400, 'version'],
      ];
      for (const [c, method, path, body, status, field] of cases) {
        const r = await c.call(method, path, body);
        expect(r.status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`).toBe(status);
        if (field) expect(r.body.field, JSON.stringify(r.body)).toBe(field);
        expect(leaksNothing(r.body)).toBe(true);
      }
      const started = await editor.call<SessionSummary>('POST', `${P}/${s.id}/start`, { version: s.version });
      const later = await editor.call('POST', `${P}/${s.id}/injects/bill/release`, { version: started.body.version });
      expect(later.status).toBe(409);
      expect(String(later.body.message)).toMatch(/has not begun/);
      const more: [TeamClient, string, unknown, number, string | undefined][] = [
        [p, `${P}/${s.id}/decisions/usa_priority`, { option: 'no_such_option', rationale: 'Long enough rationale.' }, 400, 'option'],
        [p, `${P}/${s.id}/decisions/no_such_decision`, { option: 'x', rationale: 'Long enough rationale.' }, 400, 'decision'],
        [p, `${P}/${s.id}/decisions/usa_priority`, { option: 'taiwan_first', rationale: 'short' }, 400, 'rationale'],
        [p, `${P}/${s.id}/decisions/usa_priority`, { rationale: 'Long enough rationale.' }, 400, 'option'],
        [p, `${P}/${s.id}/decisions/jpn_korea`, { option: 'x', rationale: 'Long enough rationale.' }, 400, 'option'],
        [p, `${P}/${s.id}/decisions/usa_bill`, { option: (await optionOf(s.id, 'usa_bill')), rationale: 'Long enough rationale.' }, 409, 'move'],
        [viewer, `${P}/${s.id}/decisions/usa_priority`, { option: (await optionOf(s.id, 'usa_priority')), rationale: 'Long enough rationale.' }, 403, undefined],
      ];
      for (const [c, path, body, status, field] of more) {
        const r = await c.call('PUT', path, body);
        expect(r.status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`).toBe(status);
        if (field) expect(r.body.field, JSON.stringify(r.body)).toBe(field);
        expect(leaksNothing(r.body)).toBe(true);
      }
      const jk = await p.call('PUT', `${P}/${s.id}/decisions/jpn_korea`, { option: await optionOf(s.id, 'jpn_korea'), rationale: 'Long enough rationale.' });
      expect(jk.status).toBe(403);
      expect(String(jk.body.message)).toMatch(/team jpn's decision/);
      const adj = await editor.call('POST', `${P}/${s.id}/decisions/usa_priority/adjudication`, { ruling: 'amend', note: 'An amendment without an option.', version: 1 });
      expect(adj.status).toBe(400);
      expect(adj.body.field).toBe('option');
      const tag = await editor.call('POST', `${P}/${s.id}/decisions/usa_priority/issues`, { issues: ['not_an_issue'], version: 1 });
      expect(tag.status).toBe(400);
      expect(String(tag.body.field)).toMatch(/^issues/);
      const chan = await p.call('POST', `${P}/${s.id}/messages`, { text: 'to another team', channel: 'jpn' });
      expect(chan.status).toBe(403);
      const code = await joinByCode(app, 'NOPE0-NOPE0', 'Someone');
      expect(code.status).toBe(404);
      expect(code.body.field).toBe('code');
      const report = await editor.call('GET', `${P}/${s.id}/report?format=docx`);
      expect(report.status).toBe(400);
      expect(report.body.field).toBe('format');
    }, 120_000);

    async function optionOf(id: number, decision: string): Promise<string> {
      const x = await state(editor, id);
      const p = x.prompts.find((q) => q.id === decision);
      if (p) return p.options[0].id;
      const { readExercise } = await import('../../src/exercises/load.ts');
      const f = (await readExercise(x.session.exercise)).data;
      return f.decisions.find((q) => q.id === decision)!.options[0].id;
    }

    it('replays after Last-Event-ID (or ?after=) without losing or repeating an event', async () => {
      const s = await newSession('taiwan-strait-ttx');
      const first = await stream(editor, s.id);
      let v = (await editor.call<SessionSummary>('POST', `${P}/${s.id}/start`, { version: s.version })).body.version;
      for (const inj of ['senkaku_presence', 'pla_exercises']) v = (await editor.call<SessionSummary>('POST', `${P}/${s.id}/injects/${inj}/release`, { version: v })).body.version;
      await first.waitFor((ev) => ev.filter((e) => e.kind === 'inject_released').length === 2);
      await first.close();
      const last = first.ids[first.ids.length - 1];
      // Meanwhile (the connection dropped): more events.
      await editor.call('POST', `${P}/${s.id}/messages`, { text: 'while you were away' });
      expect((await editor.call<SessionSummary>('POST', `${P}/${s.id}/advance`, { version: v })).status).toBe(200);
      const resumed = await stream(editor, s.id, { lastEventId: last });
      await resumed.waitFor((ev) => ev.some((e) => e.kind === 'move_advanced'));
      const whole = await stream(editor, s.id, { after: 0 });
      await whole.waitFor((ev) => ev.some((e) => e.kind === 'move_advanced'));
      const seen = [...first.events, ...resumed.events].map((e) => e.seq).filter((q) => q <= whole.events[whole.events.length - 1].seq);
      const all = whole.events.map((e) => e.seq);
      expect(new Set(seen).size).toBe(seen.length);
      expect(all.every((q) => seen.includes(q))).toBe(true);
      expect(all).toEqual(Array.from({ length: all.length }, (_x, i) => i + 1));
      expect(resumed.events[0].seq).toBe(Number(last) + 1);
      const st = await state(editor, s.id);
      expect(st.seq).toBeGreaterThanOrEqual(all[all.length - 1]);
    }, 120_000);

    it('two app instances on one database deliver each other\'s events', async () => {
      const s = await newSession('linked-crises-simulation');
      const p = await account(app, admin, 'two-p1');
      await editor.call('POST', `${P}/${s.id}/seats`, { team: 'aus', account: 'two-p1' });
      const { TeamClient: Client } = await import('../team/support.ts');
      const editorOn2 = new Client(app2, editor.token);
      const playerOn2 = new Client(app2, p.token);
      const on2 = await stream(editorOn2, s.id);
      const on1 = await stream(editor, s.id);
      const playerOn1 = await stream(p, s.id);
      // A write through instance 1 reaches the streams of instance 2, and the other way round.
      const started = await editor.call<SessionSummary>('POST', `${P}/${s.id}/start`, { version: s.version });
      await on2.waitFor((ev) => ev.some((e) => e.kind === 'started'), 10_000);
      const d = await playerOn2.call<LiveDecision>('PUT', `${P}/${s.id}/decisions/aus_taiwan`, { option: await optionOf(s.id, 'aus_taiwan'), rationale: 'Written through the second instance.' });
      expect(d.status, JSON.stringify(d.body)).toBe(200);
      await on1.waitFor((ev) => ev.some((e) => e.kind === 'decision_submitted' && e.decision === 'aus_taiwan'), 10_000);
      await playerOn1.waitFor((ev) => ev.some((e) => e.kind === 'decision_submitted'), 10_000);
      const m = await editorOn2.call('POST', `${P}/${s.id}/messages`, { text: 'from instance two', channel: 'aus' });
      expect(m.status).toBe(201);
      await playerOn1.waitFor((ev) => ev.some((e) => e.kind === 'message'), 10_000);
      expect(started.body.version).toBeGreaterThan(s.version);
      // Delivered on the NOTIFY, not by the safety poll (every 2 s): three messages, each well under it.
      for (let i = 0; i < 3; i++) {
        const t0 = Date.now();
        const sent = await editor.call<{ seq: number }>('POST', `${P}/${s.id}/messages`, { text: `ping ${i}`, channel: 'aus' });
        await on2.waitFor((ev) => ev.some((e) => e.seq === sent.body.seq), 10_000);
        expect(Date.now() - t0).toBeLessThan(1000);
      }
      // And the state read through either instance is the same.
      const a = await state(editor, s.id);
      const b = await state(editorOn2, s.id);
      expect(b.seq).toBeGreaterThanOrEqual(a.seq);
      expect(b.decisions).toEqual(a.decisions);
    }, 120_000);

    it('streams only to accounts with a role, and keeps a one-off player to their seat', async () => {
      const s = await newSession('taiwan-strait-ttx');
      const { TeamClient: Client } = await import('../team/support.ts');
      const none = await openEvents(new Client(app), s.id);
      expect(none.status).toBe(401);
      const quiet = await stream(viewer, s.id);
      expect(quiet.status).toBe(200);
      const t0 = Date.now();
      while (quiet.comments < 2 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
      expect(quiet.comments, 'keep-alive comments on an idle stream').toBeGreaterThanOrEqual(2);
      const j = await joinByCode(app, s.join_codes.find((c) => c.team === 'usa')!.code, 'One Off');
      expect(j.status).toBe(200);
      const r = await j.client.call('PUT', `${P}/${s.id}/decisions/jpn_spending`, { option: 'accelerate', rationale: 'Not my team, but trying.' });
      expect(r.status).toBe(403);
      const noCsrf = await j.client.call('POST', `${P}/${s.id}/messages`, { text: 'no csrf header' }, { 'x-csrf-token': 'wrong' });
      expect(noCsrf.status).toBe(403);
      const obs = await state(viewer, s.id);
      expect(obs.you.part).toBe('observer');
      expect(obs.session.join_codes).toEqual([]);
      expect(obs.briefings).toEqual([]);
    }, 60_000);

    it('prints the after-action report as PDF through the report pipeline', async (ctx) => {
      const { findChromium } = await import('../../src/reports/pdf.ts');
      try {
        findChromium();
      } catch {
        ctx.skip();
      }
      const s = await newSession('taiwan-strait-ttx');
      const res = await app.request(`http://localhost${P}/${s.id}/report?format=pdf`, { headers: { authorization: `Bearer ${editor.token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    }, 120_000);
  });
}
