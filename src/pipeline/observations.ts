// What the build does with a transform's observations before they are written: check them, sort
// them, and make the file's CSV text, its datapackage keys and (for the evidence store) its
// columns. The same code runs in a build worker (src/pipeline/transform-worker.ts) and, for a
// single transform, on the calling thread.
import { formatCell } from '../evidence/csv.ts';
import { plainlyValid } from '../evidence/check.ts';
import { Observation as ObservationSchema, OBSERVATION_COLUMNS } from '../evidence/schema.ts';
import type { Observation } from '../evidence/schema.ts';
import { ColumnEncoder } from '../store/evidence-store.ts';
import { ByteWriter, chunkCsv } from './csv-bytes.ts';
import { ObservationColumns, observationList } from './observation-columns.ts';
import { chunkFile, emptyScan, fileOf, reorderChunk } from './observation-chunks.ts';
import type { ObservationFile } from './observation-chunks.ts';
export type { ObservationFile } from './observation-chunks.ts';
import type { EncodedChunk } from '../store/evidence-store.ts';
import { SnapshotError } from './snapshot.ts';
import type { FieldDef, Transform } from './transform.ts';


export const OBSERVATION_FIELDS: FieldDef[] = OBSERVATION_COLUMNS.map((name) => ({
  name,
  type: name === 'year' ? 'integer' : ['value', 'low', 'high'].includes(name) ? 'number' : 'string',
  description: {
    country: 'ISO code of the subject country',
    counterpart: 'ISO code of the second country for dyadic indicators, else empty',
    indicator: 'indicator id (indicators.csv)',
    year: 'calendar year (or the fiscal year the source names)',
    value: 'the value in the indicator\'s unit; empty when missing (never 0 for missing)',
    low: 'lower end of a range the source states',
    high: 'upper end of a range the source states',
    source: 'source id (sources.csv)',
    locator: 'where in the source: file and row, sheet and cell, page or table',
    flags: 'missing | estimate | imputed | uncertain | derived, ";"-separated',
    note: 'footnotes that qualify the value, or why it is missing',
  }[name],
}));

/** The first line of every observation file. */
export const OBSERVATIONS_HEADER = OBSERVATION_COLUMNS.map(formatCell).join(',');

/** A transform's observations, checked and sorted: the file, and its store columns when asked. */
export interface PreparedObservations {
  /** Its csv is empty when csvFromColumns: chunkCsv(chunk) makes it. Null when `order` is given: the file's keys come with the CSV. */
  file: ObservationFile | null;
  chunk: EncodedChunk | null;
  /** The chunk's rows in the file's order, when they are left for the CSV thread to put in it (reorderChunk): the chunk's rows are then in the order written. */
  order?: Uint32Array;
  count: number;
  csvFromColumns: boolean;
}

/**
 * Check, sort and encode one transform's observations (the order of the checks and so which
 * error a bad row gives is the build's: schema, indicator, source, country, counterpart, missing
 * flag, duplicate; then the CSV writer's, then the store's).
 */
export function prepareObservations(t: Transform, written: Observation[] | ObservationColumns, sourceIds: ReadonlySet<string>, hasCountry: (iso: string) => boolean, storeFile: string | null, csvFromColumns = false): PreparedObservations {
  const own = new Set(t.indicators.map((x) => x.id));
  const columns = written instanceof ObservationColumns ? written.columns() : null;
  const prepared = columns && prepareColumns(t, columns, own, sourceIds, hasCountry, storeFile, csvFromColumns);
  if (prepared) return prepared;
  const obs = observationList(written);
  // Each row's own checks first; duplicates are then found side by side in the sorted rows (the
  // duplicate key is the sort key). Should there be one, the checks run again in the rows' order,
  // which stops at the same row with the same error as checking row by row.
  const allPlain = validateObservations(t, obs, own, sourceIds, hasCountry, false);
  const sorted = sortObservations(obs);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (a.indicator === b.indicator && a.country === b.country && a.counterpart === b.counterpart && sameYear(a.year, b.year) && a.source === b.source) {
      validateObservations(t, obs, own, sourceIds, hasCountry, true);
    }
  }
  // The CSV from the store's columns (chunkCsv of src/pipeline/csv-bytes.ts, on another thread: src/pipeline/csv-writer.ts) when
  // asked and every row is of the plain shape whose columns give its cells back exactly; else here.
  // (A row the schema's fast check accepted is of that shape: only the others are looked at again.)
  const later = csvFromColumns && storeFile !== null && (allPlain || sorted.every(plainRow));
  // (The CSV writer's own error, a number that is not finite, cannot arise here: the schema's
  // check above refuses it first.)
  const file = later ? null : observationFile(sorted);
  let chunk: EncodedChunk | null = null;
  if (storeFile !== null) {
    const enc = new ColumnEncoder(sorted.length);
    enc.addObservations(0, OBSERVATION_COLUMNS, sorted, OBSERVATION_FIELDS, storeFile);
    chunk = enc.toChunk();
  }
  // The file's keys from the columns when its CSV is made from them (every row plain, so each
  // text is one of the chunk's strings and only the year can be empty).
  return { file: file ?? chunkFile(chunk!), chunk, count: sorted.length, csvFromColumns: later };
}

