// Robustness: draws of weights, data and judgments; seeded, and independent of threads.
import { describe, expect, it } from 'vitest';
import { computeLedger } from '../../src/method/ledger.ts';
import { emptyAccumulator, keepsScores, logUniform, logUniformTable, runChunk } from '../../src/method/draws.ts';
import { Xoshiro128 } from '../../src/method/random.ts';
import { RobustnessPool } from '../../src/method/robustness-parallel.ts';
import {
  allChunks, CHUNK_DRAWS, baselineNets, drawBuffers, drawSettingsOf, drawTrace, matrixWeights, mergeAccumulators, orderOf, runChunks, runRobustness, runSweep, scoreMatrix, summarize,
  SWEEP_MIN_DRAWS, sweepFigures, sweepLevel, sweepSettings,
} from '../../src/method/robustness.ts';
import type { DrawSettings } from '../../src/method/robustness.ts';
import { fixtureEvidence, fixtureJudgments, fixtureMethodology } from './fixtures.ts';

const evidence = fixtureEvidence();
const methodology = fixtureMethodology(evidence);
const ledger = computeLedger({ evidence, methodology, judgments: fixtureJudgments(evidence, methodology) }, 2024);
const matrix = scoreMatrix(ledger, methodology);
const settings = (over: Partial<DrawSettings> = {}): DrawSettings => drawSettingsOf(methodology.robustness, over);

