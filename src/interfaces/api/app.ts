// The HTTP API and the dashboard's static files as one Hono app. `createApp()` needs no port:
// tests call `app.request('/api/allies')`; serve.ts puts it on localhost.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { EVIDENCE_DIR, loadEvidence } from '../../evidence/load.ts';
import type { Evidence } from '../../evidence/load.ts';
import { API_INFO, apiDocument } from './api-description.ts';
import { requestBodyLimit } from './body-limit.ts';
import type { ApiContext } from './context.ts';
import { loadDashboardFiles, NOT_BUILT_PAGE, NOT_BUILT_STYLE, PROJECT_DIR, sendDashboardFile } from './dashboard-files.ts';
import type { DashboardFile } from './dashboard-files.ts';
import { DOCS_STYLE, renderDocsPage } from './docs-page.ts';
import type { OpenApiDocument } from './docs-page.ts';
import { evidenceVersion } from './evidence-version.ts';
import { allowedHosts, chartStyleTexts, contentPolicies, hostAllowList, securityHeaders, withoutAbsolutePaths } from './http-hygiene.ts';
import { ApiProblem, problemFromZod } from './problem.ts';
import type { Problem } from './problem.ts';
import { rawRequestKey, sendCached } from './representation.ts';
import { ResponseCache } from './response-cache.ts';
import { HeavyWork } from './heavy-work.ts';
import { JUDGMENT_SET_HEADER, withJudgmentSet } from './judgment-scope.ts';
import { LedgerService } from './ledger-service.ts';
import type { EngineFiles } from './ledger-service.ts';
import { registerAnalysisRoutes } from './routes/analyses.ts';
import { registerEvidenceRoutes } from './routes/evidence.ts';
import { registerExplainRoutes } from './routes/explain.ts';
import { registerLedgerRoutes } from './routes/ledgers.ts';
import { registerProfileRoutes } from './routes/profile.ts';
import { registerRegionRoutes } from './routes/regions.ts';
import { registerScenarioRoutes } from './routes/scenarios.ts';
import { registerTimelineRoutes } from './routes/timeline.ts';
import { registerValidationRoutes } from './routes/validation.ts';
import { registerTeamRoutes } from './routes/team-routes.ts';
import { RATING_WRITE } from './routes/team-kit.ts';
import type { TeamOptions, TeamService } from '../../team/service.ts';

export interface AppOptions {
  /** Evidence folder (default: $ALLIES_EVIDENCE or the project's evidence/). */
  evidenceDir?: string;
  /** Already-loaded evidence for evidenceDir (saves loading it twice). */
  evidence?: Evidence;
  /** Built dashboard folder (default dist/web); null serves the API only. */
  dashboardDir?: string | null;
  /** Methodology and judgments files (default: $ALLIES_METHODOLOGY and $ALLIES_JUDGMENTS, else methods/default.yaml and judgments/default.yaml). */
  engine?: EngineFiles;
  /** The heavy-work queue (default: one over evidenceDir and the engine files, cores - 1 threads, 16 waiting). */
  heavy?: HeavyWork;
  /** Host names the server answers to besides the loopback names (default: $ALLIES_ALLOWED_HOSTS; see http-hygiene.ts). */
  allowedHosts?: readonly string[];
  /** Team mode (src/team/): accounts, rounds, judgment sets on a database; absent, the single-user server as ever. */
  team?: TeamService | TeamOptions;
}

export function defaultEvidenceDir(): string {
  return process.env.ALLIES_EVIDENCE ?? EVIDENCE_DIR;
}

