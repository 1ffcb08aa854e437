// Whether dist/lib (the compiled build, `npm run build`) is current: bin/allies.js runs it when
// it is, and the TypeScript sources through tsx when it is not; scripts/build.mjs skips a build
// that is current. Current means: dist/lib/build.json, stamped with the time its build started,
// is not older than any source tsc compiles (src/ without the web app, and the tsconfigs).
// An installed package ships no src/: its build is current by definition.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const LIB = path.join(ROOT, 'dist/lib');
export const STAMP = path.join(LIB, 'build.json');
export const COMPILED_CLI = path.join(LIB, 'interfaces/cli/main.js');

/** The newest modification time (ms) of the sources the build compiles; 0 without src/. */
export function newestSource(root = ROOT) {
  const src = path.join(root, 'src');
  if (!existsSync(src)) return 0;
  const web = path.join(src, 'interfaces/web') + path.sep;
  let newest = 0;
  for (const f of ['tsconfig.json', 'tsconfig.build.json']) {
    if (existsSync(path.join(root, f))) newest = Math.max(newest, statSync(path.join(root, f)).mtimeMs);
  }
  for (const e of readdirSync(src, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !/\.tsx?$/.test(e.name)) continue;
    const file = path.join(e.parentPath, e.name);
    if (!file.startsWith(web) || e.name === 'dashboard-build.ts') newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

/** Whether the compiled CLI and library in dist/lib are there and not older than their sources. */
export function compiledIsCurrent(root = ROOT) {
  try {
    if (!existsSync(path.join(root, 'dist/lib/interfaces/cli/main.js'))) return false;
    return statSync(path.join(root, 'dist/lib/build.json')).mtimeMs >= newestSource(root);
  } catch {
    return false;
  }
}
