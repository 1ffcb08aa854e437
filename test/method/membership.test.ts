// The allies follow the year, on the shipped evidence: who is a U.S. treaty ally, a major
// non-NATO ally or treated as one on 31 December of each year, on what dated and sourced
// basis; every ledger, ranking, robustness matrix and burden-sharing table of a year uses that
// year's allies; partners (Saudi Arabia) are shown only when asked for, flagged and unranked,
// without moving any ally's score; asking for a country that is no ally in the year says why.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { run } from '../../src/interfaces/cli/main.ts';
import { computeBurdenSharing } from '../../src/method/burden.ts';
import { loadLedgerInputs } from '../../src/method/files.ts';
import type { LedgerInputs } from '../../src/method/files.ts';
import { computeLedger, latestYear } from '../../src/method/ledger.ts';
import type { YearLedger } from '../../src/method/ledger.ts';
import { absenceOf, alliesOfYear, membership, MEMBERSHIP_RULE, standingOf } from '../../src/method/membership.ts';
import { normalizeBuffers, normalizeInto, placeInto } from '../../src/method/normalize.ts';
import { scoreMatrix } from '../../src/method/score-matrix.ts';
import { ALLIES, fixtureEvidence } from './fixtures.ts';

let inputs: LedgerInputs;
let ledgers: Map<string, YearLedger>;

const BALTICS = ['EST', 'LVA', 'LTU'];
const RIO = ['ARG', 'BHS', 'BRA', 'CHL', 'COL', 'CRI', 'DOM', 'SLV', 'GTM', 'HTI', 'HND', 'PAN', 'PRY', 'PER', 'TTO', 'URY'];
const standing = (ally: string, year: number) => standingOf(inputs.evidence, ally, year)!;
const ledger = (year: number, partners = false): YearLedger => {
  const key = `${year}${partners ? 'p' : ''}`;
  if (!ledgers.has(key)) ledgers.set(key, computeLedger({ ...inputs, partners }, year));
  return ledgers.get(key)!;
};
const inLedger = (l: YearLedger, ally: string) => l.allies.some((a) => a.ally === ally);

beforeAll(async () => {
  inputs = await loadLedgerInputs({ evidenceDir: EVIDENCE_DIR });
  ledgers = new Map();
});

