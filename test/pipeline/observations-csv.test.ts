// The build's observation writer (observationsCsv: cells copied into one buffer, repeats copied
// from the row before) writes byte for byte what toCsv writes, for every kind of text cell: the
// fast ASCII copy and the general path that quotes.
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/evidence/csv.ts';
import { OBSERVATION_COLUMNS } from '../../src/evidence/schema.ts';
import type { Observation } from '../../src/evidence/schema.ts';
import { observationsCsv } from '../../src/pipeline/observations.ts';

const TEXTS = [
  'plain.csv row 12', 'a, with a comma', 'a "quoted" word', 'line\nbreak', 'carriage\rreturn', ' leading space', 'trailing space ',
  '\ttab first', 'tab last\t', 'inner\ttab', 'Côte d\'Ivoire', 'non-breaking\u00a0end\u00a0', '\u00a0', 'x', '"', ',', ' ', 'emoji 🛡 shield',
  `${'long '.repeat(40)}end`, 'mixed "quote", comma and Ünïcödé ',
];

function obs(i: number, locator: string, note: string): Observation {
  return {
    country: i % 3 === 0 ? 'JPN' : 'KOR', counterpart: '', indicator: 'x', year: 2000 + i, value: i % 4 === 0 ? null : i * 1.25,
    low: null, high: i % 5 === 0 ? i * 2 : null, source: 'src', locator, flags: i % 4 === 0 ? ['missing'] : i % 2 ? ['estimate', 'derived'] : [], note,
  };
}

describe('observationsCsv', () => {
  it('writes what toCsv writes, for quoted, spaced, non-ASCII and plain texts alike', () => {
    const rows: Observation[] = [];
    TEXTS.forEach((t, i) => {
      rows.push(obs(i, t, TEXTS[(i + 7) % TEXTS.length]));
      rows.push(obs(i + 100, `file.csv row ${i}`, t)); // the same note as a later row's locator
      rows.push(obs(i + 200, `file.csv row ${i}`, t)); // a repeat of the row before
    });
    const expected = toCsv(OBSERVATION_COLUMNS, rows, (o, c) => {
      const v = (o as unknown as Record<string, unknown>)[c];
      return (Array.isArray(v) ? v.join(';') : v) as string | number | null;
    });
    expect(Buffer.from(observationsCsv(rows)).toString('utf8')).toBe(expected);
  });
});
