// Durability of the team server: several clients stream rating writes (first ratings, then
// revisions, each carrying the version it last saw) while the server is SIGKILLed 20 times at
// random moments and restarted each time. Afterwards every acknowledged write must be present:
// each rating at least at its last acknowledged version (and, at that version, with the
// acknowledged text), and every acknowledged version in the audit trail with its text. A write
// in flight at a kill may or may not have committed; the client learns which from the 409's
// current record and carries on. On PGlite and on PostgreSQL (TEST_DATABASE_URL/DATABASE_URL).
//   npx tsx bench/team-durability.ts [--kills 20] [--clients 6] [--backend pglite|postgres]
import { JUDGMENTS, accounts, backendsFromArgs, call, killHard, makeBackend, startTeamServer } from './team-kit.ts';
import type { ServerProcess } from './team-kit.ts';

const flag = (name: string, d: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const KILLS = flag('--kills', 20);
const CLIENTS = flag('--clients', 6);
const ALLIES = ['JPN', 'KOR'];

interface Acked {
  version: number;
  rationale: string;
}

async function run(backendName: 'pglite' | 'postgres') {
  const backend = await makeBackend(backendName);
  let server: ServerProcess | null = null;
  try {
    server = await startTeamServer(backend);
    const { editor, analysts } = await accounts(server.url, CLIENTS);
    const items = JUDGMENTS.flatMap((judgment) => ALLIES.map((ally) => ({ judgment, ally })));
    const round = await call(server.url, 'POST', '/api/team/rounds', editor, { title: 'durability', items });
    if (round.status !== 201) throw new Error(`round: ${JSON.stringify(round.body)}`);
    const roundId = round.body.id as number;

    // Per client and item: the last acknowledged version and text; every acknowledged write listed.
    const acked = new Map<string, Acked>();
    const allAcked: { key: string; version: number; rationale: string }[] = [];
    let base = server.url;
    let stopping = false;
    let sequence = 0;
    let failedRequests = 0;
    let conflictsResolved = 0;

    const client = async (c: number) => {
      const token = analysts[c];
      const known = new Map<string, number>();
      let i = 0;
      while (!stopping) {
        const item = items[(c + i++) % items.length];
        const key = `${c} ${item.judgment} ${item.ally}`;
        const n = ++sequence;
        const rationale = `Write number ${n} from client ${c}, checked after the kills.`;
        const version = known.get(key);
        const value = n % 5;
        try {
          const r = await call(base, 'PUT', `/api/team/rounds/${roundId}/ratings/${item.judgment}/${item.ally}`, token, {
            value, low: 0, high: 4, rationale, citations: [{ source: 'alliance-ledger-default-judgments' }], ...(version ? { version } : {}),
          });
          if (r.status === 200 || r.status === 201) {
            known.set(key, r.body.version as number);
            acked.set(key, { version: r.body.version as number, rationale });
            allAcked.push({ key, version: r.body.version as number, rationale });
          } else if (r.status === 409 && r.body.current) {
            // The write before the kill committed without its acknowledgement: carry on from it.
            known.set(key, r.body.current.version as number);
            conflictsResolved++;
          } else {
            throw new Error(`unexpected ${r.status}: ${JSON.stringify(r.body)}`);
          }
        } catch (err) {
          if (err instanceof Error && err.message.startsWith('unexpected')) throw err;
          failedRequests++;
          await new Promise((res) => setTimeout(res, 50));
        }
      }
    };

    const writers = analysts.map((_t, c) => client(c));
    const started = Date.now();
    let restartMs = 0;
    for (let k = 0; k < KILLS; k++) {
      // Kill in the middle of the stream: once a random number of writes (10 to 60) have been
      // acknowledged by this server, after a random further delay (0 to 300 ms).
      const target = allAcked.length + 10 + Math.floor(Math.random() * 50);
      while (allAcked.length < target) await new Promise((res) => setTimeout(res, 5));
      await new Promise((res) => setTimeout(res, Math.random() * 300));
      await killHard(server);
      const t0 = Date.now();
      server = await startTeamServer(backend);
      restartMs += Date.now() - t0;
      base = server.url;
    }
    await new Promise((res) => setTimeout(res, 500));
    stopping = true;
    await Promise.all(writers);
    const elapsed = (Date.now() - started) / 1000;

    // Check: the final state and the audit trail hold every acknowledged write.
    let missingFinal = 0;
    for (const [key, a] of acked) {
      const c = Number(key.split(' ')[0]);
      const mine = await call(base, 'GET', `/api/team/rounds/${roundId}/ratings/mine`, analysts[c]);
      const [, judgment, ally] = key.split(' ');
      const r = (mine.body.ratings as { judgment: string; ally: string; version: number; rationale: string }[]).find((x) => x.judgment === judgment && x.ally === ally);
      if (!r || r.version < a.version || (r.version === a.version && r.rationale !== a.rationale)) missingFinal++;
    }
    const audit = await call(base, 'GET', '/api/team/audit?entity=rating&limit=1000', editor);
    const seen = new Set<string>();
    let before: number | undefined = undefined;
    let page = audit.body.entries as { id: number; after: { rationale: string; version: number } }[];
    while (page.length) {
      for (const e of page) seen.add(`${e.after.version} ${e.after.rationale}`);
      before = page[page.length - 1].id;
      page = (await call(base, 'GET', `/api/team/audit?entity=rating&limit=1000&before=${before}`, editor)).body.entries;
    }
    const missingAudit = allAcked.filter((w) => !seen.has(`${w.version} ${w.rationale}`)).length;
    await killHard(server);
    server = null;
    return {
      backend: backendName, kills: KILLS, clients: CLIENTS, seconds: Math.round(elapsed), acknowledged: allAcked.length,
      ratings: acked.size, failedInFlight: failedRequests, committedUnacknowledged: conflictsResolved,
      missingFromFinalState: missingFinal, missingFromAudit: missingAudit, meanRestartSeconds: Math.round(restartMs / KILLS / 100) / 10,
    };
  } finally {
    if (server) await killHard(server);
    await backend.cleanup();
  }
}

const results = [];
for (const b of backendsFromArgs()) {
  process.stderr.write(`durability on ${b}: ${KILLS} SIGKILLs, ${CLIENTS} clients...\n`);
  results.push(await run(b));
}
console.table(results);
const lost = results.reduce((s, r) => s + r.missingFromFinalState + r.missingFromAudit, 0);
process.stdout.write(lost === 0 ? 'every acknowledged write is present after the kills\n' : `LOST ${lost} acknowledged writes\n`);
process.exitCode = lost === 0 ? 0 : 1;
