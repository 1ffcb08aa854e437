// JSON exports: the columns with their types and meanings, then the rows as objects, so a
// reader needs no other file to interpret them.
import type { ExportTable } from './table.ts';

export function tableToJson(table: ExportTable): string {
  return `${JSON.stringify({ name: table.name, columns: table.columns, rows: table.rows }, null, 1)}\n`;
}

export function jsonToTable(text: string): ExportTable {
  const parsed = JSON.parse(text) as Partial<ExportTable>;
  if (typeof parsed.name !== 'string' || !Array.isArray(parsed.columns) || !Array.isArray(parsed.rows)) {
    throw new Error('not an Alliance Ledger JSON export: expected { name, columns, rows }');
  }
  return { name: parsed.name, columns: parsed.columns, rows: parsed.rows };
}
