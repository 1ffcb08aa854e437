// Asymmetry as separate measures: obligations read from ATOP's member level (never typed by
// hand), capability ratios, basing and cost, each with the observations behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../src/evidence/load.ts';
import type { Observation } from '../../src/evidence/schema.ts';
import { readAllianceEvidence } from '../../src/analyses/alliances.ts';
import type { AllianceEvidence } from '../../src/analyses/alliances.ts';
import { ASYMMETRY_INDICATORS, asymmetryProfile, costProfile, directedCommitments, referenceCostPerTroop } from '../../src/analyses/asymmetry.ts';
import type { AsymmetryProfile } from '../../src/analyses/asymmetry.ts';
import type { EvidenceView } from '../../src/analyses/sourced.ts';
import { ALLIANCE_NEEDS, testEvidence } from './support.ts';

describe('asymmetry of U.S. allies (real evidence)', () => {
  let evidence: Evidence;
  let cleanup: () => Promise<void>;
  let atop: AllianceEvidence;
  const profile = (iso3: string): AsymmetryProfile =>
    asymmetryProfile({ evidence, commitments: atop.commitments, members: atop.members, allies: evidence.allies().map((a) => a.iso3) }, { iso3, name: evidence.country(iso3)!.name }, 2024);
  beforeAll(async () => {
    ({ evidence, cleanup } = await testEvidence({
      tables: ALLIANCE_NEEDS.tables,
      indicators: ASYMMETRY_INDICATORS,
      transforms: [...ALLIANCE_NEEDS.transforms, 'cow', 'wdi', 'sipri-milex', 'capitals', 'troops', 'bases', 'curated'],
    }));
    atop = readAllianceEvidence(evidence);
  });
  afterAll(() => cleanup());

  it('U.S.-Japan: the United States owes Japan defense, Japan owes none, read from the two ATOP member rows', () => {
    const japan = profile('JPN');
    const treaty = japan.obligations.commitments.find((c) => c.atopid === 3375)!;
    expect(treaty.basis).toBe('ATOP member level');
    expect(treaty.usOwes).toContain('defense');
    expect(treaty.allyOwes).not.toContain('defense');
    expect(treaty.pattern).toBe('U.S. guarantee');
    expect(treaty.differences).toContain('the U.S. owes defense; Japan does not');
    expect(treaty.cites.map((c) => c.locator)).toEqual(expect.arrayContaining([expect.stringMatching(/^atop\/atop5_1m\.csv row \d+$/)]));
    expect(treaty.base.code).toBe(3); // non-reciprocal stationing
    expect(japan.obligations.pattern).toBe('U.S. guarantee');
    expect(japan.basing.reciprocal).toBe(false);
  });

  it('NATO: every member owes every other the same, so the obligations are symmetric', () => {
    for (const iso of ['DEU', 'POL', 'GBR', 'LTU']) {
      const nato = profile(iso).obligations.commitments.find((c) => c.commitment === 'nato')!;
      expect(nato.basis, iso).toBe('ATOP member level');
      expect(nato.pattern, iso).toBe('mutual defense');
      expect(nato.symmetric, iso).toBe(true);
      expect(nato.usOwes, iso).toEqual(nato.allyOwes);
    }
    // Finland joined after ATOP's coverage: the curated accession row says where its coding comes from.
    const finland = profile('FIN').obligations.commitments.find((c) => c.commitment === 'nato')!;
    expect(finland).toMatchObject({ basis: 'curated', pattern: 'mutual defense', current: true });
  });

  it('Taiwan and New Zealand: no U.S. defense obligation in force, past treaties listed as past', () => {
    const taiwan = profile('TWN');
    expect(taiwan.obligations.pattern).toBe('no defense obligation');
    expect(taiwan.obligations.commitments.find((c) => c.atopid === 3270)).toMatchObject({ current: false, pattern: 'mutual defense' });
    expect(profile('NZL').obligations.pattern).toBe('no defense obligation');
  });

  it('capability ratios are the ally\'s value over the counterpart\'s, citing both observations', () => {
    const japan = profile('JPN');
    const milex = japan.capability.toUnitedStates.ratios.milex!;
    const jpn = evidence.latest('JPN', 'milex_usd_current', { upTo: 2024 })!;
    const usa = evidence.latest('USA', 'milex_usd_current', { upTo: 2024 })!;
    expect(milex.value).toBeCloseTo(jpn.value! / usa.value!, 10);
    expect(milex.cites.map((c) => c.country)).toEqual(['JPN', 'USA']);
    expect(japan.capability.principalRival).toBe('PRK');
    expect(japan.capability.principalThreat).toBe('CHN');
    expect(japan.capability.toRivals.find((r) => r.counterpart === 'PRK')!.ratios.milex).toBeNull(); // SIPRI has no figure
  });

  it('basing and cost: troops from DMDC; the offset share is DoD\'s, read from the one indicator', () => {
    const japan = profile('JPN');
    expect(japan.basing.troops!.cites[0].source).toBe('dmdc-personnel');
    expect(japan.cost.usStationingCost).toMatchObject({ year: 2019 });
    // DoD's 74.5% for 2002 (support / (support + U.S. non-personnel cost)), not GAO's US$ 3,150 m / 5,225 m.
    const published = evidence.latest('JPN', 'hns_offset_share_pct', { upTo: 2024 })!;
    expect(published).toMatchObject({ year: 2002, value: 74.5, source: 'dod-allied-contributions-2004' });
    expect(japan.cost.offsetShare).toMatchObject({ value: 0.745, year: 2002, unit: 'share' });
    expect(japan.cost.offsetShare!.value).not.toBeCloseTo(3150 / 5225, 2);
    expect(japan.definitions.join(' ')).toMatch(/non-personnel|other than military pay/);
  });
});

