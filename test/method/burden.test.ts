// Burden sharing in the DoD's manner (issue 12): each contribution set against its own ability
// measure (GDP for spending, labour force for manpower, population as a stated and flagged
// proxy where the labour-force series is too sparse), cost sharing as DoD's offset share (the
// one indicator the asymmetry table reads too), no ratio over fewer countries than the
// methodology's minimum, and the year of every input. Run on the shipped evidence with the
// burden_sharing section of methodology 2.0 (methods/default.yaml),
// and on small fixtures for the rules themselves.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { costProfile, offsetShare } from '../../src/analyses/asymmetry.ts';
import { loadEvidence } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { computeBurdenSharing } from '../../src/method/burden.ts';
import type { BurdenReport } from '../../src/method/burden.ts';
import { BurdenSharing } from '../../src/method/methodology.ts';
import type { Methodology } from '../../src/method/methodology.ts';
import { ALLIES, baseObservations, fixtureEvidence, fixtureMethodology, obs } from './fixtures.ts';

const PROPOSAL = path.join(import.meta.dirname, '..', '..', 'methods', 'default.yaml');

/** The methodology 1.x burden_sharing section, as shipped before 2.0 (no new fields). */
const SECTION_1X = {
  ability: { label: 'GDP', indicator: 'gdp_usd_current', fallback: ['gdp_usd_current_curated'], unit: 'current US$' },
  contributions: [
    { id: 'defense_spending', label: 'Defense spending', indicator: 'milex_usd_current', unit: 'US$ m (current)', extra_countries: ['USA'] },
    { id: 'military_personnel', label: 'Military personnel', indicator: 'cow_milper', unit: 'thousand troops', extra_countries: ['USA'] },
    { id: 'host_nation_support', label: 'Host-nation support', indicator: 'hns_usd', unit: 'US$ m (current)' },
  ],
  staleness_years: 3,
  rationale: 'The DoD measure of fair shares, as methodology 1.x states it.',
  citations: [{ source: 'dod-allied-contributions-2004', locator: 'burden-sharing indicators' }],
};

const YEAR = 2024;
let evidence: Evidence;
let proposal: BurdenSharing;
let report: BurdenReport;
let report1x: BurdenReport;

/** computeBurdenSharing reads only the burden_sharing section of a methodology. */
const withSection = (b: BurdenSharing) => ({ burden_sharing: b }) as Methodology;
const cell = (r: BurdenReport, iso: string, id: string) => r.rows.find((x) => x.country === iso)!.cells[id];

beforeAll(async () => {
  evidence = await loadEvidence();
  proposal = BurdenSharing.parse((parse(await readFile(PROPOSAL, 'utf8')) as { burden_sharing: unknown }).burden_sharing);
  report = computeBurdenSharing(evidence, withSection(proposal), YEAR);
  report1x = computeBurdenSharing(evidence, withSection(BurdenSharing.parse(SECTION_1X)), YEAR);
});

describe('the methodology schema', () => {
  it('keeps a 1.x burden_sharing section loadable: new fields are optional, with defaults', () => {
    const b = BurdenSharing.parse(SECTION_1X);
    expect(b.min_countries).toBe(5);
    expect(b.ability.min_coverage).toBe(0.9);
    expect(b.ability.proxy).toBeUndefined();
    expect(b.contributions.map((c) => c.measure)).toEqual(['share_ratio', 'share_ratio', 'share_ratio']);
    expect(b.contributions.every((c) => c.ability === undefined && c.staleness_years === undefined)).toBe(true);
  });

  it('rejects what is not a burden-sharing setting', () => {
    expect(BurdenSharing.safeParse({ ...SECTION_1X, min_countries: 1 }).success).toBe(false);
    expect(BurdenSharing.safeParse({ ...SECTION_1X, contributions: [{ ...SECTION_1X.contributions[0], measure: 'ratio' }] }).success).toBe(false);
    const proxyless = { ...SECTION_1X.ability, proxy: { label: 'Population', indicator: 'population', unit: 'persons' } };
    expect(BurdenSharing.safeParse({ ...SECTION_1X, ability: proxyless }).success).toBe(false); // a proxy states its rationale
  });

  it('names in the 2.0 proposal only indicators the evidence has', () => {
    const ids = new Set(evidence.indicators.map((i) => i.id));
    const named = [proposal.ability, ...proposal.contributions, ...proposal.contributions.flatMap((c) => (c.ability ? [c.ability, ...(c.ability.proxy ? [c.ability.proxy] : [])] : []))]
      .flatMap((x) => [x.indicator, ...x.fallback]);
    for (const id of named) expect(ids.has(id), id).toBe(true);
  });
});

