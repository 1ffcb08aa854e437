// The method where the numbers are, over HTTP: every line of the methodology in words with
// what a point of it is worth (served inside GET /api/methodology), and why an ally ranks
// where it does (GET /api/ledgers/{ally}/why): the lines that set it apart from the median
// ally of the year, reconciling to the gap in net, with its rank band and neighbours.
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { methodologyLines, pointWorth, whyThisRank } from '../../../method/explain.ts';
import type { ApiContext } from '../context.ts';
import { notAnAllyInYear, parseWeightOverrides, withWeights } from '../ledger-service.ts';
import type { LedgerService } from '../ledger-service.ts';
import { ledgerYears, yearParam } from '../params.ts';
import type { YearRange } from '../params.ts';
import { ApiProblem, notFound } from '../problem.ts';
import { FormatParam, cachedResponse, representJson, representTable, requestedFormat } from '../representation.ts';
import { problemResponses, serveRoute, unavailableResponse, validParams, validQuery } from '../route-kit.ts';

const TAG = 'Balance sheets';
const SideSchema = z.enum(['asset', 'liability']);

export const MethodologyLineSchema = z.object({
  item: z.string(), side: SideSchema, group: z.string().describe('the heading'), label: z.string(), unit: z.string(),
  construct: z.string().describe('what the line measures; "not stated" when the methodology does not say'),
  constructStated: z.boolean(),
  formula: z.string().describe('the measure as readable text, e.g. "latest(milex_share_gdp) within 2 years"'),
  normalization: z.string(), missing: z.string().describe('what happens when an ally has no value'),
  staleness: z.number().int().describe('how old (years) a latest value may be'),
  weight: z.number(), share: z.number().describe('share of the side\'s weight, every line present'),
  perPoint: z.number().describe('points of the net one point (of 0-100) of the line\'s score is worth; negative for liabilities'),
  fullRange: z.number().describe('points of the net between a score of 0 and 100'),
  headingFullRange: z.number().describe('the same for the line\'s whole heading'),
  rationale: z.string(),
  citations: z.array(z.object({
    source: z.string(), locator: z.string(),
    title: z.string().nullable(), citation: z.string().nullable().describe('the source\'s citation from the registry'),
  })),
}).openapi('MethodologyLine');

const HeadingWorthSchema = z.object({
  side: SideSchema, group: z.string(), items: z.array(z.string()), weight: z.number(), share: z.number(),
  perPoint: z.number().describe('points of the net when every line of the heading gains one point'),
  fullRange: z.number().describe('points of the net between the heading at 0 and at 100'),
  excluded: z.array(z.string()).describe('lines of the heading without a score for the ally (ledger worths only)'),
}).openapi('HeadingWorth');

const PointWorthSchema = z.object({
  ally: z.string().nullable(),
  balance: z.object({ assets: z.number(), liabilities: z.number() }),
  sides: z.object({ asset: z.object({ weight: z.number(), items: z.number().int(), headings: z.number().int() }), liability: z.object({ weight: z.number(), items: z.number().int(), headings: z.number().int() }) }),
  items: z.array(z.object({ item: z.string(), side: SideSchema, group: z.string(), label: z.string(), weight: z.number(), share: z.number(), perPoint: z.number(), fullRange: z.number(), excluded: z.boolean() })),
  headings: z.array(HeadingWorthSchema),
}).openapi('PointWorth');

/** What GET /api/methodology adds to the methodology itself. */
export const MethodologyExplainedShape = {
  balance: z.object({ assets: z.number(), liabilities: z.number() }),
  sides: PointWorthSchema.shape.sides,
  headings: z.array(HeadingWorthSchema).describe('every heading with what one point of it is worth'),
  lines: z.array(MethodologyLineSchema).describe('every line item in words, with what one point of it is worth'),
};

export function methodologyExplained(s: LedgerService, ctx: ApiContext) {
  const worth = pointWorth(s.methodology);
  return {
    balance: worth.balance, sides: worth.sides, headings: worth.headings,
    lines: methodologyLines(s.methodology, new Map(ctx.evidence.sources.map((x) => [x.id, x]))),
  };
}

const WhyLineSchema = z.object({
  item: z.string(), side: SideSchema, group: z.string(), label: z.string(),
  allyScore: z.number().nullable(), medianScore: z.number().nullable().describe('median score among the ranked allies with a score'),
  allyPoints: z.number().describe('points the line gives the ally\'s net (liabilities negative; 0 without a score)'),
  medianPoints: z.number().describe('median of the points the line gives the ranked allies with a score (signed likewise)'),
  difference: z.number().describe('allyPoints − medianPoints'),
  allyMissing: z.boolean(), imputed: z.boolean(), reason: z.string().nullable(), scoredAmong: z.number().int(),
}).openapi('WhyLine');

