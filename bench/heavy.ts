// Prints how cached requests fare while heavy ones load the server (not a test): 50 clients
// each POST /api/scenarios/run?draws=10000 (what the dashboard sends) in a loop, every run with
// its own seed so none is answered from the memo, while autocannon measures a cached ledger.
// The server runs in its own process on localhost (bench/local-server.ts).
//   npx tsx bench/heavy.ts [--duration 20] [--clients 50] [--draws 10000]
// Goal (issue 15): cached p99 <= 50 ms. Before the heavy-work queue: 1.15 runs/s, 78 timeouts,
// a cached GET 27 s. A client refused with 503 waits min(Retry-After, 1 s) and tries again.
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { readFile } from 'node:fs/promises';
import { startLocalServer, warmUp } from './local-server.ts';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number }) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const duration = Number(option('duration', '20'));
const clients = Number(option('clients', '50'));
const draws = Number(option('draws', '10000'));
/** A heavy request slower than this counts as a timeout (the client gives up). */
const HEAVY_TIMEOUT_MS = 30_000;
const CACHED = '/api/ledgers/JPN';

interface HeavyFigures {
  ok: number;
  busy: number;
  timeouts: number;
  failed: number;
  seconds: number;
  p50: number;
  p99: number;
  measured?: AutocannonResult;
}

/** `clients` loops POSTing scenario runs for `seconds`, each run with its own seed; `meanwhile` runs beside them. */
async function heavyLoad(url: string, seconds: number, meanwhile?: () => Promise<AutocannonResult>): Promise<HeavyFigures> {
  const counts = { ok: 0, busy: 0, timeouts: 0, failed: 0 };
  const runTimes: number[] = [];
  const stopAt = Date.now() + seconds * 1000;
  const everyone = new AbortController();
  const client = async () => {
    while (Date.now() < stopAt) {
      const t = performance.now();
      try {
        const res = await fetch(`${url}/api/scenarios/run?draws=${draws}&seed=${seed++}`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ yaml }),
          signal: AbortSignal.any([everyone.signal, AbortSignal.timeout(HEAVY_TIMEOUT_MS)]),
        });
        await res.arrayBuffer();
        if (res.status === 200) {
          counts.ok++;
          runTimes.push(performance.now() - t);
        } else if (res.status === 503) {
          counts.busy++;
          await new Promise((ok) => setTimeout(ok, Math.min(1000, Number(res.headers.get('retry-after') ?? 1) * 1000)));
        } else counts.failed++;
      } catch (err) {
        if (everyone.signal.aborted) return;
        if ((err as Error).name === 'TimeoutError') counts.timeouts++;
        else counts.failed++;
      }
    }
  };
  const started = performance.now();
  const heavy = Array.from({ length: clients }, client);
  const measured = meanwhile ? await meanwhile() : undefined;
  await new Promise((ok) => setTimeout(ok, Math.max(0, stopAt - Date.now())));
  // Clients still waiting when the time is up go away: the server drops or stops their jobs.
  everyone.abort();
  await Promise.all(heavy);
  runTimes.sort((a, b) => a - b);
  const pct = (p: number) => (runTimes.length ? runTimes[Math.min(runTimes.length - 1, Math.floor(p * runTimes.length))] : NaN);
  return { ...counts, seconds: (performance.now() - started) / 1000, p50: pct(0.5), p99: pct(0.99), measured };
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
let seed = 1000;
const yaml = await readFile(new URL('../scenarios/japan-2pct-2027.yaml', import.meta.url), 'utf8');
const { url, stop } = await startLocalServer();
try {
  await warmUp(url);
  if (!(await fetch(url + CACHED)).ok) throw new Error(`${CACHED} failed: is the evidence complete?`);
  await autocannon({ url: url + CACHED, connections: 5, duration: 1 });
  console.log(`server: ${availableParallelism()} cores; load average before: ${load()}`);

  const pass = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  const printHeavy = (h: HeavyFigures) => {
    console.log(`  runs/s       ${(h.ok / h.seconds).toFixed(2).padStart(8)}   (${h.ok} runs in ${h.seconds.toFixed(1)} s)`);
    console.log(`  run time     p50 ${(h.p50 / 1000).toFixed(1)} s, p99 ${(h.p99 / 1000).toFixed(1)} s (queue wait included)`);
    console.log(`  503 busy     ${String(h.busy).padStart(8)}   (queue full: Retry-After, retried after <= 1 s)`);
    console.log(`  timeouts     ${String(h.timeouts).padStart(8)}   (> ${HEAVY_TIMEOUT_MS / 1000} s); other failures ${h.failed}`);
  };

  let loadDuring = '';
  const during = await heavyLoad(url, duration, async () => {
    // Let the queue fill before measuring the cached route.
    await new Promise((ok) => setTimeout(ok, 1000));
    const r = await autocannon({ url: url + CACHED, connections: 10, duration: Math.max(1, duration - 2) });
    loadDuring = load();
    return r;
  });
  const cached = during.measured!;
  console.log(`cached GET ${CACHED}, 10 connections, during ${clients} clients POSTing scenario runs with ${draws} draws (${duration} s)`);
  console.log(`  latency p50  ${cached.latency.p50.toFixed(1).padStart(8)} ms`);
  console.log(`  latency p99  ${cached.latency.p99.toFixed(1).padStart(8)} ms [goal <= 50] ${pass(cached.latency.p99 <= 50)}`);
  console.log(`  latency max  ${cached.latency.max.toFixed(1).padStart(8)} ms`);
  console.log(`  requests/s   ${cached.requests.average.toFixed(0).padStart(8)}; ${cached.requests.total} requests, ${cached.non2xx} non-2xx, ${cached.errors} errors, ${cached.timeouts} timeouts`);
  console.log(`heavy POST /api/scenarios/run?draws=${draws}, ${clients} clients, beside the cached load`);
  printHeavy(during);
  console.log(`load average during: ${loadDuring}`);
  // The heavy requests alone: what the heavy-work threads deliver when nothing else competes.
  const alone = await heavyLoad(url, Math.max(5, Math.round(duration / 2)));
  console.log(`heavy POST /api/scenarios/run?draws=${draws}, ${clients} clients, alone`);
  printHeavy(alone);
  console.log(`load average after: ${load()}`);
} finally {
  stop();
}
