// Transforms write their observations as columns (src/pipeline/observation-columns.ts) and the
// build checks, sorts and writes those: every file, store chunk and error must be the one the same
// observations give as a list of objects. Rows the columns cannot give back exactly turn the
// columns back into objects; locators made by a pattern are written from its numbers, and must be
// encoded as reading their text encodes them.
import { describe, expect, it } from 'vitest';
import { plainlyValid } from '../../src/evidence/check.ts';
import type { Observation } from '../../src/evidence/schema.ts';
import { LocatorPattern, ObservationColumns } from '../../src/pipeline/observation-columns.ts';
import { writeCsv } from '../../src/pipeline/observation-chunks.ts';
import { OBSERVATIONS_HEADER, prepareObservations } from '../../src/pipeline/observations.ts';
import type { PreparedObservations } from '../../src/pipeline/observations.ts';
import type { Transform } from '../../src/pipeline/transform.ts';

const t = { id: 'x', indicators: [{ id: 'x' }, { id: 'y' }] } as unknown as Transform;
const SOURCES = new Set(['src', 'other']);
const hasCountry = (iso: string) => iso !== 'XXX';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const LOCATORS = ['file.csv row 12', 'a "quoted", comma', 'line\nbreak', 'v7_2025-03-13.csv row 0 col 012', '123', 'NUL\u0000inside 5', 'Côte d\'Ivoire 🛡 9'];

