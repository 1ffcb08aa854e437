// Query and path parameters shared by routes, and their checks against the evidence. The zod
// schemas give the OpenAPI document and the 400 for malformed input; the resolvers give the 400
// for well-formed input the evidence does not know (an unregistered country, an unknown indicator).
import { z } from '@hono/zod-openapi';
import type { Evidence } from '../../evidence/load.ts';
import { invalidField } from './problem.ts';

export const Year = z.coerce.number({ error: 'a year such as 2023' })
  .int('a whole year such as 2023')
  .min(1800, 'a year from 1800')
  .max(2100, 'a year up to 2100');

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