describe('the standing of each covered country on 31 December of the year', () => {
  it('2000: Finland, Sweden, the Baltic states, Qatar and Kenya are not yet allies; Colombia is (Rio Treaty)', () => {
    for (const ally of ['FIN', 'SWE', ...BALTICS, 'QAT', 'KEN']) {
      expect(standing(ally, 2000), ally).toMatchObject({ standing: 'none', allied: false });
      expect(inLedger(ledger(2000), ally), ally).toBe(false);
    }
    expect(standing('FIN', 2000).next).toMatchObject({ commitment: 'nato', from: '2023-04-04' });
    expect(standing('FIN', 2000).reason).toContain('joined NATO on 4 April 2023');
    expect(standing('COL', 2000)).toMatchObject({ standing: 'treaty', label: 'Rio Treaty since 1947' });
    expect(standing('COL', 2000).basis[0]).toMatchObject({ commitment: 'rio', gives: 'treaty' });
    expect(inLedger(ledger(2000), 'COL')).toBe(true);
  });

  it('Finland is an ally from 2023 (joined 4 April), Sweden from 2024 (7 March)', () => {
    expect(standing('FIN', 2022).standing).toBe('none');
    expect(standing('FIN', 2023)).toMatchObject({ standing: 'treaty', label: 'NATO since 2023', since: '2023-04-04' });
    expect(standing('SWE', 2023).standing).toBe('none');
    expect(standing('SWE', 2024)).toMatchObject({ standing: 'treaty', label: 'NATO since 2024', since: '2024-03-07' });
    expect(standing('SWE', 2024).sources).toContain('nato-news-swe-2024');
    expect(alliesOfYear(inputs.evidence, 2023)).toContain('FIN');
    expect(alliesOfYear(inputs.evidence, 2023)).not.toContain('SWE');
    expect(alliesOfYear(inputs.evidence, 2024)).toEqual(expect.arrayContaining(['FIN', 'SWE']));
  });

  it('NATO members count from the deposit of their instrument of accession, not ATOP\'s protocol signature', () => {
    expect(standing('POL', 1998).standing).toBe('none');
    expect(standing('POL', 1999)).toMatchObject({ standing: 'treaty', label: 'NATO since 1999', since: '1999-03-12' });
    expect(standing('POL', 1999).sources).toContain('wh-nato-newest-members-1999');
    for (const ally of [...BALTICS, 'BGR', 'ROU', 'SVK', 'SVN']) {
      expect(standing(ally, 2003).standing, ally).toBe('none');
      expect(standing(ally, 2004), ally).toMatchObject({ standing: 'treaty', since: '2004-03-29' });
    }
    expect([2008, 2009].map((y) => standing('ALB', y).standing)).toEqual(['none', 'treaty']);
    expect([2016, 2017].map((y) => standing('MNE', y).standing)).toEqual(['none', 'treaty']);
    expect([2019, 2020].map((y) => standing('MKD', y).standing)).toEqual(['none', 'treaty']);
    // ATOP dates Poland's entry at the protocols of 16 December 1997; the row keeps both dates.
    const pol = inputs.evidence.table('us_commitments').find((r) => r.ally === 'POL' && r.commitment === 'nato')!;
    expect(pol).toMatchObject({ begin: '1997-12-16', in_force_from: '1999-03-12' });
  });

  it('every covered Rio Treaty party is a treaty ally in every year: none withdrew (Uruguay\'s 2019 notice was withdrawn in 2020)', () => {
    for (const year of [2000, 2012, 2021, 2024]) {
      for (const ally of RIO) {
        expect(standing(ally, year), `${ally} ${year}`).toMatchObject({ standing: 'treaty' });
        expect(standing(ally, year).basis[0].commitment, `${ally} ${year}`).toBe('rio');
      }
    }
  });

  it('Saudi Arabia is no major non-NATO ally in any year to 2024: a partner; the 2025 announcement is stated, not counted', () => {
    for (let y = 1996; y <= 2024; y++) expect(standing('SAU', y).standing, String(y)).toBe('partner');
    expect(standing('SAU', 2024).announced).toMatchObject({ commitment: 'mnna', status: 'announced', from: '2025-11-18', sources: ['wh-saudi-mnna-2025'] });
    expect(standing('SAU', 2024).reason).toContain('announced on 18 November 2025');
    expect(membership(inputs.evidence, 2024).partners).toEqual(['SAU']);
    const sau = inputs.evidence.allies().find((a) => a.iso3 === 'SAU')!;
    expect(sau.tier).toBe('partner');
  });

  it('Taiwan is treated as a major non-NATO ally from 2002 (Pub. L. 107-228, 30 September 2002) and a partner before', () => {
    expect(standing('TWN', 2001)).toMatchObject({ standing: 'partner', allied: false });
    expect(standing('TWN', 2001).basis[0]).toMatchObject({ commitment: 'tra', gives: 'partner' });
    expect(standing('TWN', 2002)).toMatchObject({ standing: 'treated-as-mnna', allied: true, label: 'treated as MNNA since 2002', since: '2002-09-30' });
    expect(standing('TWN', 2003).standing).toBe('treated-as-mnna');
    expect(standing('TWN', 2024).sources).toContain('us-pl-107-228');
  });

  it('New Zealand is a major non-NATO ally, not a treaty ally (ANZUS suspended 1986); Thailand a treaty ally under the Manila Pact', () => {
    expect(standing('NZL', 1985).standing).toBe('treaty');
    expect(standing('NZL', 1987).standing).toBe('none');
    expect(standing('NZL', 2000)).toMatchObject({ standing: 'mnna', label: 'MNNA since 1996' });
    expect(standing('THA', 2000)).toMatchObject({ standing: 'treaty', label: 'Manila Pact since 1954' });
    expect(standing('THA', 2000).sources).toContain('statement-rusk-thanat-1962');
  });

  it('an executive agreement ATOP codes as a defense pledge (U.S.-Pakistan 1959) makes a partner, not a treaty ally', () => {
    expect(standing('PAK', 2003)).toMatchObject({ standing: 'partner' });
    expect(standing('PAK', 2003).basis[0]).toMatchObject({ commitment: 'us-pakistan-1959', kind: 'agreement' });
    expect(standing('PAK', 2004)).toMatchObject({ standing: 'mnna', label: 'MNNA since 2004' });
  });

  it('counts: 43 allies in 2000, 64 in 2024 of the 65 covered countries', () => {
    expect(membership(inputs.evidence, 2000).counts).toEqual({ treaty: 39, mnna: 4, 'treated-as-mnna': 0, partner: 3, none: 19 });
    expect(membership(inputs.evidence, 2024).counts).toEqual({ treaty: 52, mnna: 11, 'treated-as-mnna': 1, partner: 1, none: 0 });
    expect(ledger(2000).allies).toHaveLength(43);
    expect(ledger(2024).allies).toHaveLength(64);
    expect(ledger(2000).membership).toMatchObject({ date: '2000-12-31', partners: ['PAK', 'SAU', 'TWN'], partnersShown: false });
  });

  it('the rule is stated, with the cases it decides', () => {
    for (const words of ['31 December', 'deposit of their instrument of accession', 'Sweden 7 March 2024', 'announced designation', 'partners']) expect(MEMBERSHIP_RULE).toContain(words);
  });
});

