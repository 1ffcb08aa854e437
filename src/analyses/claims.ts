// Quantitative claims from the reference texts and the literature, checked against the
// evidence. A claim is split into parts (one stated figure each); every part is read under
// one or more definitions ("readings"), because most disputes about such figures are about
// definitions: a part is supported when every reading agrees with it, depends on the
// definition when some do, and is not supported when none does. A claim is supported when
// every part is; not supported when some part is supported by no definition (or, where the
// parts are read under shared definitions, when no one definition supports every part); it
// depends on the definition only when some definition supports every part. Claims the
// evidence cannot test say so, and may show related evidence that is explicitly not the same
// measure.
import { z } from 'zod';
import type { Evidence } from '../evidence/load.ts';
import type { Observation } from '../evidence/schema.ts';
import { parseLocatedYaml } from '../method/yaml.ts';
import type { AllianceRecord, MemberObligations, UsCommitment } from './alliances.ts';
import { ATOP_COVERAGE_END } from './alliances.ts';
import { allianceDuration, recordedInForce, yearsBetween } from './history.ts';
import { kaplanMeier, restrictedMeanSurvival, survivalAt } from './survival.ts';
import type { MedianEstimate } from './survival.ts';

// --- the registry file (curated/claims.yaml) ---

const Iso3 = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 3166 code such as JPN');
const Year = z.number().int().min(1800).max(2100);

/** What the text states: a figure, and how close a computed value must be to agree with it. */
export const Stated = z.union([
  z.object({ about: z.number(), tolerance: z.number().nonnegative().optional(), relative_tolerance: z.number().min(0).max(1).optional(), unit: z.string() }).strict(),
  z.object({ at_most: z.number(), tolerance: z.number().nonnegative().default(0), unit: z.string() }).strict(),
  z.object({ at_least: z.number(), tolerance: z.number().nonnegative().default(0), unit: z.string() }).strict(),
]);
export type Stated = z.infer<typeof Stated>;

const AllianceSelection = {
  obligation: z.enum(['defense', 'any']).describe('defense: ATOP defense = 1; any: every ATOP alliance'),
  signed_from: Year.optional(),
  signed_to: Year.optional(),
};

export const Reading = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('observation'),
    indicator: z.string().min(1),
    country: Iso3,
    counterpart: Iso3.optional(),
    year: Year,
    window: z.number().int().min(0).max(10).default(0).describe('take the nearest year within this many years'),
    source: z.string().optional(),
    label: z.string().optional(),
  }).strict(),
  z.object({
    kind: z.literal('observation_period'),
    indicator: z.string().min(1),
    country: Iso3,
    from: Year,
    to: Year,
    statistic: z.enum(['max', 'min', 'mean']),
    source: z.string().optional(),
    label: z.string().optional(),
  }).strict(),
  z.object({
    kind: z.literal('ratio'),
    indicator: z.string().min(1),
    numerator: Iso3,
    denominator: Iso3,
    year: Year.describe('the latest year at or before this one in which both have a value'),
    label: z.string().optional(),
  }).strict(),
  z.object({
    kind: z.literal('alliance_duration'),
    statistic: z.enum(['median', 'mean', 'share_at_most']),
    years: z.number().positive().optional().describe('for share_at_most: the duration threshold'),
    definition: z.enum(['kaplan_meier', 'ended_only', 'naive', 'in_force_age']),
    ...AllianceSelection,
  }).strict(),
  z.object({
    kind: z.literal('alliance_age'),
    atopid: z.number().int(),
    on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  }).strict(),
  z.object({
    kind: z.literal('us_partners'),
    ...AllianceSelection,
    in_force_only: z.boolean().default(false).describe('count only memberships in force on 31 December 2018'),
  }).strict(),
  z.object({
    kind: z.literal('termination_share'),
    term: z.number().int().min(1).max(3).describe('ATOP TERM code counted: 1 fulfilled, 2 violation, 3 renegotiated'),
    ...AllianceSelection,
  }).strict(),
]);
export type Reading = z.infer<typeof Reading>;

