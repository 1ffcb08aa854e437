// Validation against published assessments: the ledgers set beside what others have published
// about the same allies (curated/assessments/*.yaml, one file per assessment). Each file says
// what the assessment measures, which ledger year and quantity (net, assets or liabilities) to
// compare it with, and its claims per ally: a rank, a score or a category (for the rank
// correlation) and tests on the ledger that read its words (for the sign/category agreement).
// For every disagreement the line items that drive it are listed: the difference between the
// ally's contributions and a reference ally's, which add up to the gap in the measure. The
// reference is the median of the other allies of the group (sign and median tests, and placings
// far apart in a ranking), the group's leader (highest, lowest), or the ally at the edge of the
// wanted band (top, bottom, middle); an even count of others is the mean of the two middle ones.
//
// This is a check to report and explain, not a target: the methodology's weights are never
// tuned to it. Pure: assessments and ledgers in, report out (reading files is in
// assessment-files.ts).
import { z } from 'zod';
import type { AllyLedger, LedgerLine, YearLedger } from '../method/ledger.ts';
import { median, medianAllies as medianAlliesBy } from '../method/explain.ts';
import { parseLocatedYaml } from '../method/yaml.ts';

export const VALIDATION_CAVEAT =
  'This is a check to report and explain, not a target: the methodology\'s weights are never tuned to agree with these assessments. ' +
  'Each assessment measures its own construct, stated with it; a disagreement is explained by the line items that drive it, not fitted away.';

// --- the file schema ---

const Iso3 = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 3166 code such as JPN');
// Stated bounds of the numbers (a rank of 1e12 or a score of 1e308 is a typo, not a reading).
const Year = z.number().int().min(1900).max(2100);
const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');

export const MEASURES = ['net', 'assets', 'liabilities'] as const;
export type Measure = (typeof MEASURES)[number];

/** A test on the ledger that reads an assessment's words (values, not favourability: "highest liabilities" is the largest). */
export const TESTS = {
  positive: 'the value is above 0',
  negative: 'the value is below 0',
  above_median: 'the value is above the median of the other allies of the group',
  below_median: 'the value is below the median of the other allies of the group',
  highest: 'the value is the highest of the group',
  lowest: 'the value is the lowest of the group',
  top: 'the value ranks in the top `fraction` of the group (rank <= round(fraction x group size), at least 1)',
  bottom: 'the value ranks in the bottom `fraction` of the group',
  middle: 'the value ranks in the central band of the group that holds `fraction` of it',
} as const;
export type TestKind = keyof typeof TESTS;

export const Expectation = z.object({
  measure: z.enum(MEASURES),
  test: z.enum(Object.keys(TESTS) as [TestKind, ...TestKind[]]),
  fraction: z.number().gt(0).lt(1).optional().describe('for top, bottom and middle'),
  among: Id.optional().describe('a group of this file; default: every ranked ally of the ledger year'),
}).strict().superRefine((e, ctx) => {
  const needs = e.test === 'top' || e.test === 'bottom' || e.test === 'middle';
  if (needs && e.fraction === undefined) ctx.addIssue({ code: 'custom', path: ['fraction'], message: `the test "${e.test}" needs a fraction between 0 and 1` });
  if (!needs && e.fraction !== undefined) ctx.addIssue({ code: 'custom', path: ['fraction'], message: `the test "${e.test}" takes no fraction` });
});
export type Expectation = z.infer<typeof Expectation>;

const CLAIM_FLAGS = ['secondary', 'derived', 'uncertain'] as const;

