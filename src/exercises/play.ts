// Scripted play: the decisions of a decisions file, move by move, through the scenario
// engine (src/scenarios/run.ts), never a re-implementation of it. The exercise's state
// after decision k is a scenario: the base scenario's changes and those of every option
// applied so far. Each decision is run against the state before it (runAgainst), so its
// effect on every ledger is measured alone, and its robustness is the same seeded draws run
// on both ledgers and paired draw by draw: the share of draws in which the ally's net moves
// the way it moves in the ledger. The final state is the last scenario against the
// baseline. Deterministic: same exercise, decisions, evidence, draws and seed, same result.
import { runRobustness } from '../method/robustness.ts';
import type { YearLedger } from '../method/ledger.ts';
import type { Methodology } from '../method/methodology.ts';
import type { ScenarioChange } from '../scenarios/apply.ts';
import type { Scenario, ScenarioContext } from '../scenarios/load.ts';
import { EPSILON, prepareBaseline, robustnessJob, runAgainst, runScenario, unpairable } from '../scenarios/run.ts';
import type { RobustnessJob, RunOptions, Totals } from '../scenarios/run.ts';
import type { CheckedDecision, Exercise, Play } from './load.ts';

/** Robustness draws per ledger by default: modest, as a play runs a pair per decision. */
export const DEFAULT_DRAWS = 200;
export const DEFAULT_SEED = 1;

export interface PlayOptions {
  draws?: number;
  seed?: number;
  /** false: no robustness draws. */
  robustness?: boolean;
}

/** One ally's movement under one decision (or over the whole exercise). */
export interface AllyEffect {
  ally: string;
  name: string;
  before: Totals;
  after: Totals;
  netChange: number | null;
  /** Places gained (positive) or lost. */
  rankChange: number | null;
  /** Share of paired draws in which the net moves the way it does in the ledger (null: no draws, or unmoved). */
  holds: number | null;
  /** Share of paired draws in which the rank improves, and worsens. */
  pRankUp: number | null;
  pRankDown: number | null;
}

export interface DecisionEffect {
  decision: CheckedDecision;
  /** The changes the applied option set in motion (labels, in application order). */
  changes: { ref: string; label: string }[];
  /** The followed allies, then any other ally the decision moved directly, then the largest movers (at most MAX_SHOWN). */
  allies: AllyEffect[];
  /** Why the draws were not paired, when they were not. */
  unpaired: string | null;
  /** Allies whose values the decision changed but whose ledger did not move, and why (the engine's explanation). */
  unmoved: string[];
}

export interface PlayResult {
  exercise: Exercise;
  play: Play;
  year: number;
  present: number;
  robustness: { draws: number; seed: number } | null;
  /** The allies the teams play (their countries), in the order of the teams. */
  followed: string[];
  /** The base scenario's effect on the followed allies (empty without a base scenario). */
  start: AllyEffect[];
  effects: DecisionEffect[];
  /** Baseline, start and end of the exercise, for the followed allies and those the play moved most. */
  final: FinalState[];
  /** The same for every ally of the ledger (branches compared show the allies either one moved). */
  all: FinalState[];
}

export interface FinalState { ally: string; name: string; baseline: Totals; start: Totals; end: Totals; netChange: number | null; rankChange: number | null }

/** Allies shown per decision besides the followed ones. */
export const MAX_SHOWN = 5;

function stateScenario(exercise: Exercise, id: string, changes: readonly ScenarioChange[]): Scenario {
  return {
    id, title: `${exercise.title}: ${id}`, description: exercise.narrative, horizon: exercise.year,
    sources: exercise.sources, changes: [...changes], origin: exercise.origin, parts: [id],
  };
}

function traced(ledger: YearLedger, methodology: Methodology, draws: number, seed: number): RobustnessJob {
  const job = robustnessJob(ledger, methodology, { draws, seed });
  runRobustness(job.matrix, job.settings, job.interval, job.trace);
  return job;
}

/** Paired shares for one ally: how often its net moves as in the ledger, its rank rises or falls. */
function paired(x: RobustnessJob, y: RobustnessJob, ally: string, netChange: number | null): Pick<AllyEffect, 'holds' | 'pRankUp' | 'pRankDown'> {
  const i = x.matrix.allies.indexOf(ally), j = y.matrix.allies.indexOf(ally);
  const none = { holds: null, pRankUp: null, pRankDown: null };
  if (i < 0 || j < 0 || !x.trace || !y.trace) return none;
  const D = x.settings.draws, T = x.trace.rows.length, U = y.trace.rows.length;
  let same = 0, up = 0, down = 0;
  const sign = netChange === null || Math.abs(netChange) < EPSILON ? 0 : Math.sign(netChange);
  for (let d = 0; d < D; d++) {
    const dn = y.trace.nets[d * U + j] - x.trace.nets[d * T + i];
    const dr = x.trace.ranks[d * T + i] - y.trace.ranks[d * U + j];
    if (sign !== 0 && Math.sign(dn) === sign && Math.abs(dn) >= EPSILON) same++;
    if (dr > 0) up++;
    else if (dr < 0) down++;
  }
  return { holds: sign === 0 ? null : same / D, pRankUp: up / D, pRankDown: down / D };
}

