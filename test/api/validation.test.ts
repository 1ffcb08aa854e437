// GET /api/validation: the same report as `allies validate`, with its caveat, per assessment;
// bad parameters are named.
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { loadEvidence } from '../../src/evidence/load.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { VALIDATION_CAVEAT } from '../../src/analyses/validation.ts';
import type { ValidationReport } from '../../src/analyses/validation.ts';
import { testEvidenceDir } from './support.ts';

let app: OpenAPIHono;

beforeAll(async () => {
  const dir = await testEvidenceDir();
  app = await createApp({ evidenceDir: dir, evidence: await loadEvidence(dir), dashboardDir: null });
}, 120_000);

describe('GET /api/validation', () => {
  it('sets an assessment beside the ledger of its year, saying it is a check and not a target', async () => {
    const res = await app.request('/api/validation?only=spf-2019-balance-sheet');
    expect(res.status).toBe(200);
    const body = await res.json() as ValidationReport;
    expect(body.caveat).toBe(VALIDATION_CAVEAT);
    expect(body.year).toBeNull();
    expect(body.assessments).toHaveLength(1);
    const [v] = body.assessments;
    expect(v).toMatchObject({ year: 2018, assessment: { id: 'spf-2019-balance-sheet', source: 'spf-balance-sheet-2019' } });
    expect(v.agreement!.tested).toBeGreaterThan(0);
  }, 120_000);

  it('names a bad parameter', async () => {
    const unknown = await app.request('/api/validation?only=no-such-assessment');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ field: 'only' });
    const year = await app.request('/api/validation?year=1700');
    expect(year.status).toBe(400);
  });
});
