// The baseline a scenario is compared with: the evidence carried forward to the horizon
// year under stated, printed assumptions, with no change of policy. Series current at the
// latest ledger year go on year by year: spending holds its last share of GDP, money amounts
// grow with the economy, counts and ratings hold, alliances age. Series already dated today
// move forward whole, so that they are as old at the horizon as they are today. Every
// projected observation names the projection as its source and, in its locator, the
// observation it comes from. Pure.
import type { Evidence } from '../evidence/load.ts';
import type { Observation } from '../evidence/schema.ts';
// The engine's pure modules, not its index (which also exports its Node edges): this file runs in browsers.
import { indicatorsOf, latestReads } from '../method/methodology.ts';
import type { Methodology } from '../method/methodology.ts';
import { compareObservations, seriesKey } from './overlay.ts';
import type { SeriesOverlay } from './overlay.ts';
import { pathValues } from './path.ts';
import type { Citation, PathPoint } from './schema.ts';

/** The source id of every projected observation (curated/sources/scenarios.yaml). */
export const PROJECTION_SOURCE = 'alliance-ledger-baseline-projection';

/** How a series moves after its last observation. */
export type ProjectionRule = 'nominal' | 'real' | 'age' | 'hold';

/** A stated plan the baseline follows (none by default: the baseline is "no policy change"). */
export interface SpendingPath {
  country: string;
  indicator: string;
  points: PathPoint[];
  rationale: string;
  citations: Citation[];
}

export interface BaselineAssumptions {
  /** Real GDP growth, percent a year, every country. */
  realGrowthPct: number;
  /** U.S.-dollar inflation, percent a year: with real growth, the growth of current-dollar amounts. */
  inflationPct: number;
  spendingPaths: SpendingPath[];
}

export const DEFAULT_ASSUMPTIONS: BaselineAssumptions = {
  realGrowthPct: 1.5,
  inflationPct: 2.0,
  spendingPaths: [],
};

/**
 * Indicators that do not simply hold. Current-dollar and local-currency amounts grow at
 * nominal growth (exchange rates and population held); constant-price amounts at real growth.
 */
export const PROJECTION_RULES: Readonly<Record<string, ProjectionRule>> = {
  gdp_usd_current: 'nominal',
  gdp_usd_current_curated: 'nominal',
  gdp_per_capita_usd: 'nominal',
  milex_usd_current: 'nominal',
  milex_local_currency: 'nominal',
  milex_per_capita_usd: 'nominal',
  cow_milex: 'nominal',
  milex_usd_constant_2023: 'real',
  sdp_gdp_estimate: 'real',
  us_alliance_age_years: 'age',
};

export function ruleOf(indicator: string): ProjectionRule {
  return PROJECTION_RULES[indicator] ?? 'hold';
}

export function nominalGrowthPct(a: BaselineAssumptions): number {
  return ((1 + a.realGrowthPct / 100) * (1 + a.inflationPct / 100) - 1) * 100;
}

export interface Baseline {
  /** The year whose ledgers are compared. */
  year: number;
  /** The year of today's ledger (the methodology's latest year). */
  present: number;
  assumptions: BaselineAssumptions;
  /** How far back a last observation may lie and still be carried forward (older ones move forward whole). */
  staleness: number;
  /** Indicators with at least one dated series moved forward whole. */
  moved: string[];
  /** The countries projected (the ledger's allies, rivals and named countries). */
  countries: string[];
  /** Projected series (the observed part included), replacing the base series. */
  overlay: SeriesOverlay;
  /** Projected observations by indicator (for the printed summary). */
  projected: Map<string, number>;
}

function growth(rule: ProjectionRule, a: BaselineAssumptions): number {
  if (rule === 'nominal') return 1 + nominalGrowthPct(a) / 100;
  if (rule === 'real') return 1 + a.realGrowthPct / 100;
  return 1;
}