export const AssessmentClaim = z.object({
  ally: Iso3,
  locator: z.string().min(1).describe('where in the publication'),
  finding: z.string().min(1).describe('what it says about the ally, paraphrased'),
  confidence: z.enum(['high', 'medium', 'low']).describe('how directly the text implies the ledger reading'),
  rank: z.number().int().min(1).max(1000, 'at most 1000').optional().describe('1 = the most favourable to the U.S. in the assessment\'s sense'),
  score: z.number().min(-1e15, 'at least -10^15').max(1e15, 'at most 10^15').optional().describe('higher = more favourable in the assessment\'s sense'),
  category: Id.optional().describe('an id from the file\'s categories'),
  expect: z.array(Expectation).min(1).optional(),
  unchecked: z.string().min(1).optional().describe('why the claim has no reading on the ledger'),
  via: z.string().min(1).optional().describe('a registered source through which the figure was read, when not the publication itself'),
  flags: z.array(z.enum(CLAIM_FLAGS)).default([]),
  note: z.string().default(''),
}).strict().superRefine((c, ctx) => {
  const ordinal = [c.rank, c.score, c.category].filter((v) => v !== undefined).length;
  if (ordinal > 1) ctx.addIssue({ code: 'custom', path: ['rank'], message: 'give at most one of rank, score and category' });
  if (ordinal === 0 && c.expect === undefined && c.unchecked === undefined) {
    ctx.addIssue({ code: 'custom', path: ['expect'], message: 'give a rank, a score, a category or an expect list, or say in "unchecked" why the claim has no reading on the ledger' });
  }
  if (c.unchecked !== undefined && (ordinal > 0 || c.expect !== undefined)) ctx.addIssue({ code: 'custom', path: ['unchecked'], message: 'an unchecked claim has no rank, score, category or expect list' });
});
export type AssessmentClaim = z.infer<typeof AssessmentClaim>;

export const AssessmentCategory = z.object({
  id: Id,
  label: z.string().min(1),
  order: z.number().int().min(1).max(1000, 'at most 1000').describe('1 = the most favourable category'),
  size: z.number().int().min(1).max(1000, 'at most 1000').optional().describe('how many allies the assessment puts in it'),
  expect: z.array(Expectation).min(1).optional().describe('the tests every ally of the category is read against'),
  note: z.string().default(''),
}).strict();
export type AssessmentCategory = z.infer<typeof AssessmentCategory>;

export const AssessmentGroup = z.object({ members: z.array(Iso3).min(2), note: z.string().default('') }).strict();

export const Assessment = z.object({
  id: Id,
  title: z.string().min(1),
  publisher: z.string().min(1),
  year: Year.describe('year of publication'),
  source: z.string().min(1).describe('a source id of curated/sources/*.yaml'),
  construct: z.string().min(1).describe('what the assessment measures'),
  measure: z.enum(MEASURES).default('net').describe('the ledger quantity its ranks, scores and categories are set beside'),
  compare_year: Year.describe('the ledger year to compare with'),
  compare_year_note: z.string().min(1),
  interpretation: z.string().min(1).describe('how its words are read as tests on the ledger'),
  verified: z.string().min(1).describe('what of it was checked against a copy, and what was not'),
  not_encoded: z.string().default(''),
  groups: z.record(Id, AssessmentGroup).default({}),
  categories: z.array(AssessmentCategory).default([]),
  claims: z.array(AssessmentClaim).min(1),
}).strict();
export type Assessment = z.infer<typeof Assessment>;

export interface AssessmentRegistries {
  /** Source ids of the registry (curated/sources.yaml and curated/sources/*.yaml). */
  sources?: ReadonlySet<string>;
  /** Country codes the evidence knows. */
  countries?: ReadonlySet<string>;
}

const HINT = 'Fix the assessment file (schema in src/analyses/validation.ts; see curated/assessments/README.md).';

