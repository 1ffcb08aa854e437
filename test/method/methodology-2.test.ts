// Methodology 2.0 on the shipped evidence: the corrections an alliance analyst asked for,
// each as a behaviour of the default ledger (issue "A balance sheet an expert would sign").
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';
import { loadLedgerInputs } from '../../src/method/files.ts';
import type { LedgerInputs } from '../../src/method/files.ts';
import { computeLedger, latestYear } from '../../src/method/ledger.ts';
import type { AllyLedger, YearLedger } from '../../src/method/ledger.ts';
import { loadScenarios } from '../../src/scenarios/load.ts';
import { runScenario } from '../../src/scenarios/run.ts';

const EVIDENCE = process.env.ALLIES_EVIDENCE ?? EVIDENCE_DIR;
const built = existsSync(path.join(EVIDENCE, 'observations', 'sipri-milex.csv'));
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'scenarios');

let inputs: LedgerInputs;
let ledger: YearLedger;
const sheet = (ally: string, l: YearLedger = ledger): AllyLedger => {
  const found = l.allies.find((a) => a.ally === ally);
  if (!found) throw new Error(`${ally} is not in the ${l.year} ledger`);
  return found;
};
const line = (ally: string, item: string, l: YearLedger = ledger) => sheet(ally, l).lines.find((x) => x.item === item)!;

describe.runIf(built)('methodology 2.0 on the shipped evidence', () => {
  beforeAll(async () => {
    inputs = await loadLedgerInputs({ evidenceDir: EVIDENCE });
    ledger = computeLedger(inputs, latestYear(inputs));
  });

  it('is version 2 and the 1.x methodology still loads beside it', async () => {
    expect(inputs.methodology.version).toMatch(/^2\./);
    const v1 = await loadLedgerInputs({ evidenceDir: EVIDENCE, methodologyFile: 'methods/default-1.0.yaml' });
    expect(v1.methodology.version).toBe('1.0.0');
    expect(computeLedger(v1, ledger.year).rankedCount).toBeGreaterThan(50);
  });

  it('twice the U.S. forces in Japan do not lower Japan\'s net: its contributions cover the premium of basing them abroad', async () => {
    const { scenarios, context } = await loadScenarios([path.join(FIXTURES, 'us-forces-japan-x2.yaml')], { evidenceDir: EVIDENCE });
    const result = runScenario(scenarios[0], context);
    const before = sheet('JPN', result.ledgers.before);
    const after = sheet('JPN', result.ledgers.after);
    expect(line('JPN', 'us_forces_hosted', result.ledgers.after).raw!).toBeGreaterThan(line('JPN', 'us_forces_hosted', result.ledgers.before).raw!);
    expect(after.net!).toBeGreaterThanOrEqual(before.net! - 1e-9);
    expect(line('JPN', 'forward_presence_premium', result.ledgers.after).raw).toBe(0);
  });

  it('hosting is access, not cost: the forces hosted and the premium do not move one-for-one', () => {
    const hosted = line('JPN', 'us_forces_hosted');
    const premium = line('JPN', 'forward_presence_premium');
    expect(hosted.contribution!).toBeGreaterThan(0);
    expect(premium.raw).toBe(0);
  });

  it('a stand-in is said, not hidden: forces hosted with no rotation reported say the 0 counted for it; with one reported, nothing stands in', () => {
    const germany = line('DEU', 'us_forces_hosted');
    expect(germany.missing).toBe(false);
    expect(germany.stoodIn).toEqual([expect.stringMatching(/^no us_troops_rotational for DEU in \d{4}-\d{4}: counted as 0, as the methodology states$/)]);
    const poland = line('POL', 'us_forces_hosted');
    expect(poland.observations.some((o) => o.indicator === 'us_troops_rotational')).toBe(true);
    expect(poland.stoodIn).toEqual([]);
    // A missing line carries its reason, never a stand-in.
    for (const l of sheet('DEU').lines) if (l.missing) expect(l.stoodIn).toEqual([]);
  });

  it('a later alternative that stands in is named: Germany\'s host-nation support in 2010 is its total support, said so', () => {
    const premium = line('DEU', 'forward_presence_premium', computeLedger(inputs, 2010));
    expect(premium.stoodIn).toContainEqual(
      expect.stringMatching(/^no hns_direct_support_usd for DEU in \d{4}-2010: hns_total_support_usd stands in, as the methodology states$/),
    );
  });

  it('Poland, at 4.15% of GDP in 2024, has a shortfall near zero; the shortfall is in percentage points, not dollars', () => {
    expect(line('POL', 'defense_effort').raw).toBeCloseTo(4.15, 1);
    expect(line('POL', 'spending_shortfall').raw!).toBeLessThan(0.5);
    expect(line('POL', 'spending_shortfall').score!).toBeLessThan(3);
    expect(line('POL', 'spending_shortfall').unit).toMatch(/percentage-point/);
  });

  it('Germany, Poland and Lithuania are tied to other allies through NATO on their ledgers, as on the Network page', () => {
    for (const ally of ['DEU', 'POL', 'LTU']) {
      const ties = line(ally, 'allied_ties');
      expect(ties.raw!, ally).toBeGreaterThan(0.9);
      expect(ties.tables.some((t) => t.group === 'atop-3180'), `${ally} through NATO (ATOP 3180)`).toBe(true);
    }
  });

  it('Taiwan\'s entrapment exposure is at the top of the allies, or the ledger says why another ally\'s is higher', () => {
    const taiwan = line('TWN', 'entrapment_exposure').raw!;
    const above = ledger.allies.filter((a) => (a.lines.find((l) => l.item === 'entrapment_exposure')!.raw ?? -1) > taiwan);
    // Israel (2024): CFR rated a regional war with Iran highly likely, and it happened.
    expect(above.map((a) => a.ally)).toEqual(['ISR']);
    for (const a of above) {
      const note = a.lines.find((l) => l.item === 'entrapment_exposure')!.observations.map((o) => o.note).join(' ');
      expect(note).toMatch(/Taiwan/);
    }
    expect(inputs.methodology.items.find((i) => i.id === 'entrapment_exposure')!.rationale).toMatch(/Israel scores above Taiwan/);
    // Taiwan is above every ally whose flashpoint had not turned into fighting, Japan and Korea included.
    expect(taiwan).toBeGreaterThan(line('JPN', 'entrapment_exposure').raw!);
    expect(taiwan).toBeGreaterThan(line('KOR', 'entrapment_exposure').raw!);
  });

  it('the theater gap does not count the ally\'s own spending again: allies facing one rival share one value', () => {
    const europe = ['DEU', 'POL', 'LTU', 'FRA'].map((a) => line(a, 'theater_capability_gap').raw);
    expect(new Set(europe).size).toBe(1);
    expect(line('JPN', 'theater_capability_gap').raw).toBe(line('AUS', 'theater_capability_gap').raw);
  });
});
