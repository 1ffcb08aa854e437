// The redraw plan (redraw.ts) and the WebAssembly kernel's data and judgment draws give the
// bits of the general reference path (normalizeInto, imputeInto, a score histogram counted
// every draw) for every kind of normalization and missing-value policy.
import { describe, expect, it } from 'vitest';
import { allChunks, CHUNK_DRAWS, drawBuffers, drawTrace, runChunks, summarize } from '../../src/method/robustness.ts';
import type { DrawSettings, ScoreMatrix, UncertainItem } from '../../src/method/robustness.ts';
import { imputeInto, normalizeBuffers, normalizeInto } from '../../src/method/normalize.ts';
import type { MissingPolicy, Normalization } from '../../src/method/methodology.ts';
import { Xoshiro128 } from '../../src/method/random.ts';
import { instantiateKernel } from '../../src/method/wasm-kernel.ts';

interface Column {
  normalize: Normalization;
  missing?: MissingPolicy;
  judgment?: boolean;
  side: 'asset' | 'liability';
  /** Value, low, high per ally (NaN value: missing). */
  cells: [number, number, number][];
}

/**
 * A score matrix from columns: the scores are the columns normalized as the ledger does it,
 * the last `unranked` allies are covered but not ranked.
 */
function matrixOf(columns: Column[], unranked = 1): ScoreMatrix {
  const N = columns[0].cells.length;
  const n = N - unranked;
  const order = [...columns.keys()].sort((a, b) => (columns[a].side === columns[b].side ? a - b : columns[a].side === 'asset' ? -1 : 1));
  const m = columns.length;
  const scores = new Float64Array(n * m);
  const excluded: number[][] = Array.from({ length: n }, () => []);
  const uncertain: UncertainItem[] = [];
  const bounds = { min: 0, max: 4 };
  order.forEach((c, k) => {
    const col = columns[c];
    const missing = col.missing ?? { policy: 'exclude' };
    const value = Float64Array.from(col.cells, (x) => x[0]);
    const out = new Float64Array(N);
    const buffers = normalizeBuffers(N);
    normalizeInto(value, col.normalize, out, buffers, col.judgment ? bounds : undefined);
    imputeInto(out, missing, buffers.scratch);
    for (let a = 0; a < n; a++) {
      if (Number.isNaN(out[a])) excluded[a].push(k);
      else scores[a * m + k] = out[a];
    }
    uncertain.push({
      item: k, kind: col.judgment ? 'judgment' : 'data', normalize: col.normalize, bounds: col.judgment ? bounds : undefined, missing,
      value, low: Float64Array.from(col.cells, (x) => x[1]), high: Float64Array.from(col.cells, (x) => x[2]),
      row: Int32Array.from({ length: N }, (_, j) => (j < n ? j : -1)),
    });
  });
  const excludedStart = new Int32Array(n + 1);
  const excludedItem: number[] = [];
  excluded.forEach((list, a) => {
    excludedStart[a] = excludedItem.length;
    excludedItem.push(...list);
  });
  excludedStart[n] = excludedItem.length;
  return {
    year: 2024, allies: Array.from({ length: n }, (_, a) => `A${a}`), items: order.map((c) => `item${c}`), itemIndex: Int32Array.from(order), n, m,
    assetItems: columns.filter((c) => c.side === 'asset').length, scores, weights: Float64Array.from(order, (c) => 1 + (c % 3)),
    balanceAssets: 1, balanceLiabilities: 1, excludedStart, excludedItem: Int32Array.from(excludedItem), uncertain,
  };
}

/** Values spread out, every `ranged`-th one with a range [0.8 v, 1.3 v], some missing. */
function cells(seed: number, N: number, scale: number, options: { missing?: number[]; ranged?: number; offset?: number } = {}): [number, number, number][] {
  const rng = new Xoshiro128(seed);
  return Array.from({ length: N }, (_, j) => {
    if (options.missing?.includes(j)) return [Number.NaN, Number.NaN, Number.NaN];
    const v = (options.offset ?? 0) + scale * rng.uniform();
    return j % (options.ranged ?? 2) === 0 ? [v, 0.8 * v, 1.3 * v] : [v, v, v];
  });
}

