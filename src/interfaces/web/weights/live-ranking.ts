// The ranking recomputed in the browser when a weight moves, with the engine's own code
// (src/method/robustness.ts): the score matrix is built once from the year's ledgers, and a
// weight change only re-weighs it. Scores do not depend on weights, so this is exact.
import type { YearLedger } from '../../../method/ledger.ts';
import type { Methodology } from '../../../method/methodology.ts';
import { baselineNets, matrixWeights, orderOf, scoreMatrix } from '../../../method/robustness.ts';
import type { ScoreMatrix } from '../../../method/robustness.ts';
import type { LedgersResponse, SlimLedger } from '../api-types.ts';
import type { Weights } from '../routes.ts';

export interface LiveRow {
  ally: string;
  name: string;
  region: string | null;
  rank: number | null;
  /** Rank under the methodology's own weights, to show what the user's weights moved. */
  defaultRank: number | null;
  assets: number | null;
  liabilities: number | null;
  net: number | null;
  coverage: number;
}

export interface LiveModel {
  matrix: ScoreMatrix;
  methodology: Methodology;
  /** Allies the methodology does not rank (too little data): listed, never ranked. */
  unranked: SlimLedger[];
  ledgers: Map<string, SlimLedger>;
}

export function liveModel(ledgers: LedgersResponse, methodology: Methodology): LiveModel {
  // The API's slim ledgers carry every field scoreMatrix reads (scores, raw values, ranges).
  const ledger = { methodology: ledgers.methodology, year: ledgers.year, allies: ledgers.rows, rankedCount: ledgers.rankedCount } as unknown as YearLedger;
  return {
    matrix: scoreMatrix(ledger, methodology),
    methodology,
    unranked: ledgers.rows.filter((a) => !a.ranked),
    ledgers: new Map(ledgers.rows.map((a) => [a.ally, a])),
  };
}

/** The weights in the score matrix's item order (assets first), whatever order the methodology lists its items in. */
export function weightVector(model: LiveModel, weights: Weights): Float64Array {
  return matrixWeights(model.matrix, Float64Array.from(model.methodology.items, (item) => weights[item.id] ?? item.weight));
}

/** Assets, liabilities and nets under the weights: the engine's nets with one side's balance set to 0 give the other side alone. */
function totalsUnder(matrix: ScoreMatrix, weights: Float64Array) {
  const weighted = { ...matrix, weights };
  return {
    nets: baselineNets(weighted),
    assets: baselineNets({ ...weighted, balanceLiabilities: 0 }),
    liabilities: baselineNets({ ...weighted, balanceAssets: 0 }).map((x) => -x),
  };
}

/** Ranks by net; an ally left with no weight on a side (net NaN) goes last rather than scrambling the sort. */
function ranksOf(nets: Float64Array): Int32Array {
  const ranks = new Int32Array(nets.length);
  orderOf(nets.map((x) => (Number.isNaN(x) ? -Infinity : x))).forEach((a, r) => (ranks[a] = r + 1));
  return ranks;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The ranking under the weights, ranked allies first, then the unranked ones by name. */
export function liveRanking(model: LiveModel, weights: Weights, defaultRanks?: Int32Array): LiveRow[] {
  const { matrix } = model;
  const t = totalsUnder(matrix, weightVector(model, weights));
  const ranks = ranksOf(t.nets);
  const rows: LiveRow[] = matrix.allies.map((ally, a) => {
    const l = model.ledgers.get(ally)!;
    return {
      ally, name: l.name, region: l.region, rank: ranks[a], defaultRank: defaultRanks ? defaultRanks[a] : null,
      assets: finite(t.assets[a]), liabilities: finite(t.liabilities[a]), net: finite(t.nets[a]), coverage: l.coverage.overall,
    };
  });
  rows.sort((x, y) => x.rank! - y.rank!);
  const unranked = model.unranked
    .map((l) => ({ ally: l.ally, name: l.name, region: l.region, rank: null, defaultRank: null, assets: l.assets, liabilities: l.liabilities, net: l.net, coverage: l.coverage.overall }))
    .sort((x, y) => (x.name < y.name ? -1 : 1));
  return [...rows, ...unranked];
}

/** Ranks under the methodology's weights, in matrix order. */
export function defaultRanks(model: LiveModel): Int32Array {
  return ranksOf(baselineNets(model.matrix));
}
