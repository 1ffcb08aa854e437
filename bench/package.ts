// Prints what the compiled package costs and gains (not a test), each figure beside a peer
// measured in the same run:
//   - `npm run build` (a clean tsc build of src/ into dist/lib): wall and CPU seconds, ÷ `node -e 0`;
//   - the packed tarball (`npm pack --dry-run`, files list of package.json): packed and unpacked
//     MiB and files, ÷ the same folders as they sit in the repo;
//   - `allies --help` start-up, wall and CPU seconds and peak RSS (median of N runs; CPU is the
//     steadier figure on a busy machine): the compiled CLI through
//     bin/allies.js, the same CLI from its sources through tsx (ALLIES_FROM_SOURCE=1), beside
//     `node -e 0` and a TypeScript hello world through tsx; and bin/allies.js's check that
//     dist/lib is current (a walk over src/ that an installed package skips). ALLIES_FROM_SOURCE=0
//     forces the build, so the compiled row is measured while others edit src/;
//   - the installed package's first use: the tarball (`npm pack`, whose prepack writes the shipped
//     evidence store dist/store/evidence.bin) installed into a scratch project, then `allies sheet
//     JPN` with an empty store folder each run (ALLIES_STORE_DIR), taking the shipped store, beside
//     the same with the shipped store removed (the store encoded from the CSV) and the runs after
//     the first (the store in place).
//   npx tsx bench/package.ts [--runs N] [--no-build] [--no-install]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsxHelloWorld } from './tsx-hello.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) throw new Error('bench/package.ts needs GNU time (/usr/bin/time; apt-get install time)');

interface Sample { wall: number; cpu: number; rssMiB: number; status: number; stdout: string }

/** One run under GNU time: wall and CPU seconds, peak resident memory (MiB). */
function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = root): Sample {
  const r = spawnSync(TIME, ['-v', cmd, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const field = (re: RegExp) => re.exec(r.stderr)?.[1] ?? '0';
  const wall = field(/Elapsed \(wall clock\) time \(h:mm:ss or m:ss\):\s*([\d:.]+)/).split(':').map(Number).reduce((acc, part) => acc * 60 + part, 0);
  const cpu = Number(field(/User time \(seconds\):\s*([\d.]+)/)) + Number(field(/System time \(seconds\):\s*([\d.]+)/));
  return { wall, cpu, rssMiB: Number(field(/Maximum resident set size \(kbytes\):\s*(\d+)/)) / 1024, status: r.status ?? -1, stdout: r.stdout };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Row { name: string; wall: number; cpu: number; rssMiB: number; failed: number }

function bench(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv, runs = RUNS): Row {
  const samples = Array.from({ length: runs }, () => measure(cmd, args, env));
  return {
    name,
    wall: median(samples.map((s) => s.wall)),
    cpu: median(samples.map((s) => s.cpu)),
    rssMiB: median(samples.map((s) => s.rssMiB)),
    failed: samples.filter((s) => s.status !== 0).length,
  };
}

function folderBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  if (!existsSync(dir)) return { bytes, files };
  if (statSync(dir).isFile()) return { bytes: statSync(dir).size, files: 1 }; // a file the files list names
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    bytes += statSync(path.join(e.parentPath, e.name)).size;
    files++;
  }
  return { bytes, files };
}

const load0 = os.loadavg()[0];
const node0 = bench('node -e 0', process.execPath, ['-e', '0']);

// 1. The build.
let build: Row | null = null;
if (!process.argv.includes('--no-build')) {
  build = bench('npm run build', process.execPath, [path.join(root, 'scripts/build.mjs')], process.env, 1);
  if (build.failed) throw new Error('npm run build failed: fix the type errors it prints first');
}

// 2. The tarball, as npm pack would write it now (no lifecycle scripts: dist/ as it is).
const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
const info = (JSON.parse(packed.stdout) as { size: number; unpackedSize: number; entryCount: number }[])[0];
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; files: string[] };
const inRepo = pkg.files.map((f) => folderBytes(path.join(root, f))).reduce((a, b) => ({ bytes: a.bytes + b.bytes, files: a.files + b.files }), { bytes: 0, files: 0 });

// 3. Start-up.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'allies-bench-package-'));
const helloBin = tsxHelloWorld(scratch, root);
const check = path.join(scratch, 'check.mjs');
writeFileSync(check, `import { compiledIsCurrent } from ${JSON.stringify(path.join(root, 'bin/build-state.js'))};\nif (!compiledIsCurrent() && process.argv[2] === '--strict') process.exit(3);\n`);

const allies = path.join(root, 'bin/allies.js');
const current = measure(process.execPath, [check, '--strict']).status === 0;
const tsxHello = bench('tsx hello world', process.execPath, [helloBin]);
const rows = [
  node0,
  tsxHello,
  bench('node + dist/lib check', process.execPath, [check]),
  bench('allies --help (dist/lib)', process.execPath, [allies, '--help'], { ...process.env, ALLIES_FROM_SOURCE: '0' }),
  bench('allies --help (bin picks)', process.execPath, [allies, '--help']),
  bench('allies --help (src, tsx)', process.execPath, [allies, '--help'], { ...process.env, ALLIES_FROM_SOURCE: '1' }),
];

