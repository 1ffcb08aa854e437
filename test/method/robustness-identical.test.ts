// Robustness results do not move when the engine is made faster: the score matrix of the shipped
// evidence (default methodology, 64 allies x 26 items, 17 uncertain items), frozen in
// fixtures/robustness-identical.json, run under several settings; each result's digest (SHA-256
// of its JSON) must equal the one recorded before the change. The kernel and the JavaScript
// reference are both checked. UPDATE_ROBUSTNESS_FIXTURE=1 rewrites the digests (only for a
// documented change of results).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allChunks, drawBuffers, runChunks, runSweep, summarize } from '../../src/method/robustness.ts';
import type { DrawSettings, ScoreMatrix } from '../../src/method/robustness.ts';

const FIXTURE = new URL('./fixtures/robustness-identical.json', import.meta.url);

interface Fixture {
  matrix: unknown;
  levels: number[];
  digests: Record<string, string>;
}

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('f64' in o) return Float64Array.from(o.f64 as (number | string)[], Number);
    if ('i32' in o) return Int32Array.from(o.i32 as number[]);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
const matrix = decode(fixture.matrix) as ScoreMatrix;
const logMultiplier = { kind: 'log-multiplier', low: 0.5, high: 2 } as const;
const base: DrawSettings = { draws: 2000, seed: 20261122, weights: logMultiplier, data: true, judgments: true };

/** name -> settings of a run; 17,000 and 9,000 draws span several chunks (8,192 draws each). */
const runs: Record<string, DrawSettings> = {
  'full 2000': base,
  'full 9000 seed 7': { ...base, draws: 9000, seed: 7 },
  'data only 2000 seed 3': { ...base, seed: 3, judgments: false },
  'judgments only 2000 seed 4': { ...base, seed: 4, data: false },
  'full without score histograms 2000': { ...base, scores: false },
  'weights 17000 seed 3': { ...base, draws: 17000, seed: 3, data: false, judgments: false },
  'dirichlet full 2000 seed 11': { ...base, seed: 11, weights: { kind: 'dirichlet', concentration: 50 } },
  'dirichlet weights 5000 seed 12': { ...base, draws: 5000, seed: 12, weights: { kind: 'dirichlet', concentration: 50 }, data: false, judgments: false },
  'uniform weights 17000 seed 5': { ...base, draws: 17000, seed: 5, weights: { kind: 'uniform-multiplier', low: 0.7, high: 1.3 }, data: false, judgments: false },
  'fixed weights full 2000 seed 6': { ...base, seed: 6, weights: { kind: 'fixed' } },
};

const digest = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');

function computed(wasm: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, s] of Object.entries(runs)) out[name] = digest(summarize(matrix, runChunks(matrix, s, allChunks(s.draws), { wasm }), s, 0.9));
  return out;
}

