// Robustness speed: weight draws over every covered ally and every line item of the default
// methodology, on the shipped evidence. Targets (issue 3): 10,000 draws in at most 100 ms
// (interactive use, one thread) and 1,000,000 draws in at most 3 s on a 2-core machine.
// Issue 13: `allies robustness --draws 1000000` in at most 4 s wall including process start,
// and the engine's 1,000,000 weight draws in at most 1 s on one thread, each beside a peer
// measured in the same run: a plain C version of the weight draws (gcc, when installed) and
// `node -e 0` / a tsx hello world for the process. CPU times are user + system.
// Run: npx tsx bench/robustness.ts [--evidence DIR] [--sweep-full] [--cli-runs N] [--no-cli]
// Prints figures; not a test.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EVIDENCE_DIR } from '../src/evidence/load.ts';
import { logUniformTable, totalRanges, TOTAL_BINS } from '../src/method/draws.ts';
import { loadLedgerInputs } from '../src/method/files.ts';
import { computeLedger, latestYear } from '../src/method/ledger.ts';
import { RobustnessPool } from '../src/method/robustness-parallel.ts';
import { allChunks, baselineNets, drawSettingsOf, orderOf, runChunks, runRobustness, scoreMatrix, sweepFigures, sweepLevel, sweepSettings } from '../src/method/robustness.ts';
import type { Accumulator, DrawSettings, RobustnessResult, ScoreMatrix } from '../src/method/robustness.ts';
import { tsxHelloWorld } from './tsx-hello.ts';

const sweepFull = process.argv.includes('--sweep-full');
const evidenceDir = process.argv.includes('--evidence') ? process.argv[process.argv.indexOf('--evidence') + 1] : EVIDENCE_DIR;
const cliRuns = process.argv.includes('--cli-runs') ? Number(process.argv[process.argv.indexOf('--cli-runs') + 1]) : 3;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'allies-bench-robustness-'));

function digest(result: RobustnessResult): string {
  return createHash('sha256').update(JSON.stringify(result)).digest('hex').slice(0, 12);
}

function line(label: string, [ms, cpu]: [number, number], target: number | null, extra = ''): void {
  const verdict = target === null ? '' : ms <= target ? `  (target <= ${target} ms: met)` : `  (target <= ${target} ms: MISSED)`;
  console.log(`${label.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms wall ${cpu.toFixed(0).padStart(6)} ms cpu (process)${verdict}${extra ? `  ${extra}` : ''}`);
}

/** Wall time, and CPU time of the whole process (worker threads included). */
async function timed<T>(run: () => T | Promise<T>): Promise<[T, [number, number]]> {
  const t = performance.now();
  const c = process.cpuUsage();
  const result = await run();
  const u = process.cpuUsage(c);
  return [result, [performance.now() - t, (u.user + u.system) / 1000]];
}

