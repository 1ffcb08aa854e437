// Reading the publishers' files as they were published. Every read is checksummed for the
// source registry, and every problem is reported with the file, row and column it sits in.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

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

  constructor(readonly dir: string) {}

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
    this.files.set(rel, {
      source,
      path: rel,
      sha256: createHash('sha256').update(buf).digest('hex'),
      bytes: buf.length,
    });
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
  const skip = options.preambleLines ?? 0;
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, {
      from_line: skip + 1,
      skip_empty_lines: true,
      relax_column_count: false,
      info: true,
      delimiter: options.delimiter ?? ',',
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as { message: string; lines?: number };
    const line = e.lines ?? null;
    throw new SnapshotError(rel, line, null, `not a well-formed CSV file (${e.message.replace(/\.$/, '')})`,
      'The file may be truncated or edited by hand; replace it with the publisher\'s original.');
  }
  if (rows.length === 0) {
    throw new SnapshotError(rel, null, null, 'the file has no header row', 'Replace it with the publisher\'s original.');
  }
  const header = rows[0].record.map((h) => h.trim());
  for (const col of options.requireColumns ?? []) {
    if (!header.includes(col)) {
      throw new SnapshotError(rel, rows[0].info.lines, col, `expected column "${col}" is missing (header: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', ...' : ''})`,
        'The publisher may have changed the layout; check the file against the source\'s documentation.');
    }
  }
  const out: CsvRecord[] = [];
  for (let i = 1; i < rows.length; i++) {
    const { record, info } = rows[i];
    const values: Record<string, string> = {};
    for (let c = 0; c < header.length; c++) values[header[c]] = record[c];
    out.push({ line: info.lines, values });
  }
  return out;
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
  const n = Number(text.replace(/,/g, ''));
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