export const ClaimPart = z.object({
  label: z.string().min(1),
  stated: Stated,
  readings: z.array(Reading).min(1),
}).strict();

export const Claim = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  statement: z.string().min(1).describe('the claim in our words (the texts are copyrighted: paraphrase, never quote at length)'),
  source: z.string().min(1),
  locator: z.string().min(1),
  year: Year.describe('when the claim was made'),
  topic: z.enum(['alliance durations', 'alliance reliability', 'entanglement', 'forces and basing', 'burden sharing', 'capabilities']),
  note: z.string().default(''),
  parts: z.array(ClaimPart).default([]),
  /** Why the evidence cannot test the claim (then `parts` is empty). */
  not_checkable: z.string().optional(),
  /** Evidence shown beside an uncheckable claim: related, but not the claim's own measure. */
  related: z.array(z.object({ label: z.string().min(1), reading: Reading }).strict()).default([]),
}).strict().refine((c) => (c.parts.length > 0) !== (c.not_checkable !== undefined), {
  message: 'give either parts to check or a not_checkable reason, not both',
});
export type Claim = z.infer<typeof Claim>;

export const ClaimRegistry = z.object({ claims: z.array(Claim).min(1) }).strict();
export type ClaimRegistry = z.infer<typeof ClaimRegistry>;

/**
 * Parse curated/claims.yaml; errors name the file, line and field. With `knownSources`, a
 * claim citing an unregistered source is an error too.
 */
export function parseClaimRegistry(file: string, text: string, knownSources?: ReadonlySet<string>): ClaimRegistry {
  const located = parseLocatedYaml(file, text, ClaimRegistry, 'See the comment at the top of curated/claims.yaml.');
  const seen = new Set<string>();
  located.data.claims.forEach((c, i) => {
    if (seen.has(c.id)) throw located.error(['claims', i, 'id'], `claim id "${c.id}" is used twice`, 'Give each claim its own id.');
    seen.add(c.id);
    if (knownSources && !knownSources.has(c.source)) {
      throw located.error(['claims', i, 'source'], `unknown source "${c.source}"`, 'Use an id from curated/sources.yaml or curated/sources/*.yaml.');
    }
  });
  return located.data;
}

/** The indicators a registry's readings name (for loading only the observation files needed). */
export function claimIndicators(registry: ClaimRegistry): string[] {
  const readings = registry.claims.flatMap((c) => [...c.parts.flatMap((p) => p.readings), ...c.related.map((r) => r.reading)]);
  return [...new Set(readings.flatMap((r) => ('indicator' in r ? [r.indicator] : [])))].sort();
}

// --- checking ---

export type Verdict = 'supported' | 'depends on the definition' | 'not supported' | 'not checkable';

export interface EvidenceRef {
  source: string;
  locator: string;
}

export interface ReadingResult {
  /** What was computed, under which definition. */
  definition: string;
  value: number | null;
  unit: string;
  /**
   * Whether the value agrees with the stated figure (null: no value, or a median known only
   * as a range that straddles the stated figure's allowance).
   */
  agrees: boolean | null;
  detail: string;
  evidence: EvidenceRef[];
  /**
   * Kaplan-Meier median readings: the median with its bounds. When it is not reached `value`
   * is null and the median is only known to be at least `median.lowerBound`; when the curve
   * sits at exactly one half over a stretch, `value` is the midpoint and the median lies
   * between the bounds. Agreement is judged on the whole range.
   */
  median?: MedianEstimate;
}

export interface PartResult {
  label: string;
  stated: string;
  verdict: Verdict;
  readings: ReadingResult[];
}

