// U.S. military personnel abroad: one DMDC report a year (September; June before 1957), read
// from the report lines troopdata transcribes, with the reports' missing markers kept.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { CROSSWALK_FILE } from '../../src/pipeline/countries.ts';
import { REPORTS_FILE, transform } from '../../src/pipeline/transforms/troops.ts';
import { expectBuildChecks, runTransform, scratchDirs, SNAPSHOT_DIR } from '../support/pipeline.ts';

const COUNTRY_YEAR_FILE = 'us-troops-bases/troopdata-rebuild-country-year.csv';

type Row = Record<string, string>;
const readCsv = async (rel: string): Promise<Row[]> => parse(await readFile(path.join(SNAPSHOT_DIR, rel), 'utf8'), { columns: true }) as Row[];

/**
 * A snapshot folder with the crosswalk and a corrupted copy of the reports file, cut to the
 * header and the September 2024 report so the run stays quick.
 */
async function snapshotWith(change: (text: string) => string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-troops-'));
  for (const f of [CROSSWALK_FILE, REPORTS_FILE]) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await copyFile(path.join(SNAPSHOT_DIR, f), path.join(dir, f));
  }
  const target = path.join(dir, REPORTS_FILE);
  const [header, ...lines] = (await readFile(target, 'utf8')).split('\n');
  await writeFile(target, change([header, ...lines.filter((l) => l.includes(',September 2024,'))].join('\n') + '\n'));
  return dir;
}

/** Replace a cell of the first data line matching `where` (by header name), keeping the line's place. */
function editCell(text: string, where: (cells: Row) => boolean, column: string, value: string): { text: string; line: number } {
  const lines = text.split('\n');
  const header = (parse(lines[0]) as string[][])[0];
  for (let i = 1; i < lines.length; i++) {
    const cells = (parse(lines[i]) as string[][])[0];
    if (!cells) continue;
    const row = Object.fromEntries(header.map((h, j) => [h, cells[j]]));
    if (!where(row)) continue;
    cells[header.indexOf(column)] = value;
    lines[i] = cells.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
    return { text: lines.join('\n'), line: i + 1 };
  }
  throw new Error('no such line');
}

