// Prints the time and peak memory of the full evidence build, per transform, and beside two peers
// measured in the same run: a plain read + sha256 of every snapshot file, and pandas reading them
// into data frames (the issue's peer; when Debian's python3-pandas is installed). Not a test. Each run is
// a fresh process, so peak RSS is the build's own. The build runs as a user's `allies data build`
// does (bin/allies.js): the compiled dist/lib/pipeline/build.js with plain node when dist/lib is
// current (`npm run build`), else the sources through tsx; it prints which.
//   npx tsx bench/build.ts [--snapshots DIR] [--runs N] [--no-store]
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultSnapshotDir } from '../src/pipeline/build.ts';
import { loadEvidence } from '../src/evidence/load.ts';
import { defaultBuildThreads } from '../src/pipeline/parallel.ts';
// @ts-expect-error plain JavaScript without declarations (bin/)
import { compiledIsCurrent, LIB } from '../bin/build-state.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const snapshotDir = arg('--snapshots') ?? defaultSnapshotDir();

// The child, in plain JavaScript (node --input-type=module -e), so that with a current dist/lib it
// runs no tsx at all (nor do the build's workers, which take the child's Node options):
//   node [--import tsx] --input-type=module -e CHILD kind module out snapshots [--no-store]
const CHILD = `
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
const [kind, module, out, snapshotDir, noStore] = process.argv.slice(1);
async function filesUnder(dir) {
  const found = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) found.push(...(await filesUnder(p)));
    else if (e.isFile()) found.push(p);
  }
  return found.sort();
}
const t0 = performance.now();
const result = {};
if (kind === 'build') {
  const { buildEvidence } = await import(module);
  const report = await buildEvidence({ snapshotDir, outDir: out, store: noStore !== '--no-store' });
  result.timings = report.timings.map((t) => [t.id, t.ms]);
  result.observations = report.observations;
  result.countries = report.countries;
  result.sources = report.sources;
} else {
  let bytes = 0;
  for (const f of await filesUnder(snapshotDir)) {
    const data = await readFile(f);
    bytes += data.length;
    createHash('sha256').update(data).digest('hex');
  }
  result.bytes = bytes;
}
result.ms = performance.now() - t0;
const usage = process.resourceUsage();
result.rssMiB = usage.maxRSS / 1024;
result.cpu = (usage.userCPUTime + usage.systemCPUTime) / 1e6; // seconds of CPU: steadier than wall on a busy machine
process.stdout.write(JSON.stringify(result));
process.exit(0);
`;

// The issue's own peer: pandas reading every snapshot file into data frames (CSV with read_csv,
// the workbook with read_excel) and hashing it, as the build reads them. Debian's python3-pandas
// (.ci/run installs it); skipped when it is missing.
const PANDAS_PEER = `
import hashlib, json, os, resource, sys, time, warnings
warnings.simplefilter('ignore')
import pandas as pd
t0 = time.perf_counter()
root = sys.argv[1]
frames = 0
rows = 0
for d, _, names in sorted(os.walk(root)):
    for name in sorted(names):
        p = os.path.join(d, name)
        with open(p, 'rb') as f:
            hashlib.sha256(f.read()).hexdigest()
        if name.endswith('.csv'):
            # Skip a publisher's preamble (SIPRI's trade register): the header is the first of
            # the opening lines with the most commas.
            with open(p, 'rb') as f:
                head = [f.readline() for _ in range(40)]
            widest = max(l.count(b',') for l in head)
            skip = next(i for i, l in enumerate(head) if l.count(b',') == widest)
            try:
                df = pd.read_csv(p, low_memory=False, skiprows=skip)
            except UnicodeDecodeError:
                df = pd.read_csv(p, low_memory=False, skiprows=skip, encoding='latin-1')
            frames += 1
            rows += len(df)
        elif name.endswith('.xlsx'):
            for df in pd.read_excel(p, sheet_name=None).values():
                frames += 1
                rows += len(df)
ms = (time.perf_counter() - t0) * 1000
u = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({'ms': ms, 'rssMiB': u.ru_maxrss / 1024, 'cpu': u.ru_utime + u.ru_stime, 'frames': frames, 'rows': rows}))
`;
const python = '/usr/bin/python3';
const hasPandas = spawnSync(python, ['-c', 'import pandas, openpyxl'], { stdio: 'ignore' }).status === 0;
function pandasPeer(): Run & { frames: number; rows: number } {
  const started = performance.now();
  const r = spawnSync(python, ['-c', PANDAS_PEER, snapshotDir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`pandas peer: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Run & { frames: number; rows: number }), wall: (performance.now() - started) / 1000 };
}

const runs = Number(arg('--runs') ?? 3);
// As bin/allies.js decides: the compiled build when it is current, else the sources through tsx.
const compiled = (compiledIsCurrent as () => boolean)();
const buildModule = compiled ? pathToFileURL(path.join(LIB as string, 'pipeline/build.js')).href : new URL('../src/pipeline/build.ts', import.meta.url).href;
const out = await mkdtemp(path.join(os.tmpdir(), 'allies-bench-'));
// The caches (the evidence store, the checked YAML files) outside the built folder, as a user's are
// (.alliance-ledger/store in the project): a build swaps its folder in whole, and would take a
// cache inside it away with the old folder. The first build finds them empty, as a fresh clone's
// first build does; the others find what the build before them kept, as a user's rebuild does.
const store = await mkdtemp(path.join(os.tmpdir(), 'allies-bench-store-'));
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
interface Run { wall: number; ms: number; rssMiB: number; cpu: number; timings?: [string, number][]; observations?: number; countries?: number; sources?: number; bytes?: number }
function spawn(kind: string, threads?: number): Run {
  const started = performance.now();
  const extra = process.argv.includes('--no-store') ? ['--no-store'] : [];
  const r = spawnSync(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), '--input-type=module', '-e', CHILD, kind, buildModule, out, snapshotDir, ...extra], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ALLIES_STORE_DIR: store, ...(threads === undefined ? {} : { ALLIES_BUILD_THREADS: String(threads) }) } });
  if (r.status !== 0) throw new Error(`${kind}: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Run), wall: (performance.now() - started) / 1000 };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`load average at start: ${load()}`);
