// The README's screenshots, taken from the running dashboard in Chromium (Debian's
// /usr/bin/chromium): the overview, Japan's page, a scenario run, why Japan ranks where it
// does and the Methodology page, at a laptop's screen size. Starts the server on a free
// localhost port, takes them, stops it.
//   npx tsx scripts/screenshots.ts [--out docs/screenshots]
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { startServer } from '../src/interfaces/api/serve.ts';
import { ensureDashboardBuilt } from '../src/interfaces/web/dashboard-build.ts';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const outDir = path.resolve(outIndex > 0 ? process.argv[outIndex + 1] : path.join(projectDir, 'docs/screenshots'));

/**
 * What each screenshot shows: the address, what must be on screen before it is taken, and
 * (optionally) the one element to take instead of the window.
 */
const SHOTS: { file: string; url: string; ready: string; element?: string }[] = [
  { file: 'overview.png', url: '/', ready: 'table.ranking svg.net-band rect.band' },
  { file: 'ally-JPN.png', url: '/ally/JPN', ready: 'figure.series-chart svg' },
  { file: 'scenario.png', url: '/scenarios?run=japan-2pct-2027', ready: 'table.scenario-paired tr[data-ally="JPN"]', element: 'section.scenario-result' },
  { file: 'why-JPN.png', url: '/ally/JPN', ready: 'section.why-rank figure.why-chart svg', element: 'section.why-rank' },
  { file: 'methodology.png', url: '/methodology', ready: 'article.method-line dd.point-worth' },
];

const log = (line: string) => process.stdout.write(`${line}\n`);
await ensureDashboardBuilt({ log });
const server = await startServer({ port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  await mkdir(outDir, { recursive: true });
  // A 14-inch laptop's CSS viewport.
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  for (const shot of SHOTS) {
    await page.goto(`${server.url}${shot.url}`);
    await page.locator(shot.ready).first().waitFor({ state: 'visible', timeout: 30_000 });
    if (shot.element) await page.locator(shot.element).first().screenshot({ path: path.join(outDir, shot.file) });
    else await page.screenshot({ path: path.join(outDir, shot.file) });
    log(`${path.relative(projectDir, path.join(outDir, shot.file))}: ${shot.url}`);
  }
} finally {
  await browser.close();
  await server.close();
}
