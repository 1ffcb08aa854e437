// Declaring routes: every route states its parameters and responses as zod schemas, so the
// OpenAPI document, the validation and the error messages come from one definition.
import { z } from '@hono/zod-openapi';
import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Problem } from './problem.ts';

/** The query of a route that takes no query parameters. */
export const NoQuery = z.object({}).strict();

export const problemResponses = {
  400: { description: 'Invalid input: the body names the field', content: { 'application/json': { schema: Problem } } },
  404: { description: 'Not found', content: { 'application/json': { schema: Problem } } },
} as const;

/** Routes that need the balance-sheet engine answer 503 when it could not load (or when heavy work is queued beyond its limit). */
export const unavailableResponse = {
  503: { description: 'Balance sheets unavailable (methodology or evidence incomplete, or too much heavy work queued: retry after Retry-After seconds): the body says why', content: { 'application/json': { schema: Problem } } },
} as const;

/** What a route with a request body answers besides: a body too large (413, before it is read) or not JSON (415). */
export const bodyResponses = {
  413: { description: 'Request body too large: the body states the limit', content: { 'application/json': { schema: Problem } } },
  415: { description: 'Unsupported media type: send the body as application/json', content: { 'application/json': { schema: Problem } } },
} as const;

/** A CSV body as ?format=csv (or Accept: text/csv) gives it. */
export const csvContent = (description = 'the rows as CSV (RFC 4180), one header line') =>
  ({ 'text/csv': { schema: z.string().openapi({ description }) } }) as const;

/** JSON `{count, rows, ...meta}` or the same rows as CSV. */
export function tableResponses<T extends z.ZodType>(row: T, description: string, meta: Record<string, z.ZodType> = {}) {
  return {
    200: {
      description,
      content: {
        'application/json': { schema: z.object({ ...meta, count: z.number().int(), rows: z.array(row) }) },
        ...csvContent(),
      },
    },
    ...problemResponses,
  } as const;
}

/** JSON, or with ?format=csv the same result as CSV rows. */
export function jsonOrCsvResponses<T extends z.ZodType>(schema: T, description: string, csv: string) {
  return { 200: { description, content: { 'application/json': { schema }, ...csvContent(csv) } }, ...problemResponses } as const;
}

export function jsonResponses<T extends z.ZodType>(schema: T, description: string) {
  return { 200: { description, content: { 'application/json': { schema } } }, ...problemResponses } as const;
}

/**
 * Register a route whose handler builds its own Response (cached bodies, CSV, 304s): the
 * typed-response check of zod-openapi cannot see through those, the schemas still document them.
 */
export function serveRoute<R extends RouteConfig>(app: OpenAPIHono, route: R, handler: (c: Context) => Promise<Response> | Response): void {
  // A route without query parameters still rejects unknown ones (400 naming the parameter),
  // as every other route does: a misspelt ?yaer=2020 is never ignored silently.
  const request = route.request?.query ? route.request : { ...route.request, query: NoQuery };
  app.openapi({ ...route, request }, handler as unknown as RouteHandler<R>);
}

/** The validated query of a route, typed by its schema. */
export function validQuery<S extends z.ZodType>(c: Context, _schema: S): z.output<S> {
  return (c.req as unknown as { valid: (t: string) => unknown }).valid('query') as z.output<S>;
}

export function validParams<S extends z.ZodType>(c: Context, _schema: S): z.output<S> {
  return (c.req as unknown as { valid: (t: string) => unknown }).valid('param') as z.output<S>;
}