describe('ledgers, rankings, robustness and burden sharing of a year use its allies', () => {
  it('the default 2024 ranking leaves Saudi Arabia out; with partners it appears last, flagged, unranked', () => {
    expect(inLedger(ledger(2024), 'SAU')).toBe(false);
    const shown = ledger(2024, true);
    const sau = shown.allies.find((a) => a.ally === 'SAU')!;
    expect(sau).toMatchObject({ partner: true, ranked: false, rank: null, membership: { standing: 'partner' } });
    expect(sau.net).not.toBeNull();
    expect(sau.lines.every((l) => l.rank === null)).toBe(true);
    expect(shown.allies[shown.allies.length - 1].ally).toBe('SAU');
    expect(shown.membership.partnersShown).toBe(true);
  });

  it('showing partners moves no ally: the same scores, nets, ranks and robustness matrix', () => {
    const without = ledger(2024);
    const withPartners = ledger(2024, true);
    expect(withPartners.rankedCount).toBe(without.rankedCount);
    const view = (l: YearLedger) => l.allies.filter((a) => !a.partner).map((a) => [a.ally, a.net, a.rank, a.lines.map((x) => x.score)]);
    expect(view(withPartners)).toEqual(view(without));
    const a = scoreMatrix(without, inputs.methodology);
    const b = scoreMatrix(withPartners, inputs.methodology);
    expect(b.allies).toEqual(a.allies);
    expect(b.scores).toEqual(a.scores);
    expect(b.uncertain.map((u) => [...u.value])).toEqual(a.uncertain.map((u) => [...u.value]));
  });

  it('a partner is scored on the allies\' scale: bounds and percentiles of the allies, never its own', () => {
    const allies = Float64Array.from([1, 2, 3, 4]);
    const place = (spec: Parameters<typeof placeInto>[2], values: number[]) => {
      const out = new Float64Array(values.length);
      placeInto(allies, Float64Array.from(values), spec, out);
      return [...out];
    };
    // Min-max: an ally's value gets the ally's score; beyond the allies' range it is clipped.
    const own = new Float64Array(4);
    normalizeInto(allies, { method: 'minmax', scale: 'linear', invert: false }, own, normalizeBuffers(4));
    expect(place({ method: 'minmax', scale: 'linear', invert: false }, [2, 10, -5])).toEqual([own[1], 100, 0]);
    // Percentile: the share of allies below plus half of those tied, among the allies only.
    expect(place({ method: 'percentile', invert: false }, [3, 0, 9])).toEqual([62.5, 0, 100]);
    expect(place({ method: 'minmax', scale: 'linear', invert: true }, [4])).toEqual([0]);
    const sau = ledger(2024, true).allies.find((a) => a.ally === 'SAU')!;
    for (const line of sau.lines) if (line.score !== null) expect(line.score).toBeGreaterThanOrEqual(0);
    for (const line of sau.lines) if (line.score !== null) expect(line.score).toBeLessThanOrEqual(100);
  });

  it('the robustness matrix of 2000 draws among the 2000 allies only', () => {
    const m = scoreMatrix(ledger(2000), inputs.methodology);
    expect(m.allies).not.toContain('FIN');
    expect(m.allies).toContain('COL');
    expect(m.uncertain.every((u) => u.value.length === ledger(2000).allies.length)).toBe(true);
  });

  it('burden sharing of 2000 counts the allies of 2000', () => {
    const report = computeBurdenSharing(inputs.evidence, inputs.methodology, 2000);
    const allies = report.rows.filter((r) => r.ally).map((r) => r.country);
    expect(allies).toEqual(alliesOfYear(inputs.evidence, 2000));
    expect(allies).not.toContain('FIN');
    expect(allies).not.toContain('SAU');
  });

  it('the latest year is still 2024, counted among that year\'s allies', () => {
    expect(latestYear(inputs)).toBe(2024);
  });

  it('evidence without a us_commitments table (test fixtures) keeps the curated tier for every year', () => {
    const evidence = fixtureEvidence();
    expect(alliesOfYear(evidence, 1990)).toEqual([...ALLIES]);
    expect(standingOf(evidence, 'AAA', 2024)).toMatchObject({ standing: 'treaty', allied: true });
  });
});

