// Capitals and the distances from each covered ally's capital to Washington, Beijing, Moscow,
// Pyongyang and Tehran; Gleditsch's static distances as a cross-check.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { CROSSWALK_FILE } from '../../src/pipeline/countries.ts';
import type { EvidenceTable } from '../../src/pipeline/transform.ts';
import { EARTH_RADIUS_KM, haversineKm } from '../../src/pipeline/transforms/capitals.ts';
import { runTransform, scratchDirs, SNAPSHOT_DIR } from '../support/pipeline.ts';

const CAPITALS_FILE = 'capitals-distance/cow_capitals_peacesciencer.csv';
const CAPDIST_FILE = 'capitals-distance/capdist_gleditsch.csv';

async function snapshotWith(edit: { file: string; change: (text: string) => string }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-capitals-'));
  for (const f of [CROSSWALK_FILE, CAPITALS_FILE, CAPDIST_FILE]) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await copyFile(path.join(SNAPSHOT_DIR, f), path.join(dir, f));
  }
  const target = path.join(dir, edit.file);
  await writeFile(target, edit.change(await readFile(target, 'utf8')));
  return dir;
}

describe('haversine distance', () => {
  it('is a quarter of the great circle from the equator to the pole', () => {
    expect(haversineKm(0, 0, 90, 0)).toBeCloseTo((Math.PI / 2) * EARTH_RADIUS_KM, 6);
  });

  it('is symmetric and zero between a point and itself', () => {
    expect(haversineKm(35.68, 139.76, 40.19, 116.41)).toBeCloseTo(haversineKm(40.19, 116.41, 35.68, 139.76), 9);
    expect(haversineKm(52.5, 13.4, 52.5, 13.4)).toBe(0);
  });

  it('is half the circumference between antipodes', () => {
    expect(haversineKm(10, 20, -10, -160)).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 2);
  });
});

