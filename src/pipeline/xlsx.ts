// A small xlsx reader for the build (the SIPRI milex workbook): the part of exceljs's reading the
// transform uses, without exceljs (loading it and its workbook model took ~1 s of the build and
// most of its memory). An xlsx is a zip: the central directory names the parts, each inflated
// with node:zlib; the workbook lists the sheets, sharedStrings.xml the strings, styles.xml the
// number formats and fonts (figure colours), each sheet's XML its rows and cells.
//
// Cells read as exceljs reads them: shared and inline strings as text (rich-text runs joined,
// _xHHHH_ escapes decoded), numbers as numbers (as dates where the cell's format is a date
// format), booleans, errors as { error }, formulas by their cached result ({ formula, result });
// cells with an external hyperlink as { text, hyperlink }. `numFmt` is the cell's format code
// (a built-in one by its id), `font.color` the colour of its font ({ argb } | { theme, tint } |
// { indexed }). Rows and cells iterate as exceljs's eachRow and eachCell do (those with values).
// exceljs stays where the project writes xlsx (src/exports/xlsx.ts).
import { inflateRawSync } from 'node:zlib';

export type XlsxValue = string | number | boolean | Date | null | { error: string } | { formula: string; result?: unknown } | { text: unknown; hyperlink: string };

export interface XlsxColor {
  argb?: string;
  theme?: number;
  tint?: number;
  indexed?: number;
}

export interface XlsxCell {
  readonly value: XlsxValue;
  /** "BZ107" */
  readonly address: string;
  readonly row: number;
  readonly col: number;
  readonly numFmt: string | undefined;
  readonly font: { color?: XlsxColor } | undefined;
  /** Whether the address is columnName(col) + row (not spelt otherwise by the sheet, as with a row number's leading zeros). */
  readonly usualAddress: boolean;
}

interface CellStyle {
  numFmt: string | undefined;
  font: { color?: XlsxColor } | undefined;
  date: boolean;
}

const NO_STYLE: CellStyle = { numFmt: undefined, font: undefined, date: false };

/**
 * A cell as XlsxRow hands it out, made on request from what the row keeps: its format and font
 * are its style's, and its address is made when read.
 */
class Cell implements XlsxCell {
  constructor(
    readonly value: XlsxValue,
    readonly row: number,
    readonly col: number,
    private readonly style: CellStyle,
    /** The address as the sheet writes it, kept only when it is not the usual spelling of row and col (a row number with leading zeros). */
    private readonly written: string | undefined,
  ) {}

  get numFmt(): string | undefined {
    return this.style.numFmt;
  }

  get font(): { color?: XlsxColor } | undefined {
    return this.style.font;
  }

  get address(): string {
    return this.written ?? `${columnName(this.col)}${this.row}`;
  }

  get usualAddress(): boolean {
    return this.written === undefined;
  }
}

export class XlsxRow {
  /**
   * Per column (1-based), the value and style of the cell the sheet holds there; a hole where it
   * holds none. A row keeps these rather than cell objects: a workbook holds ~100,000 cells, which
   * stay in memory while it is read and made most of what the garbage collector copied.
   */
  private readonly values: XlsxValue[] = [];
  private readonly styles: CellStyle[] = [];
  /** Per column, an address spelt other than columnName(col) + row (rare); null while there is none. */
  private written: (string | undefined)[] | null = null;
  constructor(readonly number: number) {}

  /** @internal */
  put(col: number, value: XlsxValue, style: CellStyle, written: string | undefined): void {
    this.values[col] = value;
    this.styles[col] = style;
    if (written !== undefined || this.written !== null) (this.written ??= [])[col] = written;
  }

  /** The cell in column `col` (1-based); an empty one when the sheet holds none there. */
  getCell(col: number): XlsxCell {
    const style = this.styles[col];
    if (style === undefined) return new Cell(null, this.number, col, NO_STYLE, undefined);
    return new Cell(this.values[col], this.number, col, style, this.written?.[col]);
  }