/** Rows in no particular order, each key once: texts to quote, numbers, ranges, flags, missing values. */
function rows(n: number, seed: number): Observation[] {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const out: Observation[] = [];
  const seen = new Set<string>();
  while (out.length < n) {
    const o: Observation = {
      country: pick(['JPN', 'KOR', 'DEU', 'AUS']), counterpart: pick(['', '', 'CHN', 'RUS']), indicator: pick(['x', 'y']),
      year: 1950 + Math.floor(next() * 75), value: pick([null, 0, 1.25, -3, 1e21, 123456789.5]), low: pick([null, null, 0.5]), high: pick([null, 2]),
      source: pick(['src', 'other']), locator: `${pick(LOCATORS)} ${out.length}`, flags: [], note: pick(['', 'a note', 'a "quoted" note, with a comma']),
    };
    o.flags = o.value === null ? pick([['missing'], ['missing', 'uncertain']]) : pick([[], ['estimate'], ['derived', 'uncertain']]);
    const key = `${o.country}|${o.counterpart}|${o.indicator}|${o.year}|${o.source}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(o);
  }
  return out;
}

function columnsOf(list: readonly Observation[]): ObservationColumns {
  const c = new ObservationColumns();
  for (const o of list) c.push(o);
  return c;
}

/**
 * What the build writes of a prepared file, once the CSV thread has done its part (the rows put in
 * order, the CSV, the keys: writeCsv): its bytes, keys, store chunk (when kept) and count.
 */
function taken(p: PreparedObservations) {
  const done = p.csvFromColumns ? writeCsv(p.chunk!, OBSERVATIONS_HEADER, p.order) : null;
  const { csv, ...keys } = done?.file ?? p.file!;
  return { csv: Buffer.from(done?.csv ?? csv).toString('utf8'), keys, chunk: done?.chunk ?? p.chunk, count: p.count };
}

function errorOf(f: () => unknown): string | null {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return null;
}

describe('observations written as columns', () => {
  it('give the file, keys and store chunk that the same observations give as a list, stored or not, made here or on the CSV thread', () => {
    for (const [n, seed] of [[0, 1], [1, 2], [300, 3], [3000, 4]]) {
      const list = rows(n, seed);
      for (const store of ['observations/x.csv', null]) {
        for (const later of [true, false]) {
          const fromColumns = taken(prepareObservations(t, columnsOf(list), SOURCES, hasCountry, store, later));
          expect(fromColumns).toStrictEqual(taken(prepareObservations(t, list, SOURCES, hasCountry, store, later)));
          expect(fromColumns.count).toBe(n);
        }
      }
    }
  });

  it('give back the observations written, in their order', () => {
    const list = rows(500, 5);
    const columns = columnsOf(list);
    expect(columns.columns()).not.toBeNull();
    expect(columns.length).toBe(500);
    expect(columns.toObservations()).toStrictEqual(list);
  });

  it('turn back into objects at the first row they cannot give back exactly, and then fail or pass as the list does', () => {
    const list = rows(200, 6);
    const variants: Partial<Observation>[] = [
      { value: NaN }, { high: Infinity }, { value: -0 }, { low: -0 }, { year: 1999.5 }, { year: 1700 }, { flags: ['bogus'] as unknown as Observation['flags'] },
      { flags: 'missing' as unknown as Observation['flags'] }, { country: 'jpn' }, { counterpart: 'X' }, { locator: '' }, { note: null as unknown as string },
      { value: '12' as unknown as number },
    ];
    for (const change of variants) {
      const changed = list.map((o, i) => (i === 120 ? { ...o, ...change } : o));
      const columns = columnsOf(changed);
      expect(columns.columns(), JSON.stringify(change)).toBeNull();
      const back = columns.toObservations();
      expect(back).toStrictEqual(changed);
      expect(back[120]).toBe(changed[120]); // the row itself, from there on
      const asColumns = errorOf(() => prepareObservations(t, columnsOf(changed), SOURCES, hasCountry, 'observations/x.csv', true));
      expect(asColumns, JSON.stringify(change)).toBe(errorOf(() => prepareObservations(t, changed, SOURCES, hasCountry, 'observations/x.csv', true)));
    }
  });

  it('take a row exactly when plainlyValid, the schema\'s fast check, does and it holds no -0', () => {
    const base: Observation = { country: 'JPN', counterpart: '', indicator: 'x', year: 2000, value: 1, low: null, high: null, source: 'src', locator: 'a', flags: [], note: '' };
    const changes: Partial<Record<keyof Observation, unknown[]>> = {
      country: ['JPN', 'JP', 'JPNX', 'jpn', '', 7, null], counterpart: ['', 'CHN', 'CH', 'chn', null],
      year: [1799, 1800, 2100, 2101, 1999.5, -0, NaN, '2000', null], value: [null, 0, -0, 1.5, NaN, Infinity, -Infinity, '1'],
      low: [null, -0, -2, NaN], high: [null, 3, Infinity], locator: ['', 'a', 5], note: ['', 'n', null],
      flags: [[], ['missing'], ['estimate', 'derived'], ['bogus'], 'missing', [''], ['missing;estimate']], indicator: ['x', 3], source: ['src', null],
    };
    let checked = 0;
    for (const [field, values] of Object.entries(changes)) {
      for (const v of values!) {
        const o = { ...base, [field]: v } as Observation;
        const columns = new ObservationColumns();
        columns.push(o);
        const negativeZero = [o.value, o.low, o.high].some((x) => Object.is(x, -0));
        expect(columns.columns() !== null, `${field} = ${JSON.stringify(v)}`).toBe(plainlyValid(o) && !negativeZero);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('stop at the row and with the error the list stops at: indicator, source, country, counterpart, an unflagged missing value, a duplicate', () => {
    const list = rows(400, 7);
    const bad: [number, Partial<Observation>][] = [
      [10, { indicator: 'undeclared' }], [20, { source: 'unknown' }], [30, { country: 'XXX' }], [40, { counterpart: 'XXX' }],
      [50, { value: null, flags: [] }], [60, { value: null, flags: ['estimate'] }],
    ];
    for (const [at, change] of bad) {
      // Two bad rows, the later one bad in another way: the first in the order written is the one named.
      const changed = list.map((o, i) => (i === at ? { ...o, ...change } : i === at + 200 ? { ...o, indicator: 'undeclared' } : o));
      const error = errorOf(() => prepareObservations(t, changed, SOURCES, hasCountry, null));
      expect(error).not.toBeNull();
      expect(errorOf(() => prepareObservations(t, columnsOf(changed), SOURCES, hasCountry, null)), JSON.stringify(change)).toBe(error);
    }
    // A duplicate key (the second row of the key is named, with the first's locator), and two.
    const twice = [...list.slice(0, 300), { ...list[250], locator: 'again.csv row 7', value: 1 }, ...list.slice(300), { ...list[5], locator: 'last' }];
    const duplicate = errorOf(() => prepareObservations(t, twice, SOURCES, hasCountry, null));
    expect(duplicate).toMatch(/^again\.csv row 7: duplicate observation: .* also at /);
    expect(errorOf(() => prepareObservations(t, columnsOf(twice), SOURCES, hasCountry, null))).toBe(duplicate);
  });
});

describe('locators made by a pattern', () => {
  it('are encoded as their text is, whatever the texts around the numbers hold', () => {
    const patterns = [
      new LocatorPattern('file.csv row ', ''),
      new LocatorPattern('v7_2025-03-13.csv row ', ', column x9 "quoted"'),
      new LocatorPattern('', ' and ', ' end'),
      new LocatorPattern('rows ', '-', ''),
      new LocatorPattern('0', ''), // a lone zero: a run of its own, before the number
      new LocatorPattern('1234567890 row ', ' 00 '), // runs too long, or with a leading zero, stay text
      new LocatorPattern('Côte d\'Ivoire 🛡 ', ','),
    ];
    // Numbers that are runs, and some that are not (read as text instead).
    const numbers = [0, 7, 10, 999_999_999, 1_000_000_000, -3, 1.5, 2 ** 40];
    const list: Observation[] = [];
    const patterned = new ObservationColumns();
    let year = 1800;
    for (const p of patterns) {
      for (const a of numbers) {
        for (const b of [5, 0, -1]) {
          const o: Observation = { country: 'JPN', counterpart: '', indicator: 'x', year: year++, value: 1, low: null, high: null, source: 'src', locator: p.text(a, b), flags: [], note: '' };
          list.push(o);
          patterned.push(o, p); // as a transform writes it: the pattern's last text
        }
      }
    }
    const read = columnsOf(list);
    expect(patterned.columns()).not.toBeNull();
    expect(patterned.toObservations()).toStrictEqual(list);
    expect(taken(prepareObservations(t, patterned, SOURCES, hasCountry, 'observations/x.csv', false)))
      .toStrictEqual(taken(prepareObservations(t, read, SOURCES, hasCountry, 'observations/x.csv', false)));
  });

  it('write a locator from their numbers only when it is the text they made last; any other is read', () => {
    const p = new LocatorPattern('file.csv row ', '');
    const first = p.text(1);
    expect(p.made(first)).toBe(true);
    p.text(2);
    expect(p.made(first)).toBe(false);
    expect(p.made('file.csv row 2')).toBe(true); // the same text, made elsewhere
    const row = (locator: string, year: number): Observation => ({ country: 'JPN', counterpart: '', indicator: 'x', year, value: 1, low: null, high: null, source: 'src', locator, flags: [], note: '' });
    const columns = new ObservationColumns();
    columns.push(row(first, 2000), p); // not the last text: read
    columns.push(row(p.text(3), 2001), p);
    columns.push(row('another.csv row 4', 2002), p); // not the pattern's: read
    expect(columns.toObservations().map((o) => o.locator)).toStrictEqual(['file.csv row 1', 'file.csv row 3', 'another.csv row 4']);
  });

  it('refuse texts a number would merge with (a digit beside it, two numbers side by side, a NUL): their locators are read', () => {
    for (const parts of [['row 1', ''], ['row ', '2 x'], ['a', '', 'b'], ['a\u0000', '']]) expect(new LocatorPattern(...parts).shape, parts.join('|')).toBeNull();
    expect(() => new LocatorPattern('only one text')).toThrow(/one or two numbers/);
    const p = new LocatorPattern('row 1', '');
    const columns = new ObservationColumns();
    columns.push({ country: 'JPN', counterpart: '', indicator: 'x', year: 2000, value: 1, low: null, high: null, source: 'src', locator: p.text(23), flags: [], note: '' }, p);
    expect(columns.toObservations()[0].locator).toBe('row 123');
  });
});
