// The typed library API over the committed evidence tables:
//   const evidence = await loadEvidence();
//   evidence.latest('JPN', 'milex_share_gdp')  // -> observation with value, source, locator
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recoverFolder } from '../store/swap.ts';
import type { Country, Indicator, Observation, ObservationFlag, Source, SourceFile } from './schema.ts';

export const EVIDENCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../evidence');

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

/** The evidence base, indexed by indicator and country. */
export class Evidence {
  readonly countries: Country[];
  readonly sources: Source[];
  readonly sourceFiles: SourceFile[];
  readonly indicators: Indicator[];
  readonly observations: Observation[];
  private readonly tables: Map<string, TableRow[]>;
  private readonly index = new Map<string, Observation[]>();
  private readonly countryByIso: Map<string, Country>;
  private readonly sourceById: Map<string, Source>;
  private readonly indicatorById: Map<string, Indicator>;

  constructor(parts: {
    countries: Country[];
    sources: Source[];
    sourceFiles: SourceFile[];
    indicators: Indicator[];
    observations: Observation[];
    tables: Map<string, TableRow[]>;
  }) {
    this.countries = parts.countries;
    this.sources = parts.sources;
    this.sourceFiles = parts.sourceFiles;
    this.indicators = parts.indicators;
    this.observations = parts.observations;
    this.tables = parts.tables;
    this.countryByIso = new Map(parts.countries.map((c) => [c.iso3, c]));
    this.sourceById = new Map(parts.sources.map((s) => [s.id, s]));
    this.indicatorById = new Map(parts.indicators.map((i) => [i.id, i]));
    for (const o of parts.observations) {
      const key = seriesKey(o.country, o.indicator, o.counterpart);
      let list = this.index.get(key);
      if (!list) this.index.set(key, (list = []));
      list.push(o);
    }
    for (const list of this.index.values()) list.sort((a, b) => a.year - b.year || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
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

  table(name: string): TableRow[] {
    const rows = this.tables.get(name);
    if (!rows) throw new Error(`no evidence table "${name}"; tables: ${this.tableNames().join(', ')}`);
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
    return this.index.get(key) ?? NO_OBSERVATIONS;
  }

  /** The observation for a year; when several sources give one, the first present one by source id. */
  value(country: string, indicator: string, year: number, options: { counterpart?: string; source?: string } = {}): Observation | undefined {
    const rows = this.series(country, indicator, options).filter((o) => o.year === year);
    return rows.find((o) => o.value !== null) ?? rows[0];
  }

  /** The most recent observation with a value (at or before `upTo`). */
  latest(country: string, indicator: string, options: { counterpart?: string; source?: string; upTo?: number } = {}): Observation | undefined {
    const list = this.series(country, indicator, options);
    for (let i = list.length - 1; i >= 0; i--) {
      const o = list[i];
      if (o.value !== null && (options.upTo === undefined || o.year <= options.upTo)) return o;
    }
    return undefined;
  }

  query(q: ObservationQuery): Observation[] {
    return this.observations.filter(observationFilter(q));
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

/** Load the evidence tables (default: the project's committed evidence/ folder). */
export async function loadEvidence(dir: string = EVIDENCE_DIR, options: LoadOptions = {}): Promise<Evidence> {
  // A build killed between its two renames leaves the folder missing: put the previous one back.
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
  const records = splitCsv(text);
  const header = records.shift() ?? [];
  const types = header.map((h) => fields.find((f) => f.name === h)?.type ?? 'string');
  const rows: TableRow[] = [];
  for (const rec of records) {
    if (rec.length === 1 && rec[0] === '') continue;
    if (rec.length !== header.length) throw new Error(`${file}: a row has ${rec.length} fields, the header ${header.length}; rebuild with: npx allies data build`);
    const row: TableRow = {};
    for (let i = 0; i < header.length; i++) {
      const cell = rec[i];
      const type = types[i];
      row[header[i]] = type === 'string' ? cell
        : cell === '' ? null
          : type === 'boolean' ? cell === 'true'
            : Number(cell);
    }
    rows.push(row);
  }
  return rows;
}

function splitCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field in CSV');
        cell += text.slice(i, q);
        if (text[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n') j++;
      cell = text.slice(i, j);
      i = j;
    }
    row.push(cell);
    if (i >= n || text[i] === '\n') {
      out.push(row);
      row = [];
      i++;
    } else {
      i++; // comma
      if (i >= n) row.push('');
    }
  }
  if (row.length) out.push(row);
  return out;
}