export interface ClaimCheck {
  claim: Omit<Claim, 'parts' | 'related'>;
  verdict: Verdict;
  /** Why the claim gets its verdict, in one phrase (which part fails, or which definition supports all). */
  reason: string;
  summary: string;
  parts: PartResult[];
  /**
   * For claims of several parts: the definitions read for every part, and whether all parts
   * agree under that one definition (a claim can agree part by part only by mixing definitions).
   */
  jointly: { definition: string; agrees: boolean }[];
  related: (ReadingResult & { label: string })[];
}

/** What the checks read: the evidence's observations, and ATOP as typed records. */
export interface ClaimContext {
  evidence: Pick<Evidence, 'series' | 'indicator'>;
  alliances: readonly AllianceRecord[];
  members: readonly MemberObligations[];
  /**
   * The post-2018 record of U.S. commitments (us_commitments): an ATOP alliance it shows in
   * force in 2024 is censored in the duration readings whatever ATOP's termination code.
   */
  commitments?: readonly UsCommitment[];
}

export function describeStated(s: Stated): string {
  if ('about' in s) {
    const tol = s.relative_tolerance !== undefined ? ` (agrees within ±${Math.round(s.relative_tolerance * 100)}%)` : s.tolerance !== undefined ? ` (agrees within ±${s.tolerance})` : '';
    return `about ${s.about} ${s.unit}${tol}`;
  }
  if ('at_most' in s) return `at most ${s.at_most} ${s.unit}${s.tolerance ? ` (agrees up to ${round(s.at_most + s.tolerance)})` : ''}`;
  return `at least ${s.at_least} ${s.unit}${s.tolerance ? ` (agrees from ${round(s.at_least - s.tolerance)})` : ''}`;
}

export function agreesWith(s: Stated, value: number): boolean {
  if ('about' in s) {
    const tol = s.relative_tolerance !== undefined ? Math.abs(s.about) * s.relative_tolerance : s.tolerance ?? 0;
    return Math.abs(value - s.about) <= tol + 1e-9;
  }
  if ('at_most' in s) return value <= s.at_most + s.tolerance + 1e-9;
  return value >= s.at_least - s.tolerance - 1e-9;
}

/** The values a stated figure agrees with, allowance included, as [low, high]. */
function agreementRange(s: Stated): [number, number] {
  if ('about' in s) {
    const tol = s.relative_tolerance !== undefined ? Math.abs(s.about) * s.relative_tolerance : s.tolerance ?? 0;
    return [s.about - tol, s.about + tol];
  }
  if ('at_most' in s) return [Number.NEGATIVE_INFINITY, s.at_most + s.tolerance];
  return [s.at_least - s.tolerance, Number.POSITIVE_INFINITY];
}

/**
 * Whether a figure known only to lie in [low, high] (high: Infinity when unbounded) agrees:
 * true when the whole range agrees, false when none of it does, null when it straddles the
 * allowance (the evidence cannot tell).
 */
export function agreesWithin(s: Stated, low: number, high: number): boolean | null {
  const [from, to] = agreementRange(s);
  if (high < from - 1e-9 || low > to + 1e-9) return false;
  if (low >= from - 1e-9 && high <= to + 1e-9) return true;
  return null;
}

/** A Kaplan-Meier median known only as a range: not reached, or on a flat stretch at one half. */
function medianRange(m: MedianEstimate | undefined): [number, number] | null {
  if (!m || m.lowerBound === null || (m.reached && !m.flat)) return null;
  return [m.lowerBound, m.upperBound ?? Number.POSITIVE_INFINITY];
}

/** Agreement of a computed reading: on its value, or on the range a Kaplan-Meier median is known to lie in. */
function readingAgrees(s: Stated, r: ComputedReading): boolean | null {
  const range = medianRange(r.median);
  if (range) return agreesWithin(s, range[0], range[1]);
  return r.value === null ? null : agreesWith(s, r.value);
}

/** A part's verdict from its readings: all agree, some agree, none agree, or nothing computed. */
export function partVerdict(agreements: readonly (boolean | null)[]): Verdict {
  const known = agreements.filter((a): a is boolean => a !== null);
  if (!known.length) return 'not checkable';
  if (known.every(Boolean)) return 'supported';
  if (known.some(Boolean)) return 'depends on the definition';
  return 'not supported';
}

