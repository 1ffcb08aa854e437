// The balance sheets as the API serves them: the methodology, ledgers by year (all allies,
// or one ally with the observations and sources behind every line), rankings with
// robustness bands, robustness runs and burden-sharing ratios. Weights may be overridden
// per request (`weights=item:2,item:0.5`), as the dashboard's weight sliders do.
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Source } from '../../../evidence/schema.ts';
import type { AllyLedger, LedgerLine, YearLedger } from '../../../method/ledger.ts';
import { ledgerCsv } from '../../../method/present.ts';
import type { RobustnessResult } from '../../../method/robustness.ts';
import type { ApiContext } from '../context.ts';
import { MAX_ROBUSTNESS_DRAWS } from '../heavy-jobs.ts';
import { notAnAllyInYear, parseWeightOverrides } from '../ledger-service.ts';
import type { LedgerService } from '../ledger-service.ts';
import { MEMBERSHIP_RULE } from '../../../method/membership.ts';
import { activeJudgmentSet } from '../judgment-scope.ts';
import { ApiProblem, notFound } from '../problem.ts';
import { ledgerYears, wholeNumber, yearParam } from '../params.ts';
import type { YearRange } from '../params.ts';
import { FormatParam, cachedResponse, representJson, representTable, requestedFormat } from '../representation.ts';
import type { CacheScope } from '../representation.ts';
import { jsonOrCsvResponses, problemResponses, serveRoute, tableResponses, unavailableResponse, validParams, validQuery } from '../route-kit.ts';
import { MethodologyExplainedShape, methodologyExplained } from './explain.ts';

const TAG = 'Balance sheets';

const WeightsParam = z.string().min(1, 'empty: give item_id:weight pairs or leave the parameter out').optional().openapi({
  description: 'weights that replace the methodology\'s, item_id:weight comma-separated (e.g. defense_effort:2,free_riding_gap:0.5); see /api/methodology for the items',
});
const RegionFilter = z.enum(['asia', 'europe', 'americas', 'middle-east', 'africa', 'all']).optional();

const LineSchema = z.object({
  item: z.string(), side: z.enum(['asset', 'liability']), group: z.string(), label: z.string(), unit: z.string(),
  raw: z.number().nullable().describe('raw value of the measure; null: missing'),
  low: z.number().nullable(), high: z.number().nullable(),
  score: z.number().nullable().describe('0-100 among the covered allies of the year'),
  weight: z.number(), share: z.number(), contribution: z.number().nullable(),
  rank: z.number().int().nullable(), rankedAmong: z.number().int(),
  missing: z.boolean(), imputed: z.boolean(), reason: z.string().nullable(), flags: z.array(z.string()),
  sources: z.array(z.string()).describe('every source id behind the line'),
  stoodIn: z.array(z.string()).describe('what stood in for a missing part of a present value (why the part was missing, what counted instead); empty when nothing did'),
}).openapi('LedgerLine');

const Standing = z.enum(['treaty', 'mnna', 'treated-as-mnna', 'partner', 'none']);
const MembershipBasisSchema = z.object({
  commitment: z.string(), name: z.string(), kind: z.string(), status: z.string(), gives: Standing,
  from: z.string().describe('date from which it binds (ISO, at the source\'s precision); for an announced designation, the date announced'),
  to: z.string().describe('date it ended; empty while in force'), sources: z.array(z.string()), locator: z.string(),
}).openapi('MembershipBasis');
const StandingSchema = z.object({
  ally: z.string(), year: z.number().int(), standing: Standing, allied: z.boolean().describe('one of the year\'s allies (treaty, mnna, treated-as-mnna)'),
  basis: z.array(MembershipBasisSchema).describe('the ties in force on 31 December of the year, the one that sets the standing first'),
  since: z.string().nullable(), label: z.string().describe('e.g. "NATO since 2004", "MNNA since 2022", "partner"'), reason: z.string(),
  // A union, not .nullable(): the generator writes a nullable reference as allOf [ref, null], which no null satisfies.
  next: z.union([MembershipBasisSchema, z.null()]), announced: z.union([MembershipBasisSchema, z.null()]), sources: z.array(z.string()),
}).openapi('AllyStanding');

