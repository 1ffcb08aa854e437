// Exports: the ledgers, the evidence and the sources as CSV, XLSX, Parquet or JSON, and the
// sources as citations (BibTeX, CSL-JSON). Every file is written to a temporary name and
// renamed into place, so a failed export leaves no partial file behind.
import { toBibtex, toCslJson } from '../evidence/sources.ts';
import type { Source, SourceFile } from '../evidence/schema.ts';
import { withTemporaryFile, writeFileAtomic } from './atomic.ts';
import { tableToCsv } from './csv.ts';
import { tableToJson } from './json.ts';
import { writeParquet } from './parquet.ts';
import type { ExportTable } from './table.ts';
import { writeXlsx } from './xlsx.ts';

export { withTemporaryFile, writeFileAtomic } from './atomic.ts';
export { csvToTable, tableToCsv } from './csv.ts';
export { jsonToTable, tableToJson } from './json.ts';
export { ParquetUnavailableError, parquetAvailable, readParquet, writeParquet } from './parquet.ts';
export { readXlsx, writeXlsx, XLSX_MAX_CELL, XLSX_MAX_ROWS } from './xlsx.ts';
export {
  checkTable, evidenceTable, ledgerTable, sourcesTable, ExportValueError, LEDGER_COLUMNS, OBSERVATION_EXPORT_COLUMNS, SOURCE_EXPORT_COLUMNS,
} from './table.ts';
export type { ColumnType, ExportColumn, ExportRow, ExportTable, ExportValue } from './table.ts';

export const TABLE_FORMATS = ['csv', 'xlsx', 'parquet', 'json'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];
export const CITATION_FORMATS = ['bibtex', 'csl'] as const;
export type CitationFormat = (typeof CITATION_FORMATS)[number];

/** Formats that are text and may go to standard output. */
export function isTextFormat(format: TableFormat | CitationFormat): boolean {
  return format !== 'xlsx' && format !== 'parquet';
}

/** A table as text (CSV or JSON). */
export function tableText(table: ExportTable, format: 'csv' | 'json'): string {
  return format === 'csv' ? tableToCsv(table) : tableToJson(table);
}

/** Write a table to a file in a format, atomically. */
export async function writeTable(table: ExportTable, format: TableFormat, file: string): Promise<void> {
  switch (format) {
    case 'csv': case 'json': return writeFileAtomic(file, tableText(table, format));
    case 'xlsx': return withTemporaryFile(file, (temporary) => writeXlsx(table, temporary));
    case 'parquet': return withTemporaryFile(file, (temporary) => writeParquet(table, temporary));
  }
}

/** The sources as citations: BibTeX entries or CSL-JSON items. */
export function citationText(sources: readonly Source[], files: readonly SourceFile[], format: CitationFormat): string {
  return format === 'bibtex' ? toBibtex(sources, files) : `${JSON.stringify(toCslJson(sources), null, 2)}\n`;
}
