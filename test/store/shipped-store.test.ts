// The shipped store (dist/store/evidence.bin in a packed package): the store of the package's own
// evidence, made on the pack machine, whose header names that machine's folder. It is taken on
// first use only when every file it lists matches this folder's by content, then rebound to this
// folder so later processes take the ordinary path; otherwise it is ignored and the store rebuilt.
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_DIR, evidenceFromStore, loadEvidenceFromCsv } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { decodeStore, openEvidenceStore, SHIPPED_STORE, shippedStoreFor, storeFilesFor, writeShippedStore } from '../../src/store/evidence-store.ts';
import type { OpenedStore } from '../../src/store/evidence-store.ts';
import { packagePath } from '../../src/paths.ts';

let scratch: string;
let storeDir: string;
const savedStoreDir = process.env.ALLIES_STORE_DIR;

const HEADER = 'country,counterpart,indicator,year,value,low,high,source,locator,flags,note';
const ROWS = [
  'JPN,,milex_share_gdp,2019,0.9,,,sipri-milex-2025,sheet "Share of GDP" cell BZ102,,',
  'JPN,,milex_share_gdp,2020,,,,sipri-milex-2025,sheet "Share of GDP" cell BZ103,missing,"no data, ""n/a"""',
  'JPN,,milex_share_gdp,2021,-0,0.5,1.5,sipri-milex-2025,row 0012,estimate;uncertain,"two\nlines"',
  'KOR,,milex_share_gdp,2018,2.6,,,nato-defexp-2024,row 12,,',
  'AUS,,milex_share_gdp,,2.0,,,sipri-milex-2025,row without a year,,',
  '',
];

/** A small evidence folder: the shipped registries and one table, one observation file. */
async function fixture(): Promise<string> {
  const dir = await mkdtemp(path.join(scratch, 'evidence-'));
  const pkg = JSON.parse(await readFile(path.join(EVIDENCE_DIR, 'datapackage.json'), 'utf8')) as { resources: { path: string }[] };
  pkg.resources = pkg.resources.filter((r) => !r.path.includes('/') || r.path === 'observations/sipri-milex.csv' || r.path === 'tables/major_powers.csv');
  await mkdir(path.join(dir, 'observations'));
  await mkdir(path.join(dir, 'tables'));
  for (const r of pkg.resources) if (!r.path.startsWith('observations/')) await copyFile(path.join(EVIDENCE_DIR, r.path), path.join(dir, r.path));
  await writeFile(path.join(dir, 'datapackage.json'), JSON.stringify(pkg));
  await writeFile(path.join(dir, 'observations/sipri-milex.csv'), [HEADER, ...ROWS].join('\n'));
  return dir;
}

/** The folder as an installed package has it: another path, other modification times. */
async function installedCopy(dir: string): Promise<string> {
  const copy = await mkdtemp(path.join(scratch, 'installed-'));
  await cp(dir, copy, { recursive: true });
  const later = new Date(Date.now() + 60_000);
  for (const f of ['datapackage.json', 'sources.csv', 'observations/sipri-milex.csv']) await utimes(path.join(copy, f), later, later);
  return copy;
}

/** Open with stderr captured. */
async function open(dir: string, shipped: string | null): Promise<{ opened: OpenedStore; stderr: string }> {
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    return { opened: await openEvidenceStore(dir, { shipped }), stderr: written.join('') };
  } finally {
    process.stderr.write = write;
  }
}

function expectSame(fromStore: Evidence, fromCsv: Evidence): void {
  expect(fromStore.observations.length).toBe(fromCsv.observations.length);
  for (let i = 0; i < fromCsv.observations.length; i++) {
    const [a, b] = [fromCsv.observations[i], fromStore.observations[i]];
    if (!isDeepStrictEqual(a, b) || JSON.stringify(a) !== JSON.stringify(b) || !Object.is(a.value, b.value)) expect(b, `observation ${i}`).toStrictEqual(a);
  }
  expect(fromStore.countries).toStrictEqual(fromCsv.countries);
  expect(fromStore.sources).toStrictEqual(fromCsv.sources);
  expect(fromStore.tableNames()).toStrictEqual(fromCsv.tableNames());
  for (const t of fromCsv.tableNames()) expect(fromStore.table(t)).toStrictEqual(fromCsv.table(t));
}

let packed: string;
let shipped: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'allies-shipped-store-'));
  storeDir = path.join(scratch, 'store');
  process.env.ALLIES_STORE_DIR = storeDir;
  // The pack machine's folder and the store it ships.
  packed = await fixture();
  shipped = path.join(scratch, 'package/dist/store/evidence.bin');
  expect(await writeShippedStore(packed, shipped)).toBe(true);
  // Written again only when the folder's content changed; it names no absolute folder.
  expect(await writeShippedStore(packed, shipped)).toBe(false);
  const store = decodeStore(await readFile(shipped), null);
  expect(typeof store === 'string' ? store : store.header.evidenceDir).toBe(path.basename(packed));
  expect(typeof decodeStore(await readFile(shipped), path.resolve(packed))).toBe('string');
});