const N = 23;
const columns: Column[] = [
  { side: 'asset', normalize: { method: 'minmax', scale: 'linear', invert: false }, cells: cells(1, N, 100) },
  { side: 'asset', normalize: { method: 'minmax', scale: 'log', invert: false }, cells: cells(2, N, 1e5, { missing: [3], offset: 1 }) },
  { side: 'asset', normalize: { method: 'minmax', scale: 'log1p', invert: true }, cells: cells(3, N, 50, { ranged: 3 }) },
  { side: 'asset', normalize: { method: 'minmax', scale: 'linear', winsorize: [0.1, 0.9], invert: false }, cells: cells(4, N, 5, { ranged: 4 }) },
  { side: 'asset', normalize: { method: 'percentile', invert: false }, cells: cells(5, N, 10) },
  { side: 'asset', normalize: { method: 'fixed', min: 1, max: 1000, scale: 'log', invert: false }, cells: cells(6, N, 900, { offset: 2 }) },
  { side: 'asset', judgment: true, normalize: { method: 'judgment_scale', invert: false }, cells: cells(7, N, 4, { ranged: 1 }).map(([v]) => [v, Math.max(0, v - 1), Math.min(4, v + 1)]) },
  { side: 'liability', normalize: { method: 'minmax', scale: 'linear', invert: false }, missing: { policy: 'impute', with: 'mean' }, cells: cells(8, N, 30, { missing: [1, 6] }) },
  { side: 'liability', normalize: { method: 'minmax', scale: 'linear', invert: true }, cells: cells(9, N, 3, { missing: [0], ranged: 5 }) },
  // A range reaching below the log scale's domain: some draws leave it (the general path).
  { side: 'liability', normalize: { method: 'minmax', scale: 'log', invert: false }, cells: cells(11, N, 10, { offset: 1 }).map(([v, lo, hi], j) => (j === 4 ? [0.5, -1, 2] : [v, lo, hi])) },
  { side: 'liability', judgment: true, normalize: { method: 'judgment_scale', invert: true }, cells: cells(10, N, 4, { ranged: 2 }).map(([v], j) => (j % 2 ? [v, v, v] : [v, Math.max(0, v - 0.5), Math.min(4, v + 0.5)])) },
];
const matrix = matrixOf(columns);

const settings = (over: Partial<DrawSettings> = {}): DrawSettings => ({
  draws: CHUNK_DRAWS + 517, seed: 11, weights: { kind: 'log-multiplier', low: 0.5, high: 2 }, data: true, judgments: true, ...over,
});

