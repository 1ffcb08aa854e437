// What every team route shares: who is asking (a session cookie or an API token), the role a
// route requires (checked before the body is read, so a refusal writes nothing and reveals
// nothing about the body), CSRF on cookie-authenticated writes, and TeamError -> JSON problem.
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { roleAtLeast } from '../../../team/auth.ts';
import type { Role } from '../../../team/auth.ts';
import { TeamError, belowRole, tokenRefused } from '../../../team/errors.ts';
import type { Actor } from '../../../team/store.ts';
import type { TeamService } from '../../../team/service.ts';
import { ApiProblem } from '../problem.ts';
import type { Problem } from '../problem.ts';

export const TEAM_TAG = 'Team';
export const SESSION_COOKIE = 'allies_session';
export const CSRF_HEADER = 'X-CSRF-Token';

export interface TeamAuth {
  actor: Actor | null;
  via: 'session' | 'token' | null;
  csrf: string | null;
  sessionToken: string | null;
  /** The hash of an API token whose actor was remembered, not looked up: the write checks it (TeamStore.ratingActor). */
  verifyToken: string | null;
}

/** A rating write (PUT /api/team/rounds/{id}/ratings/{judgment}/{ally}): the team's hottest write. */
export const RATING_WRITE = /^\/api\/team\/rounds\/\d+\/ratings\/[^/]+\/[^/]+$/;

const auths = new WeakMap<Request, TeamAuth>();

export function authOf(c: Context): TeamAuth {
  return auths.get(c.req.raw) ?? { actor: null, via: null, csrf: null, sessionToken: null, verifyToken: null };
}

export function actorOf(c: Context): Actor {
  const a = authOf(c).actor;
  if (!a) throw new TeamError(401, 'unauthorized', 'sign in first (POST /api/team/session) or send Authorization: Bearer <API token>');
  return a;
}

/** Resolves the caller for every /api/team route; never refuses by itself (the routes' role checks do). */
export function teamAuthentication(team: TeamService): MiddlewareHandler {
  return async (c, next) => {
    const auth: TeamAuth = { actor: null, via: null, csrf: null, sessionToken: null, verifyToken: null };
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (bearer) {
      if (c.req.method === 'PUT' && RATING_WRITE.test(c.req.path)) {
        const { actor, verify } = await team.store.ratingActor(bearer);
        Object.assign(auth, { actor, verifyToken: verify });
      } else {
        auth.actor = await team.store.tokenActor(bearer);
      }
      if (auth.actor) auth.via = 'token';
      else return problem(c, tokenRefused());
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie) {
        const s = await team.store.sessionActor(cookie);
        if (s) Object.assign(auth, { actor: s.actor, via: 'session', csrf: s.csrf, sessionToken: cookie });
      }
    }
    // A cookie-authenticated write must carry the session's CSRF token in a header: a page on
    // another site can make the browser send the cookie, never read the token.
    if (auth.via === 'session' && !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) && !team.store.checkCsrf(auth.csrf!, c.req.header(CSRF_HEADER))) {
      return problem(c, new TeamError(403, 'forbidden', `${CSRF_HEADER}: missing or wrong; send the csrf_token GET /api/team/session gives`, CSRF_HEADER));
    }
    auths.set(c.req.raw, auth);
    await next();
    c.res.headers.set('Cache-Control', 'no-store'); // not c.header(): see app.ts
  };
}

/** The route's role, checked before validation: 401 without an account, 403 below the role. */
export function requireRole(role: Role): MiddlewareHandler {
  return async (c, next) => {
    const { actor } = authOf(c);
    if (!actor) return problem(c, new TeamError(401, 'unauthorized', 'sign in first (POST /api/team/session) or send Authorization: Bearer <API token>'));
    if (!roleAtLeast(actor.role, role)) return problem(c, belowRole(role, actor.role));
    await next();
  };
}

export function problemBody(e: TeamError): Record<string, unknown> {
  return { error: e.code, message: e.message, ...(e.field ? { field: e.field } : {}), ...e.extra };
}

function problem(c: Context, e: TeamError): Response {
  for (const [k, v] of Object.entries(e.headers)) c.header(k, v);
  c.header('Cache-Control', 'no-store');
  return c.json(problemBody(e), e.status);
}

