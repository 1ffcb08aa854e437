// Team mode: the judgment set a request is answered with. app.ts reads the version published
// now from the team database once per request (one small query), takes its judgments from
// TeamService (kept per version), and runs the request inside this scope; LedgerService then
// computes with them, its caches and the response cache are keyed by the version, and heavy
// jobs carry the set to their worker thread. Outside team mode no scope is ever entered and
// everything reads the judgments file as before.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Judgment } from '../../method/judgments.ts';

export interface ActiveJudgmentSet {
  version: number;
  judgments: Judgment[];
}

const scope = new AsyncLocalStorage<ActiveJudgmentSet>();

/** The set the current request is answered with; undefined outside team mode. */
export function activeJudgmentSet(): ActiveJudgmentSet | undefined {
  return scope.getStore();
}

export function withJudgmentSet<T>(set: ActiveJudgmentSet, fn: () => T): T {
  return scope.run(set, fn);
}

/** A suffix for cache keys: empty outside team mode, so single-user keys are as before. */
export function judgmentSetKey(): string {
  const set = scope.getStore();
  return set ? ` set${set.version}` : '';
}

/** The response header naming the set a team-mode answer used. */
export const JUDGMENT_SET_HEADER = 'X-Judgment-Set';
