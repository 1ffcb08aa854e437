// Prints the API's throughput and latency for a cached ledger (not a test): autocannon with
// 50 connections against a real server on localhost, the server in its own process.
//   npx tsx bench/api.ts [--duration 10] [--path /api/ledgers/JPN] [--gzip]
// Targets (issue 6): at least 2,000 requests/s with p99 at most 25 ms. ALLIES_EVIDENCE,
// ALLIES_METHODOLOGY and ALLIES_JUDGMENTS choose what the server loads.
import { createRequire } from 'node:module';
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

const duration = Number(option('duration', '10'));
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
} finally {
  stop();
}
