// The compact, derived form of the evidence: every observation of evidence/observations/*.csv in
// columns (typed arrays and dictionary-encoded strings) in one binary file, plus the registries and
// tables as the CSV text they are, so a process opens the evidence with one read instead of parsing
// ~66 MB of CSV. The CSV and datapackage.json stay the reviewable record; this file is a cache,
// never committed, rebuilt whenever it is missing, damaged or stale.
//
// Where it lives: $ALLIES_STORE_DIR when set, else .alliance-ledger/store/ in the project, else
// (read-only install) the user's cache ($XDG_CACHE_HOME or ~/.cache)/alliance-ledger/store; when
// none can be written the process keeps the store it encoded in memory and says so on stderr.
// One file per evidence folder: evidence-<sha256 of its absolute path, 16 hex>.bin.
//
// Staleness: the header records size, mtime and sha256 of datapackage.json and of every file the
// loader reads. Opening stats them; a size change is stale, an mtime change alone is settled by the
// hash (same content: the stamps are renewed; different: rebuilt). The body carries a CRC-32, and
// a store that is truncated, damaged, of another format or for another folder is rebuilt: a bad
// store is never read as data.
//
// The shipped store: a packed package carries the store of its own evidence folder in
// dist/store/evidence.bin (SHIPPED_STORE; written at pack time by scripts/build.mjs --store, never
// committed), so that an installed package does not encode the CSV on first use. It was made on
// the pack machine (its header names the folder 'evidence', its stamps are that machine's), so it
// is trusted neither by path nor by time: it is taken only for the package's own evidence folder,
// when no store of that folder is usable, and only when every file its header lists has the same
// size and SHA-256 here; then it is written, with this folder's path and stamps, where a rebuilt
// store would go. A shipped store that does not match, is damaged or of another format is ignored.
//
// Layout (little-endian): "ALSTORE" 0x01 | u32 header length | u32 0 | header JSON | pad to 8 |
// body, whose sections (8-aligned) the header lists by name with offset and length.
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as zlib from 'node:zlib';
import { fieldCountMessage, scanCsv } from '../evidence/csv-scan.ts';
import { PACKAGE_ROOT, packagePath } from '../paths.ts';
import type { Observation, ObservationFlag } from '../evidence/schema.ts';
import { exists, pauseInSwapForTests, removeStaleTemporaryFiles } from './swap.ts';

/** Bump whenever the encoding or the meaning of a stored cell changes: older stores are then rebuilt. */
export const STORE_FORMAT = 1;
const MAGIC = 'ALSTORE\u0001';
const STORE_NAME = /^evidence-[0-9a-f]{16}\.bin$/;
/** Stores of other evidence folders kept in one cache folder (the newest; those of folders gone are removed). */
const KEEP_STORES = 8;

/** The registries the loader always reads (besides tables/*.csv and observations/*.csv). */
export const REGISTRY_FILES = ['countries.csv', 'sources.csv', 'source_files.csv', 'indicators.csv'] as const;

interface FieldSpec {
  name: string;
  type: string;
}
interface Resource {
  path: string;
  schema: { fields: FieldSpec[] };
}

export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

interface Section {
  offset: number;
  length: number;
}

export interface StoreHeader {
  format: number;
  evidenceDir: string;
  /** datapackage.json first, then every file the loader reads. */
  files: FileStamp[];
  /** Observation files in datapackage order (a row's file is an index into this list). */
  observationFiles: string[];
  /** Byte ranges in the "texts" section: datapackage.json, the registries and tables/*.csv. */
  texts: { path: string; offset: number; length: number }[];
  rows: number;
  series: number;
  extra: number;
  sections: Record<string, Section>;
  bodyLength: number;
  checksum: number;
}

/** The evidence folder cannot be put in the store (a cell the columns cannot hold exactly): load the CSV. */
export class NotStorable extends Error {}

// ---------------------------------------------------------------------------------------------
// Opening

/** An opened store: the texts of datapackage.json, registries and tables, and the observation columns. */
export class ObservationStore {
  readonly header: StoreHeader;
  readonly rows: number;
  readonly observationFiles: string[];
  readonly country: Uint16Array;
  readonly counterpart: Uint16Array;
  readonly indicator: Uint16Array;
  readonly source: Uint16Array;
  readonly flags: Uint16Array;
  readonly file: Uint16Array;
  readonly note: Uint32Array;
  readonly year: Int32Array;
  readonly value: Float64Array;
  /** Bit 0: value null, 1: low null, 2: high null, 3: year null. */
  readonly mask: Uint8Array;
  /** Store row of each observation in load order (file by file, row by row). */
  readonly loadOrder: Uint32Array;
  readonly seriesIndicator: Uint16Array;
  readonly seriesCountry: Uint16Array;
  readonly seriesCounterpart: Uint16Array;
  /** Series s holds store rows seriesStart[s] .. seriesStart[s + 1] - 1, oldest first. */
  readonly seriesStart: Uint32Array;
  private readonly template: Uint32Array;
  private readonly numStart: Uint32Array;
  private readonly nums: Uint32Array;
  private readonly extraRows: Uint32Array;
  private readonly extraLow: Float64Array;
  private readonly extraHigh: Float64Array;
  private readonly body: Uint8Array;
  private readonly buffer: Buffer;
  private readonly dict: StringTable;
  private readonly notes: StringTable;
  private templates: string[][] | null = null;
  private dictIds: Map<string, number> | null = null;

  constructor(header: StoreHeader, body: Uint8Array) {
    this.header = header;
    this.body = body;
    this.buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    this.rows = header.rows;
    this.observationFiles = header.observationFiles;
    const s = (name: string) => {
      const sec = header.sections[name];
      if (!sec) throw new Error(`evidence store: no section ${name}`);
      return sec;
    };
    const u16 = (name: string) => new Uint16Array(body.buffer, body.byteOffset + s(name).offset, s(name).length / 2);
    const u32 = (name: string) => new Uint32Array(body.buffer, body.byteOffset + s(name).offset, s(name).length / 4);
    const f64 = (name: string) => new Float64Array(body.buffer, body.byteOffset + s(name).offset, s(name).length / 8);
    this.country = u16('country');
    this.counterpart = u16('counterpart');
    this.indicator = u16('indicator');
    this.source = u16('source');
    this.flags = u16('flags');
    this.file = u16('file');
    this.note = u32('note');
    this.year = new Int32Array(body.buffer, body.byteOffset + s('year').offset, s('year').length / 4);
    this.value = f64('value');
    this.mask = body.subarray(s('mask').offset, s('mask').offset + s('mask').length);
    this.loadOrder = u32('loadOrder');
    this.seriesIndicator = u16('seriesIndicator');
    this.seriesCountry = u16('seriesCountry');
    this.seriesCounterpart = u16('seriesCounterpart');
    this.seriesStart = u32('seriesStart');
    this.template = u32('template');
    this.numStart = u32('numStart');
    this.nums = u32('nums');
    this.extraRows = u32('extraRows');
    this.extraLow = f64('extraLow');
    this.extraHigh = f64('extraHigh');
    this.dict = new StringTable(this.buffer, u32('dictOffsets'), s('dictBytes').offset);
    this.notes = new StringTable(this.buffer, u32('noteOffsets'), s('noteBytes').offset);
    for (const col of [this.country, this.counterpart, this.indicator, this.source, this.flags, this.file, this.note, this.year, this.value, this.mask, this.template]) {
      if (col.length !== this.rows) throw new Error('evidence store: a column has the wrong length');
    }
  }

  /** The text of datapackage.json, a registry or a table, as the store holds it. */
  text(p: string): string | undefined {
    const t = this.header.texts.find((x) => x.path === p);
    if (!t) return undefined;
    const base = this.header.sections.texts.offset + t.offset;
    return this.buffer.toString('utf8', base, base + t.length);
  }

  dictString(id: number): string {
    return this.dict.get(id);
  }

  /** The dictionary id of a country, indicator, source or flags string; -1 when no row holds it. */
  dictId(text: string): number {
    if (!this.dictIds) {
      this.dictIds = new Map();
      for (let i = 0; i < this.dict.size; i++) this.dictIds.set(this.dict.get(i), i);
    }
    return this.dictIds.get(text) ?? -1;
  }

