// SIPRI Arms Transfers Database, trade register of 13 March 2025: deals become yearly TIV by
// dyad, by recipient, by supplier, and the U.S. share of a recipient's imports over 10 years.
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { REGISTER_FILE, lineRanges, readRegister } from '../../src/pipeline/transforms/sipri-arms.ts';
import type { Deal } from '../../src/pipeline/transforms/sipri-arms.ts';
import { runTransform, scratchDirs, SNAPSHOT_DIR, snapshotContext } from '../support/pipeline.ts';

const REGISTER = path.join(SNAPSHOT_DIR, REGISTER_FILE);
const ALLEY = path.join(SNAPSHOT_DIR, 'sipri-arms/us_arms_exports_tiv_by_recipient_1950_2020_alley.csv');
const CROSSWALK = 'country-codes/countrycode_codelist.csv';

function find(obs: Observation[], indicator: string, country: string, year: number, counterpart = ''): Observation | undefined {
  return obs.find((o) => o.indicator === indicator && o.country === country && o.counterpart === counterpart && o.year === year);
}

describe.runIf(existsSync(REGISTER))('SIPRI arms transfers from the trade register', () => {
  let obs: Observation[];
  let deals: Deal[];
  beforeAll(async () => {
    obs = (await runTransform('sipri-arms')).observations;
    deals = await readRegister(await snapshotContext());
  }, 30_000);

  it('reads every deal, joining the four whose comment SIPRI broke over two lines', () => {
    // 29,519 records after the header; four deals arrive as a 13-field and a 4-field line.
    expect(deals).toHaveLength(29_515);
    const thai = deals.find((d) => d.line === 25178)!;
    expect(thai).toMatchObject({ recipient: 'Thailand', supplier: 'Ukraine', years: [2010, 2012], tiv: 3.25, uncertain: false });
    expect(find(obs, 'arms_imports_tiv', 'THA', 2012, 'UKR')?.locator).toMatch(/\b25178\b/);
  });

  it('keeps a single-year deal\'s TIV as the register gives it', () => {
    // Line 13: Afghanistan, Brazil, 6 EMB-314 Super Tucano delivered in 2018, TIV 27.
    expect(find(obs, 'arms_imports_tiv', 'AFG', 2018, 'BRA')).toMatchObject({
      value: 27, flags: [], note: '1 deal', locator: `${REGISTER_FILE} line 13 (deliveries in 2018)`,
    });
  });

  it('splits a multi-year deal evenly over its delivery years and flags it derived', () => {
    // Line 16: 6000 Malyutka from the Soviet Union, TIV 60 delivered 1979-1990 (12 years): 5 a year.
    const malyutka = deals.find((d) => d.line === 16)!;
    expect(malyutka).toMatchObject({ recipient: 'Afghanistan', supplier: 'Soviet Union', tiv: 60 });
    expect(malyutka.years).toEqual(Array.from({ length: 12 }, (_, i) => 1979 + i));
    for (const year of malyutka.years) {
      const o = find(obs, 'arms_imports_tiv', 'AFG', year, 'SUN')!;
      expect(o.flags).toContain('derived');
      expect(o.value).toBeGreaterThanOrEqual(5);
    }
    // Line 28131: 4600 Sapphire turbojets from the UK to the USA, TIV 2760 over 1952-1960 (9 years),
    // the only British delivery to the USA in 1960: 2760 / 9.
    expect(find(obs, 'arms_imports_tiv', 'USA', 1960, 'GBR')).toMatchObject({
      value: 306.666667, flags: ['derived'], locator: `${REGISTER_FILE} line 28131 (deliveries in 1960)`,
    });
  });

  it('flags uncertain where SIPRI marks the number delivered with "?"', () => {
    // Line 21: 20 engines from Canada, number delivered "?", 2016, TIV 10.
    expect(find(obs, 'arms_imports_tiv', 'AFG', 2016, 'CAN')).toMatchObject({ value: 10, flags: ['uncertain'] });
    expect(find(obs, 'arms_imports_tiv', 'AFG', 2016, 'CAN')?.note).toContain('10 TIV m from deals whose number delivered SIPRI marks uncertain');
  });

  it('totals a recipient\'s imports from all suppliers and fills years without deliveries with 0', () => {
    const japan = find(obs, 'arms_imports_tiv_total', 'JPN', 2024)!;
    expect(japan.value).toBeCloseTo(1018.427778, 6);
    expect(japan.locator).toBe(`${REGISTER_FILE}: deals with Recipient "Japan" and 2024 among "Year(s) of delivery"`);
    const iceland = obs.filter((o) => o.indicator === 'arms_imports_tiv_total' && o.country === 'ISL' && o.value === 0);
    expect(iceland.length).toBeGreaterThan(0);
    expect(iceland[0].note).toBe('no deliveries identified by SIPRI in this year (the register lists none)');
    expect(iceland[0].flags).toEqual([]);
  });

  it('gives the U.S. share of a recipient\'s imports over the 10 years to the observation year', () => {
    const japan = find(obs, 'arms_imports_us_share_10y', 'JPN', 2024)!;
    expect(japan.value).toBeCloseTo(96.03, 2);
    expect(japan.note).toMatch(/^U\.S\. 8257\.319233 of 8599\.111287 TIV m delivered in 2015-2024/);
    expect(japan.flags).toContain('derived');
    const early = find(obs, 'arms_imports_us_share_10y', 'JPN', 1955)!;
    expect(early.note).toContain('the window starts in 1950');
  });

  it('leaves the share missing, with the reason, when nothing was imported in the window', () => {
    const iceland = find(obs, 'arms_imports_us_share_10y', 'ISL', 2024)!;
    expect(iceland).toMatchObject({ value: null, flags: ['missing'] });
    expect(iceland.note).toBe('no arms imports identified by SIPRI in 2015-2024, so no share can be computed');
  });

  it('counts every delivered TIV once in exports, whoever the recipient (non-state and unknown included)', () => {
    for (const year of [1985, 2024]) {
      const all = deals.filter((d) => d.years.includes(year)).reduce((s, d) => s + d.tiv / d.years.length, 0);
      const byNonState = deals.filter((d) => d.years.includes(year) && d.supplierIso === null).reduce((s, d) => s + d.tiv / d.years.length, 0);
      const exports = obs.filter((o) => o.indicator === 'arms_exports_tiv' && o.year === year).reduce((s, o) => s + (o.value ?? 0), 0);
      expect(exports + byNonState).toBeCloseTo(all, 2);
    }
    expect(deals.some((d) => d.recipient === 'Hezbollah (Lebanon)*' && d.recipientIso === null)).toBe(true);
  });

  it('gives historical states their own codes', () => {
    expect(find(obs, 'arms_exports_tiv', 'SUN', 1985)?.value).toBeGreaterThan(10_000);
    expect(find(obs, 'arms_exports_tiv', 'SUN', 1995)).toBeUndefined();
    expect(find(obs, 'arms_imports_tiv_total', 'DDR', 1980)?.value).toBeGreaterThan(0);
    expect(find(obs, 'arms_imports_tiv_total', 'SCG', 2000)?.locator).toContain('"Serbia"');
    expect(find(obs, 'arms_imports_tiv_total', 'SRB', 2000)).toBeUndefined();
    expect(find(obs, 'arms_imports_tiv_total', 'RVN', 1970)?.value).toBeGreaterThan(0);
  });

  it.runIf(existsSync(ALLEY))('agrees with SIPRI\'s own yearly TIV of U.S. exports to Japan, 1950-2020', async () => {
    // us-arms-exports.csv (Alley, arms-elections) holds SIPRI's yearly TIV table from an earlier
    // release; SIPRI's own yearly figures come from delivery dates the register does not show.
    const [head, ...rows] = (await readFile(ALLEY, 'utf8')).trim().split('\n').map((l) => l.split(','));
    const japan = rows.find((r) => r[0] === 'Japan')!;
    const sipri: number[] = [];
    const ours: number[] = [];
    for (let i = 1; i < head.length; i++) {
      sipri.push(japan[i] === '' ? 0 : Number(japan[i]));
      ours.push(find(obs, 'arms_imports_tiv', 'JPN', Number(head[i]), 'USA')?.value ?? 0);
    }
    const sum = (x: number[]) => x.reduce((s, v) => s + v, 0);
    const mean = (x: number[]) => sum(x) / x.length;
    const [ma, mb] = [mean(sipri), mean(ours)];
    const r = sum(sipri.map((a, i) => (a - ma) * (ours[i] - mb))) / Math.sqrt(sum(sipri.map((a) => (a - ma) ** 2)) * sum(ours.map((b) => (b - mb) ** 2)));
    // Measured: 62,799 (SIPRI) vs 62,328 (even split) TIV m over 1950-2020, r = 0.88.
    expect(sum(sipri)).toBe(62_799);
    expect(Math.abs(sum(ours) / sum(sipri) - 1)).toBeLessThan(0.02);
    expect(r).toBeGreaterThan(0.85);
  });
});

