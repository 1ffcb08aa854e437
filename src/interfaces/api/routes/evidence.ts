// The evidence as the API serves it: countries, allies, indicators, sources (with BibTeX and
// CSL-JSON), observations with their source and locator, coverage and the evidence tables.
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { coverage } from '../../../evidence/check.ts';
import { Country, Indicator, Observation, OBSERVATION_COLUMNS, Source, SourceFile } from '../../../evidence/schema.ts';
import type { Observation as ObservationRow } from '../../../evidence/schema.ts';
import { toBibtex, toCslJson } from '../../../evidence/sources.ts';
import type { ApiContext } from '../context.ts';
import { invalidField, notFound } from '../problem.ts';
import { CountryList, IndicatorList, RegionParam, checkYearRange, observationYears, resolveCountries, resolveIndicators, wholeNumber, yearParam } from '../params.ts';
import type { YearRange } from '../params.ts';
import { FormatParam, cachedResponse, representJson, representTable, requestedFormat } from '../representation.ts';
import type { Representation, Table } from '../representation.ts';
import { jsonResponses, problemResponses, serveRoute, tableResponses, validParams, validQuery } from '../route-kit.ts';

const TAG = 'Evidence';

const AllyRow = z.object({
  iso3: z.string(),
  name: z.string(),
  region: z.string().nullable(),
  tier: z.string().describe('treaty | partner (as curated/allies.yaml states)'),
  basis: z.array(z.string()).describe('treaties and designations behind the relationship (nato, anzus, mnna, ...)'),
  reference: z.boolean().describe('named by the reference texts, so its coverage must be complete'),
}).openapi('Ally');

const CountriesQuery = z.object({ region: RegionParam, format: FormatParam }).strict();
const IndicatorsQuery = z.object({ format: FormatParam }).strict();
const SourcesQuery = z.object({
  format: z.enum(['json', 'csv', 'bibtex', 'csl']).optional().openapi({ description: 'json (default), csv, bibtex or csl (CSL-JSON for Zotero and Pandoc)' }),
}).strict();
const SourceParams = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'a source id such as sipri-milex-2025').openapi({ param: { name: 'id', in: 'path' }, example: 'sipri-milex-2025' }) });
/** The observation filters; years range over the years the evidence holds. */
const observationsQuery = (years: YearRange) => z.object({
  country: CountryList.optional().openapi({ example: 'JPN', description: 'ISO codes, comma-separated' }),
  indicator: IndicatorList.optional().openapi({ example: 'milex_share_gdp', description: 'indicator ids, comma-separated' }),
  counterpart: z.string().regex(/^[A-Za-z]{3}$/, 'an ISO 3166 alpha-3 code such as CHN').optional().openapi({ description: 'second country of dyadic indicators' }),
  source: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'a source id such as sipri-milex-2025').optional(),
  year: yearParam(years).optional(),
  from: yearParam(years).optional().openapi({ description: 'first year (inclusive)' }),
  to: yearParam(years).optional().openapi({ description: 'last year (inclusive)' }),
  present: z.enum(['true', 'false']).optional().openapi({ description: 'true: leave out rows flagged missing' }),
  limit: wholeNumber('a whole number of rows', 1, 100_000).optional()
    .openapi({ description: 'rows per page (default 10000)' }),
  offset: wholeNumber('a whole number of rows', 0, 100_000_000).optional(),
  format: FormatParam,
}).strict();
const TableParams = z.object({ name: z.string().regex(/^[a-z0-9_]+$/, 'a table name such as us_commitments').openapi({ param: { name: 'name', in: 'path' }, example: 'allies' }) });

// The evidence schemas come from src/evidence/schema.ts, built with plain zod perhaps before
// @hono/zod-openapi extended it: name them through new objects, never call .openapi() on them.
const CountrySchema = z.object(Country.shape).openapi('Country');
const IndicatorSchema = z.object({ ...Indicator.shape, sources: z.string().optional().describe('source ids that feed it, ";"-separated') }).openapi('Indicator');
const ObservationSchema = z.object(Observation.shape).openapi('Observation');
const SourceWithFiles = z.object({ ...Source.shape, files: z.array(z.object(SourceFile.shape).pick({ path: true, sha256: true, bytes: true })) }).openapi('Source');

const CoverageRow = z.object({
  iso3: z.string(), name: z.string(), region: z.string().nullable(), reference: z.boolean(), complete: z.boolean(),
  need: z.string(), indicator: z.string(), latest_year: z.number().int().nullable(), value: z.number().nullable(),
  source: z.string().nullable(), gap: z.string().nullable().describe('why there is no value'),
});

