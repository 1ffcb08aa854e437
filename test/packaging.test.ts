// The package as a user gets it: `npm pack` (which builds dist/lib, and dist/web when stale, in
// its prepack step), the tarball installed into a scratch project, then used the three ways a
// user would: imported from plain Node (ESM, and require on a Node that has require(esm)),
// compiled against by a strict TypeScript consumer, and run as the `allies` command. Nothing
// here can reach the repo's sources through the package: the tarball has no src/. The installs
// use the local npm cache first (--prefer-offline).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeLedger, latestYear, loadLedgerInputs } from '../src/index.ts';
import { findPackageRoot, moduleExtension, PACKAGE_ROOT, packagePath, siblingModule } from '../src/paths.ts';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const SLOW = 900_000;

// A clean npm: not the lifecycle variables of an enclosing `npm test`.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(lifecycle|package)_/.test(k)));

async function run(cmd: string, args: string[], cwd: string, timeout = SLOW): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd, env, timeout, maxBuffer: 256 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

interface PackInfo { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string; size: number }[] }

const rootPackage = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; devDependencies: Record<string, string> };
const installed = (name: string) => (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

describe('paths inside the package', () => {
  // src/x.ts runs as dist/lib/x.js, one folder deeper: a fixed '../..' from import.meta.url
  // that leaves src/ points elsewhere once compiled. Shipped folders (evidence/, methods/, …)
  // go through src/paths.ts (packagePath, PACKAGE_ROOT), modules started by path through
  // siblingModule ('./x.ts' is './x.js' compiled). A path that stays inside src/ is fine: the
  // build mirrors src/ into dist/lib, other files included.
  it('are found through src/paths.ts, not relative to a module file outside src/', async () => {
    const src = path.join(ROOT, 'src');
    const offenders: string[] = [];
    for (const e of await readdir(src, { withFileTypes: true, recursive: true })) {
      const file = path.join(e.parentPath, e.name);
      const rel = path.relative(ROOT, file);
      if (!e.isFile() || !/\.tsx?$/.test(e.name) || rel === path.join('src', 'paths.ts') || rel.startsWith(path.join('src', 'interfaces', 'web') + path.sep)) continue;
      const text = await readFile(file, 'utf8');
      text.split('\n').forEach((line, i) => {
        if (!/import\.meta\.(url|dirname|filename)/.test(line) || /createRequire\(import\.meta\.url\)|(siblingModule|moduleExtension)\(/.test(line)) return;
        const literals = [...line.matchAll(/['"](\.{1,2}\/[^'"]*)['"]/g)].map((m) => m[1]);
        const escapes = literals.length === 0 || literals.some((l) => l.endsWith('.ts') || path.relative(src, path.resolve(path.dirname(file), l)).startsWith('..'));
        if (escapes) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('name a worker by its source name, the .js file once compiled, and find the root from either layout', () => {
    expect(siblingModule('./heavy-worker.ts', 'file:///p/src/interfaces/api/heavy-work.ts').href).toBe('file:///p/src/interfaces/api/heavy-worker.ts');
    expect(siblingModule('./heavy-worker.ts', 'file:///p/dist/lib/interfaces/api/heavy-work.js').href).toBe('file:///p/dist/lib/interfaces/api/heavy-worker.js');
    expect(moduleExtension('file:///p/dist/lib/pipeline/build.js')).toBe('.js');
    expect(moduleExtension(pathToFileURL(path.join(ROOT, 'src/pipeline/build.ts')).href)).toBe('.ts');
    expect(PACKAGE_ROOT).toBe(ROOT);
    expect(findPackageRoot(path.join(ROOT, 'dist/lib/interfaces/cli'))).toBe(ROOT);
    expect(packagePath('methods', 'default.yaml')).toBe(path.join(ROOT, 'methods/default.yaml'));
  });
});

let scratch: string;
let pack: PackInfo;
let packageDir: string;

describe('the package', { timeout: SLOW }, () => {
  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'allies-package-'));
    // The lifecycle scripts print to stdout too; npm's JSON comes last, from a line holding "[".
    const packed = await run('npm', ['pack', '--json', '--pack-destination', scratch], ROOT);
    if (packed.code !== 0) throw new Error(`npm pack failed (${packed.code}):\n${packed.stdout.slice(-4000)}\n${packed.stderr.slice(-4000)}`);
    const json = packed.stdout.slice(packed.stdout.search(/^\[$/m));
    pack = (JSON.parse(json) as PackInfo[])[0];

    // The consumer: a module project with TypeScript and Node's types at the versions the repo uses.
    writeFileSync(path.join(scratch, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`);
    const tarball = path.join(scratch, pack.filename);
    const add = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `typescript@${installed('typescript')}`, `@types/node@${installed('@types/node')}`], scratch);
    if (add.code !== 0) throw new Error(`npm install of the tarball failed (${add.code}):\n${add.stderr.slice(-4000)}`);
    packageDir = path.join(scratch, 'node_modules', rootPackage.name);
  }, SLOW);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  describe('the packed tarball', () => {
    it('ships the compiled code, its declarations, the CLI and the data it reads, and nothing for developers', () => {
      const files = pack.files.map((f) => f.path);
      const top = new Set(files.map((f) => f.split('/')[0]));
      console.log(`tarball ${pack.filename}: ${(pack.size / 2 ** 20).toFixed(1)} MiB packed, ${(pack.unpackedSize / 2 ** 20).toFixed(1)} MiB unpacked, ${pack.entryCount} files; top level: ${[...top].sort().join(' ')}`);
      for (const absent of ['test', 'bench', '.ci', 'src', 'scripts', 'docs', 'node_modules', 'test-results', '.alliance-ledger']) expect(top.has(absent), absent).toBe(false);
      for (const present of ['package.json', 'bin/allies.js', 'bin/build-state.js', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/interfaces/cli/main.js',
        'dist/lib/interfaces/api/heavy-worker.js', 'dist/lib/method/robustness-worker.js', 'dist/lib/build.json',
        'evidence/datapackage.json', 'methods/default.yaml', 'judgments/default.yaml', 'curated/claims.yaml', 'dist/web/index.html',
        // The evidence store of evidence/, so that the first use does not encode the CSV.
        'dist/store/evidence.bin']) {
        expect(files, present).toContain(present);
      }
      // The files modules read beside themselves come along, in the same place relative to them.
      const web = path.join(ROOT, 'src/interfaces/web') + path.sep;
      const assets = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true, recursive: true })
        .map((e) => path.join(e.parentPath, e.name))
        .filter((f) => statSync(f).isFile() && !/\.tsx?$/.test(f) && !f.startsWith(web))
        .map((f) => `dist/lib/${path.relative(path.join(ROOT, 'src'), f).split(path.sep).join('/')}`);
      for (const asset of assets) expect(files, asset).toContain(asset);
      // Compiled means compiled: no TypeScript source and no dashboard source in the tarball.
      expect(files.filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
      expect(files).not.toContain('dist/lib/interfaces/web/app.js');
      expect(files.filter((f) => f.endsWith('.tsbuildinfo') || /\.(tmp|old)-\d+/.test(f))).toEqual([]);
    });

    it('installs as compiled code only (no src/)', () => {
      expect(existsSync(path.join(packageDir, 'dist/lib/index.js'))).toBe(true);
      expect(existsSync(path.join(packageDir, 'src'))).toBe(false);
    });
  });

  describe('the installed package', () => {
    it('imports from plain Node and computes the same ledger as the sources', async () => {
      const script = `
        const al = await import('alliance-ledger');
        const inputs = await al.loadLedgerInputs();
        const year = al.latestYear(inputs);
        const ledger = al.computeLedger(inputs, year);
        const japan = ledger.allies.find((a) => a.ally === 'JPN');
        console.log(JSON.stringify({ evidenceDir: al.EVIDENCE_DIR, year, net: japan.net, rank: japan.rank, lines: japan.lines.length }));
      `;
      const r = await run(process.execPath, ['--input-type=module', '-e', script], scratch);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/warning|error/i);
      // The first use of the installed package takes the store it ships (dist/store/evidence.bin,
      // checked against its evidence by content): no evidence store is encoded from the CSV.
      expect(r.stderr).not.toMatch(/evidence store/);
      const got = JSON.parse(r.stdout) as { evidenceDir: string; year: number; net: number; rank: number; lines: number };
      // The shipped evidence, found from dist/lib inside node_modules, not the repo's.
      expect(got.evidenceDir).toBe(path.join(packageDir, 'evidence'));

      const inputs = await loadLedgerInputs();
      const year = latestYear(inputs);
      const japan = computeLedger(inputs, year).allies.find((a) => a.ally === 'JPN')!;
      expect(got).toEqual({ evidenceDir: got.evidenceDir, year, net: japan.net, rank: japan.rank, lines: japan.lines.length });
    });

    it('starts its worker threads from the compiled code', async () => {
      // 16 chunks or more go to the workers (robustness-parallel.ts); a worker that cannot load
      // rejects the run. Any number of threads gives the single thread's result.
      const script = `
        const al = await import('alliance-ledger');
        const inputs = await al.loadLedgerInputs();
        const matrix = al.scoreMatrix(al.computeLedger(inputs, al.latestYear(inputs)), inputs.methodology);
        const settings = { ...al.drawSettingsOf(inputs.methodology.robustness), draws: 16 * al.CHUNK_DRAWS };
        const parallel = await al.runRobustnessParallel(matrix, settings, { threads: 2 });
        const single = al.runRobustness(matrix, settings);
        console.log(JSON.stringify({ allies: parallel.allies.length, same: JSON.stringify(parallel) === JSON.stringify(single) }));
      `;
      const r = await run(process.execPath, ['--input-type=module', '-e', script], scratch);
      expect(r.code, r.stderr).toBe(0);
      const got = JSON.parse(r.stdout) as { allies: number; same: boolean };
      expect(got.allies).toBeGreaterThan(30);
      expect(got.same).toBe(true);
    });

    // require(esm) is unflagged from Node 20.19 and 22.12: the package is ESM-only, and on those
    // versions require() loads the same ES module (it has no top-level await).
    const [major, minor] = process.versions.node.split('.').map(Number);
    const requireEsm = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23;
    it.runIf(requireEsm)('loads with require() on a Node that has require(esm)', async () => {
      const script = `
        const al = require('alliance-ledger');
        al.loadEvidence().then((e) => console.log(JSON.stringify({ allies: e.allies().length, share: e.latest('JPN', 'milex_share_gdp')?.value })));
      `;
      const r = await run(process.execPath, ['-e', script], scratch);
      expect(r.code, r.stderr).toBe(0);
      const got = JSON.parse(r.stdout) as { allies: number; share: number };
      expect(got.allies).toBeGreaterThan(30);
      expect(got.share).toBeGreaterThan(0);
    });

    it('type-checks in a strict TypeScript consumer (module NodeNext, no skipLibCheck)', async () => {
      writeFileSync(path.join(scratch, 'tsconfig.json'), `${JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
        files: ['consumer.ts'],
      }, null, 2)}\n`);
      writeFileSync(path.join(scratch, 'consumer.ts'), `
import { computeLedger, latestYear, loadEvidence, loadLedgerInputs, toBibtex } from 'alliance-ledger';
import type { Observation, YearLedger } from 'alliance-ledger';

const inputs = await loadLedgerInputs();
const ledger: YearLedger = computeLedger(inputs, latestYear(inputs));
const net: number | null = ledger.allies[0].net;
const share: Observation | undefined = (await loadEvidence()).latest('JPN', 'milex_share_gdp');
const bib: string = toBibtex([]);
console.log(net, share?.value, bib.length);
// The types are real, not any: a wrong use is an error.
// @ts-expect-error net is a number
const wrong: string = ledger.allies[0].net;
console.log(wrong);
`);
      const r = await run(process.execPath, [path.join(scratch, 'node_modules/typescript/bin/tsc'), '-p', '.'], scratch);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.code).toBe(0);
    });

    it('runs `allies` from the compiled code', async () => {
      const bin = path.join(scratch, 'node_modules/.bin/allies');
      const help = await run(bin, ['--help'], scratch);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/Usage: allies/);
      const sheet = await run(bin, ['sheet', 'JPN'], scratch);
      expect(sheet.code, sheet.stderr).toBe(0);
      expect(sheet.stdout).toMatch(/Japan \(JPN\): balance sheet/);
      expect(sheet.stderr).not.toMatch(/evidence store/);
    });
  });
});