/** Parse and check one assessment file; every error names the file, the line and the field. */
export function parseAssessment(file: string, text: string, registries: AssessmentRegistries = {}): Assessment {
  const doc = parseLocatedYaml(file, text, Assessment, HINT);
  const a = doc.data;
  const fail = (p: (string | number)[], problem: string, hint = HINT): never => { throw doc.error(p, problem, hint); };
  if (registries.sources && !registries.sources.has(a.source)) fail(['source'], `unknown source "${a.source}"`, 'Register it in curated/sources/assessments.yaml (or another curated/sources/*.yaml) and rebuild the evidence: npx allies data build.');
  const categories = new Map<string, number>();
  a.categories.forEach((c, i) => {
    if (categories.has(c.id)) fail(['categories', i, 'id'], `category "${c.id}" is listed twice`);
    categories.set(c.id, i);
  });
  const orders = a.categories.map((c) => c.order);
  a.categories.forEach((c, i) => { if (orders.indexOf(c.order) !== i) fail(['categories', i, 'order'], `two categories have order ${c.order}`); });
  const checkExpect = (list: Expectation[] | undefined, at: (string | number)[]) => list?.forEach((e, k) => {
    if (e.among !== undefined && !(e.among in a.groups)) fail([...at, k, 'among'], `unknown group "${e.among}"${Object.keys(a.groups).length ? `; groups of this file: ${Object.keys(a.groups).join(', ')}` : ': define it under groups'}`);
  });
  a.categories.forEach((c, i) => checkExpect(c.expect, ['categories', i, 'expect']));
  for (const [name, g] of Object.entries(a.groups)) {
    g.members.forEach((m, k) => {
      if (registries.countries && !registries.countries.has(m)) fail(['groups', name, 'members', k], `unknown country code "${m}"`);
      if (g.members.indexOf(m) !== k) fail(['groups', name, 'members', k], `"${m}" is listed twice`);
    });
  }
  const kinds = new Set<string>();
  const allies = new Map<string, number>();
  a.claims.forEach((c, i) => {
    if (registries.countries && !registries.countries.has(c.ally)) fail(['claims', i, 'ally'], `unknown country code "${c.ally}"`);
    if (allies.has(c.ally)) fail(['claims', i, 'ally'], `${c.ally} already has a claim (claim ${allies.get(c.ally)! + 1}): give one claim per ally`);
    allies.set(c.ally, i);
    if (c.category !== undefined && !categories.has(c.category)) fail(['claims', i, 'category'], `unknown category "${c.category}"${categories.size ? `; categories of this file: ${[...categories.keys()].join(', ')}` : ': define it under categories'}`);
    if (c.via !== undefined && registries.sources && !registries.sources.has(c.via)) fail(['claims', i, 'via'], `unknown source "${c.via}"`, 'Register it in curated/sources/assessments.yaml and rebuild the evidence: npx allies data build.');
    checkExpect(c.expect, ['claims', i, 'expect']);
    const kind = c.rank !== undefined ? 'rank' : c.score !== undefined ? 'score' : c.category !== undefined ? 'category' : null;
    if (kind) {
      kinds.add(kind);
      if (kinds.size > 1) fail(['claims', i, kind], `this file already ranks allies by ${[...kinds].find((k) => k !== kind)}: use one of rank, score and category for every claim`);
    }
  });
  return a;
}

// --- comparing ---

export interface DriverLine {
  item: string;
  label: string;
  side: LedgerLine['side'];
  /** Points the line adds to the measure for the ally (liabilities subtract from the net). */
  ally: number;
  /** The same for the reference (the median ally, or the mean of the two middle allies). */
  reference: number;
  difference: number;
}

export interface Drivers {
  measure: Measure;
  /** Who the ally is compared with: the median ally of a group, or one ally (a group's leader). */
  versus: { kind: 'median' | 'ally'; allies: string[]; label: string };
  allyValue: number;
  referenceValue: number;
  /** allyValue - referenceValue: equals the sum of every line's difference. */
  gap: number;
  /** The lines with the largest differences (by absolute value), largest first. */
  lines: DriverLine[];
  /** Every other line, summed: lines + other = gap. */
  other: { count: number; difference: number };
}

export interface ExpectationCheck {
  expectation: Expectation;
  /** null: not checkable (e.g. the group has fewer than two comparable allies). */
  holds: boolean | null;
  value: number | null;
  /** 1 = highest value of the group. */
  position: number | null;
  groupSize: number;
  detail: string;
  /** Present when the test fails. */
  drivers?: Drivers;
}

export interface ClaimValidation {
  claim: AssessmentClaim;
  name: string;
  /** Where the claim's tests come from: its own list, or its category's. */
  tests: 'claim' | 'category' | 'none';
  comparable: boolean;
  reason: string | null;
  /** The ally's value of the assessment's measure in the ledger. */
  value: number | null;
  checks: ExpectationCheck[];
  /** true: every test holds; false: one fails; null: no test, or not comparable. */
  agrees: boolean | null;
}

export interface RankedAlly {
  ally: string;
  name: string;
  /** The assessment's favourability: rank, score or category order, as stated. */
  stated: string;
  /** Average ranks within the compared allies (1 = most favourable / highest). */
  assessmentRank: number;
  ledgerRank: number;
  ledgerValue: number;
}

