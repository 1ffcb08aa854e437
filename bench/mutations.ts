// The mutation run of issue 15: about 300 mutated methodology, judgments and scenario files
// (test/support/mutations.ts) through the CLI's own run() and, for scenarios, through
// POST /api/scenarios/run; prints how each kind was answered and every accepted nonsense,
// unlocated message or crash. Exit 1 when there is any. Run: npx tsx bench/mutations.ts
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/interfaces/api/app.ts';
import { run } from '../src/interfaces/cli/main.ts';
import { mutations, tally, throughApi, throughCli } from '../test/support/mutations.ts';
import type { Mutation, Outcome } from '../test/support/mutations.ts';

const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-mutations-'));
const all = mutations();
const started = performance.now();
const cli: { mutation: Mutation; outcome: Outcome; message: string }[] = [];
for (const m of all) {
  const file = path.join(dir, `${m.id}.yaml`);
  await writeFile(file, m.content);
  cli.push({ mutation: m, ...(await throughCli(run, m.target, file)) });
}
const cliSeconds = (performance.now() - started) / 1000;
const app = await createApp({ dashboardDir: null });
const apiStarted = performance.now();
const api: typeof cli = [];
for (const m of all.filter((x) => x.target === 'scenario')) api.push({ mutation: m, ...(await throughApi(app, m.content)) });
const apiSeconds = (performance.now() - apiStarted) / 1000;
await rm(dir, { recursive: true, force: true });

const table = (results: typeof cli) => {
  const kinds = [...new Set(results.map((r) => `${r.mutation.target} ${r.mutation.kind}`))];
  const rows = kinds.map((k) => {
    const of = results.filter((r) => `${r.mutation.target} ${r.mutation.kind}` === k);
    const n = (o: Outcome) => of.filter((r) => r.outcome === o).length;
    return { kind: k, files: of.length, accepted: n('accepted'), located: n('located'), unlocated: n('unlocated'), crashed: n('crashed') };
  });
  console.table(rows);
};
const report = (name: string, results: typeof cli, seconds: number) => {
  const t = tally(results);
  console.log(`\n${name}: ${t.total} files in ${seconds.toFixed(1)} s`);
  table(results);
  console.log(`accepted nonsense: ${t.acceptedNonsense.length}; controls rejected: ${t.rejectedControls.length}; rejected naming file and line (or field): ${t.located}; without location: ${t.unlocated.length}; stack traces or 5xx: ${t.crashed.length}; controls accepted: ${t.accepted - t.acceptedNonsense.length}`);
  const fieldOnly = results.filter((r) => r.outcome === 'located' && !/:\d+: /.test(r.message));
  if (fieldOnly.length) console.log(`named by field without a line: ${fieldOnly.length} (${[...new Set(fieldOnly.map((r) => r.mutation.label))].join('; ')})`);
  for (const x of [...t.acceptedNonsense, ...t.rejectedControls, ...t.unlocated, ...t.crashed]) console.log(`  ${x}`);
  return t.acceptedNonsense.length + t.rejectedControls.length + t.unlocated.length + t.crashed.length;
};
const failures = report('CLI (allies sheet / scenario run)', cli, cliSeconds) + report('API (POST /api/scenarios/run)', api, apiSeconds);
const sample = (id: string) => cli.find((r) => r.mutation.id === id);
for (const id of ['methodology-001', 'scenario-001']) console.log(`\nexample ${id} (${sample(id)?.mutation.label}): ${sample(id)?.message.split('\n')[0]}`);
process.exit(failures ? 1 : 0);
