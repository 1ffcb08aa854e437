// Burden-sharing ratios in the manner of the U.S. Department of Defense's Report on Allied
// Contributions to the Common Defense: a country's share of the allied total of a
// contribution (defense spending, military personnel, host-nation support) divided by its
// share of the allied total of the ability to contribute (GDP). About 1.0 is a fair share;
// above 1 more than its share. Totals run over the countries with both values, as of the year.
import type { Evidence } from '../evidence/load.ts';
import type { Observation } from '../evidence/schema.ts';
import type { Methodology } from './methodology.ts';

export interface BurdenValue {
  value: number;
  year: number;
  stale: boolean;
  observation: Observation;
}

export interface BurdenCell {
  contribution: BurdenValue | null;
  /** Share of the total contribution of the countries counted (0-1). */
  share: number | null;
  /** Share of the total ability of the same countries (0-1). */
  abilityShare: number | null;
  /** share / abilityShare: about 1 is a fair share. */
  ratio: number | null;
  /** 1 = highest ratio among the allies counted. */
  rank: number | null;
  reason: string | null;
}

export interface BurdenRow {
  country: string;
  name: string;
  ally: boolean;
  ability: BurdenValue | null;
  /** Share of the ability of every country listed with a value (0-1). */
  abilityShare: number | null;
  cells: Record<string, BurdenCell>;
}

export interface BurdenContributionSummary {
  id: string;
  label: string;
  unit: string;
  indicator: string;
  /** Countries with both the contribution and the ability as of the year. */
  counted: number;
  total: number;
  abilityTotal: number;
  /** Allies left out for want of data. */
  missing: string[];
}

export interface BurdenReport {
  year: number;
  ability: { label: string; unit: string; indicator: string };
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

export function computeBurdenSharing(evidence: Evidence, methodology: Methodology, year: number, allies?: readonly string[]): BurdenReport {
  const b = methodology.burden_sharing;
  const allyList = [...(allies ?? evidence.allies().map((a) => a.iso3))].sort();
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
  const summaries = b.contributions.map((c) => {
    const members = rows.filter((r) => r.ally || c.extra_countries.includes(r.country));
    const values = new Map(members.map((r) => [r.country, asOf(evidence, r.country, [c.indicator, ...c.fallback], year, b.staleness_years)]));
    const counted = members.filter((r) => r.ability !== null && r.ability.value > 0 && values.get(r.country) !== null);
    const total = counted.reduce((s, r) => s + values.get(r.country)!.value, 0);
    const abilityTotal = counted.reduce((s, r) => s + r.ability!.value, 0);
    for (const r of rows) {
      const contribution = values.get(r.country) ?? null;
      const inTotal = counted.includes(r);
      const share = inTotal && total > 0 ? contribution!.value / total : null;
      const abilityShare = inTotal ? r.ability!.value / abilityTotal : null;
      const reason = !members.includes(r) ? 'not counted for this contribution'
        : contribution === null ? `no ${c.indicator} within ${b.staleness_years} years of ${year}`
          : r.ability === null ? `no ${b.ability.indicator} within ${b.staleness_years} years of ${year}`
            : total > 0 ? null : 'the total contribution is zero';
      r.cells[c.id] = { contribution, share, abilityShare, ratio: share !== null && abilityShare ? share / abilityShare : null, rank: null, reason };
      if (inTotal) {
        sources.add(contribution!.observation.source);
        sources.add(r.ability!.observation.source);
      }
    }
    const byRatio = rows.filter((r) => r.ally && r.cells[c.id].ratio !== null).sort((x, y) => y.cells[c.id].ratio! - x.cells[c.id].ratio! || (x.country < y.country ? -1 : 1));
    byRatio.forEach((r, i) => (r.cells[c.id].rank = i + 1));
    return {
      id: c.id, label: c.label, unit: c.unit, indicator: c.indicator, counted: counted.length, total, abilityTotal,
      missing: allyList.filter((a) => !counted.some((r) => r.country === a)),
    };
  });
  return { year, ability: { ...b.ability }, contributions: summaries, rows, sources: [...sources].sort() };
}
