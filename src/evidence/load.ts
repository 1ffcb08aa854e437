// The typed library API over the committed evidence tables:
//   const evidence = await loadEvidence();
//   evidence.latest('JPN', 'milex_share_gdp')  // -> observation with value, source, locator
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { derived } from '../method/derived-cache.ts';
import { packagePath } from '../paths.ts';
import { NotStorable, openEvidenceStore } from '../store/evidence-store.ts';
import type { ObservationStore } from '../store/evidence-store.ts';
import { recoverFolder } from '../store/swap.ts';
import { CsvShapeError, fieldCountMessage, scanCsv } from './csv-scan.ts';
import type { Country, Indicator, Observation, ObservationFlag, Source, SourceFile } from './schema.ts';

export const EVIDENCE_DIR = packagePath('evidence');

export type TableRow = Record<string, string | number | boolean | null>;

interface FieldSpec {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
}

interface Resource {
  name: string;
  path: string;
  title: string;
  schema: { fields: FieldSpec[]; primaryKey: string[] };
}

export interface ObservationQuery {
  country?: string | readonly string[];
  indicator?: string | readonly string[];
  counterpart?: string;
  source?: string;
  year?: number;
  from?: number;
  to?: number;
  /** Leave out rows flagged missing. */
  present?: boolean;
}

export interface Ally {
  iso3: string;
  name: string;
  region: string | null;
  tier: string;
  basis: string[];
  reference: boolean;
}

const NO_OBSERVATIONS: Observation[] = [];

/** The years observations span (the first and the last), or null when there are none. */
export interface YearSpan {
  first: number;
  last: number;
}

/** Where an Evidence finds its observations: parsed CSV rows in memory, or the columnar store. */
interface ObservationIndex {
  all(): Observation[];
  series(key: string): Observation[];
  /** Evidence.latest without a source: the last observation with a value at or before upTo. */
  latest(country: string, indicator: string, counterpart: string, upTo: number | undefined): Observation | undefined;
  /** Evidence.value without a source. */
  value(country: string, indicator: string, counterpart: string, year: number): Observation | undefined;
  /** The years of a series' observations with a value (ascending, repeated when several sources give one). */
  yearsWithValue(country: string, indicator: string, counterpart: string): number[];
  query(q: ObservationQuery): Observation[];
  yearSpan(): YearSpan | null;
}

/** Observations in an array (the CSV parsed, or built by hand), indexed by series. */
class ArrayIndex implements ObservationIndex {
  private readonly index = new Map<string, Observation[]>();
  constructor(private readonly observations: Observation[]) {
    for (const o of observations) {
      const key = seriesKey(o.country, o.indicator, o.counterpart);
      let list = this.index.get(key);
      if (!list) this.index.set(key, (list = []));
      list.push(o);
    }
    for (const list of this.index.values()) list.sort((a, b) => a.year - b.year || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  }
  all(): Observation[] {
    return this.observations;
  }
  series(key: string): Observation[] {
    return this.index.get(key) ?? NO_OBSERVATIONS;
  }
  latest(country: string, indicator: string, counterpart: string, upTo: number | undefined): Observation | undefined {
    return latestIn(this.series(seriesKey(country, indicator, counterpart)), upTo);
  }
  value(country: string, indicator: string, counterpart: string, year: number): Observation | undefined {
    return valueIn(this.series(seriesKey(country, indicator, counterpart)), year);
  }
  yearsWithValue(country: string, indicator: string, counterpart: string): number[] {
    return this.series(seriesKey(country, indicator, counterpart)).filter((o) => o.value !== null).map((o) => o.year);
  }
  query(q: ObservationQuery): Observation[] {
    return this.observations.filter(observationFilter(q));
  }
  yearSpan(): YearSpan | null {
    return spanOf(this.observations);
  }
}

function latestIn(list: readonly Observation[], upTo: number | undefined): Observation | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const o = list[i];
    if (o.value !== null && (upTo === undefined || o.year <= upTo)) return o;
  }
  return undefined;
}

