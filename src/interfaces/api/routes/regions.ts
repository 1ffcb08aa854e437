// The theaters side by side (src/analyses/regions.ts): Asia against Europe, or any regions
// chosen, in a year: the allies' nets (distribution), the line items that differ most, the
// regional medians and means over the ledgers of every year, and (a second route, through the
// heavy-work queue) how often the first region's median net exceeds the second's under the
// robustness draws. The CLI's `allies regions` prints the same functions' results.
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { compareTheaters, DEFAULT_REGIONS } from '../../../analyses/regions.ts';
import { Region } from '../../../evidence/schema.ts';
import type { ApiContext } from '../context.ts';
import { MAX_REGION_DRAWS } from '../heavy-jobs.ts';
import { heavyWork } from '../heavy-work.ts';
import type { LedgerService } from '../ledger-service.ts';
import { ApiProblem, invalidField } from '../problem.ts';
import { ledgerYears, wholeNumber, yearParam } from '../params.ts';
import { FormatParam, cachedResponse, representJson, representTable, requestedFormat } from '../representation.ts';
import type { CacheScope } from '../representation.ts';
import { jsonResponses, tableResponses, serveRoute, unavailableResponse, validQuery } from '../route-kit.ts';

const TAG = 'Analyses';
/** Draws of the regional robustness unless asked otherwise: modest, about a third of a second. */
export const DEFAULT_REGION_DRAWS = 2_000;

const Loose = z.record(z.string(), z.unknown());

const RegionList = z.string().regex(/^[a-z-]+(,[a-z-]+)+$/, 'two or more regions, comma-separated, e.g. asia,europe')
  .openapi({ description: `regions compared, comma-separated; the first two are set against each other (default ${DEFAULT_REGIONS.join(',')}; regions: ${Region.options.join(', ')})`, example: 'asia,europe' });

function parseRegions(raw: string | undefined): string[] {
  if (raw === undefined) return [...DEFAULT_REGIONS];
  const list = [...new Set(raw.split(','))];
  const bad = list.find((r) => !Region.safeParse(r).success);
  if (bad !== undefined) throw invalidField('regions', `"${bad}" is not a region; regions: ${Region.options.join(', ')}`);
  if (list.length < 2) throw invalidField('regions', 'name two different regions, e.g. asia,europe');
  return list;
}

export function registerRegionRoutes(app: OpenAPIHono, ctx: ApiContext, engine: LedgerService | string): void {
  const service = (): LedgerService => {
    if (typeof engine === 'string') throw new ApiProblem(503, { error: 'unavailable', message: `balance sheets are not available: ${engine}` });
    return engine;
  };
  const scope = (): CacheScope => ({ cache: ctx.cache, version: `${ctx.evidenceVersion}.${typeof engine === 'string' ? 'no-engine' : engine.version}.regions` });
  const years = ledgerYears(engine, ctx.evidence);
  const RegionsQuery = z.object({
    year: yearParam(years).optional().openapi({ description: 'ledger year (default the latest)' }),
    regions: RegionList.optional(),
    format: FormatParam,
  }).strict();
  const RobustnessQuery = z.object({
    year: yearParam(years).optional().openapi({ description: 'ledger year (default the latest)' }),
    regions: RegionList.optional(),
    draws: wholeNumber('a whole number of draws', 100, MAX_REGION_DRAWS).optional().openapi({ description: `robustness draws (default ${DEFAULT_REGION_DRAWS.toLocaleString('en-US')}, at most ${MAX_REGION_DRAWS.toLocaleString('en-US')}); run in the server's bounded heavy-work queue (503 with Retry-After when full)` }),
    seed: wholeNumber('a whole-number seed', 0, 2 ** 31 - 1).optional().openapi({ description: 'seed of the draws (default the methodology\'s)' }),
  }).strict();

  serveRoute(app, createRoute({
    method: 'get', path: '/api/regions', operationId: 'compareRegions', tags: [TAG], summary: 'The theaters side by side: Asia against Europe',
    description: 'For each region: its allies with net, assets, liabilities, global rank and standing, and the median, quartiles and mean of the ranked allies\' nets; per line item the mean points it gives the net in each region (over the ranked allies with a score; the allies without one listed as missing), with the difference between the first two regions; and for every ledger year the median and mean net of each region. Definitions and sources included. CSV: one row per line item.',
    request: { query: RegionsQuery },
    responses: { ...tableResponses(Loose, 'Line items by region', { year: z.number().int(), regions: z.array(z.string()), distribution: z.array(Loose), series: z.array(Loose), definitions: Loose }), ...unavailableResponse },
  }), (c) => {
    const s = service();
    const q = validQuery(c, RegionsQuery);
    const year = s.checkYear(q.year);
    const regions = parseRegions(q.regions);
    return cachedResponse(c, scope(), () => {
      const series = [];
      for (let y = s.years.first; y <= s.years.latest; y++) series.push(s.ledger(y));
      const report = compareTheaters(s.ledger(year), series, regions);
      if (requestedFormat(c) === 'csv') {
        const rows = report.items.map((i) => ({
          item: i.item, label: i.label, side: i.side, heading: i.group,
          ...Object.fromEntries(i.byRegion.flatMap((b) => [[`${b.region}_mean_points`, b.mean], [`${b.region}_n`, b.n], [`${b.region}_missing`, b.missing.join(' ')]])),
          difference: i.difference, sources: i.sources.join(' '),
        }));
        return representTable({ name: `regions-${regions.join('-')}-${year}`, columns: Object.keys(rows[0] ?? { item: '' }), rows }, 'csv');
      }
      const { items, ...rest } = report;
      const cited = new Set(report.sources);
      return representJson({ ...rest, count: items.length, rows: items, sources: ctx.evidence.sources.filter((x) => cited.has(x.id)) });
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/regions/robustness', operationId: 'regionRobustness', tags: [TAG], summary: 'How robust the difference between two theaters is',
    description: 'In each robustness draw of the year\'s ledger (the methodology\'s draws of weights, data and judgments), the median net of each of the first two regions\' ranked allies; the share of draws in which the first region\'s median exceeds the second\'s, and the interval of the difference. Runs in the heavy-work queue.',
    request: { query: RobustnessQuery },
    responses: { ...jsonResponses(Loose, 'Share of draws and interval of the difference in medians'), ...unavailableResponse },
  }), (c) => {
    const s = service();
    const q = validQuery(c, RobustnessQuery);
    const year = s.checkYear(q.year);
    const regions = parseRegions(q.regions);
    return cachedResponse(c, scope(), async () => {
      const result = await heavyWork(s).run({
        kind: 'regions', year, regions: [regions[0], regions[1]], draws: q.draws ?? DEFAULT_REGION_DRAWS, seed: q.seed ?? s.methodology.robustness.seed,
      }, c.req.raw.signal);
      return representJson(result);
    });
  });
}
