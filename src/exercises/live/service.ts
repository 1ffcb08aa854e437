// Live exercises on the team server: sessions of an exercise file played by seated teams under a
// facilitator. Every record lives in the team database (two server processes on one database
// behave as one); every write runs in one transaction with its audit row and the event it
// appends to the session's log (seq advanced under the session row's lock, so strictly
// increasing), and resolves only after COMMIT; the hub then hands the event to the streams
// open in this process, and NOTIFY to those of other processes. In memory there are only
// caches: parsed exercise files, and alliance states keyed by the decisions they include.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { newSecret, secretHash } from '../../team/auth.ts';
import type { Sql } from '../../team/db.ts';
import { TeamError, conflict, invalid, missing } from '../../team/errors.ts';
import type { TeamService } from '../../team/service.ts';
import { SESSION_HOURS } from '../../team/store.ts';
import type { Actor } from '../../team/store.ts';
import { builtInExerciseFiles, readExercise } from '../load.ts';
import type { AfterActionReport, Section } from '../report.ts';
import type { ExerciseFile, Issue } from '../schema.ts';
import { ISSUES } from '../schema.ts';
import { LIVE_DRAWS, LIVE_SEED } from './compute.ts';
import type { LiveJob, StateResult, StoredDecision } from './compute.ts';
import { NOTIFY_CHANNEL, eventOf, hubOf } from './hub.ts';
import type { EventHub, EventRow, SessionPosition } from './hub.ts';
import type { LiveRunner } from './runner.ts';
import type {
  ExerciseSummary, LiveAllianceState, LiveDecision, LiveEventKind, LiveInject, LiveMessage, Seat, SessionState, SessionStatus, SessionSummary,
} from './types.ts';

type Row = Record<string, unknown>;
const num = (x: unknown) => Number(x);
const iso = (d: unknown): string => (d instanceof Date ? d.toISOString() : String(d));

export interface Viewer {
  name: string;
  part: 'facilitator' | 'player' | 'observer';
  team: string | null;
}

/** The kinds whose event concerns one team's decision: visible to everyone once its move has ended. */
const DECISION_KINDS: ReadonlySet<LiveEventKind> = new Set(['decision_submitted', 'decision_adjudicated', 'issues_tagged']);

/** How long a state request waits for a new alliance state before answering with the last one. */
const FRESH_WAIT_MS = 300;

/** How long a recomputation of the alliance state waits for more decisions to come. */
const RECOMPUTE_DELAY_MS = 250;

const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function newJoinCode(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

const codeHash = (code: string) => secretHash(`exercise-join:${code.trim().toUpperCase().replace(/[^A-Z0-9]/g, '')}`);

interface SessionRow {
  id: number;
  exercise: string;
  title: string;
  branch: string;
  status: SessionStatus;
  move_index: number | null;
  facilitator_id: number;
  facilitator: string;
  set_version: number | null;
  version: number;
  seq: number;
  created_at: string;
}

function sessionRowOf(r: Row): SessionRow {
  return {
    id: num(r.id), exercise: String(r.exercise), title: String(r.title), branch: String(r.branch), status: r.status as SessionStatus,
    move_index: r.move_index === null ? null : num(r.move_index), facilitator_id: num(r.facilitator_id), facilitator: String(r.facilitator ?? ''),
    set_version: r.set_version === null ? null : num(r.set_version), version: num(r.version), seq: num(r.seq), created_at: iso(r.created_at),
  };
}

const SESSION_SELECT = 'SELECT s.*, a.name AS facilitator FROM team_exercise_sessions s JOIN team_accounts a ON a.id = s.facilitator_id';

async function audit(tx: Sql, actor: Actor | null, action: string, entity: string, entityId: string, before: unknown, after: unknown, reason?: string | null): Promise<void> {
  await tx.query('INSERT INTO team_audit (actor_id, actor, action, entity, entity_id, before, after, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
    actor?.id ?? null, actor?.name ?? 'server', action, entity, entityId,
    before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after), reason ?? null,
  ]);
}

interface NewEvent {
  kind: LiveEventKind;
  team?: string | null;
  move?: string | null;
  audience?: string[] | null;
  decision?: string | null;
  version?: number | null;
  summary: string;
}

/** The events a transaction appended, handed to the streams of this process once it commits. */
const appended = new WeakMap<Sql, { events: EventRow[]; pos: SessionPosition | null; notify: boolean }>();

