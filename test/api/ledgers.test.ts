// The balance-sheet routes, held against the engine itself: the API serves what
// computeLedger computes, rankings follow the nets, weights given in the request change the
// ranking exactly as the dashboard's in-browser recompute does, and bad input names its field.
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Evidence } from '../../src/evidence/load.ts';
import { LedgerService } from '../../src/interfaces/api/ledger-service.ts';
import type { LedgersResponse, MethodologyResponse, RankingsResponse } from '../../src/interfaces/web/api-types.ts';
import { defaultRanks, liveModel, liveRanking } from '../../src/interfaces/web/weights/live-ranking.ts';
import { ledgerTestApp } from './support.ts';

let app: OpenAPIHono;
let evidence: Evidence;
let service: LedgerService;

beforeAll(async () => {
  ({ app, evidence, service } = await ledgerTestApp());
});

async function get<T = Record<string, unknown>>(url: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await app.request(url, init);
  return { status: res.status, body: await res.json() as T, headers: res.headers };
}

describe('ledgers', () => {
  it('serves the engine\'s ledger for the latest year by default', async () => {
    const { status, body } = await get<LedgersResponse>('/api/ledgers');
    expect(status).toBe(200);
    expect(body.year).toBe(service.years.latest);
    const engine = service.ledger(service.years.latest);
    expect(body.rows.map((a) => [a.ally, a.net, a.rank])).toEqual(engine.allies.map((a) => [a.ally, a.net, a.rank]));
    // The all-allies view leaves the observations out; the ally view has them.
    expect(body.rows[0].lines[0]).not.toHaveProperty('observations');
  });

  it('gives one ally\'s T-account with the observations and the sources behind every line', async () => {
    const { status, body } = await get<{ ally: string; lines: { side: string; missing: boolean; sources: string[]; observations: { source: string; locator: string }[]; judgments: unknown[] }[]; sources: { id: string; citation: string; terms: string }[]; rankedCount: number }>('/api/ledgers/jpn');
    expect(status).toBe(200);
    expect(body.ally).toBe('JPN');
    expect(new Set(body.lines.map((l) => l.side))).toEqual(new Set(['asset', 'liability']));
    const cited = new Map(body.sources.map((s) => [s.id, s]));
    for (const line of body.lines) {
      if (!line.missing) expect(line.sources.length).toBeGreaterThan(0);
      for (const id of line.sources) expect(cited.get(id)?.citation).toBeTruthy();
      for (const o of line.observations) expect(o.locator.length).toBeGreaterThan(0);
    }
  });

  it('downloads ledgers as CSV: a row per line item, then the totals and the net', async () => {
    const res = await app.request('/api/ledgers/JPN?format=csv');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines.length - 1).toBe(service.methodology.items.length + 3);
    expect(lines[lines.length - 1]).toMatch(/^\d{4},JPN,,,net,/);
  });

  it('404s an ISO code that is not a covered ally', async () => {
    const { status, body } = await get('/api/ledgers/CHN');
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: 'not_found', field: 'ally' });
  });
});