export async function createApp(options: AppOptions = {}): Promise<OpenAPIHono> {
  const evidenceDir = options.evidenceDir ?? defaultEvidenceDir();
  const [evidence, version, dashboard] = await Promise.all([
    options.evidence ?? loadEvidence(evidenceDir),
    evidenceVersion(evidenceDir),
    options.dashboardDir === null ? Promise.resolve(new Map<string, DashboardFile>()) : loadDashboardFiles(options.dashboardDir),
  ]);
  const ctx: ApiContext = { evidence, evidenceDir, evidenceVersion: version, cache: new ResponseCache() };
  // The evidence routes work without the engine: an incomplete evidence build or a broken
  // methodology file leaves the ledger routes answering 503 with the reason.
  const engineFiles: EngineFiles = options.engine ?? {
    methodologyFile: process.env.ALLIES_METHODOLOGY || undefined,
    judgmentsFile: process.env.ALLIES_JUDGMENTS || undefined,
  };
  // The reason goes into 503 bodies: without this machine's absolute paths.
  const engine = await LedgerService.load(evidence, engineFiles).catch((err: unknown) => withoutAbsolutePaths(err instanceof Error ? err.message : String(err), PROJECT_DIR));
  // Robustness, tiers and scenario runs leave the event loop for worker threads (heavy-work.ts).
  if (typeof engine !== 'string') engine.attachHeavyWork(options.heavy ?? new HeavyWork({ evidenceDir, engine: engineFiles }));

  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(problemFromZod(result.error, result.target), 400);
    },
  });

  // First, so every response (cached bodies, dashboard files, errors, refusals) carries the
  // policies, and a request under another Host name (DNS rebinding) reaches nothing.
  app.use('*', securityHeaders(contentPolicies([...await chartStyleTexts(), NOT_BUILT_STYLE], [DOCS_STYLE])));
  app.use('*', hostAllowList(allowedHosts(options.allowedHosts)));
  // The routes outside the description take no parameters: an unknown one is a 400 there too.
  for (const bare of ['/api', '/openapi.json', '/docs']) {
    app.use(bare, async (c, next) => {
      const name = new URL(c.req.url).searchParams.keys().next().value;
      if (name === undefined) return next();
      return c.json({ error: 'invalid_request', field: name, message: `query parameter "${name}": unknown parameter (${name}); ${bare} takes none` } satisfies Problem, 400);
    });
  }

  // Team mode: every API request is answered with the judgment set published now, read from the
  // database per request (one small query; the judgments are kept per version), so a
  // publication is seen at once and two server processes on one database serve the same. The
  // set's version keys the caches (judgment-scope.ts) and is named in X-Judgment-Set.
  let team: TeamService | null = null;
  if (options.team) {
    app.use('/api/*', async (c, next) => {
      // A rating write computes no ledger: it is spared the look-up (the team's hottest write).
      if (!team || (c.req.method === 'PUT' && RATING_WRITE.test(c.req.path))) return next();
      const { version, judgments } = await team.judgmentsOf();
      await withJudgmentSet({ version, judgments }, () => next());
      // On the response's headers, not c.header(): after the handler, c.header() makes the
      // response anew (and @hono/node-server's lightweight response a full one).
      c.res.headers.set(JUDGMENT_SET_HEADER, String(version));
    });
  }

  app.use('*', async (c, next) => {
    // A request answered before is answered again without routing or validation: the
    // cache only ever holds answers to valid requests, fixed for this server's lifetime.
    if (c.req.method === 'GET') {
      const hit = ctx.cache.getByRequest(rawRequestKey(c));
      if (hit) return sendCached(c, hit);
    }
    await next();
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  });
  // Before any route reads a body (413 naming the limit): see body-limit.ts.
  app.use('*', requestBodyLimit());

  registerEvidenceRoutes(app, ctx);
  registerLedgerRoutes(app, ctx, engine);
  registerExplainRoutes(app, ctx, engine);
  registerAnalysisRoutes(app, ctx, engine);
  registerRegionRoutes(app, ctx, engine);
  registerTimelineRoutes(app, ctx, engine);
  registerProfileRoutes(app, ctx, engine);
  registerScenarioRoutes(app, ctx, engine);
  registerValidationRoutes(app, ctx, engine);
  if (options.team) team = await registerTeamRoutes(app, engine, options.team, ctx.evidenceDir, engineFiles.methodologyFile);

  // The description: info, license, servers, tags and security from api-description.ts.
  app.get('/openapi.json', (c) => c.json(apiDocument(app, version)));
  let docsHtml: string | null = null;
  app.get('/docs', (c) => {
    docsHtml ??= renderDocsPage(apiDocument(app, version) as unknown as OpenApiDocument);
    return c.html(docsHtml);
  });
  app.get('/api', (c) => {
    const doc = apiDocument(app, version) as unknown as OpenApiDocument;
    return c.json({
      ...API_INFO,
      evidence_version: version,
      docs: '/docs',
      openapi: '/openapi.json',
      routes: Object.entries(doc.paths ?? {}).map(([path, ops]) => ({ path, summary: Object.values(ops)[0]?.summary ?? '' })),
    });
  });

  app.notFound((c) => {
    const file = c.req.method === 'GET' || c.req.method === 'HEAD' ? dashboardFileFor(c, dashboard) : null;
    if (file) return sendDashboardFile(file, c.req);
    if (isPageRequest(c)) return c.html(NOT_BUILT_PAGE, 200);
    return c.json({ error: 'not_found', message: `no route ${c.req.method} ${c.req.path}; the API is listed at /api and documented at /docs` } satisfies Problem, 404);
  });

  app.onError((err, c) => {
    if (err instanceof ApiProblem) return c.json(err.problem, err.status, err.headers);
    if (err instanceof HTTPException) {
      const status = err.status;
      return c.json({ error: status === 404 ? 'not_found' : 'invalid_request', message: err.message || 'invalid request' } satisfies Problem, status);
    }
    // The detail goes to the server log, never to the client.
    console.error(`${c.req.method} ${c.req.path}:`, err);
    return c.json({ error: 'internal_error', message: 'internal error: the server log has the details' } satisfies Problem, 500);
  });

  return app;
}

/** A dashboard page: a browser navigation to a path that is neither the API nor a file. */
function isPageRequest(c: Context): boolean {
  const p = c.req.path;
  return c.req.method === 'GET' && !p.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(p) && /text\/html/.test(c.req.header('accept') ?? '');
}

function dashboardFileFor(c: Context, files: Map<string, DashboardFile>): DashboardFile | null {
  if (files.size === 0) return null;
  const p = c.req.path;
  const exact = files.get(p === '/' ? '/index.html' : p);
  if (exact) return exact;
  // Deep links (/ally/JPN?year=2023) are the single-page app's routes: it shows its own
  // "not found" for paths it does not know.
  return isPageRequest(c) ? files.get('/index.html') ?? null : null;
}
