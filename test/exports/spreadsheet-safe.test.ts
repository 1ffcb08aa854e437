// Spreadsheet-safe CSV (OWASP's CSV injection rule): a methodology shared with hostile labels
// (=HYPERLINK, the DDE calc payload, @SUM, +1, a tab in front) goes out with every such cell
// prefixed by a single quote and quoted, in the CLI export, the API's CSV and the dashboard's
// CSV builder; negative numbers stay numbers; XLSX keeps the labels as plain strings; our own
// CSV reader gives the labels back exactly.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCsv } from '../../src/evidence/csv.ts';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';
import { restoreSpreadsheetText, safeCsvField, spreadsheetSafeText, toSafeCsv } from '../../src/exports/csv-cell.ts';
import { csvToTable, ledgerTable, writeTable } from '../../src/exports/index.ts';
import type { ExportTable } from '../../src/exports/index.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { registerReportCommands } from '../../src/interfaces/cli/commands/report.ts';
import { csvTable } from '../../src/interfaces/cli/format.ts';
import { csvText } from '../../src/interfaces/web/csv-export.ts';
import { DEFAULT_METHODOLOGY_FILE, loadLedgerInputs } from '../../src/method/files.ts';
import { computeLedger, latestYear } from '../../src/method/ledger.ts';

/** Labels a shared methodology file could carry, by the item whose label they replace. */
const HOSTILE_LABELS: Record<string, string> = {
  military_expenditure: '=HYPERLINK("http://x")',
  military_personnel: "-2+3+cmd|' /C calc'!A0",
  defense_effort: '@SUM(1)',
  defense_effort_trend: '+1',
  gdp: '\t=1+1',
  population: ' =2+2',
};
const PAYLOADS = Object.values(HOSTILE_LABELS);

/** What a spreadsheet would evaluate: a trigger first, after spaces, unless the text is a negative number. */
const evaluable = (cell: string) => /^[ ]*[=+\-@\t\r]/.test(cell) && !/^[ ]*-(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell);

/** Every field of a CSV text as a spreadsheet would read it (header included). */
function fields(text: string): string[] {
  const records = parseCsv(text);
  return [...Object.keys(records[0] ?? {}), ...records.flatMap((r) => Object.values(r))];
}

function expectNeutralized(text: string, label: string, holdsNegatives = true): void {
  const cells = fields(text);
  expect(cells.filter(evaluable), `${label}: cells a spreadsheet would evaluate`).toEqual([]);
  // Each payload is there, prefixed and quoted (the quote is OWASP's second half of the rule).
  for (const p of PAYLOADS) expect(text, `${label}: ${JSON.stringify(p)}`).toContain(`"'${p.replace(/"/g, '""')}"`);
  // Negative numbers are numbers, not formulas: they stay bare.
  const negatives = cells.filter((c) => /^-\d/.test(c));
  if (holdsNegatives) expect(negatives.length, `${label}: the export holds negative numbers to check`).toBeGreaterThan(0);
  for (const n of negatives) expect(Number.isFinite(Number(n)), `${label}: ${n}`).toBe(true);
}

let dir: string;
let methodologyFile: string;
let table: ExportTable;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allies-safe-csv-'));
  let text = await readFile(DEFAULT_METHODOLOGY_FILE, 'utf8');
  for (const [item, label] of Object.entries(HOSTILE_LABELS)) {
    const pattern = new RegExp(`(  - id: ${item}\\n(?:    .*\\n)*?    label: ).*\\n`);
    expect(pattern.test(text), item).toBe(true);
    text = text.replace(pattern, (_, head: string) => `${head}${JSON.stringify(label)}\n`);
  }
  methodologyFile = path.join(dir, 'hostile.yaml');
  await writeFile(methodologyFile, text);
  const inputs = await loadLedgerInputs({ methodologyFile });
  table = ledgerTable(computeLedger(inputs, latestYear(inputs)).allies);
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the rule', () => {
  it('prefixes text that starts with = + - @ tab or carriage return, also after spaces, and quotes it', () => {
    for (const p of [...PAYLOADS, '\rx', '-x', '-', '@']) {
      expect(spreadsheetSafeText(p)).toBe(`'${p}`);
      expect(safeCsvField(p)).toBe(`"'${p.replace(/"/g, '""')}"`);
    }
    expect(safeCsvField('Japan')).toBe('Japan');
    expect(safeCsvField('a;b')).toBe('"a;b"'); // a semicolon locale cannot split it into a new cell
  });

  it('leaves numbers alone: number cells and text that is exactly a negative decimal', () => {
    expect(safeCsvField(-2.5)).toBe('-2.5');
    expect(safeCsvField(-1e-7)).toBe('-1e-7');
    expect(safeCsvField(-0)).toBe('0');
    for (const n of ['-2.5', '-3', '-.5', '-1e-7', '-1e+21']) expect(safeCsvField(n)).toBe(n);
    expect(safeCsvField('+1')).toBe(`"'+1"`);
    expect(safeCsvField('-2.5.1')).toBe(`"'-2.5.1"`);
  });

  it('is reversible: reading back gives exactly what was written, whatever the text', () => {
    for (const s of ["'=x", "''=x", "'-2.5", "'abc", "'", ' -2']) expect(restoreSpreadsheetText(spreadsheetSafeText(s))).toBe(s);
    const alphabet = fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', ' ', '1', '.', 'e', 'a', ';', '"', ',', '\n');
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')), (s) => {
      const safe = spreadsheetSafeText(s);
      expect(restoreSpreadsheetText(safe)).toBe(s);
      expect(evaluable(safe)).toBe(false);
      expect(parseCsv(toSafeCsv(['c'], [{ c: s }]))[0]?.c ?? '').toBe(s === '' ? '' : safe);
    }), { numRuns: 2000 });
  });
});

