// The live exercise page's logic without the page: calls to the team server (cookie session,
// CSRF header on writes, a 409's `current` record kept), the live session (the SessionState
// refetched on every event of the stream, the stream reopened after the last seq seen), the
// decision drafts a reload keeps (sessionStorage), and the small pure helpers the views and the
// unit tests share. Everything shown comes from the server: a reload loses nothing.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Issue } from '../../../exercises/schema.ts';
import type { LiveAlly, LiveDecision, LiveEvent, LiveEventKind, SessionState, SessionSummary } from '../../../exercises/live/types.ts';

export const TEAM_API = '/api/team';
export const SESSIONS = `${TEAM_API}/exercise-sessions`;

export const sessionUrl = (id: number, suffix = ''): string => `${SESSIONS}/${id}${suffix}`;
export const reportUrl = (id: number, format: 'html' | 'md' | 'pdf'): string => `${sessionUrl(id, '/report')}?format=${format}`;

/** The hot-wash issues with their labels (a Record, so the compiler insists on every tag of the schema). */
export const ISSUE_LABELS: Readonly<Record<Issue, string>> = {
  basing_access: 'basing access', consultation: 'consultation', escalation: 'escalation', burden_sharing: 'burden sharing',
  munitions: 'munitions', shipbuilding: 'shipbuilding', alliance_cohesion: 'alliance cohesion', domestic_politics: 'domestic politics',
  trilateral_coordination: 'trilateral coordination', deterrence: 'deterrence', information: 'information', legal_authority: 'legal authority',
  logistics: 'logistics', nuclear: 'nuclear',
};
export const ISSUE_IDS = Object.keys(ISSUE_LABELS) as Issue[];

/** Every kind of the stream: an EventSource hears named events only through a listener per name. */
export const EVENT_KINDS: readonly LiveEventKind[] = [
  'started', 'move_advanced', 'inject_released', 'decision_submitted', 'decision_adjudicated',
  'issues_tagged', 'message', 'seated', 'alliance_updated', 'ended',
];

/** The schema's minimum lengths (src/exercises/schema.ts): said in the form before the server says it. */
export const MIN_RATIONALE = 10;
export const MIN_NOTE = 10;

export class TeamCallError extends Error {
  constructor(readonly status: number, message: string, readonly field?: string, readonly current?: unknown) {
    super(message);
    this.name = 'TeamCallError';
  }
}

/** Who is signed in (GET /api/team/session). */
export interface Who {
  name: string;
  role: 'viewer' | 'analyst' | 'editor' | 'admin';
  via: 'session' | 'token';
  csrf_token: string | null;
}

/** A call to the team server; writes carry the session's CSRF token. Problems arrive as TeamCallError (a 409 with the record as it is now). */
export async function teamCall<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, csrf?: string | null): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, credentials: 'same-origin', cache: 'no-store', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new TeamCallError(0, 'the team server does not answer: is it still running?');
  }
  const answer = await res.json().catch(() => null) as { message?: string; field?: string; current?: unknown } | null;
  if (!res.ok) throw new TeamCallError(res.status, answer?.message ?? `the server answered ${res.status}`, answer?.field, answer?.current);
  return answer as T;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Is this server in team mode, and does it run exercises? From the route list of GET /api (never a 404 in the console). */
export type TeamMode = 'single-user' | 'team-without-exercises' | 'team';

export function teamModeOf(routes: readonly { path: string }[]): TeamMode {
  if (!routes.some((r) => r.path === `${TEAM_API}/session`)) return 'single-user';
  return routes.some((r) => r.path.startsWith(SESSIONS)) ? 'team' : 'team-without-exercises';
}

export type Gate =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'mode'; mode: Exclude<TeamMode, 'team'> }
  | { kind: 'signed-out' }
  | { kind: 'signed-in'; who: Who };

