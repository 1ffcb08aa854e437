// Cost sharing in the Department of Defense's definition, computed once for the whole
// evidence base: the share of the cost of stationing U.S. forces in a country, other than U.S.
// military pay, that the host's direct and indirect support covers.
//
//   offset share (%) = 100 x support / (support + U.S. non-personnel stationing costs)
//
// support: hns_total_support_usd (direct: cash and in-kind; indirect: forgone rents, waived
// taxes and fees); U.S. non-personnel stationing costs: us_nonpersonnel_stationing_cost_usd
// (operation and maintenance, housing, construction; not the military personnel accounts).
// This is the measure of the statutory goal of 75% of the "nonpersonnel costs incurred by the
// United States Government for stationing United States military personnel" (P.L. 104-201
// sec. 1084) and of DoD's published percentages in the Report on Allied Contributions to the
// Common Defense (Japan 74.5% in 2002); CRS report 94-515 spells out the arithmetic (US$ 4.1 bn
// of Japanese support and US$ 1.3 bn of U.S. non-personnel costs: "76 percent").
//
// Published percentages are curated in hns_offset_share_pct as published; this module adds a
// derived observation of the same indicator for every country and year that has both inputs
// and no published percentage, flagged derived, with its inputs named in the locator and note.
import type { Observation, ObservationFlag } from '../evidence/schema.ts';
import { observation } from './transform.ts';

export const OFFSET_SHARE = 'hns_offset_share_pct';
export const TOTAL_SUPPORT = 'hns_total_support_usd';
export const NONPERSONNEL_COST = 'us_nonpersonnel_stationing_cost_usd';

/** support / (support + U.S. non-personnel cost), in percent. */
export function offsetSharePct(support: number, usNonpersonnelCost: number): number {
  return (100 * support) / (support + usNonpersonnelCost);
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function key(o: Pick<Observation, 'country' | 'year'>): string {
  return `${o.country}|${o.year}`;
}

/** The first observation with a value per country and year (inputs are kept one per country-year). */
function byCountryYear(observations: readonly Observation[], indicator: string): Map<string, Observation> {
  const out = new Map<string, Observation>();
  const rows = observations.filter((o) => o.indicator === indicator && o.value !== null && o.counterpart === '')
    .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  for (const o of rows) if (!out.has(key(o))) out.set(key(o), o);
  return out;
}

/**
 * Derived offset shares for every country-year with both inputs and no published share. The
 * range runs from the low support and high cost to the high support and low cost.
 */
export function deriveOffsetShares(observations: readonly Observation[]): Observation[] {
  const published = new Set(observations.filter((o) => o.indicator === OFFSET_SHARE && o.value !== null).map(key));
  const costs = byCountryYear(observations, NONPERSONNEL_COST);
  const out: Observation[] = [];
  for (const [k, support] of [...byCountryYear(observations, TOTAL_SUPPORT)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const cost = costs.get(k);
    if (!cost || published.has(k)) continue;
    const s = support.value!;
    const c = cost.value!;
    if (!(s + c > 0)) continue;
    const sLow = support.low ?? s;
    const sHigh = support.high ?? s;
    const cLow = cost.low ?? c;
    const cHigh = cost.high ?? c;
    const carried = new Set<ObservationFlag>(['derived']);
    for (const f of [...support.flags, ...cost.flags]) if (f === 'estimate' || f === 'uncertain') carried.add(f);
    const value = round(offsetSharePct(s, c));
    const low = round(offsetSharePct(sLow, cHigh));
    const high = round(offsetSharePct(sHigh, cLow));
    out.push(observation({
      country: support.country,
      indicator: OFFSET_SHARE,
      year: support.year,
      value,
      low: low === value ? null : low,
      high: high === value ? null : high,
      source: support.source,
      locator: `derived: 100 x ${TOTAL_SUPPORT} / (${TOTAL_SUPPORT} + ${NONPERSONNEL_COST}); support: ${support.source}, ${support.locator}; U.S. cost: ${cost.source}, ${cost.locator}`,
      flags: [...carried].sort(),
      note: `100 x ${s} / (${s} + ${c}) (US$ m): the host's direct and indirect support as a share of the non-personnel cost of stationing U.S. forces (DoD's definition); inputs: ${TOTAL_SUPPORT} (${support.source}) and ${NONPERSONNEL_COST} (${cost.source})`,
    }));
  }
  return out;
}

type ProvenanceRow = Record<string, string | number | boolean | null>;

/**
 * Provenance rows for derived shares: the curated file and line of the support entry each was
 * derived from, so that every observation the curated transform writes has one.
 */
export function derivedProvenance(derived: readonly Observation[], rows: readonly ProvenanceRow[]): ProvenanceRow[] {
  return derived.map((o) => {
    const input = rows.find((r) => r.indicator === TOTAL_SUPPORT && r.country === o.country && r.year === o.year && r.source === o.source);
    return { indicator: o.indicator, country: o.country, counterpart: o.counterpart, year: o.year, source: o.source, file: input?.file ?? null, line: input?.line ?? null };
  });
}
