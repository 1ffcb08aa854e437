// The method where the numbers are, over HTTP: /api/methodology gives every line in words
// with what a point of it is worth and the sources' citation texts; /api/ledgers/{ally}/why
// serves the engine's whyThisRank (differences from the median ally that add up to the gap),
// with the rank band, per year and per weights; the OpenAPI document describes both.
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Evidence } from '../../src/evidence/load.ts';
import type { LedgerService} from '../../src/interfaces/api/ledger-service.ts';
import { withWeights } from '../../src/interfaces/api/ledger-service.ts';
import type { MethodologyResponse, WhyResponse } from '../../src/interfaces/web/api-types.ts';
import { pointWorth, whyThisRank } from '../../src/method/explain.ts';
import { ledgerTestApp } from './support.ts';

let app: OpenAPIHono;
let evidence: Evidence;
let service: LedgerService;

beforeAll(async () => {
  ({ app, evidence, service } = await ledgerTestApp());
});

async function get<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await app.request(url);
  return { status: res.status, body: await res.json() as T, headers: res.headers };
}

describe('GET /api/methodology', () => {
  it('keeps the methodology and adds every line in words: construct, formula, normalization, weight, point worth, rationale, citations', async () => {
    const { status, body } = await get<MethodologyResponse>('/api/methodology');
    expect(status).toBe(200);
    const m = service.methodology;
    expect(body.methodology.items.map((i) => i.id)).toEqual(m.items.map((i) => i.id));
    expect(body.lines.map((l) => l.item)).toEqual(m.items.map((i) => i.id));
    const sources = new Map(evidence.sources.map((s) => [s.id, s]));
    body.lines.forEach((line, k) => {
      const item = m.items[k];
      expect(line.construct).toBe(item.construct ?? 'not stated');
      expect(line.formula.length).toBeGreaterThan(3);
      expect(line.normalization.length).toBeGreaterThan(3);
      expect(line.weight).toBe(item.weight);
      expect(line.rationale).toBe(item.rationale);
      expect(line.citations.map((c) => c.source)).toEqual(item.citations.map((c) => c.source));
      for (const c of line.citations) expect(c.citation).toBe(sources.get(c.source)!.citation);
    });
    // The worths are the engine's.
    const worth = pointWorth(m);
    expect(body.headings).toEqual(JSON.parse(JSON.stringify(worth.headings)));
    expect(body.lines.map((l) => l.perPoint)).toEqual(worth.items.map((i) => i.perPoint));
  });

  it('still gives the file itself as YAML', async () => {
    const res = await app.request('/api/methodology?format=yaml');
    expect(res.headers.get('content-type')).toMatch(/yaml/);
    expect(await res.text()).toBe(service.methodologyText);
  });
});

describe('GET /api/ledgers/{ally}/why', () => {
  it('serves whyThisRank for the latest year, with the rank band of the robustness run', async () => {
    const { status, body } = await get<WhyResponse>('/api/ledgers/jpn/why');
    expect(status).toBe(200);
    const year = service.years.latest;
    const robustness = await service.robustness(year);
    const engine = whyThisRank(service.ledger(year), 'JPN', { robustness, methodology: service.methodology });
    expect(body).toMatchObject(JSON.parse(JSON.stringify(engine)));
    expect(body.band).not.toBeNull();
    const sum = body.lines.reduce((t, l) => t + l.difference, 0);
    expect(sum).toBeCloseTo(body.net! - body.reference.net, 9);
  });

  it('follows the year, the weights and bands=false', async () => {
    const year = service.years.latest - 10;
    const { body } = await get<WhyResponse>(`/api/ledgers/JPN/why?year=${year}&bands=false`);
    expect(body.year).toBe(year);
    expect(body.band).toBeNull();
    expect(body.rank).toBe(service.ledger(year).allies.find((a) => a.ally === 'JPN')!.rank);

    const liability = service.methodology.items.find((i) => i.side === 'liability')!;
    const weights = { [liability.id]: liability.weight * 4 };
    const { body: weighted } = await get<WhyResponse>(`/api/ledgers/JPN/why?bands=false&weights=${liability.id}:${liability.weight * 4}`);
    const engine = whyThisRank(service.ledger(service.years.latest, weights), 'JPN', { methodology: withWeights(service.methodology, weights) });
    expect(weighted.net).toBeCloseTo(engine.net!, 12);
    expect(weighted.reference.net).toBeCloseTo(engine.reference.net, 12);
    expect(weighted.worth!.items.find((i) => i.item === liability.id)!.perPoint).toBeCloseTo(engine.worth!.items.find((i) => i.item === liability.id)!.perPoint, 12);
  });

  it('explains a partner with partners=true and says why a country is no ally of the year', async () => {
    const finland = await get<{ message: string; field: string }>('/api/ledgers/FIN/why?year=2000&bands=false');
    expect(finland.status).toBe(404);
    expect(finland.body.message).toMatch(/not one of the U\.S\. allies of 2000/);
    const saudi = await get<{ message: string }>('/api/ledgers/SAU/why?bands=false');
    expect(saudi.status).toBe(404);
    expect(saudi.body.message).toMatch(/partners=true/);
    const { status, body } = await get<WhyResponse>('/api/ledgers/SAU/why?partners=true');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ally: 'SAU', rank: null, band: null });
    expect(body.placedAt).toBeGreaterThanOrEqual(1);
    expect(body.reference.allies).toBe(service.ledger(service.years.latest).rankedCount);
  });

  it('downloads the lines as CSV', async () => {
    const res = await app.request('/api/ledgers/JPN/why?format=csv&bands=false');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = (await res.text()).trimEnd().split('\n');
    expect(rows[0]).toBe('item,side,line_group,label,allyScore,medianScore,allyPoints,medianPoints,difference,allyMissing,imputed,scoredAmong');
    expect(rows.length - 1).toBe(service.methodology.items.length);
  });

  it('names what is wrong: an unknown ally, a year outside the methodology, a malformed parameter', async () => {
    expect((await get('/api/ledgers/XYZ/why')).status).toBe(404);
    const early = await get<{ field: string }>('/api/ledgers/JPN/why?year=1900');
    expect(early.status).toBe(400);
    expect(early.body.field).toBe('year');
    const bad = await get<{ field: string }>('/api/ledgers/JPN/why?bands=maybe');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('bands');
  });

  it('is described in the OpenAPI document, as are the methodology\'s lines', async () => {
    const { body } = await get<{ paths: Record<string, { get: { parameters?: { name: string }[] } }>; components: { schemas: Record<string, unknown> } }>('/openapi.json');
    expect(body.paths['/api/ledgers/{ally}/why'].get.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['ally', 'year', 'weights', 'bands', 'format']));
    for (const schema of ['WhyThisRank', 'WhyLine', 'MethodologyLine', 'HeadingWorth', 'PointWorth']) expect(body.components.schemas[schema]).toBeDefined();
  });
});
