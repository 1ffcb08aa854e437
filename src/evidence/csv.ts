// Deterministic CSV: RFC 4180 quoting, "\n" line ends, numbers in JavaScript's shortest
// round-trip form, null as an empty field. The same rows always give the same bytes.
import { createRequire } from 'node:module';
import type * as csvParse from 'csv-parse/sync';
import { csvField } from '../exports/csv-cell.ts';


export type Cell = string | number | boolean | null | undefined;

export function formatCell(cell: Cell): string {
  return csvField(cell, false);
}

const field = <T>(row: T, column: string): Cell => (row as Record<string, Cell>)[column];

/** `cell` reads a row's value for a column (default: the property of that name). */
export function toCsv<T = Record<string, Cell>>(columns: readonly string[], rows: readonly T[], cell: (row: T, column: string) => Cell = field): string {
  // Lines gathered into chunks of ~64 KB, joined once: the same bytes as joining every line, without
  // an array per row and a line per row alive at once (the build writes ~370,000 rows).
  const chunks: string[] = [];
  let chunk = columns.map(formatCell).join(',');
  const n = columns.length;
  for (const row of rows) {
    let line = '\n';
    for (let i = 0; i < n; i++) line += (i ? ',' : '') + csvField(cell(row, columns[i]), false);
    chunk += line;
    if (chunk.length > 65_536) {
      chunks.push(chunk);
      chunk = '';
    }
  }
  chunks.push(chunk, '\n');
  return chunks.join('');
}

/** Parse a CSV written by toCsv (header row first) into string records. */
export function parseCsv(text: string): Record<string, string>[] {
  // csv-parse is loaded when a CSV is first parsed, not with this module (the build, which only
  // writes CSV here, and the commands that import this module for its writer skip its ~10 ms).
  const { parse } = createRequire(import.meta.url)('csv-parse/sync') as typeof csvParse;
  return parse(text, { columns: true, skip_empty_lines: true, relax_column_count: false }) as Record<string, string>[];
}

/** Compare two keys made of strings and numbers, for stable sorting of rows before writing. */
export function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}