export function registerEvidenceRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  const { evidence } = ctx;
  const scope = { cache: ctx.cache, version: ctx.evidenceVersion };
  const ObservationsQuery = observationsQuery(observationYears(evidence));

  serveRoute(app, createRoute({
    method: 'get', path: '/api/countries', operationId: 'listCountries', tags: [TAG], summary: 'The country registry',
    description: 'ISO 3166 alpha-3 keys with Correlates of War codes and analytic regions; historical states carry ISO 3166-3 codes.',
    request: { query: CountriesQuery },
    responses: tableResponses(CountrySchema, 'Countries, by ISO code'),
  }), (c) => {
    const q = validQuery(c, CountriesQuery);
    return cachedResponse(c, scope, () => representTable({
      name: 'countries',
      columns: Object.keys(Country.shape),
      // The registry's CSV leaves the region (and COW letters) empty where there is none: null, as the schema says.
      rows: evidence.countries.filter((x) => !q.region || q.region === 'all' || x.region === q.region)
        .map((x) => ({ ...x, region: x.region || null, cowc: x.cowc || null })),
    }, requestedFormat(c)));
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/allies', operationId: 'listAllies', tags: [TAG], summary: 'The covered U.S. allies and partners',
    description: 'Treaty allies and key partners covered by the ledgers (curated/allies.yaml), with region, tier and the basis of the relationship.',
    request: { query: CountriesQuery },
    responses: tableResponses(AllyRow, 'Allies, by ISO code'),
  }), (c) => {
    const q = validQuery(c, CountriesQuery);
    return cachedResponse(c, scope, () => representTable({
      name: 'allies',
      columns: Object.keys(AllyRow.shape),
      rows: evidence.allies().filter((a) => !q.region || q.region === 'all' || a.region === q.region),
    }, requestedFormat(c)));
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/indicators', operationId: 'listIndicators', tags: [TAG], summary: 'Declared indicators',
    description: 'Every indicator with its definition as the source gives it, unit, and plausible range.',
    request: { query: IndicatorsQuery },
    responses: tableResponses(IndicatorSchema, 'Indicators, by id'),
  }), (c) => cachedResponse(c, scope, () => representTable({
    name: 'indicators',
    columns: [...Object.keys(Indicator.shape), 'sources'],
    rows: evidence.indicators,
  }, requestedFormat(c))));

  serveRoute(app, createRoute({
    method: 'get', path: '/api/sources', operationId: 'listSources', tags: [TAG], summary: 'The source registry',
    description: 'Every source with its citation and terms, and the checksum of each snapshot file read. format=bibtex gives BibTeX, format=csl gives CSL-JSON.',
    request: { query: SourcesQuery },
    responses: {
      200: {
        description: 'Sources',
        content: {
          'application/json': { schema: z.object({ count: z.number().int(), rows: z.array(SourceWithFiles) }) },
          'text/csv': { schema: z.string() },
          'application/x-bibtex': { schema: z.string() },
          'application/vnd.citationstyles.csl+json': { schema: z.array(z.record(z.string(), z.unknown())) },
        },
      },
      ...problemResponses,
    },
  }), (c) => {
    const q = validQuery(c, SourcesQuery);
    return cachedResponse(c, scope, (): Representation => {
      if (q.format === 'bibtex') return { body: toBibtex(evidence.sources, evidence.sourceFiles), contentType: 'application/x-bibtex; charset=utf-8', filename: 'alliance-ledger-sources.bib' };
      if (q.format === 'csl') return { body: JSON.stringify(toCslJson(evidence.sources)), contentType: 'application/vnd.citationstyles.csl+json; charset=utf-8', filename: 'alliance-ledger-sources.json' };
      return representTable({ name: 'sources', columns: [...Object.keys(Source.shape), 'files'], rows: sourcesWithFiles(ctx) }, requestedFormat(c));
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/sources/{id}', operationId: 'getSource', tags: [TAG], summary: 'One source',
    description: 'A source with its snapshot files and the indicators it feeds.',
    request: { params: SourceParams },
    responses: jsonResponses(z.object({ ...SourceWithFiles.shape, indicators: z.array(z.string()), observations: z.number().int() }), 'The source'),
  }), (c) => {
    const { id } = validParams(c, SourceParams);
    const source = sourcesWithFiles(ctx).find((s) => s.id === id);
    if (!source) throw notFound(`no source "${id}"; see /api/sources`, 'id');
    return cachedResponse(c, scope, () => {
      const rows = evidence.query({ source: id });
      return representJson({ ...source, indicators: [...new Set(rows.map((o) => o.indicator))].sort(), observations: rows.length });
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/observations', operationId: 'listObservations', tags: [TAG], summary: 'Observations with their sources',
    description: 'Every matching observation with its source id and locator (sheet and cell, file and row, page). A missing value is null, flagged "missing", with the reason in note; never 0. JSON also lists the sources and indicators the rows cite; CSV rows carry the unit and citation.',
    request: { query: ObservationsQuery },
    responses: tableResponses(ObservationSchema, 'Observations, by indicator, country and year', {
      total: z.number().int().describe('rows matching before limit/offset'),
      offset: z.number().int(),
      sources: z.array(Source),
      indicators: z.array(Indicator),
    }),
  }), (c) => {
    const q = validQuery(c, ObservationsQuery);
    const countries = q.country ? resolveCountries(evidence, 'country', q.country) : undefined;
    const indicators = q.indicator ? resolveIndicators(evidence, 'indicator', q.indicator) : undefined;
    const counterpart = q.counterpart ? resolveCountries(evidence, 'counterpart', q.counterpart)[0] : undefined;
    if (q.source && !evidence.source(q.source)) throw invalidField('source', `"${q.source}" is not a registered source; see /api/sources`);
    checkYearRange(q.from, q.to);
    return cachedResponse(c, scope, () => {
      const all = evidence.query({ country: countries, indicator: indicators, counterpart, source: q.source, year: q.year, from: q.from, to: q.to, present: q.present === 'true' });
      const offset = q.offset ?? 0;
      const rows = all.slice(offset, offset + (q.limit ?? 10_000));
      const format = requestedFormat(c);
      const name = `observations${countries ? `-${countries.join('-')}` : ''}${indicators && indicators.length < 4 ? `-${indicators.join('-')}` : ''}`;
      if (format === 'csv') {
        return representTable({ name, columns: [...OBSERVATION_COLUMNS, 'unit', 'citation'], rows: rows.map((o) => withCitation(ctx, o)) }, 'csv');
      }
      const sourceIds = new Set(rows.map((o) => o.source));
      const indicatorIds = new Set(rows.map((o) => o.indicator));
      return representTable({
        name,
        columns: OBSERVATION_COLUMNS,
        rows,
        meta: {
          total: all.length,
          offset,
          sources: evidence.sources.filter((s) => sourceIds.has(s.id)),
          indicators: evidence.indicators.filter((i) => indicatorIds.has(i.id)),
        },
      }, 'json');
    });
  });

  serveRoute(app, createRoute({
    method: 'get', path: '/api/coverage', operationId: 'getCoverage', tags: [TAG], summary: 'Coverage of the covered allies',
    description: 'For each covered ally and core need (military expenditure, GDP, population, U.S. troops hosted), the latest year with a value and its source, or the reason there is none. CSV: one row per ally and need.',
    request: { query: IndicatorsQuery },
    responses: tableResponses(CoverageRow, 'Coverage, one row per ally and core need', { complete: z.number().int(), gaps: z.array(z.object({ iso3: z.string(), need: z.string(), gap: z.string() })) }),
  }), (c) => cachedResponse(c, scope, () => {
    const report = coverage(evidence);
    const rows = report.allies.flatMap((a) => a.core.map((need) => ({
      iso3: a.iso3, name: a.name, region: a.region, reference: a.reference, complete: a.complete,
      need: need.need, indicator: need.indicator, latest_year: need.latest_year, value: need.value, source: need.source, gap: need.gap,
    })));
    return representTable({ name: 'coverage', columns: Object.keys(CoverageRow.shape), rows, meta: { complete: report.complete, gaps: report.gaps, allies: report.allies } }, requestedFormat(c));
  }));

  serveRoute(app, createRoute({
    method: 'get', path: '/api/tables', operationId: 'listTables', tags: [TAG], summary: 'The evidence tables besides observations',
    description: 'Names of the tables in evidence/tables (allies, ATOP members, U.S. commitments, groupings, ...).',
    responses: jsonResponses(z.object({ tables: z.array(z.object({ name: z.string(), rows: z.number().int(), columns: z.array(z.string()) })) }), 'Table names'),
  }), (c) => cachedResponse(c, scope, () => representJson({
    tables: evidence.tableNames().map((name) => {
      const rows = evidence.table(name);
      return { name, rows: rows.length, columns: Object.keys(rows[0] ?? {}) };
    }),
  })));

  serveRoute(app, createRoute({
    method: 'get', path: '/api/tables/{name}', operationId: 'getTable', tags: [TAG], summary: 'One evidence table',
    description: 'The rows of an evidence table as committed (each row cites its source where the table has one).',
    request: { params: TableParams, query: IndicatorsQuery },
    responses: tableResponses(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), 'The table'),
  }), (c) => {
    const { name } = validParams(c, TableParams);
    if (!evidence.tableNames().includes(name)) throw notFound(`no evidence table "${name}"; tables: ${evidence.tableNames().join(', ')}`, 'name');
    return cachedResponse(c, scope, () => {
      const rows = evidence.table(name);
      return representTable({ name, columns: Object.keys(rows[0] ?? {}), rows } satisfies Table, requestedFormat(c));
    });
  });
}

function sourcesWithFiles(ctx: ApiContext) {
  return ctx.evidence.sources.map((s) => ({
    ...s,
    files: ctx.evidence.sourceFiles.filter((f) => f.source === s.id).map(({ path, sha256, bytes }) => ({ path, sha256, bytes })),
  }));
}

function withCitation(ctx: ApiContext, o: ObservationRow) {
  return { ...o, unit: ctx.evidence.indicator(o.indicator)?.unit ?? '', citation: ctx.evidence.source(o.source)?.citation ?? '' };
}
