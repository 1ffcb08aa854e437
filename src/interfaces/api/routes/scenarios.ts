// What-if scenarios over HTTP: the built-in scenarios (scenarios/*.yaml) listed and shown
// with their sources and the reason of every change, and run alone, composed, or side by
// side, each run diffed against the baseline with the change that moved every line. Built-in
// scenarios run by name (never a path: the server reads no file a client names); a client's
// own scenario runs from the text it sends (POST), checked as the CLI checks a file.
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { orderChanges } from '../../../scenarios/apply.ts';
import { readFile } from 'node:fs/promises';
import { builtInScenarioFiles, checkScenario, readScenario, scenarioFileOf } from '../../../scenarios/load.ts';
import type { Scenario, ScenarioContext } from '../../../scenarios/load.ts';
import type { ApiContext } from '../context.ts';
import { wholeNumber } from '../params.ts';
import { MAX_SCENARIO_DRAWS } from '../heavy-jobs.ts';
import type { PublicScenarioResult } from '../heavy-jobs.ts';
import { heavyWork } from '../heavy-work.ts';
import type { LedgerService } from '../ledger-service.ts';
import { ApiProblem, invalidField, notFound } from '../problem.ts';
import { FormatParam, assertFormat, cachedResponse, representJson, representTable, requestedFormat } from '../representation.ts';
import type { CacheScope } from '../representation.ts';
import { bodyResponses, jsonOrCsvResponses, jsonResponses, problemResponses, serveRoute, tableResponses, unavailableResponse, validParams, validQuery } from '../route-kit.ts';

