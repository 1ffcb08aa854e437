// ATOP 5.1 as published: alliances and member obligations, read from the real snapshot, and a
// corrupted copy that must stop the build at the offending cell.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotError } from '../../src/pipeline/snapshot.ts';
import type { EvidenceTable } from '../../src/pipeline/transform.ts';
import { runTransform, SNAPSHOT_DIR } from '../support/pipeline.ts';

type Row = EvidenceTable['rows'][number];

let alliances: Row[];
let members: Row[];

beforeAll(async () => {
  const result = await runTransform('atop');
  expect(result.observations).toEqual([]);
  alliances = result.tables!.find((t) => t.name === 'atop_alliances')!.rows;
  members = result.tables!.find((t) => t.name === 'atop_members')!.rows;
});

const member = (atopid: number, cow: number, phase = 0) => members.filter((m) => m.atopid === atopid && m.member === cow && m.phase === phase);
const alliance = (atopid: number) => alliances.find((a) => a.atopid === atopid)!;

describe('atop_alliances', () => {
  it('has one row per ATOP 5.1 alliance', () => {
    expect(alliances).toHaveLength(789);
    expect(new Set(alliances.map((a) => a.atopid)).size).toBe(789);
  });

  it('describes NATO as ATOP codes it, with institutionalization and Benson-Clinton depth', () => {
    const nato = alliance(3180);
    expect(nato).toMatchObject({
      begin: '1949-04-04', end: '', ineffect: 1, bilat: 0, maxphase: 2, defense: 1, offense: 0, consul: 1, asymm: 0,
      organ1: 3, term: 0, members: 30, milinst: 2, formal: 2, bc_depth: -0.18, source: 'atop-5.1;atop-depth-benson-clinton',
    });
    expect(String(nato.member_cows).split(';')).toEqual(expect.arrayContaining(['2', '20', '200', '255', '260', '640', '341']));
    expect(nato.locator).toContain('atop/atop5_1a.csv row 257');
  });

  it('dates an ended alliance and cites only ATOP where Benson and Clinton give no score', () => {
    expect(alliance(3270)).toMatchObject({ begin: '1954-12-02', end: '1980-01-01', ineffect: 0, bilat: 1 });
    expect(alliance(1005)).toMatchObject({ bc_depth: null, source: 'atop-5.1' });
  });

  it('keeps the codes ATOP leaves blank as missing, never 0', () => {
    const blank = alliances.filter((a) => a.base === null);
    expect(blank).toHaveLength(13);
    expect(alliances.filter((a) => a.intcom === null)).toHaveLength(13);
  });
});

describe('atop_members: who owes what to whom', () => {
  it('has one row per member phase entry, each with its file row', () => {
    expect(members).toHaveLength(2510);
    expect(members.every((m) => m.source === 'atop-5.1' && /^atop\/atop5_1m\.csv row \d+$/.test(String(m.locator)))).toBe(true);
  });

  it('1960 U.S.-Japan treaty: the U.S. owes Japan defense, Japan owes the U.S. consultation but no defense', () => {
    const [us] = member(3375, 2);
    const [japan] = member(3375, 740);
    expect(us).toMatchObject({ iso3: 'USA', entry: '1960-01-19', exit: '', ineffect: 1, defense: 1, offense: 0, nonagg: 1, consul: 1, asymm: 1, base: 3 });
    expect(japan).toMatchObject({ iso3: 'JPN', defense: 0, offense: 0, neutral: 0, nonagg: 1, consul: 1, concoloc: 1, obvary: 0 });
  });

  it('NATO is symmetric: every member of the current phase makes the same promises under the same conditions', () => {
    const phase2 = members.filter((m) => m.atopid === 3180 && m.phase === 2);
    expect(phase2.length).toBeGreaterThanOrEqual(30);
    const promises = (m: Row) => ['defense', 'offense', 'neutral', 'nonagg', 'consul', 'defcon', 'defcoloc', 'asymm', 'obvary'].map((k) => m[k]).join();
    expect(new Set(phase2.map(promises))).toEqual(new Set(['1,0,0,1,1,1,1,0,0']));
  });

  it('resolves COW codes to ISO codes by year, including West Germany before it entered the COW system', () => {
    expect(member(3180, 260, 2)[0]).toMatchObject({ iso3: 'DEU', entry: '1954-10-23', exit: '1990-10-03', cowsys: 0 });
    expect(member(3180, 255, 2)[0]).toMatchObject({ iso3: 'DEU', entry: '1990-10-03' });
    expect(member(3270, 713)[0]).toMatchObject({ iso3: 'TWN', exit: '1980-01-01', termmode: 3 });
    // Bavaria (COW 245) has no ISO code: the cell is empty, not guessed.
    expect(members.filter((m) => m.member === 245).every((m) => m.iso3 === '')).toBe(true);
  });

  it('records New Zealand leaving ANZUS in 1986', () => {
    expect(member(3215, 920)[0]).toMatchObject({ iso3: 'NZL', exit: '1986-09-17', ineffect: 0, termmode: 3, termcaus: 4 });
    expect(member(3215, 900)[0]).toMatchObject({ iso3: 'AUS', exit: '', ineffect: 1 });
  });
});

describe('bad input', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'atop-snapshot-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A snapshot folder laid out like ../shared/data, with one cell of one file replaced. */
  async function snapshotWith(file: string, line: number, column: string, value: string): Promise<string> {
    const root = await mkdtemp(path.join(dir, 'case-'));
    for (const rel of ['atop/atop5_1a.csv', 'atop/atop5_1m.csv', 'atop/atopinst5_1.csv', 'atop/benson_clinton_alliance_depth_scores.csv', 'country-codes/countrycode_codelist.csv']) {
      await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await copyFile(path.join(SNAPSHOT_DIR, rel), path.join(root, rel));
    }
    const lines = (await readFile(path.join(root, file), 'utf8')).split('\n');
    const header = lines[0].split(',');
    const cells = lines[line - 1].split(',');
    cells[header.indexOf(column)] = value;
    lines[line - 1] = cells.join(',');
    await writeFile(path.join(root, file), lines.join('\n'));
    return root;
  }

  it('a non-numeric obligation code stops the build with file, row and column', async () => {
    const root = await snapshotWith('atop/atop5_1m.csv', 1020, 'defense', 'yes');
    const run = runTransform('atop', root);
    await expect(run).rejects.toBeInstanceOf(SnapshotError);
    await expect(run).rejects.toThrow('atop/atop5_1m.csv, row 1020, column "defense": "yes" is not a number');
  });

  it('an obligation code other than 0 or 1 is rejected as not a dummy', async () => {
    const root = await snapshotWith('atop/atop5_1m.csv', 871, 'consul', '2');
    await expect(runTransform('atop', root)).rejects.toThrow('atop/atop5_1m.csv, row 871, column "consul": "2" is not a 0/1 code');
  });

  it('a garbled alliance date stops the build at the cell', async () => {
    const root = await snapshotWith('atop/atop5_1a.csv', 257, 'begmo', '13');
    await expect(runTransform('atop', root)).rejects.toThrow('atop/atop5_1a.csv, row 257, column "begmo": "13" is not a month');
  });
});