describe('cost estimates', () => {
  const obs = (country: string, indicator: string, year: number, value: number): Observation => ({
    country, counterpart: '', indicator, year, value, low: null, high: null, source: 'fixture', locator: `${country} ${indicator}`, flags: [], note: '',
  });
  const rows = [
    obs('AAA', 'us_stationing_cost_per_troop_usd', 2019, 100_000),
    obs('BBB', 'us_stationing_cost_per_troop_usd', 2019, 150_000),
    obs('CCC', 'us_stationing_cost_per_troop_usd', 2019, 120_000),
    obs('DDD', 'us_troops_active_duty', 2024, 1000),
  ];
  const evidence: EvidenceView = {
    series: (c, i) => rows.filter((o) => o.country === c && o.indicator === i),
    latest: (c, i, o) => rows.filter((r) => r.country === c && r.indicator === i && r.year <= (o?.upTo ?? 9999)).at(-1),
    indicator: () => ({ id: 'x', label: 'x', definition: 'x', unit: 'US$', dyadic: false, min: null, max: null }),
  };

  it('without a published cost, estimates troops x the median published cost per troop, flagged and cited', () => {
    const reference = referenceCostPerTroop(evidence, ['AAA', 'BBB', 'CCC', 'DDD'], 2024)!;
    expect(reference.value).toBe(120_000);
    const troops = { value: 1000, unit: 'persons', year: 2024, flags: [], note: '', cites: [] };
    const cost = costProfile(evidence, 'DDD', 2024, troops, reference);
    expect(cost.usStationingCost).toMatchObject({ value: 120, flags: ['derived', 'estimate'] });
    expect(cost.costMethod).toMatch(/estimate/);
    expect(cost.hostNationSupport).toBeNull(); // missing stays missing
    expect(cost.offsetShare).toBeNull();
  });

  it('lists no obligations for an ally without commitments', () => {
    expect(directedCommitments('DDD', 'D', [], [])).toEqual([]);
  });
});
