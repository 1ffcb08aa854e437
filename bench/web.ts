// Prints the dashboard's budgets (not a test): the initial JavaScript (gzip) of the built
// bundle, the overview's first render in Chromium, and the re-render of the ranking after a
// weight change on the Weights page.
//   npx tsx bench/web.ts [--runs 5]
// Targets (issues 6 and 17): initial JS <= 250 KB gzip; the overview's first render (its
// ranking table in the DOM, timed from navigation start) <= 1 s; weight change <= 50 ms.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { DASHBOARD_OUT, ensureDashboardBuilt } from '../src/interfaces/web/dashboard-build.ts';
import { startLocalServer, warmUp } from './local-server.ts';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
const gzipKb = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).byteLength / 1024;

/** The scripts index.html loads before anything renders: its module entry and its preloads. */
async function initialScripts(): Promise<string[]> {
  const html = await readFile(path.join(DASHBOARD_OUT, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1] ?? m[2]);
  return [...new Set(refs)];
}

await ensureDashboardBuilt({ log: (line) => console.log(line) });
const initial = await initialScripts();
let initialKb = 0;
console.log('Initial JavaScript (gzip -9):');
for (const ref of initial) {
  const kb = gzipKb(await readFile(path.join(DASHBOARD_OUT, ref)));
  initialKb += kb;
  console.log(`  ${ref.padEnd(40)} ${kb.toFixed(1).padStart(7)} KB`);
}
console.log(`  total ${initialKb.toFixed(1).padStart(41)} KB   [target <= 250] ${verdict(initialKb <= 250)}`);
const lazy = (await readdir(path.join(DASHBOARD_OUT, 'assets'))).filter((f) => f.endsWith('.js') && !initial.includes(`/assets/${f}`));
let lazyKb = 0;
for (const f of lazy) lazyKb += gzipKb(await readFile(path.join(DASHBOARD_OUT, 'assets', f)));
console.log(`  loaded on demand (charts, weights, compare, YAML): ${lazy.length} chunks, ${lazyKb.toFixed(1)} KB`);

const server = await startLocalServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  await warmUp(server.url);
  // Overview: navigation start to the 'overview-rendered' mark (map and ranking in the DOM), cold browser cache each run.
  const firstRender: number[] = [];
  const tableShown: number[] = [];
  const paints: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
    const page = await context.newPage();
    // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
    await page.addInitScript(`{
      const observer = new MutationObserver(() => {
        if (!document.querySelector('table.ranking tbody tr')) return;
        observer.disconnect();
        requestAnimationFrame(() => { window.__rankingShown = performance.now(); });
      });
      observer.observe(document, { childList: true, subtree: true });
    }`);
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => performance.getEntriesByName('overview-rendered').length > 0, undefined, { timeout: 30_000 });
    // The ranking table's first row on screen: noted by the page itself (ms since navigation start) at the first frame after it entered the DOM.
    await page.locator('table.ranking tbody tr').first().waitFor({ state: 'visible', timeout: 30_000 });
    const shown = await page.waitForFunction('window.__rankingShown', undefined, { timeout: 30_000 }).then((h) => h.jsonValue() as Promise<number>);
    const [mark, fcp] = await page.evaluate(() => [
      performance.getEntriesByName('overview-rendered')[0].startTime,
      performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
    ]);
    // The first run also warms the server's caches for the rankings and tables: not counted.
    if (i > 0) {
      firstRender.push(mark);
      tableShown.push(shown);
      paints.push(fcp);
    }
    await context.close();
  }
  console.log(`\nOverview first render (Chromium, ${runs} cold loads, from navigation start):`);
  console.log(`  map and ranking rendered ('overview-rendered' mark): median ${median(firstRender).toFixed(0)} ms, max ${Math.max(...firstRender).toFixed(0)} ms`);
  console.log(`  ranking table on screen (first frame with its rows): median ${median(tableShown).toFixed(0)} ms, max ${Math.max(...tableShown).toFixed(0)} ms   [target <= 1000] ${verdict(Math.max(...tableShown) <= 1000)}`);
  console.log(`  first contentful paint: median ${median(paints).toFixed(0)} ms`);

  // Weights: from the slider's input event to the ranking's DOM updated and laid out.
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/weights`);
  await page.locator('table.ranking tbody tr').first().waitFor();
  // Let the first robustness-band run (a worker) finish, so it does not compete with the measurement.
  await page.waitForFunction(() => !document.querySelector('table.ranking caption')?.textContent?.includes('updating'));
  const times = await page.evaluate(async () => {
    const sliders = Array.from(document.querySelectorAll<HTMLInputElement>('.weight-slider input[type=range]'));
    const root = document.querySelector('.weights-page')!;
    const out: number[] = [];
    for (let i = 0; i < 40; i++) {
      const slider = sliders[i % sliders.length];
      const max = Number(slider.max);
      // A new value every time (the slider's own read-out then changes at least), alternating high and low.
      const next = max * (i % 2 === 0 ? 0.95 - (i % 7) * 0.02 : 0.05 + (i % 7) * 0.02);
      const done = new Promise<number>((resolve) => {
        const observer = new MutationObserver(() => {
          observer.disconnect();
          void document.body.offsetHeight; // force style and layout: the cost of showing it
          resolve(performance.now());
        });
        observer.observe(root, { childList: true, subtree: true, characterData: true, attributes: true });
        setTimeout(() => {
          observer.disconnect();
          resolve(Number.NaN);
        }, 2000);
      });
      const t0 = performance.now();
      slider.value = String(next);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      const t1 = await done;
      if (!Number.isNaN(t1)) out.push(t1 - t0);
      await new Promise((r) => setTimeout(r, 30));
    }
    return out;
  });
  const p95 = [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.95)];
  console.log(`\nWeight change to re-rendered ranking (${times.length} slider moves): median ${median(times).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms   [target <= 50 at p95] ${verdict(p95 <= 50)}`);
  await context.close();
} finally {
  await browser.close();
  server.stop();
}