const AllyLedgerSchema = z.object({
  ally: z.string(), name: z.string(), region: z.string().nullable(), year: z.number().int(),
  assets: z.number().nullable(), liabilities: z.number().nullable(), net: z.number().nullable(),
  ranked: z.boolean(), rank: z.number().int().nullable(),
  coverage: z.object({ assets: z.number(), liabilities: z.number(), overall: z.number(), itemsObserved: z.number(), itemsImputed: z.number(), itemsMissing: z.number(), itemsTotal: z.number() }),
  membership: StandingSchema.describe('the country\'s standing in the year and its basis'),
  partner: z.boolean().describe('a partner shown on request (partners=true): scored on the allies\' scale, never ranked'),
  lines: z.array(LineSchema),
}).openapi('AllyLedger');

const MembershipMeta = z.object({
  date: z.string(), counts: z.record(Standing, z.number().int()), partners: z.array(z.string()), partnersShown: z.boolean(),
}).describe(MEMBERSHIP_RULE);

const RankingRow = z.object({
  rank: z.number().int().nullable(), region_rank: z.number().int().nullable(), ally: z.string(), name: z.string(), region: z.string().nullable(),
  standing: Standing.describe('standing on 31 December of the year'), standing_label: z.string().describe('e.g. "NATO since 2004"'),
  partner: z.boolean().describe('a partner shown on request: not ranked'),
  assets: z.number().nullable(), liabilities: z.number().nullable(), net: z.number().nullable(), coverage: z.number(),
  net_low: z.number().nullable().describe('robustness interval of the net'), net_high: z.number().nullable(),
  rank_low: z.number().int().nullable().describe('robustness interval of the rank'), rank_high: z.number().int().nullable(),
  p_net_positive: z.number().nullable(),
}).openapi('RankingRow');