const TAG = 'Scenarios';
const MAX_COMPOSED = 6;
/** Robustness draws of one run (in the heavy-work queue, one thread): every draw still paired. */
const MAX_DRAWS = MAX_SCENARIO_DRAWS;

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const NameParams = z.object({ name: z.string().regex(NAME, 'a built-in scenario name such as hns-japan-x4 (see /api/scenarios)').openapi({ param: { name: 'name', in: 'path' }, example: 'hns-japan-x4' }) });
const ShowQuery = z.object({ format: z.enum(['json']).optional() }).strict();
const RunQuery = z.object({
  names: z.string().regex(/^[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*$/, 'built-in scenario names, comma-separated (e.g. hns-japan-x4,yen-shock)')
    .openapi({ description: `built-in scenarios (at most ${MAX_COMPOSED}); several are composed in the order given (src/scenarios/compose.ts), or run side by side with compare=each`, example: 'hns-japan-x4' }),
  compare: z.enum(['baseline', 'each']).optional().openapi({ description: 'baseline (default): the composition against the baseline projection; each: every scenario on its own against the baseline, side by side' }),
  draws: wholeNumber('a whole number of draws', 0, MAX_DRAWS).optional()
    .openapi({ description: `robustness draws on both ledgers, paired draw by draw (default 0: none; the dashboard asks for 10,000; at most ${MAX_DRAWS.toLocaleString('en-US')}: more is a 400). Runs in the server's bounded heavy-work queue; a full queue answers 503 with Retry-After` }),
  seed: wholeNumber('a whole-number seed', 0, 2 ** 31 - 1).optional(),
  format: FormatParam,
}).strict();

const Loose = z.record(z.string(), z.unknown());

/** The largest scenario text accepted (the built-in files are under 5 KB). */
const MAX_SCENARIO_BYTES = 100_000;
const RunTextQuery = RunQuery.pick({ draws: true, seed: true });
const RunTextBody = z.object({
  yaml: z.string().min(1, 'the scenario file\'s text (YAML)').max(MAX_SCENARIO_BYTES, `at most ${MAX_SCENARIO_BYTES.toLocaleString('en-US')} characters`)
    .openapi({ description: 'a scenario file\'s text, in the format of scenarios/README.md' }),
}).strict();

/** The diff as a table: one row per ally and moved line item, with the change that moved it. */
export function diffRows(r: PublicScenarioResult) {
  return r.diff.flatMap((d) => d.lines.map((l) => ({
    scenario: r.scenario.id, year: r.year, ally: d.ally, name: d.name, rank_before: d.before.rank, rank_after: d.after.rank,
    net_before: d.before.net, net_after: d.after.net, side: l.side, item: l.item, label: l.label, unit: l.unit, how: l.how,
    raw_before: l.before.raw, raw_after: l.after.raw, score_before: l.before.score, score_after: l.after.score,
    points_change: (l.after.contribution ?? 0) - (l.before.contribution ?? 0),
    causes: l.causes.map((c) => `${c.ref} ${c.label}: ${c.contribution >= 0 ? '+' : ''}${c.contribution.toFixed(3)}`),
  })));
}

export function registerScenarioRoutes(app: OpenAPIHono, ctx: ApiContext, engine: LedgerService | string): void {
  const service = (): LedgerService => {
    if (typeof engine === 'string') throw new ApiProblem(503, { error: 'unavailable', message: `scenarios need the balance sheets, which are not available: ${engine}` });
    return engine;
  };
  const scope = (): CacheScope => ({ cache: ctx.cache, version: `${ctx.evidenceVersion}.${service().version}.scenarios` });
  const context = (s: LedgerService): ScenarioContext => ({ evidence: ctx.evidence, methodology: s.methodology, judgments: s.judgments, present: s.years.latest });

  let names: Promise<string[]> | null = null;
  const builtIn = (): Promise<string[]> => {
    names ??= builtInScenarioFiles().then((files) => files.map((f) => f.name));
    names.catch(() => { names = null; });
    return names;
  };
  const checked = new Map<string, Promise<Scenario>>();
  /** A built-in scenario checked against the evidence and the methodology; an unknown name is the client's error. */
  const scenario = async (name: string, field: string, s: LedgerService): Promise<Scenario> => {
    const known = await builtIn();
    if (!known.includes(name)) {
      const message = `"${name}" is not a built-in scenario; scenarios: ${known.join(', ')}`;
      throw field === 'name' ? notFound(message, field) : invalidField(field, message);
    }
    let pending = checked.get(name);
    if (!pending) {
      pending = readScenario(name).then((located) => checkScenario(located, context(s)));
      checked.set(name, pending);
      pending.catch(() => checked.delete(name));
    }
    return pending;
  };

  serveRoute(app, createRoute({
    method: 'get', path: '/api/scenarios', operationId: 'listScenarios', tags: [TAG], summary: 'The built-in scenarios',
    description: 'Every built-in scenario: name, title, horizon, description, the kinds of change it makes, and its sources. CSV: one row per scenario.',
    request: { query: z.object({ format: FormatParam }).strict() },
    responses: { ...tableResponses(Loose, 'Scenarios'), ...unavailableResponse },
  }), (c) => {
    const s = service();
    return cachedResponse(c, scope(), async () => {
      const list = await Promise.all((await builtIn()).map((name) => scenario(name, 'name', s)));
      const rows = list.map((x) => ({
        name: x.id, title: x.title, horizon: x.horizon, description: x.description, changes: x.changes.length,
        kinds: [...new Set(x.changes.map((ch) => ch.spec.kind))], sources: x.sources,
      }));
      if (requestedFormat(c) === 'csv') {
        return representTable({ name: 'scenarios', columns: ['name', 'title', 'horizon', 'changes', 'kinds', 'sources', 'description'], rows: rows.map((r) => ({ ...r, sources: r.sources.map((x) => `${x.source} (${x.locator})`) })) }, 'csv');
      }
      const cited = new Set(list.flatMap((x) => x.sources.map((y) => y.source)));
      return representJson({ present: s.years.latest, count: rows.length, rows, sources: ctx.evidence.sources.filter((x) => cited.has(x.id)) });
    });
  });

  // Registered before /api/scenarios/{name}, so "run" is never taken for a scenario's name.
  serveRoute(app, createRoute({
    method: 'get', path: '/api/scenarios/run', operationId: 'runScenarios', tags: [TAG], summary: 'Run scenarios and diff the ledgers against the baseline',
    description: 'Runs one scenario, or several composed into one (compare=baseline), or each on its own side by side (compare=each), at the horizon, and diffs every ally\'s ledger against the baseline projection: which line items moved for which ally, by how much, and which change moved them (sequential attribution: the causes of a line add up to its movement); rank changes; with draws, the robustness of both rankings, and the two runs paired draw by draw (robustness.paired: how often each directly hit ally\'s net rose and its rank improved; robustness.unpaired says why not, when they cannot be paired). Deterministic. CSV: one row per ally and moved line.',
    request: { query: RunQuery },
    responses: { ...jsonOrCsvResponses(Loose, 'The run: the scenario, its changes with their effects, the diff and the rank changes', 'one row per ally and moved line'), ...unavailableResponse },
  }), async (c) => {
    const s = service();
    const q = validQuery(c, RunQuery);
    const list = q.names.split(',');
    if (new Set(list).size !== list.length) throw invalidField('names', 'a scenario is named twice; compose each scenario once');
    if (list.length > MAX_COMPOSED) throw invalidField('names', `at most ${MAX_COMPOSED} scenarios at once (given ${list.length})`);
    // Checked here (an unknown name is a 400 before anything is queued); run in a worker thread.
    await Promise.all(list.map((n) => scenario(n, 'names', s)));
    return cachedResponse(c, scope(), async () => {
      const compare = q.compare ?? 'baseline';
      const run = await heavyWork(s).run({ kind: 'scenario-run', names: list, compare, draws: q.draws ?? 0, ...(q.draws && q.seed !== undefined ? { seed: q.seed } : {}) }, c.req.raw.signal);
      const results = run.results;
      if (requestedFormat(c) === 'csv') {
        const rows = results.flatMap(diffRows);
        return representTable({ name: `scenario-${list.join('+')}`, columns: Object.keys(rows[0] ?? { scenario: '' }), rows }, 'csv');
      }
      const cited = new Set(results.flatMap((r) => [...r.scenario.sources.map((x) => x.source), ...r.changes.flatMap((ch) => ch.citations.map((x) => x.source))]));
      const sources = ctx.evidence.sources.filter((x) => cited.has(x.id));
      if (compare === 'each') return representJson({ compare: 'each', results, comparison: run.comparison, sources });
      return representJson({ compare: 'baseline', ...results[0], conflicts: run.conflicts, sources });
    });
  });

  serveRoute(app, createRoute({
    method: 'post', path: '/api/scenarios/run', operationId: 'runScenarioFile', tags: [TAG], summary: 'Run your own scenario',
    description: 'Runs the scenario file sent in the body (its YAML text) against the baseline, as GET /api/scenarios/run runs a built-in one: the same checks as the CLI (an unknown indicator, ally, source or field, a horizon before the data, a malformed path: 400 naming the line and field), the same diff with causes, and with draws the robustness of both rankings, paired draw by draw. Nothing is stored.',
    request: { query: RunTextQuery, body: { content: { 'application/json': { schema: RunTextBody } }, required: true } },
    responses: { ...jsonResponses(Loose, 'The run: the diff against the baseline, rank changes, robustness'), ...bodyResponses, ...unavailableResponse },
  }), async (c) => {
    const s = service();
    const q = validQuery(c, RunTextQuery);
    const { yaml } = (c.req as unknown as { valid: (t: string) => unknown }).valid('json') as z.output<typeof RunTextBody>;
    // Parsed and checked in the worker thread, off the event loop (a bad file: 400 naming the line and field).
    const run = await heavyWork(s).run({ kind: 'scenario-text', yaml, draws: q.draws ?? 0, ...(q.draws && q.seed !== undefined ? { seed: q.seed } : {}) }, c.req.raw.signal);
    const result = run.results[0];
    const cited = new Set([...result.scenario.sources.map((x) => x.source), ...result.changes.flatMap((ch) => ch.citations.map((x) => x.source))]);
    return c.json({ compare: 'baseline', ...result, conflicts: [], sources: ctx.evidence.sources.filter((x) => cited.has(x.id)) });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/scenarios/{name}/file', operationId: 'getScenarioFile', tags: [TAG], summary: 'A built-in scenario\'s file',
    description: 'The YAML file of a built-in scenario, verbatim: a start for a scenario of your own (POST /api/scenarios/run).',
    request: { params: NameParams },
    responses: { 200: { description: 'The scenario file', content: { 'text/yaml': { schema: z.string() } } }, ...problemResponses },
  }), async (c) => {
    const { name } = validParams(c, NameParams);
    if (!(await builtIn()).includes(name)) throw notFound(`"${name}" is not a built-in scenario; scenarios: ${(await builtIn()).join(', ')}`, 'name');
    return c.body(await readFile(scenarioFileOf(name), 'utf8'), 200, { 'content-type': 'text/yaml; charset=utf-8' });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/scenarios/{name}', operationId: 'getScenario', tags: [TAG], summary: 'One scenario as written',
    description: 'The scenario checked against the evidence and the methodology: description, horizon, sources, and every change in the order applied with its rationale, citations and the countries and line items it touches.',
    request: { params: NameParams, query: ShowQuery },
    responses: { ...jsonResponses(Loose, 'The scenario'), ...unavailableResponse },
  }), async (c) => {
    const s = service();
    const { name } = validParams(c, NameParams);
    assertFormat(validQuery(c, ShowQuery).format, ['json']);
    const x = await scenario(name, 'name', s);
    return cachedResponse(c, scope(), () => {
      const cited = new Set([...x.sources.map((y) => y.source), ...x.changes.flatMap((ch) => ch.spec.citations.map((y) => y.source))]);
      return representJson({
        name: x.id, title: x.title, description: x.description, horizon: x.horizon, present: s.years.latest, sources: x.sources,
        changes: orderChanges(x.changes).map((ch) => ({ ref: ch.ref, label: ch.label, kind: ch.spec.kind, countries: ch.countries, items: ch.items, rationale: ch.spec.rationale.trim(), citations: ch.spec.citations })),
        cited: ctx.evidence.sources.filter((y) => cited.has(y.id)),
      });
    });
  });
}
