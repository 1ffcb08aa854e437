// An ally over time over HTTP: /api/ledgers/{ally}/timeline gives every year's totals from the
// service's ledgers (the ones /api/ledgers/{ally}?year= serves), the events with their cited
// sources, both alliance ages with definitions, CSV, and 404 for an unknown ally.
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { ledgerTestApp } from './support.ts';

let app: OpenAPIHono;

beforeAll(async () => {
  ({ app } = await ledgerTestApp());
}, 120_000);

describe('/api/ledgers/{ally}/timeline', () => {
  it('gives the year\'s ledger values, the same as the single-year route', async () => {
    const res = await app.request('/api/ledgers/POL/timeline');
    expect(res.status).toBe(200);
    const body = await res.json() as { rows: { year: number; net: number; rank: number }[]; events: { kind: string; sources: string[] }[]; sources: { id: string }[]; ages: { value: number; definition: string }[] };
    const y2015 = body.rows.find((r) => r.year === 2015)!;
    const single = await (await app.request('/api/ledgers/POL?year=2015')).json() as { net: number; rank: number };
    expect(y2015.net).toBe(single.net);
    expect(y2015.rank).toBe(single.rank);
    const cited = new Set(body.sources.map((s) => s.id));
    for (const e of body.events) for (const id of e.sources) expect(cited.has(id), id).toBe(true);
    expect(body.events.some((e) => e.kind === 'tie')).toBe(true);
    expect(body.ages[0].definition).toContain('Whole years');
  });

  it('explains Japan\'s two alliance ages and serves the years as CSV', async () => {
    const body = await (await app.request('/api/ledgers/JPN/timeline')).json() as { agesExplained: string; ages: { value: number }[] };
    expect(body.ages.map((a) => Math.round(a.value))).toEqual(expect.arrayContaining([73, 65]));
    expect(body.agesExplained).toContain('measure different things');
    const csv = await (await app.request('/api/ledgers/JPN/timeline?format=csv')).text();
    expect(csv.split('\n')[0]).toBe('year,allied,standing,net,assets,liabilities,rank,rankedCount,coverage');
  });

  it('answers 404 for a country it does not cover and 400 for a bad threshold', async () => {
    expect((await app.request('/api/ledgers/ZZZ/timeline')).status).toBe(404);
    expect((await app.request('/api/ledgers/JPN/timeline?net=0')).status).toBe(400);
  });
});
