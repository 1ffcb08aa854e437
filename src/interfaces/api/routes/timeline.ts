// An ally over time (src/analyses/timeline.ts): net, assets, liabilities and rank in the ledger
// of every year (the service's own ledgers, as /api/ledgers/{ally}?year= serves them one by
// one), the events that moved them with their sources, and the two alliance ages with their
// definitions (the ledger line's and the History page's, from the same usAllianceAges).
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { commitmentNames, readAllianceEvidence } from '../../../analyses/alliances.ts';
import type { AllianceEvidence } from '../../../analyses/alliances.ts';
import { usAllianceAges } from '../../../analyses/history.ts';
import { allianceAges, allyTimeline, DEFAULT_THRESHOLDS } from '../../../analyses/timeline.ts';
import type { ApiContext } from '../context.ts';
import type { LedgerService } from '../ledger-service.ts';
import { ApiProblem, notFound } from '../problem.ts';
import { wholeNumber } from '../params.ts';
import { FormatParam, cachedResponse, representJson, representTable, requestedFormat } from '../representation.ts';
import type { CacheScope } from '../representation.ts';
import { serveRoute, tableResponses, unavailableResponse, validParams, validQuery } from '../route-kit.ts';

const TAG = 'Ledgers';
const Loose = z.record(z.string(), z.unknown());
const AllyParams = z.object({ ally: z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter ISO code such as JPN').openapi({ param: { name: 'ally', in: 'path' }, example: 'JPN' }) });

export function registerTimelineRoutes(app: OpenAPIHono, ctx: ApiContext, engine: LedgerService | string): void {
  const service = (): LedgerService => {
    if (typeof engine === 'string') throw new ApiProblem(503, { error: 'unavailable', message: `balance sheets are not available: ${engine}` });
    return engine;
  };
  const scope = (): CacheScope => ({ cache: ctx.cache, version: `${ctx.evidenceVersion}.${typeof engine === 'string' ? 'no-engine' : engine.version}.timeline` });
  let alliances: AllianceEvidence | null = null;
  const TimelineQuery = z.object({
    net: wholeNumber('a whole number of points', 1, 100).optional().openapi({ description: `a year-over-year change of the net of at least this many points is an event (default ${DEFAULT_THRESHOLDS.net})` }),
    rank: wholeNumber('a whole number of places', 1, 100).optional().openapi({ description: `a change of rank of at least this many places is an event (default ${DEFAULT_THRESHOLDS.rank})` }),
    format: FormatParam,
  }).strict();

  serveRoute(app, createRoute({
    method: 'get', path: '/api/ledgers/{ally}/timeline', operationId: 'getAllyTimeline', tags: [TAG], summary: 'An ally across every ledger year, with the events that moved it',
    description: 'Net, assets, liabilities, rank (of how many) and coverage in the ledger of every year the methodology covers (null in years it is no ally); events, each with its sources: the ties that made it an ally (accession, treaty, designation), changes of standing, and year-over-year moves of the net or rank above the thresholds with the lines that moved most; and the alliance ages a reader meets (the ledger line, the History page), each with its definition. CSV: one row per year.',
    request: { params: AllyParams, query: TimelineQuery },
    responses: { ...tableResponses(Loose, 'One row per year', { ally: z.string(), events: z.array(Loose), ages: z.array(Loose), definitions: Loose }), ...unavailableResponse },
  }), (c) => {
    const s = service();
    const { ally: code } = validParams(c, AllyParams);
    const q = validQuery(c, TimelineQuery);
    const ally = ctx.evidence.allies().find((a) => a.iso3 === code.toUpperCase());
    if (!ally) throw notFound(`"${code}" is not a covered ally; see /api/allies`, 'ally');
    return cachedResponse(c, scope(), () => {
      const ledgers = [];
      for (let y = s.years.first; y <= s.years.latest; y++) ledgers.push(s.ledger(y));
      const timeline = allyTimeline(ctx.evidence, ledgers, ally.iso3, { thresholds: { net: q.net ?? DEFAULT_THRESHOLDS.net, rank: q.rank ?? DEFAULT_THRESHOLDS.rank } });
      if (requestedFormat(c) === 'csv') {
        return representTable({ name: `timeline-${ally.iso3}`, columns: ['year', 'allied', 'standing', 'net', 'assets', 'liabilities', 'rank', 'rankedCount', 'coverage'], rows: timeline.years }, 'csv');
      }
      alliances ??= readAllianceEvidence(ctx.evidence);
      const latest = ledgers[ledgers.length - 1];
      const sheet = latest.allies.find((a) => a.ally === ally.iso3 && !a.partner) ?? null;
      const history = usAllianceAges(alliances.alliances, alliances.members, latest.year, alliances.commitments);
      const { ages, explained } = allianceAges(sheet, history, ally.iso3, commitmentNames(alliances.commitments), (iso) => ctx.evidence.country(iso)?.name);
      const { years, ...rest } = timeline;
      const cited = new Set([...timeline.events.flatMap((e) => e.sources), ...ages.flatMap((a) => a.sources)]);
      return representJson({
        ...rest, ages, agesExplained: explained, agesYear: latest.year, count: years.length, rows: years,
        sources: ctx.evidence.sources.filter((x) => cited.has(x.id)),
      });
    });
  });
}
