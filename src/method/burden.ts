// Burden-sharing ratios in the manner of the U.S. Department of Defense's Report on Allied
// Contributions to the Common Defense: a country's share of the allied total of a
// contribution divided by its share of the allied total of its ability to contribute; about
// 1.0 is a fair share, above 1 more than its share. The DoD set each contribution against its
// own ability measure: GDP for defense spending, labour force for military manpower. Cost
// sharing it reported as a level, the share of U.S. stationing costs the host offsets, not as
// a ratio of shares. Totals run over the countries with both values as of the year, and no
// ratio is computed over fewer countries than the methodology's minimum. Where the ability
// indicator covers too few of a contribution's countries, a stated proxy (e.g. population for
// labour force) stands in for every country of that contribution, flagged; the two are never
// mixed in one total. Every value carries its own year.
import type { Evidence } from '../evidence/load.ts';
import { alliesOfYear } from './membership.ts';
import type { Observation } from '../evidence/schema.ts';
import type { BurdenAbility, Methodology } from './methodology.ts';

export interface BurdenValue {
  value: number;
  year: number;
  stale: boolean;
  observation: Observation;
}

export interface BurdenCell {
  contribution: BurdenValue | null;
  /** The ability value this contribution is set against (null for level contributions). */
  ability: BurdenValue | null;
  /** Share of the total contribution of the countries counted (0-1). */
  share: number | null;
  /** Share of the total ability of the same countries (0-1). */
  abilityShare: number | null;
  /** share / abilityShare: about 1 is a fair share (null for level contributions). */
  ratio: number | null;
  /** 1 = highest ratio (or level) among the allies counted. */
  rank: number | null;
  reason: string | null;
}

export interface BurdenRow {
  country: string;
  name: string;
  ally: boolean;
  /** The default ability measure (burden_sharing.ability) of the country. */
  ability: BurdenValue | null;
  /** Share of the default ability of every country listed with a value (0-1). */
  abilityShare: number | null;
  cells: Record<string, BurdenCell>;
}

/** The ability measure a contribution was set against, as used. */
export interface BurdenAbilityUsed {
  label: string;
  unit: string;
  indicator: string;
  /** true when the methodology's proxy stood in for the ability indicator. */
  proxy: boolean;
  /** Countries of the contribution (with a contribution value) that have the ability indicator itself. */
  coverage: { with: number; of: number };
  /** Why the proxy was or was not used, in words. */
  note: string;
}

export interface BurdenContributionSummary {
  id: string;
  label: string;
  unit: string;
  indicator: string;
  measure: 'share_ratio' | 'level';
  /** null for level contributions. */
  ability: BurdenAbilityUsed | null;
  /** Countries with the contribution (and, for ratios, the ability) as of the year. */
  counted: number;
  /** Totals over the countries counted (null for level contributions or below the minimum). */
  total: number | null;
  abilityTotal: number | null;
  /** Oldest and newest year of the values in the totals. */
  years: { contribution: [number, number] | null; ability: [number, number] | null };
  /** Allies left out for want of data. */
  missing: string[];
  /** Why no ratio was computed (e.g. fewer countries than the minimum); null when computed. */
  reason: string | null;
}

export interface BurdenReport {
  year: number;
  /** The default ability measure (burden_sharing.ability). */
  ability: { label: string; unit: string; indicator: string };
  /** No ratio is computed over fewer countries than this. */
  minCountries: number;
  contributions: BurdenContributionSummary[];
  rows: BurdenRow[];
  sources: string[];
}

/** The latest value within the window of the first indicator that has one. */
function asOf(evidence: Evidence, country: string, indicators: readonly string[], year: number, window: number): BurdenValue | null {
  for (const indicator of indicators) {
    const o = evidence.latest(country, indicator, { upTo: year });
    if (o && o.year >= year - window) return { value: o.value!, year: o.year, stale: o.year < year, observation: o };
  }
  return null;
}

