// The methodology file format: a balance sheet as data. One zod schema gives the TypeScript
// types, the validation of users' own files and the field names in error messages; the
// semantic checks below then hold the file against the evidence it will be applied to.
import { z } from 'zod';
import { METHODOLOGY_HINT } from './methodology-check.ts';
import { parseLocatedYaml } from './yaml.ts';
import type { LocatedYaml } from './yaml.ts';

const Iso3 = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 3166 code such as JPN');
const Id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case: lower-case letters, digits and underscores');
// Stated bounds of the numeric fields: beyond them a value is a typo or an attack, never a
// choice (1e12 draws run for days; a factor of 1e308 prints Infinity). The evidence starts in
// 1946 (COW, ATOP); checkMethodology also holds years.first to the evidence's last year.
const Year = z.number().int().min(1946, 'from 1946 (the evidence starts in 1946)').max(2100, 'at most 2100');
/** Years an observation may be old: the evidence spans fewer than 100 years. */
const Staleness = z.number().int().min(0, 'at least 0').max(100, 'at most 100 years');
/** An amount in an indicator's unit (the largest, GDP in US$, is below 10^14). */
const Amount = z.number().min(-1e15, 'at least -10^15').max(1e15, 'at most 10^15');
/** The largest robustness run: a million draws already take minutes. */
export const MAX_DRAWS = 1_000_000;

export const Citation = z.object({
  source: z.string().min(1).describe('a source id from the registry (evidence/sources.csv)'),
  locator: z.string().default('').describe('page, table, section or article'),
}).strict();
export type Citation = z.infer<typeof Citation>;

/**
 * How an item's raw value is computed. `latest` reads an indicator as of the ledger's year;
 * the other operations are named transforms over measures.
 */
export type Measure =
  | { op: 'latest'; indicator: string; country?: string; counterpart?: string; staleness_years?: number }
  | { op: 'mean' | 'cumulative' | 'trend'; years: number; min_years?: number; ending?: 'year' | 'latest'; of: Measure }
  | { op: 'ratio'; numerator: Measure; denominator: Measure }
  | { op: 'per_capita'; of: Measure; population: Measure }
  | { op: 'product' | 'sum' | 'coalesce'; of: Measure[] }
  | { op: 'difference'; minuend: Measure; subtrahend: Measure }
  | { op: 'log'; of: Measure; base?: number }
  | { op: 'scale'; of: Measure; factor: number }
  | { op: 'gap_to_target'; of: Measure; target: number; direction: 'below' | 'above' }
  | { op: 'constant'; value: number; imputed?: boolean }
  | { op: 'judgment'; judgment: string }
  | { op: 'network'; network: string; metric: NetworkMetric }
  | { op: 'allied_total'; indicator: string; sharing: string; staleness_years?: number };

/**
 * degree and betweenness: over the ties of a table-defined network. ally_ties: the number of
 * other covered allies an ally shares an alliance or grouping with (the Network page's count);
 * tie_strength: the same ties, each instrument weighted 1/(n-1) for its n members, so that an
 * alliance or grouping adds at most 1 to each member however large it is (NATO included).
 */
export type NetworkMetric = 'degree' | 'betweenness' | 'ally_ties' | 'tie_strength';

