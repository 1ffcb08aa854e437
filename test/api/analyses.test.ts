// The analyses over HTTP, held against the library that computes them: the comparison cites
// a source for every row it fills, the history's curves and base rates are the Kaplan-Meier
// estimates of ATOP, the claims carry their verdicts, the network's lattice index is the one
// of its ties, and bad input names its field.
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { loadEvidence } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { latticeIndex, readAllianceEvidence, summarizeGrouping } from '../../src/analyses/index.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { testEvidenceDir } from './support.ts';

let app: OpenAPIHono;
let evidence: Evidence;

beforeAll(async () => {
  const dir = await testEvidenceDir();
  evidence = await loadEvidence(dir);
  app = await createApp({ evidenceDir: dir, evidence, dashboardDir: null });
});

type Json = Record<string, unknown> & { field?: string; rows: Record<string, unknown>[] };

async function get<T = Json>(url: string): Promise<{ status: number; body: T }> {
  const res = await app.request(url);
  return { status: res.status, body: await res.json() as T };
}

describe('compare', () => {
  it('puts the allies side by side, every filled row backed by a cited source', async () => {
    const { status, body } = await get<{ allies: { iso3: string }[]; rows: { label: string; cells: { text: string; sources: string[] }[]; sources: string[] }[]; sources: { id: string; citation: string }[] }>('/api/compare?allies=JPN,kor,DEU');
    expect(status).toBe(200);
    expect(body.allies.map((a) => a.iso3)).toEqual(['JPN', 'KOR', 'DEU']);
    expect(body.rows.length).toBeGreaterThan(10);
    for (const row of body.rows) expect(row.cells).toHaveLength(3);
    const cited = new Set(body.sources.map((s) => s.id));
    const sourced = body.rows.filter((r) => r.sources.length > 0);
    expect(sourced.length).toBeGreaterThan(5);
    for (const row of sourced) for (const id of row.sources) expect(cited.has(id), `${row.label}: ${id}`).toBe(true);
  });

  it('downloads the comparison as CSV, one column per ally', async () => {
    const res = await app.request('/api/compare?allies=JPN,KOR&format=csv');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await res.text()).split('\n')[0]).toBe('line_group,label,JPN,KOR,sources');
  });
});

describe('asymmetry and tiers', () => {
  it('gives Japan\'s asymmetry profile: a U.S. guarantee, with sourced capability and basing figures', async () => {
    const { status, body } = await get<{ ally: string; obligations: { pattern: string }; capability: unknown; basing: unknown; definitions: string[] }>('/api/asymmetry/jpn');
    expect(status).toBe(200);
    expect(body.ally).toBe('JPN');
    expect(body.obligations.pattern).toBe('U.S. guarantee');
    expect(JSON.stringify(body.basing)).toContain('locator');
    expect(body.definitions.length).toBeGreaterThan(0);
  });

  it('places every ranked ally in one tier', async () => {
    const { body } = await get<{ tiers: { tier: number; members: { ally: string }[] }[]; rows: { ally: string }[] }>('/api/tiers?draws=0&tiers=3');
    expect(body.tiers).toHaveLength(3);
    const placed = body.tiers.flatMap((t) => t.members.map((m) => m.ally));
    expect(new Set(placed).size).toBe(placed.length);
    expect(body.rows.map((r) => r.ally).sort()).toEqual([...placed].sort());
  });
});

