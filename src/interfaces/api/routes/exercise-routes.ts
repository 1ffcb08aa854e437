// Live crisis exercises on the team server (issue 18): sessions, injects, decisions, adjudication, live updates.
// The wire contract is src/exercises/live/types.ts; the rules live in src/exercises/live/service.ts.
// Every route's role is checked first (teamRoute), then its body, then whether the session
// exists (404), then the caller's place in it (facilitator, seated player): so a refusal by
// role writes nothing and reveals nothing.
import { z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { EVIDENCE_DIR } from '../../../evidence/load.ts';
import { liveEngine } from '../../../exercises/live/compute.ts';
import type { EventRow } from '../../../exercises/live/hub.ts';
import { liveRunner } from '../../../exercises/live/runner.ts';
import { LiveExercises, maysee } from '../../../exercises/live/service.ts';
import type { Viewer } from '../../../exercises/live/service.ts';
import type { LiveEvent } from '../../../exercises/live/types.ts';
import { printableAfterAction, renderAfterActionHtml, renderAfterActionMarkdown } from '../../../exercises/report.ts';
import { ISSUES } from '../../../exercises/schema.ts';
import { DEFAULT_METHODOLOGY_FILE } from '../../../method/files.ts';
import { TeamError } from '../../../team/errors.ts';
import type { TeamService } from '../../../team/service.ts';
import { SESSION_HOURS } from '../../../team/store.ts';
import type { LedgerService } from '../ledger-service.ts';
import { IdParam, Reason, SESSION_COOKIE, Version, actorOf, readJson, readParams, readQuery, teamRoute } from './team-kit.ts';

/** Keep-alive comments on an idle event stream (proxies drop silent connections); ALLIES_EXERCISE_KEEPALIVE_MS overrides it. */
export const KEEPALIVE_MS = 15_000;

const Id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case: lower-case letters, digits and underscores').max(100);
const Status = z.enum(['lobby', 'running', 'ended']);
const SessionSummary = z.object({
  id: z.number().int(), exercise: z.string(), title: z.string(), branch: z.string(), status: Status, move: z.string().nullable(),
  facilitator: z.string(), version: z.number().int(), created_at: z.string(),
  join_codes: z.array(z.object({ team: z.string(), code: z.string() })).describe('shown once, to the facilitator, when the session is created or the codes reissued (kept only as hashes)'),
}).openapi('ExerciseSessionSummary');
const ExerciseSummary = z.object({
  id: z.string(), title: z.string(), narrative: z.string(), year: z.number().int(),
  teams: z.array(z.object({ id: z.string(), name: z.string(), role: z.enum(['player', 'control']), countries: z.array(z.string()) })),
  moves: z.array(z.object({ id: z.string(), title: z.string(), date: z.string() })),
}).openapi('ExerciseSummary');
const Seat = z.object({ session: z.number().int(), team: z.string(), account: z.string() }).openapi('ExerciseSeat');
const Adjudicated = z.object({ ruling: z.enum(['accept', 'amend', 'overrule']), option: z.string().optional(), option_label: z.string().optional().describe('with amend: the label of the option that applies instead'), note: z.string(), by: z.string(), at: z.string() });
const Decision = z.object({
  decision: z.string(), move: z.string(), team: z.string(), option: z.string(), option_label: z.string(), rationale: z.string(),
  submitted_by: z.string(), submitted_at: z.string(), version: z.number().int(), adjudication: Adjudicated.nullable(), issues: z.array(z.enum(ISSUES)),
}).openapi('ExerciseDecision');
const Message = z.object({ seq: z.number().int(), channel: z.string(), from: z.string(), text: z.string(), at: z.string() }).openapi('ExerciseMessage');
const Alliance = z.object({
  year: z.number().int(), as_of: z.number().int(), provisional: z.array(z.string()), draws: z.number().int().nullable().optional(), error: z.string().nullable().optional(),
  allies: z.array(z.object({
    ally: z.string(), name: z.string(), start: z.object({ net: z.number().nullable(), rank: z.number().nullable() }), now: z.object({ net: z.number().nullable(), rank: z.number().nullable() }),
    net_low: z.number().nullable(), net_high: z.number().nullable(),
    causes: z.array(z.object({ decision: z.string(), team: z.string(), option: z.string(), net_change: z.number().nullable(), rank_change: z.number().nullable(), holds: z.number().nullable() })),
  })),
}).openapi('LiveAllianceState');
const State = z.object({
  session: SessionSummary, exercise: ExerciseSummary,
  you: z.object({ name: z.string(), part: z.enum(['facilitator', 'player', 'observer']), team: z.string().nullable() }),
  briefings: z.array(z.object({ team: z.string(), text: z.string() })),
  situations: z.array(z.object({ move: z.string(), title: z.string(), date: z.string(), text: z.string() })),
  injects: z.array(z.object({ id: z.string(), move: z.string(), time: z.string(), from: z.string(), recipients: z.array(z.string()), text: z.string(), sources: z.array(z.object({ source: z.string(), locator: z.string().optional() })), released_at: z.string() })),
  pending: z.array(z.object({ id: z.string(), move: z.string(), time: z.string(), recipients: z.array(z.string()) })),
  prompts: z.array(z.object({ id: z.string(), move: z.string(), team: z.string(), question: z.string(), options: z.array(z.object({ id: z.string(), label: z.string(), description: z.string().nullable() })) })),
  decisions: z.array(Decision), messages: z.array(Message), alliance: Alliance.nullable(), seq: z.number().int(),
  seats: z.array(Seat).optional().describe('who sits on which team (the facilitator only)'),
}).openapi('ExerciseSessionState');
const VersionBody = z.object({ version: Version, reason: Reason }).strict();
const DecisionParams = IdParam.extend({ decision: Id.openapi({ param: { name: 'decision', in: 'path' } }) });
const InjectParams = IdParam.extend({ inject: Id.openapi({ param: { name: 'inject', in: 'path' } }) });

/** `files`: the evidence folder and methodology file the engine was loaded from (the live state's worker loads the same). */
export async function registerExerciseRoutes(app: OpenAPIHono, engine: LedgerService, team: TeamService, files: { evidenceDir?: string; methodologyFile?: string } = {}): Promise<void> {
  const evidenceDir = files.evidenceDir ?? EVIDENCE_DIR;
  const methodologyFile = files.methodologyFile ?? DEFAULT_METHODOLOGY_FILE;
  const runner = liveRunner(() => liveEngine({ evidence: team.evidence, methodology: team.methodology, present: engine.years.latest }, engine.judgments), evidenceDir, methodologyFile);
  const live = new LiveExercises(team, runner);
  const keepaliveMs = Number(process.env.ALLIES_EXERCISE_KEEPALIVE_MS) > 0 ? Number(process.env.ALLIES_EXERCISE_KEEPALIVE_MS) : KEEPALIVE_MS;
  const P = '/api/team/exercise-sessions';
  const id = (c: Context) => readParams<{ id: number }>(c).id;

  teamRoute(app, {
    method: 'get', path: '/api/team/exercises', role: 'viewer', summary: 'The exercises one can run live (the built-in exercise files)',
    response: z.array(ExerciseSummary),
  }, async (c) => c.json(await live.exercises()));

  teamRoute(app, {
    method: 'post', path: P, role: 'editor', status: 201, summary: 'Create a live session of an exercise: the caller facilitates it',
    description: 'The session starts in the lobby with a join code per player team (shown in this answer only; kept as hashes). The judgment set published now is the one the session plays under.',
    body: z.object({
      exercise: z.string().min(1).max(100).openapi({ description: 'a built-in exercise (GET /api/team/exercises)' }),
      title: z.string().min(1).max(200).optional(), branch: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes').max(80).optional(), reason: Reason,
    }).strict(),
    response: SessionSummary,
  }, async (c) => c.json(await live.create(actorOf(c), readJson(c)), 201));

  teamRoute(app, {
    method: 'get', path: P, role: 'viewer', summary: 'The live exercise sessions (newest first)',
    response: z.object({ sessions: z.array(SessionSummary) }),
  }, async (c) => c.json({ sessions: await live.list() }));

  teamRoute(app, {
    method: 'get', path: `${P}/{id}`, role: 'viewer', summary: 'A session as the caller\'s seat may see it: briefings, situations, injects, prompts, decisions, channel, live alliance state',
    params: IdParam, response: State,
  }, async (c) => c.json(await live.state(actorOf(c), id(c))));

  teamRoute(app, {
    method: 'post', path: `${P}/{id}/seats`, role: 'editor', summary: 'Seat an account on a player team (the facilitator)',
    params: IdParam, body: z.object({ team: Id, account: z.string().min(1).max(64), reason: Reason }).strict(), response: Seat,
  }, async (c) => c.json(await live.seat(actorOf(c), id(c), readJson(c))));

  teamRoute(app, {
    method: 'post', path: '/api/team/exercise-join', role: null, summary: 'Join a session with a join code: a one-off player account (viewer), seated and signed in',
    description: `Creates a viewer account named after the name given (made unique), seats it on the code's team and signs it in: sets the session cookie (HttpOnly, SameSite=Strict, ${SESSION_HOURS} h) and returns the CSRF token for writes.`,
    body: z.object({ code: z.string().min(4).max(40), name: z.string().min(1).max(60) }).strict(),
    response: z.object({ csrf_token: z.string(), seat: Seat, account: z.string(), expires_at: z.string() }),
  }, async (c) => {
    const j = await live.join(readJson(c));
    setCookie(c, SESSION_COOKIE, j.token, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SESSION_HOURS * 3600, secure: new URL(c.req.url).protocol === 'https:' });
    return c.json({ csrf_token: j.csrf, seat: j.seat, account: j.account, expires_at: j.expires.toISOString() });
  });

  const facilitatorStep = (path: string, summary: string, fn: (c: Context, b: { version: number; reason?: string }) => Promise<unknown>) => teamRoute(app, {
    method: 'post', path: `${P}/{id}${path}`, role: 'editor', summary, params: IdParam, body: VersionBody, response: SessionSummary,
  }, async (c) => c.json(await fn(c, readJson(c))));
  facilitatorStep('/start', 'Start the exercise: lobby -> running, first move (the facilitator)', (c, b) => live.start(actorOf(c), id(c), b.version, b.reason));
  facilitatorStep('/advance', 'Next move, or the end after the last (the facilitator)', (c, b) => live.advance(actorOf(c), id(c), b.version, b.reason));
  facilitatorStep('/end', 'End the exercise (the facilitator)', (c, b) => live.end(actorOf(c), id(c), b.version, b.reason));
  facilitatorStep('/join-codes', 'New join codes for every player team (the old ones stop working); the answer shows them (the facilitator)', (c, b) => live.reissueCodes(actorOf(c), id(c), b.version, b.reason));

  teamRoute(app, {
    method: 'post', path: `${P}/{id}/injects/{inject}/release`, role: 'editor', summary: 'Release an inject of a move reached so far to its recipients (the facilitator)',
    params: InjectParams, body: VersionBody, response: SessionSummary,
  }, async (c) => {
    const b = readJson<{ version: number; reason?: string }>(c);
    return c.json(await live.release(actorOf(c), id(c), readParams<{ inject: string }>(c).inject, b.version, b.reason));
  });

  teamRoute(app, {
    method: 'put', path: `${P}/{id}/decisions/{decision}`, role: 'viewer', summary: 'Submit (no version) or revise (the version last seen) a team\'s decision: a seated player of the prompt\'s team, in its move',
    description: 'A stale version gets 409 with the decision as it is now (`current`). An adjudicated decision can no longer be revised.',
    params: DecisionParams,
    body: z.object({ option: Id, rationale: z.string().min(1).max(4000), version: Version.optional(), reason: Reason }).strict(),
    response: Decision,
  }, async (c) => c.json(await live.decide(actorOf(c), id(c), readParams<{ decision: string }>(c).decision, readJson(c))));

  teamRoute(app, {
    method: 'post', path: `${P}/{id}/decisions/{decision}/adjudication`, role: 'editor', summary: 'Adjudicate a decision: accept, amend (with the option that applies) or overrule, with a note (the facilitator)',
    params: DecisionParams,
    body: z.object({ ruling: z.enum(['accept', 'amend', 'overrule']), option: Id.optional(), note: z.string().min(10, 'at least 10 characters: say why the ruling').max(4000), version: Version, reason: Reason }).strict(),
    response: Decision,
  }, async (c) => c.json(await live.adjudicate(actorOf(c), id(c), readParams<{ decision: string }>(c).decision, readJson(c))));

  teamRoute(app, {
    method: 'post', path: `${P}/{id}/decisions/{decision}/issues`, role: 'editor', summary: 'Tag the hot-wash issues a decision raised (the facilitator)',
    params: DecisionParams, body: z.object({ issues: z.array(z.enum(ISSUES)).max(ISSUES.length), version: Version, reason: Reason }).strict(), response: Decision,
  }, async (c) => c.json(await live.tagIssues(actorOf(c), id(c), readParams<{ decision: string }>(c).decision, readJson(c))));

  teamRoute(app, {
    method: 'post', path: `${P}/{id}/messages`, role: 'viewer', summary: 'Write on a channel: a player on their team\'s, the facilitator on any team\'s or on "all"',
    params: IdParam, body: z.object({ text: z.string().min(1).max(4000), channel: z.string().min(1).max(100).optional() }).strict(), response: Message, status: 201,
  }, async (c) => c.json(await live.message(actorOf(c), id(c), readJson(c)), 201));

  teamRoute(app, {
    method: 'get', path: `${P}/{id}/report`, role: 'viewer', summary: 'The after-action report of the play so far (html, md, pdf or json), as the caller\'s seat may see it',
    params: IdParam, query: z.object({ format: z.enum(['html', 'md', 'pdf', 'json']).optional() }).strict(),
    response: z.object({ title: z.string(), subtitle: z.string(), sections: z.array(z.unknown()) }),
  }, async (c) => {
    const report = await live.report(actorOf(c), id(c));
    const format = readQuery<{ format?: string }>(c).format ?? 'html';
    const name = `after-action-session-${id(c)}`;
    if (format === 'json') return c.json(report);
    if (format === 'md') return c.body(renderAfterActionMarkdown(report), 200, { 'Content-Type': 'text/markdown; charset=utf-8', 'Content-Disposition': `inline; filename="${name}.md"` });
    if (format === 'pdf') {
      const { renderPdf } = await import('../../../reports/pdf.ts');
      const pdf = await renderPdf(printableAfterAction(report)).catch((err: unknown) => {
        throw new TeamError(409, 'conflict', `format: the PDF could not be printed (${err instanceof Error ? err.message.split('\n')[0].replace(/\/[\w./-]+/g, '') : 'error'}); ask for html or md`, 'format');
      });
      return c.body(new Uint8Array(pdf), 200, { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${name}.pdf"` });
    }
    return c.body(renderAfterActionHtml(report), 200, { 'Content-Type': 'text/html; charset=utf-8' });
  });

  teamRoute(app, {
    method: 'get', path: `${P}/{id}/events`, role: 'viewer', summary: 'The session\'s events as Server-Sent Events (id: = seq), each only to the seats that may see it',
    description: `Replays the events after Last-Event-ID (or ?after=seq), then streams new ones as they commit (in this process at once; from other processes by LISTEN/NOTIFY). A comment every ${KEEPALIVE_MS / 1000} s keeps the connection alive. Decisions and channels of other teams reach a player only as the rules allow: a decision once its move has ended, a channel never.`,
    params: IdParam, query: z.object({ after: z.coerce.number().int().min(0).optional() }).strict(),
    response: z.string().describe('text/event-stream'),
  }, async (c) => {
    const actor = actorOf(c);
    const sessionId = id(c);
    const setup = await live.streamSetup(actor, sessionId);
    const header = Number(c.req.header('last-event-id'));
    const after = Number.isInteger(header) && header >= 0 ? header : readQuery<{ after?: number }>(c).after ?? 0;
    return streamSSE(c, async (stream) => {
      let viewer: Viewer = setup.viewer;
      let chain: Promise<void> = Promise.resolve();
      let closed = false;
      const send = (e: EventRow) => stream.writeSSE({ event: e.kind, id: String(e.seq), data: JSON.stringify(e satisfies LiveEvent) });
      const unsubscribe = live.hub.subscribe({
        session: sessionId,
        deliver: (events, pos) => {
          chain = chain.then(async () => {
            for (const e of events) {
              if (closed) return;
              // A seat given meanwhile changes what this caller may see from here on.
              if (e.kind === 'seated' && viewer.part !== 'facilitator') viewer = await live.viewerNow(actor, sessionId);
              if (maysee(e, viewer, pos, setup.moves)) await send(e);
            }
          }).catch(() => undefined);
        },
      }, after);
      const keepalive = setInterval(() => {
        chain = chain.then(() => stream.write(': keepalive\n\n')).then(() => undefined, () => undefined);
      }, keepaliveMs);
      await new Promise<void>((resolve) => stream.onAbort(() => {
        closed = true;
        resolve();
      }));
      clearInterval(keepalive);
      unsubscribe();
    }, async () => undefined);
  });
}
