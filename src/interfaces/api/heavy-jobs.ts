// The API's heavy computations as jobs with serializable inputs and results: robustness runs,
// tiers (their stability draws) and scenario runs. heavy-work.ts runs them in worker threads
// (heavy-worker.ts) so the event loop keeps answering cached and light requests; the same
// function runs them in-process where no pool is attached (CLI-style use of LedgerService).
import { allyTiers, commitmentLevels } from '../../analyses/tiers.ts';
import type { TierReport } from '../../analyses/tiers.ts';
import { profileMatrix } from '../../analyses/profiles.ts';
import { regionRobustness } from '../../analyses/regions.ts';
import type { RegionRobustness } from '../../analyses/regions.ts';
import type { Evidence } from '../../evidence/load.ts';
import { CuratedFileError } from '../../evidence/sources.ts';
import { drawSettingsOf, runRobustness, scoreMatrix } from '../../method/robustness.ts';
import type { RobustnessResult } from '../../method/robustness.ts';
import { compareScenarios, composeScenarios, conflicts } from '../../scenarios/compose.ts';
import type { Comparison } from '../../scenarios/compose.ts';
import { checkScenario, parseScenario, readScenario } from '../../scenarios/load.ts';
import type { Scenario, ScenarioContext } from '../../scenarios/load.ts';
import { prepareBaseline, runScenario } from '../../scenarios/run.ts';
import type { PreparedBaseline, RunOptions, ScenarioResult } from '../../scenarios/run.ts';
import type { LedgerService, WeightOverrides } from './ledger-service.ts';
import { withWeights } from './ledger-service.ts';
import { ApiProblem } from './problem.ts';

/** Stated caps on draws per request: beyond them a request is refused (400 naming `draws`). */
export const MAX_ROBUSTNESS_DRAWS = 1_000_000;
export const MAX_SCENARIO_DRAWS = 100_000;
export const MAX_TIER_DRAWS = 5_000;
export const MAX_REGION_DRAWS = 20_000;

/** The name a posted scenario's errors give its file (as the route says it). */
export const POSTED_SCENARIO = 'your scenario';

/** Every input is resolved (defaults filled in) before a job is made: equal jobs give equal results. */
export type HeavyJob =
  | { kind: 'robustness'; year: number; draws: number; seed: number; weights: WeightOverrides }
  | { kind: 'tiers'; year: number; tiers: number; draws: number }
  | { kind: 'regions'; year: number; regions: [string, string]; draws: number; seed: number }
  | { kind: 'scenario-run'; names: string[]; compare: 'baseline' | 'each'; draws: number; seed?: number }
  | { kind: 'scenario-text'; yaml: string; draws: number; seed?: number };

/** A scenario run as the API returns it: without the ledgers and methodologies it was computed from. */
export type PublicScenarioResult = Omit<ScenarioResult, 'ledgers' | 'methodologies'>;

export interface ScenarioRunResult {
  results: PublicScenarioResult[];
  /** compare=each: the runs side by side. */
  comparison: Comparison | null;
  conflicts: string[];
}

export interface HeavyResults {
  robustness: RobustnessResult;
  tiers: TierReport;
  regions: RegionRobustness;
  'scenario-run': ScenarioRunResult;
  'scenario-text': ScenarioRunResult;
}

export type HeavyResult<J extends HeavyJob> = HeavyResults[J['kind']];

export function publicResult(r: ScenarioResult): PublicScenarioResult {
  const { ledgers: _ledgers, methodologies: _methodologies, ...rest } = r;
  return rest;
}

/** What a job reads: the evidence and the checked methodology and judgments. */
export interface JobEngine {
  evidence: Evidence;
  service: LedgerService;
  /** Built-in scenarios checked once per engine (reading and checking is not free). */
  scenarios?: Map<string, Promise<Scenario>>;
}

function scenarioContext(engine: JobEngine): ScenarioContext {
  const s = engine.service;
  return { evidence: engine.evidence, methodology: s.methodology, judgments: s.judgments, present: s.years.latest };
}

function builtIn(engine: JobEngine, name: string): Promise<Scenario> {
  engine.scenarios ??= new Map();
  let pending = engine.scenarios.get(name);
  if (!pending) {
    pending = readScenario(name).then((located) => checkScenario(located, scenarioContext(engine)));
    engine.scenarios.set(name, pending);
    pending.catch(() => engine.scenarios?.delete(name));
  }
  return pending;
}

function robustnessOf(draws: number, seed: number | undefined) {
  return draws > 0 ? { draws, ...(seed !== undefined ? { seed } : {}) } : false as const;
}

/** Run one job on the calling thread. */
export async function runHeavyJob(engine: JobEngine, job: HeavyJob): Promise<HeavyResults[HeavyJob['kind']]> {
  const s = engine.service;
  switch (job.kind) {
    case 'robustness': {
      const m = withWeights(s.methodology, job.weights);
      const settings = drawSettingsOf(m.robustness, { draws: job.draws, seed: job.seed });
      return runRobustness(scoreMatrix(s.ledger(job.year, job.weights), m), settings, m.robustness.interval);
    }
    case 'tiers': {
      const levels = commitmentLevels(engine.evidence, engine.evidence.allies().map((a) => a.iso3), job.year);
      return allyTiers(profileMatrix(s.ledger(job.year)), levels, s.methodology.robustness, { tiers: job.tiers, draws: job.draws });
    }
    case 'regions': {
      const settings = drawSettingsOf(s.methodology.robustness, { draws: job.draws, seed: job.seed });
      const ledger = s.ledger(job.year);
      return regionRobustness(scoreMatrix(ledger, s.methodology), ledger, job.regions, settings, s.methodology.robustness.interval);
    }
    case 'scenario-run': {
      const parts = await Promise.all(job.names.map((n) => builtIn(engine, n)));
      const base: RunOptions = { ...scenarioContext(engine), robustness: robustnessOf(job.draws, job.seed) };
      if (job.compare === 'each') {
        const prepared = new Map<number, PreparedBaseline>();
        const results = parts.map((p) => {
          const baseline = prepared.get(p.horizon) ?? prepareBaseline(base, p.horizon, parts.flatMap((x) => x.changes));
          prepared.set(p.horizon, baseline);
          return runScenario(p, { ...base, baseline });
        });
        return { results: results.map(publicResult), comparison: compareScenarios(results), conflicts: [] };
      }
      const composed = composeScenarios(parts);
      return { results: [publicResult(runScenario(composed, base))], comparison: null, conflicts: conflicts(composed) };
    }
    case 'scenario-text': {
      // Parsed and checked here, not on the event loop: a large or hostile text costs this thread only.
      let posted: Scenario;
      try {
        posted = checkScenario(parseScenario(POSTED_SCENARIO, job.yaml), scenarioContext(engine));
      } catch (e) {
        if (!(e instanceof CuratedFileError)) throw e;
        throw new ApiProblem(400, { error: 'invalid_request', field: e.field ? `yaml.${e.field}` : 'yaml', message: e.message });
      }
      const result = runScenario(posted, { ...scenarioContext(engine), robustness: robustnessOf(job.draws, job.seed) });
      return { results: [publicResult(result)], comparison: null, conflicts: [] };
    }
  }
}
