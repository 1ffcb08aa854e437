// Exports round-trip: the ledgers, a slice of the evidence and the sources, written as CSV,
// XLSX, Parquet and JSON, read back and compared with what was written, value for value
// (missing stays missing, never 0). The citations parse: one BibTeX entry per source with
// the fields a bibliography needs, one CSL-JSON item per source. Writes are atomic.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CITATION_TYPES } from '../../src/evidence/citations.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import {
  citationText, csvToTable, evidenceTable, jsonToTable, ledgerTable, readParquet, readXlsx, sourcesTable, tableToCsv, tableToJson,
  writeTable, ExportValueError, XLSX_MAX_CELL,
} from '../../src/exports/index.ts';
import type { ExportTable, TableFormat } from '../../src/exports/index.ts';
import { registerReportCommands } from '../../src/interfaces/cli/commands/report.ts';
import { loadLedgerInputs } from '../../src/method/files.ts';
import { computeLedger, latestYear } from '../../src/method/ledger.ts';

let dir: string;
let evidence: Evidence;
let tables: ExportTable[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allies-export-'));
  const inputs = await loadLedgerInputs();
  evidence = inputs.evidence;
  const ledger = computeLedger(inputs, latestYear(inputs));
  const observations = evidence.query({ indicator: ['milex_share_gdp', 'us_troops_active_duty', 'hns_usd'], country: ['JPN', 'KOR', 'DEU', 'TWN', 'ISL'], from: 2010 });
  tables = [ledgerTable(ledger.allies, evidence), evidenceTable(observations, evidence), sourcesTable(evidence.sources, evidence.sourceFiles)];
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function roundTrip(table: ExportTable, format: TableFormat): Promise<ExportTable> {
  const file = path.join(dir, `${table.name}.${format}`);
  await writeTable(table, format, file);
  switch (format) {
    case 'csv': return csvToTable(await readFile(file, 'utf8'), table.name, table.columns);
    case 'json': return jsonToTable(await readFile(file, 'utf8'));
    case 'xlsx': return readXlsx(file);
    case 'parquet': return readParquet(file, table.name, table.columns);
  }
}

describe('what is exported', () => {
  it('ledgers: one row per line item and ally, then the totals; missing values stay empty, never 0', () => {
    const [ledgers] = tables;
    const japan = ledgers.rows.filter((r) => r.ally === 'JPN');
    expect(japan.at(-1)).toMatchObject({ item: 'net', side: null, line_group: null, unit: 'points', cow: 740, gwcode: 740 });
    const missing = ledgers.rows.filter((r) => r.missing === true && r.side !== '');
    expect(missing.length).toBeGreaterThan(0);
    // Missing means no value, or a value the item's scale cannot place (0 on a log scale): the reason says which.
    for (const r of missing) expect(r.raw === null || /cannot be placed/.test(String(r.reason)), JSON.stringify(r)).toBe(true);
    expect(missing.some((r) => r.raw === null && r.score === null)).toBe(true);
  });

  it('evidence: missing observations keep a null value and say why', () => {
    const [, observations] = tables;
    const gaps = observations.rows.filter((r) => r.flags === 'missing');
    for (const r of gaps) {
      expect(r.value).toBeNull();
      expect(String(r.note).length).toBeGreaterThan(0);
    }
    expect(observations.rows.some((r) => r.country === 'JPN' && r.indicator === 'milex_share_gdp' && r.year === 2020 && typeof r.value === 'number')).toBe(true);
  });

  it('refuses a value of the wrong type before writing anything', () => {
    expect(() => ledgerTable([{ ...computeLedgerStub(), net: Number.NaN }])).toThrow(ExportValueError);
  });
});

/** The smallest ledger of one ally with no lines (for the type check above). */
function computeLedgerStub() {
  return {
    ally: 'JPN', name: 'Japan', region: 'asia', year: 2024, lines: [], assets: 1, liabilities: 1, net: 0,
    coverage: { assets: 1, liabilities: 1, overall: 1, itemsObserved: 0, itemsImputed: 0, itemsMissing: 0, itemsTotal: 0 }, ranked: true, rank: 1,
    partner: false,
    membership: { ally: 'JPN', year: 2024, standing: 'treaty' as const, allied: true, basis: [], since: '1960-01-19', label: 'U.S.-Japan treaty since 1960', reason: '', next: null, announced: null, sources: [] },
  };
}

describe.each(['csv', 'xlsx', 'json'] as const)('round trip as %s', (format) => {
  it.each(['ledgers', 'observations', 'sources'])('%s: written, read back, equal', async (name) => {
    const table = tables.find((t) => t.name === name)!;
    const back = await roundTrip(table, format);
    expect(back.columns.map((c) => [c.name, c.type])).toEqual(table.columns.map((c) => [c.name, c.type]));
    expect(back.rows).toEqual(table.rows);
  }, 60_000);
});

describe('round trip as parquet', () => {
  it.each(['ledgers', 'observations', 'sources'])('%s: written, read back, equal', async (name) => {
    const table = tables.find((t) => t.name === name)!;
    expect((await roundTrip(table, 'parquet')).rows).toEqual(table.rows);
  });
});

describe('citations', () => {
  /** A small BibTeX reader: entries, balanced braces, fields as name = {value}. */
  function parseBibtex(text: string): { type: string; key: string; fields: Map<string, string> }[] {
    const entries = [];
    let i = 0;
    while ((i = text.indexOf('@', i)) >= 0) {
      const open = text.indexOf('{', i);
      const type = text.slice(i + 1, open);
      expect(type).toMatch(/^[a-z]+$/);
      let depth = 0;
      let end = open;
      for (; end < text.length; end++) {
        if (text[end] === '\\') { end++; continue; }
        if (text[end] === '{') depth++;
        if (text[end] === '}' && --depth === 0) break;
      }
      expect(depth, `unbalanced braces in the entry at offset ${i}`).toBe(0);
      const body = text.slice(open + 1, end);
      const comma = body.indexOf(',');
      const key = body.slice(0, comma).trim();
      const fields = new Map<string, string>();
      const re = /\s*([a-z]+)\s*=\s*\{/g;
      re.lastIndex = comma + 1;
      let m: RegExpExecArray | null;
      while ((m = re.exec(body))) {
        let d = 1;
        let j = re.lastIndex;
        for (; j < body.length && d > 0; j++) {
          if (body[j] === '\\') { j++; continue; }
          if (body[j] === '{') d++;
          if (body[j] === '}') d--;
        }
        expect(d, `field ${m[1]} of ${key} is unbalanced`).toBe(0);
        fields.set(m[1], body.slice(re.lastIndex, j - 1));
        re.lastIndex = j;
        const rest = body.slice(j).match(/^\s*(,|$)/);
        expect(rest, `after field ${m[1]} of ${key}`).not.toBeNull();
      }
      entries.push({ type, key, fields });
      i = end + 1;
    }
    return entries;
  }

  it('BibTeX: one entry per source keyed by its id, balanced braces, title, author, a date and who publishes it', () => {
    const entries = parseBibtex(citationText(evidence.sources, evidence.sourceFiles, 'bibtex'));
    expect(entries).toHaveLength(evidence.sources.length);
    expect(entries.map((e) => e.key)).toEqual(evidence.sources.map((s) => s.id));
    for (const e of entries) {
      for (const field of ['title', 'author']) expect(e.fields.get(field), `${e.key}.${field}`).toBeTruthy();
      expect(e.fields.get('year') ?? e.fields.get('date'), e.key).toMatch(/^\d{4}(-\d{2}){0,2}$/);
      expect(['publisher', 'journal', 'institution', 'organization'].some((f) => e.fields.has(f)), e.key).toBe(true);
      expect(e.fields.get('note') ?? '', e.key).not.toMatch(/Terms:|sha256/);
    }
    const sipri = entries.find((e) => e.key === 'sipri-milex-2025');
    expect(sipri?.type).toBe('dataset');
  });

  it('CSL-JSON: one item per source with id, type, title and issued year', () => {
    const items = JSON.parse(citationText(evidence.sources, evidence.sourceFiles, 'csl')) as { id: string; type: string; title: string; issued: { 'date-parts': number[][] } }[];
    expect(items.map((i) => i.id)).toEqual(evidence.sources.map((s) => s.id));
    for (const i of items) {
      expect(i.title.length).toBeGreaterThan(0);
      expect(Object.keys(CITATION_TYPES)).toContain(i.type);
      expect(i.issued['date-parts'][0][0]).toBeGreaterThan(1800);
    }
  });
});

describe('writing', () => {
  it('a failed export leaves the previous file as it was and no temporary file behind', async () => {
    const file = path.join(dir, 'kept.xlsx');
    await writeFile(file, 'previous export');
    const [, observations] = tables;
    const tooLong: ExportTable = { ...observations, rows: [{ ...observations.rows[0], note: 'x'.repeat(XLSX_MAX_CELL + 1) }] };
    await expect(writeTable(tooLong, 'xlsx', file)).rejects.toThrow(/exceed Excel's 32767/);
    expect(await readFile(file, 'utf8')).toBe('previous export');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('CSV and JSON text is the same bytes every time (deterministic)', () => {
    const [ledgers] = tables;
    expect(tableToCsv(ledgers)).toBe(tableToCsv(structuredClone(ledgers)));
    expect(tableToJson(ledgers)).toBe(tableToJson(structuredClone(ledgers)));
  });
});

describe('allies export', () => {
  async function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
    const program = new Command('allies').exitOverride();
    registerReportCommands(program);
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
    try {
      await program.parseAsync(args, { from: 'user' });
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    return { stdout, stderr };
  }

  it('writes the sources as BibTeX to a file', async () => {
    const file = path.join(dir, 'cli', 'sources.bib');
    await run(['export', 'sources', '--format', 'bibtex', '--out', file]);
    expect((await readFile(file, 'utf8')).match(/^@/gm)).toHaveLength(evidence.sources.length);
  });

  it('prints a slice of the evidence as CSV', async () => {
    const { stdout } = await run(['export', 'evidence', '--format', 'csv', '--indicator', 'milex_share_gdp', '--country', 'JPN,KOR', '--from', '2020', '--to', '2022']);
    const rows = csvToTable(stdout, 'observations', tables[1].columns).rows;
    expect(rows.map((r) => `${r.country} ${r.year}`)).toEqual(['JPN 2020', 'JPN 2021', 'JPN 2022', 'KOR 2020', 'KOR 2021', 'KOR 2022']);
  });

  it('writes ledgers as XLSX, and refuses a binary format on the terminal', async () => {
    const file = path.join(dir, 'cli', 'ledgers.xlsx');
    await run(['export', 'ledgers', '--format', 'xlsx', '--allies', 'JPN,Germany', '--out', file]);
    const back = await readXlsx(file);
    expect(new Set(back.rows.map((r) => r.ally))).toEqual(new Set(['JPN', 'DEU']));
    await expect(run(['export', 'ledgers', '--format', 'xlsx'])).rejects.toThrow(/binary format: give --out FILE/);
    await expect(run(['export', 'ledgers', '--format', 'bibtex'])).rejects.toThrow(/citations: use it with `allies export sources`/);
    expect(existsSync(path.join(dir, 'cli', 'ledgers.xlsx'))).toBe(true);
  });
});
