// The full report for every covered ally, built once in all three formats from the shipped
// evidence, then read the way a reader meets it: the PDF's pages rendered to PNG and its text
// extracted (poppler's pdftoppm and pdftotext), the HTML and the Markdown with its figures.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, REPORT_FILES } from '../../src/reports/build.ts';
import type { BuildResult } from '../../src/reports/build.ts';
import { anchorPages, pageCount } from '../../src/reports/pdf-pages.ts';

let dir: string;
let result: BuildResult;
let pdf: Buffer;
let text: string;
let pages: string[];

const pdftotext = (file: string, args: string[] = []) => execFileSync('pdftotext', ['-enc', 'UTF-8', ...args, file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allies-report-'));
  // Fewer robustness draws than the methodology's: the layout, not the precision, is under test.
  result = await buildReport({ formats: ['html', 'md', 'pdf'], outDir: dir, scenarios: ['japan-2pct-2027'], draws: 2000, sweepDraws: 300, tierDraws: 50 });
  pdf = await readFile(path.join(dir, REPORT_FILES.pdf));
  text = pdftotext(path.join(dir, REPORT_FILES.pdf));
  pages = text.split('\f');
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the PDF report of every covered ally', () => {
  it('has a chapter for every covered ally, listed in the contents with the page it starts on', () => {
    const model = result.model;
    expect(model.chapters).toHaveLength(model.covered);
    expect(model.covered).toBeGreaterThanOrEqual(60);
    const contents = pdftotext(path.join(dir, REPORT_FILES.pdf), ['-layout', '-f', '2', '-l', '2']);
    const anchors = anchorPages(pdf);
    for (const c of model.chapters) {
      const heading = `${c.name} (${c.iso3})`;
      const page = anchors.get(`ally-${c.iso3}`);
      expect(page, heading).toBeDefined();
      // The chapter opens on the page the contents give for it.
      expect(pages[page! - 1], heading).toContain(heading);
      expect(contents, heading).toMatch(new RegExp(`${heading.replace(/[()]/g, '\\$&')}\\s+${page}\\b`));
    }
  });

  it('prints a T-account for each ally: assets beside liabilities, the net below, the same numbers as the ledger', () => {
    const japan = result.model.chapters.find((c) => c.iso3 === 'JPN')!;
    const page = anchorPages(pdf).get('ally-JPN')!;
    const chapter = pages.slice(page - 1, page + 2).join('\n');
    expect(chapter).toContain('ASSETS');
    expect(chapter).toContain('LIABILITIES');
    const l = japan.ledger;
    const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;
    expect(chapter).toMatch(new RegExp(`Assets ${l.assets!.toFixed(1)}\\s+−\\s+Liabilities ${l.liabilities!.toFixed(1)}\\s+=\\s+Net ${signed(l.net!).replace('+', '\\+')}`));
    expect(chapter).toContain(`rank ${l.rank} of ${japan.rankedCount}`);
    // Every line with its label, and a source id beside each observed value.
    for (const line of l.lines) expect(chapter.replace(/\s+/g, ' ')).toContain(line.label.replace(/\s+/g, ' ').slice(0, 24));
    expect(chapter).toContain('sipri-milex-2025');
  });

  it('says what stood in for a missing part: Germany\'s forces hosted count no rotation, as none is reported', async () => {
    const germany = result.model.chapters.find((c) => c.iso3 === 'DEU')!;
    const hosted = germany.ledger.lines.find((l) => l.item === 'us_forces_hosted')!;
    expect(hosted.stoodIn).toEqual([expect.stringContaining('counted as 0, as the methodology states')]);
    const page = anchorPages(pdf).get('ally-DEU')!;
    expect(pages.slice(page - 1, page + 2).join(' ').replace(/\s+/g, ' ')).toContain('counted as 0, as the methodology states');
    const markdown = await readFile(path.join(dir, REPORT_FILES.md), 'utf8');
    expect(markdown).toContain('DEU in 2022-2024: counted as 0, as the methodology states');
  });

  it('draws its charts: the map, the ranking, each ally\'s indicators, the regions, the robustness bands', () => {
    // Figures are numbered 1, 2, 3, ... in reading order, each caption printed once.
    const numbers = [...text.matchAll(/Figure (\d+)\. /g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(numbers.map((_n, i) => i + 1));
    expect(numbers.length).toBeGreaterThan(result.model.chapters.length * 2);
    expect(text).toContain('Figure 1. U.S. allies by net balance');
    expect(text).toContain('Allies ranked by net balance');
    expect(text).toContain('Japan: key indicators');
    expect(text).toMatch(/Asia and Europe: mean line-item scores/);
    expect(text).toContain('How far each ally\'s net depends on the weights');
    // Axis labels of the SVG charts come through as text: they are drawn, not pictures of text.
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('% of GDP');
    // pdftotext may interleave the top axis's tick labels with its title: look for its parts.
    for (const part of ['net (assets', '− liabilities,', 'points)']) expect(flat).toContain(part);
  });

  it('shows how robust a scenario\'s movements are: both ledgers drawn, Japan\'s ranks and P(net > 0) before and after', async () => {
    const section = result.model.scenarios[0];
    expect(section.result.robustness?.draws).toBe(2000);
    const japan = section.robust.find((a) => a.ally === 'JPN')!;
    expect(japan.before).not.toBeNull();
    expect(japan.after!.modalRank).toBeLessThanOrEqual(japan.before!.modalRank);
    expect(japan.after!.net.median).toBeGreaterThan(japan.before!.net.median);
    const md = await readFile(path.join(dir, REPORT_FILES.md), 'utf8');
    expect(md).toContain('### How robust');
    expect(md).toMatch(/\| Japan \| \d+ \(\d+–\d+\) \| \d+% \| \d+% \| \d+ \(\d+–\d+\) \| \d+% \| \d+% \|/);
    expect(text).toContain('How robust');
    // Draw by draw: reaching 2% of GDP raises Japan's net in every draw.
    expect(section.result.robustness!.paired!.find((p) => p.ally === 'JPN')!.pNetUp).toBe(1);
    expect(md).toMatch(/\| Japan \| 100% \| \+\d+\.\d\d \(/);
  });

  it('ends with a bibliography of every source used, each with its terms', () => {
    const start = text.lastIndexOf('Bibliography');
    const bibliography = text.slice(start).replace(/\s+/g, ' ');
    expect(result.model.bibliography.length).toBeGreaterThan(40);
    for (const b of result.model.bibliography) expect(bibliography, b.id).toContain(b.id);
    expect(bibliography.match(/Terms:/g)!.length).toBe(result.model.bibliography.length);
    expect(bibliography).toContain('sha256');
  });

  it('numbers its pages in the margin and starts the body after the cover and contents', () => {
    expect(pageCount(pdf)).toBe(pages.filter((p) => p.trim()).length);
    expect(pages[9]).toMatch(/Page 10\b/);
    expect(pages[0].replace(/\s+/g, ' ')).toContain(result.model.title);
    expect(pages[0]).not.toMatch(/Page 1\b/);
  });

  it('has bookmarks: every part and chapter, each leading to its page', () => {
    const raw = pdf.toString('latin1');
    const object = (n: number) => {
      const at = raw.indexOf(`\n${n} 0 obj\n`);
      return raw.slice(at, raw.indexOf('endobj', at));
    };
    const ref = (text: string, key: string) => Number(new RegExp(`/${key} (\\d+) 0 R`).exec(text)?.[1] ?? -1);
    const title = (text: string) => {
      const hex = /\/Title <FEFF([0-9A-F]*)>/.exec(text)![1];
      return String.fromCharCode(...hex.match(/.{4}/g)!.map((h) => parseInt(h, 16)));
    };
    const level = (first: number): { title: string; dest: string; children: number }[] => {
      const out = [];
      for (let n = first; n >= 0; n = ref(object(n), 'Next')) {
        const text = object(n);
        out.push({ title: title(text), dest: /\/Dest \/(\S+)/.exec(text)![1], children: ref(text, 'First') });
      }
      return out;
    };
    const catalog = object(Number(/\/Root (\d+) 0 R/.exec(raw.slice(raw.lastIndexOf('trailer')))![1]));
    expect(catalog).toContain('/PageMode /UseOutlines');
    const top = level(ref(object(ref(catalog, 'Outlines')), 'First'));
    expect(top.map((b) => b.title)).toEqual(['Executive summary', 'The allies, one by one', expect.stringMatching(/compared$/), 'Scenarios',
      'Claims from the literature, checked', 'Appendix A. Methodology', 'Appendix B. Data', 'Bibliography']);
    const allies = level(top[1].children);
    expect(allies).toHaveLength(result.model.chapters.length);
    const pageOf = anchorPages(pdf);
    const japan = allies.find((b) => b.title === 'Japan (JPN)')!;
    expect(pages[pageOf.get(japan.dest)! - 1]).toContain('Japan (JPN)');
    expect(level(top[3].children).map((b) => b.title)).toEqual([result.model.scenarios[0].result.scenario.title]);
  });

  it('is a well-formed PDF whose every page renders to PNG', async () => {
    // pdfinfo reports damage in the joined file (xref, page tree) on standard error.
    const info = spawnSync('pdfinfo', [path.join(dir, REPORT_FILES.pdf)], { encoding: 'utf8' });
    expect(info.stderr).toBe('');
    expect(info.stdout).toMatch(new RegExp(`Pages:\\s+${pageCount(pdf)}`));
    const png = path.join(dir, 'png');
    await mkdir(png);
    const rendered = spawnSync('pdftoppm', ['-r', '12', '-png', path.join(dir, REPORT_FILES.pdf), path.join(png, 'page')], { encoding: 'utf8' });
    expect(rendered.stderr).toBe('');
    const files = (await readdir(png)).filter((f) => f.endsWith('.png')).sort();
    expect(files).toHaveLength(pageCount(pdf));
    // A page with a T-account and charts holds far more ink (bytes of PNG) than the blank stub.
    const sizes = await Promise.all(files.map(async (f) => (await stat(path.join(png, f))).size));
    expect(Math.min(...sizes)).toBeGreaterThan(300);
  }, 60_000);
});

describe('the HTML and Markdown of the same report', () => {
  it('HTML is one self-contained file: inline CSS and SVG, no scripts, nothing fetched', async () => {
    const html = await readFile(path.join(dir, REPORT_FILES.html), 'utf8');
    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(/<(?:link|img|iframe)\b[^>]*(?:href|src)="(?!#|data:)/i);
    expect(html).toContain("Content-Security-Policy");
    expect((html.match(/<svg\b/g) ?? []).length).toBeGreaterThan(result.model.chapters.length * 2);
    expect(html).toContain('@page');
    for (const c of result.model.chapters) expect(html).toContain(`id="ally-${c.iso3}"`);
  });

  it('Markdown links each figure to an SVG file written beside it', async () => {
    const md = await readFile(path.join(dir, REPORT_FILES.md), 'utf8');
    const images = [...md.matchAll(/!\[[^\]]*\]\((figures\/[^)]+\.svg)\)/g)].map((m) => m[1]);
    expect(images.length).toBeGreaterThan(result.model.chapters.length * 3);
    for (const file of new Set(images)) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    const svg = await readFile(path.join(dir, images[0]), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const c of result.model.chapters) expect(md).toContain(`## ${c.name.replace(/&/g, '&amp;')} (${c.iso3})`);
  });
});
