// Heavy work off the request thread: while a 1,000,000-draw robustness run computes in the
// heavy-work queue, cached ledgers still answer in milliseconds; the queue has a limit (503 with
// Retry-After beyond it); a request whose client went away leaves the queue or stops its
// thread; an equal seeded job is answered from the memo; draws above the caps are a 400 naming
// `draws`. One heavy thread and a queue of 2, so the limits are reached with few requests.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { loadEvidence } from '../../src/evidence/load.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { MAX_ROBUSTNESS_DRAWS, MAX_SCENARIO_DRAWS, MAX_TIER_DRAWS } from '../../src/interfaces/api/heavy-jobs.ts';
import { HeavyWork } from '../../src/interfaces/api/heavy-work.ts';
import type { HeavyWorkStats } from '../../src/interfaces/api/heavy-work.ts';
import { testEvidenceDir } from './support.ts';

let app: OpenAPIHono;
let heavy: HeavyWork;

const engineFiles = { methodologyFile: process.env.ALLIES_METHODOLOGY || undefined, judgmentsFile: process.env.ALLIES_JUDGMENTS || undefined };

beforeAll(async () => {
  const evidenceDir = await testEvidenceDir();
  const evidence = await loadEvidence(evidenceDir);
  heavy = new HeavyWork({ evidenceDir, engine: engineFiles, threads: 1, queueLimit: 2 });
  app = await createApp({ evidenceDir, evidence, dashboardDir: null, heavy });
  // Boot the heavy thread (it loads its own evidence) and cache the ledger the test reads.
  expect((await app.request('/api/robustness?draws=100&seed=1')).status).toBe(200);
  expect((await app.request('/api/ledgers/JPN')).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await heavy?.close();
});

/** A request the test can abort, as a client that goes away. */
function startHeavy(url: string): { response: Promise<Response>; abort: () => void } {
  const controller = new AbortController();
  return { response: Promise.resolve(app.request(new Request(`http://localhost${url}`, { signal: controller.signal }))), abort: () => controller.abort() };
}

async function until(what: string, check: (s: HeavyWorkStats) => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check(heavy.stats())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(heavy.stats())}`);
    await new Promise((ok) => setTimeout(ok, 10));
  }
}

describe('the heavy-work queue', () => {
  // Retried because a test file computing beside this one (2 cores) can deschedule the process for
  // 100 ms; heavy work on the event loop would fail every attempt (a 1,000,000-draw run blocks it for 20 s).
  it('keeps 100 cached ledger requests under 100 ms each while a 1,000,000-draw robustness run computes (real server on 127.0.0.1)', { timeout: 30_000, retry: 2 }, async () => {
    await until('an idle queue', (s) => s.running === 0 && s.queued === 0);
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((ok) => server.once('listening', ok));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The first fetch of a process loads the HTTP client: not the server's time.
    expect((await fetch(`${base}/api/ledgers/JPN`)).status).toBe(200);
    const before = heavy.stats();
    const client = new AbortController();
    const run = { response: fetch(`${base}/api/robustness?draws=${MAX_ROBUSTNESS_DRAWS}&seed=5`, { signal: client.signal }).catch((e: Error) => e.name), abort: () => client.abort() };
    await until('the run to start', (s) => s.started === before.started + 1);
    const times: number[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        const res = await fetch(`${base}/api/ledgers/JPN`);
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        times.push(performance.now() - t);
      }
      // The run was computing throughout: it neither finished nor failed meanwhile.
      expect(heavy.stats()).toMatchObject({ running: 1, completed: before.completed });
      expect(times.filter((ms) => ms >= 100)).toEqual([]);
    } finally {
      // The client goes away (the connection closes): the thread is stopped (and replaced).
      run.abort();
      server.close();
    }
    await until('the run to stop', (s) => s.stopped === before.stopped + 1 && s.running === 0);
    expect(await run.response).toBe('AbortError');
  });

  it('answers 503 with Retry-After beyond the queue limit, and drops a queued job whose client went away', async () => {
    await until('an idle queue', (s) => s.running === 0 && s.queued === 0);
    const before = heavy.stats();
    const running = startHeavy('/api/robustness?draws=1000000&seed=11');
    await until('the first run to start', (s) => s.running === 1);
    const queued = [startHeavy('/api/robustness?draws=1000000&seed=12'), startHeavy('/api/tiers?draws=5000&tiers=3')];
    await until('two jobs queued', (s) => s.queued === 2);
    const refused = await app.request('/api/robustness?draws=1000000&seed=13');
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: 'unavailable', message: expect.stringMatching(/busy/) });
    expect(heavy.stats().refused).toBe(before.refused + 1);

    queued[0].abort();
    await until('the aborted job to leave the queue', (s) => s.dropped === before.dropped + 1 && s.queued === 1);
    expect((await queued[0].response).status).toBe(503);
    // Room again: one more may wait.
    const again = startHeavy('/api/robustness?draws=1000000&seed=14');
    await until('the new job queued', (s) => s.queued === 2);
    // The queued ones first: aborting the running one first would start the next.
    for (const r of [again, queued[1], running]) r.abort();
    await until('everything cancelled', (s) => s.running === 0 && s.queued === 0);
    expect(heavy.stats().started).toBe(before.started + 1);
  }, 30_000);

  it('answers a seeded repeat from the memo, for POSTed scenarios too', async () => {
    await until('an idle queue', (s) => s.running === 0 && s.queued === 0);
    const yaml = await (await app.request('/api/scenarios/hns-japan-x4/file')).text();
    const post = () => app.request('/api/scenarios/run?draws=500&seed=3', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ yaml }) });
    const first = await post();
    expect(first.status).toBe(200);
    const a = await first.text();
    const before = heavy.stats();
    const second = await post();
    expect(await second.text()).toBe(a);
    expect(heavy.stats()).toMatchObject({ started: before.started, shared: before.shared + 1 });
    // Same run, another representation: the response cache misses, the memo does not.
    const json = await app.request('/api/robustness?draws=700&seed=9');
    const csv = await app.request('/api/robustness?draws=700&seed=9&format=csv');
    expect([json.status, csv.status]).toEqual([200, 200]);
    expect(heavy.stats()).toMatchObject({ started: before.started + 1, shared: before.shared + 2 });
  }, 60_000);

  it('refuses draws above the stated caps with 400 naming draws, and states the caps in the API description', async () => {
    for (const url of [
      `/api/robustness?draws=${MAX_ROBUSTNESS_DRAWS + 1}`,
      `/api/scenarios/run?names=yen-shock&draws=${MAX_SCENARIO_DRAWS + 1}`,
      `/api/tiers?draws=${MAX_TIER_DRAWS + 1}`,
    ]) {
      const res = await app.request(url);
      expect({ url, status: res.status, field: ((await res.json()) as { field?: string }).field }).toEqual({ url, status: 400, field: 'draws' });
    }
    const posted = await app.request(`/api/scenarios/run?draws=${MAX_SCENARIO_DRAWS + 1}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ yaml: 'x' }) });
    expect([posted.status, ((await posted.json()) as { field?: string }).field]).toEqual([400, 'draws']);
    const doc = await (await app.request('/openapi.json')).json() as { paths: Record<string, Record<string, { parameters?: { name: string; schema: { maximum?: number }; description?: string }[] }>> };
    const draws = (path: string, method = 'get') => doc.paths[path][method].parameters!.find((p) => p.name === 'draws')!;
    expect(draws('/api/robustness').schema.maximum).toBe(MAX_ROBUSTNESS_DRAWS);
    expect(draws('/api/scenarios/run').schema.maximum).toBe(MAX_SCENARIO_DRAWS);
    expect(draws('/api/scenarios/run', 'post').schema.maximum).toBe(MAX_SCENARIO_DRAWS);
    expect(draws('/api/tiers').schema.maximum).toBe(MAX_TIER_DRAWS);
    expect(draws('/api/robustness').description).toMatch(/at most 1,000,000/);
  });
});
