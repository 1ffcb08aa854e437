// The PDF: the report's HTML printed by Chromium (page.pdf, A4 from the print CSS, page
// numbers in the margins). Chromium cannot number a table of contents itself, and printing
// the report twice (once to learn the pages, once with them) doubles the time of the
// longest step. So the front matter is printed to count its pages, the body once with its
// pages numbered after it, the page of every anchor read from the body's named
// destinations, the front printed again with those numbers, and the two PDFs joined.
import { existsSync } from 'node:fs';
import type * as PlaywrightCore from 'playwright-core';
import type { PrintableReport } from './html.ts';
import { joinPdfs } from './pdf-merge.ts';
import { anchorPages, pageCount } from './pdf-pages.ts';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Where Chromium or Chrome usually is, after the CHROMIUM_PATH / CHROME_PATH variables. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

export class ChromiumNotFoundError extends Error {
  constructor(readonly tried: readonly string[]) {
    super(`no Chromium or Chrome found to print the PDF (looked for ${tried.join(', ')}). Install one: on Debian or Ubuntu \`apt-get install -y chromium\`; on macOS install Google Chrome; or set CHROMIUM_PATH to the browser's executable`);
    this.name = 'ChromiumNotFoundError';
  }
}

/** The browser to print with: CHROMIUM_PATH or CHROME_PATH when set, else the usual places. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (file: string) => boolean = existsSync): string {
  const named = [env.CHROMIUM_PATH, env.CHROME_PATH].filter((p): p is string => Boolean(p));
  for (const file of named) {
    if (!exists(file)) throw new ChromiumNotFoundError([file]);
    return file;
  }
  const found = CHROMIUM_CANDIDATES.find((f) => exists(f));
  if (!found) throw new ChromiumNotFoundError(CHROMIUM_CANDIDATES);
  return found;
}

type Playwright = typeof PlaywrightCore;

async function playwright(): Promise<Playwright> {
  try {
    return await import('playwright-core');
  } catch {
    throw new Error('printing the PDF needs the playwright-core package (a development dependency of Alliance Ledger): run npm install in the project');
  }
}

export interface PdfOptions {
  /** The browser's executable (default: findChromium()). */
  executablePath?: string;
  /** A browser already running (it is left open); else one is launched and closed. */
  browser?: PlaywrightCore.Browser;
  onProgress?: (step: string) => void;
}

const PRINT = { preferCSSPageSize: true, printBackground: true, timeout: 0 } as const;

/** Print the report to PDF, with the contents' page numbers filled in. */
export async function renderPdf(report: PrintableReport, options: PdfOptions = {}): Promise<Buffer> {
  const browser = options.browser ?? await (await playwright()).chromium.launch({ executablePath: options.executablePath ?? findChromium(), args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  try {
    const print = async (html: string): Promise<Buffer> => {
      await page.setContent(html, { waitUntil: 'load', timeout: 0 });
      return page.pdf(PRINT);
    };
    let frontPages = pageCount(await print(report.front(null)));
    // The numbers take space reserved for them, so the front keeps its length; should it
    // not, the body is printed again with the new first page.
    for (let pass = 0; pass < 2; pass++) {
      const body = await print(report.body(frontPages + 1));
      options.onProgress?.('body printed');
      const pages = new Map([...anchorPages(body)].map(([id, n]) => [id, n + frontPages]));
      const front = await print(report.front(pages));
      const printed = pageCount(front);
      if (printed === frontPages) return joinPdfs([front, body], 1, report.outline);
      frontPages = printed;
    }
    throw new Error('the contents change length with every printing; report this as a bug');
  } finally {
    await page.close();
    if (!options.browser) await browser.close();
  }
}
