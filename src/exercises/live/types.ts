// The live exercise's wire contract: what the team server's exercise API answers and what the
// event stream (Server-Sent Events) carries. The server (src/exercises/live/*.ts,
// src/interfaces/api/routes/exercise-routes.ts) and the dashboard's exercise page
// (src/interfaces/web/pages/exercise*.tsx) both import these types.
//
// Routes (all under /api/team, team mode only; role = the account role the route needs,
// membership checks come after it: a player acts only for the team they are seated on, the
// facilitator is the editor who created the session or any admin):
//   GET    /api/team/exercises                                  viewer   the exercises one can run (ExerciseSummary[])
//   POST   /api/team/exercise-sessions                          editor   { exercise, title?, branch?, reason? } -> SessionSummary (201); caller is the facilitator
//   GET    /api/team/exercise-sessions                          viewer   { sessions: SessionSummary[] }
//   GET    /api/team/exercise-sessions/{id}                     viewer   SessionState for the caller (what their seat may see)
//   POST   /api/team/exercise-sessions/{id}/seats               editor   { team, account } -> seat an account on a team (facilitator)
//   POST   /api/team/exercise-join                              none     { code, name } -> one-off player: an account of role viewer seated on
//                                                                        the code's team, signed in (session cookie), { csrf_token, seat }
//   POST   /api/team/exercise-sessions/{id}/start               editor   { version } facilitator: lobby -> running, first move
//   POST   /api/team/exercise-sessions/{id}/advance             editor   { version } facilitator: next move (or end after the last)
//   POST   /api/team/exercise-sessions/{id}/injects/{inject}/release  editor  { version } facilitator
//   PUT    /api/team/exercise-sessions/{id}/decisions/{decision}      viewer  { option, rationale, version? } a seated player of the prompt's team,
//                                                                        in the prompt's move while it is current; version as ratings (409 when stale)
//   POST   /api/team/exercise-sessions/{id}/decisions/{decision}/adjudication  editor  { ruling, option?, note, version } facilitator
//   POST   /api/team/exercise-sessions/{id}/decisions/{decision}/issues         editor  { issues: Issue[], version } facilitator (hot wash)
//   POST   /api/team/exercise-sessions/{id}/messages            viewer   { text, channel? } a team's channel (players: their team; facilitator: any)
//   POST   /api/team/exercise-sessions/{id}/end                 editor   { version } facilitator
//   POST   /api/team/exercise-sessions/{id}/join-codes          editor   { version } facilitator: new join codes (the old stop working) -> SessionSummary
//                                                                        with them; codes are kept as hashes, so only this answer and the
//                                                                        creation's show them (GET gives join_codes: [])
//   GET    /api/team/exercise-sessions/{id}/events              viewer   text/event-stream of LiveEvent (id: = seq; Last-Event-ID or ?after=seq replays)
//   GET    /api/team/exercise-sessions/{id}/report?format=html|md|pdf|json  viewer  the after-action report of the play so far
import type { Adjudication, Issue } from '../schema.ts';

export type SessionStatus = 'lobby' | 'running' | 'ended';

export interface ExerciseSummary {
  id: string;
  title: string;
  narrative: string;
  year: number;
  teams: { id: string; name: string; role: 'player' | 'control'; countries: string[] }[];
  moves: { id: string; title: string; date: string }[];
}

export interface SessionSummary {
  id: number;
  exercise: string;
  title: string;
  branch: string;
  status: SessionStatus;
  /** The id of the move in play (null in the lobby). */
  move: string | null;
  facilitator: string;
  version: number;
  created_at: string;
  /** Join codes per player team: shown to the facilitator only (empty for others). */
  join_codes: { team: string; code: string }[];
}

export interface Seat {
  session: number;
  team: string;
  account: string;
}

export interface LiveInject {
  id: string;
  move: string;
  time: string;
  from: string;
  recipients: string[];
  text: string;
  sources: { source: string; locator?: string }[];
  released_at: string;
}

