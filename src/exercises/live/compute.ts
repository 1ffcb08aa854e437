// The live alliance state and the after-action report of a live session, computed from the
// decisions stored for it through the scripted-play engine (playExercise), never a
// re-implementation of it: the stored decisions become a Play (adjudicated ones as ruled,
// the others as submitted), played with modest robustness draws, and the ledger now gets
// its robustness band from the same seeded draws. Pure given the scenario context; runs on
// a worker thread (runner.ts) or, where none can start, on the calling thread.
import { loadSourceRegistry } from '../../evidence/sources.ts';
import type { Source } from '../../evidence/schema.ts';
import type { Judgment } from '../../method/judgments.ts';
import { runRobustness } from '../../method/robustness.ts';
import { checkScenario, readScenario } from '../../scenarios/load.ts';
import type { Scenario, ScenarioContext } from '../../scenarios/load.ts';
import { robustnessJob, runScenario } from '../../scenarios/run.ts';
import { CURATED_DIR, checkExercise, checkStructure, readExercise, registryIds } from '../load.ts';
import type { CheckedDecision, Exercise, Play } from '../load.ts';
import { playExercise } from '../play.ts';
import type { PlayResult } from '../play.ts';
import { assembleAfterAction } from '../report.ts';
import type { AfterActionReport } from '../report.ts';
import type { Issue } from '../schema.ts';
import type { LiveAlly } from './types.ts';

/** Robustness draws of the live state and the live report: modest, as each decision runs a pair. */
export const LIVE_DRAWS = 200;
export const LIVE_SEED = 1;

/** A decision as stored for a session. */
export interface StoredDecision {
  decision: string;
  move: string;
  team: string;
  option: string;
  rationale: string;
  ruling: 'accept' | 'amend' | 'overrule' | null;
  ruling_option: string | null;
  ruling_note: string | null;
  issues: Issue[];
}

export interface LiveJob {
  kind: 'state' | 'report';
  exercise: string;
  /** The judgment set the session plays under (null: the engine's own judgments). */
  set_version: number | null;
  judgments: Judgment[] | null;
  decisions: StoredDecision[];
  session: { id: number; title: string; branch: string };
  draws: number;
  seed: number;
}

export interface StateResult {
  allies: LiveAlly[];
  draws: number | null;
  error: string | null;
}

export type LiveResult = StateResult | AfterActionReport;

/** What a computation reads: the evidence and methodology; judgments come with each job. */
export interface LiveEngine {
  base: Omit<ScenarioContext, 'judgments'>;
  judgments: readonly Judgment[];
  exercises: Map<string, Promise<Exercise>>;
  registry?: Promise<Source[]>;
}

export function liveEngine(base: Omit<ScenarioContext, 'judgments'>, judgments: readonly Judgment[]): LiveEngine {
  return { base, judgments, exercises: new Map() };
}

/** An exercise by name, checked against the evidence and the judgments in force (cached per set). */
export function checkedExercise(engine: LiveEngine, name: string, ctx: ScenarioContext, key: string): Promise<Exercise> {
  const k = `${name}@${key}`;
  let pending = engine.exercises.get(k);
  if (!pending) {
    pending = (async () => {
      const located = await readExercise(name);
      checkStructure(located, await registryIds(CURATED_DIR, ctx.evidence.sources));
      const base = located.data.start.scenario !== undefined ? checkScenario(await readScenario(located.data.start.scenario), ctx) : null;
      return checkExercise(located, ctx, base);
    })();
    if (engine.exercises.size > 32) engine.exercises.delete(engine.exercises.keys().next().value!);
    engine.exercises.set(k, pending);
    pending.catch(() => engine.exercises.delete(k));
  }
  return pending;
}

