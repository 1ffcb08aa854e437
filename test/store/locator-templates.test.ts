// The store keeps a locator as a template (the text between the runs of digits that String(number)
// gives back unchanged) and the runs as numbers. The encoder finds a row's template three ways
// (the row before's, one of the same skeleton hash, a new one); whichever way, the templates, their
// ids and the numbers must be those of reading each locator plainly, as written out below.
import { describe, expect, it } from 'vitest';
import { OBSERVATION_COLUMNS } from '../../src/evidence/schema.ts';
import type { Observation } from '../../src/evidence/schema.ts';
import { OBSERVATION_FIELDS } from '../../src/pipeline/observations.ts';
import { ColumnEncoder } from '../../src/store/evidence-store.ts';

/** The templates of `locators` read plainly: ids in the order first met, plain and split ones apart. */
function reference(locators: string[]) {
  const ids = new Map<string, number>();
  const plainIds = new Map<string, number>();
  const keys: { key: string; plain: boolean }[] = [];
  const template: number[] = [];
  const nums: number[] = [];
  const numStart: number[] = [];
  for (const s of locators) {
    numStart.push(nums.length);
    const plain = s.includes('\u0000');
    let key = s;
    if (!plain) {
      const parts: string[] = [];
      let last = 0;
      for (const m of s.matchAll(/[0-9]+/g)) {
        const run = m[0];
        if (run.length <= 9 && (run[0] !== '0' || run.length === 1)) {
          parts.push(s.slice(last, m.index));
          nums.push(Number(run));
          last = m.index + run.length;
        }
      }
      parts.push(s.slice(last));
      key = parts.join('\u0000');
    }
    const map = plain ? plainIds : ids;
    let id = map.get(key);
    if (id === undefined) {
      id = keys.length;
      map.set(key, id);
      keys.push({ key, plain });
    }
    template.push(id);
  }
  return { template, nums, numStart, keys };
}

function encode(locators: string[]) {
  const rows: Observation[] = locators.map((locator, i) => ({
    country: 'JPN', counterpart: '', indicator: 'x', year: 2000 + (i % 50), value: i, low: null, high: null, source: 's', locator, flags: [], note: '',
  }));
  const enc = new ColumnEncoder(rows.length);
  enc.addObservations(0, OBSERVATION_COLUMNS, rows, OBSERVATION_FIELDS, 'observations/x.csv');
  const c = enc.toChunk();
  return { template: [...c.template], nums: [...c.nums], numStart: [...c.numStart], keys: c.templates };
}

/** A small seeded generator (the same locators every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

describe('locator templates', () => {
  it('are those of reading each locator plainly, where templates take turns, repeat, or nearly match', () => {
    const locators = [
      // A workbook's columns taking turns (the same row, one column after another), then again.
      ...['D', 'E', 'F', 'D', 'E', 'F'].flatMap((col, i) => [`book.xlsx sheet "Share 2023" cell ${col}${100 + (i % 3)}`]),
      // Runs that stay text: leading zeros, ten digits; a run at either end; no run at all.
      'row 0012 and row 1234567890123 and row 0', 'row 012', 'row 12', '7 rows', 'rows 7', '', 'no digits', '0', '00', '123456789', '1234567890',
      // Nearly the same: one part longer or shorter, a run added, a letter for a digit.
      'a1b2', 'a1b22', 'a11b2', 'a1b2c', 'a1bb2', 'a1b2', 'ab2', 'a1b', 'a1b2', 'aXb2',
      // A NUL keeps the text whole (a plain template), and is never taken for a split one.
      'a\u0000b 12', 'a\u0000b 12', 'a\u0000b 13', 'a 12', '\u0000', 'x 5\u0000',
      // Other characters than ASCII.
      'Côte d\'Ivoire row 17', 'Côte d\'Ivoire row 18', 'emoji 🛡 row 3', 'emoji 🛡 row 3',
    ];
    // Only the last run changing, the columns of a sheet taking turns, an earlier run changing
    // too, a last run that stays text.
    for (let k = 0; k < 5000; k++) {
      locators.push(`sheet 2024 cell ${'DEF'[k % 3]}${100 + Math.floor(k / 3)}`, `row ${k}, column cinc`, `report ${k} line ${k % 7} (x)`, `row ${k % 5} col 0${k % 3}`);
    }
    const next = random(20261207);
    const alphabet = ['a', 'b', ' ', '0', '1', '2', '9', '0', '5', '\u0000', 'é'];
    for (let i = 0; i < 3000; i++) {
      const length = Math.floor(next() * 14);
      let s = '';
      for (let k = 0; k < length; k++) {
        const pick = next();
        // NUL rarely: most locators take the split templates' paths.
        s += pick < 0.02 ? '\u0000' : alphabet[Math.floor(next() * (alphabet.length - 1))];
      }
      locators.push(s);
      // Templates that recur after others: an earlier locator again, or with its runs changed.
      if (next() < 0.3) locators.push(locators[Math.floor(next() * locators.length)].replace(/[1-9]/g, () => String(1 + Math.floor(next() * 9))));
    }
    expect(encode(locators)).toStrictEqual(reference(locators));
    // Every skeleton in one list: each template there is checked against the locator's text.
    const bits = ColumnEncoder.skeletonHashBits;
    try {
      ColumnEncoder.skeletonHashBits = 0;
      expect(encode(locators)).toStrictEqual(reference(locators));
    } finally {
      ColumnEncoder.skeletonHashBits = bits;
    }
  });
});
