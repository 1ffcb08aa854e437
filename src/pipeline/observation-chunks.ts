// An observation file's store columns (EncodedChunk, src/store/evidence-store.ts) put in the
// file's order, and what the datapackage needs of the file (its keys), worked out from them. Used
// by the build's thread and by the CSV thread (src/pipeline/csv-writer-thread.ts), which imports
// only this and src/pipeline/csv-bytes.ts.
import { createHash } from 'node:crypto';
import type { EncodedChunk } from '../store/evidence-store.ts';
import { chunkCsv } from './csv-bytes.ts';

/** The typed arrays of a chunk, for a postMessage transfer list. */
export function chunkBuffers(c: EncodedChunk): ArrayBuffer[] {
  return [c.country, c.counterpart, c.indicator, c.source, c.flags, c.note, c.year, c.value, c.low, c.high, c.mask, c.template, c.numStart, c.nums].map((a) => a.buffer as ArrayBuffer);
}

/** What the datapackage needs of an observation file, worked out while its observations are in memory. */
export interface ObservationFile {
  /** The file's bytes (UTF-8): what toCsv writes for the observations. */
  csv: Uint8Array;
  primaryKey: string[];
  required: string[];
  /** One row per distinct value of each column a foreign key may cover: inferForeignKeys gives the same answer over them as over the rows. */
  keyValues: Record<string, string>[];
}

/** What a file's key columns hold: each one's distinct values in the order first met, and which are empty somewhere. */
export interface KeyScan {
  rows: number;
  country: Set<string>;
  counterpart: Set<string>;
  indicator: Set<string>;
  source: Set<string>;
  withCounterpart: number;
  nullCountry: boolean;
  nullIndicator: boolean;
  nullYear: boolean;
  nullSource: boolean;
}

export const emptyScan = (rows: number): KeyScan => ({
  rows, country: new Set(), counterpart: new Set(), indicator: new Set(), source: new Set(), withCounterpart: 0,
  nullCountry: false, nullIndicator: false, nullYear: false, nullSource: false,
});

/**
 * The rows of a chunk in `order` (row numbers of the chunk): the chunk that encoding them in that
 * order gives (texts, notes and templates numbered as that order first meets them, each row's
 * numbers in turn).
 */
export function reorderChunk(from: EncodedChunk, order: Uint32Array): EncodedChunk {
  const n = order.length;
  // A list's entries numbered as the rows first meet them.
  const renumbered = <T>(list: readonly T[]) => {
    const ids = new Int32Array(list.length).fill(-1);
    const out: T[] = [];
    const id = (old: number): number => {
      let to = ids[old];
      if (to < 0) {
        to = ids[old] = out.length;
        out.push(list[old]);
      }
      return to;
    };
    return { out, id };
  };
  const { out: strings, id: str } = renumbered(from.strings);
  const { out: notes, id: note } = renumbered(from.notes);
  const { out: templates, id: template } = renumbered(from.templates);
  const c: EncodedChunk = {
    n, strings, notes, templates,
    country: new Uint32Array(n), counterpart: new Uint32Array(n), indicator: new Uint32Array(n), source: new Uint32Array(n), flags: new Uint32Array(n),
    note: new Uint32Array(n), year: new Int32Array(n), value: new Float64Array(n), low: new Float64Array(n), high: new Float64Array(n),
    mask: new Uint8Array(n), template: new Uint32Array(n), numStart: new Uint32Array(n), nums: new Uint32Array(from.nums.length),
  };
  const nums = from.nums;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const r = order[i];
    c.country[i] = str(from.country[r]);
    c.counterpart[i] = str(from.counterpart[r]);
    c.indicator[i] = str(from.indicator[r]);
    c.source[i] = str(from.source[r]);
    c.flags[i] = str(from.flags[r]);
    c.note[i] = note(from.note[r]);
    c.template[i] = template(from.template[r]);
    c.numStart[i] = at;
    for (let k = from.numStart[r], end = r + 1 < from.n ? from.numStart[r + 1] : from.nums.length; k < end; k++) c.nums[at++] = nums[k];
    c.year[i] = from.year[r];
    c.value[i] = from.value[r];
    c.low[i] = from.low[r];
    c.high[i] = from.high[r];
    c.mask[i] = from.mask[r];
  }
  if (at !== c.nums.length) c.nums = c.nums.slice(0, at);
  return c;
}

/**
 * observationFile of the rows a chunk encodes (its CSV left to chunkCsv), from its columns: each
 * row's texts are ids into the chunk's strings, looked at once per distinct id and column instead
 * of read from every observation.
 */
export function chunkFile(chunk: EncodedChunk): ObservationFile {
  const scan = emptyScan(chunk.n);
  const column = (ids: Uint32Array, values: Set<string>, onEmpty: () => void) => {
    const seen = new Uint8Array(chunk.strings.length);
    for (let i = 0; i < chunk.n; i++) {
      const id = ids[i];
      if (seen[id]) continue;
      seen[id] = 1;
      const v = chunk.strings[id];
      if (v === '') onEmpty();
      else values.add(v);
    }
  };
  column(chunk.country, scan.country, () => (scan.nullCountry = true));
  column(chunk.indicator, scan.indicator, () => (scan.nullIndicator = true));
  column(chunk.source, scan.source, () => (scan.nullSource = true));
  column(chunk.counterpart, scan.counterpart, () => undefined);
  const noCounterpart = chunk.strings.indexOf('');
  for (let i = 0; i < chunk.n; i++) {
    if (chunk.counterpart[i] !== noCounterpart) scan.withCounterpart++;
    if (chunk.mask[i] & 8) scan.nullYear = true;
  }
  return fileOf(scan, new Uint8Array(0));
}

export function fileOf(scan: KeyScan, csv: Uint8Array): ObservationFile {
  const { withCounterpart, rows } = scan;
  const keyed = withCounterpart === 0 ? 'none' : withCounterpart === rows ? 'all' : 'some';
  const primaryKey = keyed === 'none' ? ['country', 'indicator', 'year', 'source'] : ['country', 'counterpart', 'indicator', 'year', 'source'];
  const isNullSomewhere: Record<string, boolean> = { country: scan.nullCountry, counterpart: withCounterpart < rows, indicator: scan.nullIndicator, year: scan.nullYear, source: scan.nullSource };
  const required = primaryKey.filter((k) => !isNullSomewhere[k]);
  const keyValues: Record<string, string>[] = [];
  const distinct: [string, Set<string>][] = [['country', scan.country], ['counterpart', scan.counterpart], ['indicator', scan.indicator], ['source', scan.source]];
  for (const [c, values] of distinct) for (const v of values) keyValues.push({ [c]: v });
  return { csv, primaryKey, required, keyValues };
}

export interface WrittenCsv {
  csv: Uint8Array;
  sha256: string;
  /** The columns in the file's order (the ones given, when no order was). */
  chunk: EncodedChunk;
  /** The file's keys (its csv empty: the bytes are `csv`). */
  file: ObservationFile;
}

/** An observation file from its columns: put in `order` first when given, then its CSV (the file's first line `header`), the CSV's SHA-256 and the file's keys. */
export function writeCsv(given: EncodedChunk, header: string, order?: Uint32Array): WrittenCsv {
  const chunk = order ? reorderChunk(given, order) : given;
  const csv = chunkCsv(chunk, header);
  return { csv, sha256: createHash('sha256').update(csv).digest('hex'), chunk, file: chunkFile(chunk) };
}
