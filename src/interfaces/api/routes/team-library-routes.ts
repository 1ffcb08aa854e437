// The team's own methodologies and scenarios (issue 14, items 1 and 5): editors create, revise
// and delete them, viewers read them (JSON, or the YAML text as written); each is checked by the
// project's own checkers (400 naming the line and field), versioned (a stale version: 409 with
// the current record) and audited (before and after, in the same transaction). A team scenario
// runs as a built-in one does (GET /api/team/scenarios/{name}/run: the result of POST
// /api/scenarios/run), with the judgment set published now; a team methodology gives the
// ledgers of /api/team/ledgers/{ally}?methodology=name.
import { z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { LIBRARY_KINDS, LIBRARY_NAME, MAX_LIBRARY_TEXT, PLURAL, TeamLibrary } from '../../../team/library.ts';
import type { TeamService } from '../../../team/service.ts';
import { MAX_SCENARIO_DRAWS } from '../heavy-jobs.ts';
import { heavyWork } from '../heavy-work.ts';
import { activeJudgmentSet } from '../judgment-scope.ts';
import type { LedgerService } from '../ledger-service.ts';
import { Reason, Version, actorOf, readJson, readParams, readQuery, teamRoute } from './team-kit.ts';

const libraries = new WeakMap<TeamService, TeamLibrary>();

/** The team's library on its database (one per team service). */
export function libraryOf(team: TeamService, engine: LedgerService): TeamLibrary {
  let lib = libraries.get(team);
  if (!lib) {
    lib = new TeamLibrary(team.store.db, engine.evidence, () => ({ evidence: engine.evidence, methodology: engine.methodology, judgments: engine.judgments, present: engine.years.latest }));
    libraries.set(team, lib);
  }
  return lib;
}

const NameParam = z.object({
  name: z.string().regex(LIBRARY_NAME, 'lower-case letters, digits and dashes (1 to 80), starting with a letter or digit').openapi({ param: { name: 'name', in: 'path' }, example: 'my-method' }),
});

const Summary = z.object({
  kind: z.enum(LIBRARY_KINDS), name: z.string(), title: z.string(), version: z.number().int(),
  summary: z.record(z.string(), z.unknown()).describe('what the checked file says of itself (methodology: id, version, line items; scenario: id, horizon, changes)'),
  author: z.string().nullable().describe('who created it'), updated_by: z.string().nullable().describe('who wrote this version'),
  created_at: z.string(), updated_at: z.string(),
}).openapi('TeamLibrarySummary');
const RecordSchema = Summary.extend({ yaml: z.string().describe('the text as written') }).openapi('TeamLibraryRecord');

export async function registerTeamLibraryRoutes(app: OpenAPIHono, engine: LedgerService, team: TeamService): Promise<void> {
  const library = libraryOf(team, engine);

  for (const kind of LIBRARY_KINDS) {
    const plural = PLURAL[kind];
    const what = kind === 'methodology' ? 'methodology (the format of methods/default.yaml)' : 'scenario (the format of scenarios/*.yaml)';
    const checks = kind === 'methodology'
      ? 'checked as `allies sheet --method FILE` checks a file: the schema, then every indicator, country, table, source and judgment it names against the evidence'
      : 'checked as `allies scenario run FILE` checks a file: the schema, then every indicator, ally, source, line item and judgment it names, and its horizon, against the evidence, the methodology and the judgment set published now';
    const Yaml = z.string().min(1).max(MAX_LIBRARY_TEXT[kind]).openapi({ description: `the ${what} as YAML text` });

    teamRoute(app, {
      method: 'get', path: `/api/team/${plural}`, role: 'viewer', summary: `The team's ${plural}`,
      response: z.object({ [plural]: z.array(Summary) }),
    }, async (c) => c.json({ [plural]: await library.list(kind) }));

    teamRoute(app, {
      method: 'post', path: `/api/team/${plural}`, role: 'editor', summary: `Add a ${kind} to the team's library`, status: 201,
      description: `A ${what}, ${checks}; a problem is a 400 naming the line and the field. A name already taken: 409 with the record as it is.`,
      body: z.object({ name: NameParam.shape.name, yaml: Yaml, reason: Reason }).strict(),
      response: RecordSchema,
    }, async (c) => {
      const b = readJson<{ name: string; yaml: string; reason?: string }>(c);
      return c.json(await library.create(actorOf(c), kind, b), 201);
    });

    teamRoute(app, {
      method: 'get', path: `/api/team/${plural}/{name}`, role: 'viewer', summary: `One ${kind} of the team (format=yaml: the text as written)`,
      params: NameParam, query: z.object({ format: z.enum(['json', 'yaml']).optional() }).strict(), response: RecordSchema,
    }, async (c) => {
      const record = await library.require(kind, readParams<{ name: string }>(c).name);
      if (readQuery<{ format?: string }>(c).format === 'yaml') {
        return c.body(record.yaml, 200, { 'Content-Type': 'application/yaml; charset=utf-8', 'Content-Disposition': `attachment; filename="${record.name}.yaml"` });
      }
      return c.json(record);
    });

    teamRoute(app, {
      method: 'put', path: `/api/team/${plural}/{name}`, role: 'editor', summary: `Revise a ${kind} of the team`,
      description: `The new text, ${checks}, and the version you last saw: a stale one gets 409 with the current record, never a silent overwrite.`,
      params: NameParam, body: z.object({ yaml: Yaml, version: Version, reason: Reason }).strict(), response: RecordSchema,
    }, async (c) => {
      const b = readJson<{ yaml: string; version: number; reason?: string }>(c);
      return c.json(await library.revise(actorOf(c), kind, readParams<{ name: string }>(c).name, b));
    });

    teamRoute(app, {
      method: 'delete', path: `/api/team/${plural}/{name}`, role: 'editor', summary: `Delete a ${kind} of the team`,
      description: 'With the version you last saw (a stale one: 409 with the current record). The audit trail keeps the text as it was.',
      params: NameParam, body: z.object({ version: Version, reason: Reason }).strict(), response: Summary,
    }, async (c) => {
      const b = readJson<{ version: number; reason?: string }>(c);
      return c.json(await library.remove(actorOf(c), kind, readParams<{ name: string }>(c).name, b));
    });
  }

  teamRoute(app, {
    method: 'get', path: '/api/team/scenarios/{name}/run', role: 'viewer', summary: 'Run a team scenario and diff the ledgers against the baseline',
    description: 'As GET /api/scenarios/run runs a built-in scenario (the same result: the scenario, its changes with their effects, the diff with the change that moved every line, rank changes; with draws, the robustness of both rankings paired draw by draw), with the judgment set published now. Runs in the server\'s bounded heavy-work queue (503 with Retry-After when full).',
    params: NameParam,
    query: z.object({
      draws: z.coerce.number().int().min(0).max(MAX_SCENARIO_DRAWS).optional().openapi({ description: `robustness draws (default 0: none; at most ${MAX_SCENARIO_DRAWS})` }),
      seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).optional(),
    }).strict(),
    response: z.record(z.string(), z.unknown()),
  }, async (c) => {
    const record = await library.require('scenario', readParams<{ name: string }>(c).name);
    const q = readQuery<{ draws?: number; seed?: number }>(c);
    const run = await heavyWork(engine).run({ kind: 'scenario-text', yaml: record.yaml, draws: q.draws ?? 0, ...(q.draws && q.seed !== undefined ? { seed: q.seed } : {}) }, c.req.raw.signal);
    const result = run.results[0];
    const cited = new Set([...result.scenario.sources.map((x) => x.source), ...result.changes.flatMap((ch) => ch.citations.map((x) => x.source))]);
    return c.json({
      compare: 'baseline', ...result, conflicts: [], sources: engine.evidence.sources.filter((x) => cited.has(x.id)),
      team_scenario: { name: record.name, version: record.version }, judgment_set: activeJudgmentSet()?.version ?? null,
    });
  });
}