describe('burden sharing on the shipped evidence (2.0 proposal)', () => {
  it('sets military personnel against the labour force, or against population as a stated, flagged proxy', () => {
    const personnel = report.contributions.find((c) => c.id === 'military_personnel')!;
    const ability = personnel.ability!;
    const usa = cell(report, 'USA', 'military_personnel');
    if (ability.proxy) {
      expect(ability.indicator).toBe('population');
      expect(ability.coverage.with / ability.coverage.of).toBeLessThan(0.9);
      expect(ability.note).toMatch(/Labour force \(labour_force\) covers \d+ of \d+ countries.*stated proxy/);
      expect(usa.ability!.observation.indicator).toBe('population');
    } else {
      expect(ability.indicator).toBe('labour_force');
      expect(usa.ability!.observation.indicator).toBe('labour_force');
    }
    // Never mixed: every counted country is set against the same measure (its fallback is the same
    // measure from another source, e.g. Taiwan's population from its household register).
    const spec = proposal.contributions.find((c) => c.id === 'military_personnel')!.ability!;
    const measure = ability.proxy ? [spec.proxy!.indicator, ...spec.proxy!.fallback] : [spec.indicator, ...spec.fallback];
    for (const r of report.rows) {
      const x = r.cells.military_personnel;
      if (x.ratio !== null) expect(measure, r.country).toContain(x.ability!.observation.indicator);
    }
    // Spending keeps GDP.
    expect(report.contributions[0].ability).toMatchObject({ indicator: 'gdp_usd_current', proxy: false });
  });

  it('gives the United States about its fair share of manpower (DoD: manpower over labour force), not 0.45 as over GDP', () => {
    const now = cell(report, 'USA', 'military_personnel').ratio!;
    const overGdp = cell(report1x, 'USA', 'military_personnel').ratio!;
    expect(overGdp).toBeLessThan(0.6);
    expect(now).toBeGreaterThan(1.0);
    expect(now).toBeLessThan(1.5);
  });

  it('gives the Philippines less than its share of manpower for its labour force, not three times its share as over GDP', () => {
    const now = cell(report, 'PHL', 'military_personnel').ratio!;
    expect(cell(report1x, 'PHL', 'military_personnel').ratio!).toBeGreaterThan(2);
    expect(now).toBeGreaterThan(0.2);
    expect(now).toBeLessThan(0.7);
  });

  it('shows cost sharing as DoD\'s offset share, one number with the asymmetry table, for Japan and Korea', () => {
    const costSharing = report.contributions.find((c) => c.id === 'cost_sharing')!;
    expect(costSharing).toMatchObject({ measure: 'level', indicator: 'hns_offset_share_pct', ability: null, total: null });
    for (const iso of ['JPN', 'KOR']) {
      const inBurden = cell(report, iso, 'cost_sharing');
      const indicator = evidence.latest(iso, 'hns_offset_share_pct', { upTo: YEAR })!;
      const inAsymmetry = costProfile(evidence, iso, YEAR, null, null).offsetShare!;
      expect(inBurden.contribution!.value, iso).toBe(indicator.value);
      expect(inBurden.contribution!.year, iso).toBe(indicator.year);
      expect(inAsymmetry.value * 100, iso).toBeCloseTo(indicator.value!, 10);
      expect(offsetShare(evidence, iso, YEAR), iso).toEqual(inAsymmetry);
      expect(inBurden.ratio, iso).toBeNull(); // a level, not an HNS-dollars ratio
    }
    expect(cell(report, 'JPN', 'cost_sharing').contribution).toMatchObject({ value: 74.5, year: 2002 });
  });

  it('computes no ratio over fewer countries than the minimum, and says why', () => {
    // 1.x's host-nation support in dollars: two countries (Japan, Korea), below the minimum of 5.
    const hns = report1x.contributions.find((c) => c.id === 'host_nation_support')!;
    expect(hns.counted).toBeLessThan(5);
    expect(hns).toMatchObject({ total: null, abilityTotal: null });
    expect(hns.reason).toMatch(/minimum is 5/);
    for (const iso of ['JPN', 'KOR']) {
      const c = cell(report1x, iso, 'host_nation_support');
      expect(c.contribution).not.toBeNull();
      expect(c).toMatchObject({ ratio: null, share: null, rank: null });
      expect(c.reason).toMatch(/only \d countries have both hns_usd and gdp_usd_current \(the methodology's minimum is 5\)/);
    }
    // The offset share has fewer published or derived values than the minimum: shown, not ranked.
    const costSharing = report.contributions.find((c) => c.id === 'cost_sharing')!;
    if (costSharing.counted < report.minCountries) {
      expect(costSharing.reason).toMatch(/shown, not ranked/);
      expect(report.rows.every((r) => r.cells.cost_sharing.rank === null)).toBe(true);
    }
  });

  it('reports the year of every input per country, and the years of the totals', () => {
    for (const r of report.rows) {
      for (const c of report.contributions) {
        const x = r.cells[c.id];
        if (x.ratio === null) continue;
        expect(x.contribution!.year, `${r.country} ${c.id}`).toBeLessThanOrEqual(YEAR);
        expect(x.ability!.year, `${r.country} ${c.id}`).toBeGreaterThanOrEqual(YEAR - proposal.staleness_years);
      }
    }
    const spending = report.contributions[0];
    expect(spending.years.contribution![1]).toBe(2024); // SIPRI spending of the year
    expect(spending.years.ability![1]).toBe(2023); // World Bank GDP a year behind
    const personnel = report.contributions.find((c) => c.id === 'military_personnel')!;
    expect(personnel.years.contribution![1]).toBeLessThan(YEAR); // COW personnel ends earlier
    expect(cell(report, 'JPN', 'military_personnel').contribution!.year).toBe(personnel.years.contribution![1]);
  });
});

describe('the rules on fixture evidence', () => {
  const section = (extra: object) => BurdenSharing.parse({
    ability: { label: 'GDP', indicator: 'gdp', unit: 'US$' },
    contributions: [{ id: 'troops', label: 'Troops', indicator: 'troops', unit: 'thousand', ...extra }],
    staleness_years: 2,
    rationale: 'Shares of contribution over shares of ability.',
    citations: [{ source: 'test-publication' }],
  });
  const labourForce = {
    ability: {
      label: 'Labour force', indicator: 'lf', unit: 'persons', min_coverage: 0.8,
      proxy: { label: 'Population', indicator: 'pop', unit: 'persons', rationale: 'population approximates the labour force' },
    },
  };
  const troops = [10, 40, 5, 80, 2];
  const pop = [10, 20, 30, 40, 50].map((x) => x * 1e6);
  const lf = [5, 10, 15, 20, 25].map((x) => x * 1e6);

  function run(lfAllies: readonly string[], extra: object = labourForce, minCountries?: number) {
    const observations = [
      ...baseObservations(),
      ...ALLIES.map((a, i) => obs(a, 'pop', 2024, pop[i])),
      ...ALLIES.flatMap((a, i) => (lfAllies.includes(a) ? [obs(a, 'lf', 2023, lf[i])] : [])),
    ];
    const ev = fixtureEvidence(observations);
    const m = fixtureMethodology(ev);
    const b = section(extra);
    return computeBurdenSharing(ev, { ...m, burden_sharing: minCountries ? { ...b, min_countries: minCountries } : b }, 2024);
  }
  const ratios = (r: BurdenReport) => ALLIES.map((a) => cell(r, a, 'troops').ratio);

  it('uses the labour force where it covers enough countries, leaving the others out (missing, never zero)', () => {
    const r = run(['AAA', 'BBB', 'CCC', 'DDD'], labourForce, 4);
    const s = r.contributions[0];
    expect(s.ability).toMatchObject({ indicator: 'lf', proxy: false, coverage: { with: 4, of: 5 } });
    const t = troops.slice(0, 4);
    const l = lf.slice(0, 4);
    const total = t.reduce((a, b) => a + b, 0);
    const lfTotal = l.reduce((a, b) => a + b, 0);
    ratios(r).slice(0, 4).forEach((x, i) => expect(x).toBeCloseTo((t[i] / total) / (l[i] / lfTotal)));
    expect(cell(r, 'EEE', 'troops')).toMatchObject({ ratio: null, ability: null });
    expect(cell(r, 'EEE', 'troops').reason).toMatch(/no lf within 2 years of 2024/);
    expect(s.years.ability).toEqual([2023, 2023]);
  });

  it('switches every country to the stated proxy below the coverage threshold, flagged', () => {
    const r = run(['AAA', 'BBB']);
    const s = r.contributions[0];
    expect(s.ability).toMatchObject({ indicator: 'pop', proxy: true, coverage: { with: 2, of: 5 } });
    expect(s.ability!.label).toBe('Population, proxy for labour force');
    const total = troops.reduce((a, b) => a + b, 0);
    const popTotal = pop.reduce((a, b) => a + b, 0);
    ratios(r).forEach((x, i) => expect(x).toBeCloseTo((troops[i] / total) / (pop[i] / popTotal)));
    expect(s.years.ability).toEqual([2024, 2024]);
  });

  it('computes no ratio below min_countries, and does at the minimum', () => {
    const below = run(['AAA', 'BBB', 'CCC', 'DDD'], labourForce, 5);
    expect(ratios(below).every((x) => x === null)).toBe(true);
    expect(below.contributions[0].reason).toMatch(/only 4 countries have both troops and lf \(the methodology's minimum is 5\): no ratio/);
    expect(cell(below, 'AAA', 'troops').contribution).not.toBeNull(); // the value is still shown
    const at = run(['AAA', 'BBB', 'CCC', 'DDD'], labourForce, 4);
    expect(ratios(at).filter((x) => x !== null)).toHaveLength(4);
  });

  it('shows a level contribution as its value with its year, ranked only from the minimum on', () => {
    const r = run([], { measure: 'level' });
    const s = r.contributions[0];
    expect(s).toMatchObject({ measure: 'level', ability: null, counted: 5, total: null, reason: null });
    expect(cell(r, 'DDD', 'troops')).toMatchObject({ ratio: null, share: null, rank: 1, contribution: { value: 80, year: 2024 } });
    const few = run([], { measure: 'level' }, 6);
    expect(few.contributions[0].reason).toMatch(/only 5 countries have troops \(the methodology's minimum is 6\): shown, not ranked/);
    expect(cell(few, 'DDD', 'troops').rank).toBeNull();
  });
});
