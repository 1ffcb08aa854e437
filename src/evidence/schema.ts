// One source of truth for the evidence layout: the zod schemas below give the TypeScript
// types, the validation in `allies data check`, and the field descriptions written into
// evidence/datapackage.json.
import { z } from 'zod';

/** ISO 3166 alpha-3, or an ISO 3166-3 / user-assigned code for historical states (DDR, CSK, YUG, SUN, XKX). */
/** An ISO 3166 alpha-3 code, as the schema checks it (and the fast checks that stand in for it: check.ts plainlyValid, the pipeline's ObservationColumns). */
export const COUNTRY_CODE = /^[A-Z]{3}$/;
export const CountryCode = z.string().regex(COUNTRY_CODE, 'a three-letter ISO 3166 code such as JPN');

export const Region = z.enum(['asia', 'europe', 'americas', 'middle-east', 'africa']);
export type Region = z.infer<typeof Region>;

export const Country = z.object({
  iso3: CountryCode.describe('ISO 3166 alpha-3 (historical states: ISO 3166-3)'),
  name: z.string().min(1).describe('English short name'),
  cow: z.number().int().nullable().describe('Correlates of War numeric state code'),
  cowc: z.string().nullable().describe('Correlates of War alphabetic state code'),
  region: Region.nullable().describe('Analytic region: asia (incl. Oceania and South Asia), europe, americas, middle-east, africa'),
  historical: z.boolean().describe('true for states that no longer exist (e.g. DDR, CSK, YUG, SUN)'),
  from_year: z.number().int().nullable().describe('first year the code applies, for historical states'),
  to_year: z.number().int().nullable().describe('last year the code applies, for historical states'),
});
export type Country = z.infer<typeof Country>;

/** A publisher's own spelling of a country, kept so every transform resolves names the same way. */
export const CountryName = z.object({
  iso3: CountryCode,
  publisher: z.string().describe('sipri | worldbank | cow | dmdc | nato | pew | mme | atop | ...'),
  name: z.string().min(1),
});
export type CountryName = z.infer<typeof CountryName>;

/** COW codes move between ISO codes over time (345: Yugoslavia, then Serbia and Montenegro, then Serbia). */
export const CowCrosswalk = z.object({
  cow: z.number().int(),
  iso3: CountryCode,
  from_year: z.number().int(),
  to_year: z.number().int(),
  note: z.string(),
});
export type CowCrosswalk = z.infer<typeof CowCrosswalk>;

export const SourceKind = z.enum(['dataset', 'publication', 'curation']);
export const Source = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, dots and dashes'),
  kind: SourceKind,
  title: z.string().min(1),
  author: z.string().min(1).describe('authors or organisation, "; "-separated'),
  publisher: z.string().min(1),
  version: z.string().describe('release or edition; empty when none'),
  year: z.number().int(),
  url: z.string().describe('where the publisher offers it; empty when none'),
  terms: z.string().min(1).describe('licence or terms of use as stated by the publisher'),
  citation: z.string().min(1).describe('the citation users should give'),
});
export type Source = z.infer<typeof Source>;

export const SourceFile = z.object({
  source: z.string(),
  path: z.string().describe('path inside the snapshot directory'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});
export type SourceFile = z.infer<typeof SourceFile>;

export const Indicator = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/, 'snake_case'),
  label: z.string().min(1),
  definition: z.string().min(1),
  unit: z.string().min(1),
  dyadic: z.boolean().describe('true when an observation has a counterpart country (e.g. distance to CHN)'),
  min: z.number().nullable().describe('lowest plausible value, checked by allies data check'),
  max: z.number().nullable().describe('highest plausible value, checked by allies data check'),
});
export type Indicator = z.infer<typeof Indicator>;

/** Flags an observation may carry, ";"-separated in CSV. */
export const ObservationFlag = z.enum(['missing', 'estimate', 'imputed', 'uncertain', 'derived']);
export type ObservationFlag = z.infer<typeof ObservationFlag>;

/** The years an observation may have (the schema's, and the fast checks' that stand in for it). */
export const OBSERVATION_YEARS = { min: 1800, max: 2100 } as const;

/**
 * One fact. `value` null means missing: the row is kept, flagged `missing`, and `note` says
 * why (e.g. SIPRI's `..` "data unavailable"). A missing value is never written as 0.
 */
export const Observation = z.object({
  country: CountryCode,
  counterpart: z.union([CountryCode, z.literal('')]).describe('second country for dyadic indicators, else empty'),
  indicator: z.string(),
  year: z.number().int().min(OBSERVATION_YEARS.min).max(OBSERVATION_YEARS.max),
  value: z.number().finite().nullable(),
  low: z.number().finite().nullable().describe('lower end of a stated range, when the source gives one'),
  high: z.number().finite().nullable().describe('upper end of a stated range, when the source gives one'),
  source: z.string(),
  locator: z.string().min(1).describe('where in the source: sheet and cell, file and line, page or table'),
  flags: z.array(ObservationFlag),
  note: z.string().describe('footnotes or the reason a value is missing'),
});
export type Observation = z.infer<typeof Observation>;

/** Column order of every observations/*.csv file. */
export const OBSERVATION_COLUMNS = [
  'country', 'counterpart', 'indicator', 'year', 'value', 'low', 'high', 'source', 'locator', 'flags', 'note',
] as const;