describe('robustness results are those recorded before the engine changed', () => {
  if (process.env.UPDATE_ROBUSTNESS_FIXTURE === '1') {
    it('rewrites the digests', () => {
      const digests = computed(true);
      digests['sweep 20000'] = digest(runSweep(matrix, fixture.levels, 20000, base.seed));
      writeFileSync(FIXTURE, JSON.stringify({ ...fixture, digests }));
    });
    return;
  }

  it('the WebAssembly kernel: every setting', () => {
    expect(drawBuffers(matrix).kernel).not.toBeNull();
    const got = computed(true);
    for (const name of Object.keys(runs)) expect(`${name}: ${got[name]}`).toBe(`${name}: ${fixture.digests[name]}`);
  });

  it('the JavaScript reference: every setting', () => {
    const got = computed(false);
    for (const name of Object.keys(runs)) expect(`${name}: ${got[name]}`).toBe(`${name}: ${fixture.digests[name]}`);
  });

  it('equal nets and nets equal in single precision: the kernel ranks them as the reference does', () => {
    // Ally 0 twice (equal nets in every draw) and ally 1 with a score moved by 1e-9 (nets that
    // round to the same f32): the kernel's counting falls back to f64 counts and to its sort.
    const { n, m } = matrix;
    const scores = new Float64Array((n + 2) * m);
    scores.set(matrix.scores);
    scores.set(matrix.scores.subarray(0, m), n * m);
    scores.set(matrix.scores.subarray(m, 2 * m), (n + 1) * m);
    const excluded = (a: number) => Array.from(matrix.excludedItem.subarray(matrix.excludedStart[a], matrix.excludedStart[a + 1]));
    const moved = [...Array(m).keys()].find((k) => !excluded(1).includes(k))!;
    scores[(n + 1) * m + moved] += 1e-9;
    const excludedItem = Int32Array.from([...matrix.excludedItem, ...excluded(0), ...excluded(1)]);
    const excludedStart = Int32Array.from([...matrix.excludedStart, matrix.excludedItem.length + excluded(0).length, excludedItem.length]);
    const twins: ScoreMatrix = { ...matrix, n: n + 2, allies: [...matrix.allies, 'TWIN0', 'TWIN1'], scores, excludedStart, excludedItem };
    for (const s of [runs['weights 17000 seed 3'], runs['full 2000'], runs['fixed weights full 2000 seed 6']]) {
      const kernel = summarize(twins, runChunks(twins, s, allChunks(s.draws)), s, 0.9);
      const reference = summarize(twins, runChunks(twins, s, allChunks(s.draws), { wasm: false }), s, 0.9);
      expect(digest(kernel)).toBe(digest(reference));
      if (s.data || s.judgments) continue;
      // Weights only, ties go by index: the twin of ally 0 always ranks right below it.
      const at = (ally: string) => kernel.allies.find((a) => a.ally === ally)!.rankProbabilities;
      expect(at('TWIN0').slice(1)).toEqual(at(matrix.allies[0]).slice(0, -1));
    }
  });

  it('an odd number of allies and of line items: the kernel\'s last-ally and last-item paths give the reference\'s results', () => {
    const { n, m } = matrix;
    // A copy of ally 0 added (n + 1, odd); then the last liability item left out (m - 1, odd).
    const scores = new Float64Array((n + 1) * m);
    scores.set(matrix.scores);
    scores.set(matrix.scores.subarray(0, m), n * m);
    scores[n * m] += 1e-3;
    const first = Array.from(matrix.excludedItem.subarray(matrix.excludedStart[0], matrix.excludedStart[1]));
    const allies: ScoreMatrix = {
      ...matrix, n: n + 1, allies: [...matrix.allies, 'COPY0'], scores,
      excludedStart: Int32Array.from([...matrix.excludedStart, matrix.excludedItem.length + first.length]),
      excludedItem: Int32Array.from([...matrix.excludedItem, ...first]),
    };
    const starts: number[] = [0];
    const items: number[] = [];
    const fewer = new Float64Array((n + 1) * (m - 1));
    for (let a = 0; a <= n; a++) {
      items.push(...Array.from(allies.excludedItem.subarray(allies.excludedStart[a], allies.excludedStart[a + 1])).filter((k) => k < m - 1));
      starts.push(items.length);
      fewer.set(allies.scores.subarray(a * m, a * m + m - 1), a * (m - 1));
    }
    const both: ScoreMatrix = {
      ...allies, m: m - 1, items: matrix.items.slice(0, -1), itemIndex: matrix.itemIndex.slice(0, -1), weights: matrix.weights.slice(0, -1), scores: fewer,
      excludedStart: Int32Array.from(starts), excludedItem: Int32Array.from(items), uncertain: [],
    };
    const weightsOnly = runs['weights 17000 seed 3'];
    for (const [odd, s] of [[allies, runs['full 2000']], [allies, weightsOnly], [both, weightsOnly], [both, runs['uniform weights 17000 seed 5']]] as const) {
      const kernel = summarize(odd, runChunks(odd, s, allChunks(s.draws)), s, 0.9);
      const reference = summarize(odd, runChunks(odd, s, allChunks(s.draws), { wasm: false }), s, 0.9);
      expect(`${odd.n} x ${odd.m} ${s.draws}: ${digest(kernel)}`).toBe(`${odd.n} x ${odd.m} ${s.draws}: ${digest(reference)}`);
    }
  });

  it('the sweep', () => {
    expect(digest(runSweep(matrix, fixture.levels, 20000, base.seed))).toBe(fixture.digests['sweep 20000']);
  });
});
