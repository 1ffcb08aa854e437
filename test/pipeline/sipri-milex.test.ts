// SIPRI Military Expenditure Database (2025 release), read from SIPRI's workbook: figures as
// SIPRI prints them, markers as missing values with their meaning, colours as flags, footnotes
// in notes, and every bad workbook stopped with the sheet and cell.
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { MILEX_FILE, MILEX_SHEETS } from '../../src/pipeline/transforms/sipri-milex.ts';
import { runTransform, scratchDirs, SNAPSHOT_DIR } from '../support/pipeline.ts';

const WORKBOOK = path.join(SNAPSHOT_DIR, MILEX_FILE);
const CROSSWALK = 'country-codes/countrycode_codelist.csv';

function find(obs: Observation[], country: string, indicator: string, year: number): Observation {
  const o = obs.find((x) => x.country === country && x.indicator === indicator && x.year === year);
  if (!o) throw new Error(`no ${indicator} for ${country} ${year}`);
  return o;
}

describe.runIf(existsSync(WORKBOOK))('SIPRI milex from the 2025 workbook', () => {
  let obs: Observation[];
  let footnotes: Record<string, unknown>[];
  const footnote = (key: string) => String(footnotes.find((f) => f.footnote === key)?.text);
  let book: ExcelJS.Workbook;
  const cell = (sheet: string, address: string) => book.getWorksheet(sheet)!.getCell(address).value;

  beforeAll(async () => {
    const result = await runTransform('sipri-milex');
    obs = result.observations;
    footnotes = result.tables!.find((t) => t.name === 'sipri_milex_footnotes')!.rows;
    book = new ExcelJS.Workbook();
    await book.xlsx.readFile(WORKBOOK);
  }, 30_000);

  it('stores share of GDP as percent: SIPRI keeps a fraction shown as 0.00%', () => {
    expect(book.getWorksheet('Share of GDP')!.getCell('BZ107').numFmt).toBe('0.00%');
    const japan = find(obs, 'JPN', 'milex_share_gdp', 2024);
    expect(cell('Share of GDP', 'BZ107')).toBe(0.013713968958063434);
    expect(japan.value).toBe(0.013713968958063434 * 100);
    expect(japan.value).toBeCloseTo(1.37, 2);
    expect(japan.locator).toBe('sipri-milex/SIPRI-Milex-data-1949-2024_2.xlsx sheet "Share of GDP" cell BZ107');
    const poland = find(obs, 'POL', 'milex_share_gdp', 2024);
    expect(cell('Share of GDP', 'BZ146')).toBe(0.041543938797535616);
    expect(poland.value).toBe(0.041543938797535616 * 100);
    expect(poland.value).toBeCloseTo(4.15, 2);
    expect(poland.flags).toEqual([]);
  });

  it('reads U.S. spending in constant 2023 US$ m for 2024', () => {
    const usa = find(obs, 'USA', 'milex_usd_constant_2023', 2024);
    expect(cell('Constant (2023) US$', 'CA79')).toBe(968381.5948509097);
    expect(usa).toMatchObject({ value: 968381.5948509097, flags: [], locator: `${MILEX_FILE} sheet "Constant (2023) US$" cell CA79` });
    expect(usa.note).toContain('SIPRI footnote 44 (tables/sipri_milex_footnotes.csv)');
    expect(footnote('44')).toContain('USA: All figures for the USA are for financial year');
    expect(find(obs, 'USA', 'milex_usd_current', 2024).value).toBe(997309);
  });

  it('turns "..." (data unavailable) into a missing value with the marker and its meaning', () => {
    expect(cell('Constant (2023) US$', 'BW66')).toBe('...');
    const cuba = find(obs, 'CUB', 'milex_usd_constant_2023', 2020);
    expect(cuba).toMatchObject({ value: null, flags: ['missing'] });
    expect(cuba.note).toMatch(/^SIPRI marker "\.\.\." .*data unavailable/);
    expect(cuba.note).toContain('SIPRI footnotes § 38');
  });

  it('turns "xxx" (did not exist) into a missing value with the reason', () => {
    expect(cell('Constant (2023) US$', 'AX160')).toBe('xxx');
    const ussr = find(obs, 'SUN', 'milex_usd_constant_2023', 1995);
    expect(ussr).toMatchObject({ value: null, flags: ['missing'], locator: `${MILEX_FILE} sheet "Constant (2023) US$" cell AX160` });
    expect(ussr.note).toContain('"xxx": country did not exist or was not independent');
  });

  it('flags blue figures as SIPRI estimates and red ones as highly uncertain', () => {
    expect(book.getWorksheet('Constant (2023) US$')!.getCell('G107').font.color).toEqual({ argb: 'FF0000FF' });
    expect(find(obs, 'JPN', 'milex_usd_constant_2023', 1952)).toMatchObject({ value: 6621.507332162224, flags: ['estimate'] });
    expect(book.getWorksheet('Constant (2023) US$')!.getCell('BT10').font.color).toEqual({ argb: 'FFFF0000' });
    expect(find(obs, 'DZA', 'milex_usd_constant_2023', 2017)).toMatchObject({ flags: ['uncertain'] });
  });

  it('keeps the footnotes that qualify a figure; the currency symbol only on local-currency figures', () => {
    const taiwan = find(obs, 'TWN', 'milex_share_gdp', 2024).note;
    expect(taiwan).toContain('† Figures for these countries do not include military pensions');
    expect(taiwan).toContain('¶ Figures for these countries do not include spending on paramilitary forces');
    expect(taiwan).toContain('SIPRI footnote 104 (tables/sipri_milex_footnotes.csv)');
    expect(footnote('104')).toMatch(/^Taiwan:/);
    expect(find(obs, 'JPN', 'milex_usd_constant_2023', 2024).note).toContain('SIPRI footnote 56');
    expect(footnote('56')).toContain('Special Action Committee on Okinawa');
    expect(find(obs, 'EST', 'milex_usd_current', 2020).note).not.toContain('redenominated');
    const estonia = find(obs, 'EST', 'milex_local_currency', 2020);
    expect(estonia.note).toContain('‖ This country changed or redenominated its currency');
    expect(estonia.note).toContain('currency: Euro');
  });

  it('reads local currency with the currency named in the note', () => {
    const japan = find(obs, 'JPN', 'milex_local_currency', 2024);
    expect(japan).toMatchObject({ value: 8371675000000, locator: `${MILEX_FILE} sheet "Local currency calendar years" cell CA108` });
    expect(japan.note).toContain('currency: Yen');
  });

  it('covers every year SIPRI gives: 1949-2024, and 1988-2024 for per capita and share of government spending', () => {
    const years = (indicator: string) => {
      const ys = obs.filter((o) => o.indicator === indicator && o.country === 'JPN').map((o) => o.year);
      return [Math.min(...ys), Math.max(...ys), ys.length];
    };
    for (const spec of MILEX_SHEETS) {
      const late = spec.indicator === 'milex_per_capita_usd' || spec.indicator === 'milex_share_govt';
      expect(years(spec.indicator)).toEqual(late ? [1988, 2024, 37] : [1949, 2024, 76]);
    }
  });

  it('gives historical states their own codes and SIPRI\'s Serbia of 1992-2005 to Serbia and Montenegro', () => {
    expect(find(obs, 'SCG', 'milex_usd_current', 2000).locator).toContain('cell BB148');
    expect(find(obs, 'SRB', 'milex_usd_current', 2010).value).not.toBeNull();
    expect(find(obs, 'YUG', 'milex_usd_current', 1988).value).not.toBeNull();
    expect(find(obs, 'DDR', 'milex_usd_current', 1985).value).not.toBeNull();
    // North Yemen's row (to 1989) and Yemen's (from 1990) both feed YEM, one figure per year.
    expect(find(obs, 'YEM', 'milex_usd_current', 1988).locator).toContain('cell AP198');
    expect(find(obs, 'YEM', 'milex_usd_current', 2000).locator).toContain('cell BB199');
  });

  it('writes no region rows and flags and explains every missing value', () => {
    expect(new Set(obs.map((o) => o.country)).size).toBe(173);
    const unexplained = obs.filter((o) => o.value === null && !(o.flags.includes('missing') && o.note.startsWith('SIPRI marker')));
    expect(unexplained).toEqual([]);
  });
});

