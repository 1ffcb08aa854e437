// The theaters over HTTP: /api/regions is the library's compareTheaters on the service's
// ledgers (the same numbers as `allies regions`), as JSON with the cited sources or as CSV;
// /api/regions/robustness runs in the heavy-work queue; bad regions name their field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { compareTheaters } from '../../src/analyses/regions.ts';
import { loadEvidence } from '../../src/evidence/load.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { HeavyWork } from '../../src/interfaces/api/heavy-work.ts';
import { LedgerService } from '../../src/interfaces/api/ledger-service.ts';
import { testEvidenceDir } from './support.ts';

let app: OpenAPIHono;
let service: LedgerService;
let heavy: HeavyWork;

beforeAll(async () => {
  const evidenceDir = await testEvidenceDir();
  const evidence = await loadEvidence(evidenceDir);
  service = await LedgerService.load(evidence);
  heavy = new HeavyWork({ evidenceDir, engine: {}, threads: 1, queueLimit: 2 });
  app = await createApp({ evidenceDir, evidence, dashboardDir: null, heavy });
}, 120_000);

afterAll(async () => {
  await heavy?.close();
});

describe('/api/regions', () => {
  it('answers with the library\'s comparison of the theaters and the sources it cites', async () => {
    const res = await app.request('/api/regions?year=2020');
    expect(res.status).toBe(200);
    const body = await res.json() as { year: number; regions: string[]; distribution: { region: string; net: { median: number } }[]; rows: { item: string; difference: number | null }[]; series: unknown[]; sources: { id: string; citation: string }[]; count: number };
    const series = [];
    for (let y = service.years.first; y <= service.years.latest; y++) series.push(service.ledger(y));
    const expected = compareTheaters(service.ledger(2020), series);
    expect(body.year).toBe(2020);
    expect(body.regions).toEqual(['asia', 'europe']);
    expect(body.distribution.map((d) => d.net.median)).toEqual(expected.distribution.map((d) => d.net.median));
    expect(body.rows.map((r) => r.item)).toEqual(expected.items.map((i) => i.item));
    expect(body.count).toBe(expected.items.length);
    expect(body.series).toHaveLength(expected.series.length);
    expect(body.sources.map((s) => s.id)).toEqual(expected.sources);
    for (const s of body.sources) expect(s.citation.length).toBeGreaterThan(0);
  });

  it('compares other regions and gives the line items as CSV', async () => {
    const res = await app.request('/api/regions?regions=europe,americas&format=csv');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.split('\n')[0]).toContain('europe_mean_points');
    expect(text.split('\n')[0]).toContain('americas_missing');
  });

  it('names the field of a bad region', async () => {
    const res = await app.request('/api/regions?regions=asia,atlantis');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'regions' });
    const one = await app.request('/api/regions?regions=asia,asia');
    expect(one.status).toBe(400);
  });

  it('runs the robustness of the gap in the heavy-work queue', async () => {
    const res = await app.request('/api/regions/robustness?draws=200&seed=3');
    expect(res.status).toBe(200);
    const body = await res.json() as { draws: number; share: number; regions: string[]; seed: number };
    expect(body).toMatchObject({ draws: 200, seed: 3, regions: ['asia', 'europe'] });
    expect(body.share).toBeGreaterThanOrEqual(0);
    expect(body.share).toBeLessThanOrEqual(1);
    expect(heavy.stats().started).toBeGreaterThan(0);
    expect((await app.request('/api/regions/robustness?draws=99999999')).status).toBe(400);
  }, 120_000);
});
