// What an export writes: a named table with typed columns. A missing value is null in every
// column and every format, text included: CSV cannot tell an empty string from a null, so an
// empty text is held as null (checkTable), and Parquet, XLSX and JSON write null where a CSV
// reader sees NA (an observation without counterpart has counterpart null everywhere).
// Column names avoid SQL reserved words (the ledger's heading is `line_group`, not `group`),
// and the country-year exports carry the COW and Gleditsch-Ward codes of the country in the year.
import type { Observation, Source, SourceFile } from '../evidence/schema.ts';
import type { AllyLedger } from '../method/index.ts';
import { StateCodes } from './state-codes.ts';
import type { TableSource } from './state-codes.ts';

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean';
export type ExportValue = string | number | boolean | null;
export type ExportRow = Record<string, ExportValue>;

export interface ExportColumn {
  name: string;
  type: ColumnType;
  description: string;
}

export interface ExportTable {
  name: string;
  columns: ExportColumn[];
  rows: ExportRow[];
}

export class ExportValueError extends Error {
  constructor(table: string, row: number, column: string, problem: string) {
    super(`${table} row ${row + 1}, column "${column}": ${problem}`);
    this.name = 'ExportValueError';
  }
}

/** Hold every row to its column types before anything is written; an empty text becomes null. */
export function checkTable(table: ExportTable): ExportTable {
  table.rows.forEach((row, i) => {
    for (const c of table.columns) {
      const v = row[c.name];
      const fail = (problem: string) => {
        throw new ExportValueError(table.name, i, c.name, problem);
      };
      if (c.type === 'string') {
        if (v === '' || v === undefined) row[c.name] = null;
        else if (v !== null && typeof v !== 'string') fail(`expected text, got ${typeof v}`);
      } else if (v !== null) {
        if (c.type === 'boolean' && typeof v !== 'boolean') fail(`expected true/false, got ${JSON.stringify(v)}`);
        if ((c.type === 'number' || c.type === 'integer') && (typeof v !== 'number' || !Number.isFinite(v))) fail(`expected a finite number, got ${JSON.stringify(v)}`);
        if (c.type === 'integer' && !Number.isInteger(v)) fail(`expected a whole number, got ${v}`);
      }
    }
  });
  return table;
}

const col = (name: string, type: ColumnType, description: string): ExportColumn => ({ name, type, description });

export const LEDGER_COLUMNS: ExportColumn[] = [
  col('year', 'integer', 'year of the ledger'),
  col('ally', 'string', 'ISO 3166 alpha-3 code of the ally'),
  col('cow', 'integer', 'Correlates of War state code of the ally in the year (empty: not a COW system member)'),
  col('gwcode', 'integer', 'Gleditsch-Ward state code of the ally in the year (empty: not a GW system member)'),
  col('name', 'string', 'name of the ally'),
  col('side', 'string', 'asset | liability; empty on the totals rows'),
  col('line_group', 'string', 'heading of the line item in the T-account (empty on the totals rows)'),
  col('item', 'string', 'line item id; total_assets, total_liabilities, net on the totals rows'),
  col('label', 'string', 'line item label'),
  col('raw', 'number', 'raw value of the measure (empty: missing)'),
  col('low', 'number', 'lower end of the raw value\'s stated range'),
  col('high', 'number', 'upper end of the raw value\'s stated range'),
  col('unit', 'string', 'unit of the raw value'),
  col('score', 'number', '0-100 among the covered allies of the year (empty: excluded)'),
  col('weight', 'number', 'the methodology\'s weight'),
  col('share', 'number', 'weight as a share of the weights present on the ally\'s side'),
  col('contribution', 'number', 'points the line adds to its side\'s total'),
  col('rank', 'integer', 'rank among the allies with a score (totals: rank of the net)'),
  col('ranked_among', 'integer', 'number of allies with a score for the item'),
  col('missing', 'boolean', 'the raw value is missing'),
  col('imputed', 'boolean', 'the score is imputed'),
  col('flags', 'string', 'flags of the value, ;-separated'),
  col('sources', 'string', 'source ids behind the line, ;-separated'),
  col('reason', 'string', 'why the value is missing'),
];

/**
 * One row per line item and ally, then the ally's totals (as `allies sheet --csv`, with names and
 * state codes). Give the evidence for the COW and GW codes (tables/state_codes.csv).
 */