  get hasValues(): boolean {
    return this.values.some((v) => v !== null);
  }

  /** The cells that hold a value, left to right. */
  eachCell(fn: (cell: XlsxCell, col: number) => void): void {
    this.values.forEach((v, col) => {
      if (v !== null) fn(this.getCell(col), col);
    });
  }
}

export class XlsxSheet {
  private readonly rows: (XlsxRow | undefined)[] = [];
  constructor(readonly name: string) {}

  /** @internal */
  row(r: number): XlsxRow {
    return (this.rows[r] ??= new XlsxRow(r));
  }

  /** The number of the last row the sheet lists (with or without values). */
  get rowCount(): number {
    return Math.max(0, this.rows.length - 1);
  }

  getRow(r: number): XlsxRow {
    return this.rows[r] ?? new XlsxRow(r);
  }

  /** The rows that hold a value, top to bottom. */
  eachRow(fn: (row: XlsxRow, r: number) => void): void {
    this.rows.forEach((row, r) => {
      if (row && row.hasValues) fn(row, r);
    });
  }
}

export class XlsxWorkbook {
  /**
   * @param worksheets the sheets read
   * @param sheetNames the names of all the workbook's sheets, read or not (see XlsxOptions.sheets)
   */
  constructor(readonly worksheets: XlsxSheet[], readonly sheetNames: readonly string[] = worksheets.map((w) => w.name)) {}
  getWorksheet(name: string): XlsxSheet | undefined {
    return this.worksheets.find((w) => w.name === name);
  }
}

/** Column letters by number, made once each: every cell's address starts with them. */
const COLUMN_NAMES: string[] = [];

