// Load on the team server: 50 concurrent raters on loopback, each revising its ratings (every
// write a committed transaction with its audit row, checked against the version it last saw).
// Two windows per backend: saturated (each rater writes again as soon as acknowledged: the most
// writes per second, with every rater queued behind the others, so p99 there is mostly the
// queue: 50 in flight / writes per second) and paced (the raters together offer --rate writes/s,
// 1,000 by default, each write's latency counted from when it was due). Prints writes per
// second and latency percentiles, on PGlite and on PostgreSQL (TEST_DATABASE_URL/DATABASE_URL).
// Goal on PostgreSQL: >= 1,000 writes/s, p99 <= 50 ms.
// Also prints the CPU time per write of the server process, of the PostgreSQL backends serving it
// and of the load generator (less sensitive than throughput to other work on the machine), the
// load average, and the same generator against a bare Hono peer (one PUT route that parses the
// body and answers JSON, no database): writes/s as a share of the peer's requests/s tells how
// much of the ceiling is the generator and HTTP on loopback themselves.
//   npx tsx bench/team-load.ts [--raters 50] [--seconds 15] [--rate 1000 (0: no paced window)] [--backend pglite|postgres] [--bare-seconds 5 (0: no peer)]
//     [--client raw|http|fetch] [--profile DIR]
// --profile DIR: the server runs with node --cpu-prof, its .cpuprofile written to DIR when it stops.
import os from 'node:os';
import { JUDGMENTS, accounts, backendPids, backendsFromArgs, call, callLean, callRaw, closeRaw, killHard, makeBackend, percentile, processCpu, processCpuMs, startBarePeer, startTeamServer } from './team-kit.ts';
import type { ServerProcess } from './team-kit.ts';

const flag = (name: string, d: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const RATERS = flag('--raters', 50);
const SECONDS = flag('--seconds', 15);
const BARE_SECONDS = flag('--bare-seconds', 5);
// After the saturated window, the same raters paced to this many writes/s in all (0: not run):
// the latency a team sees while the server sustains the goal's rate, not while it is flooded.
const RATE = flag('--rate', 1000);
const ALLIES = ['JPN', 'KOR', 'DEU', 'POL'];
// --client: raw (default: a plain keep-alive socket per rater, the least CPU per request),
// http (node:http with a keep-alive agent) or fetch (the other team benches' client).
const CLIENT = process.argv.includes('--client') ? process.argv[process.argv.indexOf('--client') + 1] : 'raw';
const put = CLIENT === 'fetch' ? call : CLIENT === 'http' ? callLean : callRaw;
const PROFILE_DIR = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : null;
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

interface Window {
  latencies: number[];
  errors: number;
  elapsed: number;
  cpu: { server: number | null; serverSystem: number | null; db: number | null; generator: number };
}

/** Raters revising their ratings of `items` on `base` as fast as acknowledged: a warm-up second, then the measured window. */
async function drive(base: string, roundId: number, tokens: readonly string[], seconds: number, cpuOf: { server: () => { user: number; system: number } | null; db: () => Promise<number | null> }, rate: number | null = null, seen: Map<number, number>[] = []): Promise<Window> {
  const items = JUDGMENTS.flatMap((judgment) => ALLIES.map((ally) => ({ judgment, ally })));
  const latencies: number[] = [];
  let errors = 0;
  let stop = false;
  let measuring = false;
  // Paced (rate given): each rater's writes are due every `interval` ms, the raters staggered;
  // a write's latency counts from when it was due, so a server that falls behind is charged
  // for the wait (no coordinated omission).
  const interval = rate ? (1000 * tokens.length) / rate : 0;
  const rater = async (c: number) => {
    // The version of each item this rater last saw (kept from one window to the next).
    const versions = (seen[c] ??= new Map<number, number>());
    let i = c;
    let due = performance.now() + (interval * c) / tokens.length;
    while (!stop) {
      const k = i++ % items.length;
      const item = items[k];
      const version = versions.get(k);
      if (interval) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((res) => setTimeout(res, wait));
        if (stop) break;
      }
      const t0 = interval ? due : performance.now();
      due += interval;
      const r = await put(base, 'PUT', `/api/team/rounds/${roundId}/ratings/${item.judgment}/${item.ally}`, tokens[c], {
        value: i % 5, low: 0, high: 4, rationale: `Load write ${i} of rater ${c}: a rationale of some length.`, citations: [{ source: 'alliance-ledger-default-judgments' }], ...(version ? { version } : {}),
      });
      const ms = performance.now() - t0;
      if (r.status === 200 || r.status === 201) {
        versions.set(k, r.body.version as number);
        if (measuring) latencies.push(ms);
      } else {
        errors++;
        if (errors <= 3) process.stderr.write(`  ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}\n`);
      }
    }
  };
  const running = tokens.map((_t, c) => rater(c));
  await new Promise((res) => setTimeout(res, 1000));
  const server0 = cpuOf.server();
  const db0 = await cpuOf.db();
  const gen0 = process.cpuUsage();
  measuring = true;
  const t0 = performance.now();
  await new Promise((res) => setTimeout(res, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const gen = process.cpuUsage(gen0);
  const server1 = cpuOf.server();
  const db1 = await cpuOf.db();
  stop = true;
  await Promise.all(running);
  latencies.sort((a, b) => a - b);
  return {
    latencies, errors, elapsed,
    cpu: {
      server: server0 === null || server1 === null ? null : server1.user + server1.system - server0.user - server0.system,
      serverSystem: server0 === null || server1 === null ? null : server1.system - server0.system,
      db: db0 === null || db1 === null ? null : db1 - db0, generator: (gen.user + gen.system) / 1000 },
  };
}

function row(label: string, w: Window) {
  const n = w.latencies.length;
  const perWrite = (ms: number | null) => (ms === null || n === 0 ? null : round2(ms / n));
  return {
    backend: label, raters: RATERS, seconds: Math.round(w.elapsed), writes: n, writesPerSecond: Math.round(n / w.elapsed),
    p50ms: round1(percentile(w.latencies, 50)), p99ms: round1(percentile(w.latencies, 99)), maxMs: Math.round(w.latencies[n - 1] ?? NaN), errors: w.errors,
    serverCpuMsPerWrite: perWrite(w.cpu.server), 'server sys %': w.cpu.server ? Math.round((100 * (w.cpu.serverSystem ?? 0)) / w.cpu.server) : null, dbCpuMsPerWrite: perWrite(w.cpu.db), generatorCpuMsPerWrite: perWrite(w.cpu.generator),
  };
}

async function run(backendName: 'pglite' | 'postgres') {
  const backend = await makeBackend(backendName);
  let server: ServerProcess | null = null;
  try {
    server = await startTeamServer(backend, 0, PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []);
    const base = server.url;
    const { editor, analysts } = await accounts(base, RATERS);
    const items = JUDGMENTS.flatMap((judgment) => ALLIES.map((ally) => ({ judgment, ally })));
    const round = await call(base, 'POST', '/api/team/rounds', editor, { title: 'load', items });
    const roundId = round.body.id as number;
    const pid = server.child.pid!;
    // The PostgreSQL backends serving the server (its pool), summed; PGlite runs inside the server process.
    const db = async () => {
      if (!backend.url || !backend.applicationName) return null;
      const pids = await backendPids(backend.url, backend.applicationName);
      let ms = 0;
      for (const p of pids) ms += processCpuMs(p) ?? 0;
      return ms;
    };
    const out = [];
    let before = load();
    const seen: Map<number, number>[] = [];
    const w = await drive(base, roundId, analysts, SECONDS, { server: () => processCpu(pid), db }, null, seen);
    out.push({ ...row(`${backendName}, saturated`, w), loadBefore: before, loadAfter: load() });
    if (RATE > 0 && backendName === 'postgres') { // the goal's rate is PostgreSQL's; PGlite takes a few hundred a second
      before = load();
      const paced = await drive(base, roundId, analysts, SECONDS, { server: () => processCpu(pid), db }, RATE, seen);
      out.push({ ...row(`${backendName}, paced ${RATE}/s`, paced), loadBefore: before, loadAfter: load() });
    }
    return out;
  } finally {
    if (server) closeRaw(server.url);
    if (server && PROFILE_DIR) await stopGently(server);
    if (server) await killHard(server);
    await backend.cleanup();
  }
}

/** SIGTERM (the server closes and exits, writing its CPU profile), SIGKILL after 10 s. */
async function stopGently(p: ServerProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((res) => p.child.once('exit', res));
  p.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((res) => setTimeout(res, 10_000))]);
}

