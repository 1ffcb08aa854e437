// The team server's API (team mode only: `allies serve --team`, ALLIES_TEAM=1 or DATABASE_URL):
// sign-in, accounts and API tokens; rounds of rating, ratings, the anonymized distribution and
// the round's progress; publication as a versioned judgment set, sets as YAML; ledgers from the
// set published now with raters, round, spread and set version on every judgment line; and the
// audit trail. Every operation states the role it needs (`x-required-role`).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { Role } from '../../../team/auth.ts';
import { ROLES } from '../../../team/auth.ts';
import { AGGREGATIONS, AGGREGATION_RULE, setToYaml } from '../../../team/judgment-sets.ts';
import type { Aggregation } from '../../../team/judgment-sets.ts';
import { SESSION_HOURS } from '../../../team/store.ts';
import type { RatingInput, RoundItem } from '../../../team/store.ts';
import { TeamService } from '../../../team/service.ts';
import { TeamError } from '../../../team/errors.ts';
import type { TeamOptions } from '../../../team/service.ts';
import type { LedgerService } from '../ledger-service.ts';
import {
  CSRF_HEADER, IdParam, Reason, SESSION_COOKIE, Version, actorOf, authOf, readJson, readParams, readQuery, teamAuthentication, teamRoute,
} from './team-kit.ts';
import { registerExerciseRoutes } from './exercise-routes.ts';
import { libraryOf, registerTeamLibraryRoutes } from './team-library-routes.ts';

