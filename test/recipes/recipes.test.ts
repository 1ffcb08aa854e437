// The README's recipes for R and Python users run as written: the ledger export made with the CLI
// (`allies export ledgers --format csv`), the API on an ephemeral port, then
// `Rscript recipes/r/read-ledgers.R` (readr, dplyr) and `/usr/bin/python3 recipes/python/read_ledgers.py`
// (pandas), Debian's interpreters and libraries as CI installs them (.ci/run). Their figures are
// held against the same figures computed here from the export and the API.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEvidence } from '../../src/evidence/load.ts';
import { startServer } from '../../src/interfaces/api/serve.ts';
import type { RunningServer } from '../../src/interfaces/api/serve.ts';
import { testEvidenceDir } from '../api/support.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const PYTHON = '/usr/bin/python3';
const hasR = spawnSync('Rscript', ['-e', 'library(readr); library(dplyr)'], { stdio: 'ignore' }).status === 0;
const hasPandas = spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0;
// CI installs both (.ci/run); a machine without them skips, and says so in the test name.
const inCi = process.env.ALLIES_REQUIRE_POSTGRES === '1';
/** The API is on localhost: never through a proxy the environment may name. */
const env = { ...process.env, NO_PROXY: 'localhost,127.0.0.1', no_proxy: 'localhost,127.0.0.1' };

let dir: string;
let ledgersCsv: string;
let server: RunningServer;
/** Per year: the median net of the Asian and of the European allies, from the export. */
const medians = new Map<number, { asia: number; europe: number }>();
let nets: { year: number; ally: string; cow: number | null; net: number | null }[] = [];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Lines "year asia europe ..." of a recipe's region table. */
function regionTable(stdout: string): Map<number, { asia: number; europe: number }> {
  const section = stdout.split('\n\n')[0];
  return new Map([...section.matchAll(/^(\d{4})\s+(-?\d+\.\d+)\s+(-?\d+\.\d+)\s+[+-]\d+\.\d+\s+\d+\s+\d+$/gm)].map((m) => [Number(m[1]), { asia: Number(m[2]), europe: Number(m[3]) }]));
}

function expectSameMedians(printed: Map<number, { asia: number; europe: number }>): void {
  expect([...printed.keys()]).toEqual([...medians.keys()]);
  for (const [year, m] of medians) {
    expect(printed.get(year)!.asia, `asia ${year}`).toBeCloseTo(m.asia, 2);
    expect(printed.get(year)!.europe, `europe ${year}`).toBeCloseTo(m.europe, 2);
  }
}

beforeAll(async () => {
  if (!hasR && !hasPandas) return;
  dir = await mkdtemp(path.join(os.tmpdir(), 'allies-recipes-'));
  ledgersCsv = path.join(dir, 'ledgers.csv');
  const evidenceDir = await testEvidenceDir();
  // The export as the README says to make it.
  await run(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'src/interfaces/cli/main.ts'),
    'export', 'ledgers', '--from', '2000', '--to', '2024', '--format', 'csv', '--out', ledgersCsv, '--evidence', evidenceDir], { cwd: ROOT });
  const evidence = await loadEvidence(evidenceDir);
  server = await startServer({ evidenceDir, evidence, dashboardDir: null, port: 0, warm: false });

  const rows = parse(await readFile(ledgersCsv), { columns: true }) as Record<string, string>[];
  nets = rows.filter((r) => r.item === 'net').map((r) => ({ year: Number(r.year), ally: r.ally, cow: r.cow === '' ? null : Number(r.cow), net: r.raw === '' ? null : Number(r.raw) }));
  const region = new Map(evidence.allies().map((a) => [a.iso3, a.region]));
  const years = [...new Set(nets.map((n) => n.year))].sort((a, b) => a - b);
  for (const year of years) {
    const of = (r: string) => nets.filter((n) => n.year === year && n.net !== null && region.get(n.ally) === r).map((n) => n.net!);
    if (of('asia').length && of('europe').length) medians.set(year, { asia: median(of('asia')), europe: median(of('europe')) });
  }
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('recipes', () => {
  it.skipIf(!hasR && !inCi)(`R: recipes/r/read-ledgers.R reads the CSV export and the API${hasR ? '' : ' (skipped: no Rscript with readr and dplyr)'}`, async () => {
    const { stdout } = await run('Rscript', [path.join(ROOT, 'recipes/r/read-ledgers.R'), ledgersCsv, server.url], { cwd: dir, env });
    expect(stdout).toContain('Median net balance of the allies by region');
    expectSameMedians(regionTable(stdout));

    // The join on COW code and year: the allies the COW State System lists as major powers in 2000.
    const powers = parse(await readFile(path.join(ROOT, 'evidence/tables/major_powers.csv')), { columns: true }) as Record<string, string>[];
    const major = (cow: number | null, year: number) => powers.some((p) => Number(p.ccode) === cow && Number(p.start_date.slice(0, 4)) <= year && year <= Number(p.end_date.slice(0, 4)));
    const expected = nets.filter((n) => n.year === 2000 && n.net !== null && major(n.cow, 2000)).map((n) => n.ally).sort();
    expect(expected.length).toBeGreaterThan(1);
    const line = stdout.split('\n').find((l) => /^2000\s+-?\d+\.\d+\s+-?\d+\.\d+\s+[A-Z]{3}/.test(l));
    expect(line?.trim().split(/\s+/).slice(3)).toEqual(expected);
    const m = median(nets.filter((n) => n.year === 2000 && n.net !== null && major(n.cow, 2000)).map((n) => n.net!));
    expect(Number(line?.trim().split(/\s+/)[1])).toBeCloseTo(m, 2);
  }, 120_000);

  it.skipIf(!hasPandas && !inCi)(`Python: recipes/python/read_ledgers.py reads the CSV export and the API's CSV and JSON${hasPandas ? '' : ' (skipped: no /usr/bin/python3 with pandas)'}`, async () => {
    const { stdout } = await run(PYTHON, [path.join(ROOT, 'recipes/python/read_ledgers.py'), ledgersCsv, server.url], { cwd: dir, env });
    expectSameMedians(regionTable(stdout));

    // The top of the ranking is the API's.
    const rankings = await (await fetch(`${server.url}/api/rankings`)).json() as { year: number; rows: { rank: number | null; ally: string }[] };
    const top = rankings.rows.filter((r) => r.rank !== null).sort((a, b) => a.rank! - b.rank!).slice(0, 5).map((r) => `${r.rank} ${r.ally}`);
    const printed = [...stdout.matchAll(/^\s+(\d)\s{2}([A-Z]{3})\s+-?\d+\.\d+\s+\d+-\d+\s+/gm)].map((x) => `${x[1]} ${x[2]}`);
    expect(printed).toEqual(top);
    expect(stdout).toContain(`Top of the ranking, ${rankings.year}`);

    // The join with the observations: a rank correlation for every ledger year, within [-1, 1].
    const rho = [...stdout.split('Spearman')[1].matchAll(/^(\d{4})\s+(-?\d\.\d\d)\s+(\d+)$/gm)].map((x) => ({ year: Number(x[1]), rho: Number(x[2]), n: Number(x[3]) }));
    expect(rho.map((r) => r.year)).toEqual([...medians.keys()]);
    for (const r of rho) {
      expect(Math.abs(r.rho)).toBeLessThanOrEqual(1);
      expect(r.n).toBeGreaterThanOrEqual(5);
    }
  }, 120_000);
});