function span(values: readonly BurdenValue[]): [number, number] | null {
  if (!values.length) return null;
  const years = values.map((v) => v.year);
  return [Math.min(...years), Math.max(...years)];
}

/** Per country, the ability value a share-ratio contribution is set against, and how it was chosen. */
function abilityValues(evidence: Evidence, spec: BurdenAbility, countries: readonly string[], year: number, window: number): { values: Map<string, BurdenValue | null>; used: BurdenAbilityUsed } {
  const primary = new Map(countries.map((c) => [c, asOf(evidence, c, [spec.indicator, ...spec.fallback], year, window)]));
  const covered = countries.filter((c) => primary.get(c) !== null).length;
  const coverage = { with: covered, of: countries.length };
  const enough = countries.length === 0 || covered / countries.length >= spec.min_coverage;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  if (enough || !spec.proxy) {
    const note = enough
      ? `${spec.label} (${spec.indicator}) for ${covered} of ${countries.length} countries`
      : `${spec.label} (${spec.indicator}) covers ${covered} of ${countries.length} countries, below the methodology's ${pct(spec.min_coverage)}, and no proxy is stated: the others are left out`;
    return { values: primary, used: { label: spec.label, unit: spec.unit, indicator: spec.indicator, proxy: false, coverage, note } };
  }
  const proxy = spec.proxy;
  const values = new Map(countries.map((c) => [c, asOf(evidence, c, [proxy.indicator, ...proxy.fallback], year, window)]));
  const note = `${spec.label} (${spec.indicator}) covers ${covered} of ${countries.length} countries, below the methodology's ${pct(spec.min_coverage)}: ${proxy.label} (${proxy.indicator}) stands in for it for every country, as a stated proxy (${proxy.rationale})`;
  return { values, used: { label: `${proxy.label}, proxy for ${spec.label.toLowerCase()}`, unit: proxy.unit, indicator: proxy.indicator, proxy: true, coverage, note } };
}

