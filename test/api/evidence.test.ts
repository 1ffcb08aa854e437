// The evidence API, as a client sees it: every observation with its source and locator, every
// table as CSV, 400s that name the field, JSON 404s, ETags that let a client revalidate for free.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { loadEvidence } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { evidenceVersion } from '../../src/interfaces/api/evidence-version.ts';
import { testEvidenceDir } from './support.ts';

let app: OpenAPIHono;
let evidence: Evidence;
let evidenceDir: string;

beforeAll(async () => {
  evidenceDir = await testEvidenceDir();
  evidence = await loadEvidence(evidenceDir);
  app = await createApp({ evidenceDir, evidence, dashboardDir: null });
});

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await app.request(url, init);
  return { status: res.status, body: await res.json() as Record<string, unknown>, headers: res.headers };
}

describe('countries, allies, indicators and sources', () => {
  it('lists the covered allies with their region, and filters by region', async () => {
    const all = await json('/api/allies');
    const rows = all.body.rows as { iso3: string; region: string }[];
    expect(rows.length).toBe(evidence.allies().length);
    expect(rows.find((a) => a.iso3 === 'JPN')).toMatchObject({ name: 'Japan', region: 'asia' });
    const asia = (await json('/api/allies?region=asia')).body.rows as { iso3: string; region: string }[];
    expect(asia.map((a) => a.iso3)).toContain('KOR');
    expect(asia.every((a) => a.region === 'asia')).toBe(true);
    expect(asia.map((a) => a.iso3)).not.toContain('DEU');
  });

  it('gives the country registry with COW codes', async () => {
    const rows = (await json('/api/countries')).body.rows as { iso3: string; cow: number | null }[];
    expect(rows.find((c) => c.iso3 === 'USA')?.cow).toBe(2);
    expect(rows.length).toBe(evidence.countries.length);
  });

  it('gives every declared indicator with its unit and definition', async () => {
    const rows = (await json('/api/indicators')).body.rows as { id: string; unit: string; definition: string }[];
    expect(rows.length).toBe(evidence.indicators.length);
    for (const r of rows) expect(r.unit.length * r.definition.length).toBeGreaterThan(0);
  });

  it('exports the source registry as BibTeX and CSL-JSON', async () => {
    const bib = await app.request('/api/sources?format=bibtex');
    expect(bib.headers.get('content-type')).toMatch(/bibtex/);
    const text = await bib.text();
    expect(text.match(/^@\w+\{/gm)?.length).toBe(evidence.sources.length);
    const csl = await json('/api/sources?format=csl');
    expect(Array.isArray(csl.body)).toBe(true);
    expect((csl.body as unknown as { id: string }[]).map((s) => s.id)).toEqual(evidence.sources.map((s) => s.id));
  });

  it('describes one source with the indicators it feeds, and 404s an unknown one', async () => {
    const id = evidence.sources[0].id;
    const one = await json(`/api/sources/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id, citation: evidence.sources[0].citation });
    const missing = await json('/api/sources/no-such-source');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'not_found', field: 'id' });
  });
});

describe('observations', () => {
  it('returns every row with its source and locator, and the sources the rows cite', async () => {
    const { body } = await json('/api/observations?country=JPN');
    const rows = body.rows as { source: string; locator: string; value: number | null; flags: string[]; note: string }[];
    expect(rows.length).toBe(evidence.query({ country: 'JPN' }).length);
    const cited = new Set((body.sources as { id: string }[]).map((s) => s.id));
    for (const r of rows) {
      expect(cited.has(r.source)).toBe(true);
      expect(r.locator.length).toBeGreaterThan(0);
      if (r.value === null) {
        expect(r.flags).toContain('missing');
        expect(r.note.length).toBeGreaterThan(0);
      }
    }
  });

  it('filters by indicator and year range, and pages with limit and offset', async () => {
    const indicator = evidence.indicators.find((i) => !i.dyadic && evidence.series('JPN', i.id).length > 3)?.id;
    if (!indicator) return;
    const years = evidence.series('JPN', indicator).map((o) => o.year);
    const from = years[1];
    const to = years[years.length - 2];
    const { body } = await json(`/api/observations?country=jpn&indicator=${indicator}&from=${from}&to=${to}`);
    const rows = body.rows as { year: number; indicator: string }[];
    expect(rows.length).toBe(evidence.query({ country: 'JPN', indicator, from, to }).length);
    expect(rows.every((r) => r.indicator === indicator && r.year >= from && r.year <= to)).toBe(true);
    const page = await json(`/api/observations?country=JPN&indicator=${indicator}&limit=2&offset=1`);
    expect(page.body).toMatchObject({ count: 2, offset: 1, total: evidence.query({ country: 'JPN', indicator }).length });
  });

  it('downloads as CSV with unit and citation on every row', async () => {
    const res = await app.request('/api/observations?country=JPN&format=csv');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/observations-JPN\.csv/);
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines[0]).toBe('country,counterpart,indicator,year,value,low,high,source,locator,flags,note,unit,citation');
    expect(lines.length - 1).toBeGreaterThanOrEqual(evidence.query({ country: 'JPN' }).length);
  });

  it('chooses CSV from the Accept header too', async () => {
    const res = await app.request('/api/allies', { headers: { Accept: 'text/csv' } });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await res.text()).split('\n')[0]).toBe('iso3,name,region,tier,basis,reference');
  });
});

describe('invalid input gets a 400 that names the field', () => {
  const cases: [string, string][] = [
    ['/api/observations?year=abc', 'year'],
    ['/api/observations?year=20.5', 'year'],
    ['/api/observations?country=J1N', 'country'],
    ['/api/observations?country=ZZZ', 'country'],
    ['/api/observations?indicator=no_such_indicator', 'indicator'],
    ['/api/observations?source=nobody', 'source'],
    ['/api/observations?from=2020&to=2010', 'from'],
    ['/api/observations?limit=0', 'limit'],
    ['/api/observations?yaer=2020', 'yaer'],
    ['/api/allies?region=mars', 'region'],
    ['/api/allies?format=xml', 'format'],
  ];
  it.each(cases)('%s names "%s"', async (url, field) => {
    const { status, body } = await json(url);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_request', field });
    expect(String(body.message)).toContain(field);
  });
});

describe('unknown routes and errors', () => {
  it('answers unknown routes with a JSON 404 and no stack trace', async () => {
    for (const url of ['/api/nothing-here', '/api/ledger', '/favicon-missing.png']) {
      const { status, body } = await json(url);
      expect(status).toBe(404);
      expect(body.error).toBe('not_found');
      expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+/);
    }
    const post = await json('/api/allies', { method: 'POST' });
    expect(post.status).toBe(404);
  });
});

describe('caching', () => {
  it('sends an ETag and answers a revalidation with 304', async () => {
    const first = await app.request('/api/observations?country=JPN');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{16}-/);
    expect(first.headers.get('cache-control')).toMatch(/no-cache/);
    const again = await app.request('/api/observations?country=JPN', { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    const other = await app.request('/api/observations?country=KOR');
    expect(other.headers.get('etag')).not.toBe(etag);
    const csv = await app.request('/api/observations?country=JPN&format=csv');
    expect(csv.headers.get('etag')).not.toBe(etag);
  });

  it('keys ETags on the evidence version, which changes with any evidence file', async () => {
    const copy = await mkdtemp(path.join(os.tmpdir(), 'allies-api-version-'));
    await cp(evidenceDir, copy, { recursive: true });
    const before = await evidenceVersion(copy);
    expect(before).toBe(await evidenceVersion(evidenceDir));
    await writeFile(path.join(copy, 'indicators.csv'), (await readFile(path.join(copy, 'indicators.csv'), 'utf8')) + '\n');
    expect(await evidenceVersion(copy)).not.toBe(before);
    await rm(copy, { recursive: true, force: true });
  });

  it('gzips large bodies for clients that accept it', async () => {
    const res = await app.request('/api/countries', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
  });
});

describe('the API documents itself', () => {
  it('serves an OpenAPI 3.1 document with every route and its parameters', async () => {
    const { body } = await json('/openapi.json');
    expect(body.openapi).toBe('3.1.0');
    const paths = body.paths as Record<string, { get: { parameters?: { name: string }[] } }>;
    for (const p of ['/api/countries', '/api/allies', '/api/indicators', '/api/sources', '/api/observations', '/api/coverage']) expect(paths[p]).toBeDefined();
    expect(paths['/api/observations'].get.parameters?.map((x) => x.name)).toEqual(expect.arrayContaining(['country', 'indicator', 'from', 'to', 'format']));
  });

  it('renders the reference at /docs with nothing loaded from the internet', async () => {
    const res = await app.request('/docs');
    const html = await res.text();
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('/api/observations');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
  });
});

describe('coverage', () => {
  it('reports each covered ally and core need, as JSON and CSV', async () => {
    const { body } = await json('/api/coverage');
    const rows = body.rows as { iso3: string; need: string; gap: string | null; latest_year: number | null }[];
    expect(new Set(rows.map((r) => r.iso3)).size).toBe(evidence.allies().length);
    for (const r of rows) expect(r.gap === null).toBe(r.latest_year !== null);
    const csv = await (await app.request('/api/coverage?format=csv')).text();
    expect(csv.split('\n')[0]).toBe('iso3,name,region,reference,complete,need,indicator,latest_year,value,source,gap');
  });
});
