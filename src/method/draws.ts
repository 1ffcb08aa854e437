// The draws: chunks of weight (and data and judgment) draws run into integer accumulators.
// Each chunk is seeded from (seed, chunk index) and every accumulator is an integer count or
// a per-chunk sum merged in chunk order, so a result depends on the seed alone, never on how
// many threads ran the chunks. Draws go through the WebAssembly kernel where the engine has
// one (wasm-kernel.ts): weight-only draws four at a time; data and judgment draws one at a
// time, the kernel redrawing the scores it can (redraw.ts makes the plan); untraced blocks of
// draws run in the kernel in one call when it draws everything (weightBlock, redrawBlock). This file's
// JavaScript path, and the general redraw path, are the references the kernel is tested
// against, bit for bit.
import { Xoshiro128 } from './random.ts';
import { endChunk, kernelArena, kernelList, planBytes, redrawPlan, redrawRest, redrawScores, redrawScoresInKernel, SCORE_BINS, startChunk } from './redraw.ts';
import type { RedrawKernel, RedrawPlan } from './redraw.ts';
import { baselineNets, netsInto, orderOf } from './score-matrix.ts';
import type { ScoreMatrix } from './score-matrix.ts';
import { aboveBytes, ARGS, baselineBytes, binBatchBytes, exclusionPlan, rankBatchBytes, instantiateKernel, kernelModule } from './wasm-kernel.ts';
import type { KernelExports } from './wasm-kernel.ts';

/** Draws per chunk: the unit of seeding and of work given to a thread. */
export const CHUNK_DRAWS = 8192; // below 2^16: the kernel counts a chunk in u16 (MatrixKernel.totals)
/** Histogram bins for assets, liabilities and net (interval resolution: range / bins). */
export const TOTAL_BINS = 1000;
/** Histogram bins for a score (0-100). */
export { SCORE_BINS };

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
  /**
   * Keep histograms of the redrawn scores, for their intervals (default true). A run that
   * wants only totals, ranks and P(net > 0), such as a scenario's, saves their cost.
   */
  scores?: boolean;
  /**
   * Keep the totals (default true): each ally's assets, liabilities and net summed, their
   * extremes and histograms, and P(net > 0). A run that wants only the ranking and the rank
   * counts (the sweep's levels) leaves them out; its result's intervals and P(net > 0) are then
   * empty and must not be read.
   */
  totals?: boolean;
}

/** Whether a run keeps score histograms. */
export function keepsScores(settings: DrawSettings): boolean {
  return (settings.data || settings.judgments) && settings.scores !== false;
}

/**
 * The net and rank of a few allies in every draw, by draw index (chunk * CHUNK_DRAWS + draw):
 * what pairs two runs made with the same seed (a scenario against its baseline) draw by
 * draw. Backed by shared memory when threads fill it; each chunk writes its own rows.
 */
export interface DrawTrace {
  /** The matrix rows traced. */
  rows: Int32Array;
  /** [draw * rows.length + i] */
  nets: Float64Array;
  ranks: Int16Array;
}

/** A trace of `rows` over `draws` draws (in shared memory where there is any, for threads). */
export function drawTrace(rows: readonly number[], draws: number): DrawTrace {
  const size = draws * rows.length;
  const shared = typeof SharedArrayBuffer !== 'undefined';
  const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(Math.max(bytes, 8)) : new ArrayBuffer(Math.max(bytes, 8)));
  return { rows: Int32Array.from(rows), nets: new Float64Array(buffer(8 * size), 0, size), ranks: new Int16Array(buffer(2 * size), 0, size) };
}