async function benchMatrix(name: string, matrix: ScoreMatrix, base: DrawSettings): Promise<void> {
  console.log(`\n${name}: ${matrix.n} allies x ${matrix.m} line items (${matrix.assetItems} assets, ${matrix.m - matrix.assetItems} liabilities)`);
  const weightsOnly: DrawSettings = { ...base, data: false, judgments: false };
  // An interactive session has moved a few sliders before the one that counts: warm the JIT
  // (JavaScript and WebAssembly tier up on hot code), then take the median of five runs.
  for (let i = 0; i < 3; i++) runRobustness(matrix, { ...weightsOnly, draws: 10_000 });
  const runs: [RobustnessResult, [number, number]][] = [];
  for (let i = 0; i < 5; i++) runs.push(await timed(() => runRobustness(matrix, { ...weightsOnly, draws: 10_000 })));
  const [small, smallMs] = runs.sort((a, b) => a[1][0] - b[1][0])[2];
  line('10,000 weight draws, one thread (median of 5)', smallMs, 100, `digest ${digest(small)}`);
  const [, dataMs] = await timed(() => runRobustness(matrix, { ...base, draws: 10_000 }));
  line('10,000 draws of weights, data and judgments, one thread', dataMs, null);

  const threads = 2;
  const pool = new RobustnessPool(threads);
  const cold = await timed(() => pool.run(matrix, { ...weightsOnly, draws: 1_000_000 }));
  const warm = await timed(() => pool.run(matrix, { ...weightsOnly, draws: 1_000_000 }));
  await pool.close();
  line(`1,000,000 weight draws, ${threads} threads (workers started)`, cold[1], 3000, `digest ${digest(cold[0])}`);
  line(`1,000,000 weight draws, ${threads} threads (workers warm)`, warm[1], 3000, `same result: ${digest(warm[0]) === digest(cold[0])}`);
  const [one, oneMs] = await timed(() => runRobustness(matrix, { ...weightsOnly, draws: 1_000_000 }));
  line('1,000,000 weight draws, one thread', oneMs, null, `same result as ${threads} threads: ${digest(one) === digest(cold[0])}`);

  // The ASPI-style sweep of a 1,000,000-draw run: each level sized by its own convergence
  // (at most 1,000,000 draws), against five passes of the full count (--sweep-full).
  const levels = sweepLevels;
  const sweepPool = new RobustnessPool(threads);
  const [sweep, sweepMs] = await timed(() => sweepPool.sweep(matrix, levels, 1_000_000, base.seed));
  line(`sweep, ${levels.length} levels, up to 1,000,000 draws each, ${threads} threads`, sweepMs, null, `draws ${sweep.map((l) => l.draws.toLocaleString('en-US')).join(', ')}`);
  for (const l of sweep) console.log(`  ±${Math.round(l.change * 100)}%: ${sweepFigures(l)}  (P(order) %, mean and top-10 worst P(same rank) %, largest shift, mean |shift|)`);
  if (sweepFull) {
    const [full, fullMs] = await timed(async () => {
      const out = [];
      for (const [i, change] of levels.entries()) out.push(sweepLevel(change, await sweepPool.run(matrix, sweepSettings(change, i, 1_000_000, base.seed))));
      return out;
    });
    line(`sweep, ${levels.length} levels of 1,000,000 draws (before), ${threads} threads`, fullMs, null, `ratio ${(fullMs[0] / sweepMs[0]).toFixed(1)}x`);
    for (const l of full) console.log(`  ±${Math.round(l.change * 100)}%: ${sweepFigures(l)}`);
  }
  await sweepPool.close();
}

