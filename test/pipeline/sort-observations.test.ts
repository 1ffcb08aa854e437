// The build sorts each transform's observations by indicator, country, counterpart, year and
// source (stable). sortObservations ranks each row once and sorts numbers; its order must be the
// comparison's, row for row, on any rows: ties kept in their order, texts compared as JavaScript
// compares them, and rows of another shape (a year that is not whole) sorted by the comparison.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { orderByKey, sortObservations } from '../../src/pipeline/observations.ts';

const text = (x: string, y: string) => (x === y ? 0 : x < y ? -1 : 1);
const compare = (a: Observation, b: Observation) => text(a.indicator, b.indicator) || text(a.country, b.country) || text(a.counterpart, b.counterpart)
  || (a.year === b.year ? 0 : a.year - b.year) || text(a.source, b.source);

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

function rows(n: number, seed: number): Observation[] {
  const next = random(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)];
  return Array.from({ length: n }, (_, i) => ({
    // Texts that compare by code unit: capitals before small letters, a prefix before its longer word, non-ASCII last.
    country: pick(['JPN', 'KOR', 'DEU', 'Deu', 'USA']), counterpart: pick(['', '', 'CHN', 'RUS']),
    indicator: pick(['milex', 'milex_share', 'Milex', 'gdp', 'gdp_é']), year: pick([1816, 1950, 2000, 2024, -5, 0]),
    value: i, low: null, high: null, source: pick(['a', 'b', 'ab']), locator: `row ${i}`, flags: [], note: '',
  }));
}

describe('sortObservations', () => {
  it('orders rows as the comparison does, stable, ties (duplicates) kept in their order', () => {
    for (const [n, seed] of [[0, 1], [1, 2], [2, 3], [500, 4], [5000, 5]]) {
      const obs = rows(n, seed);
      const sorted = sortObservations(obs);
      const expected = [...obs].sort(compare);
      expect(sorted.map((o) => o.value)).toStrictEqual(expected.map((o) => o.value));
      expect(obs.map((o) => o.value)).toStrictEqual(obs.map((_, i) => i)); // the input is left as it was
    }
  });

  it('sorts rows of another shape by the comparison itself', () => {
    const obs = rows(200, 6);
    obs[7] = { ...obs[7], year: 1999.5 };
    obs[9] = { ...obs[9], year: 2 ** 60 };
    expect(sortObservations(obs).map((o) => o.value)).toStrictEqual([...obs].sort(compare).map((o) => o.value));
  });
});

describe('orderByKey', () => {
  it('orders row indices by key, ties in index order, for keys of any size up to 2^53', () => {
    const next = random(9);
    for (const [n, bound] of [[0, 1], [1, 1], [2, 1], [1000, 3], [5000, 2 ** 11], [5000, 2 ** 22 + 5], [3000, 2 ** 32], [3000, 2 ** 33 + 1], [3000, 2 ** 53]]) {
      // Keys below the bound, many repeated (a few distinct values, then any), and the bound's last key.
      const key = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? Math.floor(next() * 4) * Math.floor(bound / 4) : Math.floor(next() * bound)));
      if (n > 0) key[n - 1] = bound - 1;
      const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => key[a] - key[b] || a - b);
      expect([...orderByKey(key, bound)], `${n} rows below ${bound}`).toStrictEqual(expected);
    }
  });
});