export const Measure: z.ZodType<Measure> = z.lazy(() => z.discriminatedUnion('op', [
  z.object({
    op: z.literal('latest'),
    indicator: z.string().min(1),
    country: z.string().optional().describe('whose value: the ally (default), an ISO code, or a named counterpart'),
    counterpart: z.string().optional().describe('for dyadic indicators: an ISO code or a named counterpart'),
    staleness_years: Staleness.optional(),
  }).strict(),
  z.object({
    op: z.enum(['mean', 'cumulative', 'trend']),
    years: z.number().int().min(1).max(50),
    min_years: z.number().int().min(1).max(50, 'at most 50').optional(),
    ending: z.enum(['year', 'latest']).optional()
      .describe('year (default): the window ends at the ledger year; latest: at the last year with data within the staleness window'),
    of: Measure,
  }).strict(),
  z.object({ op: z.literal('ratio'), numerator: Measure, denominator: Measure }).strict(),
  z.object({ op: z.literal('per_capita'), of: Measure, population: Measure }).strict(),
  z.object({ op: z.enum(['product', 'sum', 'coalesce']), of: z.array(Measure).min(1) }).strict(),
  z.object({ op: z.literal('difference'), minuend: Measure, subtrahend: Measure }).strict(),
  z.object({ op: z.literal('log'), of: Measure, base: z.number().positive().max(1e6, 'at most 10^6').refine((x) => x !== 1, 'not 1 (a logarithm of base 1 divides by zero)').optional() }).strict(),
  z.object({ op: z.literal('scale'), of: Measure, factor: z.number().min(-1e9, 'at least -10^9').max(1e9, 'at most 10^9 (a unit conversion)').refine((x) => x !== 0, 'not 0 (it would erase the measure)') }).strict(),
  z.object({ op: z.literal('gap_to_target'), of: Measure, target: Amount, direction: z.enum(['below', 'above']) }).strict(),
  z.object({ op: z.literal('constant'), value: Amount, imputed: z.boolean().optional() }).strict(),
  z.object({ op: z.literal('judgment'), judgment: z.string().min(1) }).strict(),
  z.object({ op: z.literal('network'), network: z.string().min(1), metric: z.enum(['degree', 'betweenness', 'ally_ties', 'tie_strength']) }).strict(),
  z.object({
    op: z.literal('allied_total'),
    indicator: z.string().min(1),
    sharing: z.string().min(1).describe('a named counterpart: the total runs over the allies of the year whose counterpart is the same as the ally\'s'),
    staleness_years: Staleness.optional(),
  }).strict().describe('the sum of an indicator over the allies that share the ally\'s counterpart (e.g. every U.S. ally facing the same principal rival)'),
]));

export const Normalization = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('minmax'),
    scale: z.enum(['linear', 'log', 'log1p']).default('linear'),
    winsorize: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).optional()
      .describe('lower and upper quantiles at which values are clamped before min-max'),
    invert: z.boolean().default(false),
  }).strict(),
  z.object({ method: z.literal('percentile'), invert: z.boolean().default(false) }).strict(),
  z.object({
    method: z.literal('fixed'),
    min: Amount,
    max: Amount,
    scale: z.enum(['linear', 'log', 'log1p']).default('linear'),
    invert: z.boolean().default(false),
  }).strict(),
  z.object({ method: z.literal('judgment_scale'), invert: z.boolean().default(false) }).strict(),
]);
export type Normalization = z.infer<typeof Normalization>;

export const MissingPolicy = z.discriminatedUnion('policy', [
  z.object({ policy: z.literal('exclude') }).strict(),
  z.object({ policy: z.literal('impute'), with: z.enum(['min', 'median', 'mean', 'max']) }).strict(),
]);
export type MissingPolicy = z.infer<typeof MissingPolicy>;

export const Side = z.enum(['asset', 'liability']);
export type Side = z.infer<typeof Side>;

export const LineItem = z.object({
  id: Id,
  side: Side,
  group: z.string().min(1).describe('the heading the item appears under in the T-account'),
  label: z.string().min(1),
  unit: z.string().min(1).describe('unit of the raw value'),
  construct: z.string().min(10).optional().describe('what the line measures, in the field\'s words; no two lines of a methodology measure the same construct'),
  measure: Measure,
  normalize: Normalization,
  weight: z.number().min(0).max(1000),
  missing: MissingPolicy,
  staleness_years: Staleness.optional().describe('how old an observation may be; default: the methodology\'s'),
  rationale: z.string().min(20),
  citations: z.array(Citation).min(1),
  overlaps: z.array(z.object({
    item: Id.describe('the other line item'),
    reason: z.string().min(20).describe('why both lines stay although they move together across allies'),
  }).strict()).optional().describe('lines this one is known to move with (|r| > 0.95 across allies), and why both stay'),
}).strict();
export type LineItem = z.infer<typeof LineItem>;