/** The plain C peer of the weight draws (log-uniform multipliers), same seeding and order. */
const PEER_C = String.raw`/* Plain C peer of the engine's weight draws (bench/robustness.ts writes the matrix and runs it):
   for each draw, log-uniform multipliers from xoshiro128** (the engine's table and Taylor step),
   the nets of every ally (two dot products in item order, excluded items' weights removed),
   then sums, extremes, histograms, P(net > 0), the ranking (insertion sort from the previous
   draw's order, ties by index) and the rank counts. Prints draws, sameOrder and checksums. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define CHUNK 8192
#define BINS 1000
static uint32_t s[4];
static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static uint32_t next(void) {
  uint32_t r = rotl(s[1] * 5u, 7) * 9u, t = s[1] << 9;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11);
  return r;
}
static void seed(uint32_t seedv, uint32_t stream) {
  uint32_t st = seedv ^ ((stream + 1u) * 0x9e3779b1u);
  for (int i = 0; i < 4; i++) {
    st += 0x9e3779b9u; uint32_t z = st;
    z = (z ^ (z >> 16)) * 0x85ebca6bu; z = (z ^ (z >> 13)) * 0xc2b2ae35u; s[i] = z ^ (z >> 16);
  }
  if ((s[0] | s[1] | s[2] | s[3]) == 0) s[0] = 1;
}
int main(int argc, char **argv) {
  FILE *f = fopen(argv[1], "rb"); long draws = atol(argv[2]); uint32_t seedv = (uint32_t)atol(argv[3]);
  int32_t h[4]; if (fread(h, 4, 4, f) != 4) return 1;
  int n = h[0], m = h[1], mA = h[2], nEx = h[3];
  double c[10]; if (fread(c, 8, 10, f) != 10) return 1; /* ba bl step lo0 sc0 lo1 sc1 lo2 sc2 pad */
  double *S = malloc(8 * n * m), *w0 = malloc(8 * m), *table = malloc(8 * 1025);
  int32_t *exS = malloc(4 * (n + 1)), *exI = malloc(4 * (nEx + 1)), *base = malloc(4 * n);
  if (fread(S, 8, n * m, f) != (size_t)(n * m) || fread(w0, 8, m, f) != (size_t)m || fread(table, 8, 1025, f) != 1025) return 1;
  if (fread(exS, 4, n + 1, f) != (size_t)(n + 1) || fread(exI, 4, nEx, f) != (size_t)nEx || fread(base, 4, n, f) != (size_t)n) return 1;
  double *w = malloc(8 * m), *x3 = malloc(8 * 3 * n), *sums = calloc(3 * n, 8), *mn = malloc(8 * 3 * n), *mx = malloc(8 * 3 * n);
  int32_t *tot = calloc(3 * n * BINS, 4), *pos = calloc(n, 4), *order = malloc(4 * n), *rc = calloc(n * n, 4);
  for (int i = 0; i < 3 * n; i++) { mn[i] = 1e308; mx[i] = -1e308; }
  double lo[3] = {c[3], c[5], c[7]}, sc[3] = {c[4], c[6], c[8]};
  long same = 0;
  struct timespec t0, t1; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  for (long chunk = 0; chunk * CHUNK < draws; chunk++) {
    seed(seedv, (uint32_t)chunk);
    memcpy(order, base, 4 * n);
    long dn = draws - chunk * CHUNK; if (dn > CHUNK) dn = CHUNK;
    for (long d = 0; d < dn; d++) {
      double wa = 0, wl = 0;
      for (int k = 0; k < m; k++) {
        double u = next() / 4294967296.0, xx = u * 1024; int i = (int)xx; double t = (xx - i) * c[2];
        w[k] = w0[k] * (table[i] * (1 + t * (1 + t * (0.5 + t * (1.0 / 6 + t * (1.0 / 24 + t * (1.0 / 120)))))));
      }
      for (int k = 0; k < mA; k++) wa += w[k];
      for (int k = mA; k < m; k++) wl += w[k];
      for (int a = 0; a < n; a++) {
        const double *row = S + a * m; double sa = 0, sl = 0, da = wa, dl = wl;
        for (int k = 0; k < mA; k++) sa += w[k] * row[k];
        for (int k = mA; k < m; k++) sl += w[k] * row[k];
        for (int e = exS[a]; e < exS[a + 1]; e++) { int k = exI[e]; if (k < mA) da -= w[k]; else dl -= w[k]; }
        double xa = c[0] * sa / da, xl = c[1] * sl / dl;
        x3[a] = xa; x3[n + a] = xl; x3[2 * n + a] = xa - xl;
      }
      for (int t = 0; t < 3; t++) for (int a = 0; a < n; a++) {
        double v = x3[t * n + a]; int i = t * n + a; sums[i] += v;
        int b = (int)((v - lo[t]) * sc[t]); b = b < 0 ? 0 : b > BINS - 1 ? BINS - 1 : b; tot[i * BINS + b]++;
        if (v < mn[i]) mn[i] = v; if (v > mx[i]) mx[i] = v;
      }
      for (int a = 0; a < n; a++) pos[a] += x3[2 * n + a] > 0;
      const double *net = x3 + 2 * n;
      for (int i = 1; i < n; i++) {
        int cur = order[i]; double v = net[cur]; int k = i - 1;
        while (k >= 0) { int o = order[k]; double vo = net[o]; if (vo > v || (vo == v && o < cur)) break; order[k + 1] = o; k--; }
        order[k + 1] = cur;
      }
      int eq = 1;
      for (int r = 0; r < n; r++) { rc[order[r] * n + r]++; eq &= order[r] == base[r]; }
      same += eq;
    }
  }
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  uint32_t hr = 0, ht = 0; for (int i = 0; i < n * n; i++) hr = hr * 31u + (uint32_t)rc[i]; for (int i = 0; i < 3 * n * BINS; i++) ht = ht * 31u + (uint32_t)tot[i];
  printf("{\"draws\":%ld,\"sameOrder\":%ld,\"rankHash\":%u,\"totalsHash\":%u,\"cpuMs\":%.1f}\n", draws, same, hr, ht,
    (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
  return 0;
}
`;

/** Compile the peer (gcc -O3 -march=native, no FMA contraction so the bits are the engine's); null without gcc. */
function compilePeer(): string | null {
  const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (gcc.status !== 0) return null;
  const src = path.join(scratch, 'peer.c');
  const bin = path.join(scratch, 'peer');
  writeFileSync(src, PEER_C);
  execFileSync('gcc', ['-O3', '-march=native', '-ffp-contract=off', '-o', bin, src]);
  return bin;
}

