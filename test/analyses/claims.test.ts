// The claim registry: every claim sourced and located, each checked against the evidence with
// the definitions behind its verdict.
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../src/evidence/load.ts';
import type { Observation } from '../../src/evidence/schema.ts';
import { loadSourceRegistry } from '../../src/evidence/sources.ts';
import { DEFAULT_CURATED_DIR } from '../../src/pipeline/build.ts';
import { readAllianceEvidence } from '../../src/analyses/alliances.ts';
import type { AllianceRecord } from '../../src/analyses/alliances.ts';
import { agreesWith, agreesWithin, checkClaim, checkClaims, claimVerdict, parseClaimRegistry, partVerdict, readAllianceDuration } from '../../src/analyses/claims.ts';
import type { Claim, ClaimCheck, ClaimContext } from '../../src/analyses/claims.ts';
import { DEFAULT_CLAIMS_FILE } from '../../src/analyses/files.ts';
import { ALLIANCE_NEEDS, testEvidence } from './support.ts';

async function registry() {
  const sources = new Set((await loadSourceRegistry(DEFAULT_CURATED_DIR)).map((s) => s.id));
  return parseClaimRegistry(DEFAULT_CLAIMS_FILE, await readFile(DEFAULT_CLAIMS_FILE, 'utf8'), sources);
}

describe('verdicts', () => {
  it('reads "about", "at most" and "at least" with their allowances', () => {
    expect(agreesWith({ about: 15, tolerance: 2, unit: 'years' }, 16.9)).toBe(true);
    expect(agreesWith({ about: 15, tolerance: 2, unit: 'years' }, 11.8)).toBe(false);
    expect(agreesWith({ about: 54000, relative_tolerance: 0.05, unit: 'persons' }, 55245)).toBe(true);
    expect(agreesWith({ at_most: 1, tolerance: 0.1, unit: '%' }, 1.06)).toBe(true);
    expect(agreesWith({ at_least: 3, tolerance: 0, unit: 'times' }, 2.9)).toBe(false);
  });

  it('a part is supported when every reading agrees, depends when some do, fails when none do', () => {
    expect(partVerdict([true, true])).toBe('supported');
    expect(partVerdict([true, false, null])).toBe('depends on the definition');
    expect(partVerdict([false, false])).toBe('not supported');
    expect(partVerdict([null])).toBe('not checkable');
    expect(claimVerdict(['supported', 'not checkable'])).toBe('supported');
  });

  it('a claim is not supported when some part is supported by no definition; it depends only when one definition supports every part', () => {
    expect(claimVerdict(['supported', 'not supported'])).toBe('not supported');
    expect(claimVerdict(['not supported', 'depends on the definition', 'depends on the definition'])).toBe('not supported');
    // Every part agrees under some definition, and one definition makes all agree.
    expect(claimVerdict(['depends on the definition', 'supported'], true)).toBe('depends on the definition');
    // ... but no single definition does: no reading of the claim makes it true.
    expect(claimVerdict(['depends on the definition', 'depends on the definition'], false)).toBe('not supported');
    // Parts that are different measures (no shared definitions): a definition is a reading per part.
    expect(claimVerdict(['depends on the definition', 'supported'], null)).toBe('depends on the definition');
  });

  it('judges a median known only as a range on the whole range', () => {
    const fifteen = { about: 15, tolerance: 2, unit: 'years' } as const;
    expect(agreesWithin(fifteen, 25.08, Number.POSITIVE_INFINITY)).toBe(false); // at least 25.1: not about 15
    expect(agreesWithin(fifteen, 14, 16)).toBe(true);
    expect(agreesWithin(fifteen, 10, Number.POSITIVE_INFINITY)).toBeNull(); // at least 10: could be 15, could be 40
    expect(agreesWithin({ at_least: 20, tolerance: 0, unit: 'years' }, 25.08, Number.POSITIVE_INFINITY)).toBe(true);
  });

  it('counts an alliance in force as censored whatever its termination code (hand-made ATOP rows)', () => {
    const obligations = { defense: true, offense: false, neutrality: false, nonaggression: false, consultation: false };
    const row = (atopid: number, begin: number, end: number | null, inForce: boolean, termination: number): AllianceRecord => ({
      atopid, name: `A${atopid}`, begin: { year: begin, month: 1, day: 1 }, end: end === null ? null : { year: end, month: 1, day: 1 }, inForce, termination,
      bilateral: true, obligations, asymmetric: false, base: 0, intcom: 0, members: ['USA', 'JPN'], source: 'atop-5.1', locator: 'fixture',
    });
    // Ended after 4 and 10 years; the third is in force (ineffect = 1) yet coded TERM 3.
    const alliances = [row(1, 1900, 1904, false, 1), row(2, 1900, 1910, false, 2), row(3, 1961, null, true, 3)];
    const median = (definition: 'ended_only' | 'kaplan_meier' | 'in_force_age') => readAllianceDuration({ kind: 'alliance_duration', statistic: 'median', definition, obligation: 'defense' }, alliances);
    const endedOnly = median('ended_only');
    expect(endedOnly.detail).toBe('2 alliances');
    expect(endedOnly.value).toBeCloseTo(7, 2);
    expect(median('in_force_age').value).toBeCloseTo(58, 0);
    // Kaplan-Meier: S(4) = 2/3, S(10) = 1/3; the in-force alliance is at risk until 2018, never an ending.
    const km = median('kaplan_meier');
    expect(km.value).toBeCloseTo(10, 2);
    expect(km.detail).toMatch(/3 alliances, 2 ended, 1 censored/);
    // The post-2018 record can censor an alliance ATOP ends.
    const later = readAllianceDuration({ kind: 'alliance_duration', statistic: 'median', definition: 'ended_only', obligation: 'defense' }, alliances, new Set([2]));
    expect(later.detail).toBe('1 alliances');
    expect(later.value).toBeCloseTo(4, 2);
  });

  it('checks an observation claim on a small evidence fixture, citing the observation', () => {
    const obs: Observation[] = [2018, 2019].map((year, i) => ({
      country: 'JPN', counterpart: '', indicator: 'us_troops_active_duty', year, value: [54279, 55245][i], low: null, high: null,
      source: 'dmdc-personnel', locator: `troops.csv row ${i + 1}`, flags: [], note: '',
    }));
    const context: ClaimContext = {
      evidence: { series: (c, ind) => obs.filter((o) => o.country === c && o.indicator === ind), indicator: () => ({ id: 'us_troops_active_duty', label: '', definition: '', unit: 'persons', dyadic: false, min: 0, max: null }) },
      alliances: [],
      members: [],
    };
    const claim: Claim = {
      id: 'troops', statement: 'About 54,000 U.S. troops are in Japan.', source: 'us-japan-alliance-overview-2019', locator: 'para. 1', year: 2019, topic: 'forces and basing', note: '',
      parts: [{ label: 'troops', stated: { about: 54000, relative_tolerance: 0.05, unit: 'persons' }, readings: [{ kind: 'observation', indicator: 'us_troops_active_duty', country: 'JPN', year: 2020, window: 1 }] }],
      related: [],
    };
    const check = checkClaim(claim, context);
    expect(check.verdict).toBe('supported');
    expect(check.parts[0].readings[0]).toMatchObject({ value: 55245, evidence: [{ source: 'dmdc-personnel', locator: 'troops.csv row 2' }] });
    const far = checkClaim({ ...claim, parts: [{ ...claim.parts[0], readings: [{ kind: 'observation', indicator: 'us_troops_active_duty', country: 'JPN', year: 2024, window: 0 }] }] }, context);
    expect(far.verdict).toBe('not checkable');
  });
});