describe('asking for a country that is no ally in the year', () => {
  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
    try {
      return { code: await run([...args, '--evidence', EVIDENCE_DIR]), out, err };
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
  }

  it('allies sheet FIN --year 2000 exits 1 saying Finland joined NATO in 2023 and where its ledgers start', async () => {
    const r = await cli('sheet', 'FIN', '--year', '2000');
    expect(r.code).toBe(1);
    expect(r.err).toContain('Finland (FIN) is not one of the U.S. allies of 2000');
    expect(r.err).toContain('joined NATO on 4 April 2023');
    expect(r.err).toContain('allies sheet FIN --year 2023');
    expect(absenceOf(inputs.evidence, 'FIN', 2000, { first: 2000, latest: 2024 })).toMatchObject({ partner: false, alliedIn: 2023 });
  });

  it('allies sheet SAU exits 1 pointing to --partners; with --partners the sheet says partner, not ranked', async () => {
    const r = await cli('sheet', 'SAU', '--year', '2024');
    expect(r.code).toBe(1);
    expect(r.err).toContain('Saudi Arabia is a partner on 31 December 2024');
    expect(r.err).toContain('--partners');
    const shown = await cli('sheet', 'SAU', '--year', '2024', '--partners');
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('Saudi Arabia (SAU): balance sheet 2024 · partner');
    expect(shown.out).toContain('not ranked: a partner in 2024');
  });

  it('allies rank lists each ally\'s standing and names the partners left out; --partners adds them unranked', async () => {
    const plain = await cli('rank', '--year', '2024');
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('Partners left out: SAU');
    expect(plain.out).toMatch(/POL\s+Poland\s+europe\s+NATO since 1999/);
    expect(plain.out).not.toMatch(/\bSAU\s+Saudi Arabia/);
    const withPartners = await cli('rank', '--year', '2024', '--partners', '--json');
    const rows = (JSON.parse(withPartners.out) as { rows: { ally: string; rank: number | null; partner: boolean; standing: string }[] }).rows;
    expect(rows.find((x) => x.ally === 'SAU')).toMatchObject({ rank: null, partner: true, standing: 'partner' });
    expect(rows.filter((x) => !x.partner)).toHaveLength(64);
  });
});

describe('the API', () => {
  let app: OpenAPIHono;
  beforeAll(async () => {
    app = await createApp({ evidenceDir: EVIDENCE_DIR, evidence: inputs.evidence, dashboardDir: null });
  });
  const get = async (url: string) => {
    const res = await app.request(url);
    return { status: res.status, body: await res.json() as Record<string, unknown> & { rows: Record<string, unknown>[] } };
  };

  it('rankings carry the standing; partners=true adds the partners, unranked', async () => {
    const plain = await get('/api/rankings?year=2024&bands=false');
    expect(plain.status).toBe(200);
    expect(plain.body.rows.some((r) => r.ally === 'SAU')).toBe(false);
    expect(plain.body.rows.find((r) => r.ally === 'FIN')).toMatchObject({ standing: 'treaty', standing_label: 'NATO since 2023', partner: false });
    const shown = await get('/api/rankings?year=2024&bands=false&partners=true');
    expect(shown.body.rows.find((r) => r.ally === 'SAU')).toMatchObject({ rank: null, partner: true, standing: 'partner' });
  });

  it('the ledgers of 2000 leave out the countries that were no allies then', async () => {
    const r = await get('/api/ledgers?year=2000');
    expect(r.status).toBe(200);
    const allies = r.body.rows.map((x) => x.ally);
    expect(allies).toHaveLength(43);
    expect(allies).not.toContain('FIN');
    expect(allies).toContain('COL');
  });

  it('the sheet of a country that is no ally in the year is 404 saying why; a partner shows with partners=true', async () => {
    const fin = await get('/api/ledgers/FIN?year=2000');
    expect(fin.status).toBe(404);
    expect(String(fin.body.message)).toContain('joined NATO on 4 April 2023');
    const sau = await get('/api/ledgers/SAU?year=2024');
    expect(sau.status).toBe(404);
    expect(String(sau.body.message)).toContain('partners=true');
    const shown = await get('/api/ledgers/SAU?year=2024&partners=true');
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ partner: true, rank: null, membership: { standing: 'partner' } });
  });
});
