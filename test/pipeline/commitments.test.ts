// U.S. commitments to the covered allies, their yearly indicators and the curated alliance
// structure, checked against the real snapshots; and curated files or snapshots that are wrong
// must stop the build naming the file, line (or row) and field.
import { cp, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { CuratedFileError } from '../../src/evidence/sources.ts';
import { DEFAULT_CURATED_DIR } from '../../src/pipeline/build.ts';
import { SnapshotError } from '../../src/pipeline/snapshot.ts';
import type { EvidenceTable } from '../../src/pipeline/transform.ts';
import { transform } from '../../src/pipeline/transforms/commitments.ts';
import { listed, runTransform, snapshotContext, SNAPSHOT_DIR } from '../support/pipeline.ts';
import type { ListedResult } from '../support/pipeline.ts';

type Row = EvidenceTable['rows'][number];

let result: ListedResult;
let commitments: Row[];
const table = (name: string) => result.tables!.find((t) => t.name === name)!.rows;
const commitment = (ally: string, id: string) => commitments.find((c) => c.ally === ally && c.commitment === id);
const value = (country: string, indicator: string, year: number): Observation | undefined =>
  result.observations.find((o) => o.country === country && o.indicator === indicator && o.year === year);

beforeAll(async () => {
  result = await runTransform('commitments');
  commitments = table('us_commitments');
});

describe('us_commitments: what the U.S. owes each covered ally, and what it owes back', () => {
  it('1960 U.S.-Japan treaty: the U.S. owes Japan defense, Japan owes the U.S. none (ATOP 3375)', () => {
    expect(commitment('JPN', 'us-japan')).toMatchObject({
      atopid: 3375, status: 'in-force', begin: '1960-01-19', end: '', in_force_2024: true, basis: 'atop',
      us_defense: 1, ally_defense: 0, ally_consul: 1, ally_nonagg: 1, asymm: 1, base: 3,
    });
    expect(String(commitment('JPN', 'us-japan')!.locator)).toContain('atop/atop5_1m.csv rows 1019 (USA) and 1020 (JPN)');
    expect(commitment('JPN', 'us-japan-1951')).toMatchObject({ status: 'ended', end: '1960-01-19', us_defense: 1, ally_defense: 0 });
  });

  it('NATO is symmetric: for every member the U.S. and the ally owe each other the same', () => {
    const nato = commitments.filter((c) => c.commitment === 'nato');
    expect(nato).toHaveLength(31);
    for (const row of nato) {
      for (const o of ['defense', 'offense', 'neutral', 'nonagg', 'consul']) expect(row[`ally_${o}`], `${row.ally} ${o}`).toBe(row[`us_${o}`]);
      expect(row).toMatchObject({ us_defense: 1, asymm: 0, in_force_2024: true });
    }
  });

  it('every covered ally has a row, and an explicit "none" row when the U.S. owes it no defense in 2024', async () => {
    const allies = (parseYaml(await readFile(path.join(DEFAULT_CURATED_DIR, 'allies.yaml'), 'utf8')) as { allies: { iso3: string }[] }).allies.map((a) => a.iso3);
    expect(allies.length).toBeGreaterThan(60);
    for (const ally of allies) {
      const own = commitments.filter((c) => c.ally === ally);
      const defended = own.some((c) => c.in_force_2024 === true && c.us_defense === 1);
      expect(own.length, ally).toBeGreaterThan(0);
      expect(own.some((c) => c.commitment === 'none'), ally).toBe(!defended);
    }
    expect(commitment('ISR', 'none')!.note).toContain('us-israel-1981 (ended, from 1981-11-30 to 1991-12-26)');
    expect(commitment('SAU', 'mnna')).toMatchObject({ status: 'announced', in_force_2024: false });
  });

  it('Taiwan: no treaty since 1 January 1980; the Taiwan Relations Act is the basis and owes no defense', () => {
    expect(commitment('TWN', 'us-roc-1954')).toMatchObject({ atopid: 3270, status: 'ended', end: '1980-01-01', in_force_2024: false });
    expect(commitment('TWN', 'tra')).toMatchObject({ kind: 'statute', status: 'no-treaty', begin: '1979-04-10', us_defense: 0, in_force_2024: true, source: 'us-tra-1979' });
    expect(commitment('TWN', 'tra')!.name).toContain('no treaty');
    expect(commitment('TWN', 'none')).toBeDefined();
    expect(value('TWN', 'us_defense_commitment', 1979)!.value).toBe(1);
    expect(value('TWN', 'us_defense_commitment', 1980)!.value).toBe(0);
  });

  it('North Macedonia, Finland and Sweden joined NATO after ATOP ends, from curated accessions', () => {
    for (const [ally, begin, source] of [['MKD', '2020-03-27', 'nato-news-mkd-2020'], ['FIN', '2023-04-04', 'nato-news-fin-2023'], ['SWE', '2024-03-07', 'nato-news-swe-2024']]) {
      expect(commitment(ally, 'nato'), ally).toMatchObject({ atopid: 3180, basis: 'curated', begin, us_defense: 1, ally_defense: 1, in_force_2024: true });
      expect(String(commitment(ally, 'nato')!.source).split(';')).toContain(source);
    }
    expect([2019, 2020].map((y) => value('MKD', 'us_defense_commitment', y)!.value)).toEqual([0, 1]);
    expect([2022, 2023].map((y) => value('FIN', 'us_defense_commitment', y)!.value)).toEqual([0, 1]);
    expect([2023, 2024].map((y) => value('SWE', 'us_defense_commitment', y)!.value)).toEqual([0, 1]);
    expect(value('FIN', 'us_defense_commitment', 2023)).toMatchObject({ source: 'nato-news-fin-2023', flags: ['derived'] });
    expect(value('SWE', 'ally_owes_us_defense', 2024)!.value).toBe(1);
  });

  it('New Zealand: ANZUS obligations suspended by the U.S. in 1986, stated in the row', () => {
    const anzus = commitment('NZL', 'anzus')!;
    expect(anzus).toMatchObject({ status: 'suspended', end: '1986-09-17', in_force_2024: false, basis: 'atop+curated' });
    expect(anzus.note).toContain('suspended its ANZUS security obligations to New Zealand in 1986');
    expect(commitment('AUS', 'anzus')).toMatchObject({ status: 'in-force', us_defense: 1 });
    expect([1986, 1987].map((y) => value('NZL', 'us_defense_commitment', y)!.value)).toEqual([1, 0]);
  });

  it('Thailand: the Manila Pact commitment continues bilaterally after SEATO (ATOP 3260 phase 2, Rusk-Thanat)', () => {
    expect(commitment('THA', 'manila-pact')).toMatchObject({ status: 'in-force', us_defense: 1, in_force_2024: true });
    expect(String(commitment('THA', 'manila-pact')!.source)).toContain('statement-rusk-thanat-1962');
    expect(commitment('PHL', 'manila-pact')).toMatchObject({ status: 'ended', end: '1977-06-30' });
  });

  it('NATO members ATOP codes bind from the deposit of their accession instrument (in_force_from); ATOP\'s signature stays in begin', () => {
    for (const [ally, begin, from, source] of [['POL', '1997-12-16', '1999-03-12', 'wh-nato-newest-members-1999'], ['EST', '2003-03-26', '2004-03-29', 'nato-pr-2004-028'], ['ALB', '2008-07-09', '2009-04-01', 'state-alb-hrv-nato-2009'], ['MNE', '2016-05-19', '2017-06-05', 'nato-news-mne-2017']]) {
      expect(commitment(ally, 'nato'), ally).toMatchObject({ begin, in_force_from: from, basis: 'atop+curated' });
      expect(String(commitment(ally, 'nato')!.source).split(';'), ally).toContain(source);
    }
    expect(commitment('FRA', 'nato')).toMatchObject({ begin: '1949-04-04', in_force_from: '1949-04-04', basis: 'atop' });
    expect(commitment('FIN', 'nato')).toMatchObject({ begin: '2023-04-04', in_force_from: '2023-04-04' });
    expect(commitment('SAU', 'mnna')).toMatchObject({ begin: '2025-11-18', in_force_from: '' });
    expect(commitment('TWN', 'mnna')).toMatchObject({ status: 'treated-as', in_force_from: '2002-09-30' });
  });

  it('records MNNA designations with the year designated and no obligation', () => {
    expect(commitment('ARG', 'mnna')).toMatchObject({ begin: '1998-01-06', status: 'designated', us_defense: 0 });
    expect(commitment('KEN', 'mnna')).toMatchObject({ begin: '2024-06-24', in_force_2024: true });
    expect(commitment('BRA', 'mnna')!.begin).toBe('2019');
  });
});

describe('yearly indicators', () => {
  it('cover each ally from 1946 (or statehood) to 2024, once per indicator and year', () => {
    const keys = result.observations.map((o) => `${o.country}|${o.indicator}|${o.year}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(result.observations.filter((o) => o.country === 'FRA' && o.indicator === 'us_defense_commitment')).toHaveLength(2024 - 1946 + 1);
    expect(value('DEU', 'us_defense_commitment', 1954)).toBeUndefined();
    expect(value('DEU', 'us_defense_commitment', 1955)!.value).toBe(1);
  });

  it('flag the years after ATOP ends as derived, with a note saying so', () => {
    for (const o of result.observations) {
      expect(o.flags.includes('derived'), `${o.country} ${o.indicator} ${o.year}`).toBe(o.year > 2018);
      if (o.year > 2018) expect(o.note).toContain('Extends ATOP 5.1');
    }
  });

  it('alliance age runs from the first of an unbroken chain of U.S. defense commitments', () => {
    expect(value('JPN', 'us_alliance_age_years', 2024)!.value).toBe(2024 - 1951);
    expect(value('GBR', 'us_alliance_age_years', 2024)!.value).toBe(2024 - 1949);
    expect(value('ESP', 'us_alliance_age_years', 1970)!.value).toBe(1970 - 1963);
    expect(value('ESP', 'us_alliance_age_years', 2024)!.value).toBe(2024 - 1976);
    const israel = value('ISR', 'us_alliance_age_years', 2000)!;
    expect(israel).toMatchObject({ value: null, flags: ['missing'] });
    expect(israel.note).toContain('Not applicable');
  });

  it('ally_owes_us_defense is 0 for Japan and 1 for NATO allies', () => {
    expect(value('JPN', 'ally_owes_us_defense', 2018)).toMatchObject({ value: 0, source: 'atop-5.1' });
    expect(value('POL', 'ally_owes_us_defense', 2018)!.value).toBe(1);
    expect(value('POL', 'us_defense_commitment', 2018)!.locator).toContain('ATOP 3180 phase 2');
  });
});

describe('groupings', () => {
  const membersOf = (id: string) => table('grouping_members').filter((m) => m.grouping === id).map((m) => m.iso3).sort();

  it('lists the minilaterals and access agreements with their members', () => {
    expect(membersOf('quad')).toEqual(['AUS', 'IND', 'JPN', 'USA']);
    expect(membersOf('aukus')).toEqual(['AUS', 'GBR', 'USA']);
    expect(membersOf('camp-david-2023')).toEqual(['JPN', 'KOR', 'USA']);
    expect(membersOf('jpn-phl-usa-2024')).toEqual(['JPN', 'PHL', 'USA']);
    const byId = new Map(table('groupings').map((g) => [g.id, g]));
    expect(byId.get('jpn-phl-raa')).toMatchObject({ kind: 'access-agreement', founded: '2024-07-08', in_force_from: '2025-09-11', in_force_2024: false });
    expect(byId.get('jpn-aus-raa')).toMatchObject({ founded: '2022-01-06', in_force_from: '2023-08-13', in_force_2024: true });
    expect(byId.get('edca')).toMatchObject({ kind: 'access-agreement', founded: '2014-04-28' });
  });

  it('has the nine EDCA sites: five from 2016, four added in 2023', () => {
    const sites = table('access_sites').filter((s) => s.grouping === 'edca');
    expect(sites).toHaveLength(9);
    expect(sites.filter((s) => s.added === 2016)).toHaveLength(5);
    expect(sites.filter((s) => s.added === 2023).map((s) => s.name).sort()).toEqual(['Balabac Island', 'Camp Melchor Dela Cruz', 'Lal-lo Airport', 'Naval Base Camilo Osias']);
    expect(sites.every((s) => String(s.source).includes('alliance-ledger-site-coordinates'))).toBe(true);
  });
});

describe('bad input', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'commitments-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A copy of curated/ with `from` replaced by `to` in one file; returns the file and the edited line. */
  async function curatedWith(file: string, from: string, to: string): Promise<{ curatedDir: string; file: string; line: number }> {
    const curatedDir = await mkdtemp(path.join(dir, 'curated-'));
    await cp(DEFAULT_CURATED_DIR, curatedDir, { recursive: true });
    const target = path.join(curatedDir, file);
    const text = await readFile(target, 'utf8');
    expect(text).toContain(from);
    await writeFile(target, text.replace(from, to));
    return { curatedDir, file: target, line: text.slice(0, text.indexOf(from)).split('\n').length };
  }

  async function runWith(curatedDir: string) {
    return listed(await transform.run({ ...(await snapshotContext()), curatedDir }));
  }

  it('an unknown ally code names the file, line and field', async () => {
    const bad = await curatedWith('commitments.yaml', '  - ally: FIN\n    commitment: nato', '  - ally: XYZ\n    commitment: nato');
    const run = runWith(bad.curatedDir);
    await expect(run).rejects.toBeInstanceOf(CuratedFileError);
    await expect(run).rejects.toThrow(`${bad.file}:${bad.line}: field "accessions.1.ally": "XYZ" is not a covered ally`);
  });

  it('a malformed date names the file, line and field', async () => {
    const bad = await curatedWith('commitments.yaml', 'date: 2023-04-04', 'date: 2023-14-04');
    await expect(runWith(bad.curatedDir)).rejects.toThrow(`${bad.file}:${bad.line}: field "accessions.1.date": "2023-14-04" is not a date`);
  });

  it('an unknown source id in groupings.yaml names the file, line and field', async () => {
    const bad = await curatedWith('groupings.yaml', 'source: wh-aukus-2021', 'source: no-such-source');
    await expect(runWith(bad.curatedDir)).rejects.toThrow(`${bad.file}:${bad.line}: field "groupings.1.source": "no-such-source" is not a source id`);
  });

  it('an accession that contradicts ATOP\'s coding of the alliance is refused', async () => {
    const bad = await curatedWith('commitments.yaml', '    date: 2024-03-07\n    signed: 2022-07-05\n    us_owes: [defense, nonagg, consul]', '    date: 2024-03-07\n    signed: 2022-07-05\n    us_owes: [consul]');
    await expect(runWith(bad.curatedDir)).rejects.toThrow(/commitments\.yaml:\d+: field "accessions\.2\.us_owes": ATOP codes the U\.S\. obligations in 3180/);
  });

  it('an entry date for a member ATOP does not code is refused, naming the file, line and field', async () => {
    const bad = await curatedWith('commitments.yaml', '  - { ally: MNE, commitment: nato,', '  - { ally: SWE, commitment: nato,');
    await expect(runWith(bad.curatedDir)).rejects.toThrow(`${bad.file}:${bad.line}: field "entries.16.ally": ATOP 3180 does not code SWE as a member`);
  });

  it('an ATOP alliance with a covered ally that the file does not name stops the build', async () => {
    const bad = await curatedWith('commitments.yaml', '  - atopid: 3360\n', '  - atopid: 3365\n');
    await expect(runWith(bad.curatedDir)).rejects.toThrow('field "atop.12.atopid": ATOP 5.1 has no alliance 3365 between the United States and a covered ally');
  });

  it('a corrupted atop5_1m.csv (non-numeric obligation code) stops with file, row and column', async () => {
    const root = await mkdtemp(path.join(dir, 'snapshot-'));
    for (const rel of ['atop/atop5_1m.csv', 'cow-states/cow_states2016_peacesciencer.csv', 'country-codes/countrycode_codelist.csv']) {
      await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await copyFile(path.join(SNAPSHOT_DIR, rel), path.join(root, rel));
    }
    const file = path.join(root, 'atop/atop5_1m.csv');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const cells = lines[1018].split(',');
    cells[lines[0].split(',').indexOf('defense')] = 'D';
    lines[1018] = cells.join(',');
    await writeFile(file, lines.join('\n'));
    const run = runTransform('commitments', root);
    await expect(run).rejects.toBeInstanceOf(SnapshotError);
    await expect(run).rejects.toThrow('atop/atop5_1m.csv, row 1019, column "defense": "D" is not a number');
  });
});