/** The matrix as the peer reads it. */
function peerInput(matrix: ScoreMatrix, low: number, high: number): string {
  const { n, m } = matrix;
  const table = logUniformTable(low, high);
  const bins = totalRanges(matrix).flatMap(([lo, hi]) => [lo, TOTAL_BINS / (hi - lo)]);
  const parts: ArrayBufferView[] = [
    Int32Array.from([n, m, matrix.assetItems, matrix.excludedItem.length]),
    Float64Array.from([matrix.balanceAssets, matrix.balanceLiabilities, table.step, ...bins, 0]),
    matrix.scores, matrix.weights, table.values, matrix.excludedStart, matrix.excludedItem, orderOf(baselineNets(matrix)),
  ];
  const file = path.join(scratch, `matrix-${n}.bin`);
  writeFileSync(file, Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
  return file;
}

/** The peer's checksums of an accumulator (rank counts and histograms, as the C prints them). */
function checksums(acc: Accumulator): { sameOrder: number; rankHash: number; totalsHash: number } {
  const hash = (xs: Int32Array) => xs.reduce((h, x) => (Math.imul(h, 31) + x) >>> 0, 0);
  return { sameOrder: acc.sameOrder, rankHash: hash(acc.rankCounts), totalsHash: hash(acc.totals) };
}

/** The engine's 1,000,000 weight draws on this thread (CPU time of this thread), beside the C peer. */
function kernelVersusPeer(matrix: ScoreMatrix, base: DrawSettings, peer: string | null): void {
  if (base.weights.kind !== 'log-multiplier') return;
  const s: DrawSettings = { ...base, draws: 1_000_000, data: false, judgments: false };
  runChunks(matrix, { ...s, draws: 50_000 }, allChunks(50_000));
  const cpu: number[] = [];
  let acc: Accumulator | null = null;
  for (let i = 0; i < 3; i++) {
    const c = process.cpuUsage();
    acc = runChunks(matrix, s, allChunks(s.draws));
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  cpu.sort((a, b) => a - b);
  const ms = cpu[1];
  console.log(`${'1,000,000 weight draws, one thread (CPU, median of 3)'.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms cpu  (target <= 1000 ms: ${ms <= 1000 ? 'met' : 'MISSED'})`);
  if (!peer) {
    console.log('  plain C peer: gcc not installed, skipped');
    return;
  }
  const input = peerInput(matrix, base.weights.low, base.weights.high);
  const runs = [0, 1, 2].map(() => JSON.parse(execFileSync(peer, [input, String(s.draws), String(s.seed)], { encoding: 'utf8' })) as { sameOrder: number; rankHash: number; totalsHash: number; cpuMs: number });
  const peerMs = runs.map((r) => r.cpuMs).sort((a, b) => a - b)[1];
  const mine = checksums(acc!);
  const same = runs[0].sameOrder === mine.sameOrder && runs[0].rankHash === mine.rankHash && runs[0].totalsHash === mine.totalsHash;
  console.log(`${'  plain C peer (gcc -O3 -march=native), same draws'.padEnd(58)} ${peerMs.toFixed(0).padStart(6)} ms cpu  engine/C ${(ms / peerMs).toFixed(2)}x; same rank counts and histograms: ${same}`);
}

/** Wall and CPU (user + system) of a child process, by GNU time; the median of `runs` by wall. */
function child(args: string[], runs: number): { wall: number; cpu: number } | null {
  if (!existsSync('/usr/bin/time')) return null;
  const samples: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
    if (r.status !== 0 || !m) throw new Error(`${args.join(' ')} failed: ${r.stderr.slice(-500)}`);
    samples.push({ wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]) });
  }
  return samples.sort((a, b) => a.wall - b.wall)[runs >> 1];
}