export interface RankAgreement {
  kind: 'rank' | 'score' | 'category';
  n: number;
  /** Spearman's rho (Pearson's r on average ranks); null when n < 3 or either side has no variation. */
  rho: number | null;
  reason: string | null;
  allies: RankedAlly[];
  /** Allies placed at least `threshold` places apart by the two, with the lines that drive the ledger's placing. */
  discordant: (RankedAlly & { drivers: Drivers })[];
  threshold: number;
}

export interface AssessmentValidation {
  assessment: Pick<Assessment, 'id' | 'title' | 'publisher' | 'year' | 'source' | 'construct' | 'measure' | 'compare_year' | 'compare_year_note' | 'interpretation' | 'verified' | 'not_encoded'>;
  /** The ledger year compared (the assessment's, unless a year was imposed). */
  year: number;
  methodology: { id: string; version: string };
  rankedAllies: number;
  rank: RankAgreement | null;
  /** Share of the tested claims whose tests all hold (comparable claims only). */
  agreement: { agree: number; tested: number; share: number | null } | null;
  claims: ClaimValidation[];
  notComparable: { ally: string; reason: string }[];
}

export interface ValidationReport {
  caveat: string;
  methodology: { id: string; version: string };
  /** The year imposed on every assessment, or null (each assessment's own year). */
  year: number | null;
  assessments: AssessmentValidation[];
}

export interface ValidationOptions {
  /** Compare every assessment with this year's ledger instead of its own. */
  year?: number;
  /** How many driving lines to list (the rest are summed); default 5. */
  drivers?: number;
}

const DEFAULT_DRIVERS = 5;

/** The years whose ledgers a validation needs. */
export function validationYears(assessments: readonly Assessment[], year?: number): number[] {
  return year !== undefined ? [year] : [...new Set(assessments.map((a) => a.compare_year))].sort((x, y) => x - y);
}

/** The value of a measure on an ally's ledger. */
export function measureOf(sheet: AllyLedger, measure: Measure): number | null {
  return measure === 'net' ? sheet.net : measure === 'assets' ? sheet.assets : sheet.liabilities;
}

/** Points a line adds to a measure: assets add to the net, liabilities subtract; on one side, the side's own lines count. */
export function lineEffect(line: LedgerLine, measure: Measure): number {
  const c = line.contribution ?? 0;
  if (measure === 'net') return line.side === 'asset' ? c : -c;
  if (measure === 'assets') return line.side === 'asset' ? c : 0;
  return line.side === 'liability' ? c : 0;
}

/** Average ranks (1 = largest), ties sharing the mean of their places. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v);
  const ranks = new Array<number>(values.length);
  for (let k = 0; k < order.length;) {
    let j = k;
    while (j + 1 < order.length && order[j + 1].v === order[k].v) j++;
    const mean = (k + j) / 2 + 1;
    for (let m = k; m <= j; m++) ranks[order[m].i] = mean;
    k = j + 1;
  }
  return ranks;
}

/** Spearman's rank correlation: Pearson's r on average ranks (ties handled); null without variation or with fewer than 3 pairs. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error('spearman: the two series differ in length');
  if (x.length < 3) return null;
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const mean = (r: number[]) => r.reduce((s, v) => s + v, 0) / r.length;
  const mx = mean(rx);
  const my = mean(ry);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

function comparableSheets(ledger: YearLedger): AllyLedger[] {
  return ledger.allies.filter((a) => a.ranked && !a.partner && a.net !== null && a.assets !== null && a.liabilities !== null);
}

/** Why an ally cannot be set beside the assessment in this ledger, or null. */
function notComparableReason(ledger: YearLedger, ally: string): string | null {
  const sheet = ledger.allies.find((a) => a.ally === ally);
  if (!sheet) return `not an ally in the ${ledger.year} ledger`;
  if (sheet.partner) return `a partner in ${ledger.year}, not an ally: shown, never ranked`;
  if (!sheet.ranked) return `not ranked in the ${ledger.year} ledger (coverage ${Math.round(sheet.coverage.overall * 100)}% below the methodology's minimum)`;
  return null;
}

