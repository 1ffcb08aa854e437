// The curated transform: hand-kept evidence in curated/evidence/*.yaml becomes sourced
// observations, and a malformed entry stops the build naming the file, line and field.
import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CURATED_DIR } from '../../src/pipeline/build.ts';
import { Observation } from '../../src/evidence/schema.ts';
import { loadSourceRegistry } from '../../src/evidence/sources.ts';
import { CURATED_INDICATORS, CURATED_SOURCES, transform } from '../../src/pipeline/transforms/curated.ts';
import { listed, runTransform, snapshotContext } from '../support/pipeline.ts';
import type { ListedResult } from '../support/pipeline.ts';

let result: ListedResult;
beforeAll(async () => {
  result = await runTransform('curated');
});

function find(indicator: string, country: string, year: number, counterpart = '') {
  return result.observations.filter((o) => o.indicator === indicator && o.country === country && o.year === year && o.counterpart === counterpart);
}

describe('curated evidence as shipped', () => {
  it('runs without snapshots and writes only declared indicators', () => {
    expect(transform.needsSnapshot).toBe(false);
    const declared = new Set(CURATED_INDICATORS.map((i) => i.id));
    for (const o of result.observations) expect(declared.has(o.indicator), o.indicator).toBe(true);
  });

  it('gives every observation a valid shape, a known source and a locator', async () => {
    const known = new Set((await loadSourceRegistry(DEFAULT_CURATED_DIR)).map((s) => s.id));
    for (const o of result.observations) {
      expect(Observation.safeParse(o).success, JSON.stringify(o)).toBe(true);
      expect(known.has(o.source), o.source).toBe(true);
      expect(o.locator.length).toBeGreaterThan(0);
    }
  });

  it('lists in the transform exactly the sources the curated files cite', () => {
    const cited = new Set(result.observations.map((o) => o.source));
    for (const s of cited) expect(CURATED_SOURCES, `${s} is cited but not in CURATED_SOURCES`).toContain(s);
  });

  it('keeps every value within its indicator\'s plausible range', () => {
    const byId = new Map(CURATED_INDICATORS.map((i) => [i.id, i]));
    for (const o of result.observations) {
      const ind = byId.get(o.indicator)!;
      if (o.value === null) continue;
      expect(o.value, `${o.indicator} ${o.country} ${o.year}`).toBeGreaterThanOrEqual(ind.min!);
      expect(o.value, `${o.indicator} ${o.country} ${o.year}`).toBeLessThanOrEqual(ind.max!);
    }
  });

  it('states the Japan figures of the U.S.-Japan overview with source and locator', () => {
    const troops = find('us_troops_stated', 'JPN', 2019);
    expect(troops).toHaveLength(1);
    expect(troops[0]).toMatchObject({ value: 54000, source: 'us-japan-alliance-overview-2019', locator: 'para. 1' });
    const facilities = find('exclusive_use_facilities', 'JPN', 2019);
    expect(facilities[0]).toMatchObject({ value: 85, source: 'us-japan-alliance-overview-2019', locator: 'para. 1' });
    const hns = find('hns_usd_stated', 'JPN', 2019);
    expect(hns[0]).toMatchObject({ value: 2000, high: 2000, source: 'us-japan-alliance-overview-2019', locator: 'para. 5' });
    expect(hns[0].note).toContain('nearly $2 billion');
  });

  it('holds the host-nation support agreements in national currency', () => {
    expect(find('hns_local_currency', 'KOR', 2019)[0]).toMatchObject({ value: 1038900, source: 'mofa-kr-sma10-2019' });
    expect(find('hns_local_currency', 'KOR', 2021)[0]).toMatchObject({ value: 1183300 });
    expect(find('hns_local_currency', 'KOR', 2026)[0]).toMatchObject({ value: 1519200, source: 'kbs-2024-11-sma12' });
    expect(find('hns_local_currency', 'KOR', 2026)[0].note).toContain('amount in KRW');
    // Japan's 2022-2026 SMA: 1,055.1 bn yen over five fiscal years.
    const japan = [2022, 2023, 2024, 2025, 2026].map((y) => find('hns_local_currency', 'JPN', y)[0].value!);
    expect(japan.reduce((a, b) => a + b, 0)).toBeCloseTo(1_055_100, 0);
  });

  it('derives dollar amounts from the stated conversion and says so', () => {
    const korea2021 = find('hns_usd', 'KOR', 2021)[0];
    expect(korea2021.flags).toContain('derived');
    expect(korea2021.value).toBeCloseTo(1183300 / 1143.9, 0);
    expect(korea2021.note).toContain('converted from 1,183,300 m KRW at 1143.9 KRW per US$ (sipri-milex-2025');
  });

  it('covers Taiwan\'s GDP and population in their own indicators', () => {
    const gdp = result.observations.filter((o) => o.indicator === 'gdp_usd_current_curated' && o.country === 'TWN');
    expect(gdp.map((o) => o.year)).toEqual(expect.arrayContaining([2000, 2010, 2020, 2023]));
    const gdp2023 = gdp.find((o) => o.year === 2023)!;
    expect(gdp2023.value).toBeGreaterThan(7e11);
    expect(gdp2023.low!).toBeLessThan(gdp2023.value!);
    expect(find('population_curated', 'TWN', 2023)[0].value).toBe(23420442);
  });

  it('keeps the Senkaku patrol records as dyadic observations with China', () => {
    expect(find('senkaku_ccg_consecutive_days', 'JPN', 2024, 'CHN')[0]).toMatchObject({ value: 215 });
    expect(find('senkaku_ccg_contiguous_zone_days', 'JPN', 2023, 'CHN')[0]).toMatchObject({ value: 352 });
  });

  it('codes flashpoint disputes for the reference allies and names them', () => {
    for (const iso of ['JPN', 'KOR', 'TWN', 'PHL', 'AUS', 'NZL', 'DEU', 'FRA', 'GBR', 'POL', 'LTU', 'ISR']) {
      expect(find('flashpoint_disputes', iso, 2024), iso).toHaveLength(1);
    }
    expect(find('flashpoint_disputes', 'JPN', 2024)[0].note).toMatch(/Senkaku.*Northern Territories/);
    expect(find('flashpoint_disputes', 'PHL', 2024)[0].note).toMatch(/Second Thomas Shoal.*Scarborough/);
  });

  it('writes the file and line of every entry', () => {
    const provenance = result.tables!.find((t) => t.name === 'curated_provenance')!;
    expect(provenance.rows).toHaveLength(result.observations.length);
    const troops = provenance.rows.find((r) => r.indicator === 'us_troops_stated' && r.country === 'JPN' && r.year === 2019)!;
    expect(troops.file).toBe('curated/evidence/stated-figures.yaml');
    expect(troops.line).toBeGreaterThan(1);
  });
});

