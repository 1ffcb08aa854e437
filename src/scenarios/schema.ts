// The scenario file format: a named, sourced set of changes to the baseline, each with a
// rationale and citations. One zod schema gives the TypeScript types, the validation of
// users' own files and the field names in error messages; load.ts then holds a parsed file
// against the evidence and the methodology (unknown indicator or ally, target year before
// the data, items the methodology lacks).
import { z } from 'zod';

const Iso3 = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 3166 code such as JPN');
const Year = z.number().int().min(1946, 'from 1946 (the evidence starts in 1946)').max(2100, 'at most 2100');
// Stated bounds of the other numbers: beyond them a value is a typo, never a scenario (a factor
// of 1e308 prints "Infinity"). load.ts further holds set values and path targets to the
// indicator's plausible range (evidence/indicators.csv min and max) and rating changes to the
// judgment's scale.
/** An amount in an indicator's unit (the largest, GDP in US$, is below 10^14). */
const Amount = z.number().min(-1e15, 'at least -10^15').max(1e15, 'at most 10^15');
/** A multiplier of values or weights: at most a thousandfold. */
const Factor = z.number().min(0, 'at least 0').max(1000, 'at most 1000');
/** A rating on a judgment scale (scales lie within -1000 to 1000). */
const Rating = z.number().min(-1000, 'at least -1000').max(1000, 'at most 1000');
const Id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case: lower-case letters, digits and underscores');

export const Citation = z.object({
  source: z.string().min(1).describe('a source id from the registry (evidence/sources.csv)'),
  locator: z.string().min(1).describe('page, section, paragraph or table'),
}).strict();
export type Citation = z.infer<typeof Citation>;

/**
 * Whose values a change touches: covered allies by code, all of them, those of a region, or
 * those of an alliance basis (nato, rio, mnna, ...). Other countries (rivals, the United
 * States) are named under `countries` instead.
 */
export const AllySelector = z.union([
  z.literal('all'),
  z.array(Iso3).min(1),
  z.object({ region: z.enum(['asia', 'europe', 'americas', 'middle-east', 'africa']) }).strict(),
  z.object({ basis: z.string().min(1).describe('an alliance basis of curated/allies.yaml: nato, rio, anzus, mnna, ...') }).strict(),
]);
export type AllySelector = z.infer<typeof AllySelector>;

/** Years a change applies to: one year, a list, or a span (default: the horizon year). */
export const YearSelector = z.union([
  Year,
  z.array(Year).min(1).max(155, 'at most 155 years'),
  z.object({ from: Year, to: Year.optional().describe('default: the horizon') }).strict(),
]);
export type YearSelector = z.infer<typeof YearSelector>;

const Because = {
  rationale: z.string().min(20).describe('why the change, in a sentence or two'),
  citations: z.array(Citation).min(1),
};

const Whose = {
  allies: AllySelector.optional(),
  countries: z.array(Iso3).min(1).optional().describe('non-allies (rivals, the United States), by ISO code'),
};

const Indicator = {
  indicator: z.string().min(1).describe('an indicator id of evidence/indicators.csv'),
  counterpart: Iso3.optional().describe('for dyadic indicators'),
  propagate: z.boolean().default(true).describe('move the linked indicators by the same ratio (see LINKS in apply.ts)'),
};

const SetChange = z.object({
  kind: z.literal('set'), ...Whose, ...Indicator,
  value: Amount,
  years: YearSelector.optional(),
  ...Because,
}).strict();

const ScaleChange = z.object({
  kind: z.literal('scale'), ...Whose, ...Indicator,
  factor: Factor,
  years: YearSelector.optional(),
  ...Because,
}).strict();

const AddChange = z.object({
  kind: z.literal('add'), ...Whose, ...Indicator,
  amount: Amount,
  years: YearSelector.optional(),
  ...Because,
}).strict();

export const PathPoint = z.object({ year: Year, value: Amount }).strict();
export type PathPoint = z.infer<typeof PathPoint>;

/**
 * A path from each selected country's last observation to one or more points: linear between
 * them, held after the last point up to the horizon. `bound` keeps values already beyond
 * the target (at_least: never lower a country that is above it).
 */
