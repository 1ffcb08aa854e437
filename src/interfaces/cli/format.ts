// Plain-text tables and CSV for the terminal.
import { toSafeCsv } from '../../exports/csv-cell.ts';
import type { Cell } from '../../evidence/csv.ts';

export interface Column<T> {
  header: string;
  value: (row: T) => Cell;
  align?: 'left' | 'right';
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return 'missing';
  const abs = Math.abs(value);
  const d = abs >= 1000 ? 0 : abs >= 100 ? 1 : digits;
  return value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: d });
}

export function textTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => {
    const v = c.value(r);
    return v === null || v === undefined ? '' : typeof v === 'number' ? formatNumber(v) : String(v);
  }));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => (columns[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** CSV for --csv: spreadsheet-safe like every CSV the project hands out (exports/csv-cell.ts). */
export function csvTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  return toSafeCsv(columns.map((c) => c.header), rows.map((r) => Object.fromEntries(columns.map((c) => [c.header, c.value(r)]))));
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