export const WhyThisRankSchema = z.object({
  methodology: z.object({ id: z.string(), version: z.string() }),
  year: z.number().int(), ally: z.string(), name: z.string(), region: z.string().nullable(),
  ranked: z.boolean(), rank: z.number().int().nullable(),
  placedAt: z.number().int().nullable().describe('an unranked ally with a net (a partner, or coverage too low): 1 + the ranked allies with a higher net'),
  rankedCount: z.number().int(),
  band: z.object({ low: z.number().int(), high: z.number().int(), modal: z.number().int(), interval: z.number(), draws: z.number().int(), netLow: z.number(), netHigh: z.number() }).nullable()
    .describe('the rank\'s robustness interval (null with bands=false)'),
  assets: z.number().nullable(), liabilities: z.number().nullable(), net: z.number().nullable(),
  reference: z.object({ allies: z.number().int(), versus: z.array(z.string()), label: z.string(), assets: z.number(), liabilities: z.number(), net: z.number(), medianNet: z.number().nullable() })
    .describe('the median ally: the middle of the other ranked allies by net (two middle ones averaged); its lines add up to its net'),
  gap: z.number().describe('the ally\'s net minus the reference net'),
  lines: z.array(WhyLineSchema).describe('every line, the largest difference first'),
  headings: z.array(z.object({ side: SideSchema, group: z.string(), items: z.array(z.string()), allyPoints: z.number(), medianPoints: z.number(), difference: z.number() })),
  reconciliation: z.object({ sumOfDifferences: z.number(), gap: z.number(), residual: z.number(), statement: z.string() }),
  neighbours: z.array(z.object({ rank: z.number().int(), ally: z.string(), name: z.string(), net: z.number(), gap: z.number() })),
  worth: PointWorthSchema.nullable(),
  notes: z.array(z.string()),
}).openapi('WhyThisRank');

const AllyParams = z.object({ ally: z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter ISO code such as JPN').openapi({ param: { name: 'ally', in: 'path' }, example: 'JPN' }) });
const whyQuery = (years: YearRange) => z.object({
  year: yearParam(years).optional().openapi({ description: 'default: the latest year the methodology covers' }),
  weights: z.string().min(1, 'empty: give item_id:weight pairs or leave the parameter out').optional().openapi({ description: 'weights that replace the methodology\'s, item_id:weight comma-separated; see /api/methodology' }),
  bands: z.enum(['true', 'false']).optional().openapi({ description: 'include the rank band from the robustness run (default true)' }),
  partners: z.enum(['true', 'false']).optional().openapi({ description: 'true: explain a partner of the year (e.g. Saudi Arabia), scored on the allies\' scale and never ranked, against the median ally (default false)' }),
  format: FormatParam.openapi({ description: 'json (default) or csv: one row per line item' }),
}).strict();

const CSV_COLUMNS = ['item', 'side', 'line_group', 'label', 'allyScore', 'medianScore', 'allyPoints', 'medianPoints', 'difference', 'allyMissing', 'imputed', 'scoredAmong'];

export function registerExplainRoutes(app: OpenAPIHono, ctx: ApiContext, engine: LedgerService | string): void {
  const WhyQuery = whyQuery(ledgerYears(engine, ctx.evidence));
  const service = (): LedgerService => {
    if (typeof engine === 'string') throw new ApiProblem(503, { error: 'unavailable', message: `balance sheets are not available: ${engine}` });
    return engine;
  };

  serveRoute(app, createRoute({
    method: 'get', path: '/api/ledgers/{ally}/why', operationId: 'explainLedger', tags: [TAG], summary: 'Why an ally ranks where it does',
    description: 'The contributions that set the ally apart from the median ally of the year: for every line item and heading the points it gives the ally\'s net minus the median of the points it gives the ranked allies (liabilities negative), the largest first. The medians make a reference ally whose net is their sum, so the differences add up to the ally\'s net minus the reference net (reconciliation). With the rank, its robustness band, the neighbours in the ranking and what one point of each line is worth on the ally\'s ledger. CSV: one row per line item.',
    request: { params: AllyParams, query: WhyQuery },
    responses: {
      200: {
        description: 'Why this rank',
        content: {
          'application/json': { schema: WhyThisRankSchema },
          'text/csv': { schema: z.string().openapi({ description: 'one row per line item' }) },
        },
      },
      ...problemResponses,
      ...unavailableResponse,
    },
  }), (c) => {
    const s = service();
    const { ally } = validParams(c, AllyParams);
    const iso3 = ally.toUpperCase();
    const q = validQuery(c, WhyQuery);
    const year = s.checkYear(q.year);
    const weights = parseWeightOverrides(q.weights, s.methodology);
    if (!ctx.evidence.allies().some((a) => a.iso3 === iso3)) throw notFound(`"${ally}" is not a covered ally; see /api/allies`, 'ally');
    return cachedResponse(c, { cache: ctx.cache, version: `${ctx.evidenceVersion}.${s.version}` }, async () => {
      const ledger = s.ledger(year, weights, q.partners === 'true');
      if (!ledger.allies.some((a) => a.ally === iso3)) throw notAnAllyInYear(ctx.evidence, iso3, year, s.years, 'to see why it would rank where it does');
      const robustness = q.bands === 'false' ? null : await s.robustness(year, { weights });
      const why = whyThisRank(ledger, iso3, { robustness, methodology: withWeights(s.methodology, weights) });
      if (requestedFormat(c) === 'csv') return representTable({ name: `why-${iso3}-${year}`, columns: CSV_COLUMNS, rows: why.lines.map((l) => ({ ...l, line_group: l.group })) }, 'csv');
      return representJson({ hash: s.version, years: s.years, ...why });
    });
  });
}
