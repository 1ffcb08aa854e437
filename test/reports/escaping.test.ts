// User text is data, never markup: a judgment rationale and author, a scenario description
// and a change's rationale carrying script-injection payloads come out of the report escaped,
// and the HTML, loaded in Chromium, runs no script (no dialog, no global set); printed to PDF,
// the payloads are plain text on the page.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, REPORT_FILES } from '../../src/reports/build.ts';
import type { BuildResult } from '../../src/reports/build.ts';
import { CHROMIUM_ARGS, findChromium } from '../../src/reports/pdf.ts';
import { SCENARIOS_DIR } from '../../src/scenarios/load.ts';

const SCRIPT = '<script>window.__xss = 1; alert(1)</script>';
const IMAGE = '<img src=x onerror="window.__xss = 2; alert(2)">';
const PAYLOAD = `${SCRIPT} and ${IMAGE}`;

let dir: string;
let browser: Browser;
let result: BuildResult;
let html: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allies-escape-'));
  const judgments = {
    judgments: 'payload-test',
    version: '1.0.0',
    description: 'A rater whose rationale and name carry markup.',
    author: `Mallory ${IMAGE}`,
    date: '2026-01-01',
    entries: [{
      judgment: 'leadership_commitment', ally: 'JPN', value: 3, low: 2, high: 4,
      rationale: `Leaders restate the alliance every year ${PAYLOAD} (a payload test).`,
      citations: [{ source: 'japan-nss-2022', locator: `p. 1 ${SCRIPT}` }],
    }],
  };
  await writeFile(path.join(dir, 'judgments.yaml'), stringify(judgments));
  const scenario = parse(await readFile(path.join(SCENARIOS_DIR, 'hns-japan-x4.yaml'), 'utf8')) as Record<string, unknown> & { changes: Record<string, unknown>[] };
  scenario.scenario = 'payload-scenario';
  scenario.title = `Payload ${IMAGE}`;
  scenario.description = `A scenario whose description carries ${PAYLOAD}.`;
  scenario.changes[0].rationale = `Four times the support, and ${PAYLOAD} in the rationale.`;
  await writeFile(path.join(dir, 'payload-scenario.yaml'), stringify(scenario));
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  result = await buildReport({
    formats: ['html', 'md', 'pdf'], outDir: path.join(dir, 'out'), allies: ['JPN'],
    judgmentsFile: path.join(dir, 'judgments.yaml'), scenarios: [path.join(dir, 'payload-scenario.yaml')],
    draws: 500, sweepDraws: 100, tierDraws: 20, browser,
  });
  html = await readFile(path.join(dir, 'out', REPORT_FILES.html), 'utf8');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('script-injection payloads in user text', () => {
  it('reach the report model unchanged (they are the user\'s words)', () => {
    const japan = result.model.chapters[0];
    expect(japan.judgments.some((j) => j.rationale.includes(SCRIPT))).toBe(true);
    expect(result.model.scenarios[0].result.scenario.description).toContain(IMAGE);
  });

  it('appear escaped in the HTML, never as markup', () => {
    expect(html).not.toContain(SCRIPT);
    expect(html).not.toContain(IMAGE);
    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(/<img\b/i);
    expect(html).toContain('&lt;script&gt;window.__xss = 1; alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__xss = 2; alert(2)&quot;&gt;');
  });

  it('run nothing when Chromium loads the HTML: no dialog, no global set, no script or image element', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await page.goto(pathToFileURL(path.join(dir, 'out', REPORT_FILES.html)).href, { waitUntil: 'load' });
      await page.waitForTimeout(200);
      const state = await page.evaluate(() => ({
        xss: (window as unknown as { __xss?: number }).__xss ?? null,
        scripts: document.querySelectorAll('script').length,
        images: document.querySelectorAll('img').length,
        shown: document.body.innerText.includes('<script>window.__xss = 1; alert(1)</script>'),
      }));
      expect(dialogs).toEqual([]);
      expect(state).toEqual({ xss: null, scripts: 0, images: 0, shown: true });
    } finally {
      await page.close();
    }
  });

  it('print as plain text in the PDF', () => {
    const text = spawnSync('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'out', REPORT_FILES.pdf), '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('<script>window.__xss = 1; alert(1)</script>');
    expect(text).toContain('onerror="window.__xss = 2; alert(2)">');
  });

  it('are escaped in the Markdown, so a Markdown viewer shows them as text', async () => {
    const md = await readFile(path.join(dir, 'out', REPORT_FILES.md), 'utf8');
    expect(md).not.toContain(SCRIPT);
    expect(md).not.toContain(IMAGE);
    expect(md).toContain('&lt;script&gt;window.\\_\\_xss = 1; alert(1)&lt;/script&gt;');
  });

  it('are kept inert a second way: the HTML\'s Content-Security-Policy forbids scripts', () => {
    expect(html).toMatch(/http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"/);
  });
});
