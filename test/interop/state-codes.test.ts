// State codes: the crosswalks are unique per code and year, and a peacesciencer-style
// state-year join of the country-year exports on (COW code, year) for 1949-2016 neither
// duplicates nor drops a state-year. The state-year panel is what peacesciencer's
// create_stateyears(system = "cow") gives: every year of every spell of the COW State System
// Membership list v2016 (evidence/tables/state_system.csv; the snapshot's system2016.csv, when
// present, must list the same state-years).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/evidence/csv.ts';
import { loadEvidence } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { evidenceTable, ledgerTable, tableToCsv } from '../../src/exports/index.ts';
import type { ExportRow } from '../../src/exports/index.ts';
import { loadLedgerInputs } from '../../src/method/files.ts';
import { computeLedger } from '../../src/method/ledger.ts';
import { DEFAULT_EVIDENCE_DIR, defaultSnapshotDir } from '../../src/pipeline/build.ts';

const FROM = 1949;
const TO = 2016;

async function csv(rel: string): Promise<Record<string, string>[]> {
  return parseCsv(await readFile(path.join(DEFAULT_EVIDENCE_DIR, rel), 'utf8'));
}

/** Every (code, year) of rows with from_year/to_year, to find codes held twice in a year. */
function duplicatesByYear(rows: Record<string, string>[], key: (r: Record<string, string>) => string): string[] {
  const seen = new Map<string, string>();
  const dup: string[] = [];
  for (const r of rows) {
    const k = key(r);
    if (!k) continue;
    const to = Math.min(Number(r.to_year), 2030);
    for (let y = Number(r.from_year); y <= to; y++) {
      const id = `${k}/${y}`;
      if (seen.has(id)) dup.push(`${id}: ${seen.get(id)} and ${r.iso3}`);
      seen.set(id, r.iso3);
    }
  }
  return dup;
}

/** peacesciencer's create_stateyears(system = "cow") for FROM-TO: ccode/year pairs. */
async function cowStateYears(): Promise<Set<string>> {
  const out = new Set<string>();
  for (const s of await csv('tables/state_system.csv')) {
    const from = Math.max(Number(s.start_date.slice(0, 4)), FROM);
    const to = Math.min(Number(s.end_date.slice(0, 4)), TO);
    for (let y = from; y <= to; y++) out.add(`${s.ccode}/${y}`);
  }
  return out;
}

/** Left join of the panel on an export by (cow, year): panel rows after the join, matches, export rows with a code that found no state-year. */
function join(panel: Set<string>, rows: readonly ExportRow[]) {
  const byKey = new Map<string, number>();
  for (const r of rows) if (r.cow !== null) byKey.set(`${r.cow}/${r.year}`, (byKey.get(`${r.cow}/${r.year}`) ?? 0) + 1);
  let joined = 0;
  let matched = 0;
  for (const k of panel) {
    const n = byKey.get(k) ?? 0;
    joined += Math.max(n, 1);
    if (n) matched++;
  }
  const dropped = rows.filter((r) => r.cow !== null && !panel.has(`${r.cow}/${r.year}`)).map((r) => `${r.country ?? r.ally} ${r.year} (cow ${r.cow})`);
  return { panel: panel.size, joined, matched, dropped, exportRows: rows.length, withoutCode: rows.filter((r) => r.cow === null).length };
}