describe('history', () => {
  it('serves the Kaplan-Meier estimates of ATOP with the definitions and the U.S. alliances\' ages', async () => {
    const { body } = await get<{ definitions: Record<string, string>; rows: { group: { id: string }; n: number; kaplanMeier: { median: number | null }; curve: { steps: { time: number; survival: number }[] } }[]; usAlliances: { name: string; age: number; percentileDefense: number }[] }>('/api/history?by=defense');
    const expected = summarizeGrouping('defense', readAllianceEvidence(evidence).alliances);
    expect(body.rows.map((r) => [r.group.id, r.n, r.kaplanMeier.median])).toEqual(expected.map((s) => [s.group.id, s.n, s.kaplanMeier.median]));
    const steps = body.rows[0].curve.steps;
    for (let i = 1; i < steps.length; i++) expect(steps[i].survival).toBeLessThanOrEqual(steps[i - 1].survival);
    expect(Object.keys(body.definitions).length).toBeGreaterThan(3);
    const nato = body.usAlliances.find((a) => /North Atlantic/.test(a.name))!;
    expect(nato.age).toBeGreaterThan(75);
    expect(nato.percentileDefense).toBeGreaterThan(0.5);
  });

  it('downloads the base rates as CSV and refuses an unknown grouping', async () => {
    const csv = await (await app.request('/api/history?format=csv')).text();
    expect(csv.split('\n')[0]).toContain('km_median');
    expect(csv.split('\n')[0]).toContain('km_median_reached');
    // U.S. defense pacts: the median is not reached; the CSV gives its lower bound and the wording.
    const withUs = csv.split('\n').find((l) => l.startsWith('defense-with-us,'))!;
    expect(withUs).toMatch(/,false,25\.08\d*,at least 25\.1 years \(not reached\),/);
    expect((await get('/api/history?by=decade')).body).toMatchObject({ field: 'by' });
    expect((await get('/api/history?as_of=1990')).body).toMatchObject({ field: 'as_of' });
  });
});

describe('claims', () => {
  it('checks the 15-year claim: not supported, since no definition supports its median part', async () => {
    const { body } = await get<{ rows: { claim: { id: string }; verdict: string; reason: string; parts: { verdict: string; readings: { definition: string; value: number | null }[] }[] }[] }>('/api/claims');
    const claim = body.rows.find((r) => r.claim.id === 'defense-alliance-durations')!;
    expect(claim.verdict).toBe('not supported');
    expect(claim.reason).toBe('no definition supports the part "median duration"');
    expect(claim.parts.map((p) => p.verdict)).toEqual(['not supported', 'depends on the definition', 'depends on the definition']);
    expect(claim.parts[0].readings.length).toBeGreaterThan(3);
  });

  it('keeps the claims about one ally', async () => {
    const { body } = await get<{ rows: { claim: { id: string }; countries: string[] }[] }>('/api/claims?ally=JPN');
    expect(body.rows.length).toBeGreaterThan(0);
    for (const r of body.rows) expect(r.countries).toContain('JPN');
    expect(body.rows.map((r) => r.claim.id)).not.toContain('defense-alliance-durations');
    expect((await get('/api/claims?ally=XXX')).body).toMatchObject({ field: 'ally' });
  });
});

describe('network', () => {
  it('gives the network of a year, its lattice index computed from its ties, and the index over time', async () => {
    const { status, body } = await get<{ year: number; rows: { iso3: string; degree: number }[]; ties: { a: string; b: string; kind: 'us-ally' | 'ally-ally'; instruments: string[] }[]; index: { all: { share: number } }; series: { year: number; all: { share: number | null } }[] }>('/api/network?year=1990');
    expect(status).toBe(200);
    expect(body.year).toBe(1990);
    expect(body.index.all).toEqual(latticeIndex(body.ties));
    expect(body.series[0].year).toBe(1946);
    expect(body.series.find((s) => s.year === 1990)!.all.share).toBe(body.index.all.share);
    const us = body.rows.find((n) => n.iso3 === 'USA')!;
    expect(us.degree).toBe(body.ties.filter((t) => t.a === 'USA' || t.b === 'USA').length);
  });

  it('names the field when the year or the member limit is wrong', async () => {
    for (const [url, field] of [['/api/network?year=1900', 'year'], ['/api/network?max_members=1', 'max_members'], ['/api/asymmetry/JPN?year=abc', 'year'], ['/api/tiers?tiers=9', 'tiers'], ['/api/compare?allies=JP', 'allies'], ['/api/compare', 'allies']] as const) {
      const { status, body } = await get(url);
      expect({ url, status, field: body.field }).toEqual({ url, status: 400, field });
    }
    expect((await get('/api/asymmetry/CHN')).status).toBe(404);
  });
});
