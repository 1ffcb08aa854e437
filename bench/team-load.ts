// Load on the team server: 50 concurrent raters on loopback, each revising its ratings as fast as
// the server acknowledges (every write a committed transaction with its audit row, checked
// against the version it last saw). Prints writes per second and latency percentiles, on PGlite
// and on PostgreSQL (TEST_DATABASE_URL/DATABASE_URL). Goal on PostgreSQL: >= 1,000 writes/s, p99 <= 50 ms.
//   npx tsx bench/team-load.ts [--raters 50] [--seconds 15] [--backend pglite|postgres]
import { JUDGMENTS, accounts, backendsFromArgs, call, killHard, makeBackend, percentile, startTeamServer } from './team-kit.ts';
import type { ServerProcess } from './team-kit.ts';

const flag = (name: string, d: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const RATERS = flag('--raters', 50);
const SECONDS = flag('--seconds', 15);
const ALLIES = ['JPN', 'KOR', 'DEU', 'POL'];

async function run(backendName: 'pglite' | 'postgres') {
  const backend = await makeBackend(backendName);
  let server: ServerProcess | null = null;
  try {
    server = await startTeamServer(backend);
    const base = server.url;
    const { editor, analysts } = await accounts(base, RATERS);
    const items = JUDGMENTS.flatMap((judgment) => ALLIES.map((ally) => ({ judgment, ally })));
    const round = await call(base, 'POST', '/api/team/rounds', editor, { title: 'load', items });
    const roundId = round.body.id as number;
    const latencies: number[] = [];
    let errors = 0;
    let stop = false;
    let measuring = false;
    const rater = async (c: number) => {
      const versions = new Map<number, number>();
      let i = c;
      while (!stop) {
        const k = i++ % items.length;
        const item = items[k];
        const version = versions.get(k);
        const t0 = performance.now();
        const r = await call(base, 'PUT', `/api/team/rounds/${roundId}/ratings/${item.judgment}/${item.ally}`, analysts[c], {
          value: i % 5, low: 0, high: 4, rationale: `Load write ${i} of rater ${c}: a rationale of some length.`, citations: [{ source: 'alliance-ledger-default-judgments' }], ...(version ? { version } : {}),
        });
        const ms = performance.now() - t0;
        if (r.status === 200 || r.status === 201) {
          versions.set(k, r.body.version as number);
          if (measuring) latencies.push(ms);
        } else {
          errors++;
        }
      }
    };
    const running = analysts.map((_t, c) => rater(c));
    // A warm-up second, then the measured window.
    await new Promise((res) => setTimeout(res, 1000));
    measuring = true;
    const t0 = performance.now();
    await new Promise((res) => setTimeout(res, SECONDS * 1000));
    measuring = false;
    const elapsed = (performance.now() - t0) / 1000;
    stop = true;
    await Promise.all(running);
    latencies.sort((a, b) => a - b);
    return {
      backend: backendName, raters: RATERS, seconds: Math.round(elapsed), writes: latencies.length,
      writesPerSecond: Math.round(latencies.length / elapsed), p50ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p99ms: Math.round(percentile(latencies, 99) * 10) / 10, maxMs: Math.round(latencies[latencies.length - 1] ?? NaN), errors,
    };
  } finally {
    if (server) await killHard(server);
    await backend.cleanup();
  }
}

const results = [];
for (const b of backendsFromArgs()) {
  process.stderr.write(`load on ${b}: ${RATERS} raters for ${SECONDS} s...\n`);
  results.push(await run(b));
}
console.table(results);
process.stdout.write(`cores: ${(await import('node:os')).cpus().length}; load generator and server share them\n`);
