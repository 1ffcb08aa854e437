// Where the package's own files are, from any module. The same module runs from its source
// (src/x.ts through tsx or vitest) and compiled (dist/lib/x.js, one folder deeper), and from a
// clone or from node_modules/alliance-ledger; so the root is found by walking up to the
// package.json, never by a fixed chain of '../..'. Every module that reads a shipped folder
// (evidence/, methods/, judgments/, scenarios/, curated/, dist/web) or starts a sibling module
// by path (a worker) goes through here.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `start` that holds a package.json. */
export function findPackageRoot(start: string): string {
  for (let dir = path.resolve(start); ; ) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json in ${start} or above it`);
    dir = up;
  }
}

/** The package's root folder (the one with package.json, evidence/, methods/, …). */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the package: packagePath('methods', 'default.yaml'). */
export function packagePath(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}

/**
 * A module beside `from` (the caller's import.meta.url), named as in the sources:
 * siblingModule('./heavy-worker.ts', import.meta.url) is that .ts file when the caller runs
 * from source and the .js file beside it when the caller is compiled (a worker is started by
 * path, which the compiler's import rewriting does not see).
 */
export function siblingModule(name: string, from: string): URL {
  const url = new URL(name, from);
  if (/\.[cm]?js$/.test(new URL(from).pathname) && url.pathname.endsWith('.ts')) {
    url.pathname = url.pathname.replace(/\.ts$/, '.js');
  }
  return url;
}

/** The extension of the modules beside `from`: '.ts' from the sources, '.js' compiled. */
export function moduleExtension(from: string): '.ts' | '.js' {
  return new URL(from).pathname.endsWith('.ts') ? '.ts' : '.js';
}

/**
 * The Node options for a worker started by path: the parent's, less --input-type, which only
 * applies to -e and stdin and makes a worker started from a file fail
 * (`node --input-type=module -e "import('alliance-ledger')…"` starts workers too).
 */
export function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--input-type') i++;
    else if (!argv[i].startsWith('--input-type=')) out.push(argv[i]);
  }
  return out;
}
