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
}

interface CellStyle {
  numFmt: string | undefined;
  font: { color?: XlsxColor } | undefined;
  date: boolean;
}

const NO_STYLE: CellStyle = { numFmt: undefined, font: undefined, date: false };

export class XlsxRow {
  /** Cells by column (1-based); a hole for a column the sheet does not hold. */
  private readonly cells: (XlsxCell | undefined)[] = [];
  constructor(readonly number: number) {}

  /** @internal */
  put(cell: XlsxCell): void {
    this.cells[cell.col] = cell;
  }

  /** The cell in column `col` (1-based); an empty one when the sheet holds none there. */
  getCell(col: number): XlsxCell {
    return this.cells[col] ?? { value: null, address: `${columnName(col)}${this.number}`, row: this.number, col, numFmt: undefined, font: undefined };
  }

  get hasValues(): boolean {
    return this.cells.some((c) => c !== undefined && c.value !== null);
  }

  /** The cells that hold a value, left to right. */
  eachCell(fn: (cell: XlsxCell, col: number) => void): void {
    this.cells.forEach((c, col) => {
      if (c && c.value !== null) fn(c, col);
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
  constructor(readonly worksheets: XlsxSheet[]) {}
  getWorksheet(name: string): XlsxSheet | undefined {
    return this.worksheets.find((w) => w.name === name);
  }
}

/** Column number (1-based) to letters: 1 -> A, 27 -> AA. */
export function columnName(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + (letters.charCodeAt(i) - 64);
  return n;
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

function readSheet(name: string, xml: string, strings: string[], styles: CellStyle[], links: Map<string, string>, date1904: boolean): XlsxSheet {
  const sheet = new XlsxSheet(name);
  // External hyperlinks (those with a relationship id) turn a cell's value into { text, hyperlink }.
  const hyperlinks = new Map<string, string>();
  for (const m of xml.matchAll(/<hyperlink\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]);
    const rid = a['r:id'];
    if (rid && links.has(rid)) hyperlinks.set(a.ref, links.get(rid)!);
  }
  const data = /<sheetData\b[^>]*?(?:\/>|>([\s\S]*?)<\/sheetData>)/.exec(xml)?.[1] ?? '';
  let r = 0;
  let col = 0;
  let row: XlsxRow | null = null;
  const token = /<row\b([^>]*?)(\/?)>|<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;
  for (let m = token.exec(data); m; m = token.exec(data)) {
    if (m[1] !== undefined) {
      const rAttr = /\br="(\d+)"/.exec(m[1]);
      r = rAttr ? Number(rAttr[1]) : r + 1;
      row = sheet.row(r);
      col = 0;
      continue;
    }
    const attrs = m[3];
    const ref = /\br="([A-Z]+)(\d+)"/.exec(attrs);
    if (ref) {
      col = columnNumber(ref[1]);
      if (Number(ref[2]) !== r) {
        r = Number(ref[2]);
        row = sheet.row(r);
      }
    } else col++;
    row ??= sheet.row((r = Math.max(r, 1)));
    const t = /\bt="(\w+)"/.exec(attrs)?.[1];
    const s = /\bs="(\d+)"/.exec(attrs);
    const styleId = s ? Number(s[1]) : 0;
    const style = (styleId && styles[styleId]) || NO_STYLE;
    const body = m[4] ?? '';
    const vMatch = /<v\b[^>]*?(?:\/>|>([\s\S]*?)<\/v>)/.exec(body);
    const raw = vMatch ? xmlText(vMatch[1] ?? '') : undefined;
    const formula = /<f\b[^>]*?(?:\/>|>([\s\S]*?)<\/f>)/.exec(body);
    let value: XlsxValue = null;
    if (formula) {
      let result: unknown;
      if (raw !== undefined && raw !== '') {
        if (t === 'str') result = xmlText(raw);
        else if (t === 'b') result = parseInt(raw, 10) !== 0;
        else if (t === 'e') result = { error: raw };
        else result = style.date ? excelToDate(parseFloat(raw), date1904) : parseFloat(raw);
      }
      value = { formula: xmlText(formula[1] ?? ''), ...(result !== undefined ? { result } : {}) };
    } else if (t === 'inlineStr') {
      const is = /<is\b[^>]*>([\s\S]*?)<\/is>/.exec(body);
      value = is ? runText(is[1]) : null;
    } else if (raw !== undefined) {
      switch (t) {
        case 's': value = strings[parseInt(raw, 10)] ?? null; break;
        case 'str': value = xmlText(raw); break;
        case 'b': value = parseInt(raw, 10) !== 0; break;
        case 'e': value = { error: raw }; break;
        default: value = style.date ? excelToDate(parseFloat(raw), date1904) : parseFloat(raw);
      }
    }
    const address = ref ? `${ref[1]}${ref[2]}` : `${columnName(col)}${r}`;
    const link = hyperlinks.get(address);
    if (link !== undefined) value = { text: formula ? (value as { result?: unknown }).result : value, hyperlink: link };
    row.put({ value, address, row: r, col, numFmt: style.numFmt, font: style.font });
  }
  return sheet;
}

/** Read a workbook from its bytes; throws (with what is wrong) when it is not a readable xlsx. */
export function readXlsx(buf: Buffer): XlsxWorkbook {
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
  const sheets: XlsxSheet[] = [];
  for (const m of workbookXml.matchAll(/<sheet\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]);
    const target = rels.get(a['r:id']);
    if (!target) continue;
    const part = resolvePart('xl/workbook.xml', target);
    const xml = text(part);
    if (xml === null) throw new Error(`no ${part} for sheet "${a.name}"`);
    const sheetRels = relationships(text(resolvePart(part, `_rels/${part.split('/').pop()}.rels`)));
    sheets.push(readSheet(a.name, xml, strings, styles, sheetRels, date1904));
  }
  return new XlsxWorkbook(sheets);
}
