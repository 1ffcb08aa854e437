// Robustness: the ledger recomputed under many draws of the weights (bounded multipliers or
// a Dirichlet around the defaults), of the data within their ranges and of the judgments
// within theirs. The score matrix is built once from a ledger; a draw only re-weights it
// (and, when data or judgments are drawn, re-normalizes the items that have ranges). Draws
// run in fixed-size chunks, each seeded from (seed, chunk index), and every accumulator is an
// integer count or a per-chunk sum merged in chunk order, so the result depends on the seed
// alone, never on how many threads ran the chunks. Pure: the same code runs in a browser.
import type { YearLedger } from './ledger.ts';
import type { Methodology, MissingPolicy, Normalization, RobustnessSettings } from './methodology.ts';
import { imputeInto, normalizeBuffers, normalizeInto, onScale } from './normalize.ts';
import { Xoshiro128 } from './random.ts';

/** Draws per chunk: the unit of seeding and of work given to a thread. */
export const CHUNK_DRAWS = 8192;
/** Histogram bins for assets, liabilities and net (interval resolution: range / bins). */
export const TOTAL_BINS = 1000;
/** Histogram bins for a score (0-100). */
export const SCORE_BINS = 200;

export type WeightScheme =
  | { kind: 'fixed' }
  | { kind: 'log-multiplier'; low: number; high: number }
  | { kind: 'uniform-multiplier'; low: number; high: number }
  | { kind: 'dirichlet'; concentration: number };

export interface DrawSettings {
  draws: number;
  seed: number;
  weights: WeightScheme;
  /** Draw data within their ranges. */
  data: boolean;
  /** Draw judgments within their ranges. */
  judgments: boolean;
}

