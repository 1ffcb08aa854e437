// The columnar evidence store is a cache of the CSV, never a second truth: it gives back every
// observation exactly as parsing the CSV does, is rebuilt when the CSV changes or the store file is
// damaged, and survives several processes building it at once.
import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_DIR, loadEvidence, loadEvidenceFromCsv, seriesKey } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { decodeStore, openEvidenceStore, storeFilesFor } from '../../src/store/evidence-store.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

let scratch: string;
let storeDir: string;
const savedStoreDir = process.env.ALLIES_STORE_DIR;

const HEADER = 'country,counterpart,indicator,year,value,low,high,source,locator,flags,note';
/** Rows that test what a cell can be: null beside empty, ranges, -0, quotes, line ends, digits that are not numbers. */
const ROWS = [
  'JPN,,milex_share_gdp,2019,0.9,,,sipri-milex-2025,sheet "Share of GDP" cell BZ102,,',
  'JPN,,milex_share_gdp,2020,,,,sipri-milex-2025,sheet "Share of GDP" cell BZ103,missing,"xxx: data unavailable, or ""not applicable"""',
  'JPN,,milex_share_gdp,2021,-0,0.5,1.5,sipri-milex-2025,row 0012 and row 1234567890123 and row 0,estimate;uncertain,"two\nlines"',
  'JPN,,milex_share_gdp,2018,1e-7,,2.5,sipri-milex-2025,"file, with comma.csv row 7",derived,Ünïcödé note ✓',
  'JPN,CHN,milex_share_gdp,2018,3,,,sipri-milex-2025,capital-distance row 9,,',
  'KOR,,milex_share_gdp,2018,2.6,,,nato-defexp-2024,row 12,,',
  'KOR,,milex_share_gdp,2018,2.5,,,sipri-milex-2025,row 11,,',
  'KOR,,milex_share_gdp,2018,2.4,,,sipri-milex-2025,row 11 again,,',
  'AUS,,milex_share_gdp,,2.0,,,sipri-milex-2025,row without a year,,',
  'AUS,,milex_share_gdp,2001,2.1,,,sipri-milex-2025,"\u0001a5b",,',
  'AUS,,milex_share_gdp,2002,2.2,,,sipri-milex-2025,"a\u0000b",,',
  'AUS,,milex_share_gdp,2003,2.3,,,sipri-milex-2025,999999999 and 4294967296 and 7,,',
  '',
];

/** A small evidence folder: the shipped registries, one observation file with the rows above. */
async function fixture(rows = ROWS): Promise<string> {
  const dir = await mkdtemp(path.join(scratch, 'evidence-'));
  const pkg = JSON.parse(await readFile(path.join(EVIDENCE_DIR, 'datapackage.json'), 'utf8')) as { resources: { path: string }[] };
  pkg.resources = pkg.resources.filter((r) => !r.path.includes('/') || r.path === 'observations/sipri-milex.csv' || r.path === 'tables/major_powers.csv');
  await mkdir(path.join(dir, 'observations'));
  await mkdir(path.join(dir, 'tables'));
  for (const r of pkg.resources) if (!r.path.startsWith('observations/')) await copyFile(path.join(EVIDENCE_DIR, r.path), path.join(dir, r.path));
  await writeFile(path.join(dir, 'datapackage.json'), JSON.stringify(pkg));
  await writeFile(path.join(dir, 'observations/sipri-milex.csv'), [HEADER, ...rows].join('\n'));
  return dir;
}

function expectSame(fromStore: Evidence, fromCsv: Evidence): void {
  expect(fromStore.observations.length).toBe(fromCsv.observations.length);
  let differing = 0;
  for (let i = 0; i < fromCsv.observations.length; i++) {
    const a = fromCsv.observations[i];
    const b = fromStore.observations[i];
    // Deep equality keeps null apart from '' and -0 apart from 0; JSON also checks the key order.
    if (!isDeepStrictEqual(a, b) || JSON.stringify(a) !== JSON.stringify(b) || !Object.is(a.value, b.value)) {
      if (differing++ < 3) expect(b, `observation ${i}`).toStrictEqual(a);
    }
  }
  expect(differing).toBe(0);
  const keys = new Set(fromCsv.observations.map((o) => seriesKey(o.country, o.indicator, o.counterpart)));
  for (const k of keys) if (!isDeepStrictEqual(fromStore.seriesByKey(k), fromCsv.seriesByKey(k))) expect(fromStore.seriesByKey(k), k).toStrictEqual(fromCsv.seriesByKey(k));
  expect(fromStore.countries).toStrictEqual(fromCsv.countries);
  expect(fromStore.sources).toStrictEqual(fromCsv.sources);
  expect(fromStore.sourceFiles).toStrictEqual(fromCsv.sourceFiles);
  expect(fromStore.indicators).toStrictEqual(fromCsv.indicators);
  expect(fromStore.tableNames()).toStrictEqual(fromCsv.tableNames());
  for (const t of fromCsv.tableNames()) expect(fromStore.tableColumns(t), t).toStrictEqual(Object.keys(fromCsv.table(t)[0] ?? {}));
  for (const t of fromCsv.tableNames()) expect(fromStore.table(t)).toStrictEqual(fromCsv.table(t));
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'allies-store-'));
  storeDir = path.join(scratch, 'store');
  process.env.ALLIES_STORE_DIR = storeDir;
});