const AccountSchema = z.object({
  id: z.number().int(), name: z.string(), role: z.enum(ROLES), disabled: z.boolean(), version: z.number().int(), created_at: z.string(), updated_at: z.string(),
}).openapi('TeamAccount');
const CitationIn = z.object({ source: z.string().min(1), locator: z.string().max(500).optional() }).strict();
const RoundItemSchema = z.object({ judgment: z.string().min(1), ally: z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO code such as JPN') }).strict();
const RoundSchema = z.object({
  id: z.number().int(), number: z.number().int().describe('1 for a first round, previous + 1 for a Delphi follow-up'), previous_round: z.number().int().nullable(),
  title: z.string(), items: z.array(RoundItemSchema), aggregation: z.enum(AGGREGATIONS), status: z.enum(['open', 'closed', 'published']),
  version: z.number().int(), opened_by: z.string(), opened_at: z.string(), closed_at: z.string().nullable(), published_set: z.number().int().nullable(),
}).openapi('TeamRound');
const RatingSchema = z.object({
  id: z.number().int(), round_id: z.number().int(), rater: z.string(), judgment: z.string(), ally: z.string(),
  value: z.number(), low: z.number(), high: z.number(), rationale: z.string(), citations: z.array(z.object({ source: z.string(), locator: z.string() })),
  version: z.number().int(), updated_at: z.string(),
}).openapi('TeamRating');
const ProvenanceSchema = z.object({
  set_version: z.number().int(), round: z.number().int().nullable(), round_id: z.number().int().nullable(), raters: z.array(z.string()),
  aggregation: z.string().nullable(), spread: z.object({ n: z.number().int(), min: z.number(), max: z.number(), values: z.array(z.number()) }).nullable(),
}).openapi('JudgmentProvenance');
const SetSummary = z.object({
  version: z.number().int(), name: z.string(), description: z.string(), round_id: z.number().int().nullable(), aggregation: z.string().nullable(),
  published_by: z.string().nullable(), published_at: z.string(),
}).openapi('TeamJudgmentSetSummary');
const SetSchema = SetSummary.extend({ entries: z.array(z.object({
  judgment: z.string(), ally: z.string(), from: z.number().int().nullable(), to: z.number().int().nullable(), value: z.number(), low: z.number(), high: z.number(),
  rationale: z.string(), citations: z.array(z.object({ source: z.string(), locator: z.string() })), author: z.string(), date: z.string(), provenance: ProvenanceSchema,
})) }).openapi('TeamJudgmentSet');
const AuditSchema = z.object({
  id: z.number().int(), at: z.string(), actor: z.string(), action: z.string(), entity: z.string(), entity_id: z.string(),
  before: z.unknown(), after: z.unknown(), reason: z.string().nullable(),
}).openapi('TeamAuditEntry');
const Ok = z.object({ ok: z.boolean() });

/** `evidenceDir` and `methodologyFile`: what the engine was loaded from, for the worker threads that load them again. */
export async function registerTeamRoutes(app: OpenAPIHono, engine: LedgerService | string, teamOrOptions: TeamService | TeamOptions, evidenceDir?: string, methodologyFile?: string): Promise<TeamService> {
  if (typeof engine === 'string') throw new Error(`team mode needs the balance-sheet engine: ${engine}`);
  const team = teamOrOptions instanceof TeamService ? teamOrOptions : await TeamService.start(engine.evidence, engine.methodology, teamOrOptions);
  const store = team.store;
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: `session cookie from POST /api/team/session; writes also need the ${CSRF_HEADER} header` });
  app.openAPIRegistry.registerComponent('securitySchemes', 'token', { type: 'http', scheme: 'bearer', description: 'an API token (POST /api/team/tokens)' });
  app.use('/api/team/*', teamAuthentication(team));

  // ── sign-in ──
  teamRoute(app, {
    method: 'post', path: '/api/team/session', role: null, summary: 'Sign in',
    description: `Password sign-in: sets an HttpOnly, SameSite=Strict session cookie (${SESSION_HOURS} h) and returns the CSRF token to send as ${CSRF_HEADER} on writes. Failed sign-ins are throttled per account and per address (429).`,
    body: z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1000) }).strict(),
    response: z.object({ account: AccountSchema, csrf_token: z.string(), expires_at: z.string() }),
  }, async (c) => {
    const body = readJson<{ name: string; password: string }>(c);
    const address = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'local';
    const s = await store.signIn(body.name, body.password, address);
    setCookie(c, SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SESSION_HOURS * 3600, secure: new URL(c.req.url).protocol === 'https:' });
    return c.json({ account: s.account, csrf_token: s.csrf, expires_at: s.expires.toISOString() });
  });
  teamRoute(app, {
    method: 'get', path: '/api/team/session', role: 'viewer', summary: 'Who is signed in',
    response: z.object({ name: z.string(), role: z.enum(ROLES), via: z.enum(['session', 'token']), csrf_token: z.string().nullable() }),
  }, async (c) => {
    const a = authOf(c);
    return c.json({ name: a.actor!.name, role: a.actor!.role, via: a.via!, csrf_token: a.csrf });
  });
  teamRoute(app, { method: 'delete', path: '/api/team/session', role: 'viewer', summary: 'Sign out', response: Ok }, async (c) => {
    const a = authOf(c);
    if (a.sessionToken) await store.signOut(a.sessionToken);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ ok: true });
  });

  // ── accounts and tokens ──
  teamRoute(app, { method: 'get', path: '/api/team/accounts', role: 'admin', summary: 'The accounts', response: z.object({ accounts: z.array(AccountSchema) }) },
    async (c) => c.json({ accounts: await store.listAccounts() }));
  teamRoute(app, {
    method: 'post', path: '/api/team/accounts', role: 'admin', summary: 'Create an account', status: 201,
    body: z.object({ name: z.string().min(1).max(64), role: z.enum(ROLES), password: z.string().min(1).max(1000), reason: Reason }).strict(),
    response: AccountSchema,
  }, async (c) => {
    const b = readJson<{ name: string; role: Role; password: string; reason?: string }>(c);
    return c.json(await store.createAccount(actorOf(c), b, b.reason), 201);
  });
  teamRoute(app, {
    method: 'patch', path: '/api/team/accounts/{id}', role: 'admin', summary: 'Change an account\'s role, password or disabled state', params: IdParam,
    body: z.object({ version: Version, role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: z.string().min(1).max(1000).optional(), reason: Reason }).strict(),
    response: AccountSchema,
  }, async (c) => {
    const b = readJson<{ version: number; role?: Role; disabled?: boolean; password?: string; reason?: string }>(c);
    return c.json(await store.updateAccount(actorOf(c), readParams<{ id: number }>(c).id, b, b.reason));
  });
  teamRoute(app, {
    method: 'post', path: '/api/team/tokens', role: 'viewer', summary: 'Create an API token for your account', status: 201,
    description: 'The token is shown once; the server keeps only its hash. Send it as Authorization: Bearer <token>.',
    body: z.object({ label: z.string().min(1).max(200), reason: Reason }).strict(),
    response: z.object({ id: z.number().int(), label: z.string(), token: z.string() }),
  }, async (c) => {
    const b = readJson<{ label: string; reason?: string }>(c);
    return c.json(await store.createToken(actorOf(c), b.label, b.reason), 201);
  });
  teamRoute(app, { method: 'delete', path: '/api/team/tokens/{id}', role: 'viewer', summary: 'Revoke an API token', params: IdParam, response: Ok }, async (c) => {
    await store.revokeToken(actorOf(c), readParams<{ id: number }>(c).id);
    return c.json({ ok: true });
  });

  // ── rounds and ratings ──
  teamRoute(app, { method: 'get', path: '/api/team/rounds', role: 'viewer', summary: 'The rounds', response: z.object({ rounds: z.array(RoundSchema) }) },
    async (c) => c.json({ rounds: await store.listRounds() }));
  teamRoute(app, {
    method: 'post', path: '/api/team/rounds', role: 'editor', summary: 'Open a round of rating', status: 201,
    description: `The judgment items and allies to rate, and how the ratings will be aggregated: ${AGGREGATIONS.map((a) => `${a}: ${AGGREGATION_RULE[a]}`).join('; ')}. previous_round makes it the next Delphi round (its items by default).`,
    body: z.object({
      title: z.string().min(1).max(200), items: z.array(RoundItemSchema).min(1).max(2000).optional(), aggregation: z.enum(AGGREGATIONS).optional(),
      previous_round: z.number().int().min(1).optional(), reason: Reason,
    }).strict(),
    response: RoundSchema,
  }, async (c) => {
    const b = readJson<{ title: string; items?: RoundItem[]; aggregation?: Aggregation; previous_round?: number; reason?: string }>(c);
    return c.json(await store.openRound(actorOf(c), b, b.reason), 201);
  });
  teamRoute(app, { method: 'get', path: '/api/team/rounds/{id}', role: 'viewer', summary: 'One round', params: IdParam, response: RoundSchema },
    async (c) => c.json(await store.round(readParams<{ id: number }>(c).id)));
  teamRoute(app, {
    method: 'post', path: '/api/team/rounds/{id}/close', role: 'editor', summary: 'Close a round', params: IdParam,
    body: z.object({ version: Version, reason: Reason }).strict(), response: RoundSchema,
  }, async (c) => {
    const b = readJson<{ version: number; reason?: string }>(c);
    return c.json(await store.closeRound(actorOf(c), readParams<{ id: number }>(c).id, b.version, b.reason));
  });
  teamRoute(app, {
    method: 'post', path: '/api/team/rounds/{id}/publish', role: 'editor', summary: 'Publish a closed round as the next judgment set', params: IdParam,
    description: 'Each rated item\'s aggregate replaces the entry in force for it in a copy of the current set; the copy becomes the next set version, and the ledgers use it.',
    body: z.object({ version: Version, aggregation: z.enum(AGGREGATIONS).optional(), description: z.string().min(1).max(2000).optional(), reason: Reason }).strict(),
    response: z.object({ round: RoundSchema, set: SetSummary }),
  }, async (c) => {
    const b = readJson<{ version: number; aggregation?: Aggregation; description?: string; reason?: string }>(c);
    const { round, set } = await store.publishRound(actorOf(c), readParams<{ id: number }>(c).id, b, b.reason);
    const { entries: _e, ...summary } = set;
    return c.json({ round, set: summary });
  });
  teamRoute(app, {
    method: 'get', path: '/api/team/rounds/{id}/ratings/mine', role: 'analyst', summary: 'Your ratings in a round', params: IdParam,
    response: z.object({ ratings: z.array(RatingSchema) }),
  }, async (c) => c.json({ ratings: await store.ratingsOf(actorOf(c), readParams<{ id: number }>(c).id) }));
  teamRoute(app, {
    method: 'put', path: '/api/team/rounds/{id}/ratings/{judgment}/{ally}', role: 'analyst', summary: 'Rate an item (or revise your rating)',
    description: 'Without version: your first rating of the item (409 if you have one). With the version you last saw: a revision (409 with the current rating if it is stale). Citations name source ids of the evidence or ones added under new_sources with their full reference.',
    params: z.object({
      id: z.coerce.number().int().min(1),
      judgment: z.string().min(1).max(100),
      ally: z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO code such as JPN'),
    }),
    body: z.object({
      value: z.number(), low: z.number(), high: z.number(), rationale: z.string().min(20, 'at least 20 characters: say why').max(10_000),
      citations: z.array(CitationIn).min(1, 'cite at least one source').max(50),
      new_sources: z.array(z.object({ id: z.string(), reference: z.string().max(2000), url: z.string().url().optional() }).strict()).max(20).optional(),
      version: Version.optional(), reason: Reason,
    }).strict(),
    response: RatingSchema,
  }, async (c) => {
    const p = readParams<{ id: number; judgment: string; ally: string }>(c);
    const { rating, created } = await store.putRating(actorOf(c), p.id, p.judgment, p.ally, readJson<RatingInput>(c), authOf(c).verifyToken);
    return c.json(rating, created ? 201 : 200);
  });
  teamRoute(app, {
    method: 'get', path: '/api/team/rounds/{id}/distribution', role: 'analyst', summary: 'The spread of ratings per item',
    description: 'Per item: the number of ratings and, once you have rated it, the others\' ratings anonymized (value, range, rationale, citations) with median, min and max. Editors see every item with the raters\' names.',
    params: IdParam,
    response: z.object({ round: RoundSchema, items: z.array(z.object({
      judgment: z.string(), ally: z.string(), n: z.number().int(), visible: z.boolean(), median: z.number().nullable(), min: z.number().nullable(), max: z.number().nullable(),
      your_rating: z.object({ value: z.number(), low: z.number(), high: z.number() }).nullable(),
      ratings: z.array(z.object({ rater: z.string(), value: z.number(), low: z.number(), high: z.number(), rationale: z.string(), citations: z.array(z.object({ source: z.string(), locator: z.string() })) })),
    })) }),
  }, async (c) => c.json(await store.distribution(actorOf(c), readParams<{ id: number }>(c).id)));
  teamRoute(app, {
    method: 'get', path: '/api/team/rounds/{id}/progress', role: 'editor', summary: 'Who has rated what in a round', params: IdParam,
    response: z.object({ round: RoundSchema, analysts: z.number().int(), items: z.array(z.object({ judgment: z.string(), ally: z.string(), rated_by: z.array(z.string()), pending: z.array(z.string()) })) }),
  }, async (c) => c.json(await store.progress(readParams<{ id: number }>(c).id)));

  // ── judgment sets ──
  teamRoute(app, { method: 'get', path: '/api/team/sets', role: 'viewer', summary: 'The published judgment sets', response: z.object({ sets: z.array(SetSummary) }) },
    async (c) => c.json({ sets: await store.listSets() }));
  teamRoute(app, {
    method: 'post', path: '/api/team/sets', role: 'editor', summary: 'Import a judgments file (YAML) as the next set', status: 201,
    body: z.object({ yaml: z.string().min(1).max(900_000), reason: Reason }).strict(), response: SetSummary,
  }, async (c) => {
    const b = readJson<{ yaml: string; reason?: string }>(c);
    const { entries: _e, ...summary } = await store.importSet(actorOf(c), team.parseSetFile(b.yaml), b.reason);
    return c.json(summary, 201);
  });
  teamRoute(app, {
    method: 'get', path: '/api/team/sets/{version}', role: 'viewer', summary: 'One judgment set, every entry with its provenance (format=yaml: as a judgments file)',
    params: z.object({ version: z.coerce.number().int().min(1) }),
    query: z.object({ format: z.enum(['json', 'yaml']).optional() }).strict(),
    response: SetSchema,
  }, async (c) => {
    const set = await store.set(readParams<{ version: number }>(c).version);
    if (readQuery<{ format?: string }>(c).format === 'yaml') {
      return c.body(setToYaml(set), 200, { 'Content-Type': 'application/yaml; charset=utf-8', 'Content-Disposition': `attachment; filename="judgments-v${set.version}.yaml"` });
    }
    return c.json(set);
  });

  // ── ledgers from the published set ──
  teamRoute(app, {
    method: 'get', path: '/api/team/ledgers/{ally}', role: 'viewer', summary: 'One ally\'s balance sheet under the team\'s published judgment set',
    description: 'As /api/ledgers/{ally}, with the judgments of the set published now (or ?set=N): every judgment line names its raters, round, spread and the set\'s version. methodology=NAME computes it under a methodology of the team\'s library (GET /api/team/methodologies) instead of the server\'s.',
    params: z.object({ ally: z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO code such as JPN') }),
    query: z.object({
      year: z.coerce.number().int().optional(), set: z.coerce.number().int().min(1).optional(),
      methodology: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'the name of a methodology of the team').optional().openapi({ description: 'a methodology of the team\'s library (default: the server\'s)' }),
    }).strict(),
    response: z.object({ set_version: z.number().int(), team_methodology: z.object({ name: z.string(), version: z.number().int(), methodology: z.string() }).optional(), ally: z.string(), name: z.string(), year: z.number().int(), assets: z.number().nullable(), liabilities: z.number().nullable(), net: z.number().nullable(), rank: z.number().int().nullable(),
      lines: z.array(z.object({ item: z.string(), side: z.string(), label: z.string(), raw: z.number().nullable(), score: z.number().nullable(), contribution: z.number().nullable(),
        judgments: z.array(z.object({ judgment: z.string(), value: z.number(), low: z.number(), high: z.number(), rationale: z.string(), author: z.string(), provenance: ProvenanceSchema.nullable() })) })) }),
  }, async (c) => {
    const q = readQuery<{ year?: number; set?: number; methodology?: string }>(c);
    const year = engine.checkYear(q.year);
    const own = q.methodology === undefined ? null : await libraryOf(team, engine).methodology(q.methodology);
    const { set_version, ledger } = await team.allyLedger(readParams<{ ally: string }>(c).ally, year, q.set, own?.methodology);
    return c.json({
      set_version, ...(own ? { team_methodology: { name: own.record.name, version: own.record.version, methodology: `${own.methodology.methodology} ${own.methodology.version}` } } : {}), ally: ledger.ally, name: ledger.name, year: ledger.year, assets: ledger.assets, liabilities: ledger.liabilities, net: ledger.net, rank: ledger.rank,
      lines: ledger.lines.map((l) => ({
        item: l.item, side: l.side, label: l.label, raw: l.raw, score: l.score, contribution: l.contribution,
        judgments: l.judgments.map((j) => ({ judgment: j.judgment, value: j.value, low: j.low, high: j.high, rationale: j.rationale, author: j.author, provenance: j.provenance ?? null })),
      })),
    });
  });

  teamRoute(app, {
    method: 'get', path: '/api/team/rankings', role: 'viewer', summary: 'The ranking under the team\'s published judgment set, with robustness intervals',
    description: 'Judgments are drawn within each entry\'s range; for an entry a round published, the range spans the raters\' spread (the aggregation rule), so disagreement among raters widens the intervals.',
    query: z.object({ year: z.coerce.number().int().optional(), set: z.coerce.number().int().min(1).optional(), draws: z.coerce.number().int().min(100).max(20_000).optional(), seed: z.coerce.number().int().min(0).optional() }).strict(),
    response: z.object({ set_version: z.number().int(), year: z.number().int(), draws: z.number().int(), seed: z.number().int(), rows: z.array(z.object({
      ally: z.string(), rank: z.number().int(), net: z.number(), net_low: z.number(), net_high: z.number(), rank_low: z.number().int(), rank_high: z.number().int(), p_net_positive: z.number(),
      judgment_scores: z.array(z.object({ item: z.string(), baseline: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() })),
    })) }),
  }, async (c) => {
    const q = readQuery<{ year?: number; set?: number; draws?: number; seed?: number }>(c);
    const year = engine.checkYear(q.year);
    const { set_version, result } = await team.robustness(year, { draws: q.draws ?? 2000, ...(q.seed !== undefined ? { seed: q.seed } : {}), ...(q.set !== undefined ? { version: q.set } : {}) });
    const judgmentItems = new Set(engine.methodology.items.filter((i) => i.measure.op === 'judgment').map((i) => i.id));
    return c.json({
      set_version, year, draws: result.draws, seed: result.seed,
      rows: [...result.allies].sort((a, b) => a.baseline.rank - b.baseline.rank).map((a) => ({
        ally: a.ally, rank: a.baseline.rank, net: a.baseline.net, net_low: a.net.low, net_high: a.net.high, rank_low: a.rankInterval[0], rank_high: a.rankInterval[1], p_net_positive: a.pNetPositive,
        judgment_scores: a.scores.filter((s) => judgmentItems.has(s.item)),
      })),
    });
  });

  // ── db push: the evidence, the registries, the ledgers under the published set, the methodology ──
  teamRoute(app, {
    method: 'post', path: '/api/team/evidence/push', role: 'admin',
    summary: 'Push the evidence, the ledgers of every year under the published judgment set and the methodology into a PostgreSQL schema (allies db push)',
    description: 'What `allies db push` does, from the team server, into a schema of the team\'s own PostgreSQL server (PGlite teams: 409): one transaction, idempotent, types, keys and comments from the data package; the ledgers use the judgment set published now. Appended to the audit trail.',
    body: z.object({
      schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and underscores, starting with a letter (at most 63)').optional().openapi({ description: 'default alliance_ledger' }),
      evidence_only: z.boolean().optional().openapi({ description: 'leave out the ledgers and the methodology' }),
      reason: Reason,
    }).strict(),
    response: z.object({
      schema: z.string(), set_version: z.number().int().nullable(), tables: z.number().int(), rows: z.number().int(), views: z.array(z.string()),
      years: z.object({ first: z.number().int(), latest: z.number().int() }).nullable(), ms: z.number(),
    }),
  }, async (c) => {
    const b = readJson<{ schema?: string; evidence_only?: boolean; reason?: string }>(c);
    if (!team.pushUrl) throw new TeamError(409, 'conflict', 'the team runs on the embedded database (PGlite): db push writes to PostgreSQL; start the team with DATABASE_URL, or run `allies db push --database-url URL`', 'schema');
    // Loaded on use: the single-user server never loads pg.
    const { DEFAULT_SCHEMA, pushToPostgres } = await import('../../../interop/pg-push.ts');
    const schema = b.schema ?? DEFAULT_SCHEMA;
    if (team.store.db.kind === 'postgres' && schema.startsWith('team')) throw new TeamError(400, 'invalid_request', `schema: "${schema}" is kept for the team's own tables; choose another name`, 'schema');
    const { version, judgments: _j } = await team.judgmentsOf();
    const set = await team.store.set(version);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-push-'));
    try {
      const judgmentsFile = path.join(dir, `judgments-v${version}.yaml`);
      await writeFile(judgmentsFile, setToYaml(set));
      const report = await pushToPostgres({ databaseUrl: team.pushUrl, schema, evidenceOnly: b.evidence_only === true, judgmentsFile, ...(evidenceDir ? { evidenceDir } : {}) }).catch((err: unknown) => {
        // Rolled back whole: the schema keeps its previous state. The message names host and port, never the password.
        throw new TeamError(409, 'conflict', `db push failed and was rolled back: ${err instanceof Error ? err.message : String(err)}`, 'schema');
      });
      const summary = {
        schema: report.schema, set_version: b.evidence_only ? null : version, tables: report.tables.length, rows: report.tables.reduce((n, t) => n + t.rows, 0), views: report.views,
        years: report.years, ms: Math.round(report.ms.total),
      };
      await store.recordPush(actorOf(c), schema, summary, b.reason);
      return c.json(summary);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // ── audit ──
  teamRoute(app, {
    method: 'get', path: '/api/team/audit', role: 'viewer', summary: 'The audit trail (newest first; append-only)',
    query: z.object({
      entity: z.enum(['account', 'token', 'round', 'rating', 'judgment_set', 'source', 'database', 'methodology', 'scenario', 'exercise_session', 'exercise_seat', 'exercise_inject', 'exercise_decision', 'exercise_message']).optional(), entity_id: z.string().max(100).optional(),
      before: z.coerce.number().int().min(1).optional().openapi({ description: 'entries with a smaller id (paging)' }), limit: z.coerce.number().int().min(1).max(1000).optional(),
    }).strict(),
    response: z.object({ entries: z.array(AuditSchema) }),
  }, async (c) => c.json({ entries: await store.auditLog(readQuery(c)) }));

  // ── the team page (plain files, no build step): sign-in, my ratings, spread, progress, audit ──
  const web = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../team/web');
  const files: [string, string, string][] = [['/team', 'team.html', 'text/html; charset=utf-8'], ['/team/team.js', 'team.js', 'text/javascript; charset=utf-8'], ['/team/team.css', 'team.css', 'text/css; charset=utf-8']];
  for (const [route, file, type] of files) {
    const text = await readFile(path.join(web, file), 'utf8');
    app.get(route, (c) => c.body(text, 200, { 'Content-Type': type, 'Cache-Control': 'no-cache' }));
  }

  await registerTeamLibraryRoutes(app, engine, team);
  await registerExerciseRoutes(app, engine, team, { evidenceDir, methodologyFile });
  return team;
}