export function computeBurdenSharing(evidence: Evidence, methodology: Methodology, year: number, allies?: readonly string[]): BurdenReport {
  const b = methodology.burden_sharing;
  const minCountries = b.min_countries;
  // The countries counted as allies: the year's allies (src/method/membership.ts), not every covered country.
  const allyList = [...(allies ?? alliesOfYear(evidence, year))].sort();
  const extra = [...new Set(b.contributions.flatMap((c) => c.extra_countries))].filter((c) => !allyList.includes(c)).sort();
  const countries = [...allyList, ...extra];
  const names = new Map(evidence.allies().map((a) => [a.iso3, a.name]));
  const rows: BurdenRow[] = countries.map((country) => ({
    country,
    name: names.get(country) ?? evidence.country(country)?.name ?? country,
    ally: allyList.includes(country),
    ability: asOf(evidence, country, [b.ability.indicator, ...b.ability.fallback], year, b.staleness_years),
    abilityShare: null,
    cells: {},
  }));
  const abilityAll = rows.reduce((sum, r) => sum + (r.ability && r.ability.value > 0 ? r.ability.value : 0), 0);
  for (const r of rows) r.abilityShare = r.ability && r.ability.value > 0 ? r.ability.value / abilityAll : null;
  const sources = new Set<string>();

  const summaries = b.contributions.map((c): BurdenContributionSummary => {
    const window = c.staleness_years ?? b.staleness_years;
    const members = rows.filter((r) => r.ally || c.extra_countries.includes(r.country));
    const values = new Map(members.map((r) => [r.country, asOf(evidence, r.country, [c.indicator, ...c.fallback], year, window)]));
    const noValue = `no ${c.indicator} within ${window} years of ${year}`;
    const rankBy = (score: (r: BurdenRow) => number | null) => {
      const ranked = rows.filter((r) => r.ally && score(r) !== null).sort((x, y) => score(y)! - score(x)! || (x.country < y.country ? -1 : 1));
      ranked.forEach((r, i) => (r.cells[c.id].rank = i + 1));
    };

    if (c.measure === 'level') {
      const counted = members.filter((r) => values.get(r.country) !== null);
      const enough = counted.length >= minCountries;
      for (const r of rows) {
        const contribution = values.get(r.country) ?? null;
        const reason = !members.includes(r) ? 'not counted for this contribution' : contribution === null ? noValue : null;
        r.cells[c.id] = { contribution, ability: null, share: null, abilityShare: null, ratio: null, rank: null, reason };
        if (contribution) sources.add(contribution.observation.source);
      }
      if (enough) rankBy((r) => r.cells[c.id].contribution?.value ?? null);
      return {
        id: c.id, label: c.label, unit: c.unit, indicator: c.indicator, measure: 'level', ability: null,
        counted: counted.length, total: null, abilityTotal: null,
        years: { contribution: span(counted.map((r) => values.get(r.country)!)), ability: null },
        missing: allyList.filter((a) => !counted.some((r) => r.country === a)),
        reason: enough ? null : `only ${counted.length} ${counted.length === 1 ? 'country has' : 'countries have'} ${c.indicator} (the methodology's minimum is ${minCountries}): shown, not ranked`,
      };
    }

    const withContribution = members.filter((r) => values.get(r.country) !== null).map((r) => r.country);
    const { values: abilities, used } = abilityValues(evidence, c.ability ?? b.ability, withContribution, year, b.staleness_years);
    const abilityOf = (r: BurdenRow) => abilities.get(r.country) ?? null;
    const counted = members.filter((r) => values.get(r.country) !== null && (abilityOf(r)?.value ?? 0) > 0);
    const enough = counted.length >= minCountries;
    const total = counted.reduce((s, r) => s + values.get(r.country)!.value, 0);
    const abilityTotal = counted.reduce((s, r) => s + abilityOf(r)!.value, 0);
    const tooFew = `only ${counted.length} ${counted.length === 1 ? 'country has' : 'countries have'} both ${c.indicator} and ${used.indicator} (the methodology's minimum is ${minCountries}): no ratio`;
    for (const r of rows) {
      const contribution = values.get(r.country) ?? null;
      const ability = members.includes(r) ? abilityOf(r) : null;
      const inTotal = enough && counted.includes(r);
      const share = inTotal && total > 0 ? contribution!.value / total : null;
      const abilityShare = inTotal ? ability!.value / abilityTotal : null;
      const reason = !members.includes(r) ? 'not counted for this contribution'
        : contribution === null ? noValue
          : ability === null ? `no ${used.indicator} within ${b.staleness_years} years of ${year}`
            : !enough ? tooFew
              : total > 0 ? null : 'the total contribution is zero';
      r.cells[c.id] = { contribution, ability, share, abilityShare, ratio: share !== null && abilityShare ? share / abilityShare : null, rank: null, reason };
      if (inTotal) {
        sources.add(contribution!.observation.source);
        sources.add(ability!.observation.source);
      }
    }
    rankBy((r) => r.cells[c.id].ratio);
    return {
      id: c.id, label: c.label, unit: c.unit, indicator: c.indicator, measure: 'share_ratio', ability: used,
      counted: counted.length, total: enough ? total : null, abilityTotal: enough ? abilityTotal : null,
      years: { contribution: span(counted.map((r) => values.get(r.country)!)), ability: span(counted.map((r) => abilityOf(r)!)) },
      missing: allyList.filter((a) => !counted.some((r) => r.country === a)),
      reason: enough ? null : tooFew,
    };
  });
  return { year, ability: { label: b.ability.label, unit: b.ability.unit, indicator: b.ability.indicator }, minCountries, contributions: summaries, rows, sources: [...sources].sort() };
}

/** "2022" or "2021-2024": the years of a summary's values, for captions. */
export function yearSpan(span: [number, number] | null): string {
  if (!span) return 'no data';
  return span[0] === span[1] ? String(span[0]) : `${span[0]}-${span[1]}`;
}
