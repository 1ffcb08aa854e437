// Join PDFs that Chromium printed into one: the pages of each in order under one page tree,
// the named destinations of one of them (the part whose anchors the links point to), the
// document information of the first, and a new outline (the bookmarks a PDF viewer lists)
// leading to those destinations. This lets the report print its long body once and its
// short front matter (cover and numbered contents) separately, instead of printing everything
// twice to learn the page numbers. Only what Chromium (Skia) writes is handled: a classic
// xref table, plain dictionaries, pages that carry their own resources and media box.

import { decodeName } from './pdf-pages.ts';

interface PdfObject {
  /** The dictionary (or other value) before any stream, with references as written. */
  head: string;
  /** "stream ... endstream" verbatim, or "". */
  stream: string;
}

interface ParsedPdf {
  version: string;
  objects: Map<number, PdfObject>;
  root: number;
  info: number | null;
}

export class PdfStructureError extends Error {
  constructor(problem: string) {
    super(`cannot join the printed PDFs: ${problem}`);
    this.name = 'PdfStructureError';
  }
}

function parse(bytes: Uint8Array): ParsedPdf {
  const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const version = /^%PDF-(\d\.\d)/.exec(pdf)?.[1];
  if (!version) throw new PdfStructureError('not a PDF');
  const objects = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(pdf))) {
    const start = re.lastIndex;
    const endobj = pdf.indexOf('endobj', start);
    if (endobj < 0) throw new PdfStructureError(`object ${m[1]} has no endobj`);
    const streamAt = pdf.indexOf('stream', start);
    if (streamAt >= 0 && streamAt < endobj) {
      const endstream = pdf.indexOf('endstream', streamAt + 6);
      if (endstream < 0) throw new PdfStructureError(`object ${m[1]} has no endstream`);
      objects.set(Number(m[1]), { head: pdf.slice(start, streamAt).trimEnd(), stream: pdf.slice(streamAt, endstream + 9) });
      re.lastIndex = pdf.indexOf('endobj', endstream);
    } else {
      objects.set(Number(m[1]), { head: pdf.slice(start, endobj).trimEnd(), stream: '' });
      re.lastIndex = endobj;
    }
  }
  const trailer = pdf.slice(pdf.lastIndexOf('trailer'));
  const root = /\/Root\s+(\d+) 0 R/.exec(trailer);
  if (!root) throw new PdfStructureError('no /Root in the trailer (an xref stream?)');
  const info = /\/Info\s+(\d+) 0 R/.exec(trailer);
  return { version, objects, root: Number(root[1]), info: info ? Number(info[1]) : null };
}

function isType(o: PdfObject | undefined, type: string): boolean {
  return o !== undefined && new RegExp(`/Type\\s*/${type}\\b`).test(o.head);
}

/** Leaf pages in order, walking the page tree of one PDF. */
function pagesOf(p: ParsedPdf): number[] {
  const catalog = p.objects.get(p.root);
  const tree = catalog && /\/Pages\s+(\d+) 0 R/.exec(catalog.head);
  if (!tree) throw new PdfStructureError('the catalog has no page tree');
  const out: number[] = [];
  const walk = (n: number, depth: number) => {
    const o = p.objects.get(n);
    if (!o || depth > 64) throw new PdfStructureError(`page tree node ${n} is missing`);
    if (isType(o, 'Pages')) {
      if (/\/(Resources|MediaBox|CropBox|Rotate)\b/.test(o.head)) throw new PdfStructureError('the page tree passes attributes down to its pages');
      const kids = /\/Kids\s*\[([^\]]*)\]/.exec(o.head)?.[1] ?? '';
      for (const k of kids.matchAll(/(\d+) 0 R/g)) walk(Number(k[1]), depth + 1);
    } else out.push(n);
  };
  walk(Number(tree[1]), 0);
  return out;
}

function renumber(text: string, offset: number): string {
  return offset === 0 ? text : text.replace(/(\d+) 0 R\b/g, (_m, n: string) => `${Number(n) + offset} 0 R`);
}

/** A bookmark: its title, the named destination it leads to, the bookmarks under it. */
export interface Bookmark {
  id: string;
  title: string;
  children: Bookmark[];
}

/** A PDF text string: UTF-16BE with its byte-order mark, in hex (any title, no escaping). */
function textString(s: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < s.length; i++) hex += s.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return `<${hex}>`;
}

/**
 * The outline's objects from `first` on: the root, then each bookmark depth first. Bookmarks
 * whose destination the document lacks are left out; children start closed.
 */
