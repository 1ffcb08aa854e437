// Exports: the ledgers, the evidence and the sources as CSV, XLSX, Parquet or JSON, and the
// sources as citations (BibTeX, CSL-JSON). Every file is written to a temporary name and
// renamed into place, so a failed export leaves no partial file behind.
// The CLI imports ./formats.ts, which loads exceljs only for XLSX; this index is the library's
// whole surface, readers included.

export { withTemporaryFile, writeFileAtomic } from './atomic.ts';
export { csvToTable, tableToCsv } from './csv.ts';
export { jsonToTable, tableToJson } from './json.ts';
export { ParquetUnavailableError, parquetAvailable, readParquet, writeParquet } from './parquet.ts';
export { readXlsx, writeXlsx, XLSX_MAX_CELL, XLSX_MAX_ROWS } from './xlsx.ts';
export {
  checkTable, evidenceTable, ledgerTable, sourcesTable, ExportValueError, LEDGER_COLUMNS, OBSERVATION_EXPORT_COLUMNS, SOURCE_EXPORT_COLUMNS,
} from './table.ts';
export type { ColumnType, ExportColumn, ExportRow, ExportTable, ExportValue } from './table.ts';

export { CITATION_FORMATS, TABLE_FORMATS, citationText, isTextFormat, tableText, writeTable } from './formats.ts';
export type { CitationFormat, TableFormat } from './formats.ts';
