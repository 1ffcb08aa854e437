// Errors as the API returns them: JSON that names the field at fault, never a stack trace.
import { z } from '@hono/zod-openapi';
import type { ZodError } from 'zod';

export const Problem = z.object({
  error: z.enum(['invalid_request', 'not_found', 'not_acceptable', 'unavailable', 'internal_error']),
  message: z.string().describe('what went wrong and what to send instead'),
  field: z.string().optional().describe('the parameter at fault, e.g. "year" or "country"'),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
}).openapi('Problem');
export type Problem = z.infer<typeof Problem>;

/** An error a handler throws to answer with a Problem; the app's error handler turns it into JSON. */
export class ApiProblem extends Error {
  /** `headers`: e.g. Retry-After on a 503 from a full heavy-work queue. */
  constructor(readonly status: 400 | 404 | 406 | 500 | 503, readonly problem: Problem, readonly headers: Readonly<Record<string, string>> = {}) {
    super(problem.message);
    this.name = 'ApiProblem';
  }
}

export function invalidField(field: string, message: string): ApiProblem {
  return new ApiProblem(400, { error: 'invalid_request', field, message: `${field}: ${message}` });
}

export function notFound(message: string, field?: string): ApiProblem {
  return new ApiProblem(404, { error: 'not_found', message, ...(field ? { field } : {}) });
}

/** Turn a zod validation failure of a query or path into a Problem naming the first field. */
export function problemFromZod(error: ZodError, target: string): Problem {
  const issues = error.issues.map((issue) => {
    // A misspelt parameter (?yaer=2020) must not be ignored silently: name it.
    if (issue.code === 'unrecognized_keys') {
      return { field: issue.keys[0] ?? target, message: `unknown parameter (${issue.keys.join(', ')}); see /openapi.json for the parameters of this route` };
    }
    const field = issue.path.length ? issue.path.map(String).join('.') : target;
    // ?country=JPN&country=KOR arrives as an array: say how to give several values.
    if (issue.code === 'invalid_type' && /received array/.test(issue.message)) {
      return { field, message: 'given more than once; give it once, with several values comma-separated' };
    }
    return { field, message: issue.message };
  });
  const first = issues[0] ?? { field: target, message: 'invalid' };
  const where = target === 'param' ? 'path parameter' : target === 'query' ? 'query parameter' : target;
  return { error: 'invalid_request', field: first.field, message: `${where} "${first.field}": ${first.message}`, issues };
}