afterAll(async () => {
  if (savedStoreDir === undefined) delete process.env.ALLIES_STORE_DIR;
  else process.env.ALLIES_STORE_DIR = savedStoreDir;
  await rm(scratch, { recursive: true, force: true });
});

describe('the evidence store', () => {
  it('gives back every observation of the shipped evidence exactly as the CSV does', async () => {
    const fromCsv = await loadEvidenceFromCsv(EVIDENCE_DIR);
    const fromStore = await loadEvidence(EVIDENCE_DIR);
    expect(fromCsv.observations.length).toBeGreaterThan(100_000);
    expectSame(fromStore, fromCsv);
    // Queries over the columns agree with filtering every observation.
    for (const q of [{ country: 'JPN' }, { indicator: ['milex_share_gdp', 'gdp_usd_current'], from: 2000, to: 2010, present: true }, { source: 'wdi-gdp', year: 2001 }, { country: ['JPN', 'KOR'], counterpart: 'CHN' }]) {
      expect((await loadEvidence(EVIDENCE_DIR)).query(q)).toStrictEqual(fromCsv.query(q));
    }
    expect(fromStore.yearSpan()).toStrictEqual(fromCsv.yearSpan());
    // Reading only some observation files (a ledger's indicators) sees what the CSV loader sees.
    const some = { indicators: ['milex_share_gdp', 'population'] };
    const [a, b] = [await loadEvidence(EVIDENCE_DIR, some), await loadEvidenceFromCsv(EVIDENCE_DIR, some)];
    expect(a.observations.length).toBe(b.observations.length);
    expect(a.yearSpan()).toStrictEqual(b.yearSpan());
    expect(a.series('JPN', 'gdp_usd_current')).toStrictEqual(b.series('JPN', 'gdp_usd_current'));
  }, 120_000);

  it('keeps every kind of cell: null and empty, ranges, -0, quotes, line ends, digits with leading zeros', async () => {
    const dir = await fixture();
    const fromStore = await loadEvidence(dir);
    const fromCsv = await loadEvidenceFromCsv(dir);
    expectSame(fromStore, fromCsv);
    const [y2018, , y2020, y2021] = fromStore.series('JPN', 'milex_share_gdp');
    expect(y2018).toMatchObject({ value: 1e-7, low: null, high: 2.5, note: 'Ünïcödé note ✓', locator: 'file, with comma.csv row 7' });
    expect(y2020).toMatchObject({ value: null, flags: ['missing'], note: 'xxx: data unavailable, or "not applicable"' });
    expect(Object.is(y2021.value, -0)).toBe(true);
    expect(y2021).toMatchObject({ low: 0.5, high: 1.5, flags: ['estimate', 'uncertain'], note: 'two\nlines', locator: 'row 0012 and row 1234567890123 and row 0' });
    expect(fromStore.series('KOR', 'milex_share_gdp').map((o) => o.locator)).toStrictEqual(['row 12', 'row 11', 'row 11 again']);
    expect(fromStore.series('AUS', 'milex_share_gdp')[0].year).toBeNull();
    expect(fromStore.series('JPN', 'milex_share_gdp', { counterpart: 'CHN' })).toHaveLength(1);
    expect(fromStore.series('JPN', 'no_such_indicator')).toStrictEqual([]);
  });

  it('is rebuilt when a CSV changes, even with the same size; renews its stamps when only the time changed', async () => {
    const dir = await fixture();
    expect((await openEvidenceStore(dir, { quiet: true })).rebuilt).toBe(true);
    expect((await openEvidenceStore(dir, { quiet: true })).rebuilt).toBe(false);
    const file = path.join(dir, 'observations/sipri-milex.csv');
    // Touched, not changed: the hash settles it, no rebuild.
    const later = new Date(Date.now() + 5_000);
    await utimes(file, later, later);
    expect((await openEvidenceStore(dir, { quiet: true })).rebuilt).toBe(false);
    expect((await openEvidenceStore(dir, { quiet: true })).rebuilt).toBe(false);
    // Same size, another value.
    const before = await readFile(file, 'utf8');
    await writeFile(file, before.replace('BZ102,,', 'BZ102,,').replace(',0.9,', ',0.8,'));
    expect((await stat(file)).size).toBe(Buffer.byteLength(before));
    const changed = await loadEvidence(dir);
    expect(changed.series('JPN', 'milex_share_gdp').find((o) => o.year === 2019)?.value).toBe(0.8);
    // A changed registry is seen too.
    await writeFile(path.join(dir, 'sources.csv'), (await readFile(path.join(dir, 'sources.csv'), 'utf8')).replace('sipri-milex-2025', 'sipri-milex-2026'));
    expect((await loadEvidence(dir)).source('sipri-milex-2026')).toBeDefined();
  });

  it('never reads a truncated or damaged store as data: it is rebuilt', async () => {
    const dir = await fixture();
    const reference = await loadEvidenceFromCsv(dir);
    const [file] = storeFilesFor(dir);
    await openEvidenceStore(dir, { quiet: true });
    const good = await readFile(file);
    const damage: [string, Buffer][] = [
      ['truncated', good.subarray(0, good.length - 100)],
      ['a flipped byte in the values', Buffer.from(good.map((b, i) => (i === good.length - 2000 ? b ^ 0xff : b)))],
      ['an empty file', Buffer.alloc(0)],
      ['not a store', Buffer.from('country,counterpart\n')],
      ['a damaged header', Buffer.concat([good.subarray(0, 20), Buffer.from('}}}}'), good.subarray(24)])],
    ];
    for (const [what, bytes] of damage) {
      await writeFile(file, bytes);
      expect(typeof decodeStore(bytes, path.resolve(dir)), what).toBe('string');
      const opened = await openEvidenceStore(dir, { quiet: true });
      expect(opened.rebuilt, what).toBe(true);
      expectSame(await loadEvidence(dir), reference);
    }
  });

  it('survives several processes building it at once (each writes a temporary, then renames)', async () => {
    const dir = await fixture();
    const script = path.join(scratch, 'open.mts');
    await writeFile(script, `import { openEvidenceStore } from ${JSON.stringify(path.join(ROOT, 'src/store/evidence-store.ts'))};\nconst o = await openEvidenceStore(process.argv[2]);\nconsole.log(o.store.rows);\n`);
    const results = await Promise.all([1, 2, 3, 4].map(() => run(process.execPath, ['--import', 'tsx', script, dir], { cwd: ROOT, env: { ...process.env, ALLIES_STORE_DIR: storeDir } })));
    for (const r of results) expect(r.stdout.trim()).toBe('12');
    expect((await readdir(storeDir)).filter((n) => n.endsWith('.tmp'))).toStrictEqual([]);
    const opened = await openEvidenceStore(dir, { quiet: true });
    expect(opened.rebuilt).toBe(false);
    expectSame(await loadEvidence(dir), await loadEvidenceFromCsv(dir));
  }, 60_000);

  it('works from memory, and says so, when no store folder can be written', async () => {
    const dir = await fixture();
    const blocker = path.join(scratch, 'a-file');
    await writeFile(blocker, 'not a folder');
    process.env.ALLIES_STORE_DIR = path.join(blocker, 'store');
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      const opened = await openEvidenceStore(dir);
      expect(opened.file).toBeNull();
      expectSame(await loadEvidence(dir), await loadEvidenceFromCsv(dir));
    } finally {
      process.stderr.write = write;
      process.env.ALLIES_STORE_DIR = storeDir;
    }
    expect(written.join('')).toMatch(/no store folder is writable .*ENOTDIR.*: parsed the CSV into memory/);
  });

  it('reads the CSV instead when a cell cannot be held exactly (a year that is not whole)', async () => {
    const dir = await fixture(['JPN,,milex_share_gdp,2019.5,0.9,,,sipri-milex-2025,row 1,,', '']);
    const evidence = await loadEvidence(dir);
    expect(evidence.observations[0].year).toBe(2019.5);
  });

  it('names the file and row of a malformed CSV', async () => {
    const dir = await fixture(['JPN,,milex_share_gdp,2019,0.9,,,sipri-milex-2025,row 1,,', 'JPN,,milex_share_gdp,2020', '']);
    await expect(loadEvidence(dir)).rejects.toThrow(/observations\/sipri-milex\.csv row 3: a row has 4 fields, the header 11/);
  });
});

describe('the store of an evidence copy', () => {
  it('belongs to its folder: a copy gets a store of its own', async () => {
    const dir = await fixture();
    const copy = path.join(scratch, 'copy');
    await cp(dir, copy, { recursive: true });
    expect(storeFilesFor(dir)[0]).not.toBe(storeFilesFor(copy)[0]);
    expectSame(await loadEvidence(copy), await loadEvidenceFromCsv(copy));
  });
});
