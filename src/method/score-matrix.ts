// The score matrix: a year's ledger as typed arrays, built once, re-weighed by every draw
// (robustness) and by every move of a weight slider (the dashboard). Scores are ally-major
// with the asset items first, so the nets of a weight vector are two dot products per ally.
import type { YearLedger } from './ledger.ts';
import type { Methodology, MissingPolicy, Normalization } from './methodology.ts';
import { onScale } from './normalize.ts';

/** An item whose raw values have ranges: redrawn and re-normalized in every draw. */
export interface UncertainItem {
  item: number;
  kind: 'data' | 'judgment';
  normalize: Normalization;
  bounds: { min: number; max: number } | undefined;
  missing: MissingPolicy;
  /** Over all the year's allies of the ledger (NaN: missing); partners shown are left out. */
  value: Float64Array;
  low: Float64Array;
  high: Float64Array;
  /** For each covered ally, its row in the matrix (-1 when it is not ranked). */
  row: Int32Array;
}

/**
 * Everything a draw needs, in typed arrays (structured-clone friendly for workers). Scores
 * are ally-major with the asset items first, so one draw is, per ally, two dot products
 * accumulated in registers.
 */
export interface ScoreMatrix {
  year: number;
  allies: string[];
  /** Item ids in matrix order: the asset items, then the liability items. */
  items: string[];
  /** For each matrix item, its index in the methodology's items. */
  itemIndex: Int32Array;
  n: number;
  m: number;
  /** Items [0, assetItems) are assets, the rest liabilities. */
  assetItems: number;
  /** scores[ally * m + item]; 0 where the item is excluded for the ally. */
  scores: Float64Array;
  weights: Float64Array;
  balanceAssets: number;
  balanceLiabilities: number;
  /** Excluded items of ally a: excludedItem[excludedStart[a] .. excludedStart[a + 1]). */
  excludedStart: Int32Array;
  excludedItem: Int32Array;
  uncertain: UncertainItem[];
}

/**
 * Build the score matrix from a year's ledger: the ranked allies, all line items. Partners
 * shown in the ledger take no part: they are never ranked and never enter a normalization.
 */
export function scoreMatrix(ledger: YearLedger, methodology: Methodology): ScoreMatrix {
  const compared = ledger.allies.filter((a) => !a.partner);
  const rankedLedgers = compared.filter((a) => a.ranked);
  const n = rankedLedgers.length;
  const all = methodology.items;
  const order = [...all.keys()].sort((x, y) => (all[x].side === all[y].side ? x - y : all[x].side === 'asset' ? -1 : 1));
  const items = order.map((k) => all[k]);
  const m = items.length;
  const scores = new Float64Array(m * n);
  const excludedStart = new Int32Array(n + 1);
  const excludedItem: number[] = [];
  rankedLedgers.forEach((al, a) => {
    excludedStart[a] = excludedItem.length;
    order.forEach((k, j) => {
      const line = al.lines[k];
      if (line.score === null) excludedItem.push(j);
      else scores[a * m + j] = line.score;
    });
  });
  excludedStart[n] = excludedItem.length;
  const rowOf = new Map(rankedLedgers.map((al, a) => [al.ally, a]));
  const uncertain: UncertainItem[] = [];
  order.forEach((k, j) => {
    const item = all[k];
    const N = compared.length;
    const value = new Float64Array(N);
    const low = new Float64Array(N);
    const high = new Float64Array(N);
    let ranged = false;
    const scale = item.normalize.method === 'minmax' || item.normalize.method === 'fixed' ? item.normalize.scale : 'linear';
    compared.forEach((al, i) => {
      const line = al.lines[k];
      const usable = line.raw !== null && !line.missing;
      value[i] = usable ? line.raw! : Number.NaN;
      // A range that leaves the scale's domain (a log of 0) is cut at the value.
      low[i] = usable && !Number.isNaN(onScale(line.low!, scale)) ? line.low! : value[i];
      high[i] = usable ? line.high! : Number.NaN;
      if (usable && high[i] > low[i]) ranged = true;
    });
    if (!ranged) return;
    uncertain.push({
      item: j,
      kind: item.measure.op === 'judgment' ? 'judgment' : 'data',
      normalize: item.normalize,
      bounds: item.measure.op === 'judgment' ? methodology.judgments[item.measure.judgment].scale : undefined,
      missing: item.missing,
      value, low, high,
      row: Int32Array.from(compared, (al) => rowOf.get(al.ally) ?? -1),
    });
  });
  return {
    year: ledger.year,
    allies: rankedLedgers.map((a) => a.ally),
    items: items.map((i) => i.id),
    itemIndex: Int32Array.from(order),
    n, m,
    assetItems: items.filter((i) => i.side === 'asset').length,
    scores,
    weights: Float64Array.from(items, (i) => i.weight),
    balanceAssets: methodology.balance.assets,
    balanceLiabilities: methodology.balance.liabilities,
    excludedStart,
    excludedItem: Int32Array.from(excludedItem),
    uncertain,
  };
}

/**
 * Weights given in the methodology's item order (one per item), rearranged into the
 * matrix's order (assets first): what a caller re-weighing a matrix must pass.
 */
export function matrixWeights(matrix: ScoreMatrix, methodologyOrder: ArrayLike<number>): Float64Array {
  return Float64Array.from(matrix.itemIndex, (k) => methodologyOrder[k]);
}

/** The nets of the baseline (default weights, data and judgments at their values). */
export function baselineNets(matrix: ScoreMatrix): Float64Array {
  const nets = new Float64Array(matrix.n);
  netsInto(matrix, matrix.scores, matrix.weights, nets, new Float64Array(matrix.n), new Float64Array(matrix.n));
  return nets;
}

/** Descending by net, ties by matrix row (allies are in ISO order). */
export function orderOf(nets: Float64Array): Int32Array {
  return Int32Array.from([...nets.keys()].sort((a, b) => nets[b] - nets[a] || a - b));
}

/**
 * Assets, liabilities and nets of every ally under the weights `w` (matrix order). The sums
 * run in item order, as the batched draws and the WebAssembly kernel run them, so a draw at
 * the default weights reproduces the baseline exactly.
 */
export function netsInto(matrix: ScoreMatrix, scores: Float64Array, w: Float64Array, nets: Float64Array, assetsOut: Float64Array, liabilitiesOut: Float64Array): void {
  const { n, m, assetItems, excludedStart, excludedItem } = matrix;
  let wa = 0, wl = 0;
  for (let k = 0; k < assetItems; k++) wa += w[k];
  for (let k = assetItems; k < m; k++) wl += w[k];
  const ba = matrix.balanceAssets, bl = matrix.balanceLiabilities;
  for (let a = 0; a < n; a++) {
    const base = a * m;
    let sa = 0, sl = 0;
    for (let k = 0; k < assetItems; k++) sa += w[k] * scores[base + k];
    for (let k = assetItems; k < m; k++) sl += w[k] * scores[base + k];
    // An excluded item's weight leaves the ally's side: the others are renormalized.
    let da = wa, dl = wl;
    for (let e = excludedStart[a]; e < excludedStart[a + 1]; e++) {
      const x = excludedItem[e];
      if (x < assetItems) da -= w[x];
      else dl -= w[x];
    }
    const assets = (ba * sa) / da;
    const liabilities = (bl * sl) / dl;
    assetsOut[a] = assets;
    liabilitiesOut[a] = liabilities;
    nets[a] = assets - liabilities;
  }
}
