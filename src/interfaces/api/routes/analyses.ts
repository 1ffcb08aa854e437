// The comparative analyses as the API serves them: allies compared with the sources of every
// row, the asymmetry profile of an ally, tiers, alliance histories (Kaplan-Meier survival,
// base rates with their definitions, the age of each U.S. alliance), the claims checked
// against the evidence, and the allied network of a year with the lattice index over time.
// Each is computed once per request and kept in the response cache: the results are fixed by
// the evidence version and the shipped methodology, claims and interest files.
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Ally } from '../../../evidence/load.ts';
import { readableAllianceName } from '../../../analyses/alliance-names.ts';
import { commitmentNames, readAllianceEvidence } from '../../../analyses/alliances.ts';
import type { AllianceEvidence } from '../../../analyses/alliances.ts';
import { asymmetryProfile } from '../../../analyses/asymmetry.ts';
import { checkClaims } from '../../../analyses/claims.ts';
import type { ClaimCheck, ClaimRegistry } from '../../../analyses/claims.ts';
import { compareAllies, comparedAllies } from '../../../analyses/comparison.ts';
import { loadClaimRegistry, loadInterestMap } from '../../../analyses/files.ts';
import { DURATION_DEFINITIONS, GROUPINGS, memberExitModes, recordedInForce, summarizeGrouping, TERMINATION_MODES, usAllianceAges } from '../../../analyses/history.ts';
import { checkInterestMap } from '../../../analyses/interests.ts';
import type { InterestMap } from '../../../analyses/interests.ts';
import { allianceMemberships, groupingMemberships, latticeSeries, NETWORK_DEFINITIONS, networkNodes, networkYear } from '../../../analyses/network.ts';
import type { NetworkMembership, NetworkNode } from '../../../analyses/network.ts';
import { MAX_TIERS } from '../../../analyses/tiers.ts';
import type { ApiContext } from '../context.ts';
import { MAX_TIER_DRAWS } from '../heavy-jobs.ts';
import { heavyWork } from '../heavy-work.ts';
import type { LedgerService } from '../ledger-service.ts';
import { ApiProblem, invalidField, notFound } from '../problem.ts';
import { CountryList, ledgerYears, wholeNumber, yearParam } from '../params.ts';
import type { YearRange } from '../params.ts';
import { FormatParam, assertFormat, cachedResponse, representJson, representTable, requestedFormat } from '../representation.ts';
import type { CacheScope } from '../representation.ts';
import { jsonResponses, serveRoute, tableResponses, unavailableResponse, validParams, validQuery } from '../route-kit.ts';

const TAG = 'Analyses';

/** Years the network and the asymmetry profile cover when the engine cannot say (ATOP carried forward to the curated 2024 record). */
const FIRST_NETWORK_YEAR = 1946;
const FALLBACK_LATEST_YEAR = 2024;
const MAX_COMPARED = 6;