/**
 * A claim's verdict from its checkable parts. Supported: every part is. Not supported: some
 * part is supported by no definition. Otherwise every part agrees under some definition, and
 * the claim depends on the definition only if one definition supports every part:
 * `oneDefinitionForAll` says whether one does where the parts are read under shared
 * definitions (false: none does, so the claim is not supported either); null where they share
 * none (each part is its own measure, and a definition of the claim is a reading per part).
 */
export function claimVerdict(parts: readonly Verdict[], oneDefinitionForAll: boolean | null = null): Verdict {
  const checkable = parts.filter((v) => v !== 'not checkable');
  if (!checkable.length) return 'not checkable';
  if (checkable.every((v) => v === 'supported')) return 'supported';
  if (checkable.some((v) => v === 'not supported')) return 'not supported';
  if (oneDefinitionForAll === false) return 'not supported';
  return 'depends on the definition';
}

export function checkClaims(registry: ClaimRegistry, context: ClaimContext): ClaimCheck[] {
  return registry.claims.map((c) => checkClaim(c, context));
}

export function checkClaim(claim: Claim, context: ClaimContext): ClaimCheck {
  const { parts: partSpecs, related: relatedSpecs, ...described } = claim;
  const parts: PartResult[] = partSpecs.map((p) => {
    const readings = p.readings.map((r) => {
      const result = read(r, context);
      return { ...result, agrees: readingAgrees(p.stated, result) };
    });
    return { label: p.label, stated: describeStated(p.stated), verdict: partVerdict(readings.map((r) => r.agrees)), readings };
  });
  const related = relatedSpecs.map((r) => ({ label: r.label, ...read(r.reading, context), agrees: null }));
  const jointly = jointReadings(partSpecs, parts);
  const oneDefinitionForAll = jointly.length ? jointly.some((j) => j.agrees) : null;
  const verdict = claim.not_checkable !== undefined ? 'not checkable' : claimVerdict(parts.map((p) => p.verdict), oneDefinitionForAll);
  const reason = verdictReason(claim, verdict, parts, jointly);
  return { claim: described, verdict, reason, summary: summarize(claim, verdict, reason, parts, jointly), parts, related, jointly };
}

function verdictReason(claim: Claim, verdict: Verdict, parts: readonly PartResult[], jointly: ClaimCheck['jointly']): string {
  if (claim.not_checkable !== undefined) return 'the evidence cannot test it';
  const failing = parts.filter((p) => p.verdict === 'not supported').map((p) => `"${p.label}"`);
  switch (verdict) {
    case 'supported':
      return parts.length > 1 ? 'every part agrees under every definition read' : 'every definition read agrees';
    case 'not checkable':
      return 'no reading could be computed';
    case 'not supported':
      if (!failing.length) return `each part agrees under some definition, but no single definition makes every part agree (${jointly.length} definitions read for every part)`;
      return parts.length > 1 && failing.length === parts.length ? 'no definition supports any part' : `no definition supports the part${failing.length > 1 ? 's' : ''} ${failing.join(', ')}`;
    case 'depends on the definition':
      if (jointly.length) return `every part agrees under ${jointly.filter((j) => j.agrees).map((j) => j.definition).join('; ')}, but not under every definition read`;
      return parts.length > 1 ? 'every part agrees under some of its definitions, not under all' : 'some definitions agree, others do not';
  }
}

/** What a reading measures, apart from the statistic: readings with the same key share a definition. */
function definitionKey(r: Reading): string {
  const { statistic: _s, years: _y, label: _l, ...rest } = r as Reading & { statistic?: unknown; years?: unknown; label?: unknown };
  return JSON.stringify(rest, Object.keys(rest).sort());
}