afterAll(async () => {
  if (savedStoreDir === undefined) delete process.env.ALLIES_STORE_DIR;
  else process.env.ALLIES_STORE_DIR = savedStoreDir;
  await rm(scratch, { recursive: true, force: true });
});

describe('the shipped evidence store', () => {
  it('is the package\'s own evidence folder\'s only', () => {
    expect(SHIPPED_STORE).toBe(packagePath('dist/store/evidence.bin'));
    expect(shippedStoreFor(EVIDENCE_DIR)).toBe(SHIPPED_STORE);
    expect(shippedStoreFor(path.join(EVIDENCE_DIR, '.'))).toBe(SHIPPED_STORE);
    expect(shippedStoreFor(packed)).toBeNull();
  });

  it('is taken on first use when the folder matches it by content, then rebound to this folder', async () => {
    const dir = await installedCopy(packed);
    const { opened, stderr } = await open(dir, shipped);
    expect(stderr).toBe('');
    expect(opened.rebuilt).toBe(false);
    expect(opened.file).toBe(storeFilesFor(dir)[0]);
    expect(opened.store.header.evidenceDir).toBe(path.resolve(dir));
    expectSame(evidenceFromStore(opened.store, dir), await loadEvidenceFromCsv(dir));
    // The store written names this folder, with its stamps: the next process takes it without the shipped one.
    const written = decodeStore(await readFile(opened.file!), path.resolve(dir));
    expect(typeof written).not.toBe('string');
    const again = await open(dir, path.join(scratch, 'no-such-store.bin'));
    expect(again.stderr).toBe('');
    expect(again.opened.rebuilt).toBe(false);
    expect(again.opened.file).toBe(opened.file);
  });

  it('is taken when its header names another absolute folder (a store made elsewhere)', async () => {
    const made = await openEvidenceStore(packed, { quiet: true, shipped: null });
    expect(made.store.header.evidenceDir).toBe(path.resolve(packed));
    const dir = await installedCopy(packed);
    const { opened, stderr } = await open(dir, made.file);
    expect(stderr).toBe('');
    expect(opened.rebuilt).toBe(false);
    expectSame(evidenceFromStore(opened.store, dir), await loadEvidenceFromCsv(dir));
  });

  it('is ignored when one evidence file changed (same size): rebuilt, never read as data', async () => {
    const dir = await installedCopy(packed);
    const file = path.join(dir, 'observations/sipri-milex.csv');
    const before = await readFile(file, 'utf8');
    const after = before.replace(',0.9,', ',0.8,');
    expect(Buffer.byteLength(after)).toBe(Buffer.byteLength(before));
    await writeFile(file, after);
    const { opened, stderr } = await open(dir, shipped);
    expect(opened.rebuilt).toBe(true);
    expect(stderr).toMatch(/is missing, and the shipped store .* does not match \(observations\/sipri-milex\.csv differs\): rebuilt/);
    const evidence = evidenceFromStore(opened.store, dir);
    expect(evidence.series('JPN', 'milex_share_gdp').find((o) => o.year === 2019)?.value).toBe(0.8);
    expectSame(evidence, await loadEvidenceFromCsv(dir));
  });

  it('is ignored when it is of another format, damaged or absent', async () => {
    const good = await readFile(shipped);
    const marker = Buffer.from(`"format":1,`);
    const at = good.indexOf(marker);
    expect(at).toBeGreaterThan(0);
    const otherFormat = Buffer.from(good);
    otherFormat.write('"format":9,', at, 'latin1');
    const damaged = Buffer.from(good.map((b, i) => (i === good.length - 100 ? b ^ 0xff : b)));
    const cases: [string, Buffer | null, RegExp][] = [
      ['another format', otherFormat, /the shipped store .* is of format 9, this version reads 1: rebuilt/],
      ['damaged', damaged, /the shipped store .* is damaged \(checksum mismatch\): rebuilt/],
      ['truncated', good.subarray(0, good.length - 8), /the shipped store .* is truncated: rebuilt/],
      ['absent', null, /of .* is missing: rebuilt/],
    ];
    for (const [what, bytes, line] of cases) {
      const dir = await installedCopy(packed);
      const file = path.join(scratch, `shipped-${what.replace(/ /g, '-')}.bin`);
      if (bytes) await writeFile(file, bytes);
      const { opened, stderr } = await open(dir, file);
      expect(opened.rebuilt, what).toBe(true);
      expect(stderr, what).toMatch(line);
      expectSame(evidenceFromStore(opened.store, dir), await loadEvidenceFromCsv(dir));
    }
  });
});