/** Lines that explain `value(ally) - value(reference)`: per line, the ally's effect minus the reference's (mean over the reference allies). */
export function explainGap(sheet: AllyLedger, reference: readonly AllyLedger[], measure: Measure, keep = DEFAULT_DRIVERS, versus: Drivers['versus']): Drivers {
  const items = new Map<string, { label: string; side: LedgerLine['side']; ally: number; reference: number }>();
  for (const l of sheet.lines) items.set(l.item, { label: l.label, side: l.side, ally: lineEffect(l, measure), reference: 0 });
  for (const r of reference) {
    for (const l of r.lines) {
      let entry = items.get(l.item);
      if (!entry) items.set(l.item, (entry = { label: l.label, side: l.side, ally: 0, reference: 0 }));
      entry.reference += lineEffect(l, measure) / reference.length;
    }
  }
  const all: DriverLine[] = [...items].map(([item, e]) => ({ item, label: e.label, side: e.side, ally: e.ally, reference: e.reference, difference: e.ally - e.reference }))
    .filter((d) => d.ally !== 0 || d.reference !== 0)
    .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference) || (a.item < b.item ? -1 : 1));
  const allyValue = measureOf(sheet, measure)!;
  const referenceValue = reference.reduce((s, r) => s + measureOf(r, measure)!, 0) / reference.length;
  const lines = all.slice(0, keep);
  const rest = all.slice(keep);
  return {
    measure, versus, allyValue, referenceValue, gap: allyValue - referenceValue, lines,
    other: { count: rest.length, difference: rest.reduce((s, d) => s + d.difference, 0) },
  };
}

/** The median ally of a group on a measure (src/method/explain.ts medianAllies, the same median ally "why this rank" uses). */
export function medianAllies(group: readonly AllyLedger[], measure: Measure): AllyLedger[] {
  return medianAlliesBy(group, (a) => measureOf(a, measure)!);
}

const fmt = (x: number) => x.toFixed(1);

/** The reference for a gap: the median of the other allies of a group (the middle ally, or the two middle ones averaged). */
function medianVersus(others: readonly AllyLedger[], measure: Measure, groupLabel: string): { allies: AllyLedger[]; versus: Drivers['versus'] } {
  const allies = medianAllies(others, measure);
  return {
    allies,
    versus: { kind: 'median', allies: allies.map((a) => a.ally), label: `the median of the other allies of ${groupLabel}: ${allies.map((a) => a.ally).join(' and ')}${allies.length === 2 ? ', averaged' : ''}` },
  };
}