export const JudgmentScale = z.object({
  min: z.number().min(-1000, 'at least -1000').max(1000, 'at most 1000'),
  max: z.number().min(-1000, 'at least -1000').max(1000, 'at most 1000'),
  labels: z.record(z.string(), z.string()).default({}),
}).strict();
export type JudgmentScale = z.infer<typeof JudgmentScale>;

export const JudgmentDefinition = z.object({
  label: z.string().min(1),
  question: z.string().min(10).describe('what the rater answers'),
  scale: JudgmentScale,
}).strict();
export type JudgmentDefinition = z.infer<typeof JudgmentDefinition>;

export const CounterpartRule = z.object({
  indicator: z.string().min(1).describe('a dyadic indicator'),
  among: z.array(Iso3).min(1),
  pick: z.enum(['min', 'max']),
  staleness_years: Staleness.optional(),
  rationale: z.string().min(10),
}).strict();
export type CounterpartRule = z.infer<typeof CounterpartRule>;

export const MembershipTable = z.object({
  table: z.string().min(1),
  group: z.string().min(1).describe('column naming the group (alliance, grouping)'),
  member: z.string().min(1).describe('column with the member ISO code'),
  from: z.string().optional().describe('column with the first year of membership'),
  to: z.string().optional().describe('column with the last year (empty: still a member)'),
  where: z.record(z.string(), z.union([z.string(), z.number().min(-1e15).max(1e15), z.boolean()])).optional()
    .describe('keep rows whose columns equal these values'),
  exclude_groups_larger_than: z.number().int().min(2).max(1000, 'at most 1000 members').optional()
    .describe('leave out large multilateral groups, which would connect every member'),
}).strict();
export type MembershipTable = z.infer<typeof MembershipTable>;

export const NetworkDefinition = z.object({
  label: z.string().min(1),
  tables: z.array(MembershipTable).min(1).optional().describe('membership tables the ties are read from (degree, betweenness)'),
  graph: z.literal('alliance_network').optional().describe('the alliance network of the Network page (ATOP alliances with post-2018 accessions, groupings, access agreements): ally_ties, tie_strength'),
  rationale: z.string().min(10),
}).strict();
export type NetworkDefinition = z.infer<typeof NetworkDefinition>;

const Fallback = z.array(z.string().min(1)).default([]).describe('indicators read, in order, where the first has no value (e.g. curated Taiwan figures)');

export const BurdenAbility = z.object({
  label: z.string().min(1),
  indicator: z.string().min(1),
  fallback: Fallback,
  unit: z.string().min(1),
  proxy: z.object({
    label: z.string().min(1),
    indicator: z.string().min(1),
    fallback: Fallback,
    unit: z.string().min(1),
    rationale: z.string().min(10).describe('why the proxy may stand in for the ability measure'),
  }).strict().optional()
    .describe('used, flagged, for every country of a contribution when the ability indicator covers fewer than min_coverage of them; never mixed with it'),
  min_coverage: z.number().gt(0).max(1).default(0.9)
    .describe('share of the contribution\'s countries the ability indicator must cover; below it the proxy is used (or, with none, the countries without it are left out)'),
}).strict();
export type BurdenAbility = z.infer<typeof BurdenAbility>;

