// Reading the publishers' files as they were published. Every read is checksummed for the
// source registry, and every problem is reported with the file, row and column it sits in.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** A problem in a snapshot file, located so that a user can open the file and fix or replace it. */
export class SnapshotError extends Error {
  constructor(
    readonly file: string,
    readonly row: number | null,
    readonly column: string | null,
    readonly problem: string,
    readonly hint: string,
  ) {
    const where = [file, row !== null ? `row ${row}` : null, column !== null ? `column "${column}"` : null]
      .filter(Boolean)
      .join(', ');
    super(`${where}: ${problem}. ${hint}`);
    this.name = 'SnapshotError';
  }
}

/** Where a value was read: a file and a 1-based line (CSV) or sheet row (xlsx). */
export interface Where {
  file: string;
  row: number | null;
  column?: string | null;
}

export interface CsvRecord {
  /** 1-based line of the record in the file (the header is line 1 unless preamble lines precede it). */
  line: number;
  values: Record<string, string>;
}

export interface ReadFile {
  source: string;
  path: string;
  sha256: string;
  bytes: number;
}

export interface CsvOptions {
  /** Lines before the header to skip (e.g. SIPRI's trade-register preamble). */
  preambleLines?: number;
  /** Columns that must be present; a missing one stops the build. */
  requireColumns?: readonly string[];
  /** Strip a leading byte-order mark (some publishers write one). Always on. */
  delimiter?: string;
}

export class Snapshot {
  private readonly files = new Map<string, ReadFile>();
  /** Reads since the last takeReads(), in order (a build worker hands each transform's to the build). */
  private readonly log: ReadFile[] = [];

  constructor(readonly dir: string) {}

  /** The reads since the last call, in the order they were made. */
  takeReads(): ReadFile[] {
    return this.log.splice(0, this.log.length);
  }

  /** Record a read made elsewhere (by a build worker) as if made here. */
  recordRead(f: ReadFile): void {
    this.files.set(f.path, f);
  }