describe('line ranges in locators', () => {
  it('collapses consecutive register lines', () => {
    expect(lineRanges([30, 12, 15, 16, 17, 12])).toBe('12, 15-17, 30');
  });
});

describe.runIf(existsSync(REGISTER))('SIPRI arms transfers on corrupted registers', () => {
  let original: string;
  const dirs = scratchDirs();
  beforeAll(async () => {
    original = await readFile(REGISTER, 'utf8');
  });

  async function snapshotWith(text: string): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sipri-arms-'));
    dirs.push(dir);
    await mkdir(path.join(dir, 'sipri-arms'), { recursive: true });
    await mkdir(path.join(dir, 'country-codes'), { recursive: true });
    await copyFile(path.join(SNAPSHOT_DIR, CROSSWALK), path.join(dir, CROSSWALK));
    await writeFile(path.join(dir, REGISTER_FILE), text);
    return dir;
  }

  it('stops on a truncated file, naming the line of the cut deal', async () => {
    const lines = original.split('\n');
    const cut = `${lines.slice(0, 200).join('\n')}\n${lines[200].slice(0, 30)}`;
    await expect(runTransform('sipri-arms', await snapshotWith(cut))).rejects.toThrow(
      /sipri_trade_register_all_1950_2024_generated_2025-03-13\.csv, row 201: expected 16 fields, found \d+\. The file may be truncated/);
  });

  it('stops on an unknown country name, naming row and column', async () => {
    const text = original.replace('\nAfghanistan,Brazil,2017,', '\nAtlantis,Brazil,2017,');
    await expect(runTransform('sipri-arms', await snapshotWith(text))).rejects.toThrow(
      /\.csv, row 13, column "Recipient": unknown country name "Atlantis"\. Add it to curated\/country-names\/sipri\.yaml/);
  });

  it('stops on a TIV that is not a number, naming row and column', async () => {
    const text = original.replace('ordered via USA from US production line,4.5,27,27\n', 'ordered via USA from US production line,4.5,27,lots\n');
    await expect(runTransform('sipri-arms', await snapshotWith(text))).rejects.toThrow(
      /\.csv, row 13, column "SIPRI TIV of delivered weapons": "lots" is not a number/);
  });

  it('stops on a missing column, naming it', async () => {
    const text = original.replace(',SIPRI TIV of delivered weapons', ',TIV');
    await expect(runTransform('sipri-arms', await snapshotWith(text))).rejects.toThrow(
      /\.csv, row 12, column "SIPRI TIV of delivered weapons": column 16 is "TIV"/);
  });
});
