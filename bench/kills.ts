// SIGKILL of `allies data build`, `export ledgers --format csv` and `report --format html,md`,
// 20 times each at random moments, plus one kill inside the swap each. Half the kills fall anywhere
// in a run; the other half in its writing phase (a random moment after the staging folder appears;
// for an export, whose single file is written in milliseconds, the last fifth of a run).
// Prints, per area, what the kills left (state of the target and leftovers) and what remained
// once the repair every run starts with had run. Not a test: test/pipeline/kill.test.ts is the
// small version in CI. Works on copies in a temporary folder, never on the project's evidence/.
//   npx tsx bench/kills.ts [--kills 20] [--only build|export|report]     (ALLIES_KILL_SEED=n to replay)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultSnapshotDir } from '../src/pipeline/build.ts';
import {
  buildArea, exportArea, fingerprint, killInSwap, killOnce, killSeed, leftoversBeside, reportArea, runCli, seededRandom,
} from '../test/support/kills.ts';
import type { KillArea, State } from '../test/support/kills.ts';

const flag = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const KILLS = Number(flag('--kills') ?? 20);
const only = flag('--only');
const seed = killSeed();
const random = seededRandom(seed);

interface Tally {
  area: string;
  runMs: number;
  kills: number;
  /** Kills meant for the writing phase. */
  writing: number;
  /** Runs that finished before their kill moment (not counted as kills; another is tried). */
  completed: number;
  raw: Record<State, number>;
  after: Record<State, number>;
  killsWithLeftovers: number;
  leftoversAfterRepair: number;
  swap: string;
  failures: string[];
}

const states = (): Record<State, number> => ({ old: 0, new: 0, missing: 0, other: 0 });

async function bench(name: string, make: (work: string) => KillArea): Promise<Tally> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'allies-kills-'));
  const area = make(work);
  const tally: Tally = { area: name, runMs: 0, kills: 0, writing: 0, completed: 0, raw: states(), after: states(), killsWithLeftovers: 0, leftoversAfterRepair: 0, swap: '', failures: [] };
  try {
    // A complete run gives the new state and the length of a run.
    await area.plantOld();
    const old = await fingerprint(area.target);
    const complete = await runCli(area.args);
    if (complete.code !== 0) throw new Error(`${name}: the complete run failed: ${complete.stderr}`);
    tally.runMs = complete.ms;
    const fresh = await fingerprint(area.target);
    if ((await leftoversBeside(area.target)).length) tally.failures.push('the complete run left leftovers');
    await area.plantOld();

    for (let attempt = 0; tally.kills < KILLS && attempt < 3 * KILLS; attempt++) {
      const inWriting = attempt % 2 === 1;
      const at = !inWriting ? Math.round(100 + random() * tally.runMs)
        // Writing takes some 0.3-1 s of a build and 0.3-0.6 s of a report (measured with this bench).
        : area.writing ? { writingMs: Math.round(random() * (name === 'build' ? 700 : 450)) }
          : Math.round((0.7 + random() * 0.3) * tally.runMs);
      const t = await killOnce(area, at, old, fresh);
      const when = typeof at === 'number' ? `${at} ms` : `${at.writingMs} ms into writing`;
      if (t.run.killedAt === null || t.run.signal === null) {
        tally.completed++;
        if (t.after !== 'new') tally.failures.push(`a run that finished left ${t.after}`);
        process.stderr.write(`${name}: finished before ${when}\n`);
        await area.plantOld();
        continue;
      }
      const i = tally.kills++;
      if (inWriting) tally.writing++;
      tally.raw[t.raw]++;
      tally.after[t.after]++;
      if (t.leftBehind.length) tally.killsWithLeftovers++;
      tally.leftoversAfterRepair += t.remaining.length;
      if (t.after !== 'old' && t.after !== 'new') tally.failures.push(`kill at ${when}: ${t.after} after the repair`);
      if (t.remaining.length) tally.failures.push(`kill at ${when}: ${t.remaining.join(', ')} remained`);
      process.stderr.write(`${name}: kill ${i + 1}/${KILLS} at ${when} (${Math.round(t.run.killedAt ?? 0)} ms): ${t.raw}${t.leftBehind.length ? ` + ${t.leftBehind.join(', ')}` : ''} -> ${t.after}\n`);
      if (t.after !== 'old') await area.plantOld();
    }

    const k = await killInSwap(area, old);
    const said = area.nextRun.says.every((re) => re.test(k.next.stderr));
    tally.swap = `${k.raw} + ${k.leftBehind.length} leftover(s) -> next run: ${said ? 'said so' : 'SAID NOTHING'}, ${k.after}, ${k.remaining.length} left`;
    if (k.after !== 'old' || k.remaining.length || !said) tally.failures.push(`inside the swap: ${tally.swap}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return tally;
}

const areas: [string, (work: string) => KillArea][] = [
  ['build', (work) => buildArea(work, defaultSnapshotDir())],
  ['export', (work) => exportArea(work)],
  ['report', (work) => reportArea(work, true)],
];
const started = performance.now();
const tallies: Tally[] = [];
for (const [key, make] of areas) {
  if (only && only !== key) continue;
  tallies.push(await bench(key, make));
}

const fmt = (r: Record<State, number>) => `old ${r.old}, new ${r.new}, missing ${r.missing}, other ${r.other}`;
console.log(`\nSIGKILL at random moments (seed ${seed}, ${KILLS} kills per area, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})\n`);
for (const t of tallies) {
  console.log(`${t.area} (a complete run: ${(t.runMs / 1000).toFixed(1)} s)`);
  console.log(`  kills: ${t.kills}, ${t.writing} of them aimed at the writing phase (${t.completed} more runs finished before their kill moment)`);
  console.log(`  right after the kill:    ${fmt(t.raw)}; ${t.killsWithLeftovers} kills left leftovers`);
  console.log(`  after the next start:    ${fmt(t.after)}; ${t.leftoversAfterRepair} leftovers remained`);
  console.log(`  killed inside the swap:  ${t.swap}`);
  for (const f of t.failures) console.log(`  FAILURE: ${f}`);
}
console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s in all`);
if (tallies.some((t) => t.failures.length)) process.exitCode = 1;
