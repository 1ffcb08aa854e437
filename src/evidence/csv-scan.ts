// The one reader of the CSV the build writes (RFC 4180, "\n" line ends), shared by the typed
// table parser (load.ts) and the columnar evidence store (src/store/evidence-store.ts), so both
// see exactly the same cells.

/** Thrown for a CSV the reader cannot split; names the file and the row (the header is row 1). */
export class CsvShapeError extends Error {}

/**
 * Call `onRecord` with the cells of every record, in order; `row` is the record's number as a
 * spreadsheet numbers it (the header is row 1). A quoted field may hold commas, quotes ("") and
 * line ends.
 */
export function scanCsv(text: string, onRecord: (cells: string[], row: number) => void, file = 'CSV'): void {
  let row: string[] = [];
  let record = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    let cell = '';
    if (text.charCodeAt(i) === 34 /* " */) {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new CsvShapeError(`${file} row ${record}: unterminated quoted field in CSV; rebuild with: npx allies data build`);
        cell += text.slice(i, q);
        if (text.charCodeAt(q + 1) === 34) {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      let j = i;
      for (;;) {
        const c = text.charCodeAt(j);
        if (j >= n || c === 44 /* , */ || c === 10 /* \n */) break;
        j++;
      }
      cell = text.slice(i, j);
      i = j;
    }
    row.push(cell);
    if (i >= n || text.charCodeAt(i) === 10) {
      onRecord(row, record++);
      row = [];
      i++;
    } else {
      i++; // comma
      if (i >= n) row.push('');
    }
  }
  if (row.length) onRecord(row, record);
}

/** The message for a record whose field count differs from the header's. */
export function fieldCountMessage(file: string, row: number, fields: number, header: number): string {
  return `${file} row ${row}: a row has ${fields} fields, the header ${header}; rebuild with: npx allies data build`;
}
