// The export formats and the writers by format. XLSX (exceljs) and Parquet (hyparquet-writer)
// load only when a table is written in that format, so the CLI and the text formats never pay
// for them.
import { toBibtex, toCslJson } from '../evidence/sources.ts';
import type { Source, SourceFile } from '../evidence/schema.ts';
import { withTemporaryFile, writeFileAtomic } from './atomic.ts';
import { tableToCsv } from './csv.ts';
import { tableToJson } from './json.ts';
import type { ExportTable } from './table.ts';

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
    case 'xlsx': return withTemporaryFile(file, async (temporary) => (await import('./xlsx.ts')).writeXlsx(table, temporary));
    case 'parquet': return withTemporaryFile(file, async (temporary) => (await import('./parquet.ts')).writeParquet(table, temporary));
  }
}

/** The sources as citations: BibTeX entries or CSL-JSON items. */
export function citationText(sources: readonly Source[], files: readonly SourceFile[], format: CitationFormat): string {
  return format === 'bibtex' ? toBibtex(sources, files) : `${JSON.stringify(toCslJson(sources), null, 2)}\n`;
}