describe('the score matrix', () => {
  it('reproduces the ledger: same nets and ranks at the default weights', () => {
    const nets = baselineNets(matrix);
    matrix.allies.forEach((ally, a) => expect(nets[a]).toBeCloseTo(ledger.allies.find((l) => l.ally === ally)!.net!, 10));
    const order = [...orderOf(nets)].map((a) => matrix.allies[a]);
    expect(order).toEqual([...ledger.allies].sort((x, y) => x.rank! - y.rank!).map((l) => l.ally));
  });

  it('keeps assets first; matrixWeights rearranges methodology-order weights', () => {
    expect(matrix.items).toEqual(['capability', 'effort', 'resolve', 'disputes', 'gap']);
    expect([...matrixWeights(matrix, [1, 2, 3, 4, 5])]).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('random numbers', () => {
  it('a seed and stream give the same numbers every time; streams differ', () => {
    const a = new Xoshiro128(42, 3);
    const b = new Xoshiro128(42, 3);
    const c = new Xoshiro128(42, 4);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    const u = Array.from({ length: 10000 }, () => a.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((s, x) => s + x, 0) / u.length).toBeCloseTo(0.5, 1);
  });

  it('log-uniform multipliers are exp(a + b u) to the last bits', () => {
    const table = logUniformTable(0.5, 2);
    const a = Math.log(0.5), b = Math.log(2) - a;
    const r = new Xoshiro128(3);
    for (let i = 0; i < 10000; i++) {
      const u = r.uniform();
      expect(Math.abs(logUniform(table, u) / Math.exp(a + b * u) - 1)).toBeLessThan(1e-15);
    }
    expect(logUniform(table, 0)).toBe(0.5);
  });

  it('gamma draws have the right mean', () => {
    const r = new Xoshiro128(1);
    for (const shape of [0.3, 1, 4.5]) {
      const g = Array.from({ length: 20000 }, () => r.gamma(shape));
      expect(g.reduce((s, x) => s + x, 0) / g.length).toBeCloseTo(shape, 1);
    }
  });
});

describe('robustness runs', () => {
  it('the same seed gives the same result; another seed a different one', () => {
    const a = runRobustness(matrix, settings({ draws: 5000, seed: 11 }));
    const b = runRobustness(matrix, settings({ draws: 5000, seed: 11 }));
    const c = runRobustness(matrix, settings({ draws: 5000, seed: 12 }));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('the result does not depend on how chunks are split between threads', () => {
    const s = settings({ draws: 3 * CHUNK_DRAWS + 100, seed: 5 });
    const whole = summarize(matrix, runChunks(matrix, s, allChunks(s.draws)), s, 0.9);
    const split = mergeAccumulators(runChunks(matrix, s, [3, 1]), runChunks(matrix, s, [0, 2]));
    expect(summarize(matrix, split, s, 0.9)).toEqual(whole);
  });

  it('the WebAssembly kernel and the JavaScript path give identical results', () => {
    expect(drawBuffers(matrix).kernel).not.toBeNull();
    expect(drawBuffers(matrix, { wasm: false }).kernel).toBeNull();
    for (const weights of [{ kind: 'log-multiplier', low: 0.5, high: 2 }, { kind: 'uniform-multiplier', low: 0.7, high: 1.3 }, { kind: 'dirichlet', concentration: 20 }, { kind: 'fixed' }] as const) {
      const s = settings({ draws: CHUNK_DRAWS + 123, seed: 4, weights, data: false, judgments: false });
      const js = summarize(matrix, runChunks(matrix, s, allChunks(s.draws), { wasm: false }), s, 0.9);
      const wasm = summarize(matrix, runChunks(matrix, s, allChunks(s.draws)), s, 0.9);
      expect(wasm).toEqual(js);
    }
  });

  it('draws without totals (the sweep\'s) rank and count exactly as draws with them, on the kernel and in JavaScript, ties included', () => {
    const tied = { ...matrix, scores: Float64Array.from(matrix.scores) };
    tied.scores.set(tied.scores.subarray(0, matrix.m), matrix.m);
    for (const m of [matrix, tied]) {
      for (const weights of [{ kind: 'uniform-multiplier', low: 0.6, high: 1.4 }, { kind: 'log-multiplier', low: 0.5, high: 2 }] as const) {
        const s = settings({ draws: CHUNK_DRAWS + 321, seed: 8, weights, data: false, judgments: false });
        const full = runChunks(m, s, allChunks(s.draws));
        for (const options of [{}, { wasm: false }]) {
          const bare = runChunks(m, { ...s, totals: false }, allChunks(s.draws), options);
          expect(bare.rankCounts).toEqual(full.rankCounts);
          expect(bare.sameOrder).toBe(full.sameOrder);
          expect(bare.draws).toBe(full.draws);
          // Nothing of the totals was kept.
          expect(bare.totals.every((x) => x === 0)).toBe(true);
          expect(bare.positive.every((x) => x === 0)).toBe(true);
          expect(full.totals.some((x) => x > 0)).toBe(true);
        }
      }
    }
  });

  it('worker threads give the same result as one thread', async () => {
    const s = settings({ draws: 16 * CHUNK_DRAWS, seed: 99, data: false, judgments: false });
    const alone = drawTrace([0, 2], s.draws);
    const one = runRobustness(matrix, s, 0.9, alone);
    const pool = new RobustnessPool(2);
    try {
      const shared = drawTrace([0, 2], s.draws);
      expect(await pool.run(matrix, s, 0.9, shared)).toEqual(one);
      // The workers wrote their chunks' draws into the shared trace.
      expect(shared).toEqual(alone);
    } finally {
      await pool.close();
    }
  });

  it('a pool started early runs data, judgment and weight draws one after another with the results of one thread', async () => {
    const full = settings({ draws: 17 * CHUNK_DRAWS + 5, seed: 7 });
    const weights = settings({ draws: 16 * CHUNK_DRAWS, seed: 8, data: false, judgments: false });
    const pool = new RobustnessPool(2);
    try {
      pool.prestart(full.draws);
      expect(await pool.run(matrix, full)).toEqual(runRobustness(matrix, full));
      expect(await pool.run(matrix, weights)).toEqual(runRobustness(matrix, weights));
      expect(await pool.run(matrix, { ...full, scores: false })).toEqual(runRobustness(matrix, { ...full, scores: false }));
    } finally {
      await pool.close();
    }
  });

  it('chunks folded a few at a time (runChunks) give what chunks folded one by one give', () => {
    // More than seven chunks: the kernel's u16 counts are folded before they could overflow.
    for (const s of [settings({ draws: 9 * CHUNK_DRAWS, seed: 3 }), settings({ draws: 9 * CHUNK_DRAWS, seed: 4, data: false, judgments: false })]) {
      const one = emptyAccumulator(matrix, keepsScores(s));
      const buf = drawBuffers(matrix);
      for (const c of allChunks(s.draws)) runChunk(matrix, s, c, one, buf);
      expect(runChunks(matrix, s, allChunks(s.draws))).toEqual(one);
    }
  });

  it('rank probabilities sum to 1 for every ally and every rank', () => {
    const r = runRobustness(matrix, settings({ draws: 4000 }));
    for (const a of r.allies) expect(a.rankProbabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    for (let rank = 0; rank < matrix.n; rank++) expect(r.allies.reduce((s, a) => s + a.rankProbabilities[rank], 0)).toBeCloseTo(1, 12);
  });

  it('with fixed weights and no data or judgment draws, every interval is the baseline', () => {
    const r = runRobustness(matrix, settings({ draws: 500, weights: { kind: 'fixed' }, data: false, judgments: false }));
    expect(r.pSameOrder).toBe(1);
    for (const a of r.allies) {
      expect(a.net.min).toBe(a.baseline.net);
      expect(a.net.max).toBe(a.baseline.net);
      expect(a.rankProbabilities[a.baseline.rank - 1]).toBe(1);
      expect(a.pNetPositive).toBe(a.baseline.net > 0 ? 1 : 0);
    }
  });

  it('intervals contain the baseline and widen with the weight bounds', () => {
    const narrow = runRobustness(matrix, settings({ draws: 4000, weights: { kind: 'log-multiplier', low: 0.9, high: 1.1 }, data: false, judgments: false }));
    const wide = runRobustness(matrix, settings({ draws: 4000, weights: { kind: 'log-multiplier', low: 0.5, high: 2 }, data: false, judgments: false }));
    for (let a = 0; a < matrix.n; a++) {
      const w = wide.allies[a];
      expect(w.net.min).toBeLessThanOrEqual(w.baseline.net + 1e-9);
      expect(w.net.max).toBeGreaterThanOrEqual(w.baseline.net - 1e-9);
      expect(w.net.high - w.net.low).toBeGreaterThanOrEqual(narrow.allies[a].net.high - narrow.allies[a].net.low);
    }
  });

  it('a Dirichlet with a large concentration stays near the default weights', () => {
    const r = runRobustness(matrix, settings({ draws: 2000, weights: { kind: 'dirichlet', concentration: 1e6 }, data: false, judgments: false }));
    for (const a of r.allies) expect(a.net.high - a.net.low).toBeLessThan(0.5);
  });

  it('judgment ranges give score intervals; judgments without a range do not move', () => {
    const r = runRobustness(matrix, settings({ draws: 4000, weights: { kind: 'fixed' }, data: false, judgments: true }));
    const resolve = (ally: string) => r.allies.find((a) => a.ally === ally)!.scores.find((s) => s.item === 'resolve')!;
    // AAA: 3 in [2, 4] on a 0-4 scale -> 75 in [50, 100]; CCC: 2 with no range.
    expect(resolve('AAA').baseline).toBe(75);
    expect(resolve('AAA').low).toBeGreaterThanOrEqual(50);
    expect(resolve('AAA').low).toBeLessThan(75);
    expect(resolve('AAA').high).toBeGreaterThan(75);
    expect(resolve('CCC').high! - resolve('CCC').low!).toBeLessThanOrEqual(0.5);
    // Items with no range (data are not drawn here) are points at the baseline.
    const capability = r.allies[0].scores.find((s) => s.item === 'capability')!;
    expect([capability.low, capability.high]).toEqual([capability.baseline, capability.baseline]);
    expect(r.allies[0].scores).toHaveLength(matrix.m);
  });

  it('each draw ranks from the previous draw\'s order, and gets the ranking a full sort gives (ties by index)', () => {
    // Two allies made equal (same scores, same exclusions) tie in every draw: the lower index ranks first.
    const tied = { ...matrix, scores: Float64Array.from(matrix.scores) };
    tied.scores.set(tied.scores.subarray(0, matrix.m), matrix.m);
    const sameExclusions = [...matrix.excludedItem.subarray(matrix.excludedStart[0], matrix.excludedStart[1])].join() === [...matrix.excludedItem.subarray(matrix.excludedStart[1], matrix.excludedStart[2])].join();
    expect(sameExclusions).toBe(true);
    const rows = Array.from({ length: matrix.n }, (_, a) => a);
    for (const m of [matrix, tied]) {
      for (const options of [{}, { wasm: false }]) {
        for (const s of [settings({ draws: CHUNK_DRAWS + 500, seed: 3, data: false, judgments: false }), settings({ draws: 2000, seed: 3 })]) {
          const trace = drawTrace(rows, s.draws);
          runChunks(m, s, allChunks(s.draws), { ...options, trace });
          for (let d = 0; d < s.draws; d++) {
            const nets = trace.nets.slice(d * m.n, (d + 1) * m.n);
            const expected = new Int16Array(m.n);
            orderOf(nets).forEach((a, r) => (expected[a] = r + 1));
            expect(trace.ranks.slice(d * m.n, (d + 1) * m.n)).toEqual(expected);
          }
          if (m === tied) for (let d = 0; d < s.draws; d++) expect(trace.ranks[d * m.n]).toBeLessThan(trace.ranks[d * m.n + 1]);
        }
      }
    }
  });

  it('the sweep is sized by its own convergence: the result of a plain run of the draws it used, the same on threads', async () => {
    const levels = [0.1, 0.5];
    const max = 40 * CHUNK_DRAWS;
    const sweep = runSweep(matrix, levels, max, 2);
    for (const [i, level] of sweep.entries()) {
      expect(level.draws).toBeGreaterThanOrEqual(SWEEP_MIN_DRAWS);
      expect(level.draws).toBeLessThanOrEqual(max);
      expect(level).toEqual(sweepLevel(levels[i], runRobustness(matrix, sweepSettings(levels[i], i, level.draws, 2))));
    }
    // ±50% on the fixture is stable from 98,304 draws on: three blocks alike, then it stops,
    // and the full count prints the same figures.
    expect(sweep[1].draws).toBe(5 * 4 * CHUNK_DRAWS);
    expect(sweepFigures(sweepLevel(0.5, runRobustness(matrix, sweepSettings(0.5, 1, max, 2))))).toBe(sweepFigures(sweep[1]));
    const pool = new RobustnessPool(2);
    try {
      expect(await pool.sweep(matrix, levels, max, 2)).toEqual(sweep);
    } finally {
      await pool.close();
    }
    // Below the minimum, a level runs every draw asked for, as before.
    expect(runSweep(matrix, [0.3], 5000, 2)[0]).toEqual(sweepLevel(0.3, runRobustness(matrix, sweepSettings(0.3, 0, 5000, 2))));
  });

  it('the ASPI-style sweep: small moves keep the ranking more often than large ones', () => {
    const [small, large] = runSweep(matrix, [0.1, 0.5], 3000, 1);
    expect(small.change).toBe(0.1);
    expect(small.pSameOrder).toBeGreaterThanOrEqual(large.pSameOrder);
    for (const a of small.allies) expect(a.pSameRank).toBeGreaterThanOrEqual(0);
  });
});