describe('the state-code crosswalks', () => {
  let codes: Record<string, string>[];
  beforeAll(async () => {
    codes = await csv('tables/state_codes.csv');
  });

  it('tables/state_codes.csv is unique per ISO code and year, per COW code and year, per GW code and year', () => {
    expect(duplicatesByYear(codes, (r) => r.iso3)).toEqual([]);
    expect(duplicatesByYear(codes, (r) => r.cow)).toEqual([]);
    expect(duplicatesByYear(codes, (r) => r.gwcode)).toEqual([]);
  });

  it('cow_crosswalk.csv is unique per COW code and year', async () => {
    expect(duplicatesByYear(await csv('cow_crosswalk.csv'), (r) => r.cow)).toEqual([]);
  });

  it('holds West Germany, Serbia and Yugoslavia, Yemen and the Soviet Union with their years in both systems', () => {
    const at = (iso3: string, year: number) => {
      const r = codes.find((x) => x.iso3 === iso3 && year >= Number(x.from_year) && year <= Number(x.to_year));
      return r ? [r.cow || null, r.gwcode || null] : null;
    };
    expect(at('DEU', 1950)).toEqual([null, '260']); // GW counts the Federal Republic from 1949, COW from 1955
    expect(at('DEU', 1960)).toEqual(['260', '260']);
    expect(at('DEU', 1990)).toEqual(['255', '260']); // unified on 3 October: COW 255, GW keeps 260
    expect(at('DDR', 1980)).toEqual(['265', '265']);
    expect(at('YUG', 1960)).toEqual(['345', '345']);
    expect(at('SCG', 2000)).toEqual(['345', '345']);
    expect(at('SRB', 2010)).toEqual(['345', '340']);
    expect(at('YEM', 1980)).toEqual(['678', '678']);
    expect(at('YEM', 2000)).toEqual(['679', '678']);
    expect(at('YMD', 1980)).toEqual(['680', '680']);
    expect(at('SUN', 1980)).toEqual(['365', '365']);
    expect(at('RUS', 2000)).toEqual(['365', '365']);
    expect(at('DEU', 1947)).toBeNull();
  });

  it('countries.csv gives Serbia its COW code and every state its GW code', async () => {
    const countries = await csv('countries.csv');
    const get = (iso3: string) => countries.find((c) => c.iso3 === iso3)!;
    expect([get('SRB').cow, get('SRB').gwcode]).toEqual(['345', '340']);
    expect([get('DEU').cow, get('DEU').gwcode]).toEqual(['255', '260']);
    expect([get('YEM').cow, get('YEM').gwcode]).toEqual(['679', '678']);
  });

  it.runIf(existsSync(path.join(defaultSnapshotDir(), 'cow-states/system2016.csv')))('the panel is the COW system2016 state-years', async () => {
    const system = parseCsv(await readFile(path.join(defaultSnapshotDir(), 'cow-states/system2016.csv'), 'utf8'));
    const fromFile = new Set(system.filter((r) => Number(r.year) >= FROM && Number(r.year) <= TO).map((r) => `${r.ccode}/${r.year}`));
    expect(await cowStateYears()).toEqual(fromFile);
  });
});

describe(`a peacesciencer-style join on (cow, year), ${FROM}-${TO}`, () => {
  let evidence: Evidence;
  let panel: Set<string>;
  beforeAll(async () => {
    evidence = await loadEvidence(undefined, { indicators: ['cinc', 'milex_usd_constant_2023'] });
    panel = await cowStateYears();
  }, 120_000);

  it('COW capabilities (cinc): every state-year once, none duplicated, none dropped', () => {
    const rows = evidenceTable(evidence.query({ indicator: ['cinc'], from: FROM, to: TO }), evidence).rows;
    const result = join(panel, rows);
    process.stderr.write(`join cinc: ${JSON.stringify({ ...result, dropped: result.dropped.length })}\n`);
    expect(result.joined).toBe(result.panel); // no state-year duplicated
    expect(result.dropped).toEqual([]); // no export row with a code outside the panel
    expect(result.withoutCode).toBe(0);
    expect(result.matched).toBe(result.exportRows); // every country-year found its state-year
    expect(result.panel).toBeGreaterThan(8000);
  });

  it('SIPRI military expenditure: none duplicated, none dropped; country-years outside the COW system carry no code', () => {
    const rows = evidenceTable(evidence.query({ indicator: ['milex_usd_constant_2023'], from: FROM, to: TO }), evidence).rows;
    const result = join(panel, rows);
    process.stderr.write(`join milex_usd_constant_2023: ${JSON.stringify({ ...result, dropped: result.dropped.length })}\n`);
    expect(result.joined).toBe(result.panel);
    expect(result.dropped).toEqual([]);
    expect(result.matched + result.withoutCode).toBe(result.exportRows);
  });

  it('the ledgers (net rows, one per ally and year): none duplicated, none dropped', async () => {
    const inputs = await loadLedgerInputs();
    const first = inputs.methodology.years.first;
    const ledgers = [];
    for (let y = first; y <= TO; y++) ledgers.push(...computeLedger(inputs, y).allies);
    const rows = ledgerTable(ledgers, inputs.evidence).rows.filter((r) => r.item === 'net');
    const result = join(panel, rows);
    process.stderr.write(`join ledgers ${first}-${TO}: ${JSON.stringify({ ...result, dropped: result.dropped.length })}\n`);
    expect(result.joined).toBe(result.panel);
    expect(result.dropped).toEqual([]);
    expect(result.matched + result.withoutCode).toBe(result.exportRows);
  }, 120_000);
});