function jointReadings(specs: readonly Claim['parts'][number][], parts: readonly PartResult[]): ClaimCheck['jointly'] {
  if (parts.length < 2) return [];
  const keysPerPart = specs.map((p) => p.readings.map(definitionKey));
  return keysPerPart[0]
    .map((key, i) => ({ key, i }))
    .filter(({ key }) => keysPerPart.every((keys) => keys.includes(key)))
    .map(({ key, i }) => {
      const results = parts.map((p, j) => p.readings[keysPerPart[j].indexOf(key)]);
      // Duration readings name their statistic first ("median: ..."); the shared definition follows it.
      const text = parts[0].readings[i].definition;
      const definition = specs[0].readings[i].kind === 'alliance_duration' ? text.replace(/^[^:]*: /, '') : text;
      return { definition, agrees: results.every((r) => r.agrees === true) };
    });
}

/** A reading's figure in words: its value, or what is known of a median that is a range. */
export function shownReading(r: Pick<ReadingResult, 'value' | 'unit' | 'median'>): string {
  if (medianRange(r.median)) return r.median!.short;
  if (r.value === null) return 'no value';
  return r.unit === 'share' ? `${Math.round(100 * r.value)}%` : formatValue(r.value);
}

function summarize(claim: Claim, verdict: Verdict, reason: string, parts: readonly PartResult[], jointly: ClaimCheck['jointly']): string {
  if (claim.not_checkable !== undefined) return `Not checkable with this evidence: ${claim.not_checkable}`;
  const lines = parts.map((p) => {
    const computed = p.readings.filter((r) => r.value !== null || medianRange(r.median));
    if (!computed.length) return `${p.label} (stated ${p.stated}): no data.`;
    const each = (rs: readonly ReadingResult[]) => rs.map((r) => `${shownReading(r)} (${r.definition})`).join('; ');
    // A part no definition supports lists every definition tried, with its figure.
    if (computed.length === 1) return `${p.label} (stated ${p.stated}): ${p.verdict}; computed ${each(computed)}.`;
    if (p.verdict === 'not supported') return `${p.label} (stated ${p.stated}): not supported; no definition agrees; tried ${computed.length}: ${each(computed)}.`;
    const values = computed.filter((r) => r.value !== null).map((r) => r.value!);
    const shown = (v: number) => (computed[0].unit === 'share' ? `${Math.round(100 * v)}%` : formatValue(v));
    const range = values.length ? `${shown(Math.min(...values))} to ${shown(Math.max(...values))} under ${computed.length} definitions` : `under ${computed.length} definitions`;
    const agreeing = computed.filter((r) => r.agrees);
    const under = p.verdict === 'depends on the definition' ? `; agrees under ${agreeing.length}: ${each(agreeing)}` : '';
    return `${p.label} (stated ${p.stated}): ${p.verdict}; computed ${range}${under}.`;
  });
  const joint = !jointly.length ? []
    : jointly.some((j) => j.agrees) ? [`Every part agrees under one definition: ${jointly.filter((j) => j.agrees).map((j) => j.definition).join('; ')}.`]
      : [`No single definition makes every part agree (${jointly.length} definitions read for all parts).`];
  return [`Verdict: ${verdict}: ${reason}.`, ...lines, ...joint].join(' ');
}

