// evidence/datapackage.json: the Frictionless descriptor of the evidence tables, valid to the
// Data Package and Table Schema specifications (v1) as their own validators read them:
// - every resource is a `tabular-data-resource` with an explicit CSV `dialect` (the files are
//   RFC 4180 with "\n" line ends), so no reader sniffs the delimiter;
// - `sources` name their titles (and the publisher's URL as `path`), and are left out rather
//   than written empty;
// - `missingValues: [""]`: an empty cell is null (missing) in every column, counterpart included;
// - primary keys hold, over columns that are never null wherever the data allow it (see
//   observationPrimaryKey), and foreign keys tie observations to countries, indicators and
//   sources. A foreign key is declared only when every value resolves, so it always holds.
import type { Source } from '../evidence/schema.ts';
import type { FieldDef } from './transform.ts';

/** The CSV dialect of every evidence file (src/evidence/csv.ts writes it). */
export const EVIDENCE_DIALECT = {
  delimiter: ',',
  doubleQuote: true,
  lineTerminator: '\n',
  quoteChar: '"',
  skipInitialSpace: false,
  header: true,
  caseSensitiveHeader: true,
} as const;

export interface ForeignKey {
  fields: string[];
  reference: { resource: string; fields: string[] };
}

type Row = Record<string, unknown>;

/** Resource names as the descriptor gives them: countries.csv -> countries, tables/atop_members.csv -> tables-atop-members. */
export function resourceName(rel: string): string {
  return rel.replace(/\.csv$/, '').replace(/[/_]/g, '-');
}

const isNull = (v: unknown): boolean => v === null || v === undefined || v === '';

/**
 * The observations' primary key, over columns that are never null where the file allows it.
 * `counterpart` is empty (null) for every indicator that is not dyadic, and PostgreSQL refuses a
 * null in any primary-key column, so: a file without dyadic rows is keyed by country, indicator,
 * year and source; a file of dyadic rows only adds counterpart (then required). A file that
 * mixes both (SIPRI arms: exports and total imports per country, imports per supplier; curated:
 * principal rivals) keeps counterpart in the key with nulls, which the Table Schema allows (a key
 * must be unique and not wholly null); a database loads those as a generated row id with
 * UNIQUE NULLS NOT DISTINCT over the same columns.
 */
export function observationPrimaryKey(rows: readonly Row[]): { primaryKey: string[]; counterpart: 'none' | 'all' | 'some' } {
  let withCounterpart = 0;
  for (const r of rows) if (!isNull(r.counterpart)) withCounterpart++;
  const counterpart = withCounterpart === 0 ? 'none' : withCounterpart === rows.length ? 'all' : 'some';
  return {
    primaryKey: counterpart === 'none' ? ['country', 'indicator', 'year', 'source'] : ['country', 'counterpart', 'indicator', 'year', 'source'],
    counterpart,
  };
}

/**
 * Foreign keys that hold for these rows: a field named like a country code refers to
 * countries.iso3, `indicator` to indicators.id, `source` to sources.id (only when it holds one
 * id, not a ";"-separated list), each only when every non-null value is in the referenced set.
 */
export function inferForeignKeys(rel: string, fields: readonly FieldDef[], rows: readonly Row[], refs: { countries: Set<string>; indicators: Set<string>; sources: Set<string> }): ForeignKey[] {
  const candidates: [string, 'countries' | 'indicators' | 'sources', string][] = [];
  for (const f of fields) {
    if (f.type !== 'string') continue;
    if (['iso3', 'country', 'counterpart', 'ally'].includes(f.name) && rel !== 'countries.csv') candidates.push([f.name, 'countries', 'iso3']);
    if (f.name === 'indicator' && rel !== 'indicators.csv') candidates.push([f.name, 'indicators', 'id']);
    if (f.name === 'source' && rel !== 'sources.csv') candidates.push([f.name, 'sources', 'id']);
  }
  const out: ForeignKey[] = [];
  for (const [field, resource, refField] of candidates) {
    const set = refs[resource];
    let holds = true;
    for (const r of rows) {
      const v = r[field];
      if (isNull(v)) continue;
      if (!set.has(String(v))) {
        holds = false;
        break;
      }
    }
    if (holds) out.push({ fields: [field], reference: { resource, fields: [refField] } });
  }
  return out;
}

export interface ResourceInput {
  rel: string;
  title: string;
  description: string;
  fields: readonly FieldDef[];
  primaryKey: readonly string[];
  /** Fields that are never null (the primary key's, where they are). */
  required?: readonly string[];
  foreignKeys: readonly ForeignKey[];
  sources: readonly string[];
}

/** One tabular data resource. */
export function resourceDescriptor(r: ResourceInput, registry: ReadonlyMap<string, Source>): object {
  const required = new Set(r.required ?? []);
  const sources = r.sources.map((id) => {
    const s = registry.get(id);
    if (!s) throw new Error(`${r.rel} cites source "${id}", which is not in the registry`);
    return { title: s.title, ...(s.url ? { path: s.url } : {}), id };
  });
  return {
    profile: 'tabular-data-resource',
    name: resourceName(r.rel),
    path: r.rel,
    title: r.title,
    description: r.description,
    format: 'csv',
    mediatype: 'text/csv',
    encoding: 'utf-8',
    dialect: EVIDENCE_DIALECT,
    ...(sources.length ? { sources } : {}),
    schema: {
      fields: r.fields.map((f) => ({
        name: f.name, type: f.type, description: f.description, ...(f.unit ? { unit: f.unit } : {}),
        ...(required.has(f.name) ? { constraints: { required: true } } : {}),
      })),
      missingValues: [''],
      primaryKey: [...r.primaryKey],
      ...(r.foreignKeys.length ? { foreignKeys: r.foreignKeys } : {}),
    },
  };
}

/** Fields of the primary key that no row leaves null: these are declared required. */
export function nonNullKeyFields(primaryKey: readonly string[], rows: readonly Row[]): string[] {
  return primaryKey.filter((k) => rows.every((r) => !isNull(r[k])));
}

/** The package: its sources with titles and the resources in the order given. */
export function packageDescriptor(sources: readonly Source[], resources: readonly object[]): object {
  return {
    profile: 'tabular-data-package',
    name: 'alliance-ledger-evidence',
    title: 'Alliance Ledger evidence base',
    description: 'Sourced observations on U.S. allies and alliances, rebuilt by `allies data build` from the publishers\' files. Every observation names its source (sources.csv) and a locator; a missing value is an empty cell flagged "missing", never 0. Empty cells are null in every column (missingValues [""]).',
    sources: sources.map((s) => ({ title: s.title, ...(s.url ? { path: s.url } : {}), id: s.id })),
    resources,
  };
}
