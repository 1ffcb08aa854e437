// Plain-text tables and CSV for the terminal. Text tables fit the terminal (table-layout.ts);
// CSV and JSON are always complete.
import { toSafeCsv } from '../../exports/csv-cell.ts';
import type { Cell } from '../../evidence/csv.ts';
import { droppedNote, fitText, layoutTable, outputWidth } from './table-layout.ts';
import type { LayoutColumn } from './table-layout.ts';

export interface Column<T> extends LayoutColumn {
  header: string;
  value: (row: T) => Cell;
  align?: 'left' | 'right';
}

/** A year is a year: 2024, never 2,024. */
const YEAR_HEADER = /(^|[\s_])years?$|^year/i;

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return 'missing';
  const abs = Math.abs(value);
  const d = abs >= 1000 ? 0 : abs >= 100 ? 1 : digits;
  return value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: d });
}

/**
 * A text table fitted to the output width (table-layout.ts): long text wraps, and columns that
 * still do not fit are left out, lowest priority first, with a footer naming them (--wide).
 */
export function textTable<T>(rows: readonly T[], columns: readonly Column<T>[], options: { indent?: string } = {}): string {
  const cells = rows.map((r) => columns.map((c) => {
    const v = c.value(r);
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return Number.isInteger(v) && YEAR_HEADER.test(c.header) ? String(v) : formatNumber(v);
    return String(v);
  }));
  const width = outputWidth();
  const { lines, dropped } = layoutTable(columns, cells, { width, indent: options.indent });
  return [...lines, ...droppedNote(dropped, width)].join('\n') + '\n';
}

/** Text for people on standard output, its long lines wrapped to the output width (not for JSON or CSV). */
export function printText(text: string): void {
  process.stdout.write(fitText(text));
}

/** CSV for --csv: spreadsheet-safe like every CSV the project hands out (exports/csv-cell.ts). */
export function csvTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  return toSafeCsv(columns.map((c) => c.header), rows.map((r) => Object.fromEntries(columns.map((c) => [c.header, c.value(r)]))));
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