// 4. The installed package's first use.
interface FirstUse { shipped: Row; encoded: Row; later: Row; storeMiB: number; tarballMiB: number }
let firstUse: FirstUse | null = null;
if (!process.argv.includes('--no-install')) {
  const consumer = path.join(scratch, 'consumer');
  const quiet = { cwd: root, encoding: 'utf8' as const, maxBuffer: 256 * 1024 * 1024 };
  const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', scratch], quiet);
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr.slice(-4000)}`);
  const tarball = (JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[$/m))) as { filename: string; size: number }[])[0];
  writeFileSync(path.join(scratch, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  const add = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(scratch, tarball.filename)], { ...quiet, cwd: scratch });
  if (add.status !== 0) throw new Error(`npm install of the tarball failed:\n${add.stderr.slice(-4000)}`);
  const installed = path.join(scratch, 'node_modules', pkg.name);
  const shippedStore = path.join(installed, 'dist/store/evidence.bin');
  if (!existsSync(shippedStore)) throw new Error('the tarball ships no dist/store/evidence.bin');
  const bin = path.join(installed, 'bin/allies.js');
  let n = 0;
  /** `allies sheet JPN` with an empty store folder each run (fresh: true), or one kept. */
  const sheet = (name: string, runs: number, fresh: boolean): Row => {
    const kept = path.join(scratch, 'store-kept');
    const samples = Array.from({ length: runs }, () => {
      const env = { ...process.env, ALLIES_STORE_DIR: fresh ? path.join(scratch, `store-${++n}`) : kept };
      const sample = measure(process.execPath, [bin, 'sheet', 'JPN'], env, consumer);
      if (!/Japan \(JPN\): balance sheet/.test(sample.stdout)) sample.status = sample.status || 1;
      return sample;
    });
    return { name, wall: median(samples.map((x) => x.wall)), cpu: median(samples.map((x) => x.cpu)), rssMiB: median(samples.map((x) => x.rssMiB)), failed: samples.filter((x) => x.status !== 0).length };
  };
  mkdirSync(consumer);
  const shipped = sheet('first use, shipped store', RUNS, true);
  sheet('warm-up', 1, false);
  const later = sheet('later use', RUNS, false);
  renameSync(shippedStore, `${shippedStore}.away`);
  const encoded = sheet('first use, no shipped', Math.min(RUNS, 3), true);
  firstUse = { shipped, encoded, later, storeMiB: statSync(`${shippedStore}.away`).size / 2 ** 20, tarballMiB: tarball.size / 2 ** 20 };
}
rmSync(scratch, { recursive: true, force: true });
const load1 = os.loadavg()[0];

const MiB = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
console.log(`${os.cpus().length} cores; load average ${load0.toFixed(2)} before, ${load1.toFixed(2)} after (1 min)`);
if (build) console.log(`npm run build        ${build.wall.toFixed(1)} s wall, ${build.cpu.toFixed(1)} s CPU, ${build.rssMiB.toFixed(0)} MiB peak   (${(build.wall / node0.wall).toFixed(0)}× node -e 0)`);
console.log(`npm pack             ${MiB(info.size)} MiB packed, ${MiB(info.unpackedSize)} MiB unpacked, ${info.entryCount} files   (packed ÷ the same folders in the repo, ${MiB(inRepo.bytes)} MiB in ${inRepo.files} files: ${(info.size / inRepo.bytes).toFixed(3)})`);
console.log(`dist/lib is ${current ? 'current: bin/allies.js runs it' : 'older than src/ (edited since the build): bin/allies.js runs the sources; the dist/lib row forces the build (ALLIES_FROM_SOURCE=0)'}`);
console.log(`median of ${RUNS} runs; /usr/bin/time -v`);
console.log(`${'start-up'.padEnd(26)}  ${'wall s'.padStart(7)}  ${'÷ node'.padStart(7)}  ${'÷ tsx'.padStart(7)}  ${'CPU s'.padStart(7)}  ${'÷ node'.padStart(7)}  ${'RSS MiB'.padStart(7)}  ${'÷ node'.padStart(7)}`);
for (const r of rows) {
  const cells = [r.wall.toFixed(3), (r.wall / node0.wall).toFixed(1), (r.wall / tsxHello.wall).toFixed(1), r.cpu.toFixed(3), (r.cpu / node0.cpu).toFixed(1), r.rssMiB.toFixed(1), (r.rssMiB / node0.rssMiB).toFixed(1)];
  console.log(`${r.name.padEnd(26)}  ${cells.map((c) => c.padStart(7)).join('  ')}${r.failed ? `   (${r.failed} runs exited non-zero)` : ''}`);
}
if (firstUse) {
  const f = firstUse;
  console.log(`\ninstalled package (tarball ${f.tarballMiB.toFixed(1)} MiB, shipped store ${f.storeMiB.toFixed(1)} MiB): \`allies sheet JPN\`, empty ALLIES_STORE_DIR each first use`);
  for (const r of [f.shipped, f.encoded, f.later]) {
    console.log(`${r.name.padEnd(26)}  ${r.wall.toFixed(3).padStart(7)} s wall  ${r.cpu.toFixed(3).padStart(7)} s CPU  ${r.rssMiB.toFixed(0).padStart(5)} MiB${r.failed ? `   (${r.failed} runs failed)` : ''}`);
  }
  console.log(`first use with the shipped store: ${(f.encoded.wall / f.shipped.wall).toFixed(1)}× faster than encoding the CSV, ${(f.shipped.wall / f.later.wall).toFixed(1)}× a later use (wall)`);
}