function formatValue(v: number): string {
  const abs = Math.abs(v);
  return abs >= 1000 ? Math.round(v).toLocaleString('en-US') : abs >= 10 ? v.toFixed(1) : abs >= 1 ? v.toFixed(2) : v.toFixed(3);
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

type ComputedReading = Omit<ReadingResult, 'agrees'>;

function read(r: Reading, ctx: ClaimContext): ComputedReading {
  switch (r.kind) {
    case 'observation': return readObservation(r, ctx);
    case 'observation_period': return readPeriod(r, ctx);
    case 'ratio': return readRatio(r, ctx);
    case 'alliance_duration': return readAllianceDuration(r, ctx.alliances, inForceLater(ctx));
    case 'alliance_age': return readAllianceAge(r, ctx.alliances);
    case 'termination_share': return readTerminationShare(r, ctx.alliances, inForceLater(ctx));
    case 'us_partners': return readUsPartners(r, ctx);
  }
}

function inForceLater(ctx: ClaimContext): ReadonlySet<number> {
  return recordedInForce(ctx.commitments ?? []);
}

function refOf(o: Observation): EvidenceRef {
  return { source: o.source, locator: o.locator };
}

function unitOf(ctx: ClaimContext, indicator: string): string {
  return ctx.evidence.indicator(indicator)?.unit ?? '';
}

function present(ctx: ClaimContext, indicator: string, country: string, options: { counterpart?: string; source?: string } = {}): Observation[] {
  return ctx.evidence.series(country, indicator, options).filter((o) => o.value !== null);
}

function readObservation(r: Extract<Reading, { kind: 'observation' }>, ctx: ClaimContext): ComputedReading {
  const rows = present(ctx, r.indicator, r.country, { counterpart: r.counterpart, source: r.source });
  const near = rows
    .filter((o) => Math.abs(o.year - r.year) <= r.window)
    .sort((a, b) => Math.abs(a.year - r.year) - Math.abs(b.year - r.year) || a.year - b.year)[0];
  const definition = r.label ?? `${r.indicator}, ${r.country}${r.counterpart ? `-${r.counterpart}` : ''}, ${r.window ? `the year nearest ${r.year} (within ${r.window})` : r.year}${r.source ? `, source ${r.source}` : ''}`;
  if (!near) return { definition, value: null, unit: unitOf(ctx, r.indicator), detail: 'no observation with a value in the evidence', evidence: [] };
  return { definition, value: near.value, unit: unitOf(ctx, r.indicator), detail: `${near.year}: ${formatValue(near.value!)}${near.note ? ` (${near.note})` : ''}`, evidence: [refOf(near)] };
}

function readPeriod(r: Extract<Reading, { kind: 'observation_period' }>, ctx: ClaimContext): ComputedReading {
  const rows = present(ctx, r.indicator, r.country, { source: r.source }).filter((o) => o.year >= r.from && o.year <= r.to);
  const definition = r.label ?? `${r.statistic} of ${r.indicator}, ${r.country}, ${r.from}-${r.to}`;
  const unit = unitOf(ctx, r.indicator);
  if (!rows.length) return { definition, value: null, unit, detail: 'no observation with a value in the period', evidence: [] };
  const values = rows.map((o) => o.value!);
  const value = r.statistic === 'max' ? Math.max(...values) : r.statistic === 'min' ? Math.min(...values) : values.reduce((s, v) => s + v, 0) / values.length;
  const expected = r.to - r.from + 1;
  const extreme = r.statistic === 'mean' ? null : rows.find((o) => o.value === value)!;
  const detail = `${rows.length} of ${expected} years with a value${extreme ? `; ${r.statistic} in ${extreme.year}` : ''}`;
  const evidence = extreme ? [refOf(extreme)] : [refOf(rows[0]), refOf(rows[rows.length - 1])];
  return { definition, value, unit, detail, evidence };
}

function readRatio(r: Extract<Reading, { kind: 'ratio' }>, ctx: ClaimContext): ComputedReading {
  const num = new Map(present(ctx, r.indicator, r.numerator).map((o) => [o.year, o]));
  const den = new Map(present(ctx, r.indicator, r.denominator).map((o) => [o.year, o]));
  const definition = r.label ?? `${r.indicator}: ${r.numerator} / ${r.denominator}`;
  const years = [...num.keys()].filter((y) => y <= r.year && den.has(y)).sort((a, b) => b - a);
  if (!years.length) return { definition, value: null, unit: 'ratio', detail: `no year up to ${r.year} with values for both`, evidence: [] };
  const y = years[0];
  const a = num.get(y)!;
  const b = den.get(y)!;
  if (b.value === 0) return { definition, value: null, unit: 'ratio', detail: `${r.denominator} is 0 in ${y}`, evidence: [refOf(b)] };
  return {
    definition: `${definition}, ${y}`,
    value: a.value! / b.value!,
    unit: 'ratio',
    detail: `${y}: ${formatValue(a.value!)} / ${formatValue(b.value!)} ${unitOf(ctx, r.indicator)}`,
    evidence: [refOf(a), refOf(b)],
  };
}

function selectAlliances(alliances: readonly AllianceRecord[], r: { obligation: 'defense' | 'any'; signed_from?: number; signed_to?: number }): AllianceRecord[] {
  return alliances.filter((a) =>
    (r.obligation === 'any' || a.obligations.defense) &&
    (r.signed_from === undefined || a.begin.year >= r.signed_from) &&
    (r.signed_to === undefined || a.begin.year <= r.signed_to));
}

function selectionLabel(r: { obligation: 'defense' | 'any'; signed_from?: number; signed_to?: number }): string {
  const what = r.obligation === 'defense' ? 'defense pacts (ATOP defense = 1)' : 'all ATOP alliances';
  const when = r.signed_from !== undefined || r.signed_to !== undefined ? ` signed ${r.signed_from ?? 1815}-${r.signed_to ?? ATOP_COVERAGE_END.year}` : '';
  return `${what}${when}`;
}

function atopRef(n: number, r: { obligation: 'defense' | 'any' }): EvidenceRef {
  return { source: 'atop-5.1', locator: `evidence table atop_alliances (from atop/atop5_1a.csv): ${n} alliances${r.obligation === 'defense' ? ' with defense = 1' : ''}` };
}

/**
 * The duration figure under one definition (see DURATION_DEFINITIONS). Alliances in force
 * (ATOP ineffect = 1, or in `inForceLater`) are censored whatever their termination code.
 */
export function readAllianceDuration(r: Extract<Reading, { kind: 'alliance_duration' }>, alliances: readonly AllianceRecord[], inForceLater: ReadonlySet<number> = new Set()): ComputedReading {
  const selected = selectAlliances(alliances, r);
  const durations = selected.map((a) => allianceDuration(a, inForceLater));
  const threshold = r.years ?? 6;
  const statistic = r.statistic === 'share_at_most' ? `share lasting ${threshold} years or less` : r.statistic;
  const unit = r.statistic === 'share_at_most' ? 'share' : 'years';
  const base = { unit, evidence: [atopRef(selected.length, r)] };
  const which = selectionLabel(r);
  let values: number[];
  let definition: string;
  switch (r.definition) {
    case 'kaplan_meier': {
      const curve = kaplanMeier(durations.map((d) => ({ time: d.years, event: d.ended })));
      definition = `Kaplan-Meier, ${which}, in-force pacts censored`;
      const value = r.statistic === 'median' ? curve.median
        : r.statistic === 'mean' ? restrictedMeanSurvival(curve, curve.maxTime)
          : 1 - survivalAt(curve, threshold);
      const m = curve.medianEstimate;
      const detail = r.statistic === 'median'
        ? `${curve.n} alliances, ${curve.events} ended, ${curve.censored} censored; ${medianRange(m) ? `median ${m.text}; ` : ''}95% interval ${fmtOpen(curve.medianLower)}-${fmtOpen(curve.medianUpper)} years`
        : r.statistic === 'mean' ? `restricted mean up to ${curve.maxTime.toFixed(1)} years (${curve.n} alliances, ${curve.censored} censored)`
          : `estimated share ended by ${threshold} years (1 - S(${threshold})), ${curve.n} alliances`;
      return { ...base, definition: `${statistic}: ${definition}`, value, detail, ...(r.statistic === 'median' ? { median: m } : {}) };
    }
    case 'ended_only':
      values = durations.filter((d) => d.ended).map((d) => d.years);
      definition = `ended ${which} only`;
      break;
    case 'naive':
      values = durations.map((d) => d.years);
      definition = `all ${which}, those in force counted at their age on ${ATOP_COVERAGE_END.year}-12-31 as if they had ended`;
      break;
    case 'in_force_age':
      values = selected.filter((a) => a.inForce || inForceLater.has(a.atopid)).map((a) => yearsBetween(a.begin, ATOP_COVERAGE_END));
      definition = `age on ${ATOP_COVERAGE_END.year}-12-31 of the ${which} then in force`;
      break;
  }
  const value = !values.length ? null
    : r.statistic === 'median' ? median(values)
      : r.statistic === 'mean' ? values.reduce((s, v) => s + v, 0) / values.length
        : values.filter((v) => v <= threshold).length / values.length;
  return { ...base, definition: `${statistic}: ${definition}`, value, detail: `${values.length} alliances` };
}

function fmtOpen(v: number | null): string {
  return v === null ? 'open' : v.toFixed(1);
}

function readAllianceAge(r: Extract<Reading, { kind: 'alliance_age' }>, alliances: readonly AllianceRecord[]): ComputedReading {
  const a = alliances.find((x) => x.atopid === r.atopid);
  const [year, month, day] = r.on.split('-').map(Number);
  const definition = `age on ${r.on} of ATOP alliance ${r.atopid}, from its signature`;
  if (!a) return { definition, value: null, unit: 'years', detail: `ATOP alliance ${r.atopid} is not in the evidence`, evidence: [] };
  const stillInForce = a.inForce ? `in force at the end of ATOP's coverage (${ATOP_COVERAGE_END.year})` : `ended ${a.end?.year ?? '?'}`;
  return {
    definition: `${definition} (${a.name})`,
    value: yearsBetween(a.begin, { year, month, day }),
    unit: 'years',
    detail: `signed ${a.begin.year}-${pad(a.begin.month)}-${pad(a.begin.day)}; ${stillInForce}`,
    evidence: [{ source: 'atop-5.1', locator: a.locator }],
  };
}

function pad(n: number | null): string {
  return n === null ? '??' : String(n).padStart(2, '0');
}

function readTerminationShare(r: Extract<Reading, { kind: 'termination_share' }>, alliances: readonly AllianceRecord[], inForceLater: ReadonlySet<number>): ComputedReading {
  // Ended as in the duration figures: an alliance in force is not ended whatever its TERM code.
  const ended = selectAlliances(alliances, r).filter((a) => allianceDuration(a, inForceLater).ended);
  const count = ended.filter((a) => a.termination === r.term).length;
  const mode = { 1: 'provisions fulfilled', 2: 'violation or abrogation', 3: 'renegotiation' }[r.term];
  return {
    definition: `share of ended ${selectionLabel(r)} whose ending ATOP codes as ${mode} (TERM = ${r.term})`,
    value: ended.length ? count / ended.length : null,
    unit: 'share',
    detail: `${count} of ${ended.length} ended alliances`,
    evidence: [atopRef(ended.length, r)],
  };
}

function readUsPartners(r: Extract<Reading, { kind: 'us_partners' }>, ctx: ClaimContext): ComputedReading {
  const ids = new Set(selectAlliances(ctx.alliances, r).filter((a) => a.members.includes('USA')).map((a) => a.atopid));
  const partners = new Set(ctx.members
    .filter((m) => ids.has(m.atopid) && m.member !== 'USA' && (!r.in_force_only || m.inForce))
    .map((m) => m.member));
  const listed = [...partners].sort();
  return {
    definition: `distinct partner states of the United States in ${selectionLabel(r)}${r.in_force_only ? `, memberships in force on ${ATOP_COVERAGE_END.year}-12-31` : ', ever'}`,
    value: partners.size,
    unit: 'countries',
    detail: `${ids.size} alliances; partners: ${listed.join(', ')}`,
    evidence: [{ source: 'atop-5.1', locator: `evidence tables atop_alliances and atop_members (from atop/atop5_1a.csv, atop/atop5_1m.csv): alliances ${[...ids].sort((a, b) => a - b).join(', ')}` }],
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