describe('curated files with mistakes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'curated-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A curated folder with the real source registry and one evidence file holding `yaml`. */
  async function curatedWith(name: string, yaml: string): Promise<string> {
    const curated = path.join(dir, name, 'curated');
    await mkdir(path.join(curated, 'evidence'), { recursive: true });
    await cp(path.join(DEFAULT_CURATED_DIR, 'sources.yaml'), path.join(curated, 'sources.yaml'));
    await cp(path.join(DEFAULT_CURATED_DIR, 'sources'), path.join(curated, 'sources'), { recursive: true });
    await writeFile(path.join(curated, 'evidence', 'bases.yaml'), yaml);
    return curated;
  }

  async function runOn(curatedDir: string) {
    const ctx = await snapshotContext();
    return listed(await transform.run({ ...ctx, curatedDir }));
  }

  const header = 'subject: test\nseries:\n  - indicator: exclusive_use_facilities\n    unit: facilities\n    entries:\n';
  const good = '      - { country: JPN, year: 2019, value: 85, source: us-japan-alliance-overview-2019, locator: "para. 1" }\n';

  it('accepts a well-formed file', async () => {
    const { observations } = await runOn(await curatedWith('good', header + good));
    expect(observations).toHaveLength(1);
  });

  it('rejects an unknown country code, naming file, line and field', async () => {
    const bad = good.replace('JPN', 'XYZ');
    await expect(runOn(await curatedWith('country', header + good.replace('2019', '2018') + bad)))
      .rejects.toThrow(/bases\.yaml:7: field "series\.0\.entries\.1\.country": unknown country code "XYZ"/);
  });

  it('rejects an unknown source id', async () => {
    const bad = good.replace('us-japan-alliance-overview-2019', 'no-such-report');
    await expect(runOn(await curatedWith('source', header + bad)))
      .rejects.toThrow(/bases\.yaml:6: field "series\.0\.entries\.0\.source": unknown source "no-such-report"/);
  });

  it('rejects a value of the wrong type', async () => {
    const bad = good.replace('value: 85', 'value: "many"');
    await expect(runOn(await curatedWith('type', header + bad)))
      .rejects.toThrow(/bases\.yaml:6: field "series\.0\.entries\.0\.value": .*expected number/);
  });

  it('rejects a duplicated entry', async () => {
    await expect(runOn(await curatedWith('duplicate', header + good + good)))
      .rejects.toThrow(/bases\.yaml:7: field "series\.0\.entries\.1": duplicate entry: JPN 2019 from us-japan-alliance-overview-2019 is already given at entries\.0/);
  });

  it('rejects a unit that differs from the declared one', async () => {
    await expect(runOn(await curatedWith('unit', header.replace('unit: facilities', 'unit: bases') + good)))
      .rejects.toThrow(/bases\.yaml:4: field "series\.0\.unit": unit "bases" differs from the declared unit "facilities"/);
  });

  it('rejects a null value without the missing flag and a reason', async () => {
    const bad = good.replace('value: 85', 'value: null');
    await expect(runOn(await curatedWith('missing', header + bad)))
      .rejects.toThrow(/bases\.yaml:6: field "series\.0\.entries\.0\.flags": a null value must be flagged "missing"/);
  });

  it('rejects a conversion that does not add up', async () => {
    const yaml = 'subject: test\nseries:\n  - indicator: hns_usd\n    unit: US$ m (current)\n    entries:\n'
      + '      - { country: KOR, year: 2021, value: 900, source: kbs-2021-03-sma11, locator: "para. 1", flags: [derived], conversion: { amount: 1183300, currency: KRW, rate: 1143.9, rate_source: sipri-milex-2025, rate_locator: "x" } }\n';
    await expect(runOn(await curatedWith('conversion', yaml)))
      .rejects.toThrow(/bases\.yaml:6: field "series\.0\.entries\.0\.value": does not match its conversion: 1183300 \/ 1143\.9 = 1034\.44/);
  });

  it('rejects the same indicator curated in two files', async () => {
    const curated = await curatedWith('twice', header + good);
    await writeFile(path.join(curated, 'evidence', 'other.yaml'), header + good.replace('2019', '2020'));
    await expect(runOn(curated)).rejects.toThrow(/other\.yaml:3: field "series\.0\.indicator": "exclusive_use_facilities" is already curated in bases\.yaml/);
  });

  it('rejects an undeclared indicator', async () => {
    await expect(runOn(await curatedWith('undeclared', header.replace('exclusive_use_facilities', 'base_count') + good)))
      .rejects.toThrow(/bases\.yaml:3: field "series\.0\.indicator": indicator "base_count" is not declared/);
  });
});