/** A TeamError as the app's error handler answers it (status, body naming the field, headers). */
export function asApiProblem(err: unknown): unknown {
  if (!(err instanceof TeamError)) return err;
  return new ApiProblem(err.status as 400, problemBody(err) as Problem, err.headers);
}

/** Wrap a handler so a TeamError it throws becomes its JSON problem. */
export function guarded(fn: (c: Context) => Promise<Response>): (c: Context) => Promise<Response> {
  return async (c) => {
    try {
      return await fn(c);
    } catch (err) {
      throw asApiProblem(err);
    }
  };
}

const TeamProblem = z.object({
  error: z.string(), message: z.string(), field: z.string().optional(),
  current: z.unknown().optional().describe('on 409: the record as it is now'),
  line: z.number().int().nullable().optional().describe('on 400 for a YAML text: the line of the problem'),
}).openapi('TeamProblem');

const json = (description: string) => ({ description, content: { 'application/json': { schema: TeamProblem } } });

/** The refusals every team route documents. */
export function teamResponses(role: Role | null, writes: boolean) {
  return {
    400: json('Invalid input: the body names the field'),
    ...(role ? { 401: json('No account: sign in or send an API token'), 403: json(`Below the ${role} role${writes ? ', or a cookie-authenticated write without the X-CSRF-Token header' : ''}`) } : {}),
    404: json('Not found'),
    ...(writes ? { 409: json('Stale version or state: the body has the current record (`current`)') } : {}),
  } as const;
}

/** `x-required-role` on every team operation: what the authorization matrix test reads. */
export function roleExtension(role: Role | null): Record<string, unknown> {
  return { 'x-required-role': role ?? 'none' };
}

export const Reason = z.string().max(2000).optional().openapi({ description: 'why: kept in the audit trail' });
export const Version = z.number().int().min(1).openapi({ description: 'the version of the record you last saw; a stale one gets 409 with the current record' });
export const IdParam = z.object({ id: z.coerce.number().int().min(1).openapi({ param: { name: 'id', in: 'path' } }) });
export const readJson = <T>(c: Context) => (c.req as unknown as { valid: (t: string) => unknown }).valid('json') as T;
export const readParams = <T>(c: Context) => (c.req as unknown as { valid: (t: string) => unknown }).valid('param') as T;
export const readQuery = <T>(c: Context) => (c.req as unknown as { valid: (t: string) => unknown }).valid('query') as T;

export interface TeamRouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  role: Role | null;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  status?: 200 | 201;
}

/** GET /api/team/rounds/{id}/progress -> getTeamRoundsByIdProgress: unique by construction. */
function operationIdOf(method: string, p: string): string {
  const words = p.split('/').filter((w) => w && w !== 'api').map((w) => {
    const param = /^\{(\w+)\}$/.exec(w);
    const name = param ? `by_${param[1]}` : w;
    return name.split(/[_-]/).map((x) => x.charAt(0).toUpperCase() + x.slice(1)).join('');
  });
  return method + words.join('');
}

/** One team operation: its role checked first, its body validated, its refusals documented, TeamError as JSON. */
export function teamRoute(app: OpenAPIHono, spec: TeamRouteSpec, handler: (c: Context) => Promise<Response>): void {
  const writes = spec.method !== 'get';
  const route = createRoute({
    method: spec.method, path: spec.path, operationId: operationIdOf(spec.method, spec.path), tags: [TEAM_TAG], summary: spec.summary, description: spec.description ?? spec.summary,
    ...roleExtension(spec.role),
    ...(spec.role ? { middleware: [requireRole(spec.role)] as const, security: [{ session: [] }, { token: [] }] } : {}),
    request: {
      ...(spec.params ? { params: spec.params } : {}),
      query: spec.query ?? z.object({}).strict(),
      ...(spec.body ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
    },
    responses: {
      [spec.status ?? 200]: { description: spec.summary, content: { 'application/json': { schema: spec.response } } },
      ...teamResponses(spec.role, writes),
    },
  } as RouteConfig);
  app.openapi(route, guarded(handler) as unknown as RouteHandler<typeof route>);
}
