// The team library on PGlite and on PostgreSQL: editors create, revise and delete the team's
// methodologies and scenarios, viewers read them (JSON and the YAML as written); a stale version
// gets 409 with the current record; a bad file gets 400 naming the line and the field in the
// checkers' own words; every write is in the audit trail with before and after; a team scenario
// runs as a built-in one does; a team methodology gives the team ledgers.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Db } from '../../src/team/db.ts';
import { BACKENDS, leaksNothing, teamApp, teamWithRoles } from './support.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = path.resolve(import.meta.dirname, '../..');
const text = (file: string) => readFile(path.join(ROOT, file), 'utf8');
/** The line (1-based) of the first line of `yaml` containing `needle`. */
const lineOf = (yaml: string, needle: string) => yaml.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe.each(BACKENDS)('team library on $name', (backend) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let app: OpenAPIHono;
  let roles: Awaited<ReturnType<typeof teamWithRoles>>;
  let methodology: string;
  let scenario: string;

  beforeAll(async () => {
    if (backend.skip) return;
    ({ db, cleanup } = await backend.open());
    app = await teamApp(db);
    roles = await teamWithRoles(app, 1);
    methodology = await text('methods/default.yaml');
    scenario = await text('scenarios/japan-2pct-2027.yaml');
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it.skipIf(backend.skip)('creates, lists, reads (JSON and YAML), revises and deletes a methodology; stale versions get 409 with the current record', async () => {
    const { editor, viewer } = roles;
    const made = await editor.call<Obj>('POST', '/api/team/methodologies', { name: 'assets-double', yaml: methodology.replace('balance: { assets: 1, liabilities: 1 }', 'balance: { assets: 2, liabilities: 1 }'), reason: 'assets count twice' });
    expect(made.status, JSON.stringify(made.body).slice(0, 400)).toBe(201);
    expect(made.body).toMatchObject({ kind: 'methodology', name: 'assets-double', version: 1, author: 'editor1', updated_by: 'editor1', title: 'Alliance Ledger default balance sheet of U.S. allies' });
    expect(made.body.summary).toMatchObject({ methodology: 'alliance-ledger-default', version: '2.0.0' });
    expect(made.body.summary.items).toBeGreaterThan(10);

    const again = await editor.call<Obj>('POST', '/api/team/methodologies', { name: 'assets-double', yaml: methodology });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ field: 'name', current: { name: 'assets-double', version: 1 } });
    expect((await viewer.call<Obj>('POST', '/api/team/methodologies', { name: 'mine', yaml: methodology })).status).toBe(403);

    const list = await viewer.call<Obj>('GET', '/api/team/methodologies');
    expect(list.status).toBe(200);
    expect(list.body.methodologies).toEqual([expect.objectContaining({ name: 'assets-double', version: 1 })]);
    expect(list.body.methodologies[0].yaml).toBeUndefined();
    const one = await viewer.call<Obj>('GET', '/api/team/methodologies/assets-double');
    expect(one.body.yaml).toContain('balance: { assets: 2, liabilities: 1 }');
    const yaml = await viewer.call<string>('GET', '/api/team/methodologies/assets-double?format=yaml');
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toMatch(/yaml/);
    expect(yaml.body).toBe(one.body.yaml);

    const revised = await editor.call<Obj>('PUT', '/api/team/methodologies/assets-double', { yaml: methodology.replace('balance: { assets: 1, liabilities: 1 }', 'balance: { assets: 3, liabilities: 1 }'), version: 1, reason: 'three times' });
    expect(revised.status).toBe(200);
    expect(revised.body).toMatchObject({ version: 2, author: 'editor1' });
    const stale = await editor.call<Obj>('PUT', '/api/team/methodologies/assets-double', { yaml: methodology, version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'conflict', field: 'version', current: { version: 2 } });
    expect(stale.body.current.yaml).toContain('assets: 3');
    expect((await editor.call<Obj>('PUT', '/api/team/methodologies/nothing-here', { yaml: methodology, version: 1 })).status).toBe(404);

    // A team methodology gives the team's ledgers (the judgment set published now).
    const ours = await viewer.call<Obj>('GET', '/api/team/ledgers/JPN?year=2024&methodology=assets-double');
    const theirs = await viewer.call<Obj>('GET', '/api/team/ledgers/JPN?year=2024');
    expect(ours.status).toBe(200);
    expect(ours.body.team_methodology).toEqual({ name: 'assets-double', version: 2, methodology: 'alliance-ledger-default 2.0.0' });
    expect(ours.body.net).not.toBe(theirs.body.net);
    // Assets weigh three times as much in the net: Japan's net rises.
    expect(ours.body.net).toBeGreaterThan(theirs.body.net);
    expect((await viewer.call<Obj>('GET', '/api/team/ledgers/JPN?methodology=no-such-one')).status).toBe(404);

    const delStale = await editor.call<Obj>('DELETE', '/api/team/methodologies/assets-double', { version: 1 });
    expect(delStale.status).toBe(409);
    expect(delStale.body.current.version).toBe(2);
    expect((await viewer.call<Obj>('DELETE', '/api/team/methodologies/assets-double', { version: 2 })).status).toBe(403);
    const deleted = await editor.call<Obj>('DELETE', '/api/team/methodologies/assets-double', { version: 2, reason: 'not needed' });
    expect(deleted.status).toBe(200);
    expect((await viewer.call<Obj>('GET', '/api/team/methodologies/assets-double')).status).toBe(404);

    // Every write in the audit trail, with before and after and the reason.
    const audit = await viewer.call<Obj>('GET', '/api/team/audit?entity=methodology&entity_id=assets-double');
    const entries = [...audit.body.entries].reverse();
    expect(entries.map((e: Obj) => [e.action, e.actor, e.reason])).toEqual([['create', 'editor1', 'assets count twice'], ['update', 'editor1', 'three times'], ['delete', 'editor1', 'not needed']]);
    expect(entries[0].before).toBeNull();
    expect(entries[0].after).toMatchObject({ version: 1 });
    expect(entries[1].before.yaml).toContain('assets: 2');
    expect(entries[1].after.yaml).toContain('assets: 3');
    expect(entries[2].before).toMatchObject({ version: 2 });
    expect(entries[2].after).toBeNull();
    // Nothing of a refused write reached the database.
    const rows = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM team_audit WHERE entity = \'methodology\'');
    expect(Number(rows[0].n)).toBe(3);
  });

  it.skipIf(backend.skip)('refuses a bad methodology or scenario with 400 naming the line and the field, in the checkers\' words', async () => {
    const { editor } = roles;
    const badIndicator = methodology.replace('measure: { op: latest, indicator: milex_share_gdp }', 'measure: { op: latest, indicator: milex_share_gdpp }');
    const r1 = await editor.call<Obj>('POST', '/api/team/methodologies', { name: 'bad-one', yaml: badIndicator });
    expect(r1.status).toBe(400);
    expect(r1.body.message).toMatch(/unknown indicator "milex_share_gdpp"/);
    expect(r1.body.line).toBe(lineOf(badIndicator, 'milex_share_gdpp'));
    expect(r1.body.message).toContain(`line ${r1.body.line}`);
    expect(r1.body.field).toMatch(/^yaml\.items\.\d+\.measure/);
    expect(leaksNothing(r1.body)).toBe(true);

    const badWeight = methodology.replace('balance: { assets: 1, liabilities: 1 }', 'balance: { assets: -1, liabilities: 1 }');
    const r2 = await editor.call<Obj>('POST', '/api/team/methodologies', { name: 'bad-two', yaml: badWeight });
    expect(r2.status).toBe(400);
    expect(r2.body.field).toBe('yaml.balance.assets');
    expect(r2.body.line).toBe(lineOf(badWeight, 'balance:'));

    const badScenario = scenario.replace('indicator: milex_share_gdp', 'indicator: milex_share_gpd');
    const r3 = await editor.call<Obj>('POST', '/api/team/scenarios', { name: 'bad-scenario', yaml: badScenario });
    expect(r3.status).toBe(400);
    expect(r3.body.field).toBe('yaml.changes.0.indicator');
    expect(r3.body.line).toBe(lineOf(badScenario, 'milex_share_gpd'));
    expect(r3.body.message).toMatch(/unknown indicator "milex_share_gpd"/);

    const r4 = await editor.call<Obj>('POST', '/api/team/scenarios', { name: 'bad-horizon', yaml: scenario.replace('horizon: 2027', 'horizon: 1999') });
    expect(r4.status).toBe(400);
    expect(r4.body.field).toBe('yaml.horizon');
    expect(r4.body.message).toMatch(/before the data/);
    const r5 = await editor.call<Obj>('POST', '/api/team/scenarios', { name: 'Bad Name', yaml: scenario });
    expect(r5.status).toBe(400);
    expect(r5.body.field).toBe('name');
    for (const name of ['bad-one', 'bad-two', 'bad-scenario', 'bad-horizon']) {
      expect((await roles.viewer.call<Obj>('GET', `/api/team/${name.includes('scen') || name.includes('horizon') ? 'scenarios' : 'methodologies'}/${name}`)).status).toBe(404);
    }
  });

  it.skipIf(backend.skip)('runs a team scenario with the result of the built-in scenario runs, and audits scenario writes', async () => {
    const { editor, viewer } = roles;
    const made = await editor.call<Obj>('POST', '/api/team/scenarios', { name: 'japan-2pct', yaml: scenario, reason: 'the NSS target' });
    expect(made.status, JSON.stringify(made.body).slice(0, 400)).toBe(201);
    expect(made.body.summary).toMatchObject({ scenario: 'japan-2pct-2027', horizon: 2027, changes: 1, kinds: ['path'] });

    const run = await viewer.call<Obj>('GET', '/api/team/scenarios/japan-2pct/run?draws=200&seed=7');
    expect(run.status, JSON.stringify(run.body).slice(0, 400)).toBe(200);
    expect(run.body).toMatchObject({ compare: 'baseline', team_scenario: { name: 'japan-2pct', version: 1 }, judgment_set: 1 });
    const builtIn = await viewer.call<Obj>('GET', '/api/scenarios/run?names=japan-2pct-2027&draws=200&seed=7');
    expect(builtIn.status).toBe(200);
    const { team_scenario: _t, judgment_set: _j, ...same } = run.body;
    expect(Object.keys(same).sort()).toEqual(Object.keys(builtIn.body).sort());
    expect(same.diff).toEqual(builtIn.body.diff);
    expect(same.diff.some((d: Obj) => d.ally === 'JPN')).toBe(true);
    expect((await viewer.call<Obj>('GET', '/api/team/scenarios/nothing/run')).status).toBe(404);

    const revised = await editor.call<Obj>('PUT', '/api/team/scenarios/japan-2pct', { yaml: scenario.replace('target: 2.0', 'target: 1.8'), version: 1 });
    expect(revised.status).toBe(200);
    expect((await editor.call<Obj>('PUT', '/api/team/scenarios/japan-2pct', { yaml: scenario, version: 1 })).status).toBe(409);
    const runs = await viewer.call<Obj>('GET', '/api/team/scenarios/japan-2pct/run');
    expect(runs.body.team_scenario.version).toBe(2);
    expect(runs.body.diff).not.toEqual(builtIn.body.diff);

    const audit = await viewer.call<Obj>('GET', '/api/team/audit?entity=scenario&entity_id=japan-2pct');
    expect(audit.body.entries.map((e: Obj) => e.action)).toEqual(['update', 'create']);
    expect(audit.body.entries[0].before.yaml).toContain('target: 2.0');
    expect(audit.body.entries[0].after.yaml).toContain('target: 1.8');
  });
});