/** The stored decisions as a Play of the exercise, in the exercise's order. */
export function playOf(exercise: Exercise, session: LiveJob['session'], decisions: readonly StoredDecision[]): Play {
  const checked = decisions.flatMap((d): CheckedDecision[] => {
    const prompt = exercise.prompts.find((p) => p.id === d.decision);
    const chosen = prompt?.options.find((o) => o.id === d.option);
    if (!prompt || !chosen) return [];
    const adjudication = d.ruling === null ? null : { ruling: d.ruling, note: d.ruling_note ?? '', ...(d.ruling === 'amend' && d.ruling_option ? { option: d.ruling_option } : {}) };
    const applied = adjudication === null || adjudication.ruling === 'accept' ? chosen
      : adjudication.ruling === 'amend' ? prompt.options.find((o) => o.id === d.ruling_option) ?? chosen : null;
    return [{ move: d.move, team: d.team, prompt, chosen, rationale: d.rationale, adjudication, applied, issues: d.issues, origin: `session ${session.id}, decision ${d.decision}` }];
  });
  const order = (c: CheckedDecision) => exercise.moves.findIndex((m) => m.id === c.move) * 10_000 + exercise.prompts.indexOf(c.prompt);
  return { exercise: exercise.id, branch: session.branch, title: session.title, file: `live session ${session.id}`, decisions: checked.sort((a, b) => order(a) - order(b)) };
}

/** An error's message without file locations (they name files of the server). */
function plain(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\([^()]*\.(ya?ml|ts|js):\d+\)/g, '').replace(/\/[\w./-]+/g, (m) => m.split('/').pop() ?? m);
}

function finalBands(exercise: Exercise, play: Play, ctx: ScenarioContext, draws: number, seed: number): Map<string, { low: number; high: number }> {
  const changes = [...(exercise.base?.changes ?? []), ...play.decisions.flatMap((d) => d.applied?.changes ?? [])];
  const now: Scenario = { id: 'now', title: `${exercise.title}: now`, description: exercise.narrative, horizon: exercise.year, sources: exercise.sources, changes, origin: exercise.origin, parts: ['now'] };
  const run = runScenario(now, { evidence: ctx.evidence, methodology: ctx.methodology, judgments: ctx.judgments, present: ctx.present, robustness: false });
  const job = robustnessJob(run.ledgers.after, run.methodologies.after, { draws, seed });
  const result = runRobustness(job.matrix, job.settings, job.interval);
  return new Map(result.allies.map((a) => [a.ally, { low: a.net.low, high: a.net.high }]));
}

export function stateOf(r: PlayResult, bands: Map<string, { low: number; high: number }>): LiveAlly[] {
  return r.final.map((f) => {
    const band = bands.get(f.ally);
    return {
      ally: f.ally, name: f.name,
      start: { net: f.start.net, rank: f.start.rank },
      now: { net: f.end.net, rank: f.end.rank },
      net_low: band?.low ?? null, net_high: band?.high ?? null,
      causes: r.effects.flatMap((e) => {
        const a = e.allies.find((x) => x.ally === f.ally);
        if (!a || ((a.netChange === null || Math.abs(a.netChange) < 1e-9) && !a.rankChange)) return [];
        const d = e.decision;
        return [{ decision: d.prompt.id, team: d.team, option: d.applied?.id ?? `${d.chosen.id} (overruled)`, net_change: a.netChange, rank_change: a.rankChange, holds: a.holds }];
      }),
    };
  });
}

/** Run one job against the engine. */
export async function runLiveJob(engine: LiveEngine, job: LiveJob): Promise<LiveResult> {
  const ctx: ScenarioContext = { ...engine.base, judgments: job.judgments ?? engine.judgments };
  const exercise = await checkedExercise(engine, job.exercise, ctx, String(job.set_version ?? 'engine'));
  const play = playOf(exercise, job.session, job.decisions);
  if (job.kind === 'report') {
    const r = playExercise(exercise, play, ctx, { draws: job.draws, seed: job.seed, robustness: job.draws > 0 });
    engine.registry ??= loadSourceRegistry(CURATED_DIR);
    return assembleAfterAction(r, await engine.registry);
  }
  try {
    const r = playExercise(exercise, play, ctx, { draws: job.draws, seed: job.seed, robustness: job.draws > 0 });
    const bands = job.draws > 0 ? finalBands(exercise, play, ctx, job.draws, job.seed) : new Map<string, { low: number; high: number }>();
    return { allies: stateOf(r, bands), draws: job.draws > 0 ? job.draws : null, error: null };
  } catch (err) {
    return { allies: [], draws: null, error: plain(err) };
  }
}
