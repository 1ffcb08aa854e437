// Correlates of War: capabilities (NMC v7), state system and major powers (v2016), and the
// simulated GDP of Anders, Fariss & Markowitz, with COW codes read as ISO codes by year.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { CROSSWALK_FILE } from '../../src/pipeline/countries.ts';
import type { EvidenceTable } from '../../src/pipeline/transform.ts';
import { runTransform, scratchDirs, SNAPSHOT_DIR } from '../support/pipeline.ts';

const NMC_FILE = 'cow-nmc/cow_nmc_v7_peacesciencer.csv';
const FILES = [CROSSWALK_FILE, NMC_FILE, 'cow-states/cow_states2016_peacesciencer.csv', 'cow-states/majors2016.csv', 'sdp-gdp-pop/cow_sdp_gdp_peacesciencer.csv'];

async function snapshotWith(edit: { file: string; change: (text: string) => string }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-cow-'));
  for (const f of FILES) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await copyFile(path.join(SNAPSHOT_DIR, f), path.join(dir, f));
  }
  const target = path.join(dir, edit.file);
  await writeFile(target, edit.change(await readFile(target, 'utf8')));
  return dir;
}

describe.runIf(existsSync(SNAPSHOT_DIR))('COW transform', () => {
  let observations: Observation[];
  let tables: EvidenceTable[];
  const find = (country: string, indicator: string, year: number) =>
    observations.find((o) => o.country === country && o.indicator === indicator && o.year === year);
  const table = (name: string) => tables.find((t) => t.name === name)!;

  beforeAll(async () => {
    ({ observations, tables = [] } = await runTransform('cow'));
  });

  describe('National Material Capabilities', () => {
    it('reads the publisher\'s values: U.S. military personnel 2016 is 1,381 thousand', () => {
      const usa = find('USA', 'cow_milper', 2016)!;
      expect(usa.value).toBe(1381);
      expect(usa.source).toBe('cow-nmc-7');
      expect(usa.locator).toMatch(/^cow-nmc\/cow_nmc_v7_peacesciencer\.csv row \d+, column milper$/);
      expect(find('USA', 'cow_milex', 2016)!.value).toBe(604_452_000);
      expect(find('USA', 'cinc', 2016)!.value).toBeCloseTo(0.1333, 4);
      expect(find('TWN', 'cow_milper', 2015)!.value).toBe(290);
    });

    it('starts in 1946 and runs to 2022', () => {
      const years = observations.filter((o) => o.source === 'cow-nmc-7').map((o) => o.year);
      expect(Math.min(...years)).toBe(1946);
      expect(Math.max(...years)).toBe(2022);
    });

    it('reads COW codes as ISO codes by year: 260 is DEU, 365 is SUN then RUS, 345 is YUG, SCG, SRB', () => {
      expect(find('DEU', 'cow_tpop', 1960)!.value).toBeGreaterThan(50_000); // West Germany, 260
      expect(find('SUN', 'cow_milper', 1980)).toBeDefined();
      expect(find('RUS', 'cow_milper', 1980)).toBeUndefined();
      expect(find('RUS', 'cow_milper', 2000)).toBeDefined();
      expect(find('YUG', 'cinc', 1980)).toBeDefined();
      expect(find('SCG', 'cinc', 2000)).toBeDefined();
      expect(find('SRB', 'cinc', 2010)).toBeDefined();
    });

    it('keeps the state of the year\'s end where two codes meet, and says so (Germany 1990)', () => {
      const deu = find('DEU', 'cow_tpop', 1990)!;
      expect(deu.value).toBe(79_402); // united Germany, 255, not West Germany's 63,253
      expect(deu.note).toMatch(/German Federal Republic \(260\) at row \d+/);
      expect(find('YEM', 'cow_tpop', 1990)!.value).toBe(11_279); // Yemen 679, not North Yemen 678
    });

    it('writes NA as missing, never as zero', () => {
      const pec = find('DEU', 'cow_pec', 1990)!;
      expect(pec.value).toBeNull();
      expect(pec.flags).toEqual(['missing']);
      expect(pec.note).toMatch(/-9/);
    });

    it('leaves out Zanzibar (1963-1964), which cow.yaml lists as not a country', () => {
      expect(observations.filter((o) => o.indicator === 'cow_tpop' && o.country === 'TZA' && o.year === 1963)).toHaveLength(1);
    });
  });

  describe('simulated GDP and population (Anders, Fariss & Markowitz)', () => {
    it('covers Taiwan, as the exponential of the published log, flagged estimate', () => {
      const twn = find('TWN', 'sdp_gdp_estimate', 2015)!;
      expect(twn.value).toBeCloseTo(Math.exp(27.703), -9);
      expect(twn.flags).toEqual(['estimate']);
      expect(find('TWN', 'sdp_population_estimate', 2015)!.value).toBeCloseTo(Math.exp(16.928), -5);
      expect(find('TWN', 'sdp_gdp_estimate', 1950)).toBeDefined();
    });

    it('writes the file\'s empty 2016 row as missing', () => {
      const twn = find('TWN', 'sdp_gdp_estimate', 2016)!;
      expect(twn.value).toBeNull();
      expect(twn.flags).toEqual(['missing']);
    });

    it('reads the units the file numbers as Gleditsch & Ward do', () => {
      expect(find('DEU', 'sdp_gdp_estimate', 2010)!.note).toMatch(/Code 260/);
      expect(find('KIR', 'sdp_population_estimate', 2010)!.value).toBeCloseTo(95_890, -2);
      expect(find('NRU', 'sdp_population_estimate', 2010)!.value).toBeLessThan(20_000);
      expect(find('SRB', 'sdp_gdp_estimate', 2006)!.note).toMatch(/also has code 345/);
    });
  });

  describe('state system and major powers', () => {
    it('lists membership spells with ISO codes, splitting a code that changes ISO code', () => {
      const rows = table('state_system').rows;
      const russia = rows.filter((r) => r.ccode === 365);
      expect(russia.map((r) => [r.iso3, r.iso_from_year, r.iso_to_year])).toEqual([['SUN', 1922, 1991], ['RUS', 1992, 2016]]);
      const usa = rows.find((r) => r.ccode === 2)!;
      expect(usa).toMatchObject({ iso3: 'USA', start_date: '1816-01-01', end_date: '2016-12-31', source: 'cow-states-2016' });
      expect(rows.find((r) => r.ccode === 260)).toMatchObject({ iso3: 'DEU', start_date: '1955-05-05', end_date: '1990-10-02' });
      expect(rows.find((r) => r.ccode === 511)).toMatchObject({ iso3: null, statenme: 'Zanzibar' });
    });

    it('lists the major powers since 1946', () => {
      const rows = table('major_powers').rows;
      expect(new Set(rows.map((r) => r.iso3))).toEqual(new Set(['USA', 'GBR', 'FRA', 'DEU', 'SUN', 'RUS', 'CHN', 'JPN']));
      expect(rows.find((r) => r.iso3 === 'CHN')).toMatchObject({ start_date: '1950-01-01' });
    });
  });

  describe('bad input', () => {
    const dirs = scratchDirs();

    it('stops at a non-numeric value in NMC, naming file, row and column', async () => {
      const dir = await snapshotWith({ file: NMC_FILE, change: (t) => t.replace('2,2016,604452000,1381,', '2,2016,604452000,about 1.4m,') });
      dirs.push(dir);
      const row = (await readFile(path.join(dir, NMC_FILE), 'utf8')).split('\n').findIndex((l) => l.startsWith('2,2016,')) + 1;
      await expect(runTransform('cow', dir)).rejects.toThrow(`${NMC_FILE}, row ${row}, column "milper": "about 1.4m" is not a number`);
    });

    it('stops at a COW code the registry does not know', async () => {
      const dir = await snapshotWith({ file: NMC_FILE, change: (t) => t.replace('2,2016,604452000,', '9999,2016,604452000,') });
      dirs.push(dir);
      await expect(runTransform('cow', dir)).rejects.toThrow(/cow_nmc_v7_peacesciencer\.csv, row \d+, column "ccode": COW state code 9999 is not in the country registry/);
    });

    it('stops when a column is missing', async () => {
      const dir = await snapshotWith({ file: NMC_FILE, change: (t) => t.replace('"milper"', '"milpers"') });
      dirs.push(dir);
      await expect(runTransform('cow', dir)).rejects.toThrow(/cow_nmc_v7_peacesciencer\.csv, row 1, column "milper": expected column "milper" is missing/);
    });
  });
});