/** `allies robustness --draws 1000000` end to end, beside the bare process start, and its parts in this process. */
async function cliRun(): Promise<void> {
  // bin/allies.js runs dist/lib when it is current (or ALLIES_FROM_SOURCE=0), else the sources
  // through tsx: say which.
  const { compiledIsCurrent } = await import(pathToFileURL(path.join(root, 'bin/build-state.js')).href) as { compiledIsCurrent: (root: string) => boolean };
  const from = process.env.ALLIES_FROM_SOURCE;
  const compiled = from === '0' || (from !== '1' && compiledIsCurrent(root));
  const cli = child(['bin/allies.js', 'robustness', '--draws', '1000000', '--json'], cliRuns);
  if (!cli) return void console.log('\nallies robustness --draws 1000000: GNU time not installed, skipped');
  // The text table prints no score intervals, so its draws keep no score histograms.
  const text = child(['bin/allies.js', 'robustness', '--draws', '1000000'], cliRuns)!;
  const bare = child(['-e', '0'], 3)!;
  const hello = child([tsxHelloWorld(scratch, root)], 3)!;
  const line2 = (label: string, x: { wall: number; cpu: number }, extra = '') => console.log(`${label.padEnd(58)} ${(x.wall * 1000).toFixed(0).padStart(6)} ms wall ${(x.cpu * 1000).toFixed(0).padStart(6)} ms cpu${extra}`);
  console.log(`\nThe command, median of ${cliRuns} (child processes; 2 threads; ${compiled ? 'the compiled build' : 'the sources through tsx (dist/lib is older than them: npm run build first)'}):`);
  line2('allies robustness --draws 1000000 --json', cli, `  (target <= 4000 ms wall: ${cli.wall <= 4 ? 'met' : 'MISSED'})`);
  line2('allies robustness --draws 1000000 (text)', text, `  (target <= 4000 ms wall: ${text.wall <= 4 ? 'met' : 'MISSED'})`);
  line2('  peer: node -e 0', bare, `  command/peer ${(cli.wall / bare.wall).toFixed(0)}x`);
  line2('  peer: a TypeScript hello world through tsx', hello, `  command/peer ${(cli.wall / hello.wall).toFixed(0)}x`);
  // Its parts, as the command runs them, in this process (modules loaded, the evidence loaded
  // once before: a fresh process pays more for both, which the command's figure includes).
  const step = async <T>(label: string, run: () => T | Promise<T>): Promise<T> => {
    const [value, [ms, cpu]] = await timed(run);
    console.log(`  ${label.padEnd(56)} ${ms.toFixed(0).padStart(6)} ms wall ${cpu.toFixed(0).padStart(6)} ms cpu`);
    return value;
  };
  const inputs = await step('load the evidence, methodology and judgments', () => loadLedgerInputs({ evidenceDir }));
  const m = await step('the ledger and the score matrix', () => {
    const l = computeLedger(inputs, latestYear(inputs));
    return scoreMatrix(l, inputs.methodology);
  });
  const r = inputs.methodology.robustness;
  const s = drawSettingsOf(r, { draws: 1_000_000 });
  const pool = new RobustnessPool(2);
  const result = await step('1,000,000 draws of weights, data and judgments (2 threads)', () => pool.run(m, s, r.interval));
  const sweep = await step('the sweep, sized by its convergence (2 threads)', () => pool.sweep(m, r.sweep, s.draws, s.seed, r.interval));
  await pool.close();
  await step('JSON', () => JSON.stringify({ ...result, sweep }).length);
}

console.log(`Load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} cores: wall times on a busy machine exceed the targets' premise.`);
const t0 = performance.now();
const inputs = await loadLedgerInputs({ evidenceDir });
const year = latestYear(inputs);
const ledger = computeLedger(inputs, year);
console.log(`Evidence ${evidenceDir}: ledger ${year} computed in ${(performance.now() - t0).toFixed(0)} ms (loading included); ${ledger.rankedCount} of ${ledger.allies.length} allies ranked.`);
const settings = drawSettingsOf(inputs.methodology.robustness);
const sweepLevels = inputs.methodology.robustness.sweep;
const matrix = scoreMatrix(ledger, inputs.methodology);
const peer = compilePeer();
// The engine against its C peer first, in a process that has run nothing else yet (the peer
// runs in its own): after the thread pools, the process's CPU time also counts the garbage
// collector's threads tidying up after them.
kernelVersusPeer(matrix, settings, peer);
await benchMatrix('Default methodology, ranked allies', matrix, settings);

// Every covered ally, ranked or not (the issue's "all covered allies"): missing cells are
// excluded items, as in the ledger.
const all = scoreMatrix({ ...ledger, allies: ledger.allies.map((a) => ({ ...a, ranked: true })) }, inputs.methodology);
if (all.n !== matrix.n) {
  await benchMatrix('Default methodology, every covered ally', all, settings);
  kernelVersusPeer(all, settings, peer);
}
if (!process.argv.includes('--no-cli')) await cliRun();
console.log(`Load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`);
rmSync(scratch, { recursive: true, force: true });
process.exit(0);