console.log(compiled ? `running the compiled build (${path.relative(process.cwd(), LIB as string) || LIB}/pipeline/build.js, current)` : 'running the TypeScript sources through tsx (dist/lib is not current: npm run build)');
// The build's worker threads as a user's build chooses them (src/pipeline/parallel.ts
// defaultBuildThreads: none on two cores or fewer, else two), and the other choice beside it.
const threads = defaultBuildThreads();
const otherThreads = threads === 0 ? 2 : 0;
console.log(`transforms on ${threads ? `${threads} worker threads` : "the build's own thread"} (defaultBuildThreads, ${os.availableParallelism()} cores); the other choice (${otherThreads ? `${otherThreads} worker threads` : 'no workers'}) runs beside it`);
const first = spawn('build');
const builds: Run[] = [];
const others: Run[] = [];
const peers: Run[] = [];
const pandas: (Run & { frames: number; rows: number })[] = [];
for (let i = 0; i < runs; i++) {
  builds.push(spawn('build'));
  others.push(spawn('build', otherThreads));
  peers.push(spawn('peer'));
  if (hasPandas) pandas.push(pandasPeer());
}
const b = builds[0];
console.log(`${b.observations} observations, ${b.countries} countries, ${b.sources} sources; evidence store ${process.argv.includes('--no-store') ? 'not written' : 'written'}`);
const wall = median(builds.map((x) => x.wall));
const peerWall = median(peers.map((x) => x.wall));
console.log(`\nfull build (median of ${runs} processes): ${wall.toFixed(2)} s wall (${(median(builds.map((x) => x.ms)) / 1000).toFixed(2)} s in buildEvidence), peak RSS ${median(builds.map((x) => x.rssMiB)).toFixed(0)} MiB   [goal <= 4 s, <= 400 MB]`);
console.log(`  the other choice, ${otherThreads ? `${otherThreads} worker threads` : 'no workers'}: ${median(others.map((x) => x.wall)).toFixed(2)} s wall, ${median(others.map((x) => x.cpu)).toFixed(2)} s CPU (build: ${median(builds.map((x) => x.cpu)).toFixed(2)} s CPU), peak RSS ${median(others.map((x) => x.rssMiB)).toFixed(0)} MiB`);
console.log(`  the first build (empty caches: a fresh clone's first build, its curated YAML files parsed and checked): ${first.wall.toFixed(2)} s wall, ${first.cpu.toFixed(2)} s CPU, peak RSS ${first.rssMiB.toFixed(0)} MiB`);
console.log(`peer: read + sha256 of the ${(peers[0].bytes! / 2 ** 20).toFixed(1)} MiB of snapshot files: ${peerWall.toFixed(2)} s wall (${median(peers.map((x) => x.ms)).toFixed(0)} ms in the work), peak RSS ${median(peers.map((x) => x.rssMiB)).toFixed(0)} MiB`);
console.log(`ratio build / peer (wall): ${(wall / peerWall).toFixed(1)}x   [the floor: reading the bytes and nothing else; the goal's peer is pandas reading them into data frames, below]`);
if (hasPandas) {
  const pandasWall = median(pandas.map((x) => x.wall));
  console.log(`peer: pandas ${pandas[0].frames} data frames (${pandas[0].rows} rows) read + sha256 of every file: ${pandasWall.toFixed(2)} s wall (${(median(pandas.map((x) => x.ms)) / 1000).toFixed(2)} s in the work), peak RSS ${median(pandas.map((x) => x.rssMiB)).toFixed(0)} MiB`);
  console.log(`ratio build / pandas peer (wall): ${(wall / pandasWall).toFixed(1)}x   [goal <= 2x]; the first build: ${(first.wall / pandasWall).toFixed(1)}x`);
} else {
  console.log('peer: pandas not installed (apt-get install python3-pandas python3-openpyxl), skipped');
}
console.log(`CPU time (user + system): build ${median(builds.map((x) => x.cpu)).toFixed(2)} s, peer ${median(peers.map((x) => x.cpu)).toFixed(2)} s${hasPandas ? `, pandas ${median(pandas.map((x) => x.cpu)).toFixed(2)} s` : ''}`);
console.log(`\nper transform (median ms${threads ? '; the transforms run two at a time on worker threads, so these overlap' : ', one after another'}):`);
const perTransform = new Map<string, number[]>();
for (const r of builds) for (const [id, ms] of r.timings ?? []) perTransform.set(id, [...(perTransform.get(id) ?? []), ms]);
for (const [id, ms] of [...perTransform.entries()].sort((x, y) => median(y[1]) - median(x[1]))) console.log(`  ${id.padEnd(14)} ${median(ms).toFixed(0).padStart(6)}`);
process.env.ALLIES_STORE_DIR = store;
const t0 = performance.now();
await loadEvidence(out);
console.log(`\nloadEvidence() of the built folder, in this process: ${(performance.now() - t0).toFixed(0)} ms`);
console.log(`load average at end: ${load()}`);
await rm(out, { recursive: true, force: true });
await rm(store, { recursive: true, force: true });
