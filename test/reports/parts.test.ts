// The report's parts that need no browser, specified on small hand-made inputs: escaping,
// the PDF page finder and joiner (on PDFs written here the way Chromium writes them), the
// methodology in words, finding Chromium, and what happens when there is none.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, PdfUnavailableError, REPORT_FILES } from '../../src/reports/build.ts';
import { escapeHtml, escapeMarkdown, html, trusted } from '../../src/reports/escape.ts';
import { ChromiumNotFoundError, findChromium } from '../../src/reports/pdf.ts';
import { joinPdfs, PdfStructureError } from '../../src/reports/pdf-merge.ts';
import { anchorPages, pageCount } from '../../src/reports/pdf-pages.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allies-parts-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('escaping', () => {
  it('the html tag escapes every interpolated string, and only trusted() passes markup through', () => {
    const rationale = '<script>alert(1)</script> & "quotes" \'too\'';
    expect(html`<p title="${rationale}">${rationale}</p>`.markup).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39;">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39;</p>',
    );
    expect(html`<div>${[html`<b>${'<i>'}</b>`, trusted('<svg></svg>'), null, false, 3]}</div>`.markup).toBe('<div><b>&lt;i&gt;</b><svg></svg>3</div>');
    expect(escapeHtml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('Markdown text cannot open markup, links, emphasis or a table cell', () => {
    expect(escapeMarkdown('<img src=x onerror=alert(1)> [link](javascript:x) *a* | b\nnext')).toBe('&lt;img src=x onerror=alert(1)&gt; \\[link\\](javascript:x) \\*a\\* \\| b next');
    expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading');
    expect(escapeMarkdown('1. not a list')).toBe('\\1. not a list');
  });
});

/** A PDF laid out as Chromium (Skia) writes one: nested page tree, named destinations. */
function chromiumLikePdf(texts: readonly string[], dests: Record<string, number>): Buffer {
  const objects: string[] = [];
  // Object numbers start at 1: the count after pushing is the new object's number.
  const add = (body: string) => objects.push(body);
  const info = add('<</Title (test) /Producer (Skia/PDF m156)>>');
  const font = add('<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>');
  const pages: number[] = [];
  const leafParent = objects.length + 1 + texts.length * 2; // filled in after the pages
  for (const t of texts) {
    const content = `BT /F1 18 Tf 72 720 Td (${t}) Tj ET`;
    const stream = add(`<</Length ${content.length}>>\nstream\n${content}\nendstream`);
    pages.push(add(`<</Type /Page\n/Resources <</Font <</F1 ${font} 0 R>>>>\n/MediaBox [0 0 595 842]\n/Contents ${stream} 0 R\n/Parent ${leafParent} 0 R>>`));
  }
  const leaf = add(`<</Type /Pages\n/Kids [${pages.map((p) => `${p} 0 R`).join(' ')}]\n/Count ${pages.length}\n/Parent ${leafParent + 1} 0 R>>`);
  expect(leaf).toBe(leafParent);
  const root = add(`<</Type /Pages\n/Kids [${leaf} 0 R]\n/Count ${pages.length}>>`);
  const destsObj = add(`<<${Object.entries(dests).map(([name, page]) => `/${name} [${pages[page - 1]} 0 R /XYZ 0 800 0]`).join('\n')}>>`);
  const catalog = add(`<</Type /Catalog\n/Pages ${root} 0 R\n/Dests ${destsObj} 0 R>>`);
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<</Size ${objects.length + 1}\n/Root ${catalog} 0 R\n/Info ${info} 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

describe('finding pages and joining PDFs', () => {
  it('reads the page of every named destination and the number of pages', () => {
    const pdf = chromiumLikePdf(['one', 'two', 'three'], { intro: 1, 'ally-JPN': 3 });
    expect(pageCount(pdf)).toBe(3);
    expect(Object.fromEntries(anchorPages(pdf))).toEqual({ intro: 1, 'ally-JPN': 3 });
  });

  it('joins front matter and body: pages in order, the body\'s anchors renumbered, a file poppler reads cleanly', async () => {
    const front = chromiumLikePdf(['Cover', 'Contents'], { 'ally-JPN': 2 });
    const body = chromiumLikePdf(['Summary', 'Japan', 'Korea'], { summary: 1, 'ally-JPN': 2, 'ally-KOR': 3 });
    const joined = joinPdfs([front, body], 1);
    expect(pageCount(joined)).toBe(5);
    expect(Object.fromEntries(anchorPages(joined))).toEqual({ summary: 3, 'ally-JPN': 4, 'ally-KOR': 5 });
    const file = path.join(dir, 'joined.pdf');
    await writeFile(file, joined);
    const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(text.stderr).toBe('');
    expect(text.stdout.split('\f').map((p) => p.trim()).filter(Boolean)).toEqual(['Cover', 'Contents', 'Summary', 'Japan', 'Korea']);
  });

  it('refuses what it does not understand rather than writing a broken file', () => {
    expect(() => joinPdfs([Buffer.from('not a pdf')], 0)).toThrow(PdfStructureError);
  });
});

describe('without Chromium', () => {
  it('findChromium names the places it looked and says how to install one', () => {
    expect(findChromium({}, (f) => f === '/usr/bin/chromium-browser')).toBe('/usr/bin/chromium-browser');
    expect(findChromium({ CHROMIUM_PATH: '/opt/chrome' }, (f) => f === '/opt/chrome')).toBe('/opt/chrome');
    expect(() => findChromium({}, () => false)).toThrow(/apt-get install -y chromium/);
    expect(() => findChromium({ CHROMIUM_PATH: '/nowhere/chrome' }, () => false)).toThrow(ChromiumNotFoundError);
  });

  it('a PDF report fails with that message, and the HTML and Markdown are still written', async () => {
    const out = path.join(dir, 'no-chromium');
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = path.join(dir, 'no-such-chromium');
    try {
      const build = buildReport({ formats: ['pdf'], outDir: out, allies: ['JPN'], draws: 200, sweepDraws: 50, tierDraws: 10 });
      await expect(build).rejects.toThrow(PdfUnavailableError);
      await expect(build).rejects.toThrow(/apt-get install -y chromium.*HTML and Markdown reports were written/s);
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
    expect(existsSync(path.join(out, REPORT_FILES.html))).toBe(true);
    expect(existsSync(path.join(out, REPORT_FILES.md))).toBe(true);
    expect(existsSync(path.join(out, REPORT_FILES.pdf))).toBe(false);
  }, 60_000);
});