const PathChange = z.object({
  kind: z.literal('path'), ...Whose, ...Indicator,
  target: Amount.optional().describe('shorthand for points: [{ year, value: target }]'),
  year: Year.optional().describe('the target year (with target)'),
  points: z.array(PathPoint).min(1).max(155, 'at most 155 points').optional(),
  bound: z.enum(['exact', 'at_least', 'at_most']).default('exact'),
  ...Because,
}).strict().superRefine((c, ctx) => {
  const short = c.target !== undefined || c.year !== undefined;
  if (short && c.points) ctx.addIssue({ code: 'custom', path: ['points'], message: 'give either target and year, or points, not both' });
  else if (!short && !c.points) ctx.addIssue({ code: 'custom', path: ['target'], message: 'a path needs a target and a year (or a list of points)' });
  else if (short && c.target === undefined) ctx.addIssue({ code: 'custom', path: ['target'], message: 'a path with a target year needs a target value' });
  else if (short && c.year === undefined) ctx.addIssue({ code: 'custom', path: ['year'], message: 'a path with a target needs the target year' });
  c.points?.forEach((p, i) => {
    if (i > 0 && p.year <= c.points![i - 1].year) ctx.addIssue({ code: 'custom', path: ['points', i, 'year'], message: `the points' years must increase (${p.year} follows ${c.points![i - 1].year})` });
  });
});

/**
 * A change in a currency's value in U.S. dollars: every U.S.-dollar amount converted from
 * spending in that currency moves by exactly `change_pct` (-20: a yen worth 20% fewer
 * dollars, i.e. 25% more yen per dollar). Amounts in the local currency do not move.
 */
const ExchangeRateChange = z.object({
  kind: z.literal('exchange_rate'), ...Whose,
  change_pct: z.number().gt(-100, 'above -100 (a currency cannot lose all its value)').max(1000, 'at most 1000 (an elevenfold rise)').describe('change in the value of the currency in U.S. dollars, in percent'),
  indicators: z.array(z.string().min(1)).min(1).optional().describe('the U.S.-dollar indicators converted from local currency (default: CONVERTED in apply.ts)'),
  years: YearSelector.optional(),
  ...Because,
}).strict();

const JudgmentChange = z.object({
  kind: z.literal('judgment'), ...Whose,
  judgment: z.string().min(1).describe('a judgment id defined in the methodology'),
  value: Rating.optional().describe('the new rating'),
  shift: Rating.optional().describe('or: added to the rating in force (clamped to the scale)'),
  low: Rating.optional(),
  high: Rating.optional(),
  from: Year.optional().describe('first year the new rating applies (default: the horizon)'),
  ...Because,
}).strict().superRefine((c, ctx) => {
  if ((c.value === undefined) === (c.shift === undefined)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'give either value or shift' });
});

export const ItemSelector = z.union([
  z.array(Id).min(1).describe('line item ids of the methodology'),
  z.object({ group: z.string().min(1).describe('a group heading of the methodology') }).strict(),
]);
export type ItemSelector = z.infer<typeof ItemSelector>;

const WeightChange = z.object({
  kind: z.literal('weight'),
  items: ItemSelector,
  factor: Factor.optional().describe('multiply the weights'),
  weight: z.number().min(0, 'at least 0').max(1000, 'at most 1000 (the largest weight of a line item)').optional().describe('or: set them'),
  ...Because,
}).strict().superRefine((c, ctx) => {
  if ((c.factor === undefined) === (c.weight === undefined)) ctx.addIssue({ code: 'custom', path: ['factor'], message: 'give either factor or weight' });
});

export const EventKind = z.enum(['base_access_denied']);
export type EventKind = z.infer<typeof EventKind>;

/**
 * Something that happens to an ally rather than to one indicator. base_access_denied: the
 * United States cannot use its forces and facilities in the ally for the contingency, so the
 * ally's forward-access assets count for `1 - share` of their value; what the forces cost
 * (a liability) does not change.
 */
const EventChange = z.object({
  kind: z.literal('event'),
  event: EventKind,
  allies: AllySelector,
  share: z.number().min(0).max(1).default(1).describe('the share of access lost (1: all of it)'),
  items: ItemSelector.optional().describe('the line items it affects (default: see EVENTS in apply.ts)'),
  ...Because,
}).strict();

export const Change = z.discriminatedUnion('kind', [
  SetChange, ScaleChange, AddChange, PathChange, ExchangeRateChange, JudgmentChange, WeightChange, EventChange,
]);
export type Change = z.infer<typeof Change>;
export type ChangeKind = Change['kind'];

export const ScenarioFile = z.object({
  scenario: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  title: z.string().min(1),
  description: z.string().min(20),
  horizon: Year.describe('the year whose ledgers are compared'),
  sources: z.array(Citation).min(1).describe('what the scenario as a whole rests on'),
  changes: z.array(Change).describe('an empty list is allowed: the scenario is then the baseline'),
}).strict();
export type ScenarioFile = z.infer<typeof ScenarioFile>;