function valueIn(list: readonly Observation[], year: number): Observation | undefined {
  const rows = list.filter((o) => o.year === year);
  return rows.find((o) => o.value !== null) ?? rows[0];
}

function spanOf(observations: readonly Observation[]): YearSpan | null {
  let first = Infinity;
  let last = -Infinity;
  for (const o of observations) {
    if (o.year < first) first = o.year;
    if (o.year > last) last = o.year;
  }
  return Number.isFinite(first) ? { first, last } : null;
}

/**
 * Observations read from the columnar store (src/store/evidence-store.ts), made into objects only
 * when asked for: a series at a time, each object made once (the same object every time after).
 * `files` limits it to some observation files (loadEvidence's `indicators` option).
 */
class StoreIndex implements ObservationIndex {
  private readonly made: (Observation | undefined)[];
  private readonly seriesMade = new Map<string, Observation[]>();
  private everything: Observation[] | null = null;
  private readonly fileOk: Uint8Array;
  private readonly allFiles: boolean;

  constructor(private readonly store: ObservationStore, files: ReadonlySet<number> | null) {
    this.made = new Array<Observation | undefined>(store.rows).fill(undefined); // filled: a large holey array is slow
    this.fileOk = new Uint8Array(store.observationFiles.length).fill(files ? 0 : 1);
    for (const f of files ?? []) this.fileOk[f] = 1;
    this.allFiles = this.fileOk.every((x) => x === 1);
  }

  private at(row: number): Observation {
    return (this.made[row] ??= this.store.observation(row));
  }

  all(): Observation[] {
    if (!this.everything) {
      const out: Observation[] = [];
      const { loadOrder, file } = this.store;
      for (let i = 0; i < loadOrder.length; i++) {
        const row = loadOrder[i];
        if (this.fileOk[file[row]]) out.push(this.at(row));
      }
      this.everything = out;
    }
    return this.everything;
  }

  series(key: string): Observation[] {
    let list = this.seriesMade.get(key);
    if (!list) {
      const [indicator, country, counterpart] = key.split('\u0000');
      const s = this.store.seriesOf(indicator, country, counterpart ?? '');
      list = s < 0 ? NO_OBSERVATIONS : [];
      if (s >= 0) for (let r = this.store.seriesStart[s]; r < this.store.seriesStart[s + 1]; r++) if (this.fileOk[this.store.file[r]]) list.push(this.at(r));
      this.seriesMade.set(key, list);
    }
    return list;
  }

  /** The store rows of a series (seriesStart[s] .. seriesStart[s + 1]), or null when there is none. */
  private rowsOf(country: string, indicator: string, counterpart: string): [number, number] | null {
    const s = this.store.seriesOf(indicator, country, counterpart);
    return s < 0 ? null : [this.store.seriesStart[s], this.store.seriesStart[s + 1]];
  }

  // latest, value and yearsWithValue read the columns and make only the objects they return
  // (the same objects series() gives): a ledger needs a few observations of long series.
  latest(country: string, indicator: string, counterpart: string, upTo: number | undefined): Observation | undefined {
    const rows = this.rowsOf(country, indicator, counterpart);
    if (!rows) return undefined;
    const { mask, year, file } = this.store;
    for (let r = rows[1] - 1; r >= rows[0]; r--) {
      if (!this.fileOk[file[r]]) continue;
      const m = mask[r];
      // A null year compares as the parsed row's null does: 0 in <=.
      if (!(m & 1) && (upTo === undefined || (m & 8 ? 0 : year[r]) <= upTo)) return this.at(r);
    }
    return undefined;
  }

  value(country: string, indicator: string, counterpart: string, y: number): Observation | undefined {
    const rows = this.rowsOf(country, indicator, counterpart);
    if (!rows) return undefined;
    const { mask, year, file } = this.store;
    let first = -1;
    for (let r = rows[0]; r < rows[1]; r++) {
      const m = mask[r];
      if (!this.fileOk[file[r]] || m & 8 || year[r] !== y) continue;
      if (!(m & 1)) return this.at(r);
      if (first < 0) first = r;
    }
    return first < 0 ? undefined : this.at(first);
  }