// The same join in the analyst's own tools, on the CSV export: pandas (merge, validate one to
// one) and R (readr, dplyr). CI installs both (.ci/run); elsewhere they run when present.
const PYTHON = '/usr/bin/python3';
const hasPandas = spawnSync(PYTHON, ['-c', 'import pandas']).status === 0;
const hasR = spawnSync('Rscript', ['-e', 'library(readr); library(dplyr)']).status === 0;

describe('the join in pandas and R, on the CSV export', () => {
  let dir: string;
  let panelFile: string;
  let exportFile: string;
  let expected: ReturnType<typeof join>;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'allies-join-'));
    const evidence = await loadEvidence(undefined, { indicators: ['milex_usd_constant_2023'] });
    const table = evidenceTable(evidence.query({ indicator: ['milex_usd_constant_2023'] }), evidence);
    exportFile = path.join(dir, 'milex.csv');
    await writeFile(exportFile, tableToCsv(table));
    const panel = await cowStateYears();
    panelFile = path.join(dir, 'stateyears.csv');
    await writeFile(panelFile, `ccode,year\n${[...panel].map((k) => k.replace('/', ',')).join('\n')}\n`);
    expected = join(panel, table.rows.filter((r) => (r.year as number) >= FROM && (r.year as number) <= TO));
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.runIf(hasPandas || process.env.CI)('pandas: merge(validate="one_to_one") keeps every state-year once', () => {
    const script = [
      'import sys, pandas as pd',
      'states = pd.read_csv(sys.argv[1])',
      `milex = pd.read_csv(sys.argv[2]).query("${FROM} <= year <= ${TO}")`,
      'coded = milex.dropna(subset=["cow"]).astype({"cow": int})',
      'j = states.merge(coded[["cow", "year", "value"]], left_on=["ccode", "year"], right_on=["cow", "year"], how="left", validate="one_to_one", indicator=True)',
      'print(len(states), len(j), int((j["_merge"] == "both").sum()), len(coded), len(milex) - len(coded))',
    ].join('\n');
    const out = execFileSync(PYTHON, ['-c', script, panelFile, exportFile], { encoding: 'utf8' }).trim();
    expect(out).toBe(`${expected.panel} ${expected.panel} ${expected.matched} ${expected.matched} ${expected.withoutCode}`);
  });

  it.runIf(hasR || process.env.CI)('R: readr and dplyr left_join keeps every state-year once', () => {
    const script = [
      'suppressMessages({library(readr); library(dplyr)})',
      'a <- commandArgs(TRUE)',
      'states <- read_csv(a[1], show_col_types = FALSE)',
      `milex <- read_csv(a[2], show_col_types = FALSE, guess_max = 1e6) |> filter(year >= ${FROM}, year <= ${TO}, !is.na(cow)) |> select(ccode = cow, year, value)`,
      'j <- left_join(states, milex, by = c("ccode", "year"))',
      'stopifnot(!any(duplicated(j[c("ccode", "year")])))',
      'cat(nrow(states), nrow(j), nrow(semi_join(milex, states, by = c("ccode", "year"))), nrow(milex), "\\n")',
    ].join('\n');
    const out = execFileSync('Rscript', ['-e', script, panelFile, exportFile], { encoding: 'utf8' }).trim();
    expect(out).toBe(`${expected.panel} ${expected.panel} ${expected.matched} ${expected.matched}`);
  }, 60_000);
});