/**
 * prepareObservations of observations written as columns (src/pipeline/observation-columns.ts):
 * the same checks, order, file and chunk, worked out on the columns. A check is made once per
 * distinct text; the first row that fails one, or repeats a key, is checked as an object
 * (validateObservations), which throws the error checking the objects would have. Null when the
 * rows' sort keys do not fit one number (the objects' path then sorts them).
 */
function prepareColumns(t: Transform, enc: ColumnEncoder, own: ReadonlySet<string>, sourceIds: ReadonlySet<string>, hasCountry: (iso: string) => boolean,
  storeFile: string | null, csvFromColumns: boolean): PreparedObservations | null {
  const texts = enc.texts;
  const n = enc.n;
  const memo = (test: (s: string) => boolean) => {
    const known = new Uint8Array(texts.length); // 0: not yet asked, 1: passes, 2: fails
    return (id: number) => (known[id] ||= test(texts[id]) ? 1 : 2) === 1;
  };
  const indicatorOk = memo((s) => own.has(s));
  const sourceOk = memo((s) => sourceIds.has(s));
  const countryOk = memo(hasCountry);
  const flagsOk = memo((s) => s.split(';').includes('missing'));
  const noCounterpart = texts.indexOf('');
  const { indicator, country, counterpart, source, flags, mask, year } = enc;
  for (let r = 0; r < n; r++) {
    if (!indicatorOk(indicator[r]) || !sourceOk(source[r]) || !countryOk(country[r]) || (counterpart[r] !== noCounterpart && !countryOk(counterpart[r]))
      || ((mask[r] & 1) !== 0 && !flagsOk(flags[r]))) {
      validateObservations(t, [enc.observationAt(r)], own, sourceIds, hasCountry, false);
    }
  }
  // sortObservations' keys, from the ids.
  const ranks = (col: Uint32Array): { of: Uint32Array; count: number } => {
    const used = new Uint8Array(texts.length);
    const ids: number[] = [];
    for (let r = 0; r < n; r++) {
      const id = col[r];
      if (used[id] === 0) {
        used[id] = 1;
        ids.push(id);
      }
    }
    ids.sort((a, b) => text(texts[a], texts[b]));
    const of = new Uint32Array(texts.length);
    ids.forEach((id, i) => (of[id] = i));
    return { of, count: ids.length };
  };
  const ind = ranks(indicator);
  const cty = ranks(country);
  const cpt = ranks(counterpart);
  const src = ranks(source);
  let minYear = Infinity;
  let maxYear = -Infinity;
  for (let r = 0; r < n; r++) {
    const y = year[r];
    if (y < minYear) minYear = y;
    if (y > maxYear) maxYear = y;
  }
  const years = n === 0 ? 1 : maxYear - minYear + 1;
  const keys = ind.count * cty.count * cpt.count * years * src.count;
  if (keys > Number.MAX_SAFE_INTEGER) return null;
  const key = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    key[r] = (((ind.of[indicator[r]] * cty.count + cty.of[country[r]]) * cpt.count + cpt.of[counterpart[r]]) * years + (year[r] - minYear)) * src.count + src.of[source[r]];
  }
  const order = orderByKey(key, keys);
  let repeated = false;
  for (let i = 1; i < n && !repeated; i++) repeated = key[order[i - 1]] === key[order[i]];
  if (repeated) {
    // The first row, in the order written, whose key an earlier row has.
    const first = new Map<number, number>();
    for (let r = 0; r < n; r++) {
      const prior = first.get(key[r]);
      if (prior !== undefined) validateObservations(t, [enc.observationAt(prior), enc.observationAt(r)], own, sourceIds, hasCountry, true);
      else first.set(key[r], r);
    }
  }
  // The CSV thread puts the rows in order (and reads the file's keys) when it makes the CSV: here
  // they are only copied out of the columns, in the order written.
  if (csvFromColumns && storeFile !== null) return { file: null, chunk: enc.toChunk(), order, count: n, csvFromColumns: true };
  const chunk = reorderChunk(enc.toChunk(), order);
  const file = chunkFile(chunk);
  file.csv = chunkCsv(chunk, OBSERVATIONS_HEADER);
  return { file, chunk: storeFile !== null ? chunk : null, count: n, csvFromColumns: false };
}