describe('every CSV the project hands out', () => {
  async function cli(args: string[]): Promise<string> {
    const program = new Command('allies').exitOverride();
    registerReportCommands(program);
    let stdout = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    try {
      await program.parseAsync(args, { from: 'user' });
    } finally {
      out.mockRestore();
    }
    return stdout;
  }

  it('CLI: allies export ledgers --format csv with the shared methodology', async () => {
    const text = await cli(['export', 'ledgers', '--format', 'csv', '--method', methodologyFile]);
    expectNeutralized(text, 'export ledgers');
    // Our own reader takes the labels back exactly.
    const labels = new Set(csvToTable(text, 'ledgers', table.columns).rows.map((r) => r.label));
    for (const p of PAYLOADS) expect(labels.has(p), JSON.stringify(p)).toBe(true);
  });

  it('API: the ledgers, one ally\'s ledger and its why-this-rank as CSV', async () => {
    const app = await createApp({ evidenceDir: EVIDENCE_DIR, dashboardDir: null, engine: { methodologyFile } });
    for (const url of ['/api/ledgers?format=csv', '/api/ledgers/JPN?format=csv', '/api/ledgers/JPN/why?format=csv&bands=false']) {
      const res = await app.request(url);
      expect(res.status, url).toBe(200);
      // Japan's own ledger has no negative number; the whole year's and the why (differences from the median) do.
      expectNeutralized(await res.text(), url, url !== '/api/ledgers/JPN?format=csv');
    }
  });

  it('CLI --csv tables (rank, obs, sql, burden, ...)', () => {
    const text = csvTable(PAYLOADS.map((label, i) => ({ label, net: -1.25 * (i + 1) })), [
      { header: 'label', value: (r) => r.label },
      { header: 'net', value: (r) => r.net },
    ]);
    expectNeutralized(text, '--csv');
  });

  it('dashboard: the CSV builder behind every download button', () => {
    const rows = PAYLOADS.map((label, i) => ({ label, points: -2.5 * (i + 1), share: 0.1, ally: 'JPN' }));
    const text = csvText(['ally', 'label', 'points', 'share'], rows);
    expectNeutralized(text, 'dashboard');
    expect(text.split('\n')[1]).toBe(`JPN,"'=HYPERLINK(""http://x"")",-2.5,0.1`);
    expect(csvText(['x'], [{ x: Number.NaN }])).toBe('x\n\n'); // nothing to show, not an error
  });

  it('XLSX is unaffected: the labels are plain text cells, as written, never formulas', async () => {
    const file = path.join(dir, 'ledgers.xlsx');
    await writeTable(table, 'xlsx', file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const labelColumn = table.columns.findIndex((c) => c.name === 'label') + 1;
    const cells: ExcelJS.Cell[] = [];
    workbook.worksheets[0].eachRow((row) => { cells.push(row.getCell(labelColumn)); });
    const hostile = cells.filter((c) => PAYLOADS.includes(String(c.value)));
    expect(new Set(hostile.map((c) => c.value))).toEqual(new Set(PAYLOADS));
    for (const c of hostile) expect(c.type).toBe(ExcelJS.ValueType.String);
  });
});
