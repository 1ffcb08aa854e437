// Scenarios over HTTP: the built-ins listed with their sources, one shown with the reason for
// every change, a run's diff the same as the library's with each movement credited to its
// change, compositions and side-by-side runs, and only built-in names accepted.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { loadEvidence } from '../../src/evidence/load.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { LedgerService } from '../../src/interfaces/api/ledger-service.ts';
import { loadScenario, runScenario, SCENARIOS_DIR } from '../../src/scenarios/index.ts';
import type { ScenarioContext } from '../../src/scenarios/index.ts';
import { testEvidenceDir } from './support.ts';

let app: OpenAPIHono;
let context: ScenarioContext;

beforeAll(async () => {
  const dir = await testEvidenceDir();
  const evidence = await loadEvidence(dir);
  const service = await LedgerService.load(evidence);
  context = { evidence, methodology: service.methodology, judgments: service.judgments, present: service.years.latest };
  app = await createApp({ evidenceDir: dir, evidence, dashboardDir: null });
});

interface Diff { ally: string; direct: boolean; before: { net: number; rank: number | null }; after: { net: number; rank: number | null }; causes: { ref: string; net: number }[]; lines: { item: string; how: string; causes: { ref: string; contribution: number }[]; before: { contribution: number | null }; after: { contribution: number | null } }[] }
interface Run { scenario: { id: string; parts: string[] }; changes: { ref: string; rationale: string; citations: unknown[] }[]; diff: Diff[]; ranks: { ally: string }[]; robustness: { draws: number } | null; conflicts: string[]; sources: { id: string }[] }

async function get<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> {
  const res = await app.request(url);
  return { status: res.status, body: await res.json() as T };
}

describe('scenario list and show', () => {
  it('lists the built-in scenarios with their sources', async () => {
    const { body } = await get<{ rows: { name: string; title: string; sources: { source: string; locator: string }[] }[]; sources: { id: string }[] }>('/api/scenarios');
    expect(body.rows.map((r) => r.name)).toContain('hns-japan-x4');
    for (const r of body.rows) expect(r.sources.length).toBeGreaterThan(0);
    const cited = new Set(body.sources.map((s) => s.id));
    for (const r of body.rows) for (const s of r.sources) expect(cited.has(s.source)).toBe(true);
  });

  it('shows one scenario with the reason and the citations of every change', async () => {
    const { body } = await get<{ name: string; horizon: number; changes: { rationale: string; citations: unknown[]; countries: string[] }[] }>('/api/scenarios/hns-japan-x4');
    expect(body).toMatchObject({ name: 'hns-japan-x4', horizon: 2027 });
    expect(body.changes[0].countries).toEqual(['JPN']);
    for (const c of body.changes) {
      expect(c.rationale.length).toBeGreaterThan(20);
      expect(c.citations.length).toBeGreaterThan(0);
    }
    expect((await get('/api/scenarios/no-such-scenario')).body).toMatchObject({ error: 'not_found', field: 'name' });
  });
});