/**
 * The rows' indices in the order of their keys, ties in index order (a stable sort): a radix sort,
 * 11 bits a pass, as many passes as the largest key (below `bound`, at most 2^53) needs.
 */
export function orderByKey(key: Float64Array, bound: number): Uint32Array {
  const n = key.length;
  let order = new Uint32Array(n);
  for (let r = 0; r < n; r++) order[r] = r;
  if (n < 2) return order;
  const bits = Math.ceil(Math.log2(Math.max(2, bound)));
  const wide = bits > 32;
  // The keys' low and high 32 bits, moved with the rows at each pass (read in turn, not gathered).
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(wide ? n : 0);
  for (let r = 0; r < n; r++) {
    const k = key[r];
    lo[r] = k % 4294967296;
    if (wide) hi[r] = Math.floor(k / 4294967296);
  }
  const BITS = 11;
  const counts = new Uint32Array(1 << BITS);
  let nextOrder = new Uint32Array(n);
  let nextLo = new Uint32Array(n);
  let nextHi = new Uint32Array(wide ? n : 0);
  for (let shift = 0; shift < bits; shift += BITS) {
    const high = shift >= 32;
    const word = high ? hi : lo;
    // A digit never crosses the two words: the low word's last pass takes its top bits only.
    const at = high ? shift - 32 : shift;
    const width = high ? BITS : Math.min(BITS, 32 - shift);
    const mask = (1 << width) - 1;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(word[i] >>> at) & mask]++;
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const to = counts[(word[i] >>> at) & mask]++;
      nextOrder[to] = order[i];
      nextLo[to] = lo[i];
      if (wide) nextHi[to] = hi[i];
    }
    [order, nextOrder] = [nextOrder, order];
    [lo, nextLo] = [nextLo, lo];
    [hi, nextHi] = [nextHi, hi];
    if (!high && shift + width === 32) shift = 32 - BITS; // the high word starts at bit 32
  }
  return order;
}

/**
 * Two rows' years the same as the duplicate key reads them (String(year)): two numbers are the
 * same when equal, or both NaN; anything else by its text. (Most neighbouring rows are one series
 * in successive years: the texts of two numbers were made for every row.)
 */
function sameYear(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return a !== a && b !== b;
  return String(a) === String(b);
}

/**
 * An observation whose store columns give back exactly the cells the CSV writer writes for it:
 * texts as texts, the year a whole number, value and range numbers or empty, flags texts.
 */
function plainRow(o: Observation): boolean {
  const num = (x: unknown) => x === null || x === undefined || typeof x === 'number';
  return typeof o.country === 'string' && typeof o.counterpart === 'string' && typeof o.indicator === 'string' && typeof o.source === 'string'
    && typeof o.locator === 'string' && typeof o.note === 'string' && typeof o.year === 'number' && Number.isInteger(o.year) && Math.abs(o.year) < 2 ** 31
    && num(o.value) && num(o.low) && num(o.high) && Array.isArray(o.flags) && o.flags.every((f) => typeof f === 'string');
}