function effectOf(ally: string, name: string, before: Totals, after: Totals): AllyEffect {
  const netChange = before.net !== null && after.net !== null ? after.net - before.net : null;
  const rankChange = before.rank !== null && after.rank !== null ? before.rank - after.rank : null;
  return { ally, name, before, after, netChange, rankChange, holds: null, pRankUp: null, pRankDown: null };
}

function totalsOf(ledger: YearLedger, ally: string): { name: string; totals: Totals } | null {
  const a = ledger.allies.find((x) => x.ally === ally);
  return a ? { name: a.name, totals: { assets: a.assets, liabilities: a.liabilities, net: a.net, rank: a.rank } } : null;
}

/** Play the decisions of `play` in `exercise`: each decision's effect, then the final state. */
export function playExercise(exercise: Exercise, play: Play, ctx: ScenarioContext, options: PlayOptions = {}): PlayResult {
  const draws = options.draws ?? DEFAULT_DRAWS;
  const seed = options.seed ?? DEFAULT_SEED;
  const robust = options.robustness !== false;
  const run: RunOptions = { evidence: ctx.evidence, methodology: ctx.methodology, judgments: ctx.judgments, present: ctx.present, robustness: false };
  const baseChanges = exercise.base?.changes ?? [];
  const every = [...baseChanges, ...play.decisions.flatMap((d) => d.applied?.changes ?? [])];
  const prepared = prepareBaseline(run, exercise.year, every);
  const followed = [...new Set(exercise.teams.filter((t) => t.role === 'player').flatMap((t) => t.countries))]
    .filter((iso) => prepared.ledger.allies.some((a) => a.ally === iso));
  const jobs = (before: YearLedger, bm: Methodology, after: YearLedger, am: Methodology) => {
    if (!robust) return null;
    const x = traced(before, bm, draws, seed), y = traced(after, am, draws, seed);
    return { x, y, unpaired: unpairable(x, y) };
  };

  let state = stateScenario(exercise, 'start', baseChanges);
  const startRun = runScenario(state, { ...run, baseline: prepared });
  const start = exercise.base ? followed.map((ally) => {
    const b = totalsOf(startRun.ledgers.before, ally)!, a = totalsOf(startRun.ledgers.after, ally)!;
    return effectOf(ally, b.name, b.totals, a.totals);
  }) : [];

  const effects: DecisionEffect[] = play.decisions.map((decision, k) => {
    const changes = decision.applied?.changes ?? [];
    if (changes.length === 0) return { decision, changes: [], allies: [], unpaired: null, unmoved: [] };
    // The engine credits a change by its spec: one already in force would be credited nothing here yet count again at the end.
    const repeated = changes.find((c) => state.changes.some((p) => JSON.stringify(p.spec) === JSON.stringify(c.spec) && p.countries.join() === c.countries.join()));
    if (repeated) throw new Error(`${decision.origin}: decision "${decision.prompt.id}" applies option "${decision.applied!.id}", whose change "${repeated.label}" (${repeated.origin}) is already in force (from the base scenario or an earlier decision); make the option's change differ (another factor or share) or choose another option`);
    const next = stateScenario(exercise, `after-${k + 1}`, [...state.changes, ...changes]);
    const r = runAgainst(next, state, { ...run, baseline: prepared });
    state = next;
    const direct = r.diff.filter((d) => d.direct).map((d) => d.ally);
    const largest = r.diff.map((d) => d.ally);
    const shown = [...new Set([...followed, ...direct, ...largest])].slice(0, Math.max(followed.length + direct.length, followed.length + MAX_SHOWN));
    const pair = jobs(r.ledgers.before, r.methodologies.before, r.ledgers.after, r.methodologies.after);
    const allies = shown.flatMap((ally) => {
      const b = totalsOf(r.ledgers.before, ally), a = totalsOf(r.ledgers.after, ally);
      if (!b || !a) return [];
      const e = effectOf(ally, b.name, b.totals, a.totals);
      return [pair && pair.unpaired === null ? { ...e, ...paired(pair.x, pair.y, ally, e.netChange) } : e];
    });
    return { decision, changes: r.changes.map((c) => ({ ref: c.ref, label: c.label })), allies, unpaired: pair?.unpaired ?? null, unmoved: r.unmoved.map((u) => u.text) };
  });

  const endRun = runScenario(state, { ...run, baseline: prepared });
  const movers = endRun.diff.map((d) => d.ally).filter((a) => !followed.includes(a)).slice(0, MAX_SHOWN);
  const stateOf = (ally: string): FinalState[] => {
    const base = totalsOf(prepared.ledger, ally), s = totalsOf(startRun.ledgers.after, ally), end = totalsOf(endRun.ledgers.after, ally);
    if (!base || !s || !end) return [];
    const e = effectOf(ally, base.name, base.totals, end.totals);
    return [{ ally, name: base.name, baseline: base.totals, start: s.totals, end: end.totals, netChange: e.netChange, rankChange: e.rankChange }];
  };
  const final = [...followed, ...movers].flatMap(stateOf);
  const all = prepared.ledger.allies.map((a) => a.ally).flatMap(stateOf);
  return {
    exercise, play, year: exercise.year, present: prepared.baseline.present,
    robustness: robust ? { draws, seed } : null, followed, start, effects, final, all,
  };
}
