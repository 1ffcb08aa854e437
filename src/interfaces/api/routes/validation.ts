// GET /api/validation: the ledgers set beside published assessments (curated/assessments), as
// `allies validate` prints them: per assessment the rank correlation and the sign/category
// agreement, and every disagreement with the line items that drive it. A check to report and
// explain, never a target the weights are tuned to (the body says so).
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { loadAssessments } from '../../../analyses/assessment-files.ts';
import type { Assessment } from '../../../analyses/validation.ts';
import { validateAssessments } from '../../../analyses/validation.ts';
import type { ApiContext } from '../context.ts';
import type { LedgerService } from '../ledger-service.ts';
import { ledgerYears, yearParam } from '../params.ts';
import type { YearRange } from '../params.ts';
import { ApiProblem, invalidField } from '../problem.ts';
import { cachedResponse, representJson } from '../representation.ts';
import type { CacheScope } from '../representation.ts';
import { jsonResponses, serveRoute, unavailableResponse, validQuery } from '../route-kit.ts';

const validationQuery = (years: YearRange) => z.object({
  year: yearParam(years).optional().openapi({ description: 'compare every assessment with this year\'s ledger (default: each assessment\'s own year)' }),
  only: z.string().regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, 'assessment ids, comma-separated').optional().openapi({ description: 'only these assessments', example: 'spf-2019-balance-sheet' }),
}).strict();

const ValidationSchema = z.object({
  caveat: z.string().describe('a check to report and explain, not a target'),
  methodology: z.object({ id: z.string(), version: z.string() }),
  year: z.number().int().nullable(),
  assessments: z.array(z.record(z.string(), z.unknown())).describe('per assessment: what it measures, the ledger year and measure compared, the rank correlation (rho, n), the agreement, the claims with their tests, and the drivers of every disagreement'),
}).openapi('Validation');

export function registerValidationRoutes(app: OpenAPIHono, ctx: ApiContext, engine: LedgerService | string): void {
  const ValidationQuery = validationQuery(ledgerYears(engine, ctx.evidence));
  let assessments: Promise<Assessment[]> | null = null;
  serveRoute(app, createRoute({
    method: 'get', path: '/api/validation', operationId: 'getValidation', tags: ['Balance sheets'], summary: 'The ledgers beside published assessments',
    description: 'Every assessment of curated/assessments set beside the ledger of its year: Spearman\'s rank correlation over the allies both cover (with n), the share of claims whose reading on the ledger holds, and for every disagreement the line items that drive it (the ally\'s points against the median of the other allies, or the group\'s leader, adding up to the gap). A check to report and explain, never a target: weights are not tuned to it.',
    request: { query: ValidationQuery },
    responses: { ...jsonResponses(ValidationSchema, 'The validation report'), ...unavailableResponse },
  }), async (c) => {
    if (typeof engine === 'string') throw new ApiProblem(503, { error: 'unavailable', message: `balance sheets are not available: ${engine}` });
    const q = validQuery(c, ValidationQuery);
    const year = q.year === undefined ? undefined : engine.checkYear(q.year);
    const scope: CacheScope = { cache: ctx.cache, version: `${ctx.evidenceVersion}.${engine.version}` };
    return cachedResponse(c, scope, async () => {
      assessments ??= loadAssessments({ evidence: ctx.evidence });
      let list = await assessments;
      if (q.only) {
        const wanted = q.only.split(',');
        const unknown = wanted.filter((id) => !list.some((a) => a.id === id));
        if (unknown.length) throw invalidField('only', `unknown assessment ${unknown.join(', ')}; the assessments are ${list.map((a) => a.id).join(', ')}`);
        list = list.filter((a) => wanted.includes(a.id));
      }
      return representJson(validateAssessments(list, (y) => engine.ledger(y), { year }));
    });
  });
}