/** A small workbook laid out like SIPRI's: a title block of varying height, region headings, two countries. */
async function smallWorkbook(dir: string, change: { omitSheet?: string; name?: string; value?: ExcelJS.CellValue } = {}): Promise<string> {
  const wb = new ExcelJS.Workbook();
  MILEX_SHEETS.forEach((spec, i) => {
    if (spec.sheet === change.omitSheet) return;
    const ws = wb.addWorksheet(spec.sheet);
    for (let r = 0; r < 4 + (i % 3); r++) ws.addRow([`Title line ${r + 1}`]);
    const leading = spec.localCurrency ? ['Country', 'Currency', 'Notes'] : ['Country', 'Notes'];
    ws.addRow([...leading, 2023, 2024]);
    const pad = (name: string, ...rest: ExcelJS.CellValue[]) => (spec.localCurrency ? [name, 'Yen       ', ...rest] : [name, ...rest]);
    ws.addRow(['Asia & Oceania']);
    ws.addRow(['East Asia']);
    const share = spec.scale !== 1;
    const japan = ws.addRow(pad(change.name ?? 'Japan', '†56', share ? 0.0124 : 50000, change.value ?? (share ? 0.0137 : 55000)));
    japan.getCell(leading.length + 1).font = { color: { argb: 'FF0000FF' } };
    ws.addRow(['Europe']);
    ws.addRow(pad('Poland', '78', '...', 'xxx'));
    if (share) ws.eachRow((row) => row.eachCell((c) => { if (typeof c.value === 'number') c.numFmt = '0.00%'; }));
  });
  const notes = wb.addWorksheet('Footnotes');
  notes.addRow(['Footnotes and special notes']);
  notes.addRow(['†', 'Figures for these countries do not include military pensions']);
  notes.addRow([56, null, 'Japan: The figures for Japan include SACO.']);
  notes.addRow([78, null, 'Poland: The figures for Poland exclude some spending.']);
  await mkdir(path.join(dir, 'sipri-milex'), { recursive: true });
  await mkdir(path.join(dir, 'country-codes'), { recursive: true });
  await copyFile(path.join(SNAPSHOT_DIR, CROSSWALK), path.join(dir, CROSSWALK));
  await wb.xlsx.writeFile(path.join(dir, MILEX_FILE));
  return dir;
}