describe('rankings', () => {
  it('orders the allies by net, with robustness bands around every ranked ally', async () => {
    const { body } = await get<RankingsResponse>('/api/rankings');
    const ranked = body.rows.filter((r) => r.rank !== null);
    expect(ranked.map((r) => r.rank)).toEqual(ranked.map((_, i) => i + 1));
    for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1].net!).toBeGreaterThanOrEqual(ranked[i].net!);
    for (const r of ranked) {
      expect(r.net_low!).toBeLessThanOrEqual(r.net_high!);
      expect(r.rank_low!).toBeLessThanOrEqual(r.rank_high!);
    }
    expect(body.draws).toBe(service.methodology.robustness.draws);
  });

  it('filters by region and ranks within it', async () => {
    const { body } = await get<RankingsResponse>('/api/rankings?region=asia&bands=false');
    expect(body.rows.length).toBeGreaterThan(0);
    expect(body.rows.every((r) => r.region === 'asia')).toBe(true);
    const ranked = body.rows.filter((r) => r.rank !== null);
    expect(ranked.map((r) => r.region_rank)).toEqual(ranked.map((_, i) => i + 1));
  });

  it('re-ranks under weights given in the request, as the dashboard recomputes them in the browser', async () => {
    const first = service.methodology.items.find((i) => i.side === 'asset')!;
    const weights = { [first.id]: first.weight * 4 };
    const query = `weights=${first.id}:${first.weight * 4}`;
    const [served, ledgers, methodology] = await Promise.all([
      get<RankingsResponse>(`/api/rankings?${query}&bands=false`),
      get<LedgersResponse>('/api/ledgers'),
      get<MethodologyResponse>('/api/methodology'),
    ]);
    const model = liveModel(ledgers.body, methodology.body.methodology);
    const live = liveRanking(model, weights, defaultRanks(model)).filter((r) => r.rank !== null);
    const server = served.body.rows.filter((r) => r.rank !== null);
    expect(live.map((r) => r.ally)).toEqual(server.map((r) => r.ally));
    live.forEach((r, i) => {
      expect(r.net!).toBeCloseTo(server[i].net!, 9);
      expect(r.assets!).toBeCloseTo(server[i].assets!, 9);
    });
  });

  it('names the field when weights, year or region are wrong', async () => {
    const cases: [string, string][] = [
      ['/api/rankings?weights=no_such_item:2', 'weights'],
      ['/api/rankings?weights=oops', 'weights'],
      ['/api/rankings?year=1700', 'year'],
      [`/api/rankings?year=${service.years.latest + 1}`, 'year'],
      ['/api/rankings?region=moon', 'region'],
      ['/api/robustness?draws=5', 'draws'],
      ['/api/robustness?seed=-1', 'seed'],
      ['/api/methodology?format=toml', 'format'],
    ];
    for (const [url, field] of cases) {
      const { status, body } = await get(url);
      expect({ url, status, field: body.field }).toEqual({ url, status: 400, field });
    }
    const zeroAssets = service.methodology.items.filter((i) => i.side === 'asset').map((i) => `${i.id}:0`).join(',');
    expect((await get(`/api/ledgers?weights=${zeroAssets}`)).body).toMatchObject({ field: 'weights' });
  });
});

describe('robustness, burden sharing and the methodology', () => {
  it('is deterministic for a seed', async () => {
    const a = await get<{ allies: { ally: string; net: { low: number } }[]; pSameOrder: number }>('/api/robustness?draws=500&seed=7');
    service = await LedgerService.load(evidence, { methodologyFile: process.env.ALLIES_METHODOLOGY || undefined, judgmentsFile: process.env.ALLIES_JUDGMENTS || undefined });
    const b = await service.robustness(service.years.latest, { draws: 500, seed: 7 });
    expect(a.body.allies.map((x) => x.net.low)).toEqual(b.allies.map((x) => x.net.low));
    expect(a.body.pSameOrder).toBe(b.pSameOrder);
  });

  it('gives burden-sharing ratios as share of contribution over share of ability', async () => {
    const { body } = await get<{ rows: { country: string; cells: Record<string, { share: number | null; abilityShare: number | null; ratio: number | null }> }[] }>('/api/burden');
    let checked = 0;
    for (const row of body.rows) {
      for (const cell of Object.values(row.cells)) {
        if (cell.ratio === null) continue;
        expect(cell.ratio).toBeCloseTo(cell.share! / cell.abilityShare!, 9);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
    const csv = await (await app.request('/api/burden?format=csv')).text();
    expect(csv.split('\n')[0]).toContain('ratio');
  });

  it('serves the methodology as JSON and as the YAML file itself', async () => {
    const json = await get<MethodologyResponse>('/api/methodology');
    expect(json.body.methodology.items.length).toBe(service.methodology.items.length);
    const yaml = await app.request('/api/methodology?format=yaml');
    expect(yaml.headers.get('content-type')).toMatch(/yaml/);
    expect(await yaml.text()).toBe(service.methodologyText);
  });

  it('answers a repeated ledger request from the cache, with an ETag', async () => {
    const first = await app.request('/api/ledgers/KOR');
    const etag = first.headers.get('etag')!;
    const again = await app.request('/api/ledgers/KOR', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    const weighted = await app.request(`/api/ledgers/KOR?weights=${service.methodology.items[0].id}:${service.methodology.items[0].weight + 1}`);
    expect(weighted.headers.get('etag')).not.toBe(etag);
  });
});