/** An item whose raw values have ranges: redrawn and re-normalized in every draw. */
export interface UncertainItem {
  item: number;
  kind: 'data' | 'judgment';
  normalize: Normalization;
  bounds: { min: number; max: number } | undefined;
  missing: MissingPolicy;
  /** Over all covered allies (NaN: missing). */
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

/** Build the score matrix from a year's ledger: the ranked allies, all line items. */
export function scoreMatrix(ledger: YearLedger, methodology: Methodology): ScoreMatrix {
  const rankedLedgers = ledger.allies.filter((a) => a.ranked);
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
    const N = ledger.allies.length;
    const value = new Float64Array(N);
    const low = new Float64Array(N);
    const high = new Float64Array(N);
    let ranged = false;
    const scale = item.normalize.method === 'minmax' || item.normalize.method === 'fixed' ? item.normalize.scale : 'linear';
    ledger.allies.forEach((al, i) => {
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
      row: Int32Array.from(ledger.allies, (al) => rowOf.get(al.ally) ?? -1),
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

/** Integer counts and per-chunk sums: merging them is exact and order-free. */
export interface Accumulator {
  n: number;
  m: number;
  draws: number;
  /** rankCounts[ally * n + r]: draws in which the ally ranked r + 1. */
  rankCounts: Int32Array;
  /** Draws in which the ally's net was above 0. */
  positive: Int32Array;
  /** Histograms of assets, liabilities, net: [total * n + ally] * TOTAL_BINS + bin. */
  totals: Int32Array;
  /** Smallest and largest assets, liabilities, net seen: [total * n + ally]. */
  min: Float64Array;
  max: Float64Array;
  /** Draws in which the whole ranking equalled the baseline ranking. */
  sameOrder: number;
  /** Sums of assets, liabilities and net per chunk, [total * n + ally], merged in chunk order. */
  chunkSums: [number, Float64Array][];
  /** Score histograms [ally * m + item] * SCORE_BINS + bin, when data or judgments are drawn. */
  scoreCounts: Int32Array | null;
}

export function emptyAccumulator(matrix: ScoreMatrix, withScores: boolean): Accumulator {
  const { n, m } = matrix;
  return {
    n, m, draws: 0,
    rankCounts: new Int32Array(n * n),
    positive: new Int32Array(n),
    totals: new Int32Array(3 * n * TOTAL_BINS),
    min: new Float64Array(3 * n).fill(Infinity),
    max: new Float64Array(3 * n).fill(-Infinity),
    sameOrder: 0,
    chunkSums: [],
    scoreCounts: withScores ? new Int32Array(m * n * SCORE_BINS) : null,
  };
}

export function mergeAccumulators(into: Accumulator, from: Accumulator): Accumulator {
  into.draws += from.draws;
  into.sameOrder += from.sameOrder;
  for (let i = 0; i < into.rankCounts.length; i++) into.rankCounts[i] += from.rankCounts[i];
  for (let i = 0; i < into.positive.length; i++) into.positive[i] += from.positive[i];
  for (let i = 0; i < into.totals.length; i++) into.totals[i] += from.totals[i];
  for (let i = 0; i < into.min.length; i++) {
    into.min[i] = Math.min(into.min[i], from.min[i]);
    into.max[i] = Math.max(into.max[i], from.max[i]);
  }
  if (into.scoreCounts && from.scoreCounts) for (let i = 0; i < into.scoreCounts.length; i++) into.scoreCounts[i] += from.scoreCounts[i];
  into.chunkSums.push(...from.chunkSums);
  into.chunkSums.sort((a, b) => a[0] - b[0]);
  return into;
}

/** Ranges of the three totals' histograms: assets, liabilities, net. */
export function totalRanges(matrix: ScoreMatrix): [number, number][] {
  const a = 100 * matrix.balanceAssets;
  const l = 100 * matrix.balanceLiabilities;
  return [[0, a], [0, l], [-l, a]];
}

export function chunkCount(draws: number): number {
  return Math.ceil(draws / CHUNK_DRAWS);
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

function netsInto(matrix: ScoreMatrix, scores: Float64Array, w: Float64Array, nets: Float64Array, assetsOut: Float64Array, liabilitiesOut: Float64Array): void {
  const { n, m, assetItems, excludedStart, excludedItem } = matrix;
  let wa = 0, wl = 0;
  for (let k = 0; k < assetItems; k++) wa += w[k];
  for (let k = assetItems; k < m; k++) wl += w[k];
  const ba = matrix.balanceAssets, bl = matrix.balanceLiabilities;
  for (let a = 0; a < n; a++) {
    const base = a * m;
    // Two accumulators per side let the CPU overlap the multiply-adds.
    let sa = 0, sa2 = 0, sl = 0, sl2 = 0;
    let k = 0;
    for (; k + 1 < assetItems; k += 2) {
      sa += w[k] * scores[base + k];
      sa2 += w[k + 1] * scores[base + k + 1];
    }
    if (k < assetItems) sa += w[k] * scores[base + k];
    for (k = assetItems; k + 1 < m; k += 2) {
      sl += w[k] * scores[base + k];
      sl2 += w[k + 1] * scores[base + k + 1];
    }
    if (k < m) sl += w[k] * scores[base + k];
    sa += sa2;
    sl += sl2;
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

/** Scratch space one chunk needs; allocated once per thread and reused. */
export interface DrawBuffers {
  scores: Float64Array;
  weights: Float64Array;
  /** Four draws' weights, lane-interleaved. */
  w4: Float64Array;
  /** Lane-major: [lane * n + ally]. */
  assets: Float64Array;
  liabilities: Float64Array;
  nets: Float64Array;
  order: Int32Array;
  baselineOrder: Int32Array;
  raw: Float64Array;
  normalized: Float64Array;
  normalizeScratch: ReturnType<typeof normalizeBuffers>;
  gammas: Float64Array;
}

export function drawBuffers(matrix: ScoreMatrix): DrawBuffers {
  const { n, m } = matrix;
  const N = Math.max(1, ...matrix.uncertain.map((u) => u.value.length));
  return {
    scores: new Float64Array(matrix.scores),
    weights: new Float64Array(m),
    w4: new Float64Array(LANES * m),
    assets: new Float64Array(LANES * n),
    liabilities: new Float64Array(LANES * n),
    nets: new Float64Array(LANES * n),
    order: new Int32Array(n),
    baselineOrder: orderOf(baselineNets(matrix)),
    raw: new Float64Array(N),
    normalized: new Float64Array(N),
    normalizeScratch: normalizeBuffers(N),
    gammas: new Float64Array(m),
  };
}

function drawWeights(matrix: ScoreMatrix, scheme: WeightScheme, rng: Xoshiro128, out: Float64Array, gammas: Float64Array): void {
  const w0 = matrix.weights;
  const m = matrix.m;
  switch (scheme.kind) {
    case 'fixed':
      out.set(w0);
      return;
    case 'log-multiplier': {
      // Log-uniform multipliers: x0.5 and x2 are equally likely, the median multiplier is 1.
      const a = Math.log(scheme.low);
      const b = Math.log(scheme.high) - a;
      for (let k = 0; k < m; k++) out[k] = w0[k] * Math.exp(a + b * rng.uniform());
      return;
    }
    case 'uniform-multiplier': {
      const b = scheme.high - scheme.low;
      for (let k = 0; k < m; k++) out[k] = w0[k] * (scheme.low + b * rng.uniform());
      return;
    }
    case 'dirichlet': {
      // Within each side, shares ~ Dirichlet(concentration x default share); side totals kept.
      for (const [from, to] of [[0, matrix.assetItems], [matrix.assetItems, m]]) {
        let total = 0, sum = 0;
        for (let k = from; k < to; k++) total += w0[k];
        for (let k = from; k < to; k++) {
          gammas[k] = w0[k] > 0 ? rng.gamma((scheme.concentration * w0[k]) / total) : 0;
          sum += gammas[k];
        }
        for (let k = from; k < to; k++) out[k] = sum > 0 ? (total * gammas[k]) / sum : w0[k];
      }
      return;
    }
  }
}

/** Triangular draw on [low, high] with its mode at the value. */
function triangular(low: number, mode: number, high: number, u: number): number {
  const span = high - low;
  const c = (mode - low) / span;
  return u < c ? low + Math.sqrt(u * span * (mode - low)) : high - Math.sqrt((1 - u) * span * (high - mode));
}

function redrawScores(matrix: ScoreMatrix, settings: DrawSettings, rng: Xoshiro128, buf: DrawBuffers): void {
  const m = matrix.m;
  for (const u of matrix.uncertain) {
    if (u.kind === 'data' ? !settings.data : !settings.judgments) continue;
    const N = u.value.length;
    const raw = buf.raw.subarray(0, N);
    const out = buf.normalized.subarray(0, N);
    for (let j = 0; j < N; j++) {
      const v = u.value[j];
      raw[j] = Number.isNaN(v) || !(u.high[j] > u.low[j]) ? v : triangular(u.low[j], v, u.high[j], rng.uniform());
    }
    normalizeInto(raw, u.normalize, out, buf.normalizeScratch, u.bounds);
    imputeInto(out, u.missing, buf.normalizeScratch.scratch);
    for (let j = 0; j < N; j++) {
      const r = u.row[j];
      if (r >= 0) buf.scores[r * m + u.item] = Number.isNaN(out[j]) ? 0 : out[j];
    }
  }
}

/** Draws computed together: each score is read once for four weight vectors. */
const LANES = 4;

/**
 * Assets, liabilities and nets of up to four weight draws at once. `w4` holds the weights
 * lane-interleaved (w4[item * 4 + lane]); outputs are lane-major ([lane * n + ally]).
 */
function netsBatch(matrix: ScoreMatrix, scores: Float64Array, w4: Float64Array, assets4: Float64Array, liabilities4: Float64Array, nets4: Float64Array): void {
  const { n, m, assetItems, excludedStart, excludedItem } = matrix;
  let wa0 = 0, wa1 = 0, wa2 = 0, wa3 = 0, wl0 = 0, wl1 = 0, wl2 = 0, wl3 = 0;
  for (let k = 0; k < assetItems; k++) {
    const o = k * 4;
    wa0 += w4[o]; wa1 += w4[o + 1]; wa2 += w4[o + 2]; wa3 += w4[o + 3];
  }
  for (let k = assetItems; k < m; k++) {
    const o = k * 4;
    wl0 += w4[o]; wl1 += w4[o + 1]; wl2 += w4[o + 2]; wl3 += w4[o + 3];
  }
  const ba = matrix.balanceAssets, bl = matrix.balanceLiabilities;
  for (let a = 0; a < n; a++) {
    const base = a * m;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let k = 0; k < assetItems; k++) {
      const x = scores[base + k];
      const o = k * 4;
      a0 += w4[o] * x; a1 += w4[o + 1] * x; a2 += w4[o + 2] * x; a3 += w4[o + 3] * x;
    }
    let l0 = 0, l1 = 0, l2 = 0, l3 = 0;
    for (let k = assetItems; k < m; k++) {
      const x = scores[base + k];
      const o = k * 4;
      l0 += w4[o] * x; l1 += w4[o + 1] * x; l2 += w4[o + 2] * x; l3 += w4[o + 3] * x;
    }
    // An excluded item's weight leaves the ally's side: the others are renormalized.
    let da0 = wa0, da1 = wa1, da2 = wa2, da3 = wa3, dl0 = wl0, dl1 = wl1, dl2 = wl2, dl3 = wl3;
    for (let e = excludedStart[a]; e < excludedStart[a + 1]; e++) {
      const k = excludedItem[e];
      const o = k * 4;
      if (k < assetItems) {
        da0 -= w4[o]; da1 -= w4[o + 1]; da2 -= w4[o + 2]; da3 -= w4[o + 3];
      } else {
        dl0 -= w4[o]; dl1 -= w4[o + 1]; dl2 -= w4[o + 2]; dl3 -= w4[o + 3];
      }
    }
    const x0 = (ba * a0) / da0, y0 = (bl * l0) / dl0;
    const x1 = (ba * a1) / da1, y1 = (bl * l1) / dl1;
    const x2 = (ba * a2) / da2, y2 = (bl * l2) / dl2;
    const x3 = (ba * a3) / da3, y3 = (bl * l3) / dl3;
    assets4[a] = x0; liabilities4[a] = y0; nets4[a] = x0 - y0;
    assets4[n + a] = x1; liabilities4[n + a] = y1; nets4[n + a] = x1 - y1;
    assets4[2 * n + a] = x2; liabilities4[2 * n + a] = y2; nets4[2 * n + a] = x2 - y2;
    assets4[3 * n + a] = x3; liabilities4[3 * n + a] = y3; nets4[3 * n + a] = x3 - y3;
  }
}

/**
 * Run one chunk of draws into the accumulator. `chunk` is the chunk's index: it seeds the
 * chunk's stream, so any thread may run any chunk. Draws are taken in order; weight-only
 * draws are computed four at a time, which consumes the random stream in the same order.
 */
export function runChunk(matrix: ScoreMatrix, settings: DrawSettings, chunk: number, acc: Accumulator, buf: DrawBuffers): void {
  const draws = Math.min(CHUNK_DRAWS, settings.draws - chunk * CHUNK_DRAWS);
  if (draws <= 0) return;
  const rng = new Xoshiro128(settings.seed, chunk);
  const redraw = matrix.uncertain.some((u) => (u.kind === 'data' ? settings.data : settings.judgments));
  const sums = new Float64Array(3 * matrix.n);
  const ranges = totalRanges(matrix);
  const bins = Float64Array.from(ranges.flatMap(([lo, hi]) => [lo, TOTAL_BINS / (hi - lo)]));
  buf.scores.set(matrix.scores);
  // Each chunk starts from the baseline order, so its ranking work does not depend on the
  // chunks run before it on the same thread.
  buf.order.set(buf.baselineOrder);
  // The draws go in small blocks so that the hot function is optimized as a whole (on-stack
  // replacement of one long loop is thrown away at the end of every chunk).
  for (let d = 0; d < draws; d += BLOCK_DRAWS) {
    acc.sameOrder += drawBlock(Math.min(BLOCK_DRAWS, draws - d), matrix, settings, rng, redraw, buf, bins, sums,
      acc.totals, acc.rankCounts, acc.positive, acc.min, acc.max, acc.scoreCounts);
  }
  acc.draws += draws;
  acc.chunkSums.push([chunk, sums]);
}

/** Draws per call of drawBlock. */
const BLOCK_DRAWS = 64;

/**
 * `count` draws, each recorded into the sums, extremes, histograms and rank counts.
 * `bins` holds each total's histogram start and scale. Returns the draws whose whole
 * ranking equalled the baseline.
 */
function drawBlock(
  count: number, matrix: ScoreMatrix, settings: DrawSettings, rng: Xoshiro128, redraw: boolean, buf: DrawBuffers, bins: Float64Array, sums: Float64Array,
  totals: Int32Array, rankCounts: Int32Array, positive: Int32Array, min: Float64Array, max: Float64Array, scoreCounts: Int32Array | null,
): number {
  const n = matrix.n, m = matrix.m;
  const weights = buf.weights, w4 = buf.w4, assets = buf.assets, liabilities = buf.liabilities, nets = buf.nets;
  const order = buf.order, baselineOrder = buf.baselineOrder;
  const lo0 = bins[0], sc0 = bins[1], lo1 = bins[2], sc1 = bins[3], lo2 = bins[4], sc2 = bins[5];
  const last = TOTAL_BINS - 1;
  let sameOrder = 0;
  for (let d = 0; d < count;) {
    let lanes: number;
    if (redraw) {
      // Data or judgments drawn: every draw has its own scores, so draws go one at a time.
      lanes = 1;
      redrawScores(matrix, settings, rng, buf);
      drawWeights(matrix, settings.weights, rng, weights, buf.gammas);
      netsInto(matrix, buf.scores, weights, nets, assets, liabilities);
    } else {
      lanes = Math.min(LANES, count - d);
      for (let j = 0; j < lanes; j++) {
        drawWeights(matrix, settings.weights, rng, weights, buf.gammas);
        for (let k = 0; k < m; k++) w4[k * 4 + j] = weights[k];
      }
      // Lanes beyond the block's end get the default weights, computed and ignored.
      for (let j = lanes; j < LANES; j++) for (let k = 0; k < m; k++) w4[k * 4 + j] = matrix.weights[k];
      netsBatch(matrix, buf.scores, w4, assets, liabilities, nets);
    }
    for (let j = 0; j < lanes; j++) {
      const off = j * n;
      for (let a = 0; a < n; a++) {
        const x0 = assets[off + a], x1 = liabilities[off + a], x2 = nets[off + a];
        sums[a] += x0;
        sums[n + a] += x1;
        sums[2 * n + a] += x2;
        // Truncation equals floor here: anything below a range's start lands in bin 0.
        let b = ((x0 - lo0) * sc0) | 0;
        totals[a * TOTAL_BINS + (b < 0 ? 0 : b > last ? last : b)]++;
        b = ((x1 - lo1) * sc1) | 0;
        totals[(n + a) * TOTAL_BINS + (b < 0 ? 0 : b > last ? last : b)]++;
        b = ((x2 - lo2) * sc2) | 0;
        totals[(2 * n + a) * TOTAL_BINS + (b < 0 ? 0 : b > last ? last : b)]++;
        if (x0 < min[a]) min[a] = x0;
        if (x0 > max[a]) max[a] = x0;
        if (x1 < min[n + a]) min[n + a] = x1;
        if (x1 > max[n + a]) max[n + a] = x1;
        if (x2 < min[2 * n + a]) min[2 * n + a] = x2;
        if (x2 > max[2 * n + a]) max[2 * n + a] = x2;
        if (x2 > 0) positive[a]++;
      }
      // Insertion sort from the previous draw's order: close to linear when few allies move.
      for (let i = 1; i < n; i++) {
        const cur = order[i];
        const v = nets[off + cur];
        let k = i - 1;
        while (k >= 0) {
          const o = order[k];
          const vo = nets[off + o];
          if (vo > v || (vo === v && o < cur)) break;
          order[k + 1] = o;
          k--;
        }
        order[k + 1] = cur;
      }
      let same = 1;
      for (let r = 0; r < n; r++) {
        const a = order[r];
        rankCounts[a * n + r]++;
        if (a !== baselineOrder[r]) same = 0;
      }
      sameOrder += same;
    }
    if (scoreCounts !== null && redraw) countScores(matrix, buf.scores, scoreCounts);
    d += lanes;
  }
  return sameOrder;
}

/** Histogram counts of the redrawn items' scores of one draw. */
function countScores(matrix: ScoreMatrix, scores: Float64Array, scoreCounts: Int32Array): void {
  const { n, m } = matrix;
  for (const u of matrix.uncertain) {
    for (let a = 0; a < n; a++) {
      const cell = a * m + u.item;
      const bin = Math.min(SCORE_BINS - 1, Math.max(0, Math.floor((scores[cell] / 100) * SCORE_BINS)));
      scoreCounts[cell * SCORE_BINS + bin]++;
    }
  }
}

/** Run the given chunks on the calling thread. */
export function runChunks(matrix: ScoreMatrix, settings: DrawSettings, chunks: readonly number[]): Accumulator {
  const acc = emptyAccumulator(matrix, settings.data || settings.judgments);
  const buf = drawBuffers(matrix);
  for (const c of chunks) runChunk(matrix, settings, c, acc, buf);
  acc.chunkSums.sort((a, b) => a[0] - b[0]);
  return acc;
}

export interface Interval {
  mean: number;
  median: number;
  low: number;
  high: number;
  min: number;
  max: number;
}

export interface AllyRobustness {
  ally: string;
  baseline: { assets: number; liabilities: number; net: number; rank: number };
  assets: Interval;
  liabilities: Interval;
  net: Interval;
  /** Probability that the net is above 0. */
  pNetPositive: number;
  /** rankProbabilities[r]: probability of rank r + 1. */
  rankProbabilities: number[];
  modalRank: number;
  /** Central interval of the rank at the interval's probability. */
  rankInterval: [number, number];
  /** Every line item's score: baseline and interval (a point unless its data or judgment was drawn; null when excluded for the ally). */
  scores: { item: string; baseline: number | null; low: number | null; high: number | null }[];
}

export interface RobustnessResult {
  year: number;
  draws: number;
  seed: number;
  interval: number;
  weights: WeightScheme;
  data: boolean;
  judgments: boolean;
  /** Share of draws in which the whole ranking equals the baseline ranking. */
  pSameOrder: number;
  allies: AllyRobustness[];
}

function histogramQuantile(counts: Int32Array, offset: number, bins: number, total: number, lo: number, hi: number, p: number): number {
  const target = p * total;
  let cum = 0;
  const width = (hi - lo) / bins;
  for (let b = 0; b < bins; b++) {
    const c = counts[offset + b];
    if (c > 0 && cum + c >= target) return lo + width * (b + (target - cum) / c);
    cum += c;
  }
  return hi;
}

/** Turn an accumulator into intervals and probabilities. */
export function summarize(matrix: ScoreMatrix, acc: Accumulator, settings: DrawSettings, interval: number): RobustnessResult {
  const { n } = matrix;
  const D = acc.draws;
  const tail = (1 - interval) / 2;
  const ranges = totalRanges(matrix);
  const means = new Float64Array(3 * n);
  for (const [, sums] of acc.chunkSums) for (let i = 0; i < 3 * n; i++) means[i] += sums[i];
  for (let i = 0; i < 3 * n; i++) means[i] /= D;
  const base = { assets: new Float64Array(n), liabilities: new Float64Array(n), nets: new Float64Array(n) };
  netsInto(matrix, matrix.scores, matrix.weights, base.nets, base.assets, base.liabilities);
  const baseOrder = orderOf(base.nets);
  const baseRank = new Int32Array(n);
  baseOrder.forEach((a, r) => (baseRank[a] = r + 1));
  const intervalOf = (t: number, a: number): Interval => {
    const off = (t * n + a) * TOTAL_BINS;
    const [lo, hi] = ranges[t];
    const q = (p: number) => Math.min(acc.max[t * n + a], Math.max(acc.min[t * n + a], histogramQuantile(acc.totals, off, TOTAL_BINS, D, lo, hi, p)));
    return { mean: means[t * n + a], median: q(0.5), low: q(tail), high: q(1 - tail), min: acc.min[t * n + a], max: acc.max[t * n + a] };
  };
  const allies: AllyRobustness[] = matrix.allies.map((ally, a) => {
    const probs = Array.from(acc.rankCounts.subarray(a * n, (a + 1) * n), (c) => c / D);
    let modal = 0;
    probs.forEach((p, r) => { if (p > probs[modal]) modal = r; });
    let cum = 0, rLow = 0, rHigh = n - 1;
    for (let r = 0; r < n; r++) { cum += probs[r]; if (cum > tail + 1e-12) { rLow = r; break; } }
    cum = 0;
    for (let r = n - 1; r >= 0; r--) { cum += probs[r]; if (cum > tail + 1e-12) { rHigh = r; break; } }
    // Every score: an interval where its item was redrawn, the baseline point otherwise.
    const redrawn = new Set(matrix.uncertain.filter((u) => (u.kind === 'data' ? settings.data : settings.judgments)).map((u) => u.item));
    const scores: AllyRobustness['scores'] = matrix.items.map((item, k) => {
      const baseline = matrix.scores[a * matrix.m + k];
      const excluded = matrix.excludedItem.subarray(matrix.excludedStart[a], matrix.excludedStart[a + 1]).includes(k);
      if (excluded) return { item, baseline: null, low: null, high: null };
      if (!acc.scoreCounts || !redrawn.has(k)) return { item, baseline, low: baseline, high: baseline };
      const off = (a * matrix.m + k) * SCORE_BINS;
      return {
        item,
        baseline,
        low: histogramQuantile(acc.scoreCounts, off, SCORE_BINS, D, 0, 100, tail),
        high: histogramQuantile(acc.scoreCounts, off, SCORE_BINS, D, 0, 100, 1 - tail),
      };
    });
    return {
      ally,
      baseline: { assets: base.assets[a], liabilities: base.liabilities[a], net: base.nets[a], rank: baseRank[a] },
      assets: intervalOf(0, a),
      liabilities: intervalOf(1, a),
      net: intervalOf(2, a),
      pNetPositive: acc.positive[a] / D,
      rankProbabilities: probs,
      modalRank: modal + 1,
      rankInterval: [rLow + 1, rHigh + 1],
      scores,
    };
  });
  return {
    year: matrix.year, draws: D, seed: settings.seed, interval,
    weights: settings.weights, data: settings.data, judgments: settings.judgments,
    pSameOrder: acc.sameOrder / D, allies,
  };
}

/** The draw settings a methodology's robustness section states. */
export function drawSettingsOf(r: RobustnessSettings, override: Partial<DrawSettings> = {}): DrawSettings {
  const weights: WeightScheme = r.weights.scheme === 'multiplier'
    ? { kind: 'log-multiplier', low: r.weights.low, high: r.weights.high }
    : { kind: 'dirichlet', concentration: r.weights.concentration };
  return { draws: r.draws, seed: r.seed, weights, data: r.data, judgments: r.judgments, ...override };
}

/** Every chunk index of a run. */
export function allChunks(draws: number): number[] {
  return Array.from({ length: chunkCount(draws) }, (_, i) => i);
}

/** Robustness on the calling thread (the browser's path, and small runs). */
export function runRobustness(matrix: ScoreMatrix, settings: DrawSettings, interval = 0.9): RobustnessResult {
  return summarize(matrix, runChunks(matrix, settings, allChunks(settings.draws)), settings, interval);
}

export interface SweepLevel {
  /** Each weight moves by up to this fraction (uniform multiplier in [1 - change, 1 + change]). */
  change: number;
  pSameOrder: number;
  allies: { ally: string; baselineRank: number; pSameRank: number; meanAbsShift: number; maxShift: number }[];
}

/** Summarize one sweep level from its run. */
export function sweepLevel(change: number, result: RobustnessResult): SweepLevel {
  return {
    change,
    pSameOrder: result.pSameOrder,
    allies: result.allies.map((a) => {
      const base = a.baseline.rank - 1;
      let meanAbs = 0, maxShift = 0;
      a.rankProbabilities.forEach((p, r) => {
        meanAbs += p * Math.abs(r - base);
        if (p > 0) maxShift = Math.max(maxShift, Math.abs(r - base));
      });
      return { ally: a.ally, baselineRank: a.baseline.rank, pSameRank: a.rankProbabilities[base], meanAbsShift: meanAbs, maxShift };
    }),
  };
}

/**
 * The ASPI-style check: for each level, every weight moves independently by up to that
 * fraction; how often does the ranking hold?
 */
export function runSweep(matrix: ScoreMatrix, levels: readonly number[], draws: number, seed: number): SweepLevel[] {
  return levels.map((change, i) => sweepLevel(change, runRobustness(matrix, {
    draws, seed: seed + i + 1, weights: { kind: 'uniform-multiplier', low: 1 - change, high: 1 + change }, data: false, judgments: false,
  })));
}