export const BurdenContribution = z.object({
  id: Id,
  label: z.string().min(1),
  indicator: z.string().min(1),
  fallback: Fallback,
  unit: z.string().min(1),
  extra_countries: z.array(Iso3).default([]).describe('countries shown and counted in the totals besides the allies (e.g. USA)'),
  measure: z.enum(['share_ratio', 'level']).default('share_ratio')
    .describe('share_ratio: share of the total contribution / share of the total ability (DoD); level: the indicator itself, e.g. DoD\'s offset share, with no ratio'),
  ability: BurdenAbility.optional().describe('what this contribution is set against (default: burden_sharing.ability); DoD: GDP for spending, labour force for manpower'),
  staleness_years: Staleness.optional().describe('how old a contribution may be (default: burden_sharing.staleness_years)'),
}).strict();

export const BurdenSharing = z.object({
  ability: BurdenAbility,
  contributions: z.array(BurdenContribution).min(1),
  staleness_years: Staleness,
  min_countries: z.number().int().min(2).max(250, 'at most 250 (there are fewer countries)').default(5)
    .describe('no ratio is computed over fewer countries with both values than this; below it the ratio is missing with the reason'),
  rationale: z.string().min(20),
  citations: z.array(Citation).min(1),
}).strict();
export type BurdenSharing = z.infer<typeof BurdenSharing>;

export const WeightDraws = z.discriminatedUnion('scheme', [
  z.object({ scheme: z.literal('multiplier'), low: z.number().positive().max(100, 'at most 100'), high: z.number().positive().max(100, 'at most 100') }).strict(),
  z.object({ scheme: z.literal('dirichlet'), concentration: z.number().positive().max(10_000, 'at most 10,000') }).strict(),
]);
export type WeightDraws = z.infer<typeof WeightDraws>;

export const RobustnessSettings = z.object({
  draws: z.number().int().min(1).max(MAX_DRAWS, `at most ${MAX_DRAWS.toLocaleString('en-US')} draws`),
  seed: z.number().int().min(0).max(2 ** 31 - 1, 'below 2^31'),
  interval: z.number().gt(0).lt(1).describe('central probability of the reported intervals'),
  weights: WeightDraws,
  sweep: z.array(z.number().gt(0).lt(1)).max(20, 'at most 20 sweep fractions').describe('ASPI-style check: each weight moves by up to this fraction'),
  data: z.boolean().describe('draw data within their ranges'),
  judgments: z.boolean().describe('draw judgments within their ranges'),
}).strict();
export type RobustnessSettings = z.infer<typeof RobustnessSettings>;

export const Methodology = z.object({
  methodology: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a semantic version such as 1.0.0'),
  title: z.string().min(1),
  description: z.string().min(1),
  authors: z.array(z.string().min(1)).min(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date YYYY-MM-DD'),
  years: z.object({
    first: Year,
    latest: z.object({
      indicators: z.array(z.string().min(1)).min(1),
      min_coverage: z.number().gt(0).max(1),
    }).strict().describe('the latest year is the last one in which each of these indicators covers this share of the allies'),
  }).strict(),
  staleness_years: Staleness,
  balance: z.object({ assets: z.number().positive().max(1000, 'at most 1000'), liabilities: z.number().positive().max(1000, 'at most 1000') }).strict(),
  ranking: z.object({ min_coverage: z.number().min(0).max(1) }).strict(),
  uncertainty: z.object({ estimate_relative: z.number().min(0).max(1) }).strict(),
  robustness: RobustnessSettings,
  counterparts: z.record(Id, CounterpartRule).default({}),
  networks: z.record(Id, NetworkDefinition).default({}),
  judgments: z.record(Id, JudgmentDefinition).default({}),
  items: z.array(LineItem).min(2),
  burden_sharing: BurdenSharing,
}).strict();
export type Methodology = z.infer<typeof Methodology>;

export { checkMethodology, indicatorsOf, latestReads, METHODOLOGY_HINT } from './methodology-check.ts';
export type { EvidenceCatalog } from './methodology-check.ts';

/** Parse a methodology file's text; schema errors name file, line and field. */
export function parseMethodology(file: string, text: string): LocatedYaml<Methodology> {
  return parseLocatedYaml(file, text, Methodology, METHODOLOGY_HINT, { cache: 'methodology' });
}