const AllyParams = z.object({ ally: z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter ISO code such as JPN').openapi({ param: { name: 'ally', in: 'path' }, example: 'JPN' }) });

/** The alliance ages of /api/history can be taken at the end of any year from ATOP's last (2018). */
const AS_OF_YEARS: YearRange = { first: 2018, latest: 2100 };

/** The query schemas of the analyses: years range over the ledger years (ledger) or the network's (1946 to the latest). */
function analysisQueries(ledger: YearRange, network: YearRange) {
  const CompareQuery = z.object({
    allies: CountryList.openapi({ description: `covered allies, ISO codes comma-separated (at most ${MAX_COMPARED})`, example: 'JPN,KOR,DEU' }),
    year: yearParam(ledger).optional().openapi({ description: 'ledger year; default the latest the methodology covers' }),
    format: FormatParam,
  }).strict();
  const AsymmetryQuery = z.object({
    year: yearParam(network).optional().openapi({ description: 'year of the capability, basing and cost figures (latest value at or before it)' }),
    format: z.enum(['json']).optional(),
  }).strict();
  const TiersQuery = z.object({
    year: yearParam(ledger).optional(),
    tiers: wholeNumber('a whole number of tiers', 2, MAX_TIERS).optional().openapi({ description: 'number of clusters (default 4)' }),
    draws: wholeNumber('a whole number of draws', 0, MAX_TIER_DRAWS).optional().openapi({ description: `robustness draws for the stability of each placement (default 500, at most ${MAX_TIER_DRAWS.toLocaleString('en-US')}); run in the server's bounded heavy-work queue (503 with Retry-After when full)` }),
    format: FormatParam,
  }).strict();
  const HistoryQuery = z.object({
    by: z.enum(['type', ...Object.keys(GROUPINGS)] as [string, ...string[]]).optional().openapi({ description: 'grouping of the alliances (default overview); type gives every grouping' }),
    as_of: yearParam(AS_OF_YEARS).optional().openapi({ description: 'year at whose end the U.S. alliances are aged (default 2024)' }),
    format: FormatParam,
  }).strict();
  const ClaimsQuery = z.object({
    ally: z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter ISO code such as JPN').optional().openapi({ description: 'only the claims whose readings are about this country' }),
    format: FormatParam,
  }).strict();
  const NetworkQuery = z.object({
    year: yearParam(network).optional().openapi({ description: 'year of the network (default the latest)' }),
    max_members: wholeNumber('a whole number of members', 2, 200).optional()
      .openapi({ description: 'leave out instruments with more members than this (e.g. 10 drops NATO and the Rio Treaty)' }),
    format: FormatParam,
  }).strict();
  return { CompareQuery, AsymmetryQuery, TiersQuery, HistoryQuery, ClaimsQuery, NetworkQuery };
}

const Loose = z.record(z.string(), z.unknown());

/** The countries a claim's readings are about (the claim registry names them per reading). */
function countriesOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) countriesOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'country' || key === 'counterpart') && typeof v === 'string') out.add(v);
      else countriesOf(v, out);
    }
  }
  return out;
}

/** Inputs read once per server: ATOP and the curated commitments, the network memberships, the claims and the interest map. */
class AnalysisInputs {
  private allianceEvidence: AllianceEvidence | null = null;
  private network: { nodes: NetworkNode[]; memberships: NetworkMembership[] } | null = null;
  private claims: Promise<{ registry: ClaimRegistry; checks: ClaimCheck[] }> | null = null;
  private interests: Promise<InterestMap> | null = null;
  /** The lattice index for every year, per member limit: the year slider asks for it again and again. */
  private readonly series = new Map<string, ReturnType<typeof latticeSeries>>();

  constructor(private readonly ctx: ApiContext) {}

  alliances(): AllianceEvidence {
    return (this.allianceEvidence ??= readAllianceEvidence(this.ctx.evidence));
  }

  networkInputs(): { nodes: NetworkNode[]; memberships: NetworkMembership[] } {
    if (!this.network) {
      const { alliances, members, commitments } = this.alliances();
      const memberships = [
        ...allianceMemberships(alliances, members, commitments, commitmentNames(commitments)),
        ...groupingMemberships(this.ctx.evidence.table('groupings'), this.ctx.evidence.table('grouping_members')),
      ];
      this.network = { memberships, nodes: networkNodes(this.ctx.evidence.allies(), memberships, (iso) => this.ctx.evidence.country(iso)) };
    }
    return this.network;
  }

  latticeSeries(last: number, maxMembers: number | undefined): ReturnType<typeof latticeSeries> {
    const key = `${last}|${maxMembers ?? ''}`;
    let series = this.series.get(key);
    if (!series) {
      const { nodes, memberships } = this.networkInputs();
      const years = Array.from({ length: last - FIRST_NETWORK_YEAR + 1 }, (_, i) => FIRST_NETWORK_YEAR + i);
      series = latticeSeries(years, nodes, memberships, { maxMembers });
      this.series.set(key, series);
    }
    return series;
  }

