// CSV bytes for the build's observation files, in a module of few imports so that the CSV
// writer's thread (src/pipeline/csv-writer-thread.ts) loads little: ByteWriter (what
// observationsCsv in src/pipeline/observations.ts writes with) and chunkCsv, the same file from
// the evidence store's columns.
import { csvField } from '../exports/csv-cell.ts';
import type { Cell } from '../evidence/csv.ts';
import type { EncodedChunk } from '../store/evidence-store.ts';

const SPECIAL = /[",\n\r]/;

/** A growing byte buffer that CSV cells are written into as csvField (src/exports/csv-cell.ts, not spreadsheet-safe) writes them. */
export class ByteWriter {
  private buf: Buffer;
  /** The same bytes as a plain Uint8Array: element access in loops is faster than through Buffer. */
  private u8: Uint8Array;
  private pos = 0;
  constructor(size: number) {
    // Its own ArrayBuffer (never the shared pool): done()'s view is transferred whole.
    this.buf = Buffer.allocUnsafeSlow(size);
    this.u8 = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
    this.u8 = new Uint8Array(bigger.buffer, bigger.byteOffset, bigger.length);
  }
  /** Per column: the last value written through repeated(), and where its bytes are. */
  private readonly last: unknown[] = [];
  private readonly lastStart: number[] = [];
  private readonly lastEnd: number[] = [];

  byte(b: number): void {
    this.room(1);
    this.u8[this.pos++] = b;
  }

  /** Bytes made before (a cell's CSV text). */
  raw(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    if (n > 32) this.u8.set(b, this.pos);
    else for (let k = 0; k < n; k++) this.u8[this.pos + k] = b[k];
    this.pos += n;
  }

  /** A number as cell() writes it. */
  number(x: number): void {
    this.cell(x);
  }

  /** A cell of a column whose value often repeats the row before's: its bytes copied when it does. */
  repeated(column: number, cell: unknown): void {
    if (typeof cell === 'string' && cell === this.last[column]) {
      const start = this.lastStart[column];
      const n = this.lastEnd[column] - start;
      this.room(n);
      const buf = this.u8;
      if (n > 32) buf.copyWithin(this.pos, start, start + n);
      else for (let k = 0; k < n; k++) buf[this.pos + k] = buf[start + k];
      this.lastStart[column] = this.pos;
      this.pos += n;
      this.lastEnd[column] = this.pos;
      return;
    }
    const start = this.pos;
    this.cell(cell);
    this.last[column] = cell;
    this.lastStart[column] = start;
    this.lastEnd[column] = this.pos;
  }
  /** Text known to be ASCII, or any text (UTF-8). */
  ascii(s: string): void {
    const n = s.length;
    this.room(n * 3);
    const buf = this.u8;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) {
        this.pos += this.buf.write(s, this.pos, 'utf8');
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }
  cell(cell: unknown): void {
    if (cell === null || cell === undefined) return;
    if (typeof cell === 'string') {
      this.text(cell);
      return;
    }
    if (typeof cell === 'number' && Number.isInteger(cell) && cell >= 0 && cell < 1e9) {
      this.uint(cell);
      return;
    }
    this.ascii(csvField(cell as Cell, false));
  }
  private uint(v: number): void {
    this.room(10);
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    const end = this.pos + digits;
    let x = v;
    for (let p = end - 1; p >= this.pos; p--) {
      this.u8[p] = 48 + (x % 10);
      x = Math.floor(x / 10);
    }
    this.pos = end;
  }
  private text(s: string): void {
    const n = s.length;
    if (n === 0) return;
    // What makes csvField quote a text: a quote, comma or line break in it, or white space at an
    // end (as String.prototype.trim sees it: only characters up to 32 or past 127 can be that).
    const first = s.charCodeAt(0);
    const last = s.charCodeAt(n - 1);
    if (SPECIAL.test(s) || ((first <= 32 || first > 127 || last <= 32 || last > 127) && s !== s.trim())) {
      this.utf8(`"${s.replace(/"/g, '""')}"`);
      return;
    }
    this.utf8(s);
  }

  /** A text's UTF-8 in one call (reading a concatenated string char by char flattens it first). */
  private utf8(s: string): void {
    this.room(s.length * 3);
    this.pos += (this.buf as unknown as { utf8Write(s: string, offset: number, length: number): number }).utf8Write(s, this.pos, this.buf.length - this.pos);
  }

  /** The bytes written: a view of the writer's own buffer (transferable; no copy). */
  done(): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.pos);
  }
}

/**
 * A transform's observation file as CSV bytes from its store columns: byte for byte what
 * observationsCsv writes for the observations the columns were encoded from, when every row is
 * plain (plainRow in observations.ts); `header` is the file's first line. Each distinct text (country, indicator, source, flags, note; each locator
 * template's parts) is made into CSV bytes once; rows copy them.
 */
export function chunkCsv(c: EncodedChunk, header: string): Uint8Array {
  const w = new ByteWriter(c.n * 256 + 4096);
  w.ascii(header);
  const bytes = (s: string) => Buffer.from(csvField(s, false), 'utf8');
  const strings = c.strings.map(bytes);
  const notes = c.notes.map(bytes);
  const templates = c.templates.map(({ key, plain }) => {
    if (plain) return { quote: false, parts: [bytes(key)] };
    const parts = key.split('\u0000');
    // Quoted as the whole locator would be: the runs of digits between the parts quote nothing.
    const whole = parts.join('0');
    const quote = csvField(whole, false) !== whole;
    return { quote, parts: parts.map((p) => Buffer.from(quote ? p.replace(/"/g, '""') : p, 'utf8')) };
  });
  const { country, counterpart, indicator, source, flags, note, year, value, low, high, mask, template, numStart, nums } = c;
  for (let r = 0; r < c.n; r++) {
    const m = mask[r];
    w.byte(10);
    w.raw(strings[country[r]]);
    w.byte(44);
    w.raw(strings[counterpart[r]]);
    w.byte(44);
    w.raw(strings[indicator[r]]);
    w.byte(44);
    if ((m & 8) === 0) w.number(year[r]);
    w.byte(44);
    if ((m & 1) === 0) w.number(value[r]);
    w.byte(44);
    if ((m & 2) === 0) w.number(low[r]);
    w.byte(44);
    if ((m & 4) === 0) w.number(high[r]);
    w.byte(44);
    w.raw(strings[source[r]]);
    w.byte(44);
    const t = templates[template[r]];
    if (t.quote) w.byte(34);
    w.raw(t.parts[0]);
    for (let i = 1, k = numStart[r]; i < t.parts.length; i++, k++) {
      w.number(nums[k]);
      w.raw(t.parts[i]);
    }
    if (t.quote) w.byte(34);
    w.byte(44);
    w.raw(strings[flags[r]]);
    w.byte(44);
    w.raw(notes[note[r]]);
  }
  w.byte(10);
  return w.done();
}