function checkExpectation(e: Expectation, sheet: AllyLedger, assessment: Assessment, ledger: YearLedger, keep: number): ExpectationCheck {
  const all = comparableSheets(ledger);
  const members = e.among === undefined ? null : new Set([...assessment.groups[e.among].members, sheet.ally]);
  const group = members ? all.filter((a) => members.has(a.ally)) : all;
  const groupLabel = e.among === undefined ? `the ${all.length} ranked allies of ${ledger.year}` : `group "${e.among}" (${group.length} in the ${ledger.year} ledger)`;
  const value = measureOf(sheet, e.measure)!;
  const values = group.map((a) => measureOf(a, e.measure)!);
  const others = group.filter((a) => a.ally !== sheet.ally);
  const n = group.length;
  const position = 1 + values.filter((v) => v > value).length;
  const base = { expectation: e, value, position, groupSize: n };
  if (n < 2 && e.test !== 'positive' && e.test !== 'negative') return { ...base, holds: null, detail: `not checkable: ${groupLabel} has fewer than two ranked allies` };
  const where = `${e.measure} ${fmt(value)}, ${ordinal(position)} of ${n} in ${groupLabel}`;
  let holds: boolean;
  let detail: string;
  let versus: { allies: AllyLedger[]; versus: Drivers['versus'] } | null = null;
  switch (e.test) {
    case 'positive':
    case 'negative':
      holds = e.test === 'positive' ? value > 0 : value < 0;
      detail = `${e.measure} ${fmt(value)} ${e.test === 'positive' ? '> 0' : '< 0'}: ${holds ? 'yes' : 'no'}`;
      break;
    case 'above_median':
    case 'below_median': {
      const m = median(others.map((a) => measureOf(a, e.measure)!))!;
      holds = e.test === 'above_median' ? value > m : value < m;
      detail = `${where}; median of the others ${fmt(m)}`;
      break;
    }
    case 'highest':
    case 'lowest': {
      const target = e.test === 'highest' ? Math.max(...values) : Math.min(...values);
      holds = value === target;
      const holder = group.filter((a) => measureOf(a, e.measure) === target && a.ally !== sheet.ally)[0] ?? sheet;
      detail = `${where}; ${e.test} ${holder.ally} ${fmt(target)}`;
      if (!holds) versus = { allies: [holder], versus: { kind: 'ally', allies: [holder.ally], label: `${holder.name} (${holder.ally}), the ${e.test} of the group` } };
      break;
    }
    case 'top':
    case 'bottom':
    case 'middle': {
      const f = e.fraction!;
      const size = Math.max(1, Math.round(f * n));
      const fromBottom = 1 + values.filter((v) => v < value).length;
      const descending = [...group].sort((a, b) => measureOf(b, e.measure)! - measureOf(a, e.measure)! || (a.ally < b.ally ? -1 : 1));
      // the edge of the wanted band nearest the ally: the gap to it is what keeps the ally out
      let edge: { place: number; words: string };
      if (e.test === 'top') {
        holds = position <= size;
        detail = `${where}; top ${size} of ${n} wanted`;
        edge = { place: size, words: `the last ally inside the top ${size}` };
      } else if (e.test === 'bottom') {
        holds = fromBottom <= size;
        detail = `${where}; bottom ${size} of ${n} wanted`;
        edge = { place: n - size + 1, words: `the last ally inside the bottom ${size}` };
      } else {
        const outside = Math.floor((n - size) / 2);
        holds = position > outside && fromBottom > outside;
        detail = `${where}; places ${outside + 1} to ${n - outside} wanted`;
        edge = position <= outside ? { place: outside + 1, words: 'the first ally inside the middle band' } : { place: n - outside, words: 'the last ally inside the middle band' };
      }
      if (!holds) {
        const holder = descending[edge.place - 1];
        versus = { allies: [holder], versus: { kind: 'ally', allies: [holder.ally], label: `${holder.name} (${holder.ally}), ${edge.words} (${ordinal(edge.place)} of ${n})` } };
      }
      break;
    }
  }
  const check: ExpectationCheck = { ...base, holds, detail };
  if (!holds) {
    const ref = versus ?? medianVersus(others, e.measure, groupLabel);
    check.drivers = explainGap(sheet, ref.allies, e.measure, keep, ref.versus);
  }
  return check;
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${s}`;
}

function statedOf(c: AssessmentClaim, categories: ReadonlyMap<string, AssessmentCategory>): string {
  if (c.rank !== undefined) return `rank ${c.rank}`;
  if (c.score !== undefined) return `score ${c.score}`;
  const cat = categories.get(c.category!)!;
  return `${cat.label} (${cat.order})`;
}

/** Set one assessment beside one year's ledger. */
export function validateAssessment(assessment: Assessment, ledger: YearLedger, options: ValidationOptions = {}): AssessmentValidation {
  const keep = options.drivers ?? DEFAULT_DRIVERS;
  const categories = new Map(assessment.categories.map((c) => [c.id, c]));
  const names = new Map(ledger.allies.map((a) => [a.ally, a.name]));
  const sheets = new Map(comparableSheets(ledger).map((a) => [a.ally, a]));
  const claims: ClaimValidation[] = assessment.claims.map((claim) => {
    const reason = notComparableReason(ledger, claim.ally);
    const sheet = sheets.get(claim.ally);
    const expectations = claim.expect ?? (claim.category !== undefined ? categories.get(claim.category)!.expect : undefined) ?? [];
    const tests: ClaimValidation['tests'] = claim.expect ? 'claim' : expectations.length ? 'category' : 'none';
    const base = { claim, name: names.get(claim.ally) ?? claim.ally, tests };
    if (!sheet) return { ...base, comparable: false, reason, value: null, checks: [], agrees: null };
    const checks = expectations.map((e) => checkExpectation(e, sheet, assessment, ledger, keep));
    const agrees = checks.length === 0 ? null : checks.some((c) => c.holds === false) ? false : checks.some((c) => c.holds === null) ? null : true;
    return { ...base, comparable: true, reason: null, value: measureOf(sheet, assessment.measure), checks, agrees };
  });

  // rank correlation over the comparable allies with a rank, score or category
  const ordered = assessment.claims.filter((c) => (c.rank !== undefined || c.score !== undefined || c.category !== undefined) && sheets.has(c.ally));
  let rank: RankAgreement | null = null;
  const kind = assessment.claims.find((c) => c.rank !== undefined) ? 'rank' : assessment.claims.find((c) => c.score !== undefined) ? 'score' : assessment.claims.find((c) => c.category !== undefined) ? 'category' : null;
  if (kind) {
    const favour = ordered.map((c) => (c.rank !== undefined ? -c.rank : c.score !== undefined ? c.score : -categories.get(c.category!)!.order));
    const ledgerValues = ordered.map((c) => measureOf(sheets.get(c.ally)!, assessment.measure)!);
    const ar = averageRanks(favour);
    const lr = averageRanks(ledgerValues);
    const rho = spearman(favour, ledgerValues);
    const n = ordered.length;
    const allies: RankedAlly[] = ordered.map((c, i) => ({
      ally: c.ally, name: names.get(c.ally) ?? c.ally, stated: statedOf(c, categories),
      assessmentRank: ar[i], ledgerRank: lr[i], ledgerValue: ledgerValues[i],
    }));
    const threshold = Math.max(2, Math.ceil(n / 3));
    const group = ordered.map((c) => sheets.get(c.ally)!);
    const discordant = n >= 3 ? allies.filter((a) => Math.abs(a.assessmentRank - a.ledgerRank) >= threshold).map((a) => {
      const ref = medianVersus(group.filter((g) => g.ally !== a.ally), assessment.measure, `the ${n} allies both cover`);
      return { ...a, drivers: explainGap(sheets.get(a.ally)!, ref.allies, assessment.measure, keep, ref.versus) };
    }) : [];
    const reason = n < 3 ? `${n} ${n === 1 ? 'ally' : 'allies'} in common: at least 3 are needed`
      : rho === null ? 'no variation on one side (every ally tied)' : null;
    rank = { kind, n, rho, reason, allies, discordant, threshold };
  }

  const tested = claims.filter((c) => c.comparable && c.agrees !== null);
  const anyTests = claims.some((c) => c.tests !== 'none');
  const agree = tested.filter((c) => c.agrees).length;
  return {
    assessment: {
      id: assessment.id, title: assessment.title, publisher: assessment.publisher, year: assessment.year, source: assessment.source,
      construct: assessment.construct, measure: assessment.measure, compare_year: assessment.compare_year, compare_year_note: assessment.compare_year_note,
      interpretation: assessment.interpretation, verified: assessment.verified, not_encoded: assessment.not_encoded,
    },
    year: ledger.year,
    methodology: ledger.methodology,
    rankedAllies: sheets.size,
    rank,
    agreement: anyTests ? { agree, tested: tested.length, share: tested.length ? agree / tested.length : null } : null,
    claims,
    notComparable: claims.filter((c) => !c.comparable).map((c) => ({ ally: c.claim.ally, reason: c.reason! })),
  };
}

/** Set every assessment beside the ledger of its year (or of the imposed year). */
export function validateAssessments(assessments: readonly Assessment[], ledgerFor: (year: number) => YearLedger, options: ValidationOptions = {}): ValidationReport {
  const results = assessments.map((a) => validateAssessment(a, ledgerFor(options.year ?? a.compare_year), options));
  const methodology = results[0]?.methodology ?? { id: '', version: '' };
  return { caveat: VALIDATION_CAVEAT, methodology, year: options.year ?? null, assessments: results };
}

// --- text ---

const KIND_WORDS = { rank: 'ranks', score: 'scores', category: 'category order' } as const;

const signed = (x: number) => `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(1)}`;

function driversText(d: Drivers, indent: string): string[] {
  const out = [`${indent}why: ${d.measure} ${fmt(d.allyValue)} against ${fmt(d.referenceValue)} for ${d.versus.label}; gap ${signed(d.gap)} points, by line (the ally's points against the reference's):`];
  for (const l of d.lines) {
    out.push(`${indent}  ${signed(l.difference).padStart(6)}  ${l.label} [${l.item}, ${l.side}]: ${signed(l.ally)} against ${signed(l.reference)}`);
  }
  if (d.other.count) out.push(`${indent}  ${signed(d.other.difference).padStart(6)}  ${d.other.count === 1 ? 'the other line' : `the other ${d.other.count} lines`}`);
  return out;
}

function wrap(text: string, indent: string, width = 100): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = indent;
  for (const w of words) {
    if (line.length + w.length + 1 > width && line.trim()) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += (line.trim() ? ' ' : '') + w;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

/** The report as text: per assessment, the agreement figures, then every disagreement with the lines that drive it. */
export function validationText(report: ValidationReport): string {
  const out: string[] = [
    `Validation against published assessments · methodology ${report.methodology.id} ${report.methodology.version} · ${report.year === null ? 'each assessment against the ledger of its own year' : `every assessment against the ${report.year} ledger`}`,
    ...wrap(report.caveat, ''),
    '',
  ];
  report.assessments.forEach((v, i) => {
    const a = v.assessment;
    out.push(`[${i + 1}] ${a.id}: ${a.title} (${a.publisher}, ${a.year}; source ${a.source})`);
    out.push(...wrap(`Assesses: ${a.construct}`, '    '));
    out.push(`    Compared with: the ${v.year} ledger's ${a.measure} (${v.rankedAllies} ranked allies)${v.year !== a.compare_year ? `; the assessment's own year is ${a.compare_year}` : ''}.`);
    out.push(...wrap(`Reading: ${a.interpretation}`, '    '));
    out.push(...wrap(`Checked: ${a.verified}`, '    '));
    if (a.not_encoded) out.push(...wrap(`Not encoded: ${a.not_encoded}`, '    '));
    if (v.rank) {
      const r = v.rank;
      out.push(r.rho === null
        ? `    Rank correlation (Spearman, the assessment's ${KIND_WORDS[r.kind]} against the ledger's ${a.measure}): not computed, ${r.reason} (n = ${r.n}).`
        : `    Rank correlation (Spearman, the assessment's ${KIND_WORDS[r.kind]} against the ledger's ${a.measure}): rho = ${r.rho.toFixed(2)}, n = ${r.n}.`);
      for (const x of r.allies) out.push(`      ${x.ally}  ${x.stated.padEnd(36)} assessment place ${String(x.assessmentRank).padStart(4)}  ledger place ${String(x.ledgerRank).padStart(4)} (${a.measure} ${fmt(x.ledgerValue)})`);
      if (r.discordant.length) {
        out.push(`    Placed ${r.threshold} or more places apart:`);
        for (const x of r.discordant) {
          out.push(`      ${x.ally} ${x.name}: ${ordinal(Math.round(x.assessmentRank))} by the assessment, ${ordinal(Math.round(x.ledgerRank))} by the ledger`);
          out.push(...driversText(x.drivers, '        '));
        }
      } else if (r.n >= 3) out.push(`    No ally placed ${r.threshold} or more places apart.`);
    } else out.push('    Rank correlation: not computed (the assessment gives no ranks, scores or categories).');
    if (v.agreement) {
      const g = v.agreement;
      out.push(`    Sign/category agreement: ${g.agree} of ${g.tested} tested claims${g.share === null ? '' : ` (${Math.round(g.share * 100)}%)`}.`);
    } else out.push('    Sign/category agreement: not computed (no claim is read as a test on the ledger).');
    for (const c of v.claims) {
      const verdict = !c.comparable ? 'not comparable' : c.tests === 'none' ? (c.claim.unchecked ? 'not tested' : 'ranked only') : c.agrees === null ? 'not checkable' : c.agrees ? 'agrees' : 'disagrees';
      const flags = c.claim.flags.length ? ` [${c.claim.flags.join(', ')}]` : '';
      out.push(`      ${c.claim.ally}  ${verdict.padEnd(14)} ${c.claim.finding} (${c.claim.locator}; confidence ${c.claim.confidence})${flags}`);
      if (!c.comparable) out.push(`          ${c.reason}`);
      if (c.claim.unchecked) out.push(...wrap(c.claim.unchecked, '          '));
      for (const k of c.checks) {
        out.push(`          ${k.holds === null ? '?' : k.holds ? 'ok' : 'no'}  ${k.expectation.measure} ${k.expectation.test.replace('_', ' ')}${k.expectation.fraction !== undefined ? ` ${k.expectation.fraction}` : ''}${k.expectation.among ? ` among ${k.expectation.among}` : ''}: ${k.detail}`);
        if (k.drivers) out.push(...driversText(k.drivers, '              '));
      }
    }
    out.push('');
  });
  return out.join('\n');
}