/** The page's gate: the server's mode, then who is signed in; `recheck` after signing in, joining or out. */
export function useTeamGate(): { gate: Gate; recheck: () => void } {
  const [gate, setGate] = useState<Gate>({ kind: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    (async (): Promise<Gate> => {
      const api = await teamCall<{ routes?: { path: string }[] }>('GET', '/api');
      const mode = teamModeOf(api.routes ?? []);
      if (mode !== 'team') return { kind: 'mode', mode };
      try {
        return { kind: 'signed-in', who: await teamCall<Who>('GET', `${TEAM_API}/session`) };
      } catch (e) {
        if (e instanceof TeamCallError && e.status === 401) return { kind: 'signed-out' };
        throw e;
      }
    })().then((g) => live && setGate(g), (e: unknown) => live && setGate({ kind: 'failed', message: errorText(e) }));
    return () => {
      live = false;
    };
  }, [tick]);
  return { gate, recheck: useCallback(() => setTick((t) => t + 1), []) };
}

export type Connection = 'connecting' | 'live' | 'reconnecting';

export interface LiveSession {
  state: SessionState | null;
  error: TeamCallError | null;
  connection: Connection;
  /** The last event heard (its summary is announced). */
  last: LiveEvent | null;
  refresh: () => void;
}

/** Parse one event's data; null if it is not a LiveEvent of this session. */
export function parseEvent(data: string, session: number): LiveEvent | null {
  try {
    const e = JSON.parse(data) as Partial<LiveEvent>;
    if (typeof e.seq !== 'number' || e.session !== session || typeof e.kind !== 'string') return null;
    return e as LiveEvent;
  } catch {
    return null;
  }
}

/** Whether an event calls for a refetch: any event after what the state shown includes. */
export function isNews(event: LiveEvent, shownSeq: number): boolean {
  return event.seq > shownSeq;
}

/**
 * The session as the server has it now: GET the SessionState, open the event stream after its
 * seq, and on every event newer than the state refetch (one fetch at a time; events during a
 * fetch fold into one more). The browser's EventSource reconnects by itself with Last-Event-ID;
 * if the stream is closed for good (the server refused it), it is reopened after the last seq seen.
 */
export function useLiveSession(id: number): LiveSession {
  const [state, setState] = useState<SessionState | null>(null);
  const [error, setError] = useState<TeamCallError | null>(null);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [last, setLast] = useState<LiveEvent | null>(null);
  const seen = useRef(0);
  const shown = useRef(-1);
  const fetching = useRef(false);
  const again = useRef(false);
  const alive = useRef(true);

  const refresh = useCallback(() => {
    if (fetching.current) {
      again.current = true;
      return;
    }
    fetching.current = true;
    teamCall<SessionState>('GET', sessionUrl(id)).then((s) => {
      if (!alive.current) return;
      shown.current = s.seq;
      seen.current = Math.max(seen.current, s.seq);
      setState(s);
      setError(null);
    }, (e: unknown) => {
      if (alive.current) setError(e instanceof TeamCallError ? e : new TeamCallError(0, errorText(e)));
    }).finally(() => {
      fetching.current = false;
      if (again.current && alive.current) {
        again.current = false;
        refresh();
      }
    });
  }, [id]);

  useEffect(() => {
    alive.current = true;
    seen.current = 0;
    shown.current = -1;
    setState(null);
    refresh();
    return () => {
      alive.current = false;
    };
  }, [id]);

  // The stream opens once the first state is in (after its seq), and stays open for the page's life.
  const ready = state !== null;
  useEffect(() => {
    if (!ready) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let closed = false;
    const open = () => {
      source = new EventSource(`${sessionUrl(id, '/events')}?after=${seen.current}`);
      setConnection('connecting');
      source.onopen = () => setConnection('live');
      source.onerror = () => {
        if (closed || !source) return;
        if (source.readyState === EventSource.CLOSED) {
          setConnection('reconnecting');
          retry = setTimeout(() => {
            if (!closed) open();
          }, 2000);
        } else setConnection('reconnecting');
      };
      const hear = (m: MessageEvent<string>) => {
        const event = parseEvent(m.data, id);
        if (!event) return;
        seen.current = Math.max(seen.current, event.seq);
        setConnection('live');
        setLast(event);
        if (isNews(event, shown.current)) refresh();
      };
      for (const kind of EVENT_KINDS) source.addEventListener(kind, hear as EventListener);
      source.addEventListener('message', hear as EventListener);
    };
    open();
    return () => {
      closed = true;
      if (retry) clearTimeout(retry);
      source?.close();
    };
  }, [ready, id]);

  return { state, error, connection, last, refresh };
}