/** Append an event to the session's log (the caller holds the session row's lock). */
async function appendEvent(tx: Sql, session: number, e: NewEvent, expect?: (pos: SessionPosition) => void): Promise<EventRow> {
  const [s] = await tx.query<{ seq: unknown; status: string; move_index: unknown }>('UPDATE team_exercise_sessions SET seq = seq + 1 WHERE id = $1 RETURNING seq, status, move_index', [session]);
  // A write that read the session without its lock checks here, under it, that the session has not moved on.
  expect?.({ status: s.status, move_index: s.move_index === null ? null : num(s.move_index) });
  const seq = num(s.seq);
  const [r] = await tx.query(
    `INSERT INTO team_exercise_events (session_id, seq, kind, team, move, audience, decision, version, summary, at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [session, seq, e.kind, e.team ?? null, e.move ?? null, e.audience ? JSON.stringify(e.audience) : null, e.decision ?? null, e.version ?? null, e.summary, Date.now()],
  );
  const sink = appended.get(tx);
  // PGlite is one process's database, whose apps share one hub: only PostgreSQL needs the NOTIFY.
  if (sink?.notify !== false) await tx.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, `${session}:${seq}`]);
  const event = eventOf(r);
  if (sink) {
    sink.events.push(event);
    sink.pos = { status: s.status, move_index: s.move_index === null ? null : num(s.move_index) };
  }
  return event;
}

export function moveEnded(move: string, pos: SessionPosition, moves: readonly string[]): boolean {
  if (pos.status === 'ended') return true;
  return pos.move_index !== null && moves.indexOf(move) < pos.move_index;
}

/** Whether a viewer may see an event: the stream's filter, and the state's. */
export function maysee(e: Pick<EventRow, 'kind' | 'audience' | 'move'>, v: Viewer, pos: SessionPosition, moves: readonly string[]): boolean {
  if (v.part === 'facilitator' || e.audience === null) return true;
  if (v.team !== null && e.audience.includes(v.team)) return true;
  return DECISION_KINDS.has(e.kind) && e.move !== null && moveEnded(e.move, pos, moves);
}

function decisionOf(r: Row, x: ExerciseFile): LiveDecision {
  const prompt = x.decisions.find((p) => p.id === r.decision);
  return {
    decision: String(r.decision), move: String(r.move), team: String(r.team), option: String(r.option),
    option_label: prompt?.options.find((o) => o.id === r.option)?.label ?? String(r.option), rationale: String(r.rationale),
    submitted_by: String(r.submitter), submitted_at: iso(r.submitted_at), version: num(r.version),
    adjudication: r.ruling === null ? null : {
      ruling: r.ruling as 'accept' | 'amend' | 'overrule', note: String(r.ruling_note ?? ''),
      ...(r.ruling_option !== null ? { option: String(r.ruling_option), option_label: prompt?.options.find((o) => o.id === r.ruling_option)?.label ?? String(r.ruling_option) } : {}),
      by: String(r.ruler ?? ''), at: iso(r.ruled_at),
    },
    issues: (r.issues ?? []) as Issue[],
  };
}

const storedOf = (d: LiveDecision): StoredDecision => ({
  decision: d.decision, move: d.move, team: d.team, option: d.option, rationale: d.rationale,
  ruling: d.adjudication?.ruling ?? null, ruling_option: d.adjudication?.option ?? null, ruling_note: d.adjudication?.note ?? null, issues: d.issues,
});

const DECISION_SELECT = `SELECT d.*, s.name AS submitter, r.name AS ruler FROM team_exercise_decisions d
  JOIN team_accounts s ON s.id = d.submitted_by LEFT JOIN team_accounts r ON r.id = d.ruled_by`;

/**
 * A decision's row, locked, with the names of who submitted and ruled it. Locked alone first:
 * a FOR UPDATE over the join would drop the row when a concurrent revision changes its
 * submitter (READ COMMITTED rechecks the join against the old account's row); then read
 * whole, as committed now.
 */
async function lockedDecision(tx: Sql, session: number, decision: string): Promise<Row | undefined> {
  const locked = await tx.query('SELECT version FROM team_exercise_decisions WHERE session_id = $1 AND decision = $2 FOR UPDATE', [session, decision]);
  if (!locked.length) return undefined;
  return (await tx.query(`${DECISION_SELECT} WHERE d.session_id = $1 AND d.decision = $2`, [session, decision]))[0];
}

export class LiveExercises {
  readonly hub: EventHub;
  private readonly files = new Map<string, Promise<ExerciseFile>>();
  private readonly states = new Map<string, Promise<StateResult>>();
  private readonly reports = new Map<string, Promise<AfterActionReport>>();
  private readonly recomputing = new Map<number, Promise<void>>();
  /** Per session and seat, the last alliance state computed (what a reload gets while a newer one is computed). */
  private readonly lastStates = new Map<string, LiveAllianceState>();
  private readonly dirty = new Set<number>();

  constructor(readonly team: TeamService, private readonly runner: LiveRunner) {
    this.hub = hubOf(team.store.db);
  }

  private get db() {
    return this.team.store.db;
  }

  // ── exercise files ──

  async names(): Promise<string[]> {
    return (await builtInExerciseFiles()).map((f) => f.name).sort();
  }

  file(name: string): Promise<ExerciseFile> {
    let f = this.files.get(name);
    if (!f) {
      f = readExercise(name).then((l) => l.data);
      this.files.set(name, f);
      f.catch(() => this.files.delete(name));
    }
    return f;
  }

  summaryOf(x: ExerciseFile): ExerciseSummary {
    return {
      id: x.exercise, title: x.title, narrative: x.narrative.trim(), year: x.start.year,
      teams: x.teams.map((t) => ({ id: t.id, name: t.name, role: t.role, countries: t.countries })),
      moves: x.moves.map((m) => ({ id: m.id, title: m.title, date: m.date })),
    };
  }

  async exercises(): Promise<ExerciseSummary[]> {
    return Promise.all((await this.names()).map(async (n) => this.summaryOf(await this.file(n))));
  }

  // ── sessions ──

  private async sessionRow(tx: Sql, id: number, lock = false): Promise<SessionRow> {
    const [r] = await tx.query(`${SESSION_SELECT} WHERE s.id = $1${lock ? ' FOR UPDATE OF s' : ''}`, [id]);
    if (!r) throw missing(`exercise session ${id}`, 'id');
    return sessionRowOf(r);
  }

  private summary(s: SessionRow, x: ExerciseFile, codes: { team: string; code: string }[] = []): SessionSummary {
    return {
      id: s.id, exercise: s.exercise, title: s.title, branch: s.branch, status: s.status,
      move: s.move_index === null ? null : x.moves[s.move_index]?.id ?? null, facilitator: s.facilitator, version: s.version,
      created_at: s.created_at, join_codes: codes,
    };
  }

  /** The caller's place in a session. */
  async viewerOf(tx: Sql, actor: Actor, s: SessionRow): Promise<Viewer> {
    if (actor.id === s.facilitator_id || actor.role === 'admin') return { name: actor.name, part: 'facilitator', team: null };
    const [seat] = await tx.query<{ team: string }>('SELECT team FROM team_exercise_seats WHERE session_id = $1 AND account_id = $2', [s.id, actor.id]);
    return seat ? { name: actor.name, part: 'player', team: seat.team } : { name: actor.name, part: 'observer', team: null };
  }

  private facilitatorOnly(actor: Actor, s: SessionRow): void {
    if (actor.id !== s.facilitator_id && actor.role !== 'admin') {
      throw new TeamError(403, 'forbidden', `session ${s.id} is facilitated by ${s.facilitator}: only they (or an admin) can do this`);
    }
  }

  private checkVersion(s: SessionRow, x: ExerciseFile, version: number): void {
    if (s.version !== version) throw conflict(`version: exercise session ${s.id} is at version ${s.version}, not ${version}; reload it and try again`, this.summary(s, x));
  }

  /**
   * A write on a session: checked, audited, its events appended; handed to the streams after
   * COMMIT. With `lock`, the session row is locked first; the writes on one decision (lock
   * false) lock the decision's row first and the session's only as they append their event,
   * so locks are always taken decision first, then session: no deadlock.
   */
  private async write<T>(id: number, fn: (tx: Sql, s: SessionRow, x: ExerciseFile) => Promise<T>, lock = true): Promise<T> {
    const sink = { events: [] as EventRow[], pos: null as SessionPosition | null, notify: this.db.kind === 'postgres' };
    const out = await this.db.transaction(async (tx) => {
      appended.set(tx, sink);
      const s = await this.sessionRow(tx, id, lock);
      return fn(tx, s, await this.file(s.exercise));
    });
    if (sink.events.length && sink.pos) this.hub.publish(id, sink.events, sink.pos);
    else this.hub.poke(id);
    return out;
  }

  private async codesFor(tx: Sql, session: number, teams: readonly string[]): Promise<{ team: string; code: string }[]> {
    const out = [];
    for (const team of teams) {
      const code = newJoinCode();
      await tx.query(`INSERT INTO team_exercise_join_codes (session_id, team, code_hash) VALUES ($1, $2, $3)
        ON CONFLICT (session_id, team) DO UPDATE SET code_hash = EXCLUDED.code_hash, created_at = now()`, [session, team, codeHash(code)]);
      out.push({ team, code });
    }
    return out;
  }

  async create(actor: Actor, input: { exercise: string; title?: string; branch?: string; reason?: string }): Promise<SessionSummary> {
    const names = await this.names();
    if (!names.includes(input.exercise)) throw invalid('exercise', `unknown exercise "${input.exercise}"; the built-in exercises: ${names.join(', ')}`);
    const x = await this.file(input.exercise);
    const setVersion = await this.team.store.currentSetVersion();
    const branch = input.branch ?? 'live';
    return this.db.transaction(async (tx) => {
      const [r] = await tx.query(
        'INSERT INTO team_exercise_sessions (exercise, title, branch, status, facilitator_id, set_version) VALUES ($1, $2, $3, \'lobby\', $4, $5) RETURNING id',
        [x.exercise, input.title ?? x.title, branch, actor.id, setVersion],
      );
      const id = num(r.id);
      const codes = await this.codesFor(tx, id, x.teams.filter((t) => t.role === 'player').map((t) => t.id));
      const s = await this.sessionRow(tx, id);
      const summary = this.summary(s, x);
      await audit(tx, actor, 'create', 'exercise_session', String(id), null, { ...summary, join_codes: codes.map((c) => ({ team: c.team, code: 'issued (kept as a hash)' })) }, input.reason);
      return this.summary(s, x, codes);
    });
  }

  /** New join codes (the old ones stop working): the only time after creation that the codes are shown. */
  async reissueCodes(actor: Actor, id: number, version: number, reason?: string): Promise<SessionSummary> {
    return this.write(id, async (tx, s, x) => {
      this.facilitatorOnly(actor, s);
      this.checkVersion(s, x, version);
      if (s.status === 'ended') throw conflict(`status: exercise session ${id} has ended`, this.summary(s, x), 'status');
      const codes = await this.codesFor(tx, id, x.teams.filter((t) => t.role === 'player').map((t) => t.id));
      await tx.query('UPDATE team_exercise_sessions SET version = version + 1, updated_at = now() WHERE id = $1', [id]);
      const after = await this.sessionRow(tx, id);
      await audit(tx, actor, 'reissue_codes', 'exercise_session', String(id), { version: s.version }, { version: after.version, teams: codes.map((c) => c.team) }, reason);
      return this.summary(after, x, codes);
    });
  }

  async list(): Promise<SessionSummary[]> {
    const rows = (await this.db.query(`${SESSION_SELECT} ORDER BY s.id DESC LIMIT 200`)).map(sessionRowOf);
    return Promise.all(rows.map(async (s) => this.summary(s, await this.file(s.exercise))));
  }

  async seat(actor: Actor, id: number, input: { team: string; account: string; reason?: string }): Promise<Seat> {
    return this.write(id, async (tx, s, x) => {
      const team = x.teams.find((t) => t.id === input.team);
      if (!team) throw invalid('team', `unknown team "${input.team}"; the teams: ${x.teams.map((t) => t.id).join(', ')}`);
      if (team.role !== 'player') throw invalid('team', `"${team.id}" is the control cell: the facilitator plays it`);
      const [acc] = await tx.query('SELECT id, name, disabled FROM team_accounts WHERE name = $1', [input.account]);
      if (!acc) throw invalid('account', `no account named "${input.account}"`);
      this.facilitatorOnly(actor, s);
      if (s.status === 'ended') throw conflict(`status: exercise session ${id} has ended`, this.summary(s, x), 'status');
      if (num(acc.id) === s.facilitator_id) throw invalid('account', `${input.account} facilitates this session`);
      const [before] = await tx.query('SELECT team FROM team_exercise_seats WHERE session_id = $1 AND account_id = $2', [id, acc.id]);
      await tx.query(`INSERT INTO team_exercise_seats (session_id, account_id, team, seated_by, via) VALUES ($1, $2, $3, $4, 'facilitator')
        ON CONFLICT (session_id, account_id) DO UPDATE SET team = EXCLUDED.team, seated_by = EXCLUDED.seated_by, at = now()`, [id, acc.id, team.id, actor.id]);
      const seat: Seat = { session: id, team: team.id, account: String(acc.name) };
      await audit(tx, actor, before ? 'reseat' : 'seat', 'exercise_seat', `${id}:${seat.account}`, before ? { session: id, team: before.team, account: seat.account } : null, seat, input.reason);
      await appendEvent(tx, id, { kind: 'seated', team: team.id, summary: `${seat.account} seated on ${team.name}` });
      return seat;
    });
  }

  /** A one-off player: a viewer account of its own, seated on the code's team, signed in (as store.signIn does). */
  async join(input: { code: string; name: string }): Promise<{ seat: Seat; token: string; csrf: string; expires: Date; account: string }> {
    const hash = codeHash(input.code);
    const [c] = await this.db.query('SELECT session_id, team FROM team_exercise_join_codes WHERE code_hash = $1', [hash]);
    if (!c) throw new TeamError(404, 'not_found', 'code: this join code is not recognized (ask the facilitator for your team\'s code)', 'code');
    const display = input.name.trim();
    if (display.length < 1) throw invalid('name', 'your name, as the others will see it');
    const slug = display.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 40) || 'player';
    const accountName = `${slug}-${randomBytes(3).toString('hex')}`;
    const token = newSecret('als_');
    const csrf = newSecret('');
    const expires = new Date(Date.now() + SESSION_HOURS * 3600_000);
    const id = num(c.session_id);
    const seat = await this.write(id, async (tx, s, x) => {
      if (s.status === 'ended') throw conflict(`status: exercise session ${id} has ended`, null, 'code');
      // Re-read under the session's lock: a reissue may have replaced the code meanwhile.
      const [still] = await tx.query('SELECT team FROM team_exercise_join_codes WHERE code_hash = $1 AND session_id = $2', [hash, id]);
      if (!still) throw new TeamError(404, 'not_found', 'code: this join code is not recognized (ask the facilitator for your team\'s code)', 'code');
      const team = String(still.team);
      // No password: the account signs in only through this session cookie.
      const [acc] = await tx.query('INSERT INTO team_accounts (name, role, password_hash) VALUES ($1, \'viewer\', \'!join-code\') RETURNING id, name, role, created_at', [accountName]);
      const actor: Actor = { id: num(acc.id), name: accountName, role: 'viewer' };
      await audit(tx, actor, 'create', 'account', String(acc.id), null, { id: actor.id, name: accountName, role: 'viewer', display_name: display, via: `join code of session ${id}, team ${team}` }, 'one-off player joining by code');
      await tx.query('INSERT INTO team_exercise_seats (session_id, account_id, team, seated_by, via) VALUES ($1, $2, $3, NULL, \'code\')', [id, actor.id, team]);
      const seat: Seat = { session: id, team, account: accountName };
      await audit(tx, actor, 'join', 'exercise_seat', `${id}:${accountName}`, null, seat, 'joined by code');
      await tx.query('DELETE FROM team_sessions WHERE expires_at < now()');
      await tx.query('INSERT INTO team_sessions (token_hash, account_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)', [secretHash(token), actor.id, csrf, expires]);
      await appendEvent(tx, id, { kind: 'seated', team, summary: `${display} (${accountName}) joined ${x.teams.find((t) => t.id === team)?.name ?? team}` });
      return seat;
    });
    return { seat, token, csrf, expires, account: accountName };
  }

  private async advanceTo(tx: Sql, actor: Actor, s: SessionRow, x: ExerciseFile, action: string, next: { status: SessionStatus; move_index: number | null }, reason?: string): Promise<SessionSummary> {
    await tx.query('UPDATE team_exercise_sessions SET status = $2, move_index = $3, version = version + 1, updated_at = now() WHERE id = $1', [s.id, next.status, next.move_index]);
    const after = await this.sessionRow(tx, s.id);
    await audit(tx, actor, action, 'exercise_session', String(s.id), this.summary(s, x), this.summary(after, x), reason);
    const move = next.move_index === null ? null : x.moves[next.move_index];
    if (action === 'start') await appendEvent(tx, s.id, { kind: 'started', move: move?.id ?? null, summary: `the exercise starts: move 1, ${move?.title ?? ''}` });
    else if (next.status === 'ended') await appendEvent(tx, s.id, { kind: 'ended', summary: 'the exercise has ended: hot wash and after-action report' });
    else await appendEvent(tx, s.id, { kind: 'move_advanced', move: move?.id ?? null, summary: `move ${next.move_index! + 1}: ${move?.title ?? ''} (${move?.date ?? ''})` });
    return this.summary(after, x);
  }

  async start(actor: Actor, id: number, version: number, reason?: string): Promise<SessionSummary> {
    const out = await this.write(id, async (tx, s, x) => {
      this.facilitatorOnly(actor, s);
      this.checkVersion(s, x, version);
      if (s.status !== 'lobby') throw conflict(`status: exercise session ${id} is ${s.status}; only a session in the lobby starts`, this.summary(s, x), 'status');
      return this.advanceTo(tx, actor, s, x, 'start', { status: 'running', move_index: 0 }, reason);
    });
    this.recompute(id);
    return out;
  }

  async advance(actor: Actor, id: number, version: number, reason?: string): Promise<SessionSummary> {
    const out = await this.write(id, async (tx, s, x) => {
      this.facilitatorOnly(actor, s);
      this.checkVersion(s, x, version);
      if (s.status !== 'running') throw conflict(`status: exercise session ${id} is ${s.status}; only a running session advances`, this.summary(s, x), 'status');
      const next = (s.move_index ?? 0) + 1;
      return next < x.moves.length
        ? this.advanceTo(tx, actor, s, x, 'advance', { status: 'running', move_index: next }, reason)
        : this.advanceTo(tx, actor, s, x, 'end', { status: 'ended', move_index: s.move_index }, reason);
    });
    this.recompute(id);
    return out;
  }

  async end(actor: Actor, id: number, version: number, reason?: string): Promise<SessionSummary> {
    const out = await this.write(id, async (tx, s, x) => {
      this.facilitatorOnly(actor, s);
      this.checkVersion(s, x, version);
      if (s.status === 'ended') throw conflict(`status: exercise session ${id} has ended already`, this.summary(s, x), 'status');
      return this.advanceTo(tx, actor, s, x, 'end', { status: 'ended', move_index: s.move_index }, reason);
    });
    this.recompute(id);
    return out;
  }

  async release(actor: Actor, id: number, inject: string, version: number, reason?: string): Promise<SessionSummary> {
    return this.write(id, async (tx, s, x) => {
      const inj = x.injects.find((i) => i.id === inject);
      if (!inj) throw invalid('inject', `unknown inject "${inject}"; the exercise's injects: ${x.injects.map((i) => i.id).join(', ')}`);
      this.facilitatorOnly(actor, s);
      this.checkVersion(s, x, version);
      if (s.status !== 'running') throw conflict(`status: exercise session ${id} is ${s.status}; injects are released while it runs`, this.summary(s, x), 'status');
      const at = x.moves.findIndex((m) => m.id === inj.move);
      if (at > (s.move_index ?? -1)) throw conflict(`inject: "${inject}" belongs to move ${inj.move}, which has not begun (the move now is ${x.moves[s.move_index ?? 0].id})`, this.summary(s, x), 'inject');
      const made = await tx.query('INSERT INTO team_exercise_injects (session_id, inject, released_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING released_at', [id, inject, actor.id]);
      if (!made.length) throw conflict(`inject: "${inject}" was released already`, this.summary(s, x), 'inject');
      await tx.query('UPDATE team_exercise_sessions SET version = version + 1, updated_at = now() WHERE id = $1', [id]);
      const after = await this.sessionRow(tx, id);
      await audit(tx, actor, 'release', 'exercise_inject', `${id}:${inject}`, null, { session: id, inject, move: inj.move, recipients: inj.recipients, released_at: iso(made[0].released_at) }, reason);
      await appendEvent(tx, id, {
        kind: 'inject_released', team: inj.recipients.length === 1 ? inj.recipients[0] : null, move: inj.move, audience: inj.recipients,
        summary: `inject ${inject} (${inj.time}) to ${inj.recipients.join(', ')}`,
      });
      return this.summary(after, x);
    });
  }

  async decide(actor: Actor, id: number, decision: string, input: { option: string; rationale: string; version?: number; reason?: string }): Promise<LiveDecision> {
    const out = await this.write(id, async (tx, s, x) => {
      const prompt = x.decisions.find((p) => p.id === decision);
      if (!prompt) throw invalid('decision', `unknown decision "${decision}"; the exercise's decisions: ${x.decisions.map((p) => p.id).join(', ')}`);
      if (!prompt.options.some((o) => o.id === input.option)) throw invalid('option', `unknown option "${input.option}" of decision "${decision}" (its options: ${prompt.options.map((o) => o.id).join(', ')})`);
      if (input.rationale.trim().length < 10) throw invalid('rationale', 'at least 10 characters: say why');
      const v = await this.viewerOf(tx, actor, s);
      if (v.part !== 'player') throw new TeamError(403, 'forbidden', `decision: only a player seated on team ${prompt.team} submits "${decision}"${v.part === 'facilitator' ? ' (the facilitator adjudicates instead)' : '; you are not seated in this session'}`);
      if (v.team !== prompt.team) throw new TeamError(403, 'forbidden', `decision: "${decision}" is team ${prompt.team}'s decision; you are seated on ${v.team}`);
      if (s.status !== 'running') throw conflict(`status: exercise session ${id} is ${s.status}; decisions are taken while it runs`, this.summary(s, x), 'status');
      const current = x.moves[s.move_index ?? 0].id;
      if (prompt.move !== current) throw conflict(`move: "${decision}" is taken in move ${prompt.move}, and the move now is ${current}`, this.summary(s, x), 'move');
      // The decision's row is locked (not the session's: submissions of other teams go on meanwhile).
      const read = async () => {
        const r = await lockedDecision(tx, id, decision);
        return r ? decisionOf(r, x) : null;
      };
      const before = await read();
      let row: Row;
      if (input.version === undefined) {
        if (before) throw conflict(`version: team ${prompt.team} has submitted "${decision}" already (version ${before.version}); send that version to revise it`, before);
        const made = await tx.query(`INSERT INTO team_exercise_decisions (session_id, decision, move, team, option, rationale, submitted_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
          ON CONFLICT (session_id, decision) DO NOTHING RETURNING *`, [id, decision, prompt.move, prompt.team, input.option, input.rationale.trim(), actor.id]);
        if (!made.length) {
          const now = await read();
          throw conflict(`version: team ${prompt.team} has submitted "${decision}" already (version ${now?.version}); send that version to revise it`, now);
        }
        row = made[0];
      } else {
        if (!before) throw missing(`decision "${decision}" of session ${id} (submit it without a version first)`, 'version');
        if (before.version !== input.version) throw conflict(`version: "${decision}" is at version ${before.version}, not ${input.version}; reload it and apply your change again`, before);
        if (before.adjudication) throw conflict(`decision: "${decision}" has been adjudicated (${before.adjudication.ruling}); it can no longer be revised`, before, 'decision');
        [row] = await tx.query(`UPDATE team_exercise_decisions SET option = $3, rationale = $4, submitted_by = $5, submitted_at = now(), version = version + 1
          WHERE session_id = $1 AND decision = $2 RETURNING *`, [id, decision, input.option, input.rationale.trim(), actor.id]);
      }
      const after = decisionOf({ ...row, submitter: actor.name, ruler: null }, x);
      await audit(tx, actor, before ? 'revise' : 'submit', 'exercise_decision', `${id}:${decision}`, before, after, input.reason);
      await appendEvent(tx, id, {
        kind: 'decision_submitted', team: prompt.team, move: prompt.move, audience: [prompt.team], decision, version: after.version,
        summary: `${prompt.team} ${before ? 'revised' : 'submitted'} ${decision}`,
      }, (pos) => {
        if (pos.status !== 'running' || pos.move_index !== s.move_index) throw conflict(`move: the session moved on while "${decision}" was submitted (it is ${pos.status}, move ${pos.move_index === null ? '–' : x.moves[pos.move_index].id}); reload it`, null, 'move');
      });
      return { decision: after, created: !before };
    }, false);
    this.recompute(id);
    return out.decision;
  }

  async adjudicate(actor: Actor, id: number, decision: string, input: { ruling: 'accept' | 'amend' | 'overrule'; option?: string; note: string; version: number; reason?: string }): Promise<LiveDecision> {
    const out = await this.write(id, async (tx, s, x) => {
      const prompt = x.decisions.find((p) => p.id === decision);
      if (!prompt) throw invalid('decision', `unknown decision "${decision}"; the exercise's decisions: ${x.decisions.map((p) => p.id).join(', ')}`);
      if (input.ruling === 'amend' && input.option === undefined) throw invalid('option', 'an amendment names the option that applies instead');
      if (input.ruling !== 'amend' && input.option !== undefined) throw invalid('option', `a ruling of ${input.ruling} takes no option (only amend does)`);
      if (input.option !== undefined && !prompt.options.some((o) => o.id === input.option)) throw invalid('option', `unknown option "${input.option}" of decision "${decision}" (its options: ${prompt.options.map((o) => o.id).join(', ')})`);
      if (input.note.trim().length < 10) throw invalid('note', 'at least 10 characters: the reasoning of the ruling');
      this.facilitatorOnly(actor, s);
      const r = await lockedDecision(tx, id, decision);
      if (!r) throw missing(`decision "${decision}" of session ${id} (not submitted yet)`, 'decision');
      const before = decisionOf(r, x);
      if (before.version !== input.version) throw conflict(`version: "${decision}" is at version ${before.version}, not ${input.version}; reload it and rule again`, before);
      await tx.query(`UPDATE team_exercise_decisions SET ruling = $3, ruling_option = $4, ruling_note = $5, ruled_by = $6, ruled_at = now(), version = version + 1
        WHERE session_id = $1 AND decision = $2`, [id, decision, input.ruling, input.option ?? null, input.note.trim(), actor.id]);
      const [a] = await tx.query(`${DECISION_SELECT} WHERE d.session_id = $1 AND d.decision = $2`, [id, decision]);
      const after = decisionOf(a, x);
      await audit(tx, actor, 'adjudicate', 'exercise_decision', `${id}:${decision}`, before, after, input.reason);
      await appendEvent(tx, id, {
        kind: 'decision_adjudicated', team: prompt.team, move: prompt.move, audience: [prompt.team], decision, version: after.version,
        summary: `${decision}: ${input.ruling}${input.option ? ` (${input.option})` : ''}`,
      });
      return after;
    }, false);
    this.recompute(id);
    return out;
  }

  async tagIssues(actor: Actor, id: number, decision: string, input: { issues: Issue[]; version: number; reason?: string }): Promise<LiveDecision> {
    return this.write(id, async (tx, s, x) => {
      const prompt = x.decisions.find((p) => p.id === decision);
      if (!prompt) throw invalid('decision', `unknown decision "${decision}"; the exercise's decisions: ${x.decisions.map((p) => p.id).join(', ')}`);
      input.issues.forEach((i, k) => {
        if (!(ISSUES as readonly string[]).includes(i)) throw invalid(`issues.${k}`, `unknown issue "${i}"; the issues: ${ISSUES.join(', ')}`);
      });
      this.facilitatorOnly(actor, s);
      const r = await lockedDecision(tx, id, decision);
      if (!r) throw missing(`decision "${decision}" of session ${id} (not submitted yet)`, 'decision');
      const before = decisionOf(r, x);
      if (before.version !== input.version) throw conflict(`version: "${decision}" is at version ${before.version}, not ${input.version}; reload it and tag again`, before);
      const issues = [...new Set(input.issues)];
      await tx.query('UPDATE team_exercise_decisions SET issues = $3, version = version + 1 WHERE session_id = $1 AND decision = $2', [id, decision, JSON.stringify(issues)]);
      const [a] = await tx.query(`${DECISION_SELECT} WHERE d.session_id = $1 AND d.decision = $2`, [id, decision]);
      const after = decisionOf(a, x);
      await audit(tx, actor, 'tag_issues', 'exercise_decision', `${id}:${decision}`, before, after, input.reason);
      await appendEvent(tx, id, {
        kind: 'issues_tagged', team: prompt.team, move: prompt.move, audience: [prompt.team], decision, version: after.version,
        summary: `${decision}: ${issues.map((i) => i.replace(/_/g, ' ')).join(', ') || 'no issues'}`,
      });
      return after;
    }, false);
  }

  async message(actor: Actor, id: number, input: { text: string; channel?: string }): Promise<LiveMessage> {
    return this.write(id, async (tx, s, x) => {
      const text = input.text.trim();
      if (!text) throw invalid('text', 'an empty message');
      const teams = x.teams.map((t) => t.id);
      if (input.channel !== undefined && input.channel !== 'all' && !teams.includes(input.channel)) throw invalid('channel', `unknown channel "${input.channel}"; the channels: all, ${teams.join(', ')}`);
      const v = await this.viewerOf(tx, actor, s);
      let channel: string;
      if (v.part === 'facilitator') channel = input.channel ?? 'all';
      else if (v.part === 'player') {
        channel = input.channel ?? v.team!;
        if (channel !== v.team) throw new TeamError(403, 'forbidden', `channel: a player writes on their team's channel (${v.team}), not on "${channel}"`);
      } else throw new TeamError(403, 'forbidden', `channel: you are not seated in exercise session ${id}; observers read, they do not write`);
      if (s.status === 'ended') throw conflict(`status: exercise session ${id} has ended`, this.summary(s, x), 'status');
      const e = await appendEvent(tx, id, {
        kind: 'message', team: channel === 'all' ? null : channel, move: s.move_index === null ? null : x.moves[s.move_index].id,
        audience: channel === 'all' ? null : [channel], summary: `${actor.name} on ${channel}`,
      });
      const [m] = await tx.query('INSERT INTO team_exercise_messages (session_id, seq, channel, from_id, text) VALUES ($1, $2, $3, $4, $5) RETURNING id, at', [id, e.seq, channel, actor.id, text]);
      const msg: LiveMessage = { seq: e.seq, channel, from: actor.name, text, at: iso(m.at) };
      await audit(tx, actor, 'create', 'exercise_message', String(m.id), null, { session: id, ...msg }, null);
      return msg;
    });
  }

  // ── what a caller sees ──

  private async allDecisions(id: number, x: ExerciseFile, sql: Sql = this.db): Promise<LiveDecision[]> {
    const order = (d: LiveDecision) => x.moves.findIndex((m) => m.id === d.move) * 10_000 + x.decisions.findIndex((p) => p.id === d.decision);
    return (await sql.query(`${DECISION_SELECT} WHERE d.session_id = $1`, [id])).map((r) => decisionOf(r, x)).sort((a, b) => order(a) - order(b));
  }

  private visibleDecisions(all: readonly LiveDecision[], v: Viewer, s: SessionRow, x: ExerciseFile): LiveDecision[] {
    const moves = x.moves.map((m) => m.id);
    return all.filter((d) => v.part === 'facilitator' || d.team === v.team || moveEnded(d.move, s, moves));
  }

  /** The session row, exercise and viewer, in one snapshot with the decisions. */
  async state(actor: Actor, id: number): Promise<SessionState> {
    const s = await this.sessionRow(this.db, id);
    const x = await this.file(s.exercise);
    const v = await this.viewerOf(this.db, actor, s);
    const fac = v.part === 'facilitator';
    const reached = s.move_index === null ? 0 : s.status === 'ended' ? Math.max(s.move_index + 1, 0) : s.move_index + 1;
    const [decisions, injectRows, messageRows] = await Promise.all([
      this.allDecisions(id, x),
      this.db.query('SELECT inject, released_at FROM team_exercise_injects WHERE session_id = $1 ORDER BY released_at, inject', [id]),
      this.db.query('SELECT m.seq, m.channel, a.name AS sender, m.text, m.at FROM team_exercise_messages m JOIN team_accounts a ON a.id = m.from_id WHERE m.session_id = $1 ORDER BY m.seq', [id]),
    ]);
    const released = new Map(injectRows.map((r) => [String(r.inject), iso(r.released_at)]));
    const injects: LiveInject[] = x.injects.filter((i) => released.has(i.id) && (fac || (v.team !== null && i.recipients.includes(v.team)))).map((i) => ({
      id: i.id, move: i.move, time: i.time, from: i.from ?? x.teams.find((t) => t.role === 'control')?.id ?? 'control', recipients: i.recipients, text: i.text.trim(),
      sources: i.sources.map((c) => ({ source: c.source, ...(c.locator ? { locator: c.locator } : {}) })), released_at: released.get(i.id)!,
    }));
    const current = s.status === 'running' && s.move_index !== null ? x.moves[s.move_index].id : null;
    const visible = this.visibleDecisions(decisions, v, s, x);
    const alliance = await this.alliance(s, x, v, visible, decisions);
    return {
      session: this.summary(s, x),
      exercise: this.summaryOf(x),
      you: v,
      briefings: x.teams.filter((t) => fac || t.id === v.team).map((t) => ({ team: t.id, text: t.briefing.trim() })),
      situations: x.moves.slice(0, reached).map((m) => ({ move: m.id, title: m.title, date: m.date, text: m.situation.trim() })),
      injects,
      pending: fac ? x.injects.filter((i) => !released.has(i.id)).map((i) => ({ id: i.id, move: i.move, time: i.time, recipients: i.recipients })) : [],
      // Players: their team's prompts of the move in play. The facilitator: every prompt of the
      // moves reached, so a decision of an earlier move can still be ruled on (amended).
      prompts: x.decisions.filter((p) => (fac ? x.moves.slice(0, reached).some((m) => m.id === p.move) : current !== null && p.move === current && p.team === v.team)).map((p) => ({
        id: p.id, move: p.move, team: p.team, question: p.question.trim(), options: p.options.map((o) => ({ id: o.id, label: o.label, description: o.description?.trim() ?? null })),
      })),
      decisions: visible,
      messages: messageRows.filter((r) => fac || r.channel === 'all' || r.channel === v.team).map((r) => ({ seq: num(r.seq), channel: String(r.channel), from: String(r.sender), text: String(r.text), at: iso(r.at) })),
      alliance,
      seq: s.seq,
      ...(fac ? { seats: (await this.db.query('SELECT x.team, a.name FROM team_exercise_seats x JOIN team_accounts a ON a.id = x.account_id WHERE x.session_id = $1 ORDER BY x.team, a.name', [id])).map((r) => ({ session: id, team: String(r.team), account: String(r.name) })) } : {}),
    };
  }

  // ── the live alliance state ──

  private job(kind: LiveJob['kind'], s: SessionRow, decisions: readonly LiveDecision[], judgments: LiveJob['judgments']): LiveJob {
    return {
      kind, exercise: s.exercise, set_version: s.set_version, judgments, decisions: decisions.map(storedOf),
      session: { id: s.id, title: s.title, branch: s.branch }, draws: LIVE_DRAWS, seed: LIVE_SEED,
    };
  }

  private async judgments(s: SessionRow): Promise<LiveJob['judgments']> {
    if (s.set_version === null) return null;
    return (await this.team.judgmentsOf(s.set_version)).judgments;
  }

  /** What a result depends on: the state only on the options in force; the report on every word. */
  private keyOf(kind: 'state' | 'report', s: SessionRow, decisions: readonly LiveDecision[]): string {
    const parts = kind === 'state'
      ? [s.exercise, s.set_version, decisions.map((d) => [d.decision, d.option, d.adjudication?.ruling ?? null, d.adjudication?.option ?? null])]
      : [s.exercise, s.set_version, s.title, s.branch, decisions.map(storedOf)];
    return createHash('sha256').update(JSON.stringify([kind, ...parts])).digest('hex');
  }

  /** The state for these decisions: one computation however many clients ask (cached by the decisions it includes). */
  computeState(s: SessionRow, decisions: readonly LiveDecision[]): Promise<StateResult> {
    const key = this.keyOf('state', s, decisions);
    let p = this.states.get(key);
    if (!p) {
      p = this.judgments(s).then((j) => this.runner.run(this.job('state', s, decisions, j)) as Promise<StateResult>);
      this.states.set(key, p);
      p.catch(() => this.states.delete(key));
      if (this.states.size > 128) this.states.delete(this.states.keys().next().value!);
    }
    return p;
  }

  /**
   * The seat's alliance state. A new one is waited for briefly; if it is still being computed,
   * the last one computed for this seat is given (its as_of says how old; `alliance_updated`
   * follows when the new one is ready), and only a seat with none yet waits for it.
   */
  private async alliance(s: SessionRow, x: ExerciseFile, v: Viewer, visible: readonly LiveDecision[], _all: readonly LiveDecision[]): Promise<LiveAllianceState | null> {
    const seat = `${s.id}:${v.part}:${v.team ?? ''}`;
    const pending = this.computeState(s, visible).then((r): LiveAllianceState => {
      const state = { year: x.start.year, as_of: s.seq, provisional: visible.filter((d) => !d.adjudication).map((d) => d.decision), allies: r.allies, draws: r.draws, error: r.error };
      const known = this.lastStates.get(seat);
      if (!known || known.as_of <= state.as_of) this.lastStates.set(seat, state);
      if (this.lastStates.size > 512) this.lastStates.delete(this.lastStates.keys().next().value!);
      return state;
    }, () => null);
    const last = this.lastStates.get(seat);
    const wait = (ms: number) => new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ms).unref());
    const r = await Promise.race([pending, wait(last ? FRESH_WAIT_MS : 20_000)]);
    if (r !== 'late') return r;
    return last ?? null;
  }

  /**
   * After a write that changes the decisions in force: compute every view of the state (the
   * facilitator's, each team's, the public one) off the request path, then append
   * `alliance_updated`. Coalesced: writes during a computation cause one more, on the latest.
   */
  recompute(id: number): void {
    if (this.recomputing.has(id)) {
      this.dirty.add(id);
      return;
    }
    // A short pause first: a burst of decisions costs one computation.
    const run = new Promise((resolve) => setTimeout(resolve, RECOMPUTE_DELAY_MS)).then(() => {
      this.dirty.delete(id);
      return this.recomputeOnce(id);
    }).catch((err: unknown) => console.error('live exercise state:', err instanceof Error ? err.message : String(err))).finally(() => {
      this.recomputing.delete(id);
      if (this.dirty.delete(id)) this.recompute(id);
    });
    this.recomputing.set(id, run);
  }

  private async recomputeOnce(id: number): Promise<void> {
    const s = await this.sessionRow(this.db, id);
    const x = await this.file(s.exercise);
    const all = await this.allDecisions(id, x);
    const views: Viewer[] = [
      { name: '', part: 'facilitator', team: null },
      ...x.teams.filter((t) => t.role === 'player').map((t) => ({ name: '', part: 'player' as const, team: t.id })),
      { name: '', part: 'observer', team: null },
    ];
    const results = await Promise.all(views.map((v) => this.computeState(s, this.visibleDecisions(all, v, s, x))));
    await this.write(id, async (tx) => {
      await audit(tx, null, 'compute', 'exercise_session', String(id), null, { as_of: s.seq, decisions: all.map((d) => `${d.decision}@${d.version}`), errors: results.filter((r) => r.error).length }, 'the live alliance state recomputed');
      await appendEvent(tx, id, { kind: 'alliance_updated', summary: `alliance state as of event ${s.seq}${results[0].error ? ` (not computed: ${results[0].error})` : ''}` });
    });
  }

  // ── the after-action report ──

  async report(actor: Actor, id: number): Promise<AfterActionReport> {
    const s = await this.sessionRow(this.db, id);
    const x = await this.file(s.exercise);
    const v = await this.viewerOf(this.db, actor, s);
    const all = await this.allDecisions(id, x);
    const visible = this.visibleDecisions(all, v, s, x);
    const key = this.keyOf('report', s, visible);
    let p = this.reports.get(key);
    if (!p) {
      p = this.judgments(s).then((j) => this.runner.run(this.job('report', s, visible, j)) as Promise<AfterActionReport>);
      this.reports.set(key, p);
      p.catch(() => this.reports.delete(key));
      if (this.reports.size > 32) this.reports.delete(this.reports.keys().next().value!);
    }
    let base: AfterActionReport;
    try {
      base = await p;
    } catch (err) {
      throw new TeamError(409, 'conflict', `report: the decisions in force cannot be played through the scenario engine: ${(err instanceof Error ? err.message : String(err)).replace(/\s*\([^()]*:\d+\)/g, '')}`, 'decisions');
    }
    const injects = await this.db.query('SELECT i.inject, i.released_at, a.name AS by FROM team_exercise_injects i JOIN team_accounts a ON a.id = i.released_by WHERE i.session_id = $1 ORDER BY i.released_at', [id]);
    const fac = v.part === 'facilitator';
    const shownInjects = injects.filter((r) => fac || x.injects.find((i) => i.id === r.inject)?.recipients.includes(v.team ?? ''));
    const team = (t: string) => x.teams.find((y) => y.id === t)?.name ?? t;
    const live: Section = {
      id: 'live-session', title: `The live session: ${s.title} (session ${s.id}, ${s.status})`,
      blocks: [
        { kind: 'p', text: `Facilitated by ${s.facilitator}; exercise ${x.exercise}, branch "${s.branch}"; judgment set ${s.set_version === null ? 'of the engine' : `v${s.set_version}`}. Decisions awaiting a ruling count as submitted (provisional). ${fac ? '' : 'This copy shows what your seat may see: your team\'s decisions and those of moves that have ended.'}`.trim() },
        { kind: 'table', caption: 'Decisions as submitted and ruled', head: ['move', 'team', 'decision', 'option', 'rationale', 'submitted by', 'at', 'version', 'ruling', 'ruled by', 'issues'],
          rows: visible.map((d) => [d.move, team(d.team), d.decision, d.option_label, d.rationale, d.submitted_by, d.submitted_at, String(d.version),
            d.adjudication ? `${d.adjudication.ruling}${d.adjudication.option ? ` → ${d.adjudication.option}` : ''}: ${d.adjudication.note}` : 'provisional (no ruling)',
            d.adjudication ? `${d.adjudication.by} at ${d.adjudication.at}` : '–', d.issues.map((i) => i.replace(/_/g, ' ')).join(', ') || '–']) },
        { kind: 'table', caption: 'Injects released', head: ['inject', 'move', 'to', 'released at', 'by'],
          rows: shownInjects.map((r) => {
            const i = x.injects.find((y) => y.id === r.inject);
            return [String(r.inject), i?.move ?? '', (i?.recipients ?? []).map(team).join(', '), iso(r.released_at), String(r.by)];
          }) },
      ],
      children: [],
    };
    return { ...base, subtitle: `Live session ${s.id} "${s.title}" (${s.status}); ${base.subtitle}`, sections: [base.sections[0], live, ...base.sections.slice(1)] };
  }

  // ── the event stream ──

  async streamSetup(actor: Actor, id: number): Promise<{ viewer: Viewer; moves: string[]; seq: number }> {
    const s = await this.sessionRow(this.db, id);
    const x = await this.file(s.exercise);
    return { viewer: await this.viewerOf(this.db, actor, s), moves: x.moves.map((m) => m.id), seq: s.seq };
  }

  async viewerNow(actor: Actor, id: number): Promise<Viewer> {
    return this.viewerOf(this.db, actor, await this.sessionRow(this.db, id));
  }
}
