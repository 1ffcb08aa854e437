// `allies data check` agrees with the build: on the shipped evidence it exits 0 and lists the
// problems the build already flags (Georgia's GDP 1987-1989, kept as published and flagged
// uncertain) as warnings; a new problem (an implausible value nobody flagged, an unknown source)
// exits 1 naming the file, row and column.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/allies.js');

async function allies(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

interface Located { file: string; row: number | null; field: string; problem: string; severity: string; known?: string }

let fixture: string;

beforeAll(async () => {
  // A small evidence folder: the registries as shipped, one observation file holding the known
  // Georgian rows (flagged) and two new problems.
  fixture = await mkdtemp(path.join(os.tmpdir(), 'allies-check-'));
  const pkg = JSON.parse(await readFile(path.join(EVIDENCE_DIR, 'datapackage.json'), 'utf8')) as { resources: { path: string }[] };
  pkg.resources = pkg.resources.filter((r) => !r.path.includes('/') || r.path === 'observations/wdi.csv');
  await mkdir(path.join(fixture, 'observations'));
  for (const r of pkg.resources) if (!r.path.includes('/')) await copyFile(path.join(EVIDENCE_DIR, r.path), path.join(fixture, r.path));
  await writeFile(path.join(fixture, 'datapackage.json'), JSON.stringify(pkg));
  const lines = (await readFile(path.join(EVIDENCE_DIR, 'observations/wdi.csv'), 'utf8')).split('\n');
  const georgia = lines.filter((l) => /^GEO,,gdp_usd_current,198[789],/.test(l));
  expect(georgia).toHaveLength(3);
  expect(georgia.every((l) => l.includes(',uncertain,'))).toBe(true);
  await writeFile(path.join(fixture, 'observations/wdi.csv'), [
    lines[0],
    ...georgia, // rows 2-4: known
    'JPN,,gdp_usd_current,2020,5,,,wdi-gdp,wdi-gdp-pop/gdp_current_usd_datasets.csv row 6462,,', // row 5: implausible, not flagged
    'JPN,,gdp_usd_current,2021,5005536736792.77,,,wdi-gpd,wdi-gdp-pop/gdp_current_usd_datasets.csv row 6463,,', // row 6: unknown source
    '',
  ].join('\n'));
}, 30_000);

afterAll(async () => {
  if (fixture) await rm(fixture, { recursive: true, force: true });
});

describe('allies data check', () => {
  it('exits 0 on the shipped evidence and lists the known problems as warnings', async () => {
    const { code, stdout } = await allies(['data', 'check']);
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/^evidence valid: \d+ observations, .*; 6 known problems \(flagged by the build; warnings\)\n/);
    const warnings = stdout.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toHaveLength(6);
    for (const year of [1987, 1988, 1989]) {
      expect(warnings.some((w) => w.includes(`GEO gdp_usd_current ${year}:`) && /evidence\/observations\/wdi\.csv row \d+ column "value"/.test(w) && w.includes('known: flagged uncertain by the build'))).toBe(true);
    }
    expect(stdout).not.toMatch(/^error: /m);
  });

  it('exits 1 on a new problem, naming file, row and column; known problems stay warnings', async () => {
    const json = await allies(['data', 'check', '--evidence', fixture, '--json']);
    expect(json.code, json.stderr).toBe(1);
    const body = JSON.parse(json.stdout) as { valid: boolean; errors: Located[]; warnings: Located[] };
    const file = path.relative(ROOT, path.join(fixture, 'observations/wdi.csv'));
    expect(body.valid).toBe(false);
    expect(body.warnings.map((w) => [w.file, w.row, w.field])).toEqual([[file, 2, 'value'], [file, 3, 'value'], [file, 4, 'value']]);
    expect(body.errors.map((e) => [e.file, e.row, e.field])).toEqual([[file, 5, 'value'], [file, 6, 'source']]);
    expect(body.errors[0].problem).toMatch(/JPN gdp_usd_current 2020: 5 is below the plausible minimum .* not flagged uncertain/);
    expect(body.errors[1].problem).toBe('unknown source "wdi-gpd": not in sources.csv');

    const text = await allies(['data', 'check', '--evidence', fixture]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^evidence invalid: 2 new problems \(errors\); 3 known problems/);
    expect(text.stdout).toContain(`error: ${file} row 6 column "source": unknown source "wdi-gpd"`);
  });
});