// ── decisions ──

/** A player's form for one decision prompt: what is chosen, why, and the version it revises. */
export interface Draft {
  option: string;
  rationale: string;
  /** The version of the team's decision this draft revises (absent: a first submission). */
  version?: number;
  /** Edited since it was last sent or loaded. */
  dirty: boolean;
}

/** The form's content: the draft kept through a reload if any, else the team's decision as it stands, else empty. */
export function draftFor(decision: LiveDecision | undefined, kept: Draft | null): Draft {
  if (kept && kept.dirty) return kept;
  if (decision) return { option: decision.option, rationale: decision.rationale, version: decision.version, dirty: false };
  return { option: '', rationale: '', dirty: false };
}

/** What is wrong with a draft before it is sent (null: it can go). */
export function draftProblem(d: Draft): string | null {
  if (!d.option) return 'choose an option';
  if (d.rationale.trim().length < MIN_RATIONALE) return `give a rationale of at least ${MIN_RATIONALE} characters`;
  return null;
}

/** The PUT body: a revision names the version it revises (a stale one gets a 409 with the decision as it is now). */
export function decisionBody(d: Draft): { option: string; rationale: string; version?: number } {
  return { option: d.option, rationale: d.rationale.trim(), ...(d.version !== undefined ? { version: d.version } : {}) };
}

// The server shows join codes only when it issues them (at creation, or on reissue): the
// facilitator's tab keeps the last ones it was shown.
const codesKey = (session: number) => `allies-exercise-codes:${session}`;

export function keepJoinCodes(s: Pick<SessionSummary, 'id' | 'join_codes'>): void {
  if (!s.join_codes.length) return;
  try {
    sessionStorage.setItem(codesKey(s.id), JSON.stringify(s.join_codes));
  } catch {
    // no storage: the codes show only in the answer
  }
}

export function joinCodesOf(s: Pick<SessionSummary, 'id' | 'join_codes'>): SessionSummary['join_codes'] {
  if (s.join_codes.length) return s.join_codes;
  try {
    const kept = JSON.parse(sessionStorage.getItem(codesKey(s.id)) ?? '[]') as unknown;
    return Array.isArray(kept) ? kept.filter((c): c is { team: string; code: string } => typeof c?.team === 'string' && typeof c?.code === 'string') : [];
  } catch {
    return [];
  }
}

const draftKey = (session: number, decision: string) => `allies-exercise-draft:${session}:${decision}`;

/** Drafts survive a reload of the tab (sessionStorage); unavailable storage just keeps nothing. */
export function keepDraft(session: number, decision: string, d: Draft | null): void {
  try {
    if (d && d.dirty) sessionStorage.setItem(draftKey(session, decision), JSON.stringify(d));
    else sessionStorage.removeItem(draftKey(session, decision));
  } catch {
    // private mode or storage full: the draft lives only in the page
  }
}

export function keptDraft(session: number, decision: string): Draft | null {
  try {
    const raw = sessionStorage.getItem(draftKey(session, decision));
    if (!raw) return null;
    const d = JSON.parse(raw) as Partial<Draft>;
    if (typeof d.option !== 'string' || typeof d.rationale !== 'string') return null;
    return { option: d.option, rationale: d.rationale, dirty: true, ...(typeof d.version === 'number' ? { version: d.version } : {}) };
  } catch {
    return null;
  }
}

/** A 409's `current` as a decision, if it is one. */
export function conflictDecision(e: unknown): LiveDecision | null {
  if (!(e instanceof TeamCallError) || e.status !== 409 || !e.current || typeof e.current !== 'object') return null;
  const c = e.current as Partial<LiveDecision>;
  return typeof c.option === 'string' && typeof c.version === 'number' ? (c as LiveDecision) : null;
}

