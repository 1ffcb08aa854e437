// World Bank WDI: GDP and population per country-year, read as the World Bank publishes them.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { CROSSWALK_FILE } from '../../src/pipeline/countries.ts';
import { runTransform, scratchDirs, SNAPSHOT_DIR } from '../support/pipeline.ts';

const GDP_FILE = 'wdi-gdp-pop/gdp_current_usd_datasets.csv';
const POPULATION_FILE = 'wdi-gdp-pop/population_datasets.csv';

/** A snapshot folder holding copies of just the files the transform reads, one of them edited. */
async function snapshotWith(edit: { file: string; change: (text: string) => string }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-wdi-'));
  for (const f of [CROSSWALK_FILE, GDP_FILE, POPULATION_FILE]) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await copyFile(path.join(SNAPSHOT_DIR, f), path.join(dir, f));
  }
  const target = path.join(dir, edit.file);
  await writeFile(target, edit.change(await readFile(target, 'utf8')));
  return dir;
}

const lineOf = (text: string, startsWith: string) => text.split('\n').findIndex((l) => l.startsWith(startsWith)) + 1;

describe.runIf(existsSync(SNAPSHOT_DIR))('World Bank WDI transform', () => {
  let observations: Observation[];
  const find = (country: string, indicator: string, year: number) =>
    observations.find((o) => o.country === country && o.indicator === indicator && o.year === year);

  beforeAll(async () => {
    ({ observations } = await runTransform('wdi'));
  });

  it('reads GDP in current US$ as published: Japan 2023 is $4.213 trillion', () => {
    const jpn = find('JPN', 'gdp_usd_current', 2023)!;
    expect(jpn.value).toBeCloseTo(4_212_945_159_781.4, 0);
    expect(jpn.source).toBe('wdi-gdp');
    expect(jpn.locator).toMatch(/^wdi-gdp-pop\/gdp_current_usd_datasets\.csv row \d+$/);
    expect(find('USA', 'gdp_usd_current', 2023)!.value).toBe(27_360_935_000_000);
  });

  it('reads total population: Poland 2024 is 36,559,233', () => {
    const pol = find('POL', 'population', 2024)!;
    expect(pol.value).toBe(36_559_233);
    expect(pol.source).toBe('wdi-population');
  });

  it('derives GDP per capita only where both series exist, flagged derived', () => {
    const jpn = find('JPN', 'gdp_per_capita_usd', 2023)!;
    expect(jpn.value).toBeCloseTo(33_834.4, 1);
    expect(jpn.flags).toEqual(['derived']);
    // Population runs to 2024, GDP only to 2023.
    expect(find('POL', 'gdp_per_capita_usd', 2024)).toBeUndefined();
  });

  it('keeps Kosovo as XKX, has no Taiwan (not in WDI), and drops every aggregate', () => {
    expect(find('XKX', 'population', 2023)!.value).toBe(1_682_668);
    expect(observations.some((o) => o.country === 'TWN')).toBe(false);
    const countries = new Set(observations.map((o) => o.country));
    for (const aggregate of ['WLD', 'EUU', 'HIC', 'OED', 'CHI', 'EAS']) expect(countries.has(aggregate)).toBe(false);
    expect(countries.size).toBeGreaterThan(200);
  });

  it('writes no zeros and no missing values: the packaging keeps reported cells only', () => {
    expect(observations.every((o) => o.value !== null && o.value > 0)).toBe(true);
    // The World Bank's implausible figures are kept as published, flagged uncertain.
    expect(find('GEO', 'gdp_usd_current', 1987)).toMatchObject({ value: 11_502.632644795465, flags: ['uncertain'] });
    expect(find('GEO', 'gdp_per_capita_usd', 1987)!.flags).toEqual(['derived', 'uncertain']);
    expect(find('GEO', 'gdp_usd_current', 1990)).toMatchObject({ value: 7_500_000_000, flags: [] });
  });

  describe('bad input', () => {
    const dirs = scratchDirs();

    it('stops at an unknown country name, naming file, row and column', async () => {
      const dir = await snapshotWith({ file: GDP_FILE, change: (t) => t.replace('Japan,JPN,2023,', 'Atlantis,JPN,2023,') });
      dirs.push(dir);
      const row = lineOf(await readFile(path.join(dir, GDP_FILE), 'utf8'), 'Atlantis,');
      await expect(runTransform('wdi', dir)).rejects.toThrow(`${GDP_FILE}, row ${row}, column "Country Name": unknown country name "Atlantis"`);
    });

    it('stops when the code column disagrees with the name', async () => {
      const dir = await snapshotWith({ file: POPULATION_FILE, change: (t) => t.replace('Poland,POL,2024,', 'Poland,PRT,2024,') });
      dirs.push(dir);
      const row = lineOf(await readFile(path.join(dir, POPULATION_FILE), 'utf8'), 'Poland,PRT,2024');
      await expect(runTransform('wdi', dir)).rejects.toThrow(`${POPULATION_FILE}, row ${row}, column "Country Code": "Poland" resolves to POL, but the code column says "PRT"`);
    });

    it('stops at a value that is not a number', async () => {
      const dir = await snapshotWith({ file: GDP_FILE, change: (t) => t.replace(/^Japan,JPN,2023,[^\r\n]*/m, 'Japan,JPN,2023,4.2 trillion') });
      dirs.push(dir);
      const row = lineOf(await readFile(path.join(dir, GDP_FILE), 'utf8'), 'Japan,JPN,2023');
      await expect(runTransform('wdi', dir)).rejects.toThrow(`${GDP_FILE}, row ${row}, column "Value": "4.2 trillion" is not a number`);
    });

    it('stops at a truncated file', async () => {
      const dir = await snapshotWith({ file: POPULATION_FILE, change: (t) => t.slice(0, t.indexOf('Poland,POL,2024,') + 'Poland,POL'.length) });
      dirs.push(dir);
      await expect(runTransform('wdi', dir)).rejects.toThrow(/population_datasets\.csv, row \d+: not a well-formed CSV file/);
    });
  });
});
