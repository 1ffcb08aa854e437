// Spreadsheet-safe CSV cells: the one rule every CSV the project hands to people follows (CLI
// exports and --csv, the API's ?format=csv, the dashboard's downloads). No Node imports, so the
// dashboard bundles it too.
//
// Why: Excel, LibreOffice Calc and Google Sheets evaluate a cell whose text starts with "=",
// "+", "-" or "@" as a formula (and treat a leading tab or carriage return the same way), so a
// label such as =HYPERLINK("http://x") in a shared methodology file would run when a reader
// opens our export. The rule is OWASP's (CSV Injection, and ASVS 5.0 requirement 1.2.10):
// prefix such a cell with a single quote, which spreadsheets show as text and do not evaluate,
// and quote the cell. We also:
// - look past leading spaces (" =1+1"): a CSV import that trims spaces would otherwise see a
//   formula;
// - quote every cell holding ";" (the field separator of semicolon locales) so it cannot be
//   split into a new cell that starts with a trigger;
// - leave numbers alone: a number cell (-2.5) or a string that is exactly a negative decimal
//   ("-2.5", "-1e-7") is read as a number, never as a formula, so it is not prefixed;
// - keep the rule reversible: a string that already starts with quotes in front of a trigger
//   ("'=x") gets one more, so restoreSpreadsheetText gives back exactly what was written.
// The evidence/ tables the build writes are data for the project, not downloads, and keep
// their bytes (src/evidence/csv.ts); XLSX needs nothing (cells are typed, strings stay strings).

export type CsvCellValue = string | number | boolean | null | undefined;

/** A trigger as first character, after any leading single quotes and spaces. */
const FORMULA_START = /^'*[ ]*[=+\-@\t\r]/;
/** A plain negative decimal, as spreadsheets read numbers (a minus is its only allowed sign). */
const NEGATIVE_NUMBER = /^'*[ ]*-(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Would a spreadsheet evaluate this text, or could it be taken for our own neutralized form? */
function needsGuard(text: string): boolean {
  return FORMULA_START.test(text) && !NEGATIVE_NUMBER.test(text);
}

/** The text with a single quote in front when a spreadsheet would evaluate it (see above). */
export function spreadsheetSafeText(text: string): string {
  return needsGuard(text) ? `'${text}` : text;
}

/** The inverse of spreadsheetSafeText, for reading our own CSV back. */
export function restoreSpreadsheetText(text: string): string {
  return text.startsWith("'") && needsGuard(text) ? text.slice(1) : text;
}

/**
 * One CSV field: RFC 4180 quoting, numbers in JavaScript's shortest round-trip form (-0 as 0),
 * null and undefined as an empty field. With `spreadsheetSafe`, strings a spreadsheet would
 * evaluate are guarded and quoted, and so is any `;`; without it (the evidence tables, data for
 * the project rather than downloads) strings are written as they are. Throws on NaN and
 * infinities, which no reader could take back.
 */
export function csvField(cell: CsvCellValue, spreadsheetSafe: boolean): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) throw new Error(`cannot write ${cell} to CSV: only finite numbers`);
    return Object.is(cell, -0) ? '0' : String(cell);
  }
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  const guarded = spreadsheetSafe && needsGuard(cell);
  const text = guarded ? `'${cell}` : cell;
  const special = spreadsheetSafe ? /[",;\n\r]/ : /[",\n\r]/;
  return guarded || special.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV field for a download: spreadsheet-safe (see above). */
export function safeCsvField(cell: CsvCellValue): string {
  return csvField(cell, true);
}

/** A whole CSV document (header line first, "\n" line ends), every field through safeCsvField. */
export function toSafeCsv(columns: readonly string[], rows: readonly Record<string, CsvCellValue>[]): string {
  const lines = [columns.map(safeCsvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => safeCsvField(row[c])).join(','));
  return lines.join('\n') + '\n';
}
