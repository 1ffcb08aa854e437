// Query and path parameters shared by routes, and their checks against the evidence. The zod
// schemas give the OpenAPI document and the 400 for malformed input; the resolvers give the 400
// for well-formed input the evidence does not know (an unregistered country, an unknown indicator).
import { z } from '@hono/zod-openapi';
import type { Evidence } from '../../evidence/load.ts';
import type { LedgerService } from './ledger-service.ts';
import { invalidField } from './problem.ts';

/** Years a route serves, first and latest inclusive: the schema's minimum and maximum. */
export interface YearRange {
  first: number;
  latest: number;
}

const DIGITS = /^-?[0-9]+$/;

/**
 * A whole number as a query string gives it: decimal digits only. Number() would read "0x7E8"
 * as 2024 and "" as 0; here those are 400s (an empty value is never taken for 0: leave the
 * parameter out instead). Documented as an integer with its minimum and maximum.
 */
export function wholeNumber(what: string, min: number, max: number) {
  return z.preprocess(
    (v) => (typeof v === 'string' && DIGITS.test(v) ? Number(v) : v),
    z.number({ error: (issue) => (issue.input === '' ? `empty: give ${what} or leave the parameter out` : `${what} (decimal digits only)`) })
      .int(what)
      .min(min, `at least ${min}`)
      .max(max, `at most ${max}`),
  );
}

/** A year within the years the route serves (computed from the evidence or methodology when the app is created). */
export function yearParam(range: YearRange) {
  return z.preprocess(
    (v) => (typeof v === 'string' && DIGITS.test(v) ? Number(v) : v),
    z.number({ error: (issue) => (issue.input === '' ? 'empty: give a year such as 2023 or leave the parameter out' : 'a year such as 2023 (decimal digits only)') })
      .int('a whole year such as 2023')
      .min(range.first, `a year from ${range.first} (the years served are ${range.first}-${range.latest})`)
      .max(range.latest, `a year up to ${range.latest} (the years served are ${range.first}-${range.latest})`),
  );
}

const spans = new WeakMap<Evidence, YearRange>();

/** The years with observations in the evidence: what /api/observations can return. */
export function observationYears(evidence: Evidence): YearRange {
  let span = spans.get(evidence);
  if (!span) {
    const years = evidence.yearSpan(); // from the store's year column, no observation object made
    span = years ? { first: years.first, latest: years.last } : { first: 1800, latest: 2100 };
    spans.set(evidence, span);
  }
  return span;
}

/** The years the ledger routes serve: the methodology's; without an engine (every such route answers 503) the evidence's. */
export function ledgerYears(engine: LedgerService | string, evidence: Evidence): YearRange {
  return typeof engine === 'string' ? observationYears(evidence) : engine.years;
}

export const CountryList = z.string()
  .regex(/^[A-Za-z]{3}(,[A-Za-z]{3})*$/, 'ISO 3166 alpha-3 codes such as JPN, comma-separated (JPN,KOR)');

export const IndicatorList = z.string()
  .regex(/^[a-z0-9_]+(,[a-z0-9_]+)*$/, 'snake_case indicator ids such as milex_share_gdp, comma-separated');

export const RegionParam = z.enum(['asia', 'europe', 'americas', 'middle-east', 'africa', 'all']).optional()
  .openapi({ description: 'analytic region; all (default) for every region' });

export function resolveCountries(evidence: Evidence, field: string, list: string): string[] {
  return list.split(',').map((code) => {
    const iso3 = code.toUpperCase();
    if (!evidence.country(iso3)) throw invalidField(field, `"${code}" is not a registered country; see /api/countries`);
    return iso3;
  });
}

export function resolveIndicators(evidence: Evidence, field: string, list: string): string[] {
  return list.split(',').map((id) => {
    if (!evidence.indicator(id)) throw invalidField(field, `"${id}" is not a declared indicator; see /api/indicators`);
    return id;
  });
}

export function checkYearRange(from: number | undefined, to: number | undefined): void {
  if (from !== undefined && to !== undefined && from > to) throw invalidField('from', `${from} is after to=${to}`);
}