describe('data and judgment draws', () => {
  it('the plan and the kernel give the bits of the general path, for every normalization and policy', () => {
    expect(drawBuffers(matrix).kernel).not.toBeNull();
    for (const s of [settings(), settings({ data: false }), settings({ judgments: false }), settings({ weights: { kind: 'dirichlet', concentration: 10 } })]) {
      const reference = runChunks(matrix, s, allChunks(s.draws), { general: true });
      const js = runChunks(matrix, s, allChunks(s.draws), { wasm: false });
      const kernel = runChunks(matrix, s, allChunks(s.draws));
      // The accumulators themselves: every histogram count, extreme and per-chunk sum.
      expect(js).toEqual(reference);
      expect(kernel).toEqual(reference);
      expect(summarize(matrix, kernel, s, 0.9)).toEqual(summarize(matrix, reference, s, 0.9));
    }
  });

  it('an odd number of ranked allies (the last pair of the kernel half empty) gives the same bits', () => {
    const odd = matrixOf(columns, 2);
    expect(odd.n % 2).toBe(1);
    const s = settings({ draws: 3000 });
    expect(runChunks(odd, s, allChunks(s.draws))).toEqual(runChunks(odd, s, allChunks(s.draws), { general: true }));
    const w = settings({ draws: 3000, data: false, judgments: false });
    expect(runChunks(odd, w, allChunks(w.draws))).toEqual(runChunks(odd, w, allChunks(w.draws), { wasm: false }));
  });

  it('draws run in the kernel between the ones that need the general path, with the same bits', () => {
    // Every item redraws in the kernel (no percentile, no imputation), and one range reaches
    // below the log scale's domain: the kernel's block of draws stops at each such draw.
    const kernelOnly = matrixOf([columns[0], columns[2], columns[3], columns[5], columns[6], columns[8], columns[9], columns[10]]);
    const s = settings({ draws: 5000 });
    const kernel = runChunks(kernelOnly, s, allChunks(s.draws));
    expect(kernel).toEqual(runChunks(kernelOnly, s, allChunks(s.draws), { general: true }));
    expect(kernel).toEqual(runChunks(kernelOnly, s, allChunks(s.draws), { wasm: false }));
  });

  it("the kernel's log10 gives Math.log10's bits", () => {
    const k = instantiateKernel(1 << 16, { steps: 1024, c2: 1 / 2, c3: 1 / 6, c4: 1 / 24, c5: 1 / 120 });
    expect(k).not.toBeNull();
    const log10 = k!.exports.log10;
    const special = [0, -0, 1, 10, 100, 1e22, 1e300, 5e-324, 1e-310, 2.2250738585072014e-308, Infinity, -Infinity, Number.NaN, -1, 0.5, 2, 1 + 2 ** -52, 1 - 2 ** -53];
    for (const x of special) expect(Object.is(log10(x), Math.log10(x))).toBe(true);
    const rng = new Xoshiro128(5);
    let differ = 0;
    for (let i = 0; i < 200_000; i++) {
      const u = rng.uniform();
      // Across the exponents, near 1 (the series' short branch), and data-like magnitudes.
      const x = i % 3 === 0 ? Math.exp((u - 0.5) * 1400) : i % 3 === 1 ? 1 + (u - 0.5) * 2 ** -18 : 1e6 * u;
      if (!Object.is(log10(x), Math.log10(x))) differ++;
    }
    expect(differ).toBe(0);
  });

  it('the scores really move: intervals widen where ranges are, and stay points elsewhere', () => {
    const s = settings();
    const r = summarize(matrix, runChunks(matrix, s, allChunks(s.draws)), s, 0.9);
    const widths = r.allies.flatMap((a) => a.scores.map((x) => (x.high ?? 0) - (x.low ?? 0)));
    expect(Math.max(...widths)).toBeGreaterThan(5);
    expect(r.allies[0].net.high).toBeGreaterThan(r.allies[0].net.low);
  });

  it('every path traces the same nets and ranks draw by draw, and tracing changes no result', () => {
    const rows = [0, 3, matrix.n - 1];
    for (const s of [settings({ draws: 3000 }), settings({ draws: 3000, data: false, judgments: false })]) {
      const traces = [{}, { wasm: false }, { general: true }].map((options) => {
        const trace = drawTrace(rows, s.draws);
        const acc = runChunks(matrix, s, allChunks(s.draws), { ...options, trace });
        expect(acc).toEqual(runChunks(matrix, s, allChunks(s.draws), options));
        return trace;
      });
      expect(traces[1]).toEqual(traces[0]);
      expect(traces[2]).toEqual(traces[0]);
      // Ranks are 1..n, and every draw was written.
      expect(Math.min(...traces[0].ranks)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...traces[0].ranks)).toBeLessThanOrEqual(matrix.n);
      expect(new Set(traces[0].nets).size).toBeGreaterThan(s.draws);
    }
  });

  it('a run without score histograms gives the same totals and ranks, and no score intervals', () => {
    const s = settings();
    const kept = summarize(matrix, runChunks(matrix, s, allChunks(s.draws)), s, 0.9);
    const quiet = settings({ scores: false });
    const bare = summarize(matrix, runChunks(matrix, quiet, allChunks(quiet.draws)), quiet, 0.9);
    expect(bare.allies.map((a) => [a.net, a.rankProbabilities, a.pNetPositive])).toEqual(kept.allies.map((a) => [a.net, a.rankProbabilities, a.pNetPositive]));
    expect(bare.allies.every((a) => a.scores.length === 0)).toBe(true);
    expect(kept.allies.every((a) => a.scores.length === matrix.m)).toBe(true);
  });
});