/** The file of the observations: its CSV bytes and its keys. */
function observationFile(obs: readonly Observation[]): ObservationFile {
  // One pass over the rows, each column read by name (a keyed read per row and column was
  // most of this function's time): what observationPrimaryKey and nonNullKeyFields
  // (src/pipeline/datapackage.ts) give over the rows, and each key column's distinct values in
  // the order first met.
  const scan = emptyScan(obs.length);
  for (let i = 0; i < obs.length; i++) {
    const o = obs[i] as unknown as Record<'country' | 'counterpart' | 'indicator' | 'year' | 'source', unknown>;
    const c = o.country;
    if (c === null || c === undefined || c === '') scan.nullCountry = true;
    else scan.country.add(typeof c === 'string' ? c : String(c));
    const cp = o.counterpart;
    if (cp !== null && cp !== undefined && cp !== '') {
      scan.withCounterpart++;
      scan.counterpart.add(typeof cp === 'string' ? cp : String(cp));
    }
    const ind = o.indicator;
    if (ind === null || ind === undefined || ind === '') scan.nullIndicator = true;
    else scan.indicator.add(typeof ind === 'string' ? ind : String(ind));
    const y = o.year;
    if (y === null || y === undefined || y === '') scan.nullYear = true;
    const s = o.source;
    if (s === null || s === undefined || s === '') scan.nullSource = true;
    else scan.source.add(typeof s === 'string' ? s : String(s));
  }
  return fileOf(scan, observationsCsv(obs));
}

/** Check each row (see prepareObservations); whether every row passed plainlyValid (and so is of plainRow's shape). */
function validateObservations(t: Transform, obs: Observation[], own: ReadonlySet<string>, sourceIds: ReadonlySet<string>, hasCountry: (iso: string) => boolean, duplicates: boolean): boolean {
  const seen = new Map<string, string>();
  let allPlain = true;
  // A value that passed its check passes again: each is checked when it differs from the last
  // row's that passed (rows of a transform come in runs of one indicator, country and source).
  const none = Symbol('none');
  let okIndicator: unknown = none;
  let okSource: unknown = none;
  let okCountry: unknown = none;
  let okCounterpart: unknown = none;
  for (const o of obs) {
    // Rows that plainly satisfy the schema skip the zod pass (a second per row); zod names the issue otherwise.
    const parsed = plainlyValid(o) ? null : ObservationSchema.safeParse(o);
    if (parsed) allPlain = false;
    if (parsed && !parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SnapshotError(o.locator ?? t.id, null, issue.path.join('.'), `invalid observation (${issue.message})`, `Check the ${t.id} transform's reading of this row.`);
    }
    if (o.indicator !== okIndicator) {
      if (!own.has(o.indicator)) throw new Error(`transform ${t.id} wrote indicator "${o.indicator}" without declaring it`);
      okIndicator = o.indicator;
    }
    if (o.source !== okSource) {
      if (!sourceIds.has(o.source)) throw new SnapshotError(o.locator, null, 'source', `unknown source "${o.source}"`, 'Add it to curated/sources.yaml.');
      okSource = o.source;
    }
    if (o.country !== okCountry) {
      if (!hasCountry(o.country)) throw new SnapshotError(o.locator, null, 'country', `unknown country "${o.country}"`, 'Use a code from evidence/countries.csv.');
      okCountry = o.country;
    }
    if (o.counterpart && o.counterpart !== okCounterpart) {
      if (!hasCountry(o.counterpart)) throw new SnapshotError(o.locator, null, 'counterpart', `unknown country "${o.counterpart}"`, 'Use a code from evidence/countries.csv.');
      okCounterpart = o.counterpart;
    }
    if (o.value === null && !o.flags.includes('missing')) throw new SnapshotError(o.locator, null, 'flags', 'a missing value must be flagged "missing"', 'Flag it and say why in the note.');
    if (!duplicates) continue;
    const key = `${o.country}|${o.counterpart}|${o.indicator}|${o.year}|${o.source}`;
    const prior = seen.get(key);
    if (prior !== undefined) {
      throw new SnapshotError(o.locator, null, null, `duplicate observation: ${o.country}${o.counterpart ? `-${o.counterpart}` : ''} ${o.indicator} ${o.year} also at ${prior}`,
        'Remove the duplicated row, or replace the file with the publisher\'s original.');
    }
    seen.set(key, o.locator);
  }
  return allPlain;
}

/**
 * The observations as CSV bytes: byte for byte what toCsv (src/evidence/csv.ts) writes for them,
 * their flags joined by ";", written straight into one buffer (toCsv's strings for ~370,000 rows
 * were most of the build's garbage).
 */