export type Ruling = 'accept' | 'amend' | 'overrule';

/** The adjudication body, or what is wrong with it. */
export function adjudicationBody(ruling: Ruling, option: string, note: string, chosen: string, version: number): { ruling: Ruling; option?: string; note: string; version: number } | string {
  if (note.trim().length < MIN_NOTE) return `write a note of at least ${MIN_NOTE} characters`;
  if (ruling === 'amend') {
    if (!option) return 'an amendment names the option that applies instead';
    if (option === chosen) return 'an amendment names another option than the one chosen';
    return { ruling, option, note: note.trim(), version };
  }
  return { ruling, note: note.trim(), version };
}

export function rulingText(d: LiveDecision, optionLabel: (id: string) => string): string {
  const a = d.adjudication;
  if (!a) return 'awaiting a ruling';
  if (a.ruling === 'accept') return `accepted by ${a.by}: ${a.note}`;
  if (a.ruling === 'amend') return `amended by ${a.by} to "${optionLabel(a.option ?? '')}": ${a.note}`;
  return `overruled by ${a.by} (no option applies): ${a.note}`;
}

// ── the session's course ──

/** What the facilitator can do next with the session. */
export function nextStep(s: SessionSummary, moves: readonly { id: string; title: string }[]): { kind: 'start' } | { kind: 'advance'; to: { id: string; title: string; index: number } } | { kind: 'last' } | { kind: 'ended' } {
  if (s.status === 'lobby') return { kind: 'start' };
  if (s.status === 'ended') return { kind: 'ended' };
  const k = moves.findIndex((m) => m.id === s.move);
  return k >= 0 && k + 1 < moves.length ? { kind: 'advance', to: { id: moves[k + 1].id, title: moves[k + 1].title, index: k + 1 } } : { kind: 'last' };
}

/** The index of a move in the exercise (0-based; -1 if unknown). */
export function moveIndex(moves: readonly { id: string }[], move: string | null): number {
  return move === null ? -1 : moves.findIndex((m) => m.id === move);
}

export function moveName(moves: readonly { id: string; title: string }[], move: string | null): string {
  const k = moveIndex(moves, move);
  return k < 0 ? (move ?? 'none') : `move ${k + 1}: ${moves[k].title}`;
}

/** The channel everyone reads (the facilitator writes on it). */
export const ALL_CHANNEL = 'all';

export function teamNameOf(state: Pick<SessionState, 'exercise'>, team: string | null): string {
  if (team === null) return '–';
  if (team === ALL_CHANNEL) return 'everyone';
  return state.exercise.teams.find((t) => t.id === team)?.name ?? team;
}

export function signed(x: number | null, decimals = 1): string {
  if (x === null || !Number.isFinite(x)) return '–';
  const r = x.toFixed(decimals);
  return Number(r) === 0 ? (0).toFixed(decimals) : x > 0 ? `+${r}` : `−${r.slice(1)}`;
}

export function net(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '–';
  return x < 0 ? `−${(-x).toFixed(1)}` : x.toFixed(1);
}

/** One cause of an ally's move, in words: which team's decision moved it and by how much. */
export function causeText(c: LiveAlly['causes'][number], teamName: (id: string) => string, optionLabel: (decision: string, option: string) => string): string {
  const parts = [`net ${signed(c.net_change)}`];
  if (c.rank_change !== null && c.rank_change !== 0) parts.push(`${Math.abs(c.rank_change)} place${Math.abs(c.rank_change) === 1 ? '' : 's'} ${c.rank_change > 0 ? 'up' : 'down'}`);
  if (c.holds !== null) parts.push(`holds in ${Math.round(c.holds * 100)}% of draws`);
  return `${teamName(c.team)}, ${c.decision}: "${optionLabel(c.decision, c.option)}": ${parts.join(', ')}`;
}