async function bare() {
  const peer = await startBarePeer();
  try {
    const tokens = Array.from({ length: RATERS }, (_x, i) => `bare-${i}`);
    const before = load();
    const w = await drive(peer.url, 1, tokens, BARE_SECONDS, { server: () => processCpu(peer.child.pid!), db: async () => null });
    return { ...row('bare Hono peer', w), loadBefore: before, loadAfter: load() };
  } finally {
    closeRaw(peer.url);
    await killHard(peer);
  }
}

const results = [];
process.stderr.write(`load average (1, 5, 15 min): ${load()}; cores: ${os.cpus().length}\n`);
if (BARE_SECONDS > 0) {
  process.stderr.write(`bare Hono peer: ${RATERS} raters for ${BARE_SECONDS} s...\n`);
  results.push(await bare());
}
for (const b of backendsFromArgs()) {
  process.stderr.write(`load on ${b}: ${RATERS} raters for ${SECONDS} s...\n`);
  results.push(...(await run(b)));
}
console.table(results.map(({ loadBefore: _b, loadAfter: _a, ...r }) => r));
const peer = results.find((r) => r.backend === 'bare Hono peer');
for (const r of results) {
  process.stdout.write(`${r.backend}: load average before ${r.loadBefore}, after ${r.loadAfter}${peer && r !== peer ? `; ${Math.round((100 * r.writesPerSecond) / peer.writesPerSecond)}% of the bare peer's requests/s` : ''}\n`);
}
process.stdout.write(`raters' client: ${CLIENT === 'fetch' ? 'fetch' : CLIENT === 'http' ? 'node:http, keep-alive' : 'a plain keep-alive socket each'}; cores: ${os.cpus().length}; load generator and server share them (CPU ms per write: user + system over the measured window)\n`);