describe('scenario runs', () => {
  it('diffs Japan\'s ledger exactly as the library does, each movement credited to the change that caused it', async () => {
    const { status, body } = await get<Run>('/api/scenarios/run?names=japan-2pct-2027');
    expect(status).toBe(200);
    const expected = runScenario(await loadScenario('japan-2pct-2027', context), { ...context, robustness: false });
    expect(body.diff.map((d) => [d.ally, d.after.net, d.after.rank])).toEqual(expected.diff.map((d) => [d.ally, d.after.net, d.after.rank]));
    const japan = body.diff[0];
    expect(japan).toMatchObject({ ally: 'JPN', direct: true });
    expect(japan.after.net).toBeGreaterThan(japan.before.net);
    expect(japan.causes.map((c) => c.ref)).toEqual(['japan-2pct-2027#1']);
    const moved = japan.lines.filter((l) => l.how === 'value');
    expect(moved.map((l) => l.item)).toContain('defense_effort');
    for (const l of moved) {
      const sum = l.causes.reduce((s, c) => s + c.contribution, 0);
      expect(sum).toBeCloseTo((l.after.contribution ?? 0) - (l.before.contribution ?? 0), 9);
    }
    expect(body.sources.map((s) => s.id)).toContain('blankenship-2025');
  });

  it('says why a scenario moved no line: Japan\'s four-fold host-nation support meets a premium already covered', async () => {
    const { body } = await get<Run & { unmoved: { ally: string; lines: { item: string; raw: number }[]; text: string }[] }>('/api/scenarios/run?names=hns-japan-x4');
    expect(body.diff).toEqual([]);
    expect(body.unmoved).toEqual([expect.objectContaining({ ally: 'JPN', lines: [expect.objectContaining({ item: 'forward_presence_premium', raw: 0 })] })]);
  });

  it('composes scenarios in the order given, and runs them side by side', async () => {
    const composed = await get<Run>('/api/scenarios/run?names=japan-2pct-2027,nato-5pct-2035');
    expect(composed.body.scenario.parts).toEqual(['japan-2pct-2027', 'nato-5pct-2035']);
    expect(composed.body.diff.filter((d) => d.direct).map((d) => d.ally)).toEqual(expect.arrayContaining(['JPN', 'ITA']));
    const each = await get<{ results: Run[]; comparison: { scenarios: { id: string }[]; rows: { ally: string; cells: unknown[] }[] } }>('/api/scenarios/run?names=japan-2pct-2027,japan-1-6pct-2027&compare=each');
    expect(each.body.results.map((r) => r.scenario.id)).toEqual(['japan-2pct-2027', 'japan-1-6pct-2027']);
    expect(each.body.comparison.rows[0].cells).toHaveLength(2);
  });

  it('adds robustness draws on request, and downloads the diff as CSV', async () => {
    const { body } = await get<Run>('/api/scenarios/run?names=japan-2pct-2027&draws=200&seed=3');
    expect(body.robustness?.draws).toBe(200);
    const res = await app.request('/api/scenarios/run?names=japan-2pct-2027&format=csv');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^scenario,year,ally,/);
    expect(lines.some((l) => l.includes('JPN') && l.includes('defense_effort'))).toBe(true);
  });

  it('answers a repeated run from the cache with an ETag', async () => {
    const first = await app.request('/api/scenarios/run?names=yen-shock');
    const again = await app.request('/api/scenarios/run?names=yen-shock', { headers: { 'If-None-Match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('names the field of a bad request', async () => {
    for (const [url, field] of [
      ['/api/scenarios/run?names=no-such', 'names'],
      ['/api/scenarios/run?names=../etc/passwd', 'names'],
      ['/api/scenarios/run?names=yen-shock,yen-shock', 'names'],
      ['/api/scenarios/run', 'names'],
      ['/api/scenarios/run?names=yen-shock&draws=-1', 'draws'],
      ['/api/scenarios/run?names=yen-shock&compare=other', 'compare'],
      ['/api/scenarios/run?names=yen-shock&nmaes=x', 'nmaes'],
    ] as const) {
      const { status, body } = await get<{ field: string }>(url);
      expect({ url, status, field: body.field }).toEqual({ url, status: 400, field });
    }
  });
});

describe('your own scenario', () => {
  const post = async <T = Record<string, unknown>>(body: unknown, query = ''): Promise<{ status: number; body: T }> => {
    const res = await app.request(`/api/scenarios/run${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() as T };
  };

  it('runs a scenario file sent as text, as the built-in of the same text runs', async () => {
    const yaml = (await readFile(path.join(SCENARIOS_DIR, 'japan-2pct-2027.yaml'), 'utf8')).replace('scenario: japan-2pct-2027', 'scenario: my-japan-3pct').replace('target: 2', 'target: 3');
    expect(yaml).toContain('target: 3');
    const { status, body } = await post<Run>({ yaml }, '?draws=300');
    expect(status).toBe(200);
    expect(body.scenario.id).toBe('my-japan-3pct');
    const japan = body.diff.find((d) => d.ally === 'JPN')!;
    expect(japan.direct).toBe(true);
    expect(japan.after.net).toBeGreaterThan(japan.before.net);
    expect(body.robustness?.draws).toBe(300);
    expect(body.sources.map((x) => x.id)).toContain('blankenship-2025');
    // The same text as the built-in gives the built-in's diff.
    const same = await post<Run>({ yaml: await readFile(path.join(SCENARIOS_DIR, 'japan-2pct-2027.yaml'), 'utf8') });
    const builtIn = await get<Run>('/api/scenarios/run?names=japan-2pct-2027');
    expect(same.body.diff).toEqual(builtIn.body.diff);
  });

  it('gives a built-in scenario\'s file to start from', async () => {
    const res = await app.request('/api/scenarios/hns-japan-x4/file');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/yaml/);
    expect(await res.text()).toBe(await readFile(path.join(SCENARIOS_DIR, 'hns-japan-x4.yaml'), 'utf8'));
    expect((await app.request('/api/scenarios/no-such/file')).status).toBe(404);
    expect((await app.request('/api/scenarios/..%2Fpackage/file')).status).toBe(400);
  });

  it('answers a bad file with 400 naming the line and field, and a bad request with the field', async () => {
    const yaml = (await readFile(path.join(SCENARIOS_DIR, 'hns-japan-x4.yaml'), 'utf8')).replace('indicator: hns_local_currency', 'indicator: hns_in_shells');
    const line = yaml.split('\n').findIndex((l) => l.includes('hns_in_shells')) + 1;
    const bad = await post<{ field: string; message: string }>({ yaml });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('yaml.changes.0.indicator');
    expect(bad.body.message).toContain(`your scenario:${line}:`);
    expect(bad.body.message).toContain('hns_in_shells');
    for (const [body, field] of [[{}, 'yaml'], [{ yaml: '' }, 'yaml'], [{ yaml: 'a: [' }, 'yaml'], [{ yaml: 'x', other: 1 }, 'other']] as const) {
      const r = await post<{ field: string }>(body);
      expect({ body, status: r.status, field: r.body.field }).toEqual({ body, status: 400, field });
    }
    expect((await post<{ field: string }>({ yaml: 'scenario: x' }, '?draws=-1')).body.field).toBe('draws');
  });
});