/** Record draw `index`: the traced allies' nets (nets[offset + row]) and ranks (from the draw's order). */
function traceDraw(t: DrawTrace, index: number, nets: Float64Array, offset: number, order: Int32Array, rankOf: Int32Array): void {
  for (let r = 0; r < order.length; r++) rankOf[order[r]] = r + 1;
  const T = t.rows.length;
  for (let i = 0; i < T; i++) {
    const a = t.rows[i];
    t.nets[index * T + i] = nets[offset + a];
    t.ranks[index * T + i] = rankOf[a];
  }
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

/** Every chunk index of a run. */
export function allChunks(draws: number): number[] {
  return Array.from({ length: chunkCount(draws) }, (_, i) => i);
}

export function chunkCount(draws: number): number {
  return Math.ceil(draws / CHUNK_DRAWS);
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
  /** How a draw redraws the uncertain data and judgments (redraw.ts). */
  plan: RedrawPlan;
  /** Where the draws are traced, if anywhere, and the index of the next draw. */
  trace: DrawTrace | null;
  drawIndex: number;
  rankOf: Int32Array;
  gammas: Float64Array;
  /** The WebAssembly kernel; null where unavailable or not wanted. */
  kernel: MatrixKernel | null;
}

/**
 * `wasm: false` keeps the draws in JavaScript; `general: true` redraws every uncertain item
 * through the general normalization (the reference for redraw.ts's fast paths); `trace`
 * records every draw's nets and ranks of some allies.
 */
export function drawBuffers(matrix: ScoreMatrix, options: DrawOptions = {}): DrawBuffers {
  const { n, m } = matrix;
  const baselineOrder = orderOf(baselineNets(matrix));
  const kernel = options.wasm === false ? null : matrixKernel(matrix, baselineOrder);
  const scores = new Float64Array(matrix.scores);
  return {
    kernel,
    scores,
    weights: new Float64Array(m),
    w4: new Float64Array(LANES * m),
    assets: new Float64Array(LANES * n),
    liabilities: new Float64Array(LANES * n),
    nets: new Float64Array(LANES * n),
    order: new Int32Array(n),
    baselineOrder,
    trace: options.trace ?? null,
    drawIndex: 0,
    rankOf: new Int32Array(n),
    // The kernel's path reads the draw's scores item-major from its memory; the JavaScript
    // path (and the general reference) from `scores`.
    plan: kernel && !options.general
      ? redrawPlan(matrix, kernel.scoresT, { itemMajor: true, stride: kernel.stride }, { kernel: kernel.redraw })
      : redrawPlan(matrix, scores, { itemMajor: false, stride: 0 }, { general: options.general }),
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
      const table = logUniformTable(scheme.low, scheme.high);
      for (let k = 0; k < m; k++) out[k] = w0[k] * logUniform(table, rng.uniform());
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

/** Steps of the log-uniform table: exp is exact to rounding between them (see logUniform). */
export const LOG_STEPS = 1024;
/** Taylor coefficients of exp(t) for |t| below one table step (t^6/720 < 1e-19 for ln 4 / 1024). */
export const EXP_C2 = 1 / 2, EXP_C3 = 1 / 6, EXP_C4 = 1 / 24, EXP_C5 = 1 / 120;

export interface LogUniformTable {
  /** exp(a + b * i / LOG_STEPS) for i = 0..LOG_STEPS. */
  values: Float64Array;
  /** b / LOG_STEPS: the log-width of a step. */
  step: number;
}

const logTables = new Map<string, LogUniformTable>();

/** The table of a log-uniform draw on [low, high] (a = ln low, b = ln high - ln low). */
export function logUniformTable(low: number, high: number): LogUniformTable {
  const key = `${low} ${high}`;
  let table = logTables.get(key);
  if (!table) {
    const a = Math.log(low);
    const b = Math.log(high) - a;
    table = { values: Float64Array.from({ length: LOG_STEPS + 1 }, (_, i) => Math.exp(a + (b * i) / LOG_STEPS)), step: b / LOG_STEPS };
    logTables.set(key, table);
  }
  return table;
}

/**
 * exp(a + b * u) for u in [0, 1): the table value at the step below, times a fifth-order
 * Taylor polynomial of exp over the rest of the step. The WebAssembly kernel runs the same
 * operations in the same order, so both give the same bits.
 */
export function logUniform(table: LogUniformTable, u: number): number {
  const x = u * LOG_STEPS;
  const i = x | 0;
  const t = (x - i) * table.step;
  return table.values[i] * (1 + t * (1 + t * (EXP_C2 + t * (EXP_C3 + t * (EXP_C4 + t * EXP_C5)))));
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

/** The kernel's counts are u16: at most this many draws are folded at once. */
const MAX_PENDING_DRAWS = 65_535;

/**
 * Run one chunk of draws into the accumulator. `chunk` is the chunk's index: it seeds the
 * chunk's stream, so any thread may run any chunk. Draws are taken in order; weight-only
 * draws are computed four at a time, which consumes the random stream in the same order.
 * `defer`: the kernel may keep the chunk's counts to fold them with the next chunks' (a
 * thread running many chunks into one accumulator folds once every few chunks); the caller
 * then calls flushChunks(buf) before it reads the accumulator.
 */
export function runChunk(matrix: ScoreMatrix, settings: DrawSettings, chunk: number, acc: Accumulator, buf: DrawBuffers, defer = false): void {
  const draws = Math.min(CHUNK_DRAWS, settings.draws - chunk * CHUNK_DRAWS);
  if (draws <= 0) return;
  const k = buf.kernel;
  if (k !== null && k.pending !== null && (k.pending !== acc || k.pendingDraws + draws > MAX_PENDING_DRAWS)) flushChunks(buf);
  const rng = new Xoshiro128(settings.seed, chunk);
  buf.drawIndex = chunk * CHUNK_DRAWS;
  const redraw = matrix.uncertain.some((u) => (u.kind === 'data' ? settings.data : settings.judgments));
  buf.scores.set(matrix.scores);
  // The general (reference) path counts every score of every draw; the plan counts runs
  // (in the kernel's memory when the kernel redraws).
  if (redraw) startChunk(buf.plan, matrix, buf.plan.general ? null : buf.plan.kernel ? (acc.scoreCounts && buf.plan.kernel.counts) : acc.scoreCounts, settings.data, settings.judgments);
  if (buf.kernel && !(redraw && buf.plan.general)) {
    kernelChunk(matrix, settings, chunk, draws, rng, acc, buf, buf.kernel, redraw);
    if (redraw) endChunk(buf.plan, draws);
    if (!defer) flushChunks(buf);
    return;
  }
  const sums = new Float64Array(3 * matrix.n);
  const ranges = totalRanges(matrix);
  const bins = Float64Array.from(ranges.flatMap(([lo, hi]) => [lo, TOTAL_BINS / (hi - lo)]));
  // Each chunk starts from the baseline order, so its ranking work does not depend on the
  // chunks run before it on the same thread.
  buf.order.set(buf.baselineOrder);
  // The draws go in small blocks so that the hot function is optimized as a whole (on-stack
  // replacement of one long loop is thrown away at the end of every chunk).
  for (let d = 0; d < draws; d += BLOCK_DRAWS) {
    acc.sameOrder += drawBlock(Math.min(BLOCK_DRAWS, draws - d), matrix, settings, rng, redraw, buf, bins, sums,
      acc.totals, acc.rankCounts, acc.positive, acc.min, acc.max, acc.scoreCounts);
  }
  if (redraw) endChunk(buf.plan, draws);
  acc.draws += draws;
  acc.chunkSums.push([chunk, sums]);
}

/** Add the kernel's score histograms of a chunk to the accumulator's and clear them. */
function foldScoreCounts(buf: DrawBuffers, into: Int32Array): void {
  const from = buf.plan.kernel!.counts;
  const { slots, cellOf } = buf.plan.out;
  for (let i = 0; i < slots.length; i++) {
    const start = cellOf[slots[i]] * SCORE_BINS;
    for (let b = start; b < start + SCORE_BINS; b++) {
      into[b] += from[b];
      from[b] = 0;
    }
  }
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
  const keepTotals = settings.totals !== false;
  let sameOrder = 0;
  for (let d = 0; d < count;) {
    let lanes: number;
    if (redraw) {
      // Data or judgments drawn: every draw has its own scores, so draws go one at a time.
      lanes = 1;
      redrawScores(buf.plan, settings.data, settings.judgments, rng);
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
      for (let a = 0; keepTotals && a < n; a++) {
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
      if (buf.trace !== null) traceDraw(buf.trace, buf.drawIndex, nets, off, order, buf.rankOf);
      buf.drawIndex++;
    }
    if (redraw) {
      buf.plan.out.now++;
      if (scoreCounts !== null && buf.plan.general) countScores(matrix, buf.scores, scoreCounts);
    }
    d += lanes;
  }
  return sameOrder;
}

/** Histogram counts of the redrawn items' scores of one draw (the reference for the plan's tally). */
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


/** The WebAssembly kernel laid out for one matrix: views on its memory and the pointers it takes. */
interface MatrixKernel {
  exports: KernelExports;
  w4: Float64Array;
  sums: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** A chunk's histograms, u16 (a chunk has at most CHUNK_DRAWS < 2^16 draws), folded per chunk. */
  totals: Uint16Array;
  positive: Int32Array;
  rankCounts: Int32Array;
  order: Int32Array;
  /** The xoshiro128** state the kernel draws from. */
  state: Int32Array;
  /** The nets of the last four draws, lane-major ([lane * n + ally]). */
  nets: Float64Array;
  /** A data or judgment draw's scores, item-major ([item * stride + ally]). */
  scoresT: Float64Array;
  stride: number;
  /** What redraw.ts needs to redraw through the kernel (its plan lives in the 'plan' region). */
  redraw: RedrawKernel;
  table: Float64Array;
  /** Which log-uniform table is loaded ("low high"). */
  tableKey: string;
  /**
   * The accumulator whose finished chunks' counts (histograms, rank counts, P(net > 0),
   * extremes, score histograms) are still in the kernel's memory, and their draws: folded
   * when another accumulator's chunk starts, before the u16 counts could overflow, and by
   * flushChunks (a chunk run with `defer`).
   */
  pending: Accumulator | null;
  pendingDraws: number;
  /** The draw arguments drawOne and weightBlock read (wasm-kernel.ts ARGS), as i32 and f64 views. */
  args: { i32: Int32Array; f64: Float64Array };
  at: Record<'args' | 'scores' | 'scoresT' | 'plan' | 'w4' | 'w0' | 'table' | 'state' | 'exStart' | 'exItem' | 'assets' | 'liabilities' | 'nets' | 'sums' | 'min' | 'max' | 'totals' | 'positive' | 'order' | 'baseline' | 'rankCounts' | 'above' | 'bins' | 'ranks' | 'exOf' | 'exPlan' | 'exSums', number>;
}

/** The kernel's constants (the log-uniform formula's). */
const KERNEL_CONSTANTS = { steps: LOG_STEPS, c2: EXP_C2, c3: EXP_C3, c4: EXP_C4, c5: EXP_C5 };

/** Compile the WebAssembly kernel now, before any matrix needs it (a worker waiting for its first job). */
export function warmKernel(): void {
  kernelModule(KERNEL_CONSTANTS);
}

function matrixKernel(matrix: ScoreMatrix, baselineOrder: Int32Array): MatrixKernel | null {
  const { n, m } = matrix;
  const exclusions = exclusionPlan(n, matrix.assetItems, matrix.excludedStart, matrix.excludedItem);
  const stride = n + (n & 1);
  const sizes = {
    args: ARGS.bytes, scores: 8 * n * m, scoresT: 8 * stride * m, plan: planBytes(matrix, stride * m), w4: 8 * LANES * m, w0: 8 * m, table: 8 * (LOG_STEPS + 1), state: 16, exStart: 4 * (n + 1), exItem: 4 * Math.max(1, matrix.excludedItem.length),
    assets: 8 * LANES * n, liabilities: 8 * LANES * n, nets: 8 * LANES * n, sums: 8 * 3 * n, min: 8 * 3 * n, max: 8 * 3 * n,
    totals: 2 * 3 * n * TOTAL_BINS, positive: 4 * n, order: 4 * n, baseline: baselineBytes(n), rankCounts: 4 * n * n, above: aboveBytes(n),
    bins: binBatchBytes(n), ranks: rankBatchBytes(n),
    exOf: 8 * n, exPlan: 4 * exclusions.plan.length, exSums: 32 * exclusions.lists,
  };
  const at = {} as MatrixKernel['at'];
  let end = 0;
  for (const [key, size] of Object.entries(sizes) as [keyof typeof sizes, number][]) {
    at[key] = end;
    end += Math.ceil(size / 16) * 16;
  }
  const instance = instantiateKernel(end, KERNEL_CONSTANTS);
  if (!instance) return null;
  const buffer = instance.memory.buffer;
  const f64 = (key: keyof typeof sizes, length: number) => new Float64Array(buffer, at[key], length);
  const i32 = (key: keyof typeof sizes, length: number) => new Int32Array(buffer, at[key], length);
  f64('scores', n * m).set(matrix.scores);
  i32('exStart', n + 1).set(matrix.excludedStart);
  i32('exItem', matrix.excludedItem.length).set(matrix.excludedItem);
  i32('exOf', 2 * n).set(exclusions.exOf);
  exclusions.plan[1] = at.exSums;
  i32('exPlan', exclusions.plan.length).set(exclusions.plan);
  i32('baseline', n).set(baselineOrder);
  // Each ally's baseline rank (i16, after the order's n rounded up to 8), for record()'s check.
  const baseRank = new Int16Array(instance.memory.buffer, at.baseline + 4 * ((n + 7) & ~7), (n + 7) & ~7);
  baselineOrder.forEach((ally, r) => (baseRank[ally] = r));
  f64('w0', m).set(matrix.weights);
  const kernel: MatrixKernel = {
    exports: instance.exports, at, args: { i32: i32('args', ARGS.bytes / 4), f64: f64('args', ARGS.bytes / 8) }, state: i32('state', 4), nets: f64('nets', LANES * n), scoresT: f64('scoresT', stride * m), stride,
    redraw: { exports: instance.exports, memory: buffer, arena: kernelArena(buffer, at.plan, at.plan + sizes.plan), state: i32('state', 4), counts: new Uint16Array(0) }, table: f64('table', LOG_STEPS + 1), tableKey: '', pending: null, pendingDraws: 0,
    w4: f64('w4', LANES * m), sums: f64('sums', 3 * n), min: f64('min', 3 * n), max: f64('max', 3 * n),
    totals: new Uint16Array(buffer, at.totals, 3 * n * TOTAL_BINS), positive: i32('positive', n), rankCounts: i32('rankCounts', n * n), order: i32('order', n),
  };
  const counts = kernel.redraw.arena.i32(Math.ceil((n * m * SCORE_BINS) / 2));
  kernel.redraw.counts = new Uint16Array(counts.buffer, counts.byteOffset, n * m * SCORE_BINS);
  kernel.min.fill(Infinity);
  kernel.max.fill(-Infinity);
  const a = kernel.args.i32;
  const pointers: [keyof typeof ARGS, keyof typeof sizes][] = [
    ['pW0', 'w0'], ['pTable', 'table'], ['pState', 'state'], ['pW4', 'w4'], ['pScores', 'scores'], ['pScoresT', 'scoresT'], ['pExStart', 'exStart'], ['pExItem', 'exItem'],
    ['pAssets', 'assets'], ['pLiabilities', 'liabilities'], ['pNets', 'nets'], ['pSums', 'sums'], ['pMin', 'min'], ['pMax', 'max'], ['pTotals', 'totals'],
    ['pPositive', 'positive'], ['pOrder', 'order'], ['pBaseline', 'baseline'], ['pRankCounts', 'rankCounts'], ['pAbove', 'above'], ['pBins', 'bins'], ['pRanks', 'ranks'], ['pExOf', 'exOf'], ['pExPlan', 'exPlan'],
  ];
  for (const [field, key] of pointers) a[ARGS[field] / 4] = at[key];
  a[ARGS.n / 4] = n;
  a[ARGS.m / 4] = m;
  a[ARGS.mA / 4] = matrix.assetItems;
  a[ARGS.stride / 4] = stride;
  a[ARGS.bins / 4] = TOTAL_BINS;
  kernel.args.f64[ARGS.ba / 8] = matrix.balanceAssets;
  kernel.args.f64[ARGS.bl / 8] = matrix.balanceLiabilities;
  return kernel;
}

/** A chunk of weight-only draws through the WebAssembly kernel; the counts are then added to `acc`. */
function kernelChunk(matrix: ScoreMatrix, settings: DrawSettings, chunk: number, draws: number, rng: Xoshiro128, acc: Accumulator, buf: DrawBuffers, k: MatrixKernel, redraw: boolean): void {
  const ranges = totalRanges(matrix);
  const bins = Float64Array.from(ranges.flatMap(([lo, hi]) => [lo, TOTAL_BINS / (hi - lo)]));
  k.sums.fill(0);
  k.order.set(buf.baselineOrder);
  // The kernel draws multipliers itself, continuing the chunk's stream; Dirichlet draws
  // (gamma variates) stay in JavaScript.
  const scheme = settings.weights;
  let kind = 0, low = 0, span = 0;
  if (scheme.kind === 'log-multiplier') {
    const table = logUniformTable(scheme.low, scheme.high);
    const key = `${scheme.low} ${scheme.high}`;
    if (k.tableKey !== key) {
      k.table.set(table.values);
      k.tableKey = key;
    }
    kind = 1;
    span = table.step;
  } else if (scheme.kind === 'uniform-multiplier') {
    kind = 2;
    low = scheme.low;
    span = scheme.high - scheme.low;
  }
  const inKernel = scheme.kind !== 'dirichlet';
  if (inKernel || redraw) k.state.set(rng.state());
  const args = k.args;
  args.i32[ARGS.kind / 4] = kind;
  args.i32[ARGS.weightsInKernel / 4] = inKernel ? 1 : 0;
  args.f64[ARGS.low / 8] = low;
  args.f64[ARGS.span / 8] = span;
  args.i32[ARGS.totals / 4] = settings.totals === false ? 0 : 1;
  for (let i = 0; i < 6; i++) args.f64[ARGS.lo0 / 8 + i] = bins[i];
  let sameOrder = 0;
  for (let d = 0; d < draws; d += BLOCK_DRAWS) {
    const count = Math.min(BLOCK_DRAWS, draws - d);
    sameOrder += redraw
      ? kernelRedrawBlock(count, matrix, settings, rng, buf, bins, k, inKernel, kind, low, span)
      : kernelBlock(count, matrix, settings, rng, buf, bins, k, inKernel, kind, low, span);
  }
  acc.sameOrder += sameOrder;
  acc.draws += draws;
  acc.chunkSums.push([chunk, k.sums.slice()]);
  k.pending = acc;
  k.pendingDraws += draws;
}

/**
 * Fold the counts of the chunks run with `defer` into their accumulator (a run's last step
 * on a thread); a chunk run without it leaves nothing to fold.
 */
export function flushChunks(buf: DrawBuffers): void {
  const k = buf.kernel;
  if (k === null || k.pending === null) return;
  foldKernel(k, k.pending);
  if (k.pending.scoreCounts && buf.plan.kernel) foldScoreCounts(buf, k.pending.scoreCounts);
  k.pending = null;
  k.pendingDraws = 0;
}

/** Fold the kernel's counts into the accumulator and start again from zero. */
function foldKernel(k: MatrixKernel, acc: Accumulator): void {
  // The bins still waiting in the batch are counted first.
  k.exports.flushBins(k.at.bins, k.at.totals, k.sums.length, 2 * TOTAL_BINS);
  k.exports.flushRanks(k.at.ranks, k.at.rankCounts, k.order.length);
  for (let i = 0; i < k.totals.length; i++) acc.totals[i] += k.totals[i];
  for (let i = 0; i < k.rankCounts.length; i++) acc.rankCounts[i] += k.rankCounts[i];
  for (let i = 0; i < k.positive.length; i++) acc.positive[i] += k.positive[i];
  for (let i = 0; i < k.min.length; i++) {
    if (k.min[i] < acc.min[i]) acc.min[i] = k.min[i];
    if (k.max[i] > acc.max[i]) acc.max[i] = k.max[i];
  }
  k.totals.fill(0);
  k.rankCounts.fill(0);
  k.positive.fill(0);
  k.min.fill(Infinity);
  k.max.fill(-Infinity);
}

/**
 * `count` draws of data or judgments (and weights) through the kernel, one at a time, as
 * drawBlock does them, all from the stream whose state is in the kernel's memory: the
 * kernel redraws the affine and min-max items (JavaScript the others), draws the weights
 * (JavaScript a Dirichlet's), computes the nets and records them.
 */
function kernelRedrawBlock(
  count: number, matrix: ScoreMatrix, settings: DrawSettings, rng: Xoshiro128, buf: DrawBuffers, bins: Float64Array, k: MatrixKernel,
  inKernel: boolean, kind: number, low: number, span: number,
): number {
  const { n, m } = matrix;
  const { exports: x, at } = k;
  const out = buf.plan.out;
  const pointers = {
    state: at.state, values: at.scoresT, counts: out.counts === null ? 0 : out.counts.byteOffset,
    cellOf: out.cellOf.byteOffset, bin: out.bin.byteOffset, since: out.since.byteOffset,
  };
  let sameOrder = 0;
  const list = kernelList(buf.plan, settings.data, settings.judgments);
  if (list.all && inKernel && buf.trace === null) {
    // Every redrawn item redraws in the kernel, and the weights too: the draws run in the
    // kernel, returning only where a draw needs the general path.
    const args = k.args.i32;
    args[ARGS.pCounts / 4] = pointers.counts;
    args[ARGS.pCellOf / 4] = pointers.cellOf;
    args[ARGS.pBin / 4] = pointers.bin;
    args[ARGS.pSince / 4] = pointers.since;
    args[ARGS.pList / 4] = list.at;
    args[ARGS.listLength / 4] = list.length;
    for (let d = 0; d < count;) {
      const stopped = x.redrawBlock(at.args, out.now, count - d);
      const done = args[ARGS.done / 4];
      sameOrder += args[ARGS.same / 4];
      d += done;
      out.now += done;
      buf.drawIndex += done;
      if (stopped === 0) break;
      redrawRest(buf.plan, settings.data, settings.judgments, 1);
      sameOrder += x.drawOne(at.args);
      d++;
      out.now++;
      buf.drawIndex++;
    }
    return sameOrder;
  }
  for (let d = 0; d < count; d++) {
    redrawScoresInKernel(buf.plan, settings.data, settings.judgments, pointers);
    if (!inKernel) {
      rng.setState(k.state);
      drawWeights(matrix, settings.weights, rng, buf.weights, buf.gammas);
      rng.saveState(k.state);
      for (let i = 0; i < m; i++) k.w4[i * 4] = buf.weights[i];
    }
    if (buf.trace === null) {
      // Weights (in the kernel's draws), nets and the record in one call.
      sameOrder += x.drawOne(at.args);
      buf.drawIndex++;
      out.now++;
      continue;
    }
    if (inKernel) x.weights4(1, kind, m, at.w0, at.table, at.state, at.w4, low, span, 1);
    x.nets1(n, k.stride, m, matrix.assetItems, at.scoresT, at.w4, at.exStart, at.exItem, at.assets, at.liabilities, at.nets, matrix.balanceAssets, matrix.balanceLiabilities);
    sameOrder += x.record(0, n, at.assets, at.liabilities, at.nets, at.sums, at.min, at.max, at.totals, at.positive,
      at.order, at.baseline, at.rankCounts, bins[0], bins[1], bins[2], bins[3], bins[4], bins[5], TOTAL_BINS, at.above, settings.totals === false ? 0 : 1, at.bins, at.ranks);
    if (buf.trace !== null) traceDraw(buf.trace, buf.drawIndex, k.nets, 0, k.order, buf.rankOf);
    buf.drawIndex++;
    out.now++;
  }
  return sameOrder;
}

/**
 * `count` draws through the kernel, four at a time, as drawBlock does them. `inKernel`: the
 * kernel draws the weights (`kind` 0 fixed, 1 log-uniform, 2 uniform); else JavaScript does.
 */
function kernelBlock(
  count: number, matrix: ScoreMatrix, settings: DrawSettings, rng: Xoshiro128, buf: DrawBuffers, bins: Float64Array, k: MatrixKernel,
  inKernel: boolean, kind: number, low: number, span: number,
): number {
  const weights = buf.weights, gammas = buf.gammas;
  const { n, m } = matrix;
  const { exports: x, at, w4 } = k;
  if (inKernel && buf.trace === null) {
    // The whole block in one call.
    buf.drawIndex += count;
    return x.weightBlock(at.args, count);
  }
  let sameOrder = 0;
  for (let d = 0; d < count; d += LANES) {
    const lanes = Math.min(LANES, count - d);
    if (inKernel) x.weights4(lanes, kind, m, at.w0, at.table, at.state, at.w4, low, span, LANES);
    else {
      for (let j = 0; j < lanes; j++) {
        drawWeights(matrix, settings.weights, rng, weights, gammas);
        for (let i = 0; i < m; i++) w4[i * 4 + j] = weights[i];
      }
      for (let j = lanes; j < LANES; j++) for (let i = 0; i < m; i++) w4[i * 4 + j] = matrix.weights[i];
    }
    x.nets4(n, m, matrix.assetItems, at.scores, at.w4, at.exOf, at.exPlan, at.assets, at.liabilities, at.nets, matrix.balanceAssets, matrix.balanceLiabilities);
    for (let j = 0; j < lanes; j++) {
      sameOrder += x.record(j, n, at.assets, at.liabilities, at.nets, at.sums, at.min, at.max, at.totals, at.positive,
        at.order, at.baseline, at.rankCounts, bins[0], bins[1], bins[2], bins[3], bins[4], bins[5], TOTAL_BINS, at.above, settings.totals === false ? 0 : 1, at.bins, at.ranks);
      if (buf.trace !== null) traceDraw(buf.trace, buf.drawIndex, k.nets, j * n, k.order, buf.rankOf);
      buf.drawIndex++;
    }
  }
  return sameOrder;
}

export interface DrawOptions {
  wasm?: boolean;
  general?: boolean;
  /** Trace every draw's nets and ranks of some allies. */
  trace?: DrawTrace | null;
}

/** Run the given chunks on the calling thread (`wasm: false`, `general: true`: the reference paths). */
export function runChunks(matrix: ScoreMatrix, settings: DrawSettings, chunks: readonly number[], options: DrawOptions = {}): Accumulator {
  const acc = emptyAccumulator(matrix, keepsScores(settings));
  const buf = drawBuffers(matrix, options);
  for (const c of chunks) runChunk(matrix, settings, c, acc, buf, true);
  flushChunks(buf);
  acc.chunkSums.sort((a, b) => a[0] - b[0]);
  return acc;
}