export interface LiveDecision {
  /** The decision prompt's id. */
  decision: string;
  move: string;
  team: string;
  option: string;
  option_label: string;
  rationale: string;
  submitted_by: string;
  submitted_at: string;
  version: number;
  /** option_label: with an amendment, the label of the option that applies instead. */
  adjudication: (Adjudication & { by: string; at: string; option_label?: string }) | null;
  issues: Issue[];
}

export interface LiveMessage {
  seq: number;
  channel: string;
  from: string;
  text: string;
  at: string;
}

/** One followed ally in the live alliance state. */
export interface LiveAlly {
  ally: string;
  name: string;
  start: { net: number | null; rank: number | null };
  now: { net: number | null; rank: number | null };
  /** The robustness band of the net now (draws over weights and judgments), or null while it is computed. */
  net_low: number | null;
  net_high: number | null;
  /** Each decision in force that moved this ally, in order: the cause of every move. */
  causes: { decision: string; team: string; option: string; net_change: number | null; rank_change: number | null; holds: number | null }[];
}

/** The ledgers after the decisions so far (adjudicated as ruled; those awaiting a ruling as submitted, marked provisional). */
export interface LiveAllianceState {
  year: number;
  /** The last event seq this state includes. */
  as_of: number;
  provisional: string[];
  allies: LiveAlly[];
  /** Robustness draws behind net_low/net_high and holds (null: none). */
  draws?: number | null;
  /** Why the state could not be computed (e.g. two decisions in force apply the same change), else absent. */
  error?: string | null;
}

/** What GET /api/team/exercise-sessions/{id} gives the caller. */
export interface SessionState {
  session: SessionSummary;
  exercise: ExerciseSummary;
  /** The caller's place: facilitator, a seated player of a team, or an observer (viewer role, not seated). */
  you: { name: string; part: 'facilitator' | 'player' | 'observer'; team: string | null };
  /** Briefings the caller may read (their team's; the facilitator: all). */
  briefings: { team: string; text: string }[];
  /** The situation text of each move reached so far. */
  situations: { move: string; title: string; date: string; text: string }[];
  /** Released injects addressed to the caller's team (the facilitator: all released, plus `pending`: not yet released). */
  injects: LiveInject[];
  pending: { id: string; move: string; time: string; recipients: string[] }[];
  /** Decision prompts of the current move for the caller's team (the facilitator: every team's, of every move reached, so earlier decisions can still be ruled on). */
  prompts: { id: string; move: string; team: string; question: string; options: { id: string; label: string; description: string | null }[] }[];
  /** Decisions the caller may see: their team's (the facilitator and, after the move, everyone: all). */
  decisions: LiveDecision[];
  messages: LiveMessage[];
  alliance: LiveAllianceState | null;
  /** The last event seq: open the event stream after it. */
  seq: number;
  /** Who sits on which team: for the facilitator only. */
  seats?: Seat[];
}

export type LiveEventKind =
  | 'started' | 'move_advanced' | 'inject_released' | 'decision_submitted' | 'decision_adjudicated'
  | 'issues_tagged' | 'message' | 'seated' | 'alliance_updated' | 'ended';

/**
 * One event of the stream (`event: <kind>`, `id: <seq>`, `data: <LiveEvent JSON>`). A client
 * that gets one refetches the SessionState (or applies it); seq is strictly increasing per
 * session, so a reconnect with Last-Event-ID misses nothing. `at_ms` is the server's clock when
 * the event was committed (the load bench measures submission -> delivery with it).
 */
export interface LiveEvent {
  seq: number;
  session: number;
  kind: LiveEventKind;
  /** The team concerned, if any (the stream sends each client only what its seat may see). */
  team: string | null;
  summary: string;
  at: string;
  at_ms: number;
  /** The move the event belongs to (decision events: the prompt's move), if any. */
  move?: string | null;
  /** The teams the event is addressed to (injects: the recipients; channels: the team); null: everyone. */
  audience?: string[] | null;
  /** Decision events: the decision prompt's id and the decision's version after the write. */
  decision?: string | null;
  version?: number | null;
}