const AllyParams = z.object({ ally: z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter ISO code such as JPN').openapi({ param: { name: 'ally', in: 'path' }, example: 'JPN' }) });

/** The query schemas of the ledger routes: years range over the years the methodology covers. */
function ledgerQueries(years: YearRange) {
  const YearQuery = z.object({ year: yearParam(years).optional().openapi({ description: 'default: the latest year the methodology covers' }), weights: WeightsParam, format: FormatParam }).strict();
  const PartnersParam = z.enum(['true', 'false']).optional().openapi({
    description: 'true: also show the year\'s partners (covered countries that are neither treaty allies nor major non-NATO allies, e.g. Saudi Arabia), scored on the allies\' scale, flagged partner and never ranked (default false)',
  });
  const RegionYearQuery = YearQuery.extend({ region: RegionFilter, partners: PartnersParam }).strict();
  const AllyQuery = YearQuery.extend({ partners: PartnersParam }).strict();
  const RankingsQuery = RegionYearQuery.extend({
    bands: z.enum(['true', 'false']).optional().openapi({ description: 'include robustness bands (default true)' }),
  }).strict();
  const RobustnessQuery = YearQuery.extend({
    draws: wholeNumber('a whole number of draws', 100, MAX_ROBUSTNESS_DRAWS).optional().openapi({ description: `robustness draws (default: the methodology's; at most ${MAX_ROBUSTNESS_DRAWS.toLocaleString('en-US')}: more is a 400). Runs in the server's bounded heavy-work queue; a full queue answers 503 with Retry-After` }),
    seed: wholeNumber('a whole-number seed', 0, 2 ** 31 - 1).optional(),
  }).strict();
  const BurdenQuery = z.object({ year: yearParam(years).optional(), format: FormatParam }).strict();
  return { YearQuery, RegionYearQuery, AllyQuery, RankingsQuery, RobustnessQuery, BurdenQuery };
}
/** Team mode only: the judgment set a ledger was computed with. */
const JudgmentSetMeta = z.number().int().optional().describe('team mode: the version of the published judgment set used (also the X-Judgment-Set header); every judgment line names its raters, round, spread and set version under provenance');

const MethodologyQuery = z.object({ format: z.enum(['json', 'yaml']).optional().openapi({ description: 'json (default) or yaml: the methodology file as shipped' }) }).strict();

/** A line without the observations behind it: what ranking views and the browser's recompute need. */
function slimLine(line: LedgerLine) {
  const { observations: _o, judgments: _j, tables: _t, ...rest } = line;
  return rest;
}

function slimLedger(l: AllyLedger) {
  return { ...l, lines: l.lines.map(slimLine) };
}

export function rankingTable(ledger: YearLedger, robustness: RobustnessResult | null, region: string | undefined) {
  const bands = new Map((robustness?.allies ?? []).map((a) => [a.ally, a]));
  // Allies by rank, the unranked ones, then the partners shown (never ranked).
  const rows = ledger.allies
    .filter((a) => !region || region === 'all' || a.region === region)
    .sort((x, y) => Number(x.partner) - Number(y.partner) || (x.rank ?? Infinity) - (y.rank ?? Infinity) || (x.ally < y.ally ? -1 : 1));
  let regionRank = 0;
  return rows.map((a) => {
    const b = bands.get(a.ally);
    return {
      rank: a.rank, region_rank: a.rank === null ? null : ++regionRank, ally: a.ally, name: a.name, region: a.region,
      standing: a.membership.standing, standing_label: a.membership.label, partner: a.partner,
      assets: a.assets, liabilities: a.liabilities, net: a.net, coverage: a.coverage.overall,
      net_low: b?.net.low ?? null, net_high: b?.net.high ?? null,
      rank_low: b?.rankInterval[0] ?? null, rank_high: b?.rankInterval[1] ?? null,
      p_net_positive: b?.pNetPositive ?? null,
    };
  });
}

export function registerLedgerRoutes(app: OpenAPIHono, ctx: ApiContext, engine: LedgerService | string): void {
  const { RegionYearQuery, AllyQuery, RankingsQuery, RobustnessQuery, BurdenQuery } = ledgerQueries(ledgerYears(engine, ctx.evidence));
  const service = (): LedgerService => {
    if (typeof engine === 'string') throw new ApiProblem(503, { error: 'unavailable', message: `balance sheets are not available: ${engine}` });
    return engine;
  };
  const scope = (): CacheScope => ({ cache: ctx.cache, version: `${ctx.evidenceVersion}.${service().version}` });
  const meta = (s: LedgerService, year: number) => ({
    methodology: { id: s.methodology.methodology, version: s.methodology.version, hash: s.version },
    year,
    years: s.years,
    // Team mode: the published judgment set the result was computed with (also X-Judgment-Set).
    ...(activeJudgmentSet() ? { judgment_set: activeJudgmentSet()!.version } : {}),
  });
  const weightsOf = (c: Context, s: LedgerService) => parseWeightOverrides(c.req.query('weights'), s.methodology);

  serveRoute(app, createRoute({
    method: 'get', path: '/api/methodology', operationId: 'getMethodology', tags: [TAG], summary: 'The balance-sheet methodology',
    description: 'The shipped methodology: line items (side, group, measure, normalization, weight, missing-data policy, rationale, citations), robustness settings and the years covered; and every line in words (construct, formula, normalization, weight, what one point of it is worth in the net, rationale, citations with the source\'s citation text) with the worth of every heading. format=yaml gives the file itself, to edit and load back as your own.',
    request: { query: MethodologyQuery },
    responses: {
      200: {
        description: 'The methodology, and every line in words with what a point of it is worth',
        content: {
          'application/json': { schema: z.object({ hash: z.string(), years: z.object({ first: z.number().int(), latest: z.number().int() }), methodology: z.record(z.string(), z.unknown()), ...MethodologyExplainedShape }) },
          'application/yaml': { schema: z.string() },
        },
      },
      ...problemResponses,
      ...unavailableResponse,
    },
  }), (c) => {
    const s = service();
    const q = validQuery(c, MethodologyQuery);
    return cachedResponse(c, scope(), () => (q.format === 'yaml'
      ? { body: s.methodologyText, contentType: 'application/yaml; charset=utf-8', filename: `${s.methodology.methodology}.yaml` }
      : representJson({ hash: s.version, years: s.years, methodology: s.methodology, ...methodologyExplained(s, ctx) })));
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/ledgers', operationId: 'listLedgers', tags: [TAG], summary: 'Ledgers of the allies of a year',
    description: `For every ally of the year: assets, liabilities, net, rank, coverage and standing, and per line item the raw value, score, weight, contribution and rank (without the observations; ask /api/ledgers/{ally} for those). partners=true adds the year's partners, unranked. CSV: one row per ally and line item. ${MEMBERSHIP_RULE}`,
    request: { query: RegionYearQuery },
    responses: { ...tableResponses(AllyLedgerSchema, 'Ledgers, by ally', { methodology: z.object({ id: z.string(), version: z.string(), hash: z.string() }), year: z.number().int(), rankedCount: z.number().int(), membership: MembershipMeta, judgment_set: JudgmentSetMeta }), ...unavailableResponse },
  }), (c) => {
    const s = service();
    const q = validQuery(c, RegionYearQuery);
    const year = s.checkYear(q.year);
    const weights = weightsOf(c, s);
    return cachedResponse(c, scope(), () => {
      const ledger = s.ledger(year, weights, q.partners === 'true');
      const allies = ledger.allies.filter((a) => !q.region || q.region === 'all' || a.region === q.region);
      if (requestedFormat(c) === 'csv') return { body: ledgerCsv(allies), contentType: 'text/csv; charset=utf-8', filename: `ledgers-${year}.csv` };
      return representJson({ ...meta(s, year), rankedCount: ledger.rankedCount, membership: ledger.membership, count: allies.length, rows: allies.map(slimLedger) });
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/ledgers/{ally}', operationId: 'getLedger', tags: [TAG], summary: 'One ally\'s balance sheet',
    description: 'The T-account of one ally: every line with its value, score, rank among the allies, weight and contribution, and the observations (value, year, source, locator) and judgments behind it; its standing in the year; the sources cited, with citation and terms. A covered country that is not one of the year\'s allies gets 404 saying why (Finland in 2000: joined NATO in 2023); a partner (Saudi Arabia) is shown, unranked, with partners=true.',
    request: { params: AllyParams, query: AllyQuery },
    responses: { ...jsonOrCsvResponses(AllyLedgerSchema.extend({ rankedCount: z.number().int(), sources: z.array(Source), judgment_set: JudgmentSetMeta }), 'The ledger', 'one row per line item of the ally (format=csv or Accept: text/csv)'), ...unavailableResponse },
  }), (c) => {
    const s = service();
    const { ally } = validParams(c, AllyParams);
    const iso3 = ally.toUpperCase();
    const q = validQuery(c, AllyQuery);
    const year = s.checkYear(q.year);
    const weights = weightsOf(c, s);
    if (!ctx.evidence.allies().some((a) => a.iso3 === iso3)) throw notFound(`"${ally}" is not a covered ally; see /api/allies`, 'ally');
    const partners = q.partners === 'true';
    const ledger = s.ledger(year, weights, partners);
    const mine = ledger.allies.find((a) => a.ally === iso3);
    if (!mine) throw notAnAllyInYear(ctx.evidence, iso3, year, s.years, 'to see its sheet');
    return cachedResponse(c, scope(), () => {
      if (requestedFormat(c) === 'csv') return { body: ledgerCsv([mine]), contentType: 'text/csv; charset=utf-8', filename: `ledger-${iso3}-${year}.csv` };
      const cited = new Set(mine.lines.flatMap((l) => l.sources));
      return representJson({
        ...meta(s, year), ...mine, rankedCount: ledger.rankedCount,
        sources: ctx.evidence.sources.filter((x) => cited.has(x.id)),
      });
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/rankings', operationId: 'getRankings', tags: [TAG], summary: 'Ranking of the allies by net balance',
    description: 'The allies of the year by net balance (assets minus liabilities), each with its standing (e.g. NATO since 2004), with the robustness bands of the net and the rank under the methodology\'s weight and data draws. region filters the rows (region_rank is the rank within the region; rank among all allies). partners=true lists the year\'s partners after the allies, flagged and unranked.',
    request: { query: RankingsQuery },
    responses: { ...tableResponses(RankingRow, 'Ranking', { methodology: z.object({ id: z.string(), version: z.string(), hash: z.string() }), year: z.number().int(), draws: z.number().int().nullable(), judgment_set: JudgmentSetMeta }), ...unavailableResponse },
  }), (c) => {
    const s = service();
    const q = validQuery(c, RankingsQuery);
    const year = s.checkYear(q.year);
    const weights = weightsOf(c, s);
    return cachedResponse(c, scope(), async () => {
      const ledger = s.ledger(year, weights, q.partners === 'true');
      const robustness = q.bands === 'false' ? null : await s.robustness(year, { weights, signal: c.req.raw.signal });
      return representTable({
        name: `rankings-${year}${q.region && q.region !== 'all' ? `-${q.region}` : ''}`,
        columns: Object.keys(RankingRow.shape),
        rows: rankingTable(ledger, robustness, q.region),
        meta: { ...meta(s, year), membership: ledger.membership, draws: robustness?.draws ?? null, interval: robustness?.interval ?? null, pSameOrder: robustness?.pSameOrder ?? null },
      }, requestedFormat(c));
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/robustness', operationId: 'getRobustness', tags: [TAG], summary: 'Robustness of the ranking',
    description: 'The ledger recomputed under many draws of the weights (and of data and judgments within their ranges): intervals of every ally\'s assets, liabilities and net, rank probabilities, and the share of draws that keep the whole ranking. Deterministic for a seed. CSV: one row per ally.',
    request: { query: RobustnessQuery },
    responses: { ...jsonOrCsvResponses(z.record(z.string(), z.unknown()), 'Robustness result', 'one row per ally: ranks, net, assets and liabilities intervals'), ...unavailableResponse },
  }), (c) => {
    const s = service();
    const q = validQuery(c, RobustnessQuery);
    const year = s.checkYear(q.year);
    const weights = weightsOf(c, s);
    return cachedResponse(c, scope(), async () => {
      const r = await s.robustness(year, { draws: q.draws, seed: q.seed, weights, signal: c.req.raw.signal });
      const rows = r.allies.map((a) => ({
        ally: a.ally, baseline_rank: a.baseline.rank, modal_rank: a.modalRank, rank_low: a.rankInterval[0], rank_high: a.rankInterval[1],
        net: a.baseline.net, net_low: a.net.low, net_high: a.net.high, assets_low: a.assets.low, assets_high: a.assets.high,
        liabilities_low: a.liabilities.low, liabilities_high: a.liabilities.high, p_net_positive: a.pNetPositive,
      }));
      if (requestedFormat(c) === 'csv') return representTable({ name: `robustness-${year}`, columns: Object.keys(rows[0] ?? { ally: '' }), rows }, 'csv');
      return representJson({ ...meta(s, year), ...r });
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/burden', operationId: 'getBurdenSharing', tags: [TAG], summary: 'Burden-sharing ratios',
    description: 'The DoD ratio for each contribution: a country\'s share of the allied total divided by its share of the allied total of the contribution\'s ability measure (GDP for spending, labour force or its stated proxy for personnel); about 1 is a fair share. Level contributions (DoD\'s offset share) are shown as values, not ratios; no ratio over fewer than min_countries countries. Every value carries its year. CSV: one row per country and contribution.',
    request: { query: BurdenQuery },
    responses: { ...jsonOrCsvResponses(z.record(z.string(), z.unknown()), 'Burden-sharing report', 'one row per country and contribution'), ...unavailableResponse },
  }), (c) => {
    const s = service();
    const q = validQuery(c, BurdenQuery);
    const year = s.checkYear(q.year);
    return cachedResponse(c, scope(), () => {
      const report = s.burden(year);
      if (requestedFormat(c) !== 'csv') return representJson({ ...meta(s, year), ...report });
      const rows = report.rows.flatMap((r) => report.contributions.map((k) => {
        const cell = r.cells[k.id];
        return {
          country: r.country, name: r.name, ally: r.ally, contribution: k.id, value: cell?.contribution?.value ?? null, value_year: cell?.contribution?.year ?? null,
          unit: k.unit, measure: k.measure, ability_indicator: k.ability?.indicator ?? null, ability_proxy: k.ability?.proxy ?? null,
          ability: cell?.ability?.value ?? null, ability_year: cell?.ability?.year ?? null,
          share: cell?.share ?? null, ability_share: cell?.abilityShare ?? null, ratio: cell?.ratio ?? null, rank: cell?.rank ?? null,
          source: cell?.contribution?.observation.source ?? null, locator: cell?.contribution?.observation.locator ?? null, reason: cell?.reason ?? null,
        };
      }));
      return representTable({ name: `burden-${year}`, columns: Object.keys(rows[0] ?? { country: '' }), rows }, 'csv');
    });
  });
}
