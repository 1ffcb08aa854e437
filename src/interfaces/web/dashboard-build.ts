// Node side of the dashboard: build dist/web with Vite when it is missing or older than its
// sources. "Older" is by content: a hash of every source file the bundle can include is kept
// beside the build, so a fresh clone, a pull or an edit triggers a rebuild and nothing else does.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../paths.ts';

// The one module of the web folder that runs in Node, and the one compiled into dist/lib with the
// library (tsconfig.build.json), so that `npm start` can run compiled: paths from the package root.
const projectDir = PACKAGE_ROOT;
const webDir = path.join(projectDir, 'src/interfaces/web');
export const DASHBOARD_OUT = path.join(projectDir, 'dist/web');
const STAMP = path.join(projectDir, 'dist/web-build.json');
/** What the bundle is made of: the web app, the engine it imports, the evidence types, the lockfile. */
const INPUTS = ['src/interfaces/web', 'src/method', 'src/evidence', 'package-lock.json'];

async function filesUnder(rel: string): Promise<string[]> {
  const abs = path.join(projectDir, rel);
  try {
    const entries = await readdir(abs, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(projectDir, path.join(e.parentPath, e.name)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return [rel];
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function dashboardSourceHash(): Promise<string> {
  const files = (await Promise.all(INPUTS.map(filesUnder))).flat().sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f}\0`).update(await readFile(path.join(projectDir, f))).update('\0');
  return hash.digest('hex');
}

async function builtHash(): Promise<string | null> {
  try {
    const stamp = JSON.parse(await readFile(STAMP, 'utf8')) as { sources?: string };
    await readFile(path.join(DASHBOARD_OUT, 'index.html'));
    return stamp.sources ?? null;
  } catch {
    return null;
  }
}

/** Build the dashboard unless dist/web is current; returns whether it built. */
export async function ensureDashboardBuilt(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<boolean> {
  const log = options.log ?? (() => undefined);
  const sources = await dashboardSourceHash();
  if (!options.force && (await builtHash()) === sources) return false;
  log('building the dashboard (Vite)…');
  const t0 = performance.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(webDir, 'vite.config.ts'), logLevel: 'warn' });
  await writeFile(STAMP, JSON.stringify({ sources }, null, 2) + '\n');
  log(`dashboard built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}
