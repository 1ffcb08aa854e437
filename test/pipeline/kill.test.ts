// SIGKILL of the real CLI (`allies data build`, `export ledgers`, `report`): after every kill the
// target is the old complete state or the new one, and what the kill left behind is gone once the
// next run has started. One kill per area lands inside the swap (ALLIES_TEST_PAUSE_IN_SWAP holds
// the run there); the others at random moments of the first seconds, to keep CI short. The full
// run, 20 kills each spread over whole runs, is bench/kills.ts.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSnapshotDir } from '../../src/pipeline/build.ts';
import { buildArea, exportArea, fingerprint, killInSwap, killOnce, killSeed, reportArea, seededRandom } from '../support/kills.ts';
import type { KillArea } from '../support/kills.ts';

const SNAPSHOT_DIR = defaultSnapshotDir();
const seed = killSeed();
const random = seededRandom(seed);
/** Random kills per area in CI; bench/kills.ts does 20. */
const EARLY_KILLS = 3;

function killTests(name: string, makeArea: (work: string) => KillArea, leftBehindInSwap: RegExp[], earlyWindowMs: number) {
  describe(`SIGKILL of allies ${name} (replay with ALLIES_KILL_SEED=${seed})`, () => {
    let work: string;
    let area: KillArea;
    let old: string;
    let fresh: string | null = null;
    beforeAll(async () => {
      work = await mkdtemp(path.join(os.tmpdir(), 'allies-kill-'));
      area = makeArea(work);
      await area.plantOld();
      old = await fingerprint(area.target);
    });
    afterAll(async () => {
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('killed inside the swap: the next run puts the old state back, says so, and removes the leftovers', async () => {
      const k = await killInSwap(area, old);
      expect(k.run.signal).toBe('SIGKILL');
      // The new state was complete, only not yet moved in.
      expect(k.staged).toMatch(/^[0-9a-f]{64}$/);
      expect(k.staged).not.toBe(old);
      expect(k.leftBehind).toEqual(leftBehindInSwap.map((re) => expect.stringMatching(re)));
      for (const says of area.nextRun.says) expect(k.next.stderr).toMatch(says);
      if (!area.nextRun.killOn) expect(k.next.code, k.next.stderr).toBe(0);
      expect(k.after).toBe('old');
      expect(k.remaining).toEqual([]);
      fresh = k.staged;
    }, 120_000);

    it(`killed at ${EARLY_KILLS} random moments of its first seconds: the old or the new state, nothing left after the next start`, async () => {
      for (let i = 0; i < EARLY_KILLS; i++) {
        const at = Math.round(300 + random() * (earlyWindowMs - 300));
        const t = await killOnce(area, at, old, fresh);
        const context = `kill ${i + 1} at ${at} ms (seed ${seed})`;
        // A run that finished first (before the kill, or in the instant between its exit and the
        // kill, when the signal meets a process already gone) must have brought in the new state whole.
        if (t.run.signal === null) expect({ code: t.run.code, state: t.raw }, context).toEqual({ code: 0, state: 'new' });
        else expect(t.run.signal, context).toBe('SIGKILL');
        expect(['old', 'new'], context).toContain(t.raw);
        expect(['old', 'new'], context).toContain(t.after);
        expect(t.remaining, context).toEqual([]);
      }
    }, 90_000);
  });
}

describe.runIf(existsSync(SNAPSHOT_DIR))('interrupted evidence builds', () => {
  // Inside the swap the old evidence sits in evidence.old-* and the complete new one in evidence.tmp-*.
  killTests('data build', (work) => buildArea(work, SNAPSHOT_DIR), [/^evidence\.old-\d+-\d+/, /^evidence\.tmp-\d+-\d+/], 2_500);
});

describe('interrupted exports', () => {
  // Inside the swap the complete new file is the temporary; the old file is still in place.
  killTests('export ledgers', (work) => exportArea(work), [/^\.ledgers\.csv\.\d+\.\d+\.tmp$/], 3_000);
});

describe('interrupted reports', () => {
  killTests('report', (work) => reportArea(work), [/^report\.old-\d+-\d+/, /^report\.tmp-\d+-\d+/], 3_000);
});