function outlineObjects(bookmarks: readonly Bookmark[], first: number, nameOf: (id: string) => string | undefined): Map<number, string> {
  const out = new Map<number, string>();
  let next = first + 1;
  const place = (list: readonly Bookmark[], parent: number): number[] => {
    const kept = list.filter((b) => nameOf(b.id) !== undefined);
    const ids = kept.map(() => next++);
    kept.forEach((b, i) => {
      const kids = place(b.children, ids[i]);
      const links = [
        `/Title ${textString(b.title)}`, `/Parent ${parent} 0 R`, `/Dest /${nameOf(b.id)}`,
        i > 0 ? `/Prev ${ids[i - 1]} 0 R` : '', i < ids.length - 1 ? `/Next ${ids[i + 1]} 0 R` : '',
        kids.length ? `/First ${kids[0]} 0 R /Last ${kids[kids.length - 1]} 0 R /Count -${kids.length}` : '',
      ].filter(Boolean);
      out.set(ids[i], `<<${links.join('\n')}>>`);
    });
    return ids;
  };
  const top = place(bookmarks, first);
  out.set(first, top.length ? `<</Type /Outlines\n/First ${top[0]} 0 R\n/Last ${top[top.length - 1]} 0 R\n/Count ${top.length}>>` : '<</Type /Outlines\n/Count 0>>');
  return out;
}

/**
 * One PDF with the pages of `parts` in order. Named destinations come from the part at
 * `destinationsFrom`: links in the other parts that name an anchor of it lead there, and so
 * do the `bookmarks`.
 */
export function joinPdfs(parts: readonly Uint8Array[], destinationsFrom: number, bookmarks: readonly Bookmark[] = []): Buffer {
  const parsed = parts.map(parse);
  const offsets: number[] = [];
  let next = 0;
  for (const p of parsed) {
    offsets.push(next);
    next += Math.max(0, ...p.objects.keys()) + 1;
  }
  const treeId = next;
  const catalogId = next + 1;
  const destsId = next + 2;
  const body = new Map<number, string>();
  const kids: number[] = [];
  parsed.forEach((p, i) => {
    const order = pagesOf(p);
    const pages = new Set(order);
    for (const page of order) kids.push(page + offsets[i]);
    const ownDests = Number(/\/Dests\s+(\d+) 0 R/.exec(p.objects.get(p.root)?.head ?? '')?.[1] ?? -1);
    for (const [n, o] of p.objects) {
      // The parts' own catalogs, page trees and destination lists are replaced by new ones.
      if (n === p.root || n === ownDests || isType(o, 'Pages')) continue;
      let head = renumber(o.head, offsets[i]);
      if (pages.has(n)) head = head.replace(/\/Parent\s+\d+ 0 R/, `/Parent ${treeId} 0 R`);
      body.set(n + offsets[i], head + (o.stream ? `\n${o.stream}` : ''));
    }
  });
  const source = parsed[destinationsFrom];
  const destsRef = /\/Dests\s+(\d+) 0 R/.exec(source.objects.get(source.root)?.head ?? '');
  const dests = destsRef ? renumber(source.objects.get(Number(destsRef[1]))?.head ?? '<<>>', offsets[destinationsFrom]) : '<<>>';
  body.set(treeId, `<</Type /Pages\n/Count ${kids.length}\n/Kids [${kids.map((k) => `${k} 0 R`).join(' ')}]>>`);
  body.set(destsId, dests);
  const outlinesId = destsId + 1;
  // The destinations' names as written (with any #xx escapes), by the anchor id they decode to.
  const names = new Map([...dests.matchAll(/\/([^\s/[\]<>()]+)\s*\[/g)].map((m) => [decodeName(m[1]), m[1]]));
  const outline = bookmarks.length ? outlineObjects(bookmarks, outlinesId, (id) => names.get(id)) : new Map<number, string>();
  for (const [n, text] of outline) body.set(n, text);
  body.set(catalogId, `<</Type /Catalog\n/Pages ${treeId} 0 R\n/Dests ${destsId} 0 R${outline.size ? `\n/Outlines ${outlinesId} 0 R\n/PageMode /UseOutlines` : ''}>>`);

  const version = parsed.map((p) => p.version).sort().at(-1)!;
  const chunks: string[] = [`%PDF-${version}\n%\u00e2\u00e3\u00cf\u00d3\n`];
  let length = chunks[0].length;
  const size = Math.max(...body.keys()) + 1;
  const offsetOf = new Array<number | null>(size).fill(null);
  for (let n = 0; n < size; n++) {
    const text = body.get(n);
    if (text === undefined) continue;
    offsetOf[n] = length;
    const chunk = `${n} 0 obj\n${text}\nendobj\n`;
    chunks.push(chunk);
    length += chunk.length;
  }
  const xref = ['xref', `0 ${size}`, ...offsetOf.map((o, n) => (n === 0 || o === null ? '0000000000 65535 f \n' : `${String(o).padStart(10, '0')} 00000 n \n`).trimEnd())];
  const info = parsed[0].info !== null ? `\n/Info ${parsed[0].info} 0 R` : '';
  chunks.push(`${xref.join('\n')}\ntrailer\n<</Size ${size}\n/Root ${catalogId} 0 R${info}>>\nstartxref\n${length}\n%%EOF\n`);
  return Buffer.from(chunks.join(''), 'latin1');
}
