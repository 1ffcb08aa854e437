// Load on a live exercise: a team server on loopback (its own process), a facilitator and 30
// one-off players (10 per player team of the exercise, joined by code), each holding an event
// stream (Server-Sent Events) and submitting and revising its team's decision of the move with
// the version it last saw (a 409 is retried with the current version, as a client does). Prints
// decisions recorded vs submitted (must be equal), and p50/p99 from a submission to every
// client's receipt of that decision's event (the team's players and the facilitator: the
// streams that may see it; goal p99 <= 200 ms), with the load average; the submission's own
// time (ack) and the commit -> receipt time are printed apart. On PGlite, and on
// PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set.
//   npx tsx bench/exercise-load.ts [--players 30] [--rounds 10] [--think 300] [--exercise linked-crises-simulation] [--backend pglite|postgres]
import os from 'node:os';
import { ADMIN, backendsFromArgs, call, killHard, makeBackend, percentile, startTeamServer } from './team-kit.ts';
import type { ServerProcess } from './team-kit.ts';

const flag = (name: string, d: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const text = (name: string, d: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : d;
};
const PLAYERS = flag('--players', 30);
const ROUNDS = flag('--rounds', 10);
const THINK_MS = flag('--think', 300);
const EXERCISE = text('--exercise', 'linked-crises-simulation');

interface Client {
  name: string;
  team: string | null;
  headers: Record<string, string>;
}

interface Receipt { at: number; lagFromCommit: number }

/** A stream reader: every decision_submitted event's receipt time, by decision@version. */
function listen(base: string, session: number, c: Client, receipts: Map<string, Map<string, Receipt>>, ready: () => void, signal: AbortSignal): Promise<void> {
  return (async () => {
    const res = await fetch(`${base}/api/team/exercise-sessions/${session}/events`, { headers: { ...c.headers, accept: 'text/event-stream' }, signal });
    if (res.status !== 200 || !res.body) throw new Error(`${c.name}: events answered ${res.status}`);
    ready();
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        const now = performance.now();
        const wall = Date.now();
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (!block.startsWith('event: decision_submitted')) continue;
          const data = block.split('\n').find((l) => l.startsWith('data:'));
          if (!data) continue;
          const e = JSON.parse(data.slice(5)) as { decision: string; version: number; at_ms: number };
          const key = `${e.decision}@${e.version}`;
          let m = receipts.get(key);
          if (!m) receipts.set(key, m = new Map());
          m.set(c.name, { at: now, lagFromCommit: wall - e.at_ms });
        }
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  })();
}

