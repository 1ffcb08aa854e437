// Cost sharing in DoD's definition, computed once in the evidence build (issue 12): the share
// of the non-personnel cost of stationing U.S. forces that the host's direct and indirect
// support covers, published percentages as published and the others derived from curated
// inputs, with the support totals in DoD's and GAO's scopes kept apart.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { deriveOffsetShares, offsetSharePct } from '../../src/pipeline/cost-sharing.ts';
import { runTransform } from '../support/pipeline.ts';
import type { ListedResult } from '../support/pipeline.ts';

let result: ListedResult;
beforeAll(async () => {
  result = await runTransform('curated');
});

const find = (indicator: string, country: string, year?: number) =>
  result.observations.filter((o) => o.indicator === indicator && o.country === country && (year === undefined || o.year === year));

describe('the offset share, DoD\'s definition', () => {
  it('reproduces the arithmetic CRS states for Japan, 1995: US$ 4.1 bn against US$ 1.3 bn is "76 percent"', () => {
    expect(offsetSharePct(4100, 1300)).toBeCloseTo(75.93, 2);
    const derived = find('hns_offset_share_pct', 'JPN', 1995);
    expect(derived).toHaveLength(1);
    expect(Math.round(derived[0].value!)).toBe(76);
    expect(derived[0].flags).toEqual(['derived', 'estimate']); // its inputs are FY1995 projections
    expect(derived[0].locator).toMatch(/hns_total_support_usd.*us_nonpersonnel_stationing_cost_usd.*crs-94-515/);
  });

  it('keeps DoD\'s published percentage as published (Japan 74.5% in 2002), not derived over it', () => {
    const japan2002 = find('hns_offset_share_pct', 'JPN', 2002);
    expect(japan2002).toHaveLength(1);
    expect(japan2002[0]).toMatchObject({ value: 74.5, source: 'dod-allied-contributions-2004' });
    expect(japan2002[0].flags).not.toContain('derived');
  });

  it('has one observation per country and year, each a percentage with a source and locator', () => {
    const shares = result.observations.filter((o) => o.indicator === 'hns_offset_share_pct');
    const keys = shares.map((o) => `${o.country} ${o.year}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const o of shares) {
      expect(o.value!, `${o.country} ${o.year}`).toBeGreaterThan(0);
      expect(o.value!, `${o.country} ${o.year}`).toBeLessThanOrEqual(100);
      expect(o.locator.length).toBeGreaterThan(0);
    }
    expect(shares.map((o) => o.country)).toEqual(expect.arrayContaining(['JPN', 'KOR', 'DEU']));
  });

  it('derives where both inputs of a country and year exist and nothing is published, with the range of its inputs', () => {
    const o = (country: string, indicator: string, year: number, value: number, extra: Partial<Observation> = {}): Observation => ({
      country, counterpart: '', indicator, year, value, low: null, high: null, source: 'fixture', locator: `${country} ${indicator}`, flags: [], note: '', ...extra,
    });
    const derived = deriveOffsetShares([
      o('AAA', 'hns_total_support_usd', 2010, 300, { low: 200, high: 400 }),
      o('AAA', 'us_nonpersonnel_stationing_cost_usd', 2010, 700),
      o('BBB', 'hns_total_support_usd', 2010, 500),
      o('BBB', 'us_nonpersonnel_stationing_cost_usd', 2011, 500), // another year: not combined
      o('CCC', 'hns_total_support_usd', 2010, 500),
      o('CCC', 'us_nonpersonnel_stationing_cost_usd', 2010, 500),
      o('CCC', 'hns_offset_share_pct', 2010, 40), // published: kept, not derived over
    ]);
    expect(derived).toHaveLength(1);
    expect(derived[0]).toMatchObject({ country: 'AAA', year: 2010, value: 30, low: 22.22, high: 36.36, flags: ['derived'] });
    expect(derived[0].note).toContain('100 x 300 / (300 + 700)');
  });
});

describe('support in DoD\'s and GAO\'s scopes', () => {
  it('holds DoD\'s 2002 totals (direct + indirect) for the hosts the 2004 report compares, with ranges', () => {
    for (const iso of ['JPN', 'DEU', 'KOR', 'ITA', 'GBR']) expect(find('hns_total_support_usd', iso, 2002), iso).toHaveLength(1);
    const [japan] = find('hns_total_support_usd', 'JPN', 2002);
    expect(japan.value).toBe(4410);
    const [germany] = find('hns_total_support_usd', 'DEU', 2002);
    expect(germany.value).toBeCloseTo(4410 / 2.8, 0);
    expect(germany.flags).toEqual(expect.arrayContaining(['derived', 'estimate']));
    expect(germany.low!).toBeLessThan(germany.value!);
  });

  it('keeps direct support apart and below the total where both exist', () => {
    for (const year of [1999, 2002]) {
      const direct = find('hns_direct_support_usd', 'JPN', year)[0].value!;
      const total = find('hns_total_support_usd', 'JPN', year)[0].value!;
      expect(direct, String(year)).toBeLessThan(total);
    }
    expect(find('hns_direct_support_usd', 'JPN', 2019)[0]).toMatchObject({ value: 3150, source: 'gao-21-270' });
    expect(find('hns_direct_support_usd', 'KOR', 2019)[0]).toMatchObject({ value: 1450, source: 'gao-21-270' });
  });

  it('points the provenance of a derived share to the support entry it came from', () => {
    const provenance = result.tables!.find((t) => t.name === 'curated_provenance')!;
    const row = provenance.rows.find((r) => r.indicator === 'hns_offset_share_pct' && r.country === 'JPN' && r.year === 1995)!;
    expect(row.file).toBe('curated/evidence/host-nation-support.yaml');
    expect(row.line).toBeGreaterThan(1);
  });
});

describe('labour force', () => {
  it('holds the World Bank series for the United States and the Philippines, each value with its page', () => {
    expect(find('labour_force', 'USA', 2023)[0]).toMatchObject({ value: 172300802, source: 'wdi-labour-force' });
    expect(find('labour_force', 'PHL', 2024)[0].value).toBe(50979290);
    for (const o of result.observations.filter((x) => x.indicator === 'labour_force')) {
      expect(o.locator, o.country).toMatch(/SL\.TLF\.TOTL\.IN/);
      // Labour force is a part of the population (at most about 65% of it among the allies).
      expect(o.value!, o.country).toBeGreaterThan(1e5);
    }
    expect(find('labour_force', 'JPN')).toHaveLength(0); // not found: missing, never zero
  });
});