  /** Every file read so far, with its checksum, for the source registry. */
  filesRead(): ReadFile[] {
    return [...this.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async exists(rel: string): Promise<boolean> {
    try {
      await stat(path.join(this.dir, rel));
      return true;
    } catch {
      return false;
    }
  }

  async readBuffer(rel: string, source: string): Promise<Buffer> {
    let buf: Buffer;
    try {
      buf = await readFile(path.join(this.dir, rel));
    } catch {
      throw new SnapshotError(rel, null, null, `file not found in snapshot directory ${this.dir}`,
        'Download it from the publisher (see the source registry: allies sources) and place it at this path.');
    }
    const read: ReadFile = {
      source,
      path: rel,
      sha256: createHash('sha256').update(buf).digest('hex'),
      bytes: buf.length,
    };
    this.files.set(rel, read);
    this.log.push(read);
    return buf;
  }

  async readText(rel: string, source: string): Promise<string> {
    return (await this.readBuffer(rel, source)).toString('utf8').replace(/^\uFEFF/, '');
  }

  /** Read a CSV with a header row; records carry their line number for error messages. */
  async readCsv(rel: string, source: string, options: CsvOptions = {}): Promise<CsvRecord[]> {
    const text = await this.readText(rel, source);
    return parseCsvRecords(rel, text, options);
  }
}

export function parseCsvRecords(rel: string, text: string, options: CsvOptions = {}): CsvRecord[] {
  // Records are made as the text is split (not after: the cells of every line and the records
  // alive at once doubled the build's peak memory on the wide files). The errors are the same, in
  // the same order of precedence, as splitting everything first: a malformed quote anywhere, then
  // no header, then a required column missing, then the first row with the wrong field count.
  // RFC 4180 records with the 1-based line each starts on; blank lines are skipped, "\r\n"
  // accepted. Written for speed (csv-parse with line info took most of some transforms' time).
  const n = text.length;
  let i = 0;
  let line = 1;
  const skipLines = options.preambleLines ?? 0;
  while (line <= skipLines && i < n) {
    const nl = text.indexOf('\n', i);
    i = nl < 0 ? n : nl + 1;
    line++;
  }
  const delimiter = options.delimiter ?? ',';
  const delim = delimiter.charCodeAt(0);
  const delimText = String.fromCharCode(delim);
  const required = options.requireColumns ?? [];
  let header: string[] | null = null;
  let headerLine = 0;
  let make: RecordMaker | null = null;
  let columns = 0;
  // Set by a missing required column or a wrong field count: no more records are made, but the
  // rest of the text is still split, since a malformed quote anywhere takes precedence.
  let failed = false;
  let fieldCount: { line: number; cells: number } | null = null;
  const out: CsvRecord[] = [];
  const cursor: Cursor = { i, line };
  // Where the next quote and carriage return are (searched again only once passed): a line with
  // neither inside it (a CR just before its LF aside) is split in one call.
  let nextQuote = text.indexOf('"', i);
  let nextCr = text.indexOf('\r', i);
  while (i < n) {
    const startLine = line;
    let nl = text.indexOf('\n', i);
    if (nl < 0) nl = n;
    if (nextQuote >= 0 && nextQuote < i) nextQuote = text.indexOf('"', i);
    if (nextCr >= 0 && nextCr < i) nextCr = text.indexOf('\r', i);
    const end = nl > i && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    let cells: string[];
    if ((nextQuote < 0 || nextQuote >= nl) && (nextCr < 0 || nextCr >= end)) {
      const start = i;
      i = nl < n ? nl + 1 : n;
      line++;
      // An empty line is blank (one of only spaces is a record of one field). After a failure
      // the line need not be split: only a quote can be malformed.
      if (end === start || failed) continue;
      // Split by the builtin: one call per line, fast from the first line on (cutting each field
      // with indexOf and slice in a loop was slower on the wide files until optimized).
      cells = text.slice(start, end).split(delimText);
    } else {
      cursor.i = i;
      cursor.line = line;
      cells = splitQuotedRecord(rel, text, delim, cursor);
      i = cursor.i;
      line = cursor.line;
      if ((cells.length === 1 && cells[0] === '') || failed) continue;
    }
    if (make) {
      if (cells.length === columns) {
        out.push(make(cells, startLine));
      } else {
        fieldCount = { line: startLine, cells: cells.length };
        failed = true;
      }
      continue;
    }
    header = cells.map((h) => h.trim());
    // The line just split is the header.
    headerLine = startLine;
    const head: string[] = header;
    failed = required.some((col) => !head.includes(col));
    columns = head.length;
    make = recordMaker(head);
  }
  if (!header) {
    throw new SnapshotError(rel, null, null, 'the file has no header row', 'Replace it with the publisher\'s original.');
  }
  const head: string[] = header;
  for (const col of required) {
    if (!head.includes(col)) {
      throw new SnapshotError(rel, headerLine, col, `expected column "${col}" is missing (header: ${head.slice(0, 12).join(', ')}${head.length > 12 ? ', ...' : ''})`,
        'The publisher may have changed the layout; check the file against the source\'s documentation.');
    }
  }
  if (fieldCount) {
    const { line: row, cells } = fieldCount;
    throw new SnapshotError(rel, row, null, `not a well-formed CSV file (the row has ${cells} fields, the header ${head.length})`,
      'The file may be truncated or edited by hand; replace it with the publisher\'s original.');
  }
  return out;
}

/** Makes a record from a line's cells (as many as the header has) and the line it starts on. */
type RecordMaker = (cells: readonly string[], line: number) => CsvRecord;

/**
 * The record makers of the headers read so far, by header text. Reading the same layout again
 * reuses the same function: a new one per read made the reader some ten times slower from about
 * the fourth read of one file in a process (tests and repeated runs read files many times). The
 * oldest is dropped past the limit, so that a long-lived process reading many layouts stays small.
 */
const makersByHeader = new Map<string, RecordMaker>();
const MAKERS_KEPT = 200;

/**
 * The record maker of a header: one object literal with the header's names in order, the same
 * object as copying a blank one and assigning each column (a repeated name keeps its first place
 * and its last value), made many times faster (objects of more than a dozen columns built by
 * assignment are kept as hash tables). A header naming __proto__, which a literal would treat as
 * the prototype, gets a maker that assigns.
 */
function recordMaker(header: readonly string[]): RecordMaker {
  const key = JSON.stringify(header);
  const known = makersByHeader.get(key);
  if (known) return known;
  let make: RecordMaker;
  if (header.includes('__proto__')) {
    const names = [...header];
    make = (cells, line) => {
      const values: Record<string, string> = {};
      for (let c = 0; c < names.length; c++) values[names[c]] = cells[c];
      return { line, values };
    };
  } else {
    const body = `return {line: l, values: {${header.map((h, k) => `${JSON.stringify(h)}: c[${k}]`).join(', ')}}};`;
    make = new Function('c', 'l', body) as RecordMaker;
  }
  if (makersByHeader.size >= MAKERS_KEPT) makersByHeader.delete(makersByHeader.keys().next().value!);
  makersByHeader.set(key, make);
  return make;
}

/** Where the splitting is: the offset in the text and the 1-based line there. */
interface Cursor {
  i: number;
  line: number;
}

/**
 * The cells of the record at the cursor, one with a quote or a carriage return in it (RFC 4180:
 * quoted fields may hold delimiters, line ends and doubled quotes), moving the cursor past it.
 */
function splitQuotedRecord(rel: string, text: string, delim: number, cursor: Cursor): string[] {
  const n = text.length;
  let i = cursor.i;
  let line = cursor.line;
  const startLine = line;
  const cells: string[] = [];
  for (;;) {
    let cell: string;
    if (text.charCodeAt(i) === 34 /* " */) {
      let j = i + 1;
      cell = '';
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) {
          throw new SnapshotError(rel, startLine, null, 'not a well-formed CSV file (a quoted field is never closed)',
            'The file may be truncated or edited by hand; replace it with the publisher\'s original.');
        }
        const chunk = text.slice(j, q);
        for (let k = chunk.indexOf('\n'); k >= 0; k = chunk.indexOf('\n', k + 1)) line++;
        cell += chunk;
        if (text.charCodeAt(q + 1) === 34) {
          cell += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const c = text.charCodeAt(i);
      if (i < n && c !== delim && c !== 10 && c !== 13) {
        throw new SnapshotError(rel, line, null, 'not a well-formed CSV file (text after a closing quote)',
          'The file may be truncated or edited by hand; replace it with the publisher\'s original.');
      }
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === delim || c === 10 || c === 13) break;
        j++;
      }
      cell = text.slice(i, j);
      i = j;
    }
    cells.push(cell);
    const c = text.charCodeAt(i);
    if (c === delim) {
      i++;
      continue;
    }
    if (c === 13) i++;
    if (text.charCodeAt(i) === 10) i++;
    line++;
    break;
  }
  cursor.i = i;
  cursor.line = line;
  return cells;
}