async function run(backendName: 'pglite' | 'postgres') {
  const backend = await makeBackend(backendName);
  let server: ServerProcess | null = null;
  const stop = new AbortController();
  try {
    server = await startTeamServer(backend);
    const base = server.url;
    // The facilitator: an editor with an API token.
    const signIn = async (name: string, password: string) => {
      const s = await fetch(`${base}/api/team/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
      const body = await s.json() as { csrf_token: string };
      return { cookie: /^(allies_session=[^;]+)/.exec(s.headers.get('set-cookie') ?? '')![1], csrf: body.csrf_token };
    };
    const a = await signIn(ADMIN.name, ADMIN.password);
    const adminToken = (await (await fetch(`${base}/api/team/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: a.cookie, 'x-csrf-token': a.csrf }, body: JSON.stringify({ label: 'bench' }) })).json() as { token: string }).token;
    await call(base, 'POST', '/api/team/accounts', adminToken, { name: 'bench-facilitator', role: 'editor', password: 'bench-facilitator-password' });
    const f = await signIn('bench-facilitator', 'bench-facilitator-password');
    const facilitatorToken = (await (await fetch(`${base}/api/team/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: f.cookie, 'x-csrf-token': f.csrf }, body: JSON.stringify({ label: 'bench' }) })).json() as { token: string }).token;

    const created = await call(base, 'POST', '/api/team/exercise-sessions', facilitatorToken, { exercise: EXERCISE, title: 'load bench' });
    if (created.status !== 201) throw new Error(`session: ${created.status} ${JSON.stringify(created.body)}`);
    const session = created.body.id as number;
    const codes = created.body.join_codes as { team: string; code: string }[];
    const teams = codes.map((c) => c.team);

    // The players join by code (a one-off account each, signed in by the join).
    const players: Client[] = [];
    for (let i = 0; i < PLAYERS; i++) {
      const team = teams[i % teams.length];
      const r = await fetch(`${base}/api/team/exercise-join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: codes.find((c) => c.team === team)!.code, name: `player ${i}` }) });
      if (r.status !== 200) throw new Error(`join: ${r.status} ${await r.text()}`);
      const body = await r.json() as { csrf_token: string; account: string };
      players.push({ name: body.account, team, headers: { cookie: /^(allies_session=[^;]+)/.exec(r.headers.get('set-cookie') ?? '')![1], 'x-csrf-token': body.csrf_token } });
    }
    const facilitator: Client = { name: 'facilitator', team: null, headers: { authorization: `Bearer ${facilitatorToken}` } };

    const receipts = new Map<string, Map<string, Receipt>>();
    let opened = 0;
    const streams = [facilitator, ...players].map((c) => listen(base, session, c, receipts, () => opened++, stop.signal));
    while (opened < players.length + 1) await new Promise((r) => setTimeout(r, 10));

    const started = await call(base, 'POST', `/api/team/exercise-sessions/${session}/start`, facilitatorToken, { version: created.body.version });
    if (started.status !== 200) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
    const state = await call(base, 'GET', `/api/team/exercise-sessions/${session}`, facilitatorToken);
    const prompts = state.body.prompts as { id: string; team: string; options: { id: string }[] }[];

    // Each player submits or revises its team's decision ROUNDS times; a stale version is retried.
    const sent: { key: string; t0: number; team: string; ack: number }[] = [];
    let conflicts = 0;
    let errors = 0;
    let gaveUp = 0;
    const loadBefore = os.loadavg();
    const t0all = performance.now();
    await Promise.all(players.map(async (p, i) => {
      const prompt = prompts.find((q) => q.team === p.team)!;
      let version: number | undefined;
      for (let k = 0; k < ROUNDS; k++) {
        await new Promise((r) => setTimeout(r, Math.random() * THINK_MS));
        let attempt = 0;
        for (; attempt < 50; attempt++) {
          const option = prompt.options[(i + k) % prompt.options.length].id;
          const t0 = performance.now();
          const r = await fetch(`${base}/api/team/exercise-sessions/${session}/decisions/${prompt.id}`, {
            method: 'PUT', headers: { ...p.headers, 'content-type': 'application/json' },
            body: JSON.stringify({ option, rationale: `Round ${k} of ${p.name}: the option this player argues for.`, ...(version !== undefined ? { version } : {}) }),
          });
          const body = await r.json() as { version?: number; current?: { version: number } };
          if (r.status === 200) {
            version = body.version!;
            sent.push({ key: `${prompt.id}@${version}`, t0, team: p.team!, ack: performance.now() - t0 });
            break;
          }
          if (r.status === 409 && body.current) {
            // As a player would: read the teammate's newer version, think again, resubmit on it.
            conflicts++;
            version = body.current.version;
            await new Promise((res) => setTimeout(res, Math.random() * THINK_MS));
            continue;
          }
          errors++;
          if (errors <= 3) process.stderr.write(`submission refused: ${r.status} ${JSON.stringify(body)}\n`);
          break;
        }
        if (attempt === 50) gaveUp++;
      }
    }));
    const elapsed = (performance.now() - t0all) / 1000;
    // Let the last events arrive.
    const eligible = (team: string) => [facilitator, ...players.filter((p) => p.team === team)];
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && sent.some((s) => (receipts.get(s.key)?.size ?? 0) < eligible(s.team).length)) await new Promise((r) => setTimeout(r, 50));
    const loadAfter = os.loadavg();

    const after = await call(base, 'GET', `/api/team/exercise-sessions/${session}`, facilitatorToken);
    const recorded = (after.body.decisions as { version: number }[]).reduce((n, d) => n + d.version, 0);
    const latencies: number[] = [];
    const fromCommit: number[] = [];
    let missing = 0;
    let leaked = 0;
    for (const s of sent) {
      const got = receipts.get(s.key) ?? new Map<string, Receipt>();
      for (const c of eligible(s.team)) {
        const r = got.get(c.name);
        if (!r) {
          missing++;
          continue;
        }
        latencies.push(r.at - s.t0);
        fromCommit.push(r.lagFromCommit);
      }
      for (const name of got.keys()) if (name !== 'facilitator' && players.find((p) => p.name === name)?.team !== s.team) leaked++;
    }
    stop.abort();
    await Promise.allSettled(streams);
    latencies.sort((x, y) => x - y);
    fromCommit.sort((x, y) => x - y);
    const acks = sent.map((s) => s.ack).sort((x, y) => x - y);
    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      backend: backendName, players: PLAYERS, clients: players.length + 1, submitted: sent.length, recorded, conflicts409: conflicts, gaveUpAfter50: gaveUp, errors,
      perSecond: Math.round(sent.length / elapsed), deliveries: latencies.length, missing, leaked,
      p50ms: round(percentile(latencies, 50)), p99ms: round(percentile(latencies, 99)), maxMs: round(latencies[latencies.length - 1] ?? NaN),
      ackP50ms: round(percentile(acks, 50)), ackP99ms: round(percentile(acks, 99)),
      commitToReceiptP50ms: round(percentile(fromCommit, 50)), commitToReceiptP99ms: round(percentile(fromCommit, 99)),
      load: `${loadBefore.map((x) => x.toFixed(2)).join(' ')} -> ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
    };
  } finally {
    stop.abort();
    if (server) await killHard(server);
    await backend.cleanup();
  }
}

const results = [];
for (const b of backendsFromArgs()) {
  process.stderr.write(`exercise load on ${b}: ${PLAYERS} players, ${ROUNDS} submissions each (think time up to ${THINK_MS} ms)...\n`);
  results.push(await run(b));
}
console.table(results);
const ok = results.every((r) => r.submitted === r.recorded && r.errors === 0 && r.missing === 0 && r.leaked === 0);
process.stdout.write(`every decision recorded and delivered: ${ok ? 'yes' : 'NO'}; goal p99 <= 200 ms: ${results.map((r) => `${r.backend} ${r.p99ms <= 200 ? 'met' : 'missed'}`).join(', ')}\n`);
process.stdout.write(`cores: ${os.cpus().length}; load average (1, 5, 15 min) now: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; the load generator, the server and its computing thread share the cores\n`);