export function observationsCsv(obs: readonly Observation[]): Uint8Array {
  // Room for ~250 bytes a row (the files average 110-240): untouched room costs no memory.
  const w = new ByteWriter(obs.length * 256 + 4096);
  w.ascii(OBSERVATIONS_HEADER);
  // Rows are sorted by indicator, country, counterpart: those (and source, flags, often the note)
  // repeat from the row before, and are copied from its bytes.
  for (let i = 0; i < obs.length; i++) {
    const o = obs[i];
    w.byte(10);
    w.repeated(0, o.country);
    w.byte(44);
    w.repeated(1, o.counterpart);
    w.byte(44);
    w.repeated(2, o.indicator);
    w.byte(44);
    w.cell(o.year);
    w.byte(44);
    w.cell(o.value);
    w.byte(44);
    w.cell(o.low);
    w.byte(44);
    w.cell(o.high);
    w.byte(44);
    w.repeated(3, o.source);
    w.byte(44);
    w.cell(o.locator);
    w.byte(44);
    const flags = o.flags as unknown;
    w.repeated(4, Array.isArray(flags) ? (flags.length === 0 ? '' : flags.length === 1 ? flags[0] as unknown : flags.join(';')) : flags);
    w.byte(44);
    w.repeated(5, o.note);
  }
  w.byte(10);
  return w.done();
}


/** compareKeys over [indicator, country, counterpart, year, source], without making two arrays per comparison. */
function compareObservations(a: Observation, b: Observation): number {
  return text(a.indicator, b.indicator) || text(a.country, b.country) || text(a.counterpart, b.counterpart)
    || (a.year === b.year ? 0 : a.year - b.year) || text(a.source, b.source);
}
const text = (x: string, y: string) => (x === y ? 0 : x < y ? -1 : 1);

/**
 * The observations in compareObservations' order (stable). Each row's order is one number (the
 * ranks of its indicator, country, counterpart, year and source, the texts ranked as the
 * comparison orders them), sorted by orderByKey instead of comparing up to four texts a pair;
 * rows of another shape (a year that is not a whole number, a text that is not one) take the
 * comparison itself.
 */
export function sortObservations(obs: readonly Observation[]): Observation[] {
  const n = obs.length;
  const indicator = new Ranks();
  const country = new Ranks();
  const counterpart = new Ranks();
  const source = new Ranks();
  let minYear = Infinity;
  let maxYear = -Infinity;
  for (let i = 0; i < n; i++) {
    const o = obs[i];
    const y = o.year;
    if (typeof o.indicator !== 'string' || typeof o.country !== 'string' || typeof o.counterpart !== 'string' || typeof o.source !== 'string'
      || typeof y !== 'number' || !Number.isSafeInteger(y)) {
      return [...obs].sort(compareObservations);
    }
    indicator.add(o.indicator);
    country.add(o.country);
    counterpart.add(o.counterpart);
    source.add(o.source);
    if (y < minYear) minYear = y;
    if (y > maxYear) maxYear = y;
  }
  const years = n === 0 ? 1 : maxYear - minYear + 1;
  const nC = country.rank();
  const nP = counterpart.rank();
  const nS = source.rank();
  const keys = indicator.rank() * nC * nP * years * nS;
  if (keys > Number.MAX_SAFE_INTEGER) return [...obs].sort(compareObservations);
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = obs[i];
    key[i] = (((indicator.of(o.indicator) * nC + country.of(o.country)) * nP + counterpart.of(o.counterpart)) * years + (o.year - minYear)) * nS + source.of(o.source);
  }
  // The same stable sort of the keys as rows written as columns get (prepareColumns).
  const order = orderByKey(key, keys);
  const sorted: Observation[] = new Array<Observation>(n);
  for (let i = 0; i < n; i++) sorted[i] = obs[order[i]];
  return sorted;
}

/** The distinct texts of one column, then their ranks in the comparison's order. */
class Ranks {
  private readonly ids = new Map<string, number>();
  private last: string | null = null;
  private lastRank = 0;

  add(x: string): void {
    if (x === this.last) return;
    this.last = x;
    if (!this.ids.has(x)) this.ids.set(x, 0);
  }

  /** Rank the texts; the count of them. */
  rank(): number {
    [...this.ids.keys()].sort(text).forEach((x, i) => this.ids.set(x, i));
    this.last = null;
    return this.ids.size;
  }

  of(x: string): number {
    if (x !== this.last) {
      this.last = x;
      this.lastRank = this.ids.get(x)!;
    }
    return this.lastRank;
  }
}
