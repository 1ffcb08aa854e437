// Multinational military exercises (MME v7): the exercise table and, per country and year,
// exercises in all and exercises with the United States.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { CROSSWALK_FILE } from '../../src/pipeline/countries.ts';
import type { EvidenceTable } from '../../src/pipeline/transform.ts';
import { EXERCISES_FILE, STATE_SYSTEM_FILE, transform } from '../../src/pipeline/transforms/exercises.ts';
import { expectBuildChecks, runTransform, scratchDirs, SNAPSHOT_DIR } from '../support/pipeline.ts';

type Row = Record<string, string>;
const participantsOf = (r: Row) => Object.entries(r).filter(([k, v]) => /^State[A-Z]{1,2}$/.test(k) && v).map(([, v]) => v);

/** A snapshot with the crosswalk, the state system and the first 300 exercises, one of them corrupted. */
async function snapshotWith(change: (lines: string[]) => string[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-exercises-'));
  for (const f of [CROSSWALK_FILE, STATE_SYSTEM_FILE, EXERCISES_FILE]) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await copyFile(path.join(SNAPSHOT_DIR, f), path.join(dir, f));
  }
  const target = path.join(dir, EXERCISES_FILE);
  const lines = (await readFile(target, 'utf8')).split('\n').slice(0, 301);
  await writeFile(target, change(lines).join('\n') + '\n');
  return dir;
}

describe.runIf(existsSync(SNAPSHOT_DIR))('exercises transform', () => {
  let observations: Observation[];
  let tables: EvidenceTable[];
  let mme: Row[];
  const find = (country: string, indicator: string, year: number) =>
    observations.find((o) => o.country === country && o.indicator === indicator && o.year === year);

  beforeAll(async () => {
    [{ observations, tables = [] }, mme] = await Promise.all([
      runTransform('exercises'),
      readFile(path.join(SNAPSHOT_DIR, EXERCISES_FILE), 'utf8').then((t) => parse(t, { columns: true }) as Row[]),
    ]);
  });

  it('counts the exercises starting in 2007 in which Japan and the United States both took part, as the file lists them', () => {
    const expected = mme.filter((r) => r['s.year'] === '2007' && participantsOf(r).includes('Japan') && participantsOf(r).includes('United States'));
    const o = find('JPN', 'exercises_with_us', 2007)!;
    expect(o.value).toBe(expected.length);
    expect(o.value).toBe(14);
    expect(o.source).toBe('mme-7');
    expect(o.note).toContain(expected[0].MMEID);
  });

  it('counts all exercises a country took part in: Japan 2008', () => {
    const expected = mme.filter((r) => r['s.year'] === '2008' && participantsOf(r).includes('Japan')).length;
    expect(find('JPN', 'exercises_total', 2008)!.value).toBe(expected);
    expect(find('JPN', 'exercises_with_us', 2008)!.value).toBeLessThanOrEqual(expected);
  });

  it('writes a real 0 inside the coverage (1980-2010) for states of the year, and nothing outside it', () => {
    const ltu = find('LTU', 'exercises_with_us', 1992)!;
    expect(ltu.value).toBe(0);
    expect(ltu.flags).toEqual([]);
    expect(find('LTU', 'exercises_with_us', 1985)).toBeUndefined(); // not a state then
    const years = observations.map((o) => o.year);
    expect([Math.min(...years), Math.max(...years)]).toEqual([1980, 2010]);
    expect(transform.indicators.every((i) => /1980-2010/.test(i.definition))).toBe(true);
  });

  it('reads participants as the state of the start year (MME\'s "Russia" in 1985 is the Soviet Union) and leaves the U.S. out of exercises_with_us', () => {
    expect(find('SUN', 'exercises_total', 1985)!.value).toBeGreaterThan(0);
    expect(find('RUS', 'exercises_total', 1985)).toBeUndefined();
    expect(find('DEU', 'exercises_total', 1985)!.value).toBe(mme.filter((r) => r['s.year'] === '1985' && participantsOf(r).some((p) => /Germany/.test(p) && !/Democratic/.test(p))).length);
    expect(find('USA', 'exercises_with_us', 2000)).toBeUndefined();
    expect(find('USA', 'exercises_total', 2000)!.value).toBeGreaterThan(0);
  });

  describe('the exercise table', () => {
    it('has every exercise, keyed by MMEID and start year (v7 repeats three MMEIDs)', () => {
      const table = tables.find((t) => t.name === 'exercises')!;
      expect(table.rows).toHaveLength(mme.length);
      expect(new Set(table.rows.map((r) => `${r.mmeid}|${r.start_year}`)).size).toBe(mme.length);
    });

    it('gives dates, type flags and participants as ISO codes, with non-state participants apart', () => {
      const table = tables.find((t) => t.name === 'exercises')!;
      expect(table.rows.find((r) => r.mmeid === 'mme87')).toMatchObject({
        name: 'Readex 1-80', start_date: '1980-01-14', end_date: '1980-01-21', sea: true, amphibious: true, air: false,
        participants: 'NLD;GBR;USA', with_us: true, locator: `${EXERCISES_FILE} row 2`,
      });
      const unknownDay = table.rows.find((r) => r.mmeid === 'mme88')!;
      expect(unknownDay.start_date).toBe('1980-01');
      const nato = table.rows.find((r) => String(r.other_participants).includes('-9') && r.name === 'Kindred Sword')!;
      expect(nato.participants).toBe('');
    });
  });

  it('meets the build\'s checks: valid observations, known countries and sources, declared indicators, no duplicates', async () => {
    await expectBuildChecks(transform, observations);
  });

  describe('bad input stops the transform with the file, row and column', () => {
    const dirs = scratchDirs();
    const failWith = async (change: (lines: string[]) => string[]) => {
      const dir = await snapshotWith(change);
      dirs.push(dir);
      return runTransform('exercises', dir).then(() => 'no error', (e: Error) => e.message);
    };

    it('an unknown participant name', async () => {
      const message = await failWith((lines) => lines.map((l, i) => (i === 1 ? l.replace(',Netherlands,', ',Atlantis,') : l)));
      expect(message).toContain(`${EXERCISES_FILE}, row 2, column "StateA": unknown country name "Atlantis"`);
      expect(message).toContain('curated/country-names/mme.yaml');
    });

    it('a start year that is not a number', async () => {
      const message = await failWith((lines) => lines.map((l, i) => (i === 2 ? l.replace(',1980,1,xx,', ',198O,1,xx,') : l)));
      expect(message).toContain(`${EXERCISES_FILE}, row 3, column "s.year": "198O" is not a number`);
    });

    it('a truncated file', async () => {
      const message = await failWith((lines) => {
        const cut = lines.findIndex((l, i) => i > 50 && l.includes(',"'));
        return [...lines.slice(0, cut), lines[cut].slice(0, lines[cut].indexOf(',"') + 5)];
      });
      expect(message).toMatch(/^us-troops-bases\/mme_v7\.csv, row \d+: not a well-formed CSV file/);
    });
  });
});