  /** The series (indicator, country, counterpart) as a range of store rows, or null. */
  seriesOf(indicator: string, country: string, counterpart: string): number {
    const ind = this.dictId(indicator);
    const c = this.dictId(country);
    const cp = this.dictId(counterpart);
    if (ind < 0 || c < 0 || cp < 0) return -1;
    const key = (ind * 65536 + c) * 65536 + cp;
    let lo = 0;
    let hi = this.header.series - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = (this.seriesIndicator[mid] * 65536 + this.seriesCountry[mid]) * 65536 + this.seriesCounterpart[mid];
      if (k === key) return mid;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  locator(row: number): string {
    const templates = (this.templates ??= JSON.parse(this.text('#templates') ?? '[]') as string[][]);
    const parts = templates[this.template[row]];
    let out = parts[0];
    let k = this.numStart[row];
    for (let i = 1; i < parts.length; i++) out += String(this.nums[k++]) + parts[i];
    return out;
  }

  private extra(row: number): number {
    let lo = 0;
    let hi = this.extraRows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.extraRows[mid];
      if (r === row) return mid;
      if (r < row) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** A fresh Observation for a store row, field for field what the CSV reader makes of the row. */
  observation(row: number): Observation {
    const m = this.mask[row];
    const e = (m & 6) !== 6 ? this.extra(row) : -1;
    const flags = this.dict.get(this.flags[row]);
    return {
      country: this.dict.get(this.country[row]),
      counterpart: this.dict.get(this.counterpart[row]),
      indicator: this.dict.get(this.indicator[row]),
      year: m & 8 ? (null as unknown as number) : this.year[row],
      value: m & 1 ? null : this.value[row],
      low: m & 2 ? null : this.extraLow[e],
      high: m & 4 ? null : this.extraHigh[e],
      source: this.dict.get(this.source[row]),
      locator: this.locator(row),
      flags: (flags ? flags.split(';') : []) as ObservationFlag[],
      note: this.notes.get(this.note[row]),
    };
  }

  /** The body bytes (what the header's checksum covers). */
  get bodyBytes(): Uint8Array {
    return this.body;
  }
}

/** Strings laid end to end in UTF-8, with offsets; decoded once each, on first use. */
class StringTable {
  private readonly cache: (string | undefined)[];
  constructor(private readonly buffer: Buffer, private readonly offsets: Uint32Array, private readonly base: number) {
    this.cache = new Array<string | undefined>(Math.max(0, offsets.length - 1)).fill(undefined);
  }
  get size(): number {
    return this.offsets.length - 1;
  }
  get(id: number): string {
    let s = this.cache[id];
    if (s === undefined) {
      if (!(id >= 0 && id < this.offsets.length - 1)) throw new Error(`evidence store: string ${id} out of range`);
      s = this.buffer.toString('utf8', this.base + this.offsets[id], this.base + this.offsets[id + 1]);
      this.cache[id] = s;
    }
    return s;
  }
}

function checksum(body: Uint8Array): number {
  const crc32 = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;
  if (crc32) return crc32(body);
  // Node without zlib.crc32 (before 20.15): a multiplicative hash over 32-bit words and the tail.
  let h = 0x811c9dc5 ^ body.length;
  const words = Math.floor(body.byteLength / 4);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (let i = 0; i < words; i++) h = Math.imul(h ^ view.getUint32(i * 4, true), 0x01000193);
  for (let i = words * 4; i < body.byteLength; i++) h = Math.imul(h ^ body[i], 0x01000193);
  return h >>> 0;
}

const align8 = (n: number) => (n + 7) & ~7;

/**
 * Read a store from its bytes: the header and the checked body, or why it cannot be used.
 * evidenceDir null accepts a store of any folder (a shipped store, checked by content after).
 */
export function decodeStore(buf: Uint8Array, evidenceDir: string | null): ObservationStore | string {
  if (buf.byteLength < 16 || Buffer.from(buf.buffer, buf.byteOffset, 8).toString('latin1') !== MAGIC) return 'is not an evidence store';
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLength = view.getUint32(8, true);
  if (16 + headerLength > buf.byteLength) return 'is truncated';
  let header: StoreHeader;
  try {
    header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 16, headerLength).toString('utf8')) as StoreHeader;
  } catch {
    return 'has a damaged header';
  }
  if (header.format !== STORE_FORMAT) return `is of format ${String(header.format)}, this version reads ${STORE_FORMAT}`;
  if (evidenceDir !== null && header.evidenceDir !== evidenceDir) return `belongs to ${header.evidenceDir}`;
  const start = align8(16 + headerLength);
  if (buf.byteLength !== start + header.bodyLength) return buf.byteLength < start + header.bodyLength ? 'is truncated' : 'has bytes past its end';
  let body = buf.subarray(start);
  if ((body.byteOffset & 7) !== 0) body = new Uint8Array(body); // typed views need 8-aligned offsets
  if (checksum(body) !== header.checksum) return 'is damaged (checksum mismatch)';
  try {
    return new ObservationStore(header, body);
  } catch (e) {
    return `is damaged (${(e as Error).message})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

const STRING_COLUMNS = ['country', 'counterpart', 'indicator', 'source', 'locator', 'flags', 'note'] as const;
const NUMBER_COLUMNS = ['year', 'value', 'low', 'high'] as const;

/** What encodeStore reads: the evidence folder's files, or their texts when the caller has them. */
export interface EncodeInput {
  dir: string;
  /** Texts (or UTF-8 bytes) by path relative to dir (the build passes what it just wrote); others are read. */
  texts?: ReadonlyMap<string, string | Uint8Array>;
  /**
   * Rows of observation files by path, with their header (the build passes the observations it
   * just wrote as those files' texts, which then need no scanning). Each row's cells are read as
   * the CSV writer writes them (see cellText); the texts still give the files' checksums.
   */
  rows?: ReadonlyMap<string, { header: readonly string[]; rows: readonly Record<string, unknown>[] }>;
  /** Or every observation file already encoded, in datapackage order (otherwise ignored: the files are read). */
  encoded?: EncodedObservations;
  /** The SHA-256 of files the caller wrote and no longer holds the bytes of (by path, as texts). */
  sha256?: ReadonlyMap<string, string>;
}

/**
 * Observation rows encoded as they are produced (the build feeds each transform's observations
 * and drops them): `files` are the observation files in the order they were added, which must be
 * the order datapackage.json lists them in.
 */
export interface EncodedObservations {
  encoder: ColumnEncoder;
  files: string[];
}

/** An encoder for the build to feed observation files to, one at a time (ObservationEncoder.add), for encodeStore's `encoded`. */
export class ObservationEncoder implements EncodedObservations {
  readonly encoder = new ColumnEncoder(4096);
  readonly files: string[] = [];
  /** Add an observation file's rows (see ColumnEncoder.addRows); `fields` as datapackage.json will declare them. */
  add(rel: string, header: readonly string[], rows: readonly Record<string, unknown>[], fields: FieldSpec[], dir: string): void {
    if (this.files.length >= 65535) throw new NotStorable('more than 65535 observation files');
    this.encoder.addRows(this.files.length, header, rows, fields, path.join(path.resolve(dir), rel));
    this.files.push(rel);
  }
  /** Room for `rows` rows in all (ColumnEncoder.reserve). */
  reserve(rows: number): void {
    this.encoder.reserve(rows);
  }
  /** Add an observation file encoded apart (a build worker's ColumnEncoder.toChunk). */
  addChunk(rel: string, chunk: EncodedChunk): void {
    if (this.files.length >= 65535) throw new NotStorable('more than 65535 observation files');
    this.encoder.addChunk(this.files.length, chunk);
    this.files.push(rel);
  }
}

/** Encode the evidence folder's observations, registries and tables into a store file's bytes. */
export async function encodeStore(input: EncodeInput): Promise<Buffer> {
  const dir = path.resolve(input.dir);
  const stamps: FileStamp[] = [];
  // A file's text (or bytes, as the build gave them or as read: observation files are decoded
  // only if scanned); null for a file the caller gave only the checksum of (read if needed).
  const readRaw = async (rel: string): Promise<string | Uint8Array | null> => {
    const file = path.join(dir, rel);
    const st = await stat(file); // before reading: a later change moves mtime past the stamp
    const given = input.texts?.get(rel);
    if (given !== undefined) {
      const hash = createHash('sha256');
      if (typeof given === 'string') hash.update(given, 'utf8');
      else hash.update(given);
      stamps.push({ path: rel, size: st.size, mtimeMs: st.mtimeMs, sha256: hash.digest('hex') });
      return given;
    }
    const sha256 = input.sha256?.get(rel);
    if (sha256 !== undefined) {
      stamps.push({ path: rel, size: st.size, mtimeMs: st.mtimeMs, sha256 });
      return null;
    }
    const bytes = await readFile(file);
    stamps.push({ path: rel, size: st.size, mtimeMs: st.mtimeMs, sha256: createHash('sha256').update(bytes).digest('hex') });
    return bytes;
  };
  const read = async (rel: string): Promise<string> => asText((await readRaw(rel)) ?? (await readFile(path.join(dir, rel))));
  const pkgText = await read('datapackage.json');
  const pkg = JSON.parse(pkgText) as { resources: Resource[] };
  const byPath = new Map(pkg.resources.map((r) => [r.path, r]));
  const texts: [string, string][] = [['datapackage.json', pkgText]];
  for (const p of REGISTRY_FILES) {
    if (!byPath.has(p)) throw new Error(`${path.join(dir, 'datapackage.json')} lists no resource ${p}; rebuild with: npx allies data build`);
    texts.push([p, await read(p)]);
  }
  const observations: { resource: Resource; raw: string | Uint8Array | null }[] = [];
  for (const r of pkg.resources) {
    if (r.path.startsWith('tables/')) texts.push([r.path, await read(r.path)]);
    else if (r.path.startsWith('observations/')) observations.push({ resource: r, raw: await readRaw(r.path) });
  }
  if (observations.length > 65535) throw new NotStorable('more than 65535 observation files');
  const encoded = input.encoded;
  if (encoded && encoded.files.length === observations.length && encoded.files.every((f, i) => f === observations[i].resource.path)) {
    return encoded.encoder.finish(dir, stamps, [...encoded.files], texts);
  }
  // Every record ends a line or the text: lines + 1 per file bounds the rows.
  let capacity = 0;
  const decoded: { resource: Resource; text: string }[] = [];
  for (const { resource, raw } of observations.splice(0)) decoded.push({ resource, text: asText(raw ?? (await readFile(path.join(dir, resource.path)))) });
  for (const { resource: r, text } of decoded) {
    capacity++;
    const given = input.rows?.get(r.path);
    if (given) capacity += given.rows.length;
    else for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) capacity++;
  }
  const enc = new ColumnEncoder(capacity);
  const observationFiles: string[] = [];
  for (const { resource: r, text } of decoded) {
    const given = input.rows?.get(r.path);
    if (given) enc.addRows(observationFiles.length, given.header, given.rows, r.schema.fields, path.join(dir, r.path));
    else enc.addFile(observationFiles.length, text, r.schema.fields, path.join(dir, r.path));
    observationFiles.push(r.path);
  }
  return enc.finish(dir, stamps, observationFiles, texts);
}

/** A file's text from its UTF-8 bytes (or the text itself). */
function asText(raw: string | Uint8Array): string {
  return typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
}

/**
 * The text the CSV writer writes for a cell, unquoted (what the CSV reader gives back): csvField
 * of src/exports/csv-cell.ts without its quoting; an array (observation flags) joined by ";".
 */
function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) throw new Error(`cannot write ${cell} to CSV: only finite numbers`);
    return Object.is(cell, -0) ? '0' : String(cell);
  }
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  if (Array.isArray(cell)) return cell.join(';');
  return String(cell);
}

/** A number cell as the typed reader makes it: empty is null, anything else Number(cell). */
const num = (cell: string): number | null => (cell === '' ? null : Number(cell));

type TypedColumn = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/** A typed array that grows by doubling as values are pushed. */
class Grow<T extends TypedColumn> {
  data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(4096);
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data as ArrayLike<number>);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }
  get view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/** One observation file's columns, encoded apart (by a build worker) and sent as transferable arrays. */
export interface EncodedChunk {
  n: number;
  /** Countries, counterparts, indicators, sources and flags, in the order the file first holds them. */
  strings: string[];
  notes: string[];
  /** Locator templates: the key (parts joined by NUL) and whether the locator was kept whole. */
  templates: { key: string; plain: boolean }[];
  country: Uint32Array;
  counterpart: Uint32Array;
  indicator: Uint32Array;
  source: Uint32Array;
  flags: Uint32Array;
  note: Uint32Array;
  year: Int32Array;
  value: Float64Array;
  low: Float64Array;
  high: Float64Array;
  mask: Uint8Array;
  template: Uint32Array;
  numStart: Uint32Array;
  nums: Uint32Array;
}

const OBSERVATION_HEADER_LENGTH = 11;

/**
 * Locators made of fixed texts and one or two numbers (src/pipeline/observation-columns.ts,
 * LocatorPattern): the numbers of the template's runs, the variable ones' places (a, b; -1: none)
 * among them. Each variable number is one run of the template, each fixed text's runs are fixed.
 */
export interface LocatorShape {
  readonly nums: Uint32Array;
  readonly a: number;
  readonly b: number;
}

/**
 * The rows in the order of `compare` without sorting them, when they come as the build writes
 * them: each file's rows sorted, one indicator per run of rows (an indicator is one file's). The
 * runs of one file and indicator, in indicator order, then checked pair by pair: null when the
 * rows are not in order so (a sort then orders them). `compare` must be a total order.
 */
function blocksInOrder(n: number, indicator: Uint16Array, file: Uint16Array, compare: (a: number, b: number) => number): number[] | null {
  const starts: number[] = [];
  for (let i = 0; i < n; i++) if (i === 0 || indicator[i] !== indicator[i - 1] || file[i] !== file[i - 1]) starts.push(i);
  const blocks = starts.map((start, k) => ({ start, end: k + 1 < starts.length ? starts[k + 1] : n }));
  blocks.sort((a, b) => indicator[a.start] - indicator[b.start] || a.start - b.start);
  const rows: number[] = new Array<number>(n);
  let r = 0;
  for (const { start, end } of blocks) for (let i = start; i < end; i++) rows[r++] = i;
  for (let k = 1; k < n; k++) if (compare(rows[k - 1], rows[k]) >= 0) return null;
  return rows;
}

/** A locator template: its id and its parts (the text between the runs that become numbers). */
interface LocatorTemplate {
  id: number;
  parts: string[];
  /** The template of the row that last came after one of this template (rows written a column at a time take turns in a cycle). */
  next: LocatorTemplate | null;
}

export class ColumnEncoder {
  private readonly strings = new Map<string, number>();
  private readonly stringList: string[] = [];
  private readonly noteIds = new Map<string, number>();
  private readonly noteList: string[] = [];
  private readonly templateIds = new Map<string, number>();
  private readonly plainTemplateIds = new Map<string, number>();
  private readonly templateList: string[][] = [];
  // Typed columns sized for every line of the files (an upper bound on their rows): a few bytes a
  // row, and monomorphic stores.
  n = 0;
  country: Uint32Array;
  counterpart: Uint32Array;
  indicator: Uint32Array;
  source: Uint32Array;
  flags: Uint32Array;
  file: Uint16Array;
  note: Uint32Array;
  year: Int32Array;
  value: Float64Array;
  low: Float64Array;
  high: Float64Array;
  mask: Uint8Array;
  template: Uint32Array;
  numStart: Uint32Array;
  readonly nums = new Grow((k) => new Uint32Array(k));

  /** Room for `rows` rows in all: the columns copied once, not doubled a copy at a time (the build knows the count once its transforms have run). */
  reserve(rows: number): void {
    if (rows > this.country.length) this.grow(rows);
  }

  /** Room for more rows: every column copied into one twice as long (or `atLeast` rows long). */
  private grow(atLeast = 0): void {
    const size = Math.max(4096, this.country.length * 2, atLeast);
    const more = <T extends TypedColumn>(col: T, make: (k: number) => T): T => {
      const bigger = make(size);
      bigger.set(col as ArrayLike<number>);
      return bigger;
    };
    this.country = more(this.country, (k) => new Uint32Array(k));
    this.counterpart = more(this.counterpart, (k) => new Uint32Array(k));
    this.indicator = more(this.indicator, (k) => new Uint32Array(k));
    this.source = more(this.source, (k) => new Uint32Array(k));
    this.flags = more(this.flags, (k) => new Uint32Array(k));
    this.file = more(this.file, (k) => new Uint16Array(k));
    this.note = more(this.note, (k) => new Uint32Array(k));
    this.year = more(this.year, (k) => new Int32Array(k));
    this.value = more(this.value, (k) => new Float64Array(k));
    this.low = more(this.low, (k) => new Float64Array(k));
    this.high = more(this.high, (k) => new Float64Array(k));
    this.mask = more(this.mask, (k) => new Uint8Array(k));
    this.template = more(this.template, (k) => new Uint32Array(k));
    this.numStart = more(this.numStart, (k) => new Uint32Array(k));
  }

  constructor(capacity: number) {
    this.country = new Uint32Array(capacity);
    this.counterpart = new Uint32Array(capacity);
    this.indicator = new Uint32Array(capacity);
    this.source = new Uint32Array(capacity);
    this.flags = new Uint32Array(capacity);
    this.file = new Uint16Array(capacity);
    this.note = new Uint32Array(capacity);
    this.year = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.mask = new Uint8Array(capacity);
    this.template = new Uint32Array(capacity);
    this.numStart = new Uint32Array(capacity);
  }

  private str(s: string): number {
    let id = this.strings.get(s);
    if (id === undefined) {
      id = this.stringList.length;
      this.strings.set(s, id);
      this.stringList.push(s);
    }
    return id;
  }

  private noteId(s: string): number {
    let id = this.noteIds.get(s);
    if (id === undefined) {
      id = this.noteList.length;
      this.noteIds.set(s, id);
      this.noteList.push(s);
    }
    return id;
  }

  /**
   * A locator as a template (the text between runs of digits) and the runs as numbers. Runs that
   * String(number) gives back unchanged (1-9 digits, no leading zero but "0" itself) become
   * numbers; other runs stay text. A locator holding a NUL keeps all its text as one part (a
   * "plain" template). The template's key is its parts joined by NUL.
   *
   * Rows of a file mostly share the template of the row before (tried first, without reading the
   * locator's text character by character); where templates take turns (a workbook's columns, one
   * row each), the locator is read once, its runs' places kept and its skeleton hashed, and the
   * templates of that hash are tried at those places. Only a template never seen makes a key.
   */
  private lastTemplate: LocatorTemplate | null = null;
  private readonly templatesByHash = new Map<number, LocatorTemplate[]>();
  /** The bits of a skeleton's hash kept (a test keeps none: every template then shares one list, and the check of each alone decides). */
  static skeletonHashBits = 0xffffffff;
  /** Where the runs of the locator being read start and end (grown as needed). */
  private runStarts = new Int32Array(64);
  private runEnds = new Int32Array(64);

  private locator(s: string): void {
    const start = this.nums.length;
    this.numStart[this.n] = start;
    const last = this.lastTemplate;
    if (last !== null) {
      if (this.sameTemplate(s, last.parts)) {
        this.template[this.n] = last.id;
        return;
      }
      this.nums.length = start;
      const next = last.next;
      if (next !== null && this.sameTemplate(s, next.parts)) {
        this.template[this.n] = next.id;
        this.lastTemplate = next;
        return;
      }
      this.nums.length = start;
    }
    // One pass: the runs (their numbers pushed) and a hash of the text between them.
    let hash = 0x811c9dc5;
    let runs = 0;
    let i = 0;
    const n = s.length;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) {
        if (c === 0) {
          this.nums.length = start;
          this.newTemplate(s, 0);
          return;
        }
        hash = Math.imul(hash ^ c, 0x01000193);
        i++;
        continue;
      }
      let j = i + 1;
      let v = c - 48;
      let d: number;
      while (j < n && (d = s.charCodeAt(j)) >= 48 && d <= 57) {
        v = v * 10 + (d - 48);
        j++;
      }
      if (j - i <= 9 && (c !== 48 || j - i === 1)) {
        if (runs === this.runStarts.length) this.moreRuns();
        this.runStarts[runs] = i;
        this.runEnds[runs] = j;
        runs++;
        this.nums.push(v);
        hash = Math.imul(hash ^ 0x100, 0x01000193); // a run's place in the skeleton
      } else {
        for (let k = i; k < j; k++) hash = Math.imul(hash ^ s.charCodeAt(k), 0x01000193);
      }
      i = j;
    }
    hash = (Math.imul(hash ^ runs, 0x01000193) & ColumnEncoder.skeletonHashBits) >>> 0;
    const candidates = this.templatesByHash.get(hash);
    if (candidates !== undefined) {
      for (const t of candidates) {
        if (this.partsAt(s, t.parts, runs)) {
          this.template[this.n] = t.id;
          this.follow(t);
          return;
        }
      }
    }
    this.newTemplate(s, runs, hash);
  }

  private moreRuns(): void {
    const starts = new Int32Array(this.runStarts.length * 2);
    starts.set(this.runStarts);
    this.runStarts = starts;
    const ends = new Int32Array(this.runEnds.length * 2);
    ends.set(this.runEnds);
    this.runEnds = ends;
  }

  /** Whether `parts` are the text between the `runs` runs just read of `s` (runStarts, runEnds). */
  private partsAt(s: string, parts: readonly string[], runs: number): boolean {
    if (parts.length !== runs + 1) return false;
    let from = 0;
    for (let k = 0; k < runs; k++) {
      const part = parts[k];
      if (this.runStarts[k] - from !== part.length || !s.startsWith(part, from)) return false;
      from = this.runEnds[k];
    }
    const tail = parts[runs];
    return s.length - from === tail.length && s.endsWith(tail);
  }

  /**
   * Whether `s` has the template `parts`, its numbers pushed as it is read (the caller drops them
   * if not): each part in its place, and between two parts one run of digits that becomes a
   * number. The parts hold no such run and each but the first ends in a character that is not a
   * digit (runs are read whole), so a match reads the runs a reading character by character
   * would, and no others.
   */
  private sameTemplate(s: string, parts: readonly string[]): boolean {
    const m = parts.length - 1;
    const n = s.length;
    let from = 0;
    for (let k = 0; k < m; k++) {
      const part = parts[k];
      if (!s.startsWith(part, from)) return false;
      const i = from + part.length;
      let j = i;
      let v = 0;
      let c: number;
      while (j < n && (c = s.charCodeAt(j)) >= 48 && c <= 57) {
        v = v * 10 + (c - 48);
        j++;
      }
      if (j === i || j - i > 9 || (j - i > 1 && s.charCodeAt(i) === 48)) return false;
      this.nums.push(v);
      from = j;
    }
    const tail = parts[m];
    return n - from === tail.length && s.endsWith(tail);
  }

  /** The template of `s`, whose `runs` runs are read (none for a plain one): its id, made if new. */
  private newTemplate(s: string, runs: number, hash?: number): void {
    const plain = hash === undefined;
    let key = '';
    if (plain) key = s;
    else {
      let from = 0;
      for (let k = 0; k < runs; k++) {
        key += s.slice(from, this.runStarts[k]) + '\u0000';
        from = this.runEnds[k];
      }
      key += s.slice(from);
    }
    const ids = plain ? this.plainTemplateIds : this.templateIds;
    let id = ids.get(key);
    if (id === undefined) {
      id = this.templateList.length;
      ids.set(key, id);
      this.templateList.push(plain ? [s] : key.split('\u0000'));
    }
    this.template[this.n] = id;
    if (plain) {
      this.lastTemplate = null;
      return;
    }
    const t: LocatorTemplate = { id, parts: this.templateList[id], next: null };
    const same = this.templatesByHash.get(hash);
    if (same === undefined) this.templatesByHash.set(hash, [t]);
    else same.push(t);
    this.follow(t);
  }

  /** `t` is the template of the row being read: the one the row before had is followed by it. */
  private follow(t: LocatorTemplate): void {
    if (this.lastTemplate !== null) this.lastTemplate.next = t;
    this.lastTemplate = t;
  }

  /** Where each column is in a file's header, after checking the columns the store needs are there and typed as it keeps them. */
  private columnsOf(header: readonly string[], fields: FieldSpec[], file: string): Record<string, number> {
    const at: Record<string, number> = {};
    // The typed reader keeps the last of repeated header names and types a column by the first field spec of its name.
    header.forEach((h, i) => (at[h] = i));
    const typeOf = (h: string) => fields.find((f) => f.name === h)?.type ?? 'string';
    for (const c of STRING_COLUMNS) {
      if (at[c] === undefined) throw new NotStorable(`${file} has no column ${c}`);
      if (typeOf(c) !== 'string') throw new NotStorable(`${file}: column ${c} is typed ${typeOf(c)}`);
    }
    for (const c of NUMBER_COLUMNS) {
      if (at[c] === undefined) throw new NotStorable(`${file} has no column ${c}`);
      if (typeOf(c) !== 'number' && typeOf(c) !== 'integer') throw new NotStorable(`${file}: column ${c} is typed ${typeOf(c)}`);
    }
    return at;
  }

  addFile(fileIndex: number, text: string, fields: FieldSpec[], file: string): void {
    let header: string[] | null = null;
    let at: Record<string, number> = {};
    scanCsv(text, (rec, row) => {
      if (!header) {
        header = rec;
        at = this.columnsOf(header, fields, file);
        return;
      }
      if (rec.length === 1 && rec[0] === '') return;
      if (rec.length !== header.length) throw new Error(fieldCountMessage(file, row, rec.length, header.length));
      this.addRecord(fileIndex, rec, at, file, row);
    }, file);
  }

  /**
   * The rows the build is about to write as CSV, as the CSV reader would give them back: each
   * cell is the text the CSV writer (src/evidence/csv.ts) writes for it, unquoted. Saves writing
   * and scanning the text again; `addFile` of the written text gives the same columns.
   */
  addRows(fileIndex: number, header: readonly string[], rows: readonly Record<string, unknown>[], fields: FieldSpec[], file: string, firstRow = 0): void {
    const at = this.columnsOf(header, fields, file);
    const rec: string[] = new Array<string>(header.length).fill('');
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      for (let k = 0; k < header.length; k++) rec[k] = cellText(row[header[k]]);
      this.addRecord(fileIndex, rec, at, file, firstRow + i + 2);
    }
  }

  /**
   * Observations the build is about to write as CSV (observation columns, flags an array): the
   * columns addRows gives for them, read straight from the objects (no text made per cell).
   */
  addObservations(fileIndex: number, header: readonly string[], obs: readonly Observation[], fields: FieldSpec[], file: string): void {
    this.columnsOf(header, fields, file);
    const cellNum = (x: unknown): number | null => (x === null || x === undefined ? null : typeof x === 'number' ? x : num(cellText(x)));
    for (let i = 0; i < obs.length; i++) {
      const o = obs[i];
      if (header.length !== OBSERVATION_HEADER_LENGTH || typeof o.year !== 'number' || typeof o.country !== 'string' || typeof o.counterpart !== 'string'
        || typeof o.indicator !== 'string' || typeof o.source !== 'string' || typeof o.locator !== 'string' || typeof o.note !== 'string' || !Array.isArray(o.flags)) {
        // Anything but the plain shape: the general path, cell by cell.
        this.addRows(fileIndex, header, obs.slice(i) as unknown as Record<string, unknown>[], fields, file, i);
        return;
      }
      let year: number | null = o.year;
      if (!Number.isFinite(year)) year = num(cellText(year));
      if (year !== null && !(Number.isInteger(year) && year >= -2147483648 && year <= 2147483647)) {
        throw new NotStorable(`${file} row ${i + 2}: year "${cellText(o.year)}" is not a whole number`);
      }
      const flags = o.flags.length === 0 ? '' : o.flags.length === 1 ? String(o.flags[0]) : o.flags.join(';');
      this.addRow(o, flags, fileIndex, year, cellNum(o.value), cellNum(o.low), cellNum(o.high), null, 0, 0);
    }
  }

  // The texts addRow last met in each column, and their ids: rows of one series repeat them.
  private lastCountry: string | null = null;
  private lastCountryId = 0;
  private lastCounterpart: string | null = null;
  private lastCounterpartId = 0;
  private lastIndicator: string | null = null;
  private lastIndicatorId = 0;
  private lastSource: string | null = null;
  private lastSourceId = 0;
  private lastFlags: string | null = null;
  private lastFlagsId = 0;
  private lastNote: string | null = null;
  private lastNoteId = 0;

  /** The template of each locator shape met (-1: its locators are read as text), and the last one. */
  private readonly shapeTemplates = new Map<LocatorShape, number>();
  private lastShape: LocatorShape | null = null;
  private lastShapeTemplate = -1;

  /**
   * One observation as the next row, its flags joined by ";" (`flags`). Only for the plain shape,
   * which its columns give back exactly (src/pipeline/observation-columns.ts checks it): texts, a
   * whole year, finite numbers or null, never -0. With `shape`, the locator is the shape's text
   * with the numbers `a` and `b`, and is written without being read.
   */
  addObservation(o: Observation, flags: string, shape: LocatorShape | null = null, a = 0, b = 0): void {
    this.addRow(o, flags, 0, o.year, o.value, o.low, o.high, shape, a, b);
  }

  /** A row of an observation's texts (rows of a series repeat the row before's: those ids are reused without a look-up) and these numbers. */
  private addRow(o: Observation, flags: string, fileIndex: number, year: number | null, value: number | null, low: number | null, high: number | null,
    shape: LocatorShape | null, a: number, b: number): void {
    if (this.n === this.country.length) this.grow();
    const r = this.n;
    this.country[r] = o.country === this.lastCountry ? this.lastCountryId : (this.lastCountryId = this.str((this.lastCountry = o.country)));
    this.counterpart[r] = o.counterpart === this.lastCounterpart ? this.lastCounterpartId : (this.lastCounterpartId = this.str((this.lastCounterpart = o.counterpart)));
    this.indicator[r] = o.indicator === this.lastIndicator ? this.lastIndicatorId : (this.lastIndicatorId = this.str((this.lastIndicator = o.indicator)));
    this.source[r] = o.source === this.lastSource ? this.lastSourceId : (this.lastSourceId = this.str((this.lastSource = o.source)));
    this.flags[r] = flags === this.lastFlags ? this.lastFlagsId : (this.lastFlagsId = this.str((this.lastFlags = flags)));
    this.note[r] = o.note === this.lastNote ? this.lastNoteId : (this.lastNoteId = this.noteId((this.lastNote = o.note)));
    if (shape === null) this.locator(o.locator);
    else this.shapedLocator(o.locator, shape, a, b);
    this.file[r] = fileIndex;
    // As the CSV gives them back: -0 is written 0.
    this.year[r] = year === null ? 0 : year + 0;
    this.value[r] = value === null ? 0 : value + 0;
    this.low[r] = low === null ? 0 : low + 0;
    this.high[r] = high === null ? 0 : high + 0;
    this.mask[r] = (value === null ? 1 : 0) | (low === null ? 2 : 0) | (high === null ? 4 : 0) | (year === null ? 8 : 0);
    this.n = r + 1;
  }

  /**
   * A locator of a shape: the first of each shape is read (locator), which gives the shape's
   * template; the others take it, and their numbers are the shape's with `a` and `b` in place.
   */
  private shapedLocator(s: string, shape: LocatorShape, a: number, b: number): void {
    let id = this.lastShapeTemplate;
    if (shape !== this.lastShape) {
      id = this.shapeTemplates.get(shape) ?? -2;
      if (id === -2) {
        this.locator(s);
        const r = this.n;
        const read = this.nums.length - this.numStart[r];
        const nums = this.nums.data;
        let same = read === shape.nums.length && this.templateList[this.template[r]].length === read + 1;
        for (let k = 0; same && k < read; k++) same = nums[this.numStart[r] + k] === (k === shape.a ? a : k === shape.b ? b : shape.nums[k]);
        this.shapeTemplates.set(shape, same ? this.template[r] : -1);
        return;
      }
      this.lastShape = shape;
      this.lastShapeTemplate = id;
    }
    if (id < 0) {
      this.locator(s);
      return;
    }
    const start = this.nums.length;
    this.numStart[this.n] = start;
    this.template[this.n] = id;
    const fixed = shape.nums;
    for (let k = 0; k < fixed.length; k++) this.nums.push(fixed[k]);
    const nums = this.nums.data;
    if (shape.a >= 0) nums[start + shape.a] = a;
    if (shape.b >= 0) nums[start + shape.b] = b;
  }

  /** The texts of the string columns (country, counterpart, indicator, source, flags), by id. */
  get texts(): readonly string[] {
    return this.stringList;
  }

  /** Row `r` as the observation it was encoded from (addObservation's rows give theirs back exactly). */
  observationAt(r: number): Observation {
    const flags = this.stringList[this.flags[r]];
    const m = this.mask[r];
    return {
      country: this.stringList[this.country[r]],
      counterpart: this.stringList[this.counterpart[r]],
      indicator: this.stringList[this.indicator[r]],
      year: this.year[r],
      value: m & 1 ? null : this.value[r],
      low: m & 2 ? null : this.low[r],
      high: m & 4 ? null : this.high[r],
      source: this.stringList[this.source[r]],
      locator: this.locatorAt(r),
      flags: (flags === '' ? [] : flags.split(';')) as ObservationFlag[],
      note: this.noteList[this.note[r]],
    };
  }

  /** Row `r`'s locator: its template's parts with its numbers between them. */
  locatorAt(r: number): string {
    const parts = this.templateList[this.template[r]];
    let s = parts[0];
    for (let k = 1, at = this.numStart[r]; k < parts.length; k++, at++) s += String(this.nums.data[at]) + parts[k];
    return s;
  }

  /** This encoder's rows as transferable columns (a build worker encodes one file: see addChunk). */
  toChunk(): EncodedChunk {
    const n = this.n;
    const cut = <T extends TypedColumn>(col: T): T => (col.length === n ? col : (col.slice(0, n) as T));
    const templates: EncodedChunk['templates'] = [];
    for (const [key, id] of this.templateIds) templates[id] = { key, plain: false };
    for (const [key, id] of this.plainTemplateIds) templates[id] = { key, plain: true };
    return {
      n, strings: this.stringList, notes: this.noteList, templates,
      country: cut(this.country), counterpart: cut(this.counterpart), indicator: cut(this.indicator), source: cut(this.source), flags: cut(this.flags),
      note: cut(this.note), year: cut(this.year), value: cut(this.value), low: cut(this.low), high: cut(this.high), mask: cut(this.mask),
      template: cut(this.template), numStart: cut(this.numStart), nums: this.nums.data.slice(0, this.nums.length),
    };
  }

  /** A chunk's rows as one file's (the same columns as adding its rows here: ids are given in the order the chunk first met each string). */
  addChunk(fileIndex: number, chunk: EncodedChunk): void {
    const strings = chunk.strings.map((x) => this.str(x));
    const notes = chunk.notes.map((x) => this.noteId(x));
    const templates = chunk.templates.map(({ key, plain }) => {
      const ids = plain ? this.plainTemplateIds : this.templateIds;
      let id = ids.get(key);
      if (id === undefined) {
        id = this.templateList.length;
        ids.set(key, id);
        this.templateList.push(plain ? [key] : key.split('\u0000'));
      }
      return id;
    });
    const base = this.nums.length;
    for (let k = 0; k < chunk.nums.length; k++) this.nums.push(chunk.nums[k]);
    for (let i = 0; i < chunk.n; i++) {
      if (this.n === this.country.length) this.grow();
      const r = this.n;
      this.country[r] = strings[chunk.country[i]];
      this.counterpart[r] = strings[chunk.counterpart[i]];
      this.indicator[r] = strings[chunk.indicator[i]];
      this.source[r] = strings[chunk.source[i]];
      this.flags[r] = strings[chunk.flags[i]];
      this.note[r] = notes[chunk.note[i]];
      this.template[r] = templates[chunk.template[i]];
      this.numStart[r] = base + chunk.numStart[i];
      this.file[r] = fileIndex;
      this.year[r] = chunk.year[i];
      this.value[r] = chunk.value[i];
      this.low[r] = chunk.low[i];
      this.high[r] = chunk.high[i];
      this.mask[r] = chunk.mask[i];
      this.n = r + 1;
    }
  }

  private addRecord(fileIndex: number, rec: readonly string[], at: Record<string, number>, file: string, row: number): void {
    const year = num(rec[at.year]);
    if (year !== null && !(Number.isInteger(year) && year >= -2147483648 && year <= 2147483647)) {
      throw new NotStorable(`${file} row ${row}: year "${rec[at.year]}" is not a whole number`);
    }
    const value = num(rec[at.value]);
    const low = num(rec[at.low]);
    const high = num(rec[at.high]);
    if (this.n === this.country.length) this.grow();
    const r = this.n;
    this.country[r] = this.str(rec[at.country]);
    this.counterpart[r] = this.str(rec[at.counterpart]);
    this.indicator[r] = this.str(rec[at.indicator]);
    this.source[r] = this.str(rec[at.source]);
    this.flags[r] = this.str(rec[at.flags]);
    this.note[r] = this.noteId(rec[at.note]);
    this.locator(rec[at.locator]);
    this.file[r] = fileIndex;
    this.year[r] = year ?? 0;
    this.value[r] = value ?? 0;
    this.low[r] = low ?? 0;
    this.high[r] = high ?? 0;
    this.mask[r] = (value === null ? 1 : 0) | (low === null ? 2 : 0) | (high === null ? 4 : 0) | (year === null ? 8 : 0);
    this.n = r + 1;
  }

  finish(dir: string, files: FileStamp[], observationFiles: string[], texts: [string, string][]): Buffer {
    const n = this.n;
    const c = <T extends TypedColumn>(col: T): T => col.subarray(0, n) as T;
    if (this.stringList.length > 65535) throw new NotStorable('more than 65535 distinct countries, indicators, sources and flags');
    // Dictionary ids in string order, so ids compare as the strings do (series order, binary search).
    const sorted = this.stringList.map((s, i) => [s, i] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const remap = new Uint16Array(sorted.length);
    sorted.forEach(([, old], i) => (remap[old] = i));
    const dictList = sorted.map(([s]) => s);
    const ids = (col: Uint32Array) => {
      // A loop, not Uint16Array.from with a mapping function (a call per element).
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = remap[col[i]];
      return out;
    };
    const country = ids(this.country);
    const counterpart = ids(this.counterpart);
    const indicator = ids(this.indicator);
    const source = ids(this.source);
    // Store order: by series (indicator, country, counterpart), then year, then source id, then load
    // order: what Evidence's index gives (each series sorted by year and source, stable).
    const year = c(this.year);
    const mask = c(this.mask);
    const key = new Float64Array(n);
    for (let i = 0; i < n; i++) key[i] = (indicator[i] * 65536 + country[i]) * 65536 + counterpart[i];
    // Evidence sorted by a.year - b.year, which takes a null year for 0. The comparison is a total
    // order (the load index decides last), so any sort gives the same order: a plain array's sort
    // (TimSort) takes the rows as the runs they come in (each file's rows are sorted already), a
    // typed array's sorts them from scratch.
    const compare = (a: number, b: number) => key[a] - key[b] || (mask[a] & 8 ? 0 : year[a]) - (mask[b] & 8 ? 0 : year[b]) || source[a] - source[b] || a - b;
    const order = Uint32Array.from(blocksInOrder(n, indicator, this.file, compare) ?? (() => {
      // (Not the build's rows: a plain sort.)
      const all: number[] = new Array<number>(n);
      for (let i = 0; i < n; i++) all[i] = i;
      return all.sort(compare);
    })());
    // The series (runs of one key) and the rows with a range (low or high), counted first: every
    // section's length is known before any is made, and each is written straight into the store's
    // buffer (the build's memory peaks here: no column is made twice).
    const seriesStart: number[] = [];
    const seriesIndicator: number[] = [];
    const seriesCountry: number[] = [];
    const seriesCounterpart: number[] = [];
    let prev = -1;
    let extra = 0;
    for (let r = 0; r < n; r++) {
      const i = order[r];
      const k = key[i];
      if (k !== prev) {
        seriesStart.push(r);
        seriesIndicator.push(indicator[i]);
        seriesCountry.push(country[i]);
        seriesCounterpart.push(counterpart[i]);
        prev = k;
      }
      if ((mask[i] & 6) !== 6) extra++;
    }
    seriesStart.push(n);
    const series = seriesIndicator.length;

    const textParts: { path: string; offset: number; length: number }[] = [];
    const textBufs: Buffer[] = [];
    let textLength = 0;
    for (const [p, t] of [...texts, ['#templates', JSON.stringify(this.templateList)] as [string, string]]) {
      const b = Buffer.from(t, 'utf8');
      textParts.push({ path: p, offset: textLength, length: b.length });
      textBufs.push(b);
      textLength += b.length;
    }
    const table = (list: string[]) => {
      const bufs = list.map((s) => Buffer.from(s, 'utf8'));
      const offsets = new Uint32Array(list.length + 1);
      for (let i = 0; i < bufs.length; i++) offsets[i + 1] = offsets[i] + bufs[i].length;
      return { offsets, bufs, length: offsets[list.length] };
    };
    const dict = table(dictList);
    const notes = table(this.noteList);

    // Each section's name and size in bytes, in the body's order.
    const sizes: [string, number][] = [
      ['value', n * 8], ['extraLow', extra * 8], ['extraHigh', extra * 8], ['year', n * 4], ['note', n * 4], ['template', n * 4],
      ['numStart', n * 4], ['nums', this.nums.length * 4], ['loadOrder', n * 4], ['seriesStart', (series + 1) * 4], ['extraRows', extra * 4],
      ['dictOffsets', dict.offsets.byteLength], ['noteOffsets', notes.offsets.byteLength],
      ['country', n * 2], ['counterpart', n * 2], ['indicator', n * 2], ['source', n * 2], ['flags', n * 2], ['file', n * 2],
      ['seriesIndicator', series * 2], ['seriesCountry', series * 2], ['seriesCounterpart', series * 2], ['mask', n],
      ['dictBytes', dict.length], ['noteBytes', notes.length], ['texts', textLength],
    ];
    const layout: Record<string, Section> = {};
    let bodyLength = 0;
    for (const [name, length] of sizes) {
      layout[name] = { offset: bodyLength, length };
      bodyLength = align8(bodyLength + length);
    }
    const header = (sum: number): StoreHeader => ({
      format: STORE_FORMAT,
      evidenceDir: dir,
      files,
      observationFiles,
      texts: textParts,
      rows: n,
      series,
      extra,
      sections: layout,
      bodyLength,
      checksum: sum,
    });
    // The store as withHeader lays it out, made in one buffer: the body is put after room for the
    // longest header (a checksum of ten digits), then moved back to its place after the header.
    const room = align8(16 + Buffer.byteLength(JSON.stringify(header(0xffffffff)), 'utf8'));
    const out = Buffer.alloc(room + bodyLength);
    // A view of a section in the buffer (every section starts 8-aligned).
    const view = <T>(name: string, make: (buffer: ArrayBuffer, offset: number, length: number) => T, bytes: number): T =>
      make(out.buffer as ArrayBuffer, out.byteOffset + room + layout[name].offset, layout[name].length / bytes);
    const f64 = (name: string) => view(name, (b, o, l) => new Float64Array(b, o, l), 8);
    const u32 = (name: string) => view(name, (b, o, l) => new Uint32Array(b, o, l), 4);
    const u16 = (name: string) => view(name, (b, o, l) => new Uint16Array(b, o, l), 2);

    const valueOut = f64('value');
    const yearOut = view('year', (b, o, l) => new Int32Array(b, o, l), 4);
    const maskOut = view('mask', (b, o, l) => new Uint8Array(b, o, l), 1);
    const noteOut = u32('note');
    const templateOut = u32('template');
    const flagsOut = u16('flags');
    const fileOut = u16('file');
    const countryOut = u16('country');
    const counterpartOut = u16('counterpart');
    const indicatorOut = u16('indicator');
    const sourceOut = u16('source');
    const loadOrder = u32('loadOrder'); // load index -> store row
    const numStart = u32('numStart');
    const nums = u32('nums');
    const extraRows = u32('extraRows');
    const extraLow = f64('extraLow');
    const extraHigh = f64('extraHigh');
    let w = 0;
    let e = 0;
    for (let r = 0; r < n; r++) {
      const i = order[r];
      loadOrder[i] = r;
      valueOut[r] = this.value[i];
      yearOut[r] = year[i];
      maskOut[r] = mask[i];
      noteOut[r] = this.note[i];
      templateOut[r] = this.template[i];
      flagsOut[r] = remap[this.flags[i]];
      fileOut[r] = this.file[i];
      countryOut[r] = country[i];
      counterpartOut[r] = counterpart[i];
      indicatorOut[r] = indicator[i];
      sourceOut[r] = source[i];
      if ((mask[i] & 6) !== 6) {
        extraRows[e] = r;
        extraLow[e] = this.low[i];
        extraHigh[e] = this.high[i];
        e++;
      }
      numStart[r] = w;
      const end = i + 1 < n ? this.numStart[i + 1] : this.nums.length;
      for (let k = this.numStart[i]; k < end; k++) nums[w++] = this.nums.data[k];
    }
    u32('seriesStart').set(seriesStart);
    u16('seriesIndicator').set(seriesIndicator);
    u16('seriesCountry').set(seriesCountry);
    u16('seriesCounterpart').set(seriesCounterpart);
    u32('dictOffsets').set(dict.offsets);
    u32('noteOffsets').set(notes.offsets);
    const bytesAt = (name: string, bufs: Buffer[]) => {
      let at = room + layout[name].offset;
      for (const b of bufs) at += b.copy(out, at);
    };
    bytesAt('dictBytes', dict.bufs);
    bytesAt('noteBytes', notes.bufs);
    bytesAt('texts', textBufs);
    const json = Buffer.from(JSON.stringify(header(checksum(out.subarray(room)))), 'utf8');
    const start = align8(16 + json.length);
    if (start < room) out.copyWithin(start, room, room + bodyLength);
    out.write(MAGIC, 0, 'latin1');
    out.writeUInt32LE(json.length, 8);
    json.copy(out, 16);
    return out.subarray(0, start + bodyLength);
  }
}

function withHeader(header: StoreHeader, body: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align8(16 + json.length);
  const out = Buffer.alloc(start + body.byteLength);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 16);
  out.set(body, start);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Where the store lives, staleness, writing

/** The folders a store (or another derived cache, src/store/yaml-cache.ts) may live in, in order. */
export function storeFolders(): string[] {
  if (process.env.ALLIES_STORE_DIR) return [path.resolve(process.env.ALLIES_STORE_DIR)];
  const userCache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return [path.join(PACKAGE_ROOT, '.alliance-ledger/store'), path.join(userCache, 'alliance-ledger/store')];
}

/** The store files to try for an evidence folder, in order. */
export function storeFilesFor(evidenceDir: string): string[] {
  const name = `evidence-${createHash('sha256').update(path.resolve(evidenceDir)).digest('hex').slice(0, 16)}.bin`;
  return storeFolders().map((dir) => path.join(dir, name));
}

/** Whether the files the store was made from are unchanged: 'fresh', 'restamp' (same content, new mtimes), or why not. */
async function verifyStamps(dir: string, header: StoreHeader): Promise<{ state: 'fresh' | 'restamp' | 'stale'; why?: string; files?: FileStamp[] }> {
  const stats = await Promise.all(header.files.map((f) => stat(path.join(dir, f.path)).catch(() => null)));
  let restamp = false;
  const files: FileStamp[] = [];
  for (const [i, f] of header.files.entries()) {
    const st = stats[i];
    if (!st) return { state: 'stale', why: `${f.path} is gone` };
    if (st.size !== f.size) return { state: 'stale', why: `${f.path} changed` };
    if (st.mtimeMs !== f.mtimeMs) {
      const sha = createHash('sha256').update(await readFile(path.join(dir, f.path))).digest('hex');
      if (sha !== f.sha256) return { state: 'stale', why: `${f.path} changed` };
      restamp = true;
    }
    files.push({ ...f, mtimeMs: st.mtimeMs });
  }
  return restamp ? { state: 'restamp', files } : { state: 'fresh' };
}

/**
 * Whether the files a store was made from (in another folder, maybe) are here with the same
 * content: sizes first, then the SHA-256 of every file; never the times. The stamps returned are
 * this folder's (taken before reading, so a later change moves the time past them).
 */
async function verifyContent(dir: string, header: StoreHeader): Promise<{ files: FileStamp[] } | { why: string }> {
  if (!Array.isArray(header.files) || header.files[0]?.path !== 'datapackage.json') return { why: 'lists no datapackage.json' };
  const stats = await Promise.all(header.files.map((f) => stat(path.join(dir, f.path)).catch(() => null)));
  for (const [i, f] of header.files.entries()) {
    const st = stats[i];
    if (!st) return { why: `does not match (${f.path} is missing here)` };
    if (st.size !== f.size) return { why: `does not match (${f.path} differs)` };
  }
  const hashes = await Promise.all(header.files.map(async (f) => createHash('sha256').update(await readFile(path.join(dir, f.path))).digest('hex')));
  for (const [i, f] of header.files.entries()) if (hashes[i] !== f.sha256) return { why: `does not match (${f.path} differs)` };
  return { files: header.files.map((f, i) => ({ ...f, mtimeMs: stats[i]!.mtimeMs })) };
}

/** The store a packed package ships for its own evidence folder (scripts/build.mjs --store). */
export const SHIPPED_STORE = packagePath('dist/store/evidence.bin');

/** The shipped store to try for an evidence folder: SHIPPED_STORE for the package's own, else none. */
export function shippedStoreFor(evidenceDir: string): string | null {
  return path.resolve(evidenceDir) === packagePath('evidence') ? SHIPPED_STORE : null;
}

/**
 * Take a shipped store for an evidence folder when it matches the folder by content: the store,
 * rebound to this folder (its path and stamps) and written to the first writable candidate; or
 * why not (null when there is no shipped store at all). A mismatched store is never read as data.
 */
async function adoptShippedStore(dir: string, shipped: string, candidates: string[]): Promise<OpenedStore | string | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(shipped);
  } catch {
    return null;
  }
  const store = decodeStore(bytes, null);
  if (typeof store === 'string') return store;
  const verdict = await verifyContent(dir, store.header);
  if ('why' in verdict) return verdict.why;
  const header: StoreHeader = { ...store.header, evidenceDir: dir, files: verdict.files };
  const adopted = new ObservationStore(header, store.bodyBytes);
  const out = withHeader(header, store.bodyBytes);
  for (const file of candidates) {
    try {
      await writeStoreFile(file, out);
      await pruneStores(path.dirname(file), file).catch(() => undefined);
      return { store: adopted, file, rebuilt: false };
    } catch {
      // the next candidate
    }
  }
  // No store folder is writable: every run checks the shipped store again (a hash, no encoding).
  return { store: adopted, file: null, rebuilt: false };
}

/**
 * Write the store of an evidence folder to a file of one's choosing (scripts/build.mjs --store:
 * the shipped store, SHIPPED_STORE), unless that file already holds a store of this format whose
 * files match the folder's by content. Returns whether it was written.
 */
export async function writeShippedStore(evidenceDir: string, file: string = SHIPPED_STORE): Promise<boolean> {
  const dir = path.resolve(evidenceDir);
  const current = await readFile(file).then((b) => decodeStore(b, null), () => 'is missing');
  if (typeof current !== 'string' && current.header.evidenceDir === path.basename(dir) && !('why' in (await verifyContent(dir, current.header)))) return false;
  try {
    // The header names the folder as the package does (evidence), not the pack machine's path.
    const store = decodeStore(await encodeStore({ dir }), dir);
    if (typeof store === 'string') throw new Error(`evidence store: the store just encoded ${store}`);
    await writeStoreFile(file, withHeader({ ...store.header, evidenceDir: path.basename(dir) }, store.bodyBytes));
  } catch (e) {
    await rm(file, { force: true }); // not a store of other evidence left to ship
    throw e;
  }
  return true;
}

let counter = 0;

/** Write a store file whole or not at all: a temporary beside it, then a rename. */
export async function writeStoreFile(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  await removeStaleTemporaryFiles(dir);
  const temporary = path.join(dir, `.${path.basename(file)}.${process.pid}.${++counter}.tmp`);
  try {
    await writeFile(temporary, bytes);
    await pauseInSwapForTests(file);
    await rename(temporary, file);
  } catch (e) {
    await rm(temporary, { force: true });
    throw e;
  }
}

/** Remove stores of evidence folders that are gone, and all but the newest KEEP_STORES. */
async function pruneStores(dir: string, keep: string): Promise<void> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => STORE_NAME.test(n) && n !== path.basename(keep));
  const alive: { file: string; mtime: number }[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const fh = await open(file, 'r');
      let evidenceDir: string | null = null;
      let mtime = 0;
      try {
        mtime = (await fh.stat()).mtimeMs;
        const head = Buffer.alloc(16);
        await fh.read(head, 0, 16, 0);
        const len = head.readUInt32LE(8);
        if (len < 1 << 24) {
          const json = Buffer.alloc(len);
          await fh.read(json, 0, len, 16);
          evidenceDir = (JSON.parse(json.toString('utf8')) as StoreHeader).evidenceDir;
        }
      } catch {
        evidenceDir = null;
      } finally {
        await fh.close();
      }
      if (evidenceDir && (await exists(path.join(evidenceDir, 'datapackage.json')))) alive.push({ file, mtime });
      else await rm(file, { force: true });
    } catch {
      // another process removed it first
    }
  }
  for (const old of alive.sort((a, b) => b.mtime - a.mtime).slice(KEEP_STORES - 1)) await rm(old.file, { force: true });
}

export interface OpenedStore {
  store: ObservationStore;
  /** The file it was read from or written to; null when it lives in memory only. */
  file: string | null;
  rebuilt: boolean;
}

/**
 * Open the store of an evidence folder, rebuilding it when missing, damaged or stale (one line on
 * stderr says so, and where it went). Before rebuilding, the shipped store (options.shipped, by
 * default shippedStoreFor(evidenceDir); null for none) is taken when it matches the folder by
 * content. Throws NotStorable when the folder holds a cell the columns cannot hold exactly; the
 * caller then reads the CSV.
 */
export async function openEvidenceStore(evidenceDir: string, options: { quiet?: boolean; shipped?: string | null } = {}): Promise<OpenedStore> {
  const dir = path.resolve(evidenceDir);
  const candidates = storeFilesFor(dir);
  let why = 'is missing';
  for (const file of candidates) {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      continue;
    }
    const store = decodeStore(bytes, dir);
    if (typeof store === 'string') {
      why = store;
      continue;
    }
    const verdict = await verifyStamps(dir, store.header);
    if (verdict.state === 'fresh') return { store, file, rebuilt: false };
    if (verdict.state === 'restamp') {
      // Same content, new modification times (a checkout, a rebuild that changed nothing): renew the stamps.
      await writeStoreFile(file, withHeader({ ...store.header, files: verdict.files! }, store.bodyBytes)).catch(() => undefined);
      return { store, file, rebuilt: false };
    }
    why = `is stale (${verdict.why})`;
    break;
  }
  const shipped = options.shipped === undefined ? shippedStoreFor(dir) : options.shipped;
  if (shipped) {
    const taken = await adoptShippedStore(dir, shipped, candidates);
    if (taken !== null && typeof taken !== 'string') return taken;
    if (taken !== null) why += `, and the shipped store ${shipped} ${taken}`;
  }
  return rebuildStore(dir, candidates, why, options);
}

async function rebuildStore(dir: string, candidates: string[], why: string, options: { quiet?: boolean } & Omit<EncodeInput, 'dir'>): Promise<OpenedStore> {
  const t0 = performance.now();
  const bytes = await encodeStore({ dir, texts: options.texts, rows: options.rows, encoded: options.encoded, sha256: options.sha256 });
  const store = decodeStore(bytes, dir);
  if (typeof store === 'string') throw new Error(`evidence store: the store just encoded ${store}`);
  const errors: string[] = [];
  for (const file of candidates) {
    try {
      await writeStoreFile(file, bytes);
      await pruneStores(path.dirname(file), file).catch(() => undefined);
      if (!options.quiet) process.stderr.write(`allies: the evidence store of ${dir} ${why}: rebuilt ${file} (${(bytes.length / 2 ** 20).toFixed(1)} MiB, ${Math.round(performance.now() - t0)} ms)\n`);
      return { store, file, rebuilt: true };
    } catch (e) {
      errors.push(`${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (!options.quiet) process.stderr.write(`allies: the evidence store of ${dir} ${why}, and no store folder is writable (${errors.join('; ')}): parsed the CSV into memory; every run will until one is (set ALLIES_STORE_DIR)\n`);
  return { store, file: null, rebuilt: true };
}

/**
 * Write the store of a freshly built evidence folder (allies data build), from the texts the build
 * just wrote. Quiet; returns the file written, or null when no store folder is writable.
 */
export async function writeEvidenceStore(evidenceDir: string, texts?: ReadonlyMap<string, string | Uint8Array>, rows?: EncodeInput['rows'], encoded?: EncodedObservations, sha256?: ReadonlyMap<string, string>): Promise<string | null> {
  const dir = path.resolve(evidenceDir);
  return (await rebuildStore(dir, storeFilesFor(dir), 'was rebuilt', { quiet: true, texts, rows, encoded, sha256 })).file;
}