/** Column number (1-based) to letters: 1 -> A, 27 -> AA. */
export function columnName(col: number): string {
  const known = COLUMN_NAMES[col];
  if (known !== undefined) return known;
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  if (Number.isInteger(col) && col >= 0 && col <= 16_384) COLUMN_NAMES[col] = s;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Zip

/** The files of a zip archive by name (inflated on demand). */
function unzip(buf: Buffer): Map<string, () => Buffer> {
  const out = new Map<string, () => Buffer>();
  // End of central directory: the last 0x06054b50 within 64 KB (+22) of the end.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const entries = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (p === 0xffffffff || entries === 0xffff) throw new Error('zip64 archives are not supported');
  for (let k = 0; k < entries; k++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new Error('damaged zip central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    out.set(name, () => {
      if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`damaged zip entry ${name}`);
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + compressed);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      throw new Error(`zip entry ${name} uses compression method ${method}`);
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// XML

const ENTITY = /&(lt|gt|amp|apos|quot|#x[0-9a-fA-F]+|#[0-9]+);/g;

/** XML text or attribute value with its entity and character references resolved. */
function xmlText(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(ENTITY, (_, e: string) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'apos': return '\'';
      case 'quot': return '"';
      default: return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

/** The attributes of a start tag's text (`name="value"` pairs). */
function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) out[m[1]] = xmlText(m[3] ?? m[4] ?? '');
  return out;
}

/** The text of every <t> element (not in phonetic runs), joined, with _xHHHH_ escapes decoded as exceljs does. */
function runText(xml: string): string {
  let text = '';
  for (const m of xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '').matchAll(/<t\b[^>]*?(?:\/>|>([\s\S]*?)<\/t>)/g)) text += xmlText(m[1] ?? '');
  return text.replace(/_x([0-9A-F]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The built-in number formats exceljs knows by id (the others have no code). */
const BUILTIN_FORMATS: Record<number, string> = {
  0: 'General', 1: '0', 2: '0.00', 3: '#,##0', 4: '#,##0.00', 9: '0%', 10: '0.00%', 11: '0.00E+00', 12: '# ?/?', 13: '# ??/??',
  14: 'mm-dd-yy', 15: 'd-mmm-yy', 16: 'd-mmm', 17: 'mmm-yy', 18: 'h:mm AM/PM', 19: 'h:mm:ss AM/PM', 20: 'h:mm', 21: 'h:mm:ss', 22: 'm/d/yy "h":mm',
  37: '#,##0 ;(#,##0)', 38: '#,##0 ;[Red](#,##0)', 39: '#,##0.00 ;(#,##0.00)', 40: '#,##0.00 ;[Red](#,##0.00)', 45: 'mm:ss', 46: '[h]:mm:ss', 47: 'mmss.0', 48: '##0.0E+0', 49: '@',
};

/** exceljs's test for a date format: date letters outside quotes and brackets. */
function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  return /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

function readStyles(xml: string | null): CellStyle[] {
  if (xml === null) return [];
  const formats = new Map<number, string>();
  for (const m of xml.matchAll(/<numFmt\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]);
    formats.set(parseInt(a.numFmtId, 10), a.formatCode);
  }
  const fonts: { color?: XlsxColor }[] = [];
  const fontsXml = /<fonts\b[^>]*>([\s\S]*?)<\/fonts>/.exec(xml)?.[1] ?? '';
  for (const m of fontsXml.matchAll(/<font\b[^>]*?(?:\/>|>([\s\S]*?)<\/font>)/g)) {
    const font: { color?: XlsxColor } = {};
    const c = /<color\b([^>]*?)\/?>/.exec(m[1] ?? '');
    if (c) {
      const a = attributes(c[1]);
      if (a.rgb) font.color = { argb: a.rgb };
      else if (a.theme) {
        font.color = { theme: parseInt(a.theme, 10) };
        if (a.tint) font.color.tint = parseFloat(a.tint);
      } else if (a.indexed) font.color = { indexed: parseInt(a.indexed, 10) };
    }
    fonts.push(font);
  }
  const styles: CellStyle[] = [];
  const xfsXml = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(xml)?.[1] ?? '';
  for (const m of xfsXml.matchAll(/<xf\b([^>]*?)(?:\/>|>)/g)) {
    const a = attributes(m[1]);
    const numFmtId = parseInt(a.numFmtId, 10);
    const fontId = parseInt(a.fontId, 10);
    const numFmt = numFmtId ? (formats.get(numFmtId) || BUILTIN_FORMATS[numFmtId]) : undefined;
    styles.push({ numFmt, font: fontId || fontId === 0 ? fonts[fontId] : undefined, date: isDateFormat(numFmt) });
  }
  return styles;
}

/** A part's path resolved against the folder of the part that names it. */
function resolvePart(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

function relationships(xml: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (xml === null) return out;
  for (const m of xml.matchAll(/<Relationship\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]);
    out.set(a.Id, a.Target);
  }
  return out;
}

const excelToDate = (v: number, date1904: boolean) => new Date(Math.round((v - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));

/** Whether a character code is a regex word character ([A-Za-z0-9_]), for the \b tests below. */
function isWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpper = (c: number) => c >= 65 && c <= 90;

const LT = 60; // <
const GT = 62; // >
const SLASH = 47; // /
const QUOTE = 34; // "
const EQUALS = 61; // =

/** Whether xml[start..end) is one or more characters that `ok` accepts. */
function allOf(ok: (c: number) => boolean): (xml: string, start: number, end: number) => boolean {
  return (xml, start, end) => {
    if (end === start) return false;
    for (let i = start; i < end; i++) if (!ok(xml.charCodeAt(i))) return false;
    return true;
  };
}

const DIGITS = allOf(isDigit);
const WORD = allOf(isWord);

/** Whether xml[start..end) is a cell reference: column letters, then row digits ([A-Z]+\d+). */
function isReference(xml: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && isUpper(xml.charCodeAt(i))) i++;
  return i > start && DIGITS(xml, i, end);
}

/** An element's start and end tags as searched for, made once rather than per search. */
interface ElementName {
  readonly open: string;
  readonly close: string;
}

const elementName = (name: string): ElementName => ({ open: `<${name}`, close: `</${name}>` });
const SHEET_DATA = elementName('sheetData');
const V = elementName('v');
const F = elementName('f');
const C_END = '</c>';
/** A range longer than a cell's (characters), searched with String.indexOf. */
const LONG_RANGE = 4096;

/**
 * A reader of one part's XML by index rather than by regex, for sheetData's bounds and the tags
 * PLAIN_TAG does not match: a workbook holds ~100,000 cells, and several regex execs per cell
 * (with the substrings of their groups) made most of the reading's time and ~100 MB of garbage
 * for a 0.76 MB workbook. Each search looks only between `from` and `to` and matches what the
 * regex it replaces (noted on each) would match in that text; a found span is left in `start`
 * and `end` rather than returned, so that a search allocates nothing.
 *
 * Within a tag the searches step through characters with charCodeAt rather than calling
 * String.indexOf: the spans are a few dozen characters, and indexOf cannot be told where to stop
 * (looking for a formula in a cell that has none would run on to the end of the part, which made
 * reading a sheet quadratic).
 */
class XmlScanner {
  start = 0;
  end = 0;
  constructor(readonly xml: string) {}

  /** The first character `code` in from..to, or -1. */
  next(code: number, from: number, to: number): number {
    const { xml } = this;
    for (let i = from; i < to; i++) if (xml.charCodeAt(i) === code) return i;
    return -1;
  }

  /** Whether `text` is at `p` and ends by `to`. */
  at(text: string, p: number, to: number): boolean {
    if (p + text.length > to) return false;
    const { xml } = this;
    for (let k = 0; k < text.length; k++) if (xml.charCodeAt(p + k) !== text.charCodeAt(k)) return false;
    return true;
  }

  /** The first `text` (which starts with "<") in from..to, or -1. */
  find(text: string, from: number, to: number): number {
    if (to - from > LONG_RANGE) {
      // Over a whole part (the </sheetData> after the rows) the native search is the faster.
      const p = this.xml.indexOf(text, from);
      return p >= 0 && p + text.length <= to ? p : -1;
    }
    for (let p = this.next(LT, from, to); p >= 0; p = this.next(LT, p + 1, to)) if (this.at(text, p, to)) return p;
    return -1;
  }

  /** Whether the tag `open` ("<v") is at `p`, with a non-word character or `to` after it, as /<v\b/ finds it in text ending at `to`. */
  tagAt(open: string, p: number, to: number): boolean {
    const after = p + open.length;
    return this.at(open, p, to) && (after === to || !isWord(this.xml.charCodeAt(after)));
  }

  /**
   * The first element `el` in from..to, as /<name\b[^>]*?(?:\/>|>([\s\S]*?)<\/name>)/ finds it:
   * its content in start..end (empty for a self-closing one). False when there is none.
   */
  element(el: ElementName, from: number, to: number): boolean {
    const { xml } = this;
    for (let p = this.find(el.open, from, to); p >= 0; p = this.find(el.open, p + 1, to)) {
      if (!this.tagAt(el.open, p, to)) continue; // another element whose name starts so
      const after = p + el.open.length;
      const gt = this.next(GT, after, to);
      if (gt < 0) return false; // no later tag can be complete either
      if (gt > after && xml.charCodeAt(gt - 1) === SLASH) {
        this.start = this.end = gt + 1;
        return true;
      }
      const end = this.find(el.close, gt + 1, to);
      if (end >= 0) {
        this.start = gt + 1;
        this.end = end;
        return true;
      }
    }
    return false;
  }

  /**
   * The value of the first attribute `name` in from..to (a start tag's attributes) whose name
   * starts a word and whose value passes `valid`, as /\bname="(pattern)"/ finds it for a pattern
   * of characters other than the quote: the value in start..end. False when there is none.
   */
  attribute(name: string, valid: (xml: string, start: number, end: number) => boolean, from: number, to: number): boolean {
    const { xml } = this;
    for (let q = this.next(QUOTE, from, to); q >= 0; q = this.next(QUOTE, q + 1, to)) {
      const p = q - 1 - name.length; // where `name="` would start
      if (p < from || xml.charCodeAt(q - 1) !== EQUALS || !this.at(name, p, to)) continue;
      if (p > from && isWord(xml.charCodeAt(p - 1))) continue;
      const end = this.next(QUOTE, q + 1, to);
      if (end < 0) return false; // no later value is closed either
      if (valid(xml, q + 1, end)) {
        this.start = q + 1;
        this.end = end;
        return true;
      }
    }
    return false;
  }

  /** The decimal number written in start..end (digits only; long ones through Number, to stay exact). */
  integer(): number {
    if (this.end - this.start > 15) return Number(this.xml.slice(this.start, this.end));
    let n = 0;
    for (let i = this.start; i < this.end; i++) n = n * 10 + (this.xml.charCodeAt(i) - 48);
    return n;
  }
}

/**
 * The r, t and s attributes of a cell's start tag, found in one pass over its attributes: each
 * as /\br="([A-Z]+)(\d+)"/, /\bt="(\w+)"/ and /\bs="(\d+)"/ would find it there (the first of
 * its name whose value fits), its value in xStart..xEnd, or -1 in xStart when the tag has none.
 */
class CellAttributes {
  rStart = -1;
  rEnd = -1;
  tStart = -1;
  tEnd = -1;
  sStart = -1;
  sEnd = -1;

  read(x: XmlScanner, from: number, to: number): void {
    const { xml } = x;
    this.rStart = this.tStart = this.sStart = -1;
    for (let q = x.next(QUOTE, from, to); q >= 0; q = x.next(QUOTE, q + 1, to)) {
      const p = q - 2; // where a one-letter name would start
      if (p < from || xml.charCodeAt(q - 1) !== EQUALS || (p > from && isWord(xml.charCodeAt(p - 1)))) continue;
      const name = xml.charCodeAt(p);
      if (name === 114 /* r */ ? this.rStart >= 0 : name === 116 /* t */ ? this.tStart >= 0 : name !== 115 /* s */ || this.sStart >= 0) continue;
      const end = x.next(QUOTE, q + 1, to);
      if (end < 0) return; // no later value is closed either
      if (name === 114 && isReference(xml, q + 1, end)) {
        this.rStart = q + 1;
        this.rEnd = end;
      } else if (name === 116 && WORD(xml, q + 1, end)) {
        this.tStart = q + 1;
        this.tEnd = end;
      } else if (name === 115 && DIGITS(xml, q + 1, end)) {
        this.sStart = q + 1;
        this.sEnd = end;
      }
    }
  }
}

/**
 * A row's start tag, or a cell as Excel and exceljs write nearly all of them: r (column letters
 * and a row number without leading zeros), then perhaps s and t, and a body of at most one <v>
 * without markup. A native test() finds whether such a tag starts at a position and where it
 * ends, without making a match or substrings; its parts are then read where the pattern says they
 * are. (Stepping through each cell's characters in search of its parts costs more until the JIT
 * has compiled the loop, and a build reads the workbook once.) Whatever it does not match
 * (formulas, inline strings, other attributes or their order, white space) is read by readTag,
 * which gives the same result for these as well.
 */
const PLAIN_TAG = /<c r="[A-Z]{1,3}[1-9]\d{0,14}"(?: s="\d{1,9}")?(?: t="\w+")?(?:\/>|>(?:<v>[^<]*<\/v>)?<\/c>)|<row r="\d{1,15}"[^>]*>|<\/row>/y;

/** The rows and cells of one sheet's sheetData as they are read. */
class SheetReader {
  readonly sheet: XlsxSheet;
  private readonly x: XmlScanner;
  private readonly attrs = new CellAttributes();
  private readonly hyperlinks = new Map<string, string>();
  /** The current row's number and object, and the column of the last cell. */
  private r = 0;
  private col = 0;
  private row: XlsxRow | null = null;

  constructor(name: string, private readonly xml: string, private readonly strings: string[], private readonly styles: CellStyle[], links: Map<string, string>, private readonly date1904: boolean) {
    this.sheet = new XlsxSheet(name);
    this.x = new XmlScanner(xml);
    // External hyperlinks (those with a relationship id) turn a cell's value into { text, hyperlink }.
    for (const m of xml.matchAll(/<hyperlink\b([^>]*?)\/?>/g)) {
      const a = attributes(m[1]);
      const rid = a['r:id'];
      if (rid && links.has(rid)) this.hyperlinks.set(a.ref, links.get(rid)!);
    }
  }

  /**
   * Read the rows and cells of sheetData in order, as
   * /<row\b([^>]*?)(\/?)>|<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g finds them: rows by their start
   * tag, cells whole (a cell's body is skipped once read).
   */
  read(): XlsxSheet {
    const { x, xml } = this;
    if (!x.element(SHEET_DATA, 0, xml.length)) return this.sheet;
    const dataEnd = x.end;
    for (let pos = x.start; pos < dataEnd;) {
      PLAIN_TAG.lastIndex = pos;
      if (!PLAIN_TAG.test(xml) || PLAIN_TAG.lastIndex > dataEnd) {
        pos = this.readTag(pos, dataEnd);
        continue;
      }
      const end = PLAIN_TAG.lastIndex;
      if (xml.charCodeAt(pos + 1) === 99 /* c */) this.readPlainCell(pos);
      else if (xml.charCodeAt(pos + 1) === 114 /* r */) {
        // <row r="N" ...>: the number's digits end at the quote.
        let r = 0;
        for (let i = pos + 8, c = xml.charCodeAt(i); c !== QUOTE; c = xml.charCodeAt(++i)) r = r * 10 + (c - 48);
        this.row = this.sheet.row((this.r = r));
        this.col = 0;
      }
      pos = end;
    }
    return this.sheet;
  }

  /** Read the cell at `at` that PLAIN_TAG matched: <c r="BZ107"[ s="N"][ t="T"]/> or >[<v>text</v>]</c>. */
  private readPlainCell(at: number): void {
    const { xml } = this;
    let i = at + 6; // after <c r="
    let col = 0;
    for (let c = xml.charCodeAt(i); c >= 65; c = xml.charCodeAt(++i)) col = col * 26 + (c - 64); // letters, then digits
    let r = 0;
    for (let c = xml.charCodeAt(i); c !== QUOTE; c = xml.charCodeAt(++i)) r = r * 10 + (c - 48);
    i++;
    let styleId = 0;
    if (xml.charCodeAt(i + 1) === 115 /* s */) {
      for (let c = xml.charCodeAt((i += 4)); c !== QUOTE; c = xml.charCodeAt(++i)) styleId = styleId * 10 + (c - 48);
      i++;
    }
    let t: string | undefined;
    if (xml.charCodeAt(i + 1) === 116 /* t */) {
      const start = i + 4;
      for (i = start; xml.charCodeAt(i) !== QUOTE; i++);
      t = xml.slice(start, i++);
    }
    // "/>", or ">" and then "<v>" (its text runs to the next "<", that of </v>) or "</c>".
    let raw: string | undefined;
    if (xml.charCodeAt(i) === GT && xml.charCodeAt(i + 2) === 118 /* v */) {
      const start = i + 4;
      for (i = start; xml.charCodeAt(i) !== LT; i++);
      raw = xmlText(xml.slice(start, i));
    }
    this.col = col;
    if (r !== this.r || this.row === null) this.row = this.sheet.row((this.r = r));
    this.put(undefined, t, styleId, raw, undefined, -1, -1);
  }

  /** Read the first row or cell tag at or after `from` character by character; where reading goes on, dataEnd when there is none. */
  private readTag(from: number, dataEnd: number): number {
    const { x, xml, attrs } = this;
    for (let lt = x.next(LT, from, dataEnd); lt >= 0; lt = x.next(LT, lt + 1, dataEnd)) {
      if (x.tagAt('<row', lt, dataEnd)) {
        const gt = x.next(GT, lt + 4, dataEnd);
        if (gt < 0) return dataEnd;
        this.r = x.attribute('r', DIGITS, lt + 4, gt) ? x.integer() : this.r + 1;
        this.row = this.sheet.row(this.r);
        this.col = 0;
        return gt + 1;
      }
      if (!x.tagAt('<c', lt, dataEnd)) continue;
      const attrsStart = lt + 2;
      const gt = x.next(GT, attrsStart, dataEnd);
      if (gt < 0) return dataEnd;
      // <c .../> has no body; <c ...> runs to the first </c>, and without one it is no cell. On
      // the way to the </c>, the first <v and <f tags are noted: most cells have no formula.
      let attrsEnd = gt;
      const bodyStart = gt + 1;
      let bodyEnd = bodyStart;
      let next = gt + 1;
      let vAt = -1;
      let fAt = -1;
      if (gt > attrsStart && xml.charCodeAt(gt - 1) === SLASH) attrsEnd = gt - 1;
      else {
        bodyEnd = -1;
        for (let p = x.next(LT, bodyStart, dataEnd); p >= 0; p = x.next(LT, p + 1, dataEnd)) {
          if (x.at(C_END, p, dataEnd)) {
            bodyEnd = p;
            break;
          }
          if (vAt < 0 && x.tagAt(V.open, p, dataEnd)) vAt = p;
          else if (fAt < 0 && x.tagAt(F.open, p, dataEnd)) fAt = p;
        }
        if (bodyEnd < 0) continue;
        next = bodyEnd + C_END.length;
      }
      attrs.read(x, attrsStart, attrsEnd);
      // The reference r="BZ107": its letters give the column and its digits the row.
      let written: string | undefined;
      if (attrs.rStart >= 0) {
        let digits = attrs.rStart;
        let col = 0;
        for (let c = xml.charCodeAt(digits); isUpper(c); c = xml.charCodeAt(++digits)) col = col * 26 + (c - 64);
        this.col = col;
        x.start = digits;
        x.end = attrs.rEnd;
        const r = x.integer();
        // A row written with leading zeros (or too long to be exact) keeps its spelling in the address.
        if (xml.charCodeAt(digits) === 48 /* 0 */ || attrs.rEnd - digits > 15) written = xml.slice(attrs.rStart, attrs.rEnd);
        if (r !== this.r) this.row = this.sheet.row((this.r = r));
      } else this.col++;
      this.row ??= this.sheet.row((this.r = Math.max(this.r, 1)));
      const t = attrs.tStart >= 0 ? xml.slice(attrs.tStart, attrs.tEnd) : undefined;
      let styleId = 0;
      if (attrs.sStart >= 0) {
        x.start = attrs.sStart;
        x.end = attrs.sEnd;
        styleId = x.integer();
      }
      const raw = vAt >= 0 && x.element(V, vAt, bodyEnd) ? xmlText(xml.slice(x.start, x.end)) : undefined;
      const formula = fAt >= 0 && x.element(F, fAt, bodyEnd) ? xmlText(xml.slice(x.start, x.end)) : undefined;
      this.put(written, t, styleId, raw, formula, bodyStart, bodyEnd);
      return next;
    }
    return dataEnd;
  }

  /**
   * Put the cell at the current row and column, its value made as exceljs makes it from its type
   * `t`, style, <v> text `raw` and <f> text `formula` (the body bodyStart..bodyEnd for an inline string).
   */
  private put(written: string | undefined, t: string | undefined, styleId: number, raw: string | undefined, formula: string | undefined, bodyStart: number, bodyEnd: number): void {
    const { r, col, date1904 } = this;
    const style = (styleId && this.styles[styleId]) || NO_STYLE;
    let value: XlsxValue = null;
    if (formula !== undefined) {
      let result: unknown;
      if (raw !== undefined && raw !== '') {
        if (t === 'str') result = xmlText(raw);
        else if (t === 'b') result = parseInt(raw, 10) !== 0;
        else if (t === 'e') result = { error: raw };
        else result = style.date ? excelToDate(parseFloat(raw), date1904) : parseFloat(raw);
      }
      value = { formula, ...(result !== undefined ? { result } : {}) };
    } else if (t === 'inlineStr') {
      // (A cell readPlainCell reads has no <is>, and no body here: -1..-1.)
      const is = bodyStart < bodyEnd ? /<is\b[^>]*>([\s\S]*?)<\/is>/.exec(this.xml.slice(bodyStart, bodyEnd)) : null;
      value = is ? runText(is[1]) : null;
    } else if (raw !== undefined) {
      switch (t) {
        case 's': value = this.strings[parseInt(raw, 10)] ?? null; break;
        case 'str': value = xmlText(raw); break;
        case 'b': value = parseInt(raw, 10) !== 0; break;
        case 'e': value = { error: raw }; break;
        default: value = style.date ? excelToDate(parseFloat(raw), date1904) : parseFloat(raw);
      }
    }
    if (this.hyperlinks.size > 0) {
      const link = this.hyperlinks.get(written ?? `${columnName(col)}${r}`);
      if (link !== undefined) value = { text: formula !== undefined ? (value as { result?: unknown }).result : value, hyperlink: link };
    }
    this.row!.put(col, value, style, written);
  }
}

export interface XlsxOptions {
  /**
   * Read only the sheets of these names (those the workbook has); the others are neither inflated
   * nor parsed, and are left out of `worksheets` but listed in `sheetNames`. All sheets when absent.
   */
  sheets?: readonly string[];
}

/** Read a workbook from its bytes; throws (with what is wrong) when it is not a readable xlsx. */
export function readXlsx(buf: Buffer, options: XlsxOptions = {}): XlsxWorkbook {
  const files = unzip(buf);
  const text = (name: string): string | null => {
    const get = files.get(name);
    return get ? get().toString('utf8') : null;
  };
  const workbookXml = text('xl/workbook.xml');
  if (workbookXml === null) throw new Error('no xl/workbook.xml');
  const rels = relationships(text('xl/_rels/workbook.xml.rels'));
  const sstXml = text('xl/sharedStrings.xml');
  const strings: string[] = [];
  if (sstXml !== null) for (const m of sstXml.matchAll(/<si\b[^>]*?(?:\/>|>([\s\S]*?)<\/si>)/g)) strings.push(runText(m[1] ?? ''));
  const styles = readStyles(text('xl/styles.xml'));
  const date1904 = /<workbookPr\b[^>]*\bdate1904="(1|true)"/.test(workbookXml);
  const wanted = options.sheets ? new Set(options.sheets) : null;
  const sheets: XlsxSheet[] = [];
  const names: string[] = [];
  for (const m of workbookXml.matchAll(/<sheet\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]);
    const target = rels.get(a['r:id']);
    if (!target) continue;
    const part = resolvePart('xl/workbook.xml', target);
    if (!files.has(part)) throw new Error(`no ${part} for sheet "${a.name}"`);
    names.push(a.name);
    if (wanted && !wanted.has(a.name)) continue;
    const xml = text(part)!;
    const sheetRels = relationships(text(resolvePart(part, `_rels/${part.split('/').pop()}.rels`)));
    sheets.push(new SheetReader(a.name, xml, strings, styles, sheetRels, date1904).read());
  }
  return new XlsxWorkbook(sheets, names);
}
