// NATO's series of defence expenditure as a share of GDP, 2014-2024 (2024 estimated).
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { CROSSWALK_FILE } from '../../src/pipeline/countries.ts';
import { runTransform, scratchDirs, SNAPSHOT_DIR } from '../support/pipeline.ts';

const FILE = 'nato-burden/nato_defence_expenditure_pct_gdp_2014_2024e.csv';

async function snapshotWith(change: (text: string) => string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-nato-'));
  for (const f of [CROSSWALK_FILE, FILE]) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await copyFile(path.join(SNAPSHOT_DIR, f), path.join(dir, f));
  }
  await writeFile(path.join(dir, FILE), change(await readFile(path.join(dir, FILE), 'utf8')));
  return dir;
}

describe.runIf(existsSync(SNAPSHOT_DIR))('NATO defence expenditure transform', () => {
  let observations: Observation[];
  const find = (country: string, year: number) => observations.find((o) => o.country === country && o.year === year);

  beforeAll(async () => {
    ({ observations } = await runTransform('nato'));
  });

  it('reads NATO\'s published shares: Poland 3.27% in 2023, the U.S. 3.71% in 2014', () => {
    expect(find('POL', 2023)!.value).toBeCloseTo(3.2704, 4);
    expect(find('USA', 2014)!.value).toBeCloseTo(3.7139, 4);
    expect(find('TUR', 2023)!.value).toBeCloseTo(1.4836, 4); // "Türkiye"
    expect(find('SVK', 2023)).toBeDefined(); // "Slovak Republic"
    expect(find('POL', 2023)!.locator).toBe(`${FILE} row 23, column "2023"`);
  });

  it('flags 2024, NATO\'s estimate, and no earlier year', () => {
    expect(find('POL', 2024)).toMatchObject({ flags: ['estimate'], note: 'NATO estimate (column "2024e").' });
    expect(observations.filter((o) => o.flags.includes('estimate')).every((o) => o.year === 2024)).toBe(true);
  });

  it('has every member but Iceland for each year 2014-2024, and no aggregates', () => {
    const countries = new Set(observations.map((o) => o.country));
    expect(countries.size).toBe(31);
    expect(countries.has('ISL')).toBe(false);
    expect(observations).toHaveLength(31 * 11);
    expect(new Set(observations.map((o) => o.year))).toEqual(new Set([2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024]));
  });

  describe('bad input', () => {
    const dirs = scratchDirs();

    it('stops at an unknown country name, naming file, row and column', async () => {
      const dir = await snapshotWith((t) => t.replace('Albania,', 'Albanistan,'));
      dirs.push(dir);
      await expect(runTransform('nato', dir)).rejects.toThrow(`${FILE}, row 2, column "Country": unknown country name "Albanistan"`);
    });

    it('stops at a value that is not a number', async () => {
      const dir = await snapshotWith((t) => t.replace('Albania,1.330681866,', 'Albania,n/a*,'));
      dirs.push(dir);
      await expect(runTransform('nato', dir)).rejects.toThrow(`${FILE}, row 2, column "2014": "n/a*" is not a number`);
    });

    it('stops at a truncated file', async () => {
      const dir = await snapshotWith((t) => t.slice(0, t.indexOf('Poland,') + 'Poland,1.86'.length));
      dirs.push(dir);
      await expect(runTransform('nato', dir)).rejects.toThrow(/nato_defence_expenditure_pct_gdp_2014_2024e\.csv, row 23: not a well-formed CSV file/);
    });
  });
});
