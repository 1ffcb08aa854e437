// The build's observation writer (observationsCsv: cells copied into one buffer, repeats copied
// from the row before) writes byte for byte what toCsv writes, for every kind of text cell: the
// fast ASCII copy and the general path that quotes.
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/evidence/csv.ts';
import { OBSERVATION_COLUMNS } from '../../src/evidence/schema.ts';
import type { Observation } from '../../src/evidence/schema.ts';
import { spawnSync } from 'node:child_process';
import type { Worker } from 'node:worker_threads';
import { chunkCsv } from '../../src/pipeline/csv-bytes.ts';
import { CsvWriter } from '../../src/pipeline/csv-writer.ts';
import { writeCsv } from '../../src/pipeline/observation-chunks.ts';
import type { WrittenCsv } from '../../src/pipeline/observation-chunks.ts';
import { OBSERVATION_FIELDS, OBSERVATIONS_HEADER, observationsCsv, prepareObservations } from '../../src/pipeline/observations.ts';
import type { Transform } from '../../src/pipeline/transform.ts';
import { ColumnEncoder } from '../../src/store/evidence-store.ts';

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

function fixtureRows(): Observation[] {
  const rows: Observation[] = [];
  TEXTS.forEach((t, i) => {
    rows.push(obs(i, t, TEXTS[(i + 7) % TEXTS.length]));
    rows.push(obs(i + 100, `file.csv row ${i}`, t)); // the same note as a later row's locator
    rows.push(obs(i + 200, `file.csv row ${i}`, t)); // a repeat of the row before
    rows.push(obs(i + 300, `${t} row ${i} col 0${i} and ${i}7`, t)); // a template around the text, digits kept as text
    rows.push(obs(i + 400, `${i}${t}${i}`, '')); // digits at both ends
  });
  return rows;
}

describe('observationsCsv', () => {
  it('writes what toCsv writes, for quoted, spaced, non-ASCII and plain texts alike', () => {
    const rows = fixtureRows();
    const expected = toCsv(OBSERVATION_COLUMNS, rows, (o, c) => {
      const v = (o as unknown as Record<string, unknown>)[c];
      return (Array.isArray(v) ? v.join(';') : v) as string | number | null;
    });
    expect(Buffer.from(observationsCsv(rows)).toString('utf8')).toBe(expected);
  });
});

describe('chunkCsv', () => {
  it('writes from the store\'s columns what observationsCsv writes from the observations', () => {
    const rows = fixtureRows();
    const enc = new ColumnEncoder(rows.length);
    enc.addObservations(0, OBSERVATION_COLUMNS, rows, OBSERVATION_FIELDS, 'observations/x.csv');
    expect(Buffer.from(chunkCsv(enc.toChunk(), OBSERVATIONS_HEADER)).toString('utf8')).toBe(Buffer.from(observationsCsv(rows)).toString('utf8'));
  });

  it('is used only when asked, with the store\'s columns, and a bad row stops it as it stops the writer of observations', () => {
    const t = { id: 'x', indicators: [{ id: 'x' }] } as unknown as Transform;
    const has = () => true;
    const rows = fixtureRows().map((o, i) => ({ ...o, country: 'JPN', year: 1900 + i }));
    expect(prepareObservations(t, rows, new Set(['src']), has, 'observations/x.csv', true).csvFromColumns).toBe(true);
    expect(prepareObservations(t, rows, new Set(['src']), has, null, true).csvFromColumns).toBe(false);
    expect(prepareObservations(t, rows, new Set(['src']), has, 'observations/x.csv', false).csvFromColumns).toBe(false);
    // The file's keys are the same whether read from the columns or from the observations.
    const keysOf = (later: boolean, r = rows) => {
      const { csv, ...keys } = prepareObservations(t, r, new Set(['src']), has, 'observations/x.csv', later).file!;
      return { csv: csv.length > 0, keys };
    };
    const withCounterparts = rows.map((o, i) => ({ ...o, country: i % 2 ? 'JPN' : 'KOR', counterpart: i % 3 ? 'CHN' : '' }));
    for (const r of [rows, withCounterparts, withCounterparts.map((o) => ({ ...o, counterpart: 'USA' }))]) {
      expect(keysOf(true, r)).toStrictEqual({ csv: false, keys: keysOf(false, r).keys });
      expect(keysOf(false, r).csv).toBe(true);
    }
    expect(keysOf(true, withCounterparts).keys.primaryKey).toContain('counterpart');
    // A bad row stops it with the error it gives otherwise (here the schema's, before any writer).
    const infinite = rows.map((o, i) => (i === 5 ? { ...o, high: Infinity } : o));
    const error = (later: boolean) => {
      try {
        prepareObservations(t, infinite, new Set(['src']), has, 'observations/x.csv', later);
      } catch (e) {
        return (e as Error).message;
      }
      return null;
    };
    expect(error(true)).toMatch(/column "high": invalid observation/);
    expect(error(true)).toBe(error(false));
  });
});