describe('the registry (curated/claims.yaml)', () => {
  it('cites a registered source and a locator for every claim, and paraphrases it', async () => {
    const r = await registry();
    expect(r.claims.length).toBeGreaterThanOrEqual(8);
    for (const c of r.claims) {
      expect(c.locator).not.toBe('');
      expect(c.parts.length > 0 || c.not_checkable).toBeTruthy();
    }
    expect(r.claims.map((c) => c.id)).toEqual(expect.arrayContaining([
      'defense-alliance-durations', 'us-troops-in-japan', 'japan-defense-spending-one-percent', 'alliance-reliability-leeds-2000', 'alliance-reliability-berkemeier-fuhrmann-2018', 'us-entanglement-five-episodes',
    ]));
  });

  it('stops on a claim citing an unknown source, naming the file, line and field', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'allies-claims-'));
    try {
      const file = path.join(dir, 'claims.yaml');
      const text = (await readFile(DEFAULT_CLAIMS_FILE, 'utf8')).replace('source: beckley-2015', 'source: beckley-2051');
      await writeFile(file, text);
      const sources = new Set((await loadSourceRegistry(DEFAULT_CURATED_DIR)).map((s) => s.id));
      expect(() => parseClaimRegistry(file, text, sources)).toThrow(/claims\.yaml:\d+: field "claims\.\d+\.source": unknown source "beckley-2051"/);
      expect(() => parseClaimRegistry(file, 'claims:\n  - id: x\n    statement: s\n', sources)).toThrow(/claims\.yaml.*field "claims\.0\.source"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('checked against the evidence', () => {
  let evidence: Evidence;
  let cleanup: () => Promise<void>;
  let checks: ClaimCheck[];
  const byId = (id: string) => checks.find((c) => c.claim.id === id)!;
  beforeAll(async () => {
    ({ evidence, cleanup } = await testEvidence({
      tables: ALLIANCE_NEEDS.tables,
      indicators: ['us_troops_active_duty', 'milex_share_gdp', 'milex_usd_current', 'gdp_usd_current', 'population', 'hns_usd'],
      transforms: [...ALLIANCE_NEEDS.transforms, 'troops', 'sipri-milex', 'wdi', 'curated'],
    }));
    const { alliances, members } = readAllianceEvidence(evidence);
    checks = checkClaims(await registry(), { evidence, alliances, members });
  });
  afterAll(() => cleanup());

  it('the 15-year claim is not supported: no definition gives a 15-year median, and none agrees with all three figures', () => {
    const c = byId('defense-alliance-durations');
    expect(c.verdict).toBe('not supported');
    expect(c.reason).toBe('no definition supports the part "median duration"');
    expect(c.parts.map((p) => [p.label, p.verdict])).toEqual([
      ['median duration', 'not supported'],
      ['mean duration', 'depends on the definition'],
      ['share lasting six years or less', 'depends on the definition'],
    ]);
    const [median, mean, short] = c.parts;
    expect(median.readings.map((r) => r.agrees)).toEqual(Array(8).fill(false));
    expect(median.readings[0].value).toBeCloseTo(11.8, 1); // Kaplan-Meier, defense pacts
    expect(median.readings[0].detail).toMatch(/95% interval 9\.4-17\.0 years/);
    // The summary names every definition tried for the failing part, with its figure.
    expect(c.summary).toMatch(/^Verdict: not supported: no definition supports the part "median duration"\./);
    expect(c.summary).toMatch(/median duration \(stated about 15 years \(agrees within ±2\)\): not supported; no definition agrees; tried 8: 11\.8 \(median: Kaplan-Meier, defense pacts/);
    expect(c.summary).toMatch(/6\.86 \(median: ended defense pacts \(ATOP defense = 1\) only\)/);
    expect(c.summary).toMatch(/28\.1 \(median: Kaplan-Meier, all ATOP alliances/);
    expect(mean.verdict).toBe('depends on the definition');
    expect(mean.readings.find((r) => r.agrees)!.definition).toMatch(/those in force counted at their age/);
    expect(short.readings[1]).toMatchObject({ agrees: true }); // ended defense pacts only: 47%
    expect(short.readings[1].value).toBeCloseTo(0.469, 2);
    expect(c.jointly.length).toBe(8);
    expect(c.jointly.every((j) => !j.agrees)).toBe(true);
  });

  it('the Japan treaty turned 60 in January 2020; about 54,000 U.S. troops (DMDC: 54,279 in 2018, 55,245 in 2019)', () => {
    expect(byId('japan-us-alliance-at-60').verdict).toBe('supported');
    const troops = byId('us-troops-in-japan');
    expect(troops.verdict).toBe('supported');
    expect(troops.parts[0].readings.map((r) => r.value)).toEqual([54279, 55245]);
  });

  it('Japan\'s host-nation support depends on the definition: one definition (Japan\'s budget) supports both parts', () => {
    const c = byId('japan-host-nation-support');
    expect(c.verdict).toBe('depends on the definition');
    expect(c.jointly.filter((j) => j.agrees).map((j) => j.definition)).toEqual([expect.stringMatching(/host-nation support budget/)]);
  });

  it('Japan spent at most about 1% of GDP in 1961-2021 (SIPRI), but not since 1954', () => {
    const c = byId('japan-defense-spending-one-percent');
    expect(c.verdict).toBe('depends on the definition');
    expect(c.parts[0].readings.map((r) => r.agrees)).toEqual([true, true, false]);
  });

  it('says which reliability claims it cannot check, and shows ATOP termination data only as related evidence', () => {
    for (const id of ['alliance-reliability-leeds-2000', 'alliance-reliability-berkemeier-fuhrmann-2018', 'us-entanglement-five-episodes']) {
      expect(byId(id).verdict).toBe('not checkable');
    }
    const related = byId('alliance-reliability-leeds-2000').related[0];
    expect(related.agrees).toBeNull();
    expect(related.detail).toMatch(/of \d+ ended alliances/);
  });
});
