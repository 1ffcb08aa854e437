// CSV downloads of tables the browser computed itself (rankings under the user's weights);
// tables that come from the API link to the API's own ?format=csv instead. Cells go through the
// same spreadsheet-safe rule as the CLI's and the API's CSV (exports/csv-cell.ts), so a label
// like =HYPERLINK(...) downloads as text, not as a formula.
import { safeCsvField } from '../../exports/csv-cell.ts';

export type CsvCell = string | number | boolean | null | undefined;

/** A field; a number the browser could not compute (NaN, infinity) downloads empty, not as an error. */
function cell(value: CsvCell): string {
  return safeCsvField(typeof value === 'number' && !Number.isFinite(value) ? null : value);
}

export function csvText(columns: readonly string[], rows: readonly Record<string, CsvCell>[]): string {
  return [columns.map(cell).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

export function downloadText(filename: string, text: string, type: string): void {
  downloadBlob(new Blob([text], { type }), filename);
}

/** Hand a file to the browser's download (CSV, SVG and PNG downloads alike). */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