describe('prepareObservations', () => {
  it('stops at a duplicate observation (same country, counterpart, indicator, year and source), naming both rows; years apart are no duplicate', () => {
    const t = { id: 'x', indicators: [{ id: 'x' }] } as unknown as Transform;
    const rows = fixtureRows().map((o, i) => ({ ...o, country: 'JPN', year: 1900 + i, locator: `x.csv row ${i + 2}` }));
    expect(prepareObservations(t, rows, new Set(['src']), () => true, null).count).toBe(rows.length);
    const twice = [...rows, { ...rows[3], locator: 'x.csv row 99' }];
    expect(() => prepareObservations(t, twice, new Set(['src']), () => true, null)).toThrow(/duplicate observation: JPN x 1903 also at x\.csv row 5/);
  });
});

describe('the CSV thread', () => {
  it('writes what chunkCsv writes, and a thread that stops midway loses nothing: the rest is written on the calling thread', async () => {
    const rows = fixtureRows();
    const enc = new ColumnEncoder(rows.length);
    enc.addObservations(0, OBSERVATION_COLUMNS, rows, OBSERVATION_FIELDS, 'observations/x.csv');
    const chunk = enc.toChunk();
    const expected = Buffer.from(chunkCsv(chunk, OBSERVATIONS_HEADER)).toString('utf8');
    const writer = new CsvWriter();
    try {
      const first = await writer.write(chunk);
      expect(Buffer.from(first.csv).toString('utf8')).toBe(expected);
      const pending = Array.from({ length: 20 }, () => writer.write(chunk));
      // Stopped as a thread out of its heap would stop, with files still queued.
      await (writer as unknown as { worker: Worker }).worker.terminate();
      for (const w of await Promise.all(pending)) expect(Buffer.from(w.csv).toString('utf8')).toBe(expected);
      // The columns stay the caller's (the store reads them after).
      expect(chunk.country.byteLength).toBeGreaterThan(0);
      expect(Buffer.from((await writer.write(chunk)).csv).toString('utf8')).toBe(expected);
    } finally {
      await writer.close();
    }
  });

  it('puts the rows in the order given first, and gives back those columns and the file\'s keys, as writeCsv does here; so after it stops', async () => {
    const rows = fixtureRows().map((o, i) => ({ ...o, country: i % 2 ? 'JPN' : 'KOR', year: 1900 + i }));
    const enc = new ColumnEncoder(rows.length);
    enc.addObservations(0, OBSERVATION_COLUMNS, rows, OBSERVATION_FIELDS, 'observations/x.csv');
    const chunk = enc.toChunk();
    const order = Uint32Array.from(rows.map((_, i) => i).reverse().sort((a, b) => (rows[a].country < rows[b].country ? -1 : rows[a].country > rows[b].country ? 1 : 0)));
    const here = writeCsv(chunk, OBSERVATIONS_HEADER, order);
    expect(here.chunk.n).toBe(rows.length);
    expect([...order]).not.toStrictEqual([...order].sort((a, b) => a - b)); // not the order written
    const asText = (w: WrittenCsv) => ({ ...w, csv: Buffer.from(w.csv).toString('utf8') });
    const writer = new CsvWriter();
    try {
      expect(asText(await writer.write(chunk, order))).toStrictEqual(asText(here));
      const pending = Array.from({ length: 10 }, () => writer.write(chunk, order));
      await (writer as unknown as { worker: Worker }).worker.terminate();
      for (const w of await Promise.all(pending)) expect(asText(w)).toStrictEqual(asText(here));
    } finally {
      await writer.close();
    }
    // The order is the file's: its CSV is the observations' in that order.
    expect(Buffer.from(here.csv).toString('utf8')).toBe(Buffer.from(observationsCsv([...order].map((i) => rows[i]))).toString('utf8'));
  });

  it('keeps the process alive while a file is being written, though nothing else is pending', () => {
    // An idle thread is unref'd; were it still unref'd while writing, a process awaiting only its
    // reply would end at once, mid-build, with Node's exit code 13 (an unsettled await).
    const script = `
      import { ColumnEncoder } from './src/store/evidence-store.ts';
      import { CsvWriter } from './src/pipeline/csv-writer.ts';
      import { OBSERVATION_FIELDS } from './src/pipeline/observations.ts';
      import { OBSERVATION_COLUMNS } from './src/evidence/schema.ts';
      const row = { country: 'JPN', counterpart: '', indicator: 'x', year: 2000, value: 1, low: null, high: null, source: 's', locator: 'f.csv row 2', flags: [], note: '' };
      const enc = new ColumnEncoder(1);
      enc.addObservations(0, OBSERVATION_COLUMNS, [row], OBSERVATION_FIELDS, 'observations/x.csv');
      const writer = new CsvWriter();
      const written = await writer.write(enc.toChunk());
      process.stdout.write('bytes ' + written.csv.length);
      await writer.close();
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^bytes \d+$/);
  });
});