  yearsWithValue(country: string, indicator: string, counterpart: string): number[] {
    const rows = this.rowsOf(country, indicator, counterpart);
    const out: number[] = [];
    if (!rows) return out;
    const { mask, year, file } = this.store;
    for (let r = rows[0]; r < rows[1]; r++) {
      const m = mask[r];
      if (this.fileOk[file[r]] && !(m & 1)) out.push(m & 8 ? (null as unknown as number) : year[r]);
    }
    return out;
  }

  query(q: ObservationQuery): Observation[] {
    const st = this.store;
    if (this.everything) return this.everything.filter(observationFilter(q));
    const ids = (v: string | readonly string[] | undefined): Set<number> | null => (v === undefined ? null : new Set((typeof v === 'string' ? [v] : v).map((x) => st.dictId(x))));
    const countries = ids(q.country);
    const indicators = ids(q.indicator);
    const counterpart = q.counterpart === undefined ? null : st.dictId(q.counterpart);
    const source = q.source === undefined ? null : st.dictId(q.source);
    // The store rows to look at: the series blocks of the indicators asked for, else every row.
    const ranges: [number, number][] = [];
    if (indicators) {
      for (const ind of indicators) {
        if (ind < 0) continue;
        const lo = lowerBound(st.seriesIndicator, ind);
        const hi = lowerBound(st.seriesIndicator, ind + 1);
        if (hi > lo) ranges.push([st.seriesStart[lo], st.seriesStart[hi]]);
      }
    } else {
      ranges.push([0, st.rows]);
    }
    const rows: number[] = [];
    const { country, file, year, mask } = st;
    for (const [from, to] of ranges) {
      for (let r = from; r < to; r++) {
        if (!this.fileOk[file[r]]) continue;
        if (countries && !countries.has(country[r])) continue;
        if (counterpart !== null && st.counterpart[r] !== counterpart) continue;
        if (source !== null && st.source[r] !== source) continue;
        const m = mask[r];
        // A missing year compares as the parsed row's null does: never equal, 0 in >= and <=.
        const y = m & 8 ? 0 : year[r];
        if (q.year !== undefined && (m & 8 || y !== q.year)) continue;
        if (q.from !== undefined && !(y >= q.from)) continue;
        if (q.to !== undefined && !(y <= q.to)) continue;
        if (q.present && m & 1) continue;
        rows.push(r);
      }
    }
    // In load order, as filtering the whole list would give.
    const position = this.loadPosition();
    rows.sort((a, b) => position[a] - position[b]);
    return rows.map((r) => this.at(r));
  }

  private position: Uint32Array | null = null;
  private loadPosition(): Uint32Array {
    if (!this.position) {
      const p = new Uint32Array(this.store.rows);
      const { loadOrder } = this.store;
      for (let i = 0; i < loadOrder.length; i++) p[loadOrder[i]] = i;
      this.position = p;
    }
    return this.position;
  }

  yearSpan(): YearSpan | null {
    if (this.everything) return spanOf(this.everything);
    let first = Infinity;
    let last = -Infinity;
    const { year, mask, file } = this.store;
    for (let r = 0; r < year.length; r++) {
      if (!this.allFiles && !this.fileOk[file[r]]) continue;
      const y = mask[r] & 8 ? 0 : year[r]; // a null year compares as 0, as in the parsed rows
      if (y < first) first = y;
      if (y > last) last = y;
    }
    return Number.isFinite(first) ? { first, last } : null;
  }
}

