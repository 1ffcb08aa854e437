// U.S. military sites abroad (Vine's 2020 list) and construction spending (troopdata builddata).
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { CROSSWALK_FILE } from '../../src/pipeline/countries.ts';
import type { EvidenceTable } from '../../src/pipeline/transform.ts';
import { BASES_FILE, CONSTRUCTION_FILE, transform } from '../../src/pipeline/transforms/bases.ts';
import { expectBuildChecks, runTransform, scratchDirs, SNAPSHOT_DIR } from '../support/pipeline.ts';

type Row = Record<string, string>;
/** The base list is Windows-1252; the construction file is UTF-8. */
const readCsv = async (rel: string, encoding: 'latin1' | 'utf8' = 'utf8'): Promise<Row[]> =>
  parse(await readFile(path.join(SNAPSHOT_DIR, rel), encoding), { columns: true }) as Row[];

async function snapshotWith(file: string, change: (text: string) => string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-bases-'));
  for (const f of [CROSSWALK_FILE, BASES_FILE, CONSTRUCTION_FILE]) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await copyFile(path.join(SNAPSHOT_DIR, f), path.join(dir, f));
  }
  const target = path.join(dir, file);
  await writeFile(target, change(await readFile(target, 'latin1')), 'latin1');
  return dir;
}

/** Replace one line (1-based, the header is line 1) with another text. */
const replaceLine = (text: string, line: number, replacement: (old: string) => string) =>
  text.split('\n').map((l, i) => (i === line - 1 ? replacement(l) : l)).join('\n');

