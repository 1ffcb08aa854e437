// Pew Global Attitudes: favorable views of the United States and of China, by surveyed country and wave.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { CROSSWALK_FILE } from '../../src/pipeline/countries.ts';
import { runTransform, scratchDirs, SNAPSHOT_DIR } from '../support/pipeline.ts';

const FILE = 'opinion-pew/pew_global_attitudes_favorability_country_year_weighted.csv';

async function snapshotWith(change: (text: string) => string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-pew-'));
  for (const f of [CROSSWALK_FILE, FILE]) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await copyFile(path.join(SNAPSHOT_DIR, f), path.join(dir, f));
  }
  await writeFile(path.join(dir, FILE), change(await readFile(path.join(dir, FILE), 'utf8')));
  return dir;
}

const JAPAN_2023 = '"USA",2023,"JPN",1004,7.9,65.3,20.7,3.5,2.3,0.2,73.2';

describe.runIf(existsSync(SNAPSHOT_DIR))('Pew Global Attitudes transform', () => {
  let observations: Observation[];
  const find = (indicator: string, country: string, year: number) =>
    observations.find((o) => o.indicator === indicator && o.country === country && o.year === year);

  beforeAll(async () => {
    ({ observations } = await runTransform('pew'));
  });

  it('matches Pew\'s published 2023 U.S. favorability: Japan 73, South Korea 77-79, Poland 93, Germany 57', () => {
    expect(find('pew_us_favorable', 'JPN', 2023)!.value).toBe(73.2);
    expect(find('pew_us_favorable', 'KOR', 2023)!.value).toBe(78.5);
    expect(find('pew_us_favorable', 'POL', 2023)!.value).toBe(93.0);
    expect(find('pew_us_favorable', 'DEU', 2023)!.value).toBe(57.2);
  });

  it('gives the number of respondents and the answer shares in the note', () => {
    const jpn = find('pew_us_favorable', 'JPN', 2023)!;
    expect(jpn.note).toBe('n = 1004 respondents; very favorable 7.9%, somewhat favorable 65.3%, don\'t know 2.3%, refused 0.2% (weighted).');
    expect(jpn.source).toBe('pew-global-attitudes');
    expect(jpn.locator).toMatch(/^opinion-pew\/pew_global_attitudes_favorability_country_year_weighted\.csv row \d+$/);
  });

  it('reads favorability of China from the CHN target rows', () => {
    const china = find('pew_china_favorable', 'JPN', 2023)!;
    expect(china.value).toBeGreaterThan(0);
    expect(china.value).toBeLessThan(30);
    expect(observations.filter((o) => o.indicator === 'pew_china_favorable')).toHaveLength(506);
    expect(observations.filter((o) => o.indicator === 'pew_us_favorable')).toHaveLength(576);
  });

  it('reads the 2014 wave\'s "PLS" as the Palestinian territories (PSE)', () => {
    expect(find('pew_us_favorable', 'PSE', 2014)).toBeDefined();
    expect(new Set(observations.map((o) => o.year))).toEqual(new Set(Array.from({ length: 22 }, (_, i) => 2002 + i)));
  });

  describe('bad input', () => {
    const dirs = scratchDirs();
    const rowOf = async (dir: string, text: string) => (await readFile(path.join(dir, FILE), 'utf8')).split('\n').findIndex((l) => l.startsWith(text)) + 1;

    it('stops at an unknown respondent country, naming file, row and column', async () => {
      const dir = await snapshotWith((t) => t.replace(JAPAN_2023, JAPAN_2023.replace('"JPN"', '"JPX"')));
      dirs.push(dir);
      const row = await rowOf(dir, '"USA",2023,"JPX"');
      await expect(runTransform('pew', dir)).rejects.toThrow(`${FILE}, row ${row}, column "respondent_country_iso3": unknown country name "JPX"`);
    });

    it('stops when the favorable total is not the sum of its parts', async () => {
      const dir = await snapshotWith((t) => t.replace(JAPAN_2023, JAPAN_2023.replace(/73\.2$/, '83.2')));
      dirs.push(dir);
      const row = await rowOf(dir, '"USA",2023,"JPN"');
      await expect(runTransform('pew', dir)).rejects.toThrow(`${FILE}, row ${row}, column "pct_favorable": 83.2 is not very_favorable + somewhat_favorable`);
    });

    it('stops at a truncated file', async () => {
      const dir = await snapshotWith((t) => t.slice(0, t.indexOf(JAPAN_2023) + 20));
      dirs.push(dir);
      await expect(runTransform('pew', dir)).rejects.toThrow(/pew_global_attitudes_favorability_country_year_weighted\.csv, row \d+: not a well-formed CSV file/);
    });
  });
});