const NA = new Set(['', 'NA', 'na', 'N/A', '.', '..', 'NaN']);

/**
 * Parse a numeric cell. Returns null for the empty and "NA"-like markers listed in `missing`
 * (callers decide which markers their publisher uses); anything else that is not a number
 * stops the build with the file, row and column.
 */
export function numberAt(
  where: Where,
  column: string,
  raw: string | undefined,
  missing: ReadonlySet<string> = NA,
): number | null {
  const text = (raw ?? '').trim();
  if (missing.has(text)) return null;
  const n = Number(text.indexOf(',') < 0 ? text : text.replace(/,/g, ''));
  if (text === '' || !Number.isFinite(n)) {
    throw new SnapshotError(where.file, where.row, column, `"${text}" is not a number`,
      'Replace the file with the publisher\'s original, or correct the value.');
  }
  return n;
}

/** Like numberAt, for whole numbers such as years and codes. */
export function integerAt(where: Where, column: string, raw: string | undefined, missing?: ReadonlySet<string>): number | null {
  const n = numberAt(where, column, raw, missing);
  if (n !== null && !Number.isInteger(n)) {
    throw new SnapshotError(where.file, where.row, column, `"${raw}" is not a whole number`,
      'Replace the file with the publisher\'s original, or correct the value.');
  }
  return n;
}

export const NA_MARKERS: ReadonlySet<string> = NA;

/**
 * Reading the many plain number cells of a file without a Where made for each (garbage for the
 * collector over a hundred thousand cells): a cell that starts with a digit or a minus, ends with
 * a digit and is no marker in `missing` is one integerAt and numberAt neither trim nor drop, so
 * Number reads it as they do (a comma would make it NaN); any other cell is handed to them for its
 * value or its error.
 */
const plainNumberCell = (raw: string | undefined, missing: ReadonlySet<string>): raw is string => {
  if (raw === undefined || raw.length === 0) return false;
  const first = raw.charCodeAt(0);
  const last = raw.charCodeAt(raw.length - 1);
  return ((first >= 48 && first <= 57) || first === 45) && last >= 48 && last <= 57 && !missing.has(raw);
};

const NO_MARKERS: ReadonlySet<string> = new Set();

/** integerAt for the cell at a file's line, every cell required (no missing marker). */
export function integerCell(file: string, line: number, column: string, raw: string | undefined): number {
  if (plainNumberCell(raw, NO_MARKERS)) {
    const n = Number(raw);
    if (Number.isInteger(n)) return n;
  }
  return integerAt({ file, row: line }, column, raw, NO_MARKERS)!;
}

/** numberAt(where, column, raw, missing) for the cell at a file's line. */
export function numberCell(file: string, line: number, column: string, raw: string | undefined, missing: ReadonlySet<string>): number | null {
  if (plainNumberCell(raw, missing)) {
    const n = Number(raw);
    if (Number.isFinite(n)) return n;
  }
  return numberAt({ file, row: line }, column, raw, missing);
}