export function ledgerTable(ledgers: readonly AllyLedger[], evidence?: TableSource): ExportTable {
  const codes = StateCodes.from(evidence);
  const rows = ledgers.flatMap((l): ExportRow[] => [
    ...l.lines.map((line) => ({
      year: l.year, ally: l.ally, ...codes.of(l.ally, l.year), name: l.name, side: line.side, line_group: line.group, item: line.item, label: line.label,
      raw: line.raw, low: line.low, high: line.high, unit: line.unit, score: line.score, weight: line.weight,
      share: line.score === null ? null : line.share, contribution: line.contribution, rank: line.rank, ranked_among: line.rankedAmong,
      missing: line.missing, imputed: line.imputed, flags: line.flags.join(';'), sources: line.sources.join(';'), reason: line.reason ?? '',
    })),
    ...(['assets', 'liabilities', 'net'] as const).map((t) => ({
      year: l.year, ally: l.ally, ...codes.of(l.ally, l.year), name: l.name, side: '', line_group: '', item: t === 'net' ? 'net' : `total_${t}`, label: t,
      raw: l[t], low: null, high: null, unit: 'points', score: null, weight: null, share: null, contribution: l[t],
      rank: t === 'net' ? l.rank : null, ranked_among: null, missing: l[t] === null, imputed: false, flags: '', sources: '', reason: '',
    })),
  ]);
  return checkTable({ name: 'ledgers', columns: LEDGER_COLUMNS, rows });
}

export const OBSERVATION_EXPORT_COLUMNS: ExportColumn[] = [
  col('country', 'string', 'ISO 3166 alpha-3 code'),
  col('counterpart', 'string', 'second country of a dyadic indicator; empty (null) for the others'),
  col('indicator', 'string', 'indicator id (see the indicators of the evidence)'),
  col('label', 'string', 'the indicator\'s label'),
  col('unit', 'string', 'the unit of value, low and high'),
  col('year', 'integer', 'year'),
  col('cow', 'integer', 'Correlates of War state code of the country in the year (empty: not a COW system member)'),
  col('gwcode', 'integer', 'Gleditsch-Ward state code of the country in the year (empty: not a GW system member)'),
  col('value', 'number', 'the value; empty: missing (see note)'),
  col('low', 'number', 'lower end of a stated range'),
  col('high', 'number', 'upper end of a stated range'),
  col('source', 'string', 'source id'),
  col('locator', 'string', 'where in the source'),
  col('flags', 'string', 'missing | estimate | imputed | uncertain | derived, ;-separated'),
  col('note', 'string', 'footnotes, or why the value is missing'),
];

/** What the evidence export needs of the evidence: indicators (label, unit) and tables (state codes). An Evidence satisfies it. */
export interface EvidenceExportSource extends TableSource {
  indicator(id: string): { label: string; unit: string } | undefined;
}

/** The observations with their indicator's label and unit and the country's state codes (given the evidence). */
export function evidenceTable(observations: readonly Observation[], evidence?: EvidenceExportSource): ExportTable {
  const codes = StateCodes.from(evidence);
  const rows = observations.map((o): ExportRow => ({
    country: o.country, counterpart: o.counterpart, indicator: o.indicator,
    label: evidence?.indicator(o.indicator)?.label ?? null, unit: evidence?.indicator(o.indicator)?.unit ?? null,
    year: o.year, ...codes.of(o.country, o.year), value: o.value, low: o.low, high: o.high,
    source: o.source, locator: o.locator, flags: o.flags.join(';'), note: o.note,
  }));
  return checkTable({ name: 'observations', columns: OBSERVATION_EXPORT_COLUMNS, rows });
}

export const SOURCE_EXPORT_COLUMNS: ExportColumn[] = [
  col('id', 'string', 'source id'),
  col('kind', 'string', 'dataset | publication | curation'),
  col('title', 'string', 'title'),
  col('author', 'string', 'authors or organisation, ;-separated'),
  col('publisher', 'string', 'publisher'),
  col('version', 'string', 'release or edition'),
  col('year', 'integer', 'year of the release'),
  col('url', 'string', 'where the publisher offers it'),
  col('terms', 'string', 'licence or terms of use'),
  col('citation', 'string', 'the citation to give'),
  col('files', 'string', 'snapshot files read: path sha256:<hash>, ;-separated'),
];

export function sourcesTable(sources: readonly Source[], files: readonly SourceFile[]): ExportTable {
  const rows = sources.map((s): ExportRow => ({
    id: s.id, kind: s.kind, title: s.title, author: s.author, publisher: s.publisher, version: s.version, year: s.year,
    url: s.url, terms: s.terms, citation: s.citation,
    files: files.filter((f) => f.source === s.id).map((f) => `${f.path} sha256:${f.sha256}`).join('; '),
  }));
  return checkTable({ name: 'sources', columns: SOURCE_EXPORT_COLUMNS, rows });
}