function lowerBound(sorted: Uint16Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The evidence base, indexed by indicator and country. */
export class Evidence {
  readonly countries: Country[];
  readonly sources: Source[];
  readonly sourceFiles: SourceFile[];
  readonly indicators: Indicator[];
  private readonly tables: Map<string, TableRow[] | (() => TableRow[])>;
  private readonly tableHeads: Map<string, () => string[] | null> | undefined;
  /**
   * A key of the evidence's content (the checksums of the files the store was made from): the
   * same key, the same evidence. Results derived from it may be kept between processes under
   * this key (src/method/derived-cache.ts). Null for evidence parsed from CSV (not kept).
   */
  readonly contentKey: string | null;
  private readonly obs: ObservationIndex;
  private readonly countryByIso: Map<string, Country>;
  private readonly sourceById: Map<string, Source>;
  private readonly indicatorById: Map<string, Indicator>;

  constructor(parts: {
    countries: Country[];
    sources: Source[];
    sourceFiles: SourceFile[];
    indicators: Indicator[];
    /** Every observation, in memory. */
    observations?: Observation[];
    /** Or: the columnar store, and which of its observation files to see (null: all). */
    store?: { store: ObservationStore; files: ReadonlySet<number> | null };
    /** Tables by name; a function is called once, on first use. */
    tables: Map<string, TableRow[] | (() => TableRow[])>;
    /** For tables given as functions: their column names without their rows (null: parse to know). */
    tableHeads?: Map<string, () => string[] | null>;
    contentKey?: string | null;
  }) {
    this.tableHeads = parts.tableHeads;
    this.contentKey = parts.contentKey ?? null;
    this.countries = parts.countries;
    this.sources = parts.sources;
    this.sourceFiles = parts.sourceFiles;
    this.indicators = parts.indicators;
    this.obs = parts.store ? new StoreIndex(parts.store.store, parts.store.files) : new ArrayIndex(parts.observations ?? []);
    this.tables = parts.tables;
    this.countryByIso = new Map(parts.countries.map((c) => [c.iso3, c]));
    this.sourceById = new Map(parts.sources.map((s) => [s.id, s]));
    this.indicatorById = new Map(parts.indicators.map((i) => [i.id, i]));
  }

  /**
   * Every observation, in the order of the files (datapackage.json) and their rows. Over the store
   * this makes an object of every row on first use: series, latest, value and query do not need it.
   */
  get observations(): Observation[] {
    return this.obs.all();
  }

  /** The first and last year observed, without making every observation (null when there are none). */
  yearSpan(): YearSpan | null {
    // A view that lays its own observations over these (a scenario overlay) counts its own.
    if (Object.getOwnPropertyDescriptor(this, 'observations')) return spanOf(this.observations);
    return this.obs.yearSpan();
  }

  country(iso3: string): Country | undefined {
    return this.countryByIso.get(iso3);
  }

  source(id: string): Source | undefined {
    return this.sourceById.get(id);
  }

  indicator(id: string): Indicator | undefined {
    return this.indicatorById.get(id);
  }

  /** Names of the tables besides observations (atop_members, us_commitments, groupings, ...). */
  tableNames(): string[] {
    return [...this.tables.keys()].sort();
  }

  /**
   * A table's column names, as Object.keys of its first row gives them ([] for a table without
   * rows), without parsing the rows when the table has not been read yet.
   */
  tableColumns(name: string): string[] {
    const rows = this.tables.get(name);
    if (typeof rows === 'function') {
      const head = this.tableHeads?.get(name)?.();
      if (head) return head;
    }
    return Object.keys(this.table(name)[0] ?? {});
  }

  table(name: string): TableRow[] {
    let rows = this.tables.get(name);
    if (!rows) throw new Error(`no evidence table "${name}"; tables: ${this.tableNames().join(', ')}`);
    if (typeof rows === 'function') this.tables.set(name, (rows = rows()));
    return rows;
  }

  /** The covered allies (curated/allies.yaml), with names and regions from the registry. */
  allies(): Ally[] {
    if (!this.tables.has('allies')) return [];
    return this.table('allies').map((r) => ({
      iso3: String(r.iso3),
      name: String(r.name),
      region: (r.region as string | null) ?? null,
      tier: String(r.tier),
      basis: String(r.basis ?? '').split(';').filter(Boolean),
      reference: r.reference === true,
    }));
  }

  /** Every observation of one country's indicator, oldest first (all sources). */
  series(country: string, indicator: string, options: { counterpart?: string; source?: string } = {}): Observation[] {
    const list = this.seriesByKey(seriesKey(country, indicator, options.counterpart ?? ''));
    return options.source ? list.filter((o) => o.source === options.source) : list;
  }

  /** A series by its seriesKey (views that index by the same key look up once). */
  seriesByKey(key: string): Observation[] {
    return this.obs.series(key);
  }

  /** Whether series come from this object's own index (not a view that lays series of its own over it). */
  private ownSeries(): boolean {
    return this.series === Evidence.prototype.series && this.seriesByKey === Evidence.prototype.seriesByKey;
  }

  /** The observation for a year; when several sources give one, the first present one by source id. */
  value(country: string, indicator: string, year: number, options: { counterpart?: string; source?: string } = {}): Observation | undefined {
    if (options.source === undefined && this.ownSeries()) return this.obs.value(country, indicator, options.counterpart ?? '', year);
    return valueIn(this.series(country, indicator, options), year);
  }

  /** The most recent observation with a value (at or before `upTo`). */
  latest(country: string, indicator: string, options: { counterpart?: string; source?: string; upTo?: number } = {}): Observation | undefined {
    if (options.source === undefined && this.ownSeries()) return this.obs.latest(country, indicator, options.counterpart ?? '', options.upTo);
    return latestIn(this.series(country, indicator, options), options.upTo);
  }

  /**
   * The years of a series' observations that have a value, oldest first (a year repeats when
   * several sources give one): series(...).filter(value !== null).map(year), without making
   * the observations.
   */
  yearsWithValue(country: string, indicator: string, options: { counterpart?: string } = {}): number[] {
    if (this.ownSeries()) return this.obs.yearsWithValue(country, indicator, options.counterpart ?? '');
    return this.series(country, indicator, options).filter((o) => o.value !== null).map((o) => o.year);
  }

  query(q: ObservationQuery): Observation[] {
    if (Object.getOwnPropertyDescriptor(this, 'observations')) return this.observations.filter(observationFilter(q));
    return this.obs.query(q);
  }
}

/** The predicate behind Evidence.query, for views that hold observations of their own. */
export function observationFilter(q: ObservationQuery): (o: Observation) => boolean {
  const countries = q.country === undefined ? null : new Set(typeof q.country === 'string' ? [q.country] : q.country);
  const indicators = q.indicator === undefined ? null : new Set(typeof q.indicator === 'string' ? [q.indicator] : q.indicator);
  return (o) =>
    (!countries || countries.has(o.country)) &&
    (!indicators || indicators.has(o.indicator)) &&
    (q.counterpart === undefined || o.counterpart === q.counterpart) &&
    (q.source === undefined || o.source === q.source) &&
    (q.year === undefined || o.year === q.year) &&
    (q.from === undefined || o.year >= q.from) &&
    (q.to === undefined || o.year <= q.to) &&
    (!q.present || o.value !== null);
}

/** The key of one series (country, indicator, counterpart) in the index and in scenario overlays. */
export function seriesKey(country: string, indicator: string, counterpart = ''): string {
  return `${indicator}\u0000${country}\u0000${counterpart}`;
}

export interface LoadOptions {
  /**
   * Read only the observation files that hold these indicators (the rest of the evidence, its
   * registries and tables, is always read). Saves most of the load time for a ledger, which
   * needs a few dozen of the indicators.
   */
  indicators?: readonly string[];
}

/**
 * Load the evidence tables (default: the project's committed evidence/ folder). Reads the compact
 * store derived from them (src/store/evidence-store.ts), rebuilt first when missing or stale;
 * ALLIES_EVIDENCE_STORE=off reads the CSV instead, as does a folder the store cannot hold exactly.
 */
export async function loadEvidence(dir: string = EVIDENCE_DIR, options: LoadOptions = {}): Promise<Evidence> {
  // A build killed between its two renames leaves the folder missing: put the previous one back.
  await recoverFolder(dir, 'evidence');
  if (process.env.ALLIES_EVIDENCE_STORE !== 'off') {
    try {
      const { store } = await openEvidenceStore(dir);
      return evidenceFromStore(store, dir, options);
    } catch (e) {
      if (!(e instanceof NotStorable)) throw e;
      process.stderr.write(`allies: ${e.message}: the evidence store cannot hold it, reading the CSV\n`);
    }
  }
  return loadEvidenceFromCsv(dir, options);
}

/** The Evidence over an opened store: registries parsed now, tables on first use, observations per series. */
export function evidenceFromStore(store: ObservationStore, dir: string, options: LoadOptions = {}): Evidence {
  const text = (p: string): string => {
    const t = store.text(p);
    if (t === undefined) throw new Error(`${path.join(dir, 'datapackage.json')} lists no resource ${p}; rebuild with: npx allies data build`);
    return t;
  };
  const pkg = JSON.parse(text('datapackage.json')) as { resources: Resource[] };
  const byPath = new Map(pkg.resources.map((r) => [r.path, r]));
  const parse = (p: string) => {
    const r = byPath.get(p);
    if (!r) throw new Error(`${path.join(dir, 'datapackage.json')} lists no resource ${p}; rebuild with: npx allies data build`);
    return parseTypedCsv(text(p), r.schema.fields, path.join(dir, p));
  };
  const [countries, sources, sourceFiles, indicators] = ['countries.csv', 'sources.csv', 'source_files.csv', 'indicators.csv'].map(parse);
  const contentKey = createHash('sha256').update(store.header.files.map((f) => `${f.path}\u0000${f.sha256}`).join('\n')).digest('hex');
  const tables = new Map<string, TableRow[] | (() => TableRow[])>();
  const tableHeads = new Map<string, () => string[] | null>();
  const tablePaths = pkg.resources.filter((r) => r.path.startsWith('tables/')).map((r) => r.path);
  // Every table's columns at once (a methodology's check asks for all of them), kept between
  // processes: finding them decodes each table's text.
  let heads: Record<string, string[] | null> | null = null;
  const headsOf = () => (heads ??= derived('table-columns', contentKey, () => Object.fromEntries(tablePaths.map((p) => [p, columnsOf(text(p))]))));
  for (const p of tablePaths) {
    tables.set(path.basename(p, '.csv'), () => parse(p));
    tableHeads.set(path.basename(p, '.csv'), () => headsOf()[p] ?? null);
  }
  let files: Set<number> | null = null;
  if (options.indicators) {
    const wanted = new Set(options.indicators);
    const paths = new Set(indicators.filter((i) => wanted.has(String(i.id))).map((i) => `observations/${i.transform}.csv`));
    files = new Set(store.observationFiles.flatMap((p, i) => (paths.has(p) ? [i] : [])));
  }
  return new Evidence({
    countries: countries as unknown as Country[],
    sources: sources as unknown as Source[],
    sourceFiles: sourceFiles as unknown as SourceFile[],
    indicators: indicators as unknown as Indicator[],
    store: { store, files },
    tables,
    tableHeads,
    contentKey,
  });
}

const STOP = new Error('stop');

/** Object.keys of the first row parseTypedCsv would give, from the first records only; null when only a full parse can tell. */
function columnsOf(text: string): string[] | null {
  const records: string[][] = [];
  try {
    scanCsv(text, (rec) => {
      if (records.length && rec.length === 1 && rec[0] === '') return;
      records.push(rec);
      if (records.length === 2) throw STOP;
    });
  } catch (e) {
    if (e !== STOP) return null;
  }
  if (records.length < 2) return [];
  if (records[1].length !== records[0].length) return null; // a malformed row: the full parse names it
  const row: Record<string, true> = {};
  for (const h of records[0]) row[h] = true;
  return Object.keys(row);
}

/** Load the evidence by parsing every CSV (what loadEvidence did before the store; the reference in tests). */
export async function loadEvidenceFromCsv(dir: string = EVIDENCE_DIR, options: LoadOptions = {}): Promise<Evidence> {
  await recoverFolder(dir, 'evidence');
  const pkg = JSON.parse(await readFile(path.join(dir, 'datapackage.json'), 'utf8')) as { resources: Resource[] };
  const read = async (r: Resource) => parseTypedCsv(await readFile(path.join(dir, r.path), 'utf8'), r.schema.fields, path.join(dir, r.path));
  const byPath = new Map(pkg.resources.map((r) => [r.path, r]));
  const need = async (p: string) => {
    const r = byPath.get(p);
    if (!r) throw new Error(`${path.join(dir, 'datapackage.json')} lists no resource ${p}; rebuild with: npx allies data build`);
    return read(r);
  };
  const [countries, sources, sourceFiles, indicators] = await Promise.all([
    need('countries.csv'), need('sources.csv'), need('source_files.csv'), need('indicators.csv'),
  ]);
  const observations: Observation[] = [];
  const tables = new Map<string, TableRow[]>();
  const wanted = options.indicators ? new Set(options.indicators) : null;
  const files = wanted ? new Set(indicators.filter((i) => wanted.has(String(i.id))).map((i) => `observations/${i.transform}.csv`)) : null;
  for (const r of pkg.resources) {
    if (r.path.startsWith('observations/')) {
      if (files && !files.has(r.path)) continue;
      for (const row of await read(r)) observations.push(toObservation(row));
    } else if (r.path.startsWith('tables/')) {
      tables.set(path.basename(r.path, '.csv'), await read(r));
    }
  }
  return new Evidence({
    countries: countries as unknown as Country[],
    sources: sources as unknown as Source[],
    sourceFiles: sourceFiles as unknown as SourceFile[],
    indicators: indicators as unknown as Indicator[],
    observations,
    tables,
  });
}

function toObservation(row: TableRow): Observation {
  const flags = String(row.flags ?? '');
  return {
    country: String(row.country),
    counterpart: String(row.counterpart ?? ''),
    indicator: String(row.indicator),
    year: row.year as number,
    value: row.value as number | null,
    low: row.low as number | null,
    high: row.high as number | null,
    source: String(row.source),
    locator: String(row.locator),
    flags: (flags ? flags.split(';') : []) as ObservationFlag[],
    note: String(row.note ?? ''),
  };
}

/** A small, fast reader for the CSV the build writes (RFC 4180, "\n" line ends). */
export function parseTypedCsv(text: string, fields: FieldSpec[], file = 'CSV'): TableRow[] {
  let header: string[] | null = null;
  let types: string[] = [];
  // Every row starts as a copy of one object with the columns in header order (a repeated name
  // keeps its first place, as assigning in order gives): rows share one shape and are filled in
  // place instead of growing property by property.
  let blank: TableRow = {};
  const rows: TableRow[] = [];
  scanCsv(text, (rec, line) => {
    if (!header) {
      header = rec;
      types = header.map((h) => fields.find((f) => f.name === h)?.type ?? 'string');
      blank = {};
      if (!header.includes('__proto__')) for (const h of header) blank[h] = null;
      return;
    }
    if (rec.length === 1 && rec[0] === '') return;
    if (rec.length !== header.length) throw new Error(fieldCountMessage(file, line, rec.length, header.length));
    const row: TableRow = { ...blank };
    for (let i = 0; i < header.length; i++) {
      const cell = rec[i];
      const type = types[i];
      row[header[i]] = type === 'string' ? cell
        : cell === '' ? null
          : type === 'boolean' ? cell === 'true'
            : Number(cell);
    }
    rows.push(row);
  }, file);
  return rows;
}

export { CsvShapeError };
