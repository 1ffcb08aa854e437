// Issue 13: commands load only what they use. `allies --help` registers every command (name,
// options, help) and must load commander and nothing else from node_modules; a command loads
// its libraries when it runs. The CLI runs in a child process with a module-tracing hook
// (support/module-trace.mjs) that lists every module it loads.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as defaults from '../../src/interfaces/cli/defaults.ts';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';
import { DEFAULT_JUDGMENTS_FILE, DEFAULT_METHODOLOGY_FILE } from '../../src/method/files.ts';
import { DEFAULT_CLAIMS_FILE, DEFAULT_INTERESTS_FILE } from '../../src/analyses/files.ts';
import { DEFAULT_ASSESSMENTS_DIR } from '../../src/analyses/assessment-files.ts';
import { CITATION_FORMATS, TABLE_FORMATS } from '../../src/exports/formats.ts';
import { DEFAULT_ASSUMPTIONS } from '../../src/scenarios/baseline.ts';
import { GROUPINGS } from '../../src/analyses/history.ts';
import { MAX_TIERS } from '../../src/analyses/tiers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/interfaces/cli/main.ts');
const TRACE = path.join(ROOT, 'test/cli/support/module-trace.mjs');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'allies-startup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The TypeScript loader's own packages (gone when bin/allies.js runs the compiled CLI). */
const LOADER = new Set(['tsx', 'esbuild', '@esbuild/linux-x64', 'get-tsconfig', 'resolve-pkg-maps']);
/** Libraries that only some commands need: exports, report figures, the API server, the browser, the map, the dashboard, the embedded database. */
const HEAVY = ['exceljs', '@observablehq/plot', 'linkedom', 'hono', '@hono/node-server', '@hono/zod-openapi', 'playwright', 'playwright-core', 'd3-geo', 'preact', '@electric-sql/pglite', 'pg', 'hyparquet-writer'];

let n = 0;
/** Run the CLI from source with the trace on: the packages (node_modules names) and project files it loaded. */
function traced(args: string[]): { packages: string[]; files: string[]; stdout: string } {
  const file = path.join(scratch, `trace-${n++}.txt`);
  const stdout = execFileSync(process.execPath, ['--import', TRACE, '--import', 'tsx', MAIN, ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, MODULE_TRACE: file, ALLIES_DEBUG: '' }, maxBuffer: 64 * 1024 * 1024,
  });
  const loaded = readFileSync(file, 'utf8').split('\n').filter(Boolean)
    .map((u) => (u.startsWith('file://') ? decodeURIComponent(fileURLToPath(u)) : u));
  const packages = new Set<string>();
  const files = new Set<string>();
  for (const f of loaded) {
    const m = /[/\\]node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(f);
    if (m) packages.add(m[1].replace('\\', '/'));
    else if (f.startsWith(ROOT)) files.add(path.relative(ROOT, f).split(path.sep).join('/'));
  }
  return { packages: [...packages].sort(), files: [...files].sort(), stdout };
}

/** Project modules that hold the libraries' work (as opposed to the CLI's definitions and a few constants). */
const LIBRARY = /^src\/(evidence|method|analyses|scenarios|exports|store|pipeline|interop|team)\//;

describe('allies start-up (issue 13)', () => {
  it('--help registers every command and loads commander and nothing else from node_modules, and no library module', () => {
    const { packages, files, stdout } = traced(['--help']);
    expect(stdout).toMatch(/Usage: allies/);
    // The trace works: it saw the CLI and commander.
    expect(files).toContain('src/interfaces/cli/main.ts');
    expect(files).toContain('src/interfaces/cli/commands/ledger.ts');
    expect(packages).toContain('commander');
    expect(packages.filter((p) => p !== 'commander' && !LOADER.has(p))).toEqual([]);
    expect(files.filter((f) => LIBRARY.test(f))).toEqual([]);
    expect(files.filter((f) => /-run\.ts$/.test(f))).toEqual([]);
  });

  it('a command\'s --help loads none of the heavy libraries', () => {
    for (const command of [['sheet', '--help'], ['report', '--help'], ['export', '--help'], ['serve', '--help'], ['compare', '--help'], ['scenario', 'run', '--help']]) {
      const { packages, stdout } = traced(command);
      expect(stdout, command.join(' ')).toMatch(/Usage: allies/);
      expect(packages.filter((p) => p !== 'commander' && !LOADER.has(p)), command.join(' ')).toEqual([]);
    }
  });

  it('allies sheet JPN loads the ledger engine but none of the heavy libraries and no other command\'s work', () => {
    const { packages, files, stdout } = traced(['sheet', 'JPN', '--json']);
    expect(JSON.parse(stdout).ally).toBe('JPN');
    expect(files).toContain('src/method/ledger.ts');
    expect(packages.filter((p) => HEAVY.includes(p))).toEqual([]);
    expect(files.filter((f) => /-run\.ts$/.test(f))).toEqual(['src/interfaces/cli/commands/ledger-run.ts']);
    expect(files).not.toContain('src/method/robustness-parallel.ts');
  });

  it('the defaults that --help names are the libraries\' own', () => {
    expect(defaults.EVIDENCE_DIR).toBe(EVIDENCE_DIR);
    expect(defaults.DEFAULT_METHODOLOGY_FILE).toBe(DEFAULT_METHODOLOGY_FILE);
    expect(defaults.DEFAULT_JUDGMENTS_FILE).toBe(DEFAULT_JUDGMENTS_FILE);
    expect(defaults.DEFAULT_CLAIMS_FILE).toBe(DEFAULT_CLAIMS_FILE);
    expect(defaults.DEFAULT_INTERESTS_FILE).toBe(DEFAULT_INTERESTS_FILE);
    expect(defaults.DEFAULT_ASSESSMENTS_DIR).toBe(DEFAULT_ASSESSMENTS_DIR);
    expect(defaults.TABLE_FORMATS).toEqual(TABLE_FORMATS);
    expect(defaults.CITATION_FORMATS).toEqual(CITATION_FORMATS);
    expect(defaults.DEFAULT_ASSUMPTIONS).toEqual({ realGrowthPct: DEFAULT_ASSUMPTIONS.realGrowthPct, inflationPct: DEFAULT_ASSUMPTIONS.inflationPct });
    expect(defaults.HISTORY_GROUPINGS).toEqual(Object.keys(GROUPINGS));
    expect(defaults.MAX_TIERS).toBe(MAX_TIERS);
  });
});
