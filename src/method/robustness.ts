// Robustness: the ledger recomputed under many draws of the weights (bounded multipliers or
// a Dirichlet around the defaults), of the data within their ranges and of the judgments
// within theirs, summarized as intervals for every score and total, the probability of every
// rank for every ally and the probability that each net is positive; and the ASPI-style
// sweep. The draws themselves are in draws.ts, the matrix they re-weigh in score-matrix.ts.
// Pure: the same code runs in a browser.
import { allChunks, chunkCount, mergeAccumulators, runChunks, SCORE_BINS, TOTAL_BINS, totalRanges } from './draws.ts';
import type { Accumulator, DrawSettings, DrawTrace, WeightScheme } from './draws.ts';
import type { RobustnessSettings } from './methodology.ts';
import { netsInto, orderOf } from './score-matrix.ts';
import type { ScoreMatrix } from './score-matrix.ts';

export { scoreMatrix, matrixWeights, baselineNets, orderOf } from './score-matrix.ts';
export type { ScoreMatrix, UncertainItem } from './score-matrix.ts';
export { CHUNK_DRAWS, allChunks, chunkCount, drawBuffers, drawTrace, emptyAccumulator, mergeAccumulators, runChunk, runChunks } from './draws.ts';
export type { Accumulator, DrawBuffers, DrawSettings, DrawTrace, WeightScheme } from './draws.ts';

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
  /**
   * Every line item's score: baseline and interval (a point unless its data or judgment was
   * drawn; null when excluded for the ally). Empty when data or judgments were drawn without
   * keeping score histograms (DrawSettings.scores false).
   */
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
    // Every score: an interval where its item was redrawn, the baseline point otherwise
    // (none when the run kept no score histograms: the intervals are unknown, not points).
    const redrawn = new Set(matrix.uncertain.filter((u) => (u.kind === 'data' ? settings.data : settings.judgments)).map((u) => u.item));
    const scores: AllyRobustness['scores'] = (redrawn.size > 0 && !acc.scoreCounts) ? [] : matrix.items.map((item, k) => {
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

/** Robustness on the calling thread (the browser's path, and small runs); `trace` gets every draw's nets and ranks of some allies. */
export function runRobustness(matrix: ScoreMatrix, settings: DrawSettings, interval = 0.9, trace: DrawTrace | null = null): RobustnessResult {
  return summarize(matrix, runChunks(matrix, settings, allChunks(settings.draws), { trace }), settings, interval);
}

export interface SweepLevel {
  /** Each weight moves by up to this fraction (uniform multiplier in [1 - change, 1 + change]). */
  change: number;
  /** Draws the level ran (runSweep sizes a level by its own convergence; see there). */
  draws: number;
  pSameOrder: number;
  allies: { ally: string; baselineRank: number; pSameRank: number; meanAbsShift: number; maxShift: number }[];
}

/** Summarize one sweep level from its run. */
export function sweepLevel(change: number, result: RobustnessResult): SweepLevel {
  return {
    change,
    draws: result.draws,
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
 * The draw settings of sweep level `i` (weights move by up to `change`), at most `draws` draws.
 * A level reads only the ranking (sweepLevel), so its draws keep no totals (DrawSettings.totals).
 */
export function sweepSettings(change: number, i: number, draws: number, seed: number): DrawSettings {
  return { draws, seed: seed + i + 1, weights: { kind: 'uniform-multiplier', low: 1 - change, high: 1 + change }, data: false, judgments: false, totals: false };
}

/** A sweep level grows by blocks of this many chunks (32,768 draws). */
export const SWEEP_BLOCK_CHUNKS = 4;
/** A sweep level stops no earlier than this many draws (unless the run asks for fewer). */
export const SWEEP_MIN_DRAWS = 100_000;

/**
 * A sweep level's statistics at the precision the CLI prints them: P(whole ranking holds),
 * mean and top-10 worst P(ally keeps its rank) in whole percents (tenths below 1%), the
 * largest rank shift, and the mean |shift| to three significant digits.
 */
export function sweepFigures(level: SweepLevel): string {
  const pct = (p: number) => (p * 100).toFixed(p > 0 && p < 0.01 ? 1 : 0);
  const { allies } = level;
  const top = allies.filter((a) => a.baselineRank <= 10).map((a) => a.pSameRank);
  return [
    pct(level.pSameOrder),
    pct(allies.reduce((t, a) => t + a.pSameRank, 0) / allies.length),
    top.length ? pct(Math.min(...top)) : '',
    String(allies.reduce((t, a) => Math.max(t, a.maxShift), 0)),
    String(Number((allies.reduce((t, a) => t + a.meanAbsShift, 0) / allies.length).toPrecision(3))),
  ].join(' ');
}

/**
 * One sweep level sized by its own convergence. The draws go in blocks of whole chunks
 * (chunk c is seeded by (seed, c) alone, so the first b blocks are exactly the first draws of
 * a run of any larger size); after each block the level is summarized, and it stops when its
 * figures (sweepFigures) came out the same after each of the last two blocks, with at least
 * SWEEP_MIN_DRAWS draws, or at `maxDraws`. The result is that of a plain run of the draws
 * it used, and depends on the seed alone (never on threads). The caller runs the blocks
 * (nextBlock, add) on one thread or several.
 */
export class SweepSizer {
  readonly settings: DrawSettings;
  private readonly chunks: number;
  private next = 0;
  private acc: Accumulator | null = null;
  private readonly seen: string[] = [];
  private level: SweepLevel | null = null;
  private stable = false;

  constructor(private readonly matrix: ScoreMatrix, private readonly change: number, i: number, maxDraws: number, seed: number, private readonly interval = 0.9) {
    this.settings = sweepSettings(change, i, maxDraws, seed);
    this.chunks = chunkCount(maxDraws);
  }

  /** The next block's chunks [from, to), or null when the level is done. */
  nextBlock(): [number, number] | null {
    if (this.stable || this.next >= this.chunks) return null;
    return [this.next, Math.min(this.chunks, this.next + SWEEP_BLOCK_CHUNKS)];
  }

  /** Add the accumulator of the block nextBlock gave. */
  add(block: Accumulator): void {
    this.next = Math.min(this.chunks, this.next + SWEEP_BLOCK_CHUNKS);
    this.acc = this.acc === null ? block : mergeAccumulators(this.acc, block);
    this.level = sweepLevel(this.change, summarize(this.matrix, this.acc, this.settings, this.interval));
    const seen = this.seen;
    seen.push(sweepFigures(this.level));
    const k = seen.length;
    this.stable = this.acc.draws >= SWEEP_MIN_DRAWS && k >= 3 && seen[k - 1] === seen[k - 2] && seen[k - 2] === seen[k - 3];
  }

  result(): SweepLevel {
    return this.level ?? sweepLevel(this.change, runRobustness(this.matrix, this.settings, this.interval));
  }
}

/** Chunk indices from..to - 1. */
export function chunkRange(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, j) => from + j);
}

/**
 * The ASPI-style check: for each level, every weight moves independently by up to that
 * fraction; how often does the ranking hold? Each level runs at most `draws` draws, fewer
 * once its figures are stable (SweepSizer). Documented change: the sweep used to run exactly
 * `draws` draws per level (five levels of 1,000,000 draws for a 1,000,000-draw run: 3.6x the
 * time of the converged sweep on the default methodology, which stops after 131,072 to
 * 229,376 draws a level). Its percentages and mean |shift| print as at the full count; the
 * largest rank shift is a sample maximum, which grows slowly with the draws, so it can read
 * a little lower (15, 19, 25 against 16, 20, 27 at ±20%, ±30%, ±40%); the unprinted decimals
 * (and JSON) are those of the draws it ran, which each level states (SweepLevel.draws).
 * At or below SWEEP_MIN_DRAWS a level runs every draw asked for, as before.
 */
export function runSweep(matrix: ScoreMatrix, levels: readonly number[], draws: number, seed: number, interval = 0.9): SweepLevel[] {
  return levels.map((change, i) => {
    const sizer = new SweepSizer(matrix, change, i, draws, seed, interval);
    for (let b = sizer.nextBlock(); b !== null; b = sizer.nextBlock()) sizer.add(runChunks(matrix, sizer.settings, chunkRange(b[0], b[1])));
    return sizer.result();
  });
}