/** The projected observations of one series after its last value, up to `to`. */
function projectSeries(last: Observation, to: number, rule: ProjectionRule, a: BaselineAssumptions): Observation[] {
  const g = growth(rule, a);
  const how = rule === 'hold' ? `held at its ${last.year} value`
    : rule === 'age' ? `its ${last.year} value plus a year a year`
      : `its ${last.year} value grown ${(rule === 'nominal' ? nominalGrowthPct(a) : a.realGrowthPct).toFixed(2)}% a year (${rule})`;
  const locator = `baseline projection: ${how}; from ${last.source} ${last.locator}`;
  const flags = [...new Set(['derived' as const, ...last.flags.filter((f) => f === 'estimate' || f === 'uncertain')])].sort();
  const note = `projected from ${last.year} (${last.source})`;
  const out: Observation[] = [];
  const { value, low, high } = last;
  for (let year = last.year + 1; year <= to; year++) {
    const k = year - last.year;
    const f = g ** k;
    out.push({
      country: last.country, counterpart: last.counterpart, indicator: last.indicator, year,
      value: rule === 'age' ? value! + k : value! * f,
      low: low === null ? null : rule === 'age' ? low + k : low * f,
      high: high === null ? null : rule === 'age' ? high + k : high * f,
      source: PROJECTION_SOURCE, locator, flags, note,
    });
  }
  return out;
}

/**
 * A dated series (its last value already older than the default staleness window today)
 * moves forward whole, so that the horizon's ledger reads it exactly as old as today's does:
 * what is stale today stays equally stale, and nothing expires or freshens by projection.
 */
function moveForward(o: Observation, years: number): Observation {
  return {
    ...o, year: o.year + years, source: PROJECTION_SOURCE,
    locator: `baseline projection: the ${o.year} observation moved forward ${years} years (a dated series keeps its age); from ${o.source} ${o.locator}`,
    flags: [...new Set(['derived' as const, ...o.flags])].sort(),
    note: `observed in ${o.year} (${o.source})${o.note ? `; ${o.note}` : ''}`,
  };
}

/**
 * Carry every series the methodology reads (and `extraIndicators`) forward to `year`.
 * `present` is today's ledger year; a series is current when its last value lies within the
 * methodology's default staleness window of it.
 */
export function projectBaseline(
  evidence: Evidence,
  methodology: Methodology,
  options: { year: number; present: number; assumptions?: BaselineAssumptions; extraIndicators?: readonly string[]; extraCountries?: readonly string[] },
): Baseline {
  const assumptions = options.assumptions ?? DEFAULT_ASSUMPTIONS;
  const wanted = [...new Set([...indicatorsOf(methodology), ...(options.extraIndicators ?? []), ...assumptions.spendingPaths.map((p) => p.indicator)])].sort();
  const { countries, counterparts } = countriesOf(evidence, methodology, [...(options.extraCountries ?? []), ...assumptions.spendingPaths.map((p) => p.country)]);
  const overlay = new Map<string, Observation[]>();
  const projected = new Map<string, number>();
  const moved = new Set<string>();
  const shift = options.year - options.present;
  for (const indicator of wanted) {
    const dyadic = evidence.indicator(indicator)?.dyadic ?? false;
    for (const country of countries) {
      for (const counterpart of dyadic ? counterparts : ['']) {
        const series = evidence.series(country, indicator, { counterpart });
        let last: Observation | undefined;
        for (const o of series) if (o.value !== null && o.year <= options.year) last = o;
        if (!last || last.year >= options.year) continue;
        let next: Observation[];
        let count: number;
        if (last.year >= options.present - methodology.staleness_years) {
          const added = projectSeries(last, options.year, ruleOf(indicator), assumptions);
          next = [...series, ...added];
          count = added.length;
        } else {
          if (shift === 0) continue;
          next = series.map((o) => moveForward(o, shift));
          count = series.length;
          moved.add(indicator);
        }
        overlay.set(seriesKey(country, indicator, counterpart), next.sort(compareObservations));
        projected.set(indicator, (projected.get(indicator) ?? 0) + count);
      }
    }
  }
  for (const plan of assumptions.spendingPaths) followPlan(evidence, overlay, plan, options.year, options.present);
  return { year: options.year, present: options.present, assumptions, staleness: methodology.staleness_years, overlay, projected, moved: [...moved].sort(), countries };
}

