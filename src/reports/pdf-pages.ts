// On which page of a PDF each anchor landed. Chromium writes the targets of a document's
// internal links as named destinations (/Dests << /name [page 0 R /XYZ ...] >>) and its page
// tree as plain dictionaries, so reading the first printing tells the table of contents its
// page numbers for the second. Only what Chromium writes is read: uncompressed dictionaries
// with indirect references, no object streams.

/** The text of each top-level object, by object number (streams are skipped unread). */
function objects(pdf: string): Map<number, string> {
  const out = new Map<number, string>();
  const re = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(pdf))) {
    const start = re.lastIndex;
    let end = pdf.indexOf('endobj', start);
    if (end < 0) break;
    const stream = pdf.indexOf('stream', start);
    const hasStream = stream >= 0 && stream < end;
    out.set(Number(m[1]), pdf.slice(start, hasStream ? stream : end));
    // Binary stream data may hold any bytes: resume after its endstream, not at a lookalike.
    if (hasStream) {
      const after = pdf.indexOf('endstream', stream + 6);
      end = after < 0 ? end : pdf.indexOf('endobj', after);
      if (end < 0) break;
    }
    re.lastIndex = end;
  }
  return out;
}

function refs(text: string): number[] {
  return [...text.matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
}

/** Page object numbers in reading order, walking the page tree from its root. */
function pageOrder(objs: Map<number, string>): number[] {
  const catalog = [...objs.values()].find((t) => /\/Type\s*\/Catalog\b/.test(t));
  const root = catalog && /\/Pages\s+(\d+) 0 R/.exec(catalog);
  if (!root) return [];
  const pages: number[] = [];
  const walk = (n: number, depth: number) => {
    const text = objs.get(n) ?? '';
    if (depth > 64) return;
    if (/\/Type\s*\/Pages\b/.test(text)) {
      const kids = /\/Kids\s*\[([^\]]*)\]/.exec(text);
      for (const k of kids ? refs(kids[1]) : []) walk(k, depth + 1);
    } else if (/\/Type\s*\/Page\b/.test(text)) pages.push(n);
  };
  walk(Number(root[1]), 0);
  return pages;
}

/** Named destinations: name -> page object number. */
function destinations(pdf: string, objs: Map<number, string>): Map<string, number> {
  const out = new Map<string, number>();
  const catalog = [...objs.values()].find((t) => /\/Type\s*\/Catalog\b/.test(t)) ?? '';
  const dests = /\/Dests\s+(\d+) 0 R/.exec(catalog);
  const text = dests ? objs.get(Number(dests[1])) ?? '' : pdf;
  for (const m of text.matchAll(/\/([^\s/[\]<>()]+)\s*\[\s*(\d+) 0 R\s*\/XYZ/g)) out.set(decodeName(m[1]), Number(m[2]));
  return out;
}

/** PDF names escape bytes as #xx. */
export function decodeName(name: string): string {
  return name.replace(/#([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** 1-based page number of every named destination (anchor id) in a PDF Chromium printed. */
export function anchorPages(pdf: Uint8Array): Map<string, number> {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const objs = objects(text);
  const index = new Map(pageOrder(objs).map((n, i) => [n, i + 1]));
  const out = new Map<string, number>();
  for (const [name, page] of destinations(text, objs)) {
    const n = index.get(page);
    if (n !== undefined) out.set(name, n);
  }
  return out;
}

/** Number of pages of a PDF Chromium printed. */
export function pageCount(pdf: Uint8Array): number {
  return pageOrder(objects(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1'))).length;
}
