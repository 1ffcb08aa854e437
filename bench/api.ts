// Prints the API's throughput and latency for a cached ledger (not a test): autocannon with
// 50 connections against a real server on localhost, the server in its own process.
//   npx tsx bench/api.ts [--duration 10] [--path /api/ledgers/JPN] [--gzip]
// Targets (issue 6): at least 2,000 requests/s with p99 at most 25 ms. ALLIES_EVIDENCE,
// ALLIES_METHODOLOGY and ALLIES_JUDGMENTS choose what the server loads.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { startLocalServer, warmUp } from './local-server.ts';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { average: number; p50: number; p97_5: number; p99: number; max: number };
  throughput: { average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number; headers?: Record<string, string> }) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;


function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** A child process printing "on http://localhost:PORT" once it listens; with the time that took. */
function spawnListening(args: string[], env: Record<string, string> = {}): Promise<{ url: string; ms: number; stop: () => void }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: path.resolve(import.meta.dirname, '..'), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /on (http:\/\/localhost:\d+)/.exec(out);
      if (m) resolve({ url: m[1], ms: performance.now() - started, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before listening: ${out}`)));
  });
}

/** Milliseconds from spawning `args` to the first HTTP 200 of `probe`. */
async function firstOk(args: string[], probe: string, env: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const s = await spawnListening(args, env);
  try {
    for (;;) {
      const r = await fetch(s.url + probe).catch(() => null);
      if (r?.ok) {
        await r.arrayBuffer();
        return performance.now() - started;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    s.stop();
  }
}

const duration = Number(option('duration', '10'));
console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} cores`);

// `npm start` (the dashboard already built) to the first HTTP 200, beside a bare Hono server's.
{
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const app: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 3; i++) {
    app.push(await firstOk(['scripts/start.mjs'], '/api', { PORT: '0' }));
    bare.push(await firstOk(['--import', 'tsx', 'bench/bare-hono.ts', '1000'], '/bare'));
  }
  console.log(`npm start to the first HTTP 200 (median of 3): ${(median(app) / 1000).toFixed(2)} s [target <= 1.5 s] ${median(app) <= 1500 ? 'ok' : 'MISSED'}; a bare Hono server through tsx: ${(median(bare) / 1000).toFixed(2)} s (ratio ${(median(app) / median(bare)).toFixed(1)}x)`);
}

const route = option('path', '/api/ledgers/JPN');
const { url, stop } = await startLocalServer();
try {
  await warmUp(url);
  const warm = await fetch(url + route);
  const bytes = (await warm.arrayBuffer()).byteLength;
  if (!warm.ok) throw new Error(`${route} answered ${warm.status}: is the evidence complete and the methodology valid?`);
  // A short run first so the JIT and the response cache are warm.
  await autocannon({ url: url + route, connections: 10, duration: 2 });
  const pass = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  // --gzip asks for compressed bodies as browsers do (the server is then mostly idle: the load generator is the bottleneck).
  const variants = process.argv.includes('--gzip') ? [['Accept-Encoding: gzip', { 'accept-encoding': 'gzip' }]] as const : [['no compression', {}]] as const;
  for (const [label, headers] of variants) {
    const r = await autocannon({ url: url + route, connections: 50, duration, headers });
    console.log(`GET ${route} (${(bytes / 1024).toFixed(1)} KB, cached), ${label}, 50 connections, ${duration} s`);
    console.log(`  requests/s   ${r.requests.average.toFixed(0).padStart(8)}   [target >= 2000] ${pass(r.requests.average >= 2000)}`);
    console.log(`  latency p50  ${r.latency.p50.toFixed(1).padStart(8)} ms`);
    console.log(`  latency p99  ${r.latency.p99.toFixed(1).padStart(8)} ms [target <= 25]  ${pass(r.latency.p99 <= 25)}`);
    console.log(`  latency max  ${r.latency.max.toFixed(1).padStart(8)} ms`);
    console.log(`  throughput   ${(r.throughput.average / 1e6).toFixed(1).padStart(8)} MB/s; ${r.requests.total} requests, ${r.non2xx} non-2xx, ${r.errors} errors`);
  }
  // The peer: a bare Hono server answering a body of the same size, same load, same run.
  const peer = await spawnListening(['--import', 'tsx', 'bench/bare-hono.ts', String(bytes)]);
  try {
    await autocannon({ url: `${peer.url}/bare`, connections: 10, duration: 2 });
    const bare = await autocannon({ url: `${peer.url}/bare`, connections: 50, duration });
    const ours = await autocannon({ url: url + route, connections: 50, duration });
    const ratio = ours.requests.average / bare.requests.average;
    console.log(`bare Hono, the same ${(bytes / 1024).toFixed(1)} KB body: ${bare.requests.average.toFixed(0)} requests/s, p99 ${bare.latency.p99.toFixed(1)} ms`);
    console.log(`cached ledger ÷ bare Hono (requests/s, measured one after the other): ${ratio.toFixed(2)} [target >= 0.6] ${pass(ratio >= 0.6)}`);
  } finally {
    peer.stop();
  }
} finally {
  stop();
}
