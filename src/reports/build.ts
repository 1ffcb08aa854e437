// Produce a report end to end: read the inputs, assemble the model, draw the figures, and
// write each format asked for. The report folder is the report's own: every file goes into a
// staging sibling folder, which replaces the output folder whole once the last file is written,
// so a killed run leaves the previous report or the new one, never a mix (src/store/swap.ts
// repairs a kill inside the swap at the next run). A folder holding anything a report does not
// write is refused rather than replaced. A PDF that cannot be printed (no Chromium) still
// brings in the HTML and Markdown: the error says what was written and how to get the PDF.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toBibtex, toCslJson } from '../evidence/sources.ts';
import { findAlly } from '../method/allies.ts';
import { assembleReport } from './assemble.ts';
import type { ReportOptions } from './assemble.ts';
import { reportFigures } from './figures.ts';
import { printableReport, renderHtml } from './html.ts';
import type { ReportFiles } from './inputs.ts';
import { loadReportInputs } from './inputs.ts';
import { renderMarkdown } from './markdown.ts';
import type { ReportModel } from './model.ts';
import { ChromiumNotFoundError, findChromium, renderPdf } from './pdf.ts';
import type { PdfOptions } from './pdf.ts';
import { recoverFolder, stagingFolder, swapFolderIn } from '../store/swap.ts';
import type { ReportFormat } from './formats.ts';

export { REPORT_FORMATS } from './formats.ts';
export type { ReportFormat } from './formats.ts';

export interface BuildOptions extends ReportFiles, Pick<ReportOptions, 'year' | 'draws' | 'sweepDraws' | 'tierDraws'> {
  formats: readonly ReportFormat[];
  outDir: string;
  /** Allies that get a chapter, by ISO code or name (default: all covered allies). */
  allies?: readonly string[];
  /** The browser that prints the PDF (default: found on the system). */
  chromiumPath?: string;
  /** A browser already running to print with (tests share one). */
  browser?: PdfOptions['browser'];
}

export interface BuildResult {
  model: ReportModel;
  /** Files written, in the order written. */
  files: string[];
  /** Seconds per stage. */
  timings: Record<string, number>;
}

/** The file names inside the output directory. */
export const REPORT_FILES = { html: 'report.html', md: 'report.md', pdf: 'report.pdf', bibtex: 'sources.bib', csl: 'sources.csl.json' } as const;

export class PdfUnavailableError extends Error {
  constructor(cause: ChromiumNotFoundError, readonly written: readonly string[]) {
    super(`${cause.message}. The HTML and Markdown reports were written (${written.join(', ')}); open the HTML in a browser and print it, or install Chromium and run the command again`);
    this.name = 'PdfUnavailableError';
  }
}

export type Progress = (done: number, total: number, step: string) => void;

/** Names a report writes at the top of its folder; anything else there is someone else's. */
const REPORT_OWN = new Set<string>([...Object.values(REPORT_FILES), 'figures']);

/**
 * Repair an interrupted earlier run, then make sure `out` is a report folder (or absent): it is
 * replaced whole, so a folder with other files in it is refused instead of emptied.
 */
async function claimReportFolder(out: string): Promise<void> {
  await recoverFolder(out, 'report');
  let entries: string[];
  try {
    if (!(await stat(out)).isDirectory()) throw new Error(`--out ${out} is a file, not a folder: a report is a folder (report.html, report.md, figures/, ...)`);
    entries = await readdir(out);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const foreign = entries.filter((name) => !REPORT_OWN.has(name)).sort();
  if (foreign.length) {
    throw new Error(`--out ${out} holds files a report does not write (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? `, and ${foreign.length - 5} more` : ''}); `
      + 'each run replaces the report folder whole, so give a new or empty folder, or one holding only an earlier report');
  }
}

export async function buildReport(options: BuildOptions, onProgress?: Progress): Promise<BuildResult> {
  const timings: Record<string, number> = {};
  let started = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = (now - started) / 1000;
    started = now;
  };
  const formats = new Set(options.formats);
  // Steps after the model: figures, each format (the PDF: body printed, file written).
  const tail = 1 + (formats.has('html') ? 1 : 0) + (formats.has('md') ? 1 : 0) + (formats.has('pdf') ? 2 : 0);
  let offset = 1;
  let total = offset + tail;
  let done = 0;
  const tick = (step: string) => onProgress?.(++done, total, step);
  onProgress?.(0, total, 'reading the evidence');
  const out = path.resolve(options.outDir);
  await claimReportFolder(out);

  const inputs = await loadReportInputs(options);
  tick('evidence, methodology and judgments read');
  lap('inputs');
  const covered = inputs.evidence.allies();
  const chapters = options.allies ? [...new Set(options.allies.map((q) => findAlly(covered, q).iso3))] : undefined;
  const model = assembleReport(inputs, {
    year: options.year, allies: chapters, draws: options.draws, sweepDraws: options.sweepDraws, tierDraws: options.tierDraws,
    onProgress: (d, n, step) => {
      total = offset + n + tail;
      done = offset + d;
      onProgress?.(done, total, step);
    },
  });
  offset = done;
  lap('assemble');
  const figures = reportFigures(model);
  tick(`${figures.all.length} figures drawn`);
  lap('figures');

  const staging = stagingFolder(out);
  const files: string[] = [];
  // Files are written into the staging folder and listed under the names they will have.
  const write = async (name: string, data: string | Uint8Array) => {
    const file = path.join(staging, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
    files.push(path.join(out, name));
  };
  const bringIn = async () => {
    await claimReportFolder(out);
    await swapFolderIn(staging, out);
  };
  try {
    const writeHtml = async () => write(REPORT_FILES.html, renderHtml(model, figures));
    const writeMarkdown = async () => {
      const { markdown, files: figureFiles } = renderMarkdown(model, figures);
      for (const [name, svg] of figureFiles) await write(name, svg);
      await write(REPORT_FILES.md, markdown);
    };
    // The bibliography as citation files, beside every format.
    const cited = model.bibliography.map((b) => inputs.evidence.source(b.id)).filter((s) => s !== undefined);
    await write(REPORT_FILES.bibtex, toBibtex(cited, inputs.evidence.sourceFiles));
    await write(REPORT_FILES.csl, `${JSON.stringify(toCslJson(cited), null, 2)}\n`);
    if (formats.has('html')) {
      await writeHtml();
      tick('HTML written');
    }
    if (formats.has('md')) {
      await writeMarkdown();
      tick('Markdown written');
    }
    lap('html and markdown');
    if (formats.has('pdf')) {
      let executablePath: string | undefined;
      try {
        executablePath = options.browser ? undefined : options.chromiumPath ?? findChromium();
      } catch (e) {
        if (!(e instanceof ChromiumNotFoundError)) throw e;
        if (!formats.has('html')) await writeHtml();
        if (!formats.has('md')) await writeMarkdown();
        await bringIn();
        throw new PdfUnavailableError(e, [path.join(out, REPORT_FILES.html), path.join(out, REPORT_FILES.md)]);
      }
      const pdf = await renderPdf(printableReport(model, figures), { executablePath, browser: options.browser, onProgress: (step) => tick(step) });
      await write(REPORT_FILES.pdf, pdf);
      tick('PDF written');
      lap('pdf');
    }
    await bringIn();
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
  onProgress?.(total, total, 'done');
  return { model, files, timings };
}
