// Exports agree across formats: a missing value is null in CSV, XLSX, Parquet and JSON alike,
// text included (an observation without counterpart has counterpart null, which a CSV reader
// such as pandas sees as NA and Parquet stores as null, not ""); the evidence export carries
// each indicator's label and unit and the country's state codes; no column is named by an SQL
// reserved word.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEvidence } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { csvToTable, evidenceTable, jsonToTable, LEDGER_COLUMNS, OBSERVATION_EXPORT_COLUMNS, readParquet, readXlsx, SOURCE_EXPORT_COLUMNS, writeTable } from '../../src/exports/index.ts';
import type { ExportTable } from '../../src/exports/index.ts';

const PYTHON = '/usr/bin/python3';
let dir: string;
let evidence: Evidence;
let table: ExportTable;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allies-formats-'));
  evidence = await loadEvidence(undefined, { indicators: ['milex_share_gdp', 'arms_imports_tiv', 'arms_exports_tiv'] });
  // Monadic and dyadic rows, missing values, several countries and years.
  table = evidenceTable(evidence.query({ indicator: ['milex_share_gdp', 'arms_imports_tiv', 'arms_exports_tiv'], country: ['JPN', 'DEU', 'SRB', 'YUG'], from: 1985, to: 2010 }), evidence);
  for (const format of ['csv', 'json', 'xlsx', 'parquet'] as const) await writeTable(table, format, path.join(dir, `observations.${format}`));
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the evidence export', () => {
  it('holds an empty counterpart as null, never ""', () => {
    const monadic = table.rows.filter((r) => r.indicator !== 'arms_imports_tiv');
    expect(monadic.length).toBeGreaterThan(100);
    for (const r of monadic) expect(r.counterpart).toBeNull();
    expect(table.rows.some((r) => r.indicator === 'arms_imports_tiv' && typeof r.counterpart === 'string')).toBe(true);
    for (const r of table.rows) for (const c of table.columns) expect(r[c.name], c.name).not.toBe('');
  });

  it('names each indicator\'s label and unit, and the country\'s COW and GW codes in the year', () => {
    const milex = table.rows.find((r) => r.indicator === 'milex_share_gdp')!;
    expect(milex.label).toBe(evidence.indicator('milex_share_gdp')!.label);
    expect(milex.unit).toBe(evidence.indicator('milex_share_gdp')!.unit);
    const codes = (country: string, year: number) => {
      const r = table.rows.find((x) => x.country === country && x.year === year && x.indicator === 'milex_share_gdp');
      return r ? [r.cow, r.gwcode] : undefined;
    };
    expect(codes('DEU', 1989)).toEqual([260, 260]);
    expect(codes('DEU', 1991)).toEqual([255, 260]);
    expect(codes('JPN', 2000)).toEqual([740, 740]);
    expect(codes('SRB', 2008)).toEqual([345, 340]);
    expect(codes('YUG', 1990)).toEqual([345, 345]);
  });
});

describe('every format reads back the same values, nulls where values are missing', () => {
  it.each(['csv', 'json', 'xlsx', 'parquet'] as const)('%s', async (format) => {
    const file = path.join(dir, `observations.${format}`);
    const back = format === 'csv' ? csvToTable(await readFile(file, 'utf8'), table.name, table.columns)
      : format === 'json' ? jsonToTable(await readFile(file, 'utf8'))
        : format === 'xlsx' ? await readXlsx(file)
          : await readParquet(file, table.name, table.columns);
    expect(back.rows).toEqual(table.rows);
  }, 60_000);

  it('the Parquet file itself stores null in text columns (hyparquet, no mapping)', async () => {
    const { parquetReadObjects } = await import('hyparquet') as unknown as { parquetReadObjects(o: { file: ArrayBuffer }): Promise<Record<string, unknown>[]> };
    const bytes = await readFile(path.join(dir, 'observations.parquet'));
    const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
    const nullCounterparts = rows.filter((r) => r.counterpart === null).length;
    expect(rows.filter((r) => r.counterpart === '')).toEqual([]);
    expect(nullCounterparts).toBe(table.rows.filter((r) => r.counterpart === null).length);
  });

  it.runIf(existsSync(PYTHON) || process.env.CI)('pandas sees as many NA counterparts in the CSV as Parquet holds nulls', () => {
    const nulls = table.rows.filter((r) => r.counterpart === null).length;
    const out = execFileSync(PYTHON, ['-c', 'import sys, pandas; d = pandas.read_csv(sys.argv[1]); print(int(d["counterpart"].isna().sum()), len(d))', path.join(dir, 'observations.csv')], { encoding: 'utf8' });
    expect(out.trim()).toBe(`${nulls} ${table.rows.length}`);
  });
});

describe('column names', () => {
  // SQL:2016 reserved words among the plausible column names (PostgreSQL reserves the same ones).
  const RESERVED = new Set(['all', 'and', 'any', 'array', 'as', 'asc', 'between', 'case', 'check', 'column', 'constraint', 'create', 'cross', 'current_date', 'default', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'into', 'join', 'key', 'leading', 'limit', 'natural', 'not', 'null', 'offset', 'on', 'only', 'or', 'order', 'primary', 'references', 'select', 'table', 'then', 'to', 'true', 'union', 'unique', 'user', 'using', 'value', 'when', 'where', 'window', 'with', 'year']);
  // `value` and `year` are non-reserved in PostgreSQL (usable unquoted); the test keeps to PostgreSQL's reserved list.
  const POSTGRES_USABLE = new Set(['value', 'year', 'key']);
  it.each([['ledgers', LEDGER_COLUMNS], ['observations', OBSERVATION_EXPORT_COLUMNS], ['sources', SOURCE_EXPORT_COLUMNS]] as const)('%s: none is reserved in PostgreSQL', (_name, columns) => {
    const bad = columns.map((c) => c.name).filter((n) => RESERVED.has(n) && !POSTGRES_USABLE.has(n));
    expect(bad).toEqual([]);
  });
  it('the ledger heading is line_group', () => {
    expect(LEDGER_COLUMNS.map((c) => c.name)).toContain('line_group');
  });
});