describe.runIf(existsSync(SNAPSHOT_DIR))('capitals transform', () => {
  let observations: Observation[];
  let tables: EvidenceTable[];
  const distance = (country: string, counterpart: string, year: number, indicator = 'capital_distance_km') =>
    observations.find((o) => o.country === country && o.counterpart === counterpart && o.year === year && o.indicator === indicator);

  beforeAll(async () => {
    ({ observations, tables = [] } = await runTransform('capitals'));
  });

  it('puts Tokyo about 2,100 km from Beijing, derived from the capitals\' coordinates', () => {
    const tokyo = distance('JPN', 'CHN', 2023)!;
    expect(tokyo.value).toBeGreaterThan(2_050);
    expect(tokyo.value).toBeLessThan(2_150);
    expect(tokyo.flags).toEqual(['derived']);
    expect(tokyo.note).toBe('Tokyo to Beijing');
    expect(tokyo.locator).toMatch(/^capitals-distance\/cow_capitals_peacesciencer\.csv rows \d+ and \d+$/);
  });

  it('agrees with Gleditsch\'s capdist for Tokyo-Beijing within 2%', () => {
    const ours = distance('JPN', 'CHN', 2001)!.value!;
    const gleditsch = distance('JPN', 'CHN', 2001, 'capdist_km')!;
    expect(gleditsch.value).toBe(2125);
    expect(gleditsch.source).toBe('capdist-gleditsch');
    expect(Math.abs(ours - gleditsch.value!) / gleditsch.value!).toBeLessThan(0.02);
  });

  it('uses the capital in force at the end of each year: Bonn to 1989, Berlin from 1990', () => {
    expect(distance('DEU', 'USA', 1989)!.note).toBe('Bonn to Washington D.C.');
    expect(distance('DEU', 'USA', 1990)!.note).toBe('Berlin to Washington D.C.');
    // COW counts West Germany from 1955; before that the registry has no German state.
    expect(distance('DEU', 'USA', 1954)).toBeUndefined();
    expect(distance('AUS', 'CHN', 1950)!.note).toBe('Canberra to Beijing');
  });

  it('measures to Moscow as the Soviet capital until 1991 and the Russian one after', () => {
    expect(distance('POL', 'SUN', 1980)!.note).toBe('Warsaw to Moscow');
    expect(distance('POL', 'RUS', 1980)).toBeUndefined();
    expect(distance('POL', 'RUS', 2024)!.value).toBe(distance('POL', 'SUN', 1991)!.value);
  });

  it('covers every year 1946-2024 in which both capitals are known', () => {
    const years = observations.filter((o) => o.indicator === 'capital_distance_km' && o.country === 'JPN' && o.counterpart === 'PRK').map((o) => o.year);
    expect(Math.min(...years)).toBe(1948); // Pyongyang from 1948
    expect(Math.max(...years)).toBe(2024);
    expect(years).toHaveLength(2024 - 1948 + 1);
    expect(distance('TWN', 'CHN', 1949)).toBeDefined();
    expect(distance('MNE', 'RUS', 2005)).toBeUndefined();
    expect(distance('MNE', 'RUS', 2006)).toBeDefined();
  });

  it('has a Gleditsch distance to each of the five counterparts for every covered ally', () => {
    const capdist = observations.filter((o) => o.indicator === 'capdist_km');
    expect(new Set(capdist.map((o) => o.year))).toEqual(new Set([2001]));
    const allies = new Set(observations.filter((o) => o.indicator === 'capital_distance_km').map((o) => o.country));
    for (const ally of allies) expect(capdist.filter((o) => o.country === ally).map((o) => o.counterpart).sort()).toEqual(['CHN', 'IRN', 'PRK', 'RUS', 'USA']);
    expect(distance('DEU', 'USA', 2001, 'capdist_km')!.note).toMatch(/^GMY \(255\) to USA \(2\)/);
  });

  it('lists capitals with dates, coordinates and the ISO code of each period', () => {
    const capitals = tables.find((t) => t.name === 'capitals')!;
    const moscow = capitals.rows.filter((r) => r.capital === 'Moscow');
    expect(moscow.map((r) => [r.iso3, r.iso_from_year, r.iso_to_year])).toEqual([['SUN', 1922, 1991], ['RUS', 1992, 2024]]);
    expect(capitals.rows.find((r) => r.capital === 'Tokyo')).toMatchObject({ iso3: 'JPN', ccode: 740, start_date: '1869-04-05', source: 'peacesciencer-capitals' });
    expect(capitals.rows.some((r) => r.statenme === 'Mecklenburg Schwerin' || r.statenme === 'Zanzibar')).toBe(false);
  });

  describe('bad input', () => {
    const dirs = scratchDirs();

    it('stops at a coordinate that is not a number, naming file, row and column', async () => {
      const dir = await snapshotWith({ file: CAPITALS_FILE, change: (t) => t.replace('"Tokyo","1869-04-05","2024-12-31",35.6768601', '"Tokyo","1869-04-05","2024-12-31",N35.68') });
      dirs.push(dir);
      const row = (await readFile(path.join(dir, CAPITALS_FILE), 'utf8')).split('\n').findIndex((l) => l.includes('"Tokyo"')) + 1;
      await expect(runTransform('capitals', dir)).rejects.toThrow(`${CAPITALS_FILE}, row ${row}, column "lat": "N35.68" is not a number`);
    });

    it('stops at a date it cannot read', async () => {
      const dir = await snapshotWith({ file: CAPITALS_FILE, change: (t) => t.replace('"Tokyo","1869-04-05"', '"Tokyo","5 April 1869"') });
      dirs.push(dir);
      await expect(runTransform('capitals', dir)).rejects.toThrow(/cow_capitals_peacesciencer\.csv, row \d+, column "stdate": "5 April 1869" is not a date/);
    });

    it('stops at a truncated file', async () => {
      const dir = await snapshotWith({ file: CAPDIST_FILE, change: (t) => t.slice(0, t.indexOf('740,JPN,710,CHN,') + '740,JPN,710'.length) });
      dirs.push(dir);
      await expect(runTransform('capitals', dir)).rejects.toThrow(/capdist_gleditsch\.csv, row \d+: not a well-formed CSV file/);
    });
  });
});