describe.runIf(existsSync(SNAPSHOT_DIR))('bases transform', () => {
  let observations: Observation[];
  let tables: EvidenceTable[];
  let sites: Row[];
  let construction: Row[];
  const find = (country: string, indicator: string, year: number) =>
    observations.find((o) => o.country === country && o.indicator === indicator && o.year === year);

  beforeAll(async () => {
    [{ observations, tables = [] }, sites, construction] = await Promise.all([runTransform('bases'), readCsv(BASES_FILE, 'latin1'), readCsv(CONSTRUCTION_FILE)]);
  });

  describe('base counts (Vine 2020)', () => {
    it('counts the sites the list codes base = 1 in Japan and Germany, and the lily pads apart', () => {
      const count = (name: string, flag: string) => sites.filter((s) => s.countryname === name && s[flag] === '1').length;
      expect(find('JPN', 'us_base_sites', 2020)!.value).toBe(count('Japan', 'base'));
      expect(find('JPN', 'us_base_sites', 2020)!.value).toBe(42);
      expect(find('DEU', 'us_base_sites', 2020)!.value).toBe(count('Germany', 'base'));
      expect(find('DEU', 'us_base_sites', 2020)!.value).toBe(40);
      expect(find('DEU', 'us_lilypad_sites', 2020)!.value).toBe(4);
      const deu = find('DEU', 'us_base_sites', 2020)!;
      expect(deu.source).toBe('vine-bases-2020');
      expect(deu.locator).toMatch(/^us-troops-bases\/basedata\.csv rows [\d, -]+ \(base = 1\)$/);
    });

    it('writes 0 for a state the list has no site in, and says so', () => {
      const ltu = find('LTU', 'us_base_sites', 2020)!;
      expect(ltu.value).toBe(0);
      expect(ltu.flags).toEqual([]);
      expect(ltu.note).toMatch(/no U\.S\. site/);
    });

    it('counts dependencies under their own code and writes nothing for U.S. territories or the U.S.', () => {
      expect(find('GRL', 'us_base_sites', 2020)!.value).toBe(1); // Thule, filed under Denmark's code by troopdata
      expect(find('DNK', 'us_base_sites', 2020)!.value).toBe(0);
      for (const iso3 of ['USA', 'GUM', 'PRI', 'MNP', 'ATA']) expect(observations.filter((o) => o.country === iso3)).toEqual([]);
    });
  });

  describe('the site table', () => {
    it('lists every site of the file with its flags, coordinates and row', () => {
      const table = tables.find((t) => t.name === 'us_base_sites')!;
      expect(table.rows).toHaveLength(sites.length);
      const kadena = table.rows.find((r) => typeof r.basename === 'string' && r.basename.startsWith('Kadena'))!;
      expect(kadena).toMatchObject({ iso3: 'JPN', base: true, lilypad: false, fundedsite: false, source: 'vine-bases-2020' });
      expect(kadena.locator).toBe(`${BASES_FILE} row ${kadena.row}`);
      expect(table.rows.find((r) => r.place === 'Guam')!.iso3).toBeNull();
    });

    it('decodes the list\'s Windows-1252 names and keeps NA coordinates empty', () => {
      const table = tables.find((t) => t.name === 'us_base_sites')!;
      expect(table.rows.some((r) => r.basename === 'Fuerte Aguayo NB, Concón')).toBe(true);
      expect(table.rows.find((r) => r.basename === 'Douala')).toMatchObject({ lat: null, lon: null });
    });
  });

  it('sums construction spending (thousand current US$) over a host\'s lines in the year: South Korea FY2017', () => {
    const lines = construction.filter((r) => ['Korea', 'South Korea'].includes(r.countryname) && r.year === '2017');
    const expected = lines.reduce((sum, r) => sum + Number(r.spend_construction), 0);
    const kor = find('KOR', 'us_military_construction_usd', 2017)!;
    expect(kor.value).toBe(expected);
    expect(kor.value).toBe(198_117);
    expect(kor.source).toBe('troopdata');
    expect(transform.indicators.find((i) => i.id === 'us_military_construction_usd')!.unit).toBe('thousand current US$');
    const years = observations.filter((o) => o.indicator === 'us_military_construction_usd').map((o) => o.year);
    expect([Math.min(...years), Math.max(...years)]).toEqual([2008, 2019]);
    expect(observations.filter((o) => o.indicator === 'us_military_construction_usd' && o.country === 'USA')).toEqual([]);
  });

  it('meets the build\'s checks: valid observations, known countries and sources, declared indicators, no duplicates', async () => {
    await expectBuildChecks(transform, observations);
  });

  describe('bad input stops the transform with the file, row and column', () => {
    const dirs = scratchDirs();
    const failWith = async (file: string, change: (text: string) => string) => {
      const dir = await snapshotWith(file, change);
      dirs.push(dir);
      return runTransform('bases', dir).then(() => 'no error', (e: Error) => e.message);
    };

    it('an unknown country name in the base list', async () => {
      const message = await failWith(BASES_FILE, (t) => replaceLine(t, 2, (l) => l.replace(/^Afghanistan/, 'Atlantis')));
      expect(message).toContain(`${BASES_FILE}, row 2, column "countryname": unknown country name "Atlantis"`);
      expect(message).toContain('curated/country-names/vine.yaml');
    });

    it('a site flag that is not 0 or 1', async () => {
      const message = await failWith(BASES_FILE, (t) => replaceLine(t, 3, (l) => l.replace(/,1,0,0$/, ',yes,0,0')));
      expect(message).toContain(`${BASES_FILE}, row 3, column "base": "yes" is not a number`);
    });

    it('a spending value that is not a number', async () => {
      const message = await failWith(CONSTRUCTION_FILE, (t) => replaceLine(t, 3, (l) => l.replace(/,(\d+)$/, ',12 000x')));
      expect(message).toContain(`${CONSTRUCTION_FILE}, row 3, column "spend_construction": "12 000x" is not a number`);
    });

    it('a truncated file', async () => {
      const message = await failWith(BASES_FILE, (t) => t.slice(0, t.indexOf('"Krtsanisi') + 5));
      expect(message).toMatch(/^us-troops-bases\/basedata\.csv, row \d+: not a well-formed CSV file/);
    });
  });
});