describe.runIf(existsSync(path.join(SNAPSHOT_DIR, CROSSWALK)))('SIPRI milex on small workbooks', () => {
  const dirs = scratchDirs();
  const tempDir = async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'sipri-milex-'));
    dirs.push(d);
    return d;
  };

  it('finds each sheet\'s header by content and reads figures, markers and colours', async () => {
    const obs = (await runTransform('sipri-milex', await smallWorkbook(await tempDir()))).observations;
    const japan = obs.filter((o) => o.country === 'JPN' && o.indicator === 'milex_share_gdp');
    expect(japan.map((o) => [o.year, o.value, o.flags])).toEqual([[2023, 1.24, ['estimate']], [2024, 1.37, []]]);
    expect(japan[1].note).toBe('† Figures for these countries do not include military pensions | SIPRI footnote 56 (tables/sipri_milex_footnotes.csv)');
    const poland = obs.filter((o) => o.country === 'POL' && o.indicator === 'milex_usd_current');
    expect(poland.map((o) => [o.year, o.value, o.flags])).toEqual([[2023, null, ['missing']], [2024, null, ['missing']]]);
    expect(poland[1].note).toContain('"xxx"');
    expect(obs).toHaveLength(2 * 2 * MILEX_SHEETS.length);
  }, 20_000);

  it('stops when a sheet is missing, naming the workbook and the sheet', async () => {
    const dir = await smallWorkbook(await tempDir(), { omitSheet: 'Share of GDP' });
    await expect(runTransform('sipri-milex', dir)).rejects.toThrow(/SIPRI-Milex-data-1949-2024_2\.xlsx sheet "Share of GDP": the workbook has no sheet "Share of GDP"/);
  }, 20_000);

  it('stops on a figure that is neither a number nor a SIPRI marker, naming sheet, row, cell and value', async () => {
    const dir = await smallWorkbook(await tempDir(), { value: 'n/a' });
    await expect(runTransform('sipri-milex', dir)).rejects.toThrow(/sheet "Constant \(2023\) US\$", row 8, column "D8": "n\/a" is neither a number nor a SIPRI marker/);
  }, 20_000);

  it('stops on a country name the registry does not know, naming sheet, row and cell', async () => {
    const dir = await smallWorkbook(await tempDir(), { name: 'Atlantis' });
    await expect(runTransform('sipri-milex', dir)).rejects.toThrow(/sheet "Constant \(2023\) US\$", row 8, column "A8": unknown country name "Atlantis"\. Add it to curated\/country-names\/sipri\.yaml/);
  }, 20_000);
});
