// CSV exports: the project's deterministic CSV (RFC 4180 quoting, numbers in JavaScript's
// shortest round-trip form, null as an empty field), with text a spreadsheet would evaluate
// neutralized (csv-cell.ts), read back by the column types.
import { parseCsv } from '../evidence/csv.ts';
import { restoreSpreadsheetText, toSafeCsv } from './csv-cell.ts';
import type { ExportColumn, ExportRow, ExportTable, ExportValue } from './table.ts';

export function tableToCsv(table: ExportTable): string {
  return toSafeCsv(table.columns.map((c) => c.name), table.rows);
}

function typed(cell: string, column: ExportColumn, row: number): ExportValue {
  if (cell === '') return null;
  if (column.type === 'string') return restoreSpreadsheetText(cell);
  if (column.type === 'boolean') {
    if (cell !== 'true' && cell !== 'false') throw new Error(`CSV row ${row + 2}, column "${column.name}": "${cell}" is not true or false`);
    return cell === 'true';
  }
  const n = Number(cell);
  if (!Number.isFinite(n) || (column.type === 'integer' && !Number.isInteger(n))) throw new Error(`CSV row ${row + 2}, column "${column.name}": "${cell}" is not ${column.type === 'integer' ? 'a whole number' : 'a number'}`);
  return n;
}

/** Read a CSV export back with the columns it was written with. */
export function csvToTable(text: string, name: string, columns: readonly ExportColumn[]): ExportTable {
  const records = parseCsv(text);
  const header = text.slice(0, text.indexOf('\n')).split(',');
  const missing = columns.filter((c) => !header.includes(c.name));
  if (missing.length) throw new Error(`CSV lacks the columns ${missing.map((c) => c.name).join(', ')}`);
  const rows = records.map((r, i): ExportRow => Object.fromEntries(columns.map((c) => [c.name, typed(r[c.name], c, i)])));
  return { name, columns: [...columns], rows };
}
