// Issue 15's mutation run, fast version: a third of the ~380 mutated methodology, judgments
// and scenario files (test/support/mutations.ts; each file unchanged) through the CLI's run(),
// and the scenario ones through POST /api/scenarios/run. Fails on any accepted nonsense,
// rejected control, message without file and line, or stack trace / 5xx. The full run with
// its summary: npx tsx bench/mutations.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp } from '../../src/interfaces/api/app.ts';
import { MAX_BODY_BYTES } from '../../src/interfaces/api/body-limit.ts';
import { run } from '../../src/interfaces/cli/main.ts';
import { testEvidenceDir } from '../api/support.ts';
import { mutations, tally, throughApi, throughCli } from '../support/mutations.ts';
import type { Mutation, Outcome } from '../support/mutations.ts';

const ALL = mutations();
/** Every third mutation, and each file unchanged (each kind of each file is among them). */
const FAST = ALL.filter((m, i) => i % 3 === 0 || (m.kind === 'control' && m.label === 'unchanged'));

let dir: string;
let app: OpenAPIHono;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allies-mutations-'));
  app = await createApp({ evidenceDir: await testEvidenceDir(), dashboardDir: null });
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mutated methodology, judgments and scenario files', () => {
  it('cover every kind of nonsense for each file, with controls that must load', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(300);
    for (const target of ['methodology', 'judgments', 'scenario'] as const) {
      const kinds = new Set(ALL.filter((m) => m.target === target).map((m) => m.kind));
      expect([...kinds].sort()).toEqual(['control', 'deleted', 'file', 'nesting', 'number', 'type', 'unknown', 'yaml']);
    }
    expect(FAST.length).toBeGreaterThan(120);
    for (const target of ['methodology', 'judgments', 'scenario'] as const) {
      expect(new Set(FAST.filter((m) => m.target === target).map((m) => m.kind)).size).toBe(8);
    }
  });

  it('through the CLI: no nonsense accepted, every rejection names the file and the line, no stack trace', async () => {
    const results: { mutation: Mutation; outcome: Outcome; message: string }[] = [];
    for (const m of FAST) {
      const file = path.join(dir, `${m.id}.yaml`);
      await writeFile(file, m.content);
      results.push({ mutation: m, ...(await throughCli(run, m.target, file)) });
    }
    const t = tally(results);
    expect(t.acceptedNonsense).toEqual([]);
    expect(t.rejectedControls).toEqual([]);
    expect(t.unlocated).toEqual([]);
    expect(t.crashed).toEqual([]);
    expect(t.located).toBe(FAST.filter((m) => m.expect === 'reject').length);
  }, 90_000);

  it('scenarios through the API: 400 naming the line and field, never a 5xx', async () => {
    const results: { mutation: Mutation; outcome: Outcome; message: string }[] = [];
    for (const m of FAST.filter((x) => x.target === 'scenario')) results.push({ mutation: m, ...(await throughApi(app, m.content)) });
    const t = tally(results);
    expect(t.acceptedNonsense).toEqual([]);
    expect(t.rejectedControls).toEqual([]);
    expect(t.unlocated).toEqual([]);
    expect(t.crashed).toEqual([]);
  }, 60_000);

  it('a YAML bomb and an undefined alias posted to the API are 400s naming the line, not 500s', async () => {
    const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`)].join('\n');
    for (const [yaml, line] of [[`scenario: x\n${bomb}\n`, /your scenario:6: field "a4.0": aliases expand the file by more than 10,000 nodes/], ['scenario: x\nx: *nope\n', /your scenario:2: field "x": the alias \*nope names no anchor/]] as const) {
      const res = await app.request('/api/scenarios/run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ yaml }) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(line);
    }
  });

  it('a body over the limit is refused with 413 before it is read', async () => {
    const res = await app.request('/api/scenarios/run', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(MAX_BODY_BYTES + 1) },
      body: 'x'.repeat(MAX_BODY_BYTES + 1),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { message: string }).message).toContain('1,000,000 bytes');
  });
});