/**
 * The countries a ledger reads: the covered allies, the candidates of the methodology's
 * named counterparts, the countries its measures and burden-sharing tables name, and any
 * the caller adds (those a scenario changes). Dyadic series run to the counterparts only.
 */
function countriesOf(evidence: Evidence, m: Methodology, extra: readonly string[]): { countries: string[]; counterparts: string[] } {
  const named = new Set<string>();
  for (const it of m.items) {
    for (const read of latestReads(it.measure)) for (const who of [read.country, read.counterpart]) if (who && /^[A-Z]{3}$/.test(who)) named.add(who);
  }
  const counterparts = new Set([...named, ...Object.values(m.counterparts).flatMap((r) => r.among)]);
  const countries = new Set([
    ...evidence.allies().map((a) => a.iso3), ...counterparts,
    ...m.burden_sharing.contributions.flatMap((c) => c.extra_countries), ...extra,
  ]);
  return { countries: [...countries].sort(), counterparts: [...counterparts].sort() };
}

/** A stated plan replaces the held values of its series (no linked indicators: state those as plans too). */
function followPlan(evidence: Evidence, overlay: Map<string, Observation[]>, plan: SpendingPath, year: number, present: number): void {
  const key = seriesKey(plan.country, plan.indicator);
  const series = overlay.get(key) ?? evidence.series(plan.country, plan.indicator);
  const start = [...series].reverse().find((o) => o.value !== null && o.year <= present && o.source !== PROJECTION_SOURCE);
  if (!start) return;
  const values = pathValues({ year: start.year, value: start.value! }, plan.points, year);
  const citation = plan.citations[0];
  const kept = series.filter((o) => !values.has(o.year));
  const planned = [...values.entries()].map(([y, v]): Observation => ({
    country: plan.country, counterpart: '', indicator: plan.indicator, year: y, value: v, low: null, high: null,
    source: citation.source, locator: `baseline plan: ${citation.locator}; path from ${start.year} (${start.source})`,
    flags: ['derived', 'estimate'], note: plan.rationale,
  }));
  overlay.set(key, [...kept, ...planned].sort(compareObservations));
}

/** The assumptions as sentences, for printing beside every scenario diff. */
export function describeBaseline(b: Baseline): string[] {
  const a = b.assumptions;
  const lines = [
    `Baseline: the evidence carried forward from ${b.present} to ${b.year}, with no change of policy.`,
    `  GDP and other current-dollar amounts grow ${nominalGrowthPct(a).toFixed(2)}% a year (real growth ${a.realGrowthPct}% plus U.S.-dollar inflation ${a.inflationPct}%); exchange rates and population hold.`,
    `  Defense spending holds its last share of GDP: its U.S.-dollar and local-currency amounts grow with GDP, constant-2023-dollar amounts with real growth.`,
    `  Everything else (troops, bases, host-nation support, trade shares, distances, ratings) holds its last value; alliance ages grow a year a year.`,
    `  A series whose last value is more than ${b.staleness} years old at ${b.present} is dated: it moves forward ${b.year - b.present} years whole, so it is as old at ${b.year} as at ${b.present} (missing or stale today stays so).`,
  ];
  if (a.spendingPaths.length === 0) lines.push('  Stated spending paths: none (scenarios add them).');
  for (const p of a.spendingPaths) {
    lines.push(`  Stated path: ${p.country} ${p.indicator} ${p.points.map((q) => `${q.value} in ${q.year}`).join(', ')} (${p.citations.map((c) => c.source).join(', ')}): ${p.rationale}`);
  }
  const total = [...b.projected.values()].reduce((x, y) => x + y, 0);
  lines.push(`  Projected: ${total.toLocaleString('en-US')} observations of ${b.projected.size} indicators for ${b.countries.length} countries (the allies, the rivals and the countries the methodology names); each names its source observation in its locator.`);
  return lines;
}