  checkedClaims(): Promise<{ registry: ClaimRegistry; checks: ClaimCheck[] }> {
    this.claims ??= loadClaimRegistry(this.ctx.evidence).then((registry) => {
      const { alliances, members, commitments } = this.alliances();
      return { registry, checks: checkClaims(registry, { evidence: this.ctx.evidence, alliances, members, commitments }) };
    });
    this.claims.catch(() => { this.claims = null; });
    return this.claims;
  }

  interestMap(): Promise<InterestMap> {
    this.interests ??= loadInterestMap(this.ctx.evidence);
    this.interests.catch(() => { this.interests = null; });
    return this.interests;
  }
}

function claimRow(c: ClaimCheck, countries: string[]) {
  return {
    id: c.claim.id, verdict: c.verdict, topic: c.claim.topic, statement: c.claim.statement, source: c.claim.source, locator: c.claim.locator,
    year: c.claim.year, countries, summary: c.summary,
  };
}

export function registerAnalysisRoutes(app: OpenAPIHono, ctx: ApiContext, engine: LedgerService | string): void {
  const inputs = new AnalysisInputs(ctx);
  const service = (): LedgerService => {
    if (typeof engine === 'string') throw new ApiProblem(503, { error: 'unavailable', message: `balance sheets are not available: ${engine}` });
    return engine;
  };
  const evidenceScope = (): CacheScope => ({ cache: ctx.cache, version: `${ctx.evidenceVersion}.${typeof engine === 'string' ? 'no-engine' : engine.version}.analyses` });
  const latest = () => (typeof engine === 'string' ? FALLBACK_LATEST_YEAR : Math.max(engine.years.latest, FALLBACK_LATEST_YEAR));
  const { CompareQuery, AsymmetryQuery, TiersQuery, HistoryQuery, ClaimsQuery, NetworkQuery } = analysisQueries(ledgerYears(engine, ctx.evidence), { first: FIRST_NETWORK_YEAR, latest: latest() });
  const coveredAlly = (code: string, field: string): Ally => {
    const ally = ctx.evidence.allies().find((a) => a.iso3 === code.toUpperCase());
    if (!ally) throw field === 'ally' ? notFound(`"${code}" is not a covered ally; see /api/allies`, field) : invalidField(field, `"${code}" is not a covered ally; see /api/allies`);
    return ally;
  };

  serveRoute(app, createRoute({
    method: 'get', path: '/api/compare', operationId: 'compareAllies', tags: [TAG], summary: 'Allies side by side, with the sources of every row',
    description: 'For each ally: the U.S. commitment and the obligations both ways (ATOP), key evidence (GDP, military spending, U.S. troops, host-nation support), the ledger totals and rank, interests served and compromises accepted, tier and nearest ally. Every cell carries the citations behind it. CSV: one row per comparison row, one column per ally.',
    request: { query: CompareQuery },
    responses: { ...tableResponses(Loose, 'Comparison rows', { year: z.number().int(), allies: z.array(Loose), notes: z.array(z.string()) }), ...unavailableResponse },
  }), (c) => {
    const s = service();
    const q = validQuery(c, CompareQuery);
    const chosen = [...new Map(q.allies.split(',').map((code) => coveredAlly(code, 'allies')).map((a) => [a.iso3, a])).values()];
    if (chosen.length > MAX_COMPARED) throw invalidField('allies', `at most ${MAX_COMPARED} allies side by side (given ${chosen.length})`);
    const year = s.checkYear(q.year);
    return cachedResponse(c, evidenceScope(), async () => {
      const ledger = s.ledger(year);
      const covered = ctx.evidence.allies();
      const { members, commitments } = inputs.alliances();
      const map = checkInterestMap(await inputs.interestMap(), s.methodology, 'methods/interests.yaml');
      const { compared } = comparedAllies({
        evidence: ctx.evidence, commitments, members, ledger, robustness: s.methodology.robustness, interests: map, covered: covered.map((a) => a.iso3), tierDraws: 0,
      }, chosen);
      const table = compareAllies(ctx.evidence, compared, year);
      const cited = new Set(table.rows.flatMap((r) => r.sources));
      if (requestedFormat(c) === 'csv') {
        const rows = table.rows.map((r) => ({ line_group: r.group, label: r.label, ...Object.fromEntries(table.allies.map((a, i) => [a.iso3, r.cells[i].text])), sources: r.sources }));
        return representTable({ name: `compare-${table.allies.map((a) => a.iso3).join('-')}-${year}`, columns: ['line_group', 'label', ...table.allies.map((a) => a.iso3), 'sources'], rows }, 'csv');
      }
      return representJson({
        year, allies: table.allies, notes: table.notes, count: table.rows.length, rows: table.rows,
        sources: ctx.evidence.sources.filter((x) => cited.has(x.id)),
      });
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/asymmetry/{ally}', operationId: 'getAsymmetry', tags: [TAG], summary: 'The forms asymmetry takes between the U.S. and an ally',
    description: 'Obligations both ways (ATOP 5.1 and the curated commitments), capability ratios (to the U.S. and to the principal rival), U.S. basing, and the cost of U.S. forces against host-nation support, each value with its source and locator, and the definitions used.',
    request: { params: AllyParams, query: AsymmetryQuery },
    responses: jsonResponses(Loose, 'Asymmetry profile'),
  }), (c) => {
    const { ally } = validParams(c, AllyParams);
    const q = validQuery(c, AsymmetryQuery);
    assertFormat(q.format, ['json']);
    const found = coveredAlly(ally, 'ally');
    const year = q.year ?? latest();
    if (year < FIRST_NETWORK_YEAR || year > latest()) throw invalidField('year', `${year} is outside ${FIRST_NETWORK_YEAR}-${latest()}`);
    return cachedResponse(c, evidenceScope(), () => {
      const { members, commitments } = inputs.alliances();
      const profile = asymmetryProfile({ evidence: ctx.evidence, commitments, members, allies: ctx.evidence.allies().map((a) => a.iso3) }, found, year);
      return representJson(profile);
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/tiers', operationId: 'getTiers', tags: [TAG], summary: 'Clusters of allies with similar profiles (the multi-tiered structure)',
    description: 'The allies clustered (Ward) by ledger profile and the kind of U.S. commitment: clusters of similar profiles, numbered by their members\' mean net (not tiers of importance: an ally with a high net can sit in a cluster numbered low), with what sets each cluster apart and how often each ally stays in its cluster under robustness draws of the weights. CSV: one row per ally.',
    request: { query: TiersQuery },
    responses: { ...tableResponses(Loose, 'Cluster members (the field tier holds the cluster number)', { year: z.number().int(), tiers: z.array(Loose), definitions: z.array(z.string()) }), ...unavailableResponse },
  }), (c) => {
    const s = service();
    const q = validQuery(c, TiersQuery);
    const year = s.checkYear(q.year);
    return cachedResponse(c, evidenceScope(), async () => {
      const report = await heavyWork(s).run({ kind: 'tiers', year, tiers: q.tiers ?? 4, draws: q.draws ?? 500 }, c.req.raw.signal);
      const rows = report.tiers.flatMap((t) => t.members.map((m) => ({
        tier: t.tier, ally: m.ally, name: m.name, region: m.region, commitment: m.commitment.kind, net: m.net, stability: m.stability, imputed: m.imputed,
      })));
      if (requestedFormat(c) === 'csv') return representTable({ name: `tiers-${year}`, columns: Object.keys(rows[0] ?? { tier: 0 }), rows }, 'csv');
      const { merges: _merges, ...rest } = report;
      return representJson({ ...rest, count: rows.length, rows });
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/history', operationId: 'getAllianceHistory', tags: [TAG], summary: 'How long alliances last',
    description: 'Kaplan-Meier survival of ATOP 5.1 alliances by group (curves with 95% bands), the usual summaries under each stated definition (ended-only, naive, in force), how they ended, and the age and survival percentile of every U.S. alliance in force. Alliances in force are censored whatever their ATOP termination code. The median (kaplanMeier.medianEstimate) gives value (null when not reached), lowerBound, upperBound, reached and the wording ("at least N years" when not reached; "between a and b years" where the curve sits at exactly one half). CSV: one row per group.',
    request: { query: HistoryQuery },
    responses: tableResponses(Loose, 'Survival by group', { definitions: Loose, usAlliances: z.array(Loose) }),
  }), (c) => {
    const q = validQuery(c, HistoryQuery);
    const by = q.by ?? 'overview';
    const asOf = q.as_of ?? FALLBACK_LATEST_YEAR;
    if (asOf < 2018) throw invalidField('as_of', `${asOf} is before the end of ATOP's coverage (2018)`);
    return cachedResponse(c, evidenceScope(), () => {
      const { alliances, members, commitments } = inputs.alliances();
      const groupings = by === 'type' ? Object.keys(GROUPINGS).filter((g) => g !== 'overview') : [by];
      const groups = groupings.flatMap((g) => summarizeGrouping(g, alliances, { inForceLater: recordedInForce(commitments) }));
      if (requestedFormat(c) === 'csv') {
        const rows = groups.map((s) => ({
          group: s.group.id, label: s.group.label, definition: s.group.definition, n: s.n, ended: s.ended, censored: s.censored,
          // km_median is empty when the median is not reached; km_median_at_least then bounds it.
          km_median: s.kaplanMeier.median, km_median_reached: s.kaplanMeier.medianEstimate.reached, km_median_at_least: s.kaplanMeier.medianEstimate.lowerBound,
          km_median_text: s.kaplanMeier.medianEstimate.short,
          km_median_lower: s.kaplanMeier.medianLower, km_median_upper: s.kaplanMeier.medianUpper, km_restricted_mean: s.kaplanMeier.restrictedMean,
          ...Object.fromEntries(s.survivalAt.map((p) => [`in_force_at_${p.years}y`, p.share])),
          ended_only_mean: s.endedOnly.mean, ended_only_median: s.endedOnly.median, ended_only_share_6y_or_less: s.endedOnly.shareSixYearsOrLess,
          naive_mean: s.naive.mean, naive_median: s.naive.median,
        }));
        return representTable({ name: `history-${by}`, columns: Object.keys(rows[0] ?? { group: '' }), rows }, 'csv');
      }
      const names = commitmentNames(commitments);
      const usAlliances = usAllianceAges(alliances, members, asOf, commitments).map((a) => ({ ...a, name: readableAllianceName(a, names, (iso) => ctx.evidence.country(iso)?.name) }));
      return representJson({
        by, asOf, total: alliances.length, definitions: DURATION_DEFINITIONS, terminationModes: TERMINATION_MODES,
        groupings: Object.fromEntries(Object.entries(GROUPINGS).map(([id, g]) => [id, g.label])),
        count: groups.length,
        rows: groups.map((s) => ({ ...s, curve: { ...s.curve, steps: s.curve.steps.map((st) => ({ time: st.time, atRisk: st.atRisk, events: st.events, survival: st.survival, lower: st.lower, upper: st.upper })) } })),
        memberExits: memberExitModes(members),
        usAlliances,
        sources: ctx.evidence.sources.filter((x) => ['atop-5.1', 'kaplan-meier-1958', 'leeds-savun-2007'].includes(x.id)),
      });
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/claims', operationId: 'listClaims', tags: [TAG], summary: 'Claims checked against the evidence',
    description: 'Quantitative claims from the reference texts and the literature (curated/claims.yaml), each split into parts with the stated figure, every reading computed under its definition with the evidence behind it, a verdict per part and per claim (supported; depends on the definition, only where one definition supports every part; not supported, where some part is supported by no definition; not checkable) and the reason for it. ally= keeps the claims about one country. CSV: one row per claim.',
    request: { query: ClaimsQuery },
    responses: tableResponses(Loose, 'Checked claims'),
  }), (c) => {
    const q = validQuery(c, ClaimsQuery);
    const ally = q.ally?.toUpperCase();
    if (ally && !ctx.evidence.country(ally)) throw invalidField('ally', `"${q.ally}" is not a registered country; see /api/countries`);
    return cachedResponse(c, evidenceScope(), async () => {
      const { registry, checks } = await inputs.checkedClaims();
      const countries = new Map(registry.claims.map((cl) => [cl.id, [...countriesOf(cl)].sort()]));
      const chosen = checks.filter((ch) => !ally || countries.get(ch.claim.id)!.includes(ally));
      if (requestedFormat(c) === 'csv') {
        const rows = chosen.map((ch) => claimRow(ch, countries.get(ch.claim.id)!));
        return representTable({ name: `claims${ally ? `-${ally}` : ''}`, columns: Object.keys(claimRow(checks[0], [])), rows }, 'csv');
      }
      const cited = new Set(chosen.flatMap((ch) => [ch.claim.source, ...ch.parts.flatMap((p) => p.readings.flatMap((r) => r.evidence.map((e) => e.source))), ...ch.related.flatMap((r) => r.evidence.map((e) => e.source))]));
      return representJson({
        count: chosen.length,
        rows: chosen.map((ch) => ({ ...ch, countries: countries.get(ch.claim.id)! })),
        sources: ctx.evidence.sources.filter((x) => cited.has(x.id)),
      });
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/network', operationId: 'getNetwork', tags: [TAG], summary: 'The allied network in a year',
    description: 'Nodes (the U.S., the covered allies, partners in U.S. groupings) tied by shared alliances, minilateral groupings and access agreements in force that year; degree, betweenness and Louvain communities per node; the hub-and-spokes versus latticework index for the year and for every year since 1946. CSV: one row per node.',
    request: { query: NetworkQuery },
    responses: tableResponses(Loose, 'Nodes with centrality', { year: z.number().int(), ties: z.array(Loose), series: z.array(Loose), definitions: z.array(z.string()) }),
  }), (c) => {
    const q = validQuery(c, NetworkQuery);
    const last = latest();
    const year = q.year ?? last;
    if (year < FIRST_NETWORK_YEAR || year > last) throw invalidField('year', `${year} is outside the years of the network (${FIRST_NETWORK_YEAR}-${last})`);
    return cachedResponse(c, evidenceScope(), () => {
      const { nodes, memberships } = inputs.networkInputs();
      const options = { maxMembers: q.max_members };
      const net = networkYear(year, nodes, memberships, options);
      if (requestedFormat(c) === 'csv') {
        const rows = net.nodes.map((n) => ({ iso3: n.iso3, name: n.name, region: n.region, role: n.role, degree: n.degree, ally_ties: n.allyTies, tie_strength: n.tieStrength, betweenness: n.betweenness, community: n.community }));
        return representTable({ name: `network-${year}`, columns: Object.keys(rows[0] ?? { iso3: '' }), rows }, 'csv');
      }
      const series = inputs.latticeSeries(last, q.max_members);
      const cited = new Set(net.instruments.map((i) => i.source));
      return representJson({
        year, years: { first: FIRST_NETWORK_YEAR, latest: last }, options,
        count: net.nodes.length, rows: net.nodes, ties: net.ties, instruments: net.instruments, communities: net.communities, modularity: net.modularity, index: net.index,
        series, definitions: NETWORK_DEFINITIONS,
        sources: ctx.evidence.sources.filter((x) => cited.has(x.id)),
      });
    });
  });
}