describe.runIf(existsSync(SNAPSHOT_DIR))('troops transform', () => {
  let observations: Observation[];
  let reports: Row[];
  const find = (country: string, indicator: string, year: number) =>
    observations.find((o) => o.country === country && o.indicator === indicator && o.year === year);
  const reportLine = (report: string, location: string) => reports.find((r) => r.source === report && r.Location === location)!;

  beforeAll(async () => {
    [{ observations }, reports] = await Promise.all([runTransform('troops'), readCsv(REPORTS_FILE)]);
  });

  describe('the annual figure is the September report', () => {
    it('gives active duty in Japan, South Korea, Germany and Poland as of 30 September 2024', () => {
      const expected = { JPN: ['JAPAN', 50_786], KOR: ['KOREA, SOUTH', 23_111], DEU: ['GERMANY', 34_738], POL: ['POLAND', 307] } as const;
      for (const [iso3, [location, total]] of Object.entries(expected)) {
        const o = find(iso3, 'us_troops_active_duty', 2024)!;
        expect(o.value).toBe(total);
        expect(Number(reportLine('September 2024', location)['Total Active Duty'])).toBe(total);
        expect(o.source).toBe('dmdc-personnel');
        expect(o.locator).toMatch(/^us-troops-bases\/troopdata-rebuild-reports\.csv row \d+ \(DMDC September 2024 report\)$/);
      }
    });

    it('explains the SOURCES.txt sample (Japan 55,154, South Korea 24,515, Germany 36,541, Poland 302): troopdata\'s country-year file gives March 2024 active duty plus Selected Reserve', async () => {
      const countryYear = await readCsv(COUNTRY_YEAR_FILE);
      const sample = { Japan: ['JAPAN', 55_154], 'South Korea': ['KOREA, SOUTH', 24_515], Germany: ['GERMANY', 36_541], Poland: ['POLAND', 302] } as const;
      for (const [name, [location, value]] of Object.entries(sample)) {
        expect(Number(countryYear.find((r) => r.countryname === name && r.year === '2024')!.troops_ad)).toBe(value);
        const march = reportLine('March 2024', location);
        expect(Number(march['Total Active Duty']) + Number(march['Total Selected Reserve'])).toBe(value);
      }
    });

    it('uses the June report for 1950 and 1953-1956, when the reports were dated June, and has no 1951-1952', () => {
      expect(find('JPN', 'us_troops_active_duty', 1953)!.locator).toMatch(/DMDC June 1953 report/);
      expect(find('JPN', 'us_troops_active_duty', 1957)!.locator).toMatch(/DMDC September 1957 report/);
      expect(observations.filter((o) => o.year === 1951 || o.year === 1952)).toEqual([]);
      expect(Math.max(...observations.map((o) => o.year))).toBe(2025);
    });
  });

  it('splits Japan\'s 2024 active duty by service so that the services and the Coast and Space Force lines add up to the total', () => {
    const line = reportLine('September 2024', 'JAPAN');
    const services = ['army', 'navy', 'air_force', 'marine_corps'].map((s) => find('JPN', `us_troops_${s}`, 2024)!.value!);
    expect(services).toEqual([2296, 19_906, 12_128, 16_334]);
    const otherActiveDuty = Number(line['Coast Guard Active Duty']) + Number(line['Space Force Active Duty']);
    expect(services.reduce((a, b) => a + b, 0) + otherActiveDuty).toBe(find('JPN', 'us_troops_active_duty', 2024)!.value);
    expect(find('JPN', 'us_troops_reserve', 2024)!.value).toBe(425);
    expect(find('JPN', 'us_dod_civilians', 2024)!.value).toBe(6946);
  });

  describe('missing is not zero', () => {
    it('keeps a zero the report prints (Timor-Leste, September 2024)', () => {
      expect(reportLine('September 2024', 'TIMOR-LESTE')['Total Active Duty']).toBe('0');
      const o = find('TLS', 'us_troops_active_duty', 2024)!;
      expect(o.value).toBe(0);
      expect(o.flags).toEqual([]);
    });

    it('flags a printed figure as uncertain where the reports leave out contingency forces (Iraq, September 2023: 0)', () => {
      expect(reportLine('September 2023', 'IRAQ')['Total Active Duty']).toBe('0');
      const o = find('IRQ', 'us_troops_active_duty', 2023)!;
      expect(o.value).toBe(0);
      expect(o.flags).toEqual(['uncertain']);
      expect(o.note).toMatch(/understates/);
      expect(find('AFG', 'us_troops_active_duty', 2010)!.flags).toEqual([]);
    });

    it('writes a line that gives no count ("Iraq (See OIF Table)", NA in the file) as missing', () => {
      const line = reportLine('September 2003', 'Iraq (See OIF Table)');
      expect(line.Total).toBe('NA');
      const o = find('IRQ', 'us_troops_active_duty', 2003)!;
      expect(o.value).toBeNull();
      expect(o.flags).toEqual(['missing']);
      expect(o.note).toMatch(/gives no count/);
    });

    it('writes a year whose report has no line for the host as missing (Iraq 2019: contingency forces left out)', () => {
      expect(reports.some((r) => r.source === 'September 2019' && r.countryname === 'Iraq')).toBe(false);
      const o = find('IRQ', 'us_troops_active_duty', 2019)!;
      expect(o.value).toBeNull();
      expect(o.note).toMatch(/no line/);
    });

    it('reads a blank service cell as 0 only where the printed services add up to the printed total (Bahamas, June 1953)', () => {
      const line = reportLine('June 1953', 'Bahamas');
      expect(line['Army Total']).toBe('NA');
      const army = find('BHS', 'us_troops_army', 1953)!;
      expect(army.value).toBe(0);
      expect(army.note).toMatch(/blank; read as 0/);
      const services = ['army', 'navy', 'air_force', 'marine_corps'].map((s) => find('BHS', `us_troops_${s}`, 1953)!.value!);
      expect(services.reduce((a, b) => a + b, 0)).toBe(Number(line.Total));
    });

    it('otherwise writes a service the report does not print as missing', () => {
      const missing = observations.filter((o) => o.indicator === 'us_troops_army' && o.value === null && /prints no army figure/.test(o.note));
      expect(missing.length).toBeGreaterThan(0);
      for (const o of missing) expect(o.flags).toEqual(['missing']);
    });

    it('takes troopdata\'s reading of the 2003 and 2004 PDF reports, zeros included, and writes hosts it has no line for as missing', () => {
      expect(find('POL', 'us_troops_active_duty', 2003)!.value).toBe(18);
      expect(find('POL', 'us_troops_army', 2003)!.value).toBe(5);
      expect(find('DEU', 'us_troops_active_duty', 2003)!.value).toBeNull();
      expect(find('DEU', 'us_troops_active_duty', 2003)!.note).toMatch(/no line/);
    });

    it('does not take a part of a state for the state (Japan 1966: the file has only the Ryukyu Islands line)', () => {
      const o = find('JPN', 'us_troops_active_duty', 1966)!;
      expect(o.value).toBeNull();
      expect(o.note).toMatch(/Ryukyu Islands/);
      expect(find('PRT', 'us_troops_active_duty', 1960)!.note).toMatch(/"Portugal" \+ "Azores"/);
    });

    it('has no reserve or civilian figures before the September 2008 report', () => {
      const early = observations.filter((o) => (o.indicator === 'us_troops_reserve' || o.indicator === 'us_dod_civilians') && o.year < 2008);
      expect(early).toEqual([]);
    });
  });

  it('reads locations as the state of the year: the Soviet Union, South Vietnam, Yugoslavia in 1992', () => {
    expect(find('SUN', 'us_troops_active_duty', 1985)!.value).toBe(57);
    expect(find('RUS', 'us_troops_active_duty', 1985)).toBeUndefined();
    expect(find('RVN', 'us_troops_active_duty', 1968)!.value).toBe(537_377);
    expect(find('SCG', 'us_troops_active_duty', 1992)).toBeDefined();
    expect(find('ETH', 'us_troops_active_duty', 1960)!.note).toMatch(/"Eritrea"/);
  });

  it('writes no figures for the United States itself or for U.S. territories', () => {
    for (const iso3 of ['USA', 'GUM', 'PRI', 'VIR', 'ASM', 'MNP', 'UMI']) expect(observations.filter((o) => o.country === iso3)).toEqual([]);
    expect(find('GRL', 'us_troops_active_duty', 2024)!.value).toBe(137); // a Danish dependency, kept under its own code
  });

  it('meets the build\'s checks: valid observations, known countries and sources, declared indicators, no duplicates', async () => {
    await expectBuildChecks(transform, observations);
  });

  describe('bad input stops the transform with the file, row and column', () => {
    const dirs = scratchDirs();
    const failWith = async (change: (text: string) => string) => {
      const dir = await snapshotWith(change);
      dirs.push(dir);
      return runTransform('troops', dir).then(() => 'no error', (e: Error) => e.message);
    };

    it('an unknown location name', async () => {
      let line = 0;
      const message = await failWith((text) => {
        const edit = editCell(text, (r) => r.source === 'September 2024' && r.Location === 'JAPAN', 'Location', 'Atlantis');
        line = edit.line;
        return edit.text;
      });
      expect(message).toContain(`${REPORTS_FILE}, row ${line}, column "Location": unknown country name "Atlantis"`);
      expect(message).toContain('curated/country-names/dmdc.yaml');
    });

    it('a troop count that is not a number', async () => {
      let line = 0;
      const message = await failWith((text) => {
        const edit = editCell(text, (r) => r.source === 'September 2024' && r.Location === 'JAPAN', 'Total Active Duty', '50,78x');
        line = edit.line;
        return edit.text;
      });
      expect(message).toContain(`${REPORTS_FILE}, row ${line}, column "Total Active Duty": "50,78x" is not a number`);
    });

    it('a truncated file', async () => {
      const message = await failWith((text) => {
        const lines = text.split('\n');
        const cut = lines.findIndex((l) => l.includes('"KOREA, SOUTH"'));
        return [...lines.slice(0, cut), lines[cut].slice(0, lines[cut].indexOf('"KOREA') + 4)].join('\n');
      });
      expect(message).toMatch(new RegExp(`^${REPORTS_FILE.replace(/[./]/g, '\\$&')}, row \\d+: not a well-formed CSV file`));
    });

    it('a line whose report label does not match its month and year', async () => {
      let line = 0;
      const message = await failWith((text) => {
        const edit = editCell(text, (r) => r.source === 'September 2024' && r.Location === 'JAPAN', 'source', 'Sept. 2024');
        line = edit.line;
        return edit.text;
      });
      expect(message).toContain(`${REPORTS_FILE}, row ${line}, column "source"`);
    });
  });
});
