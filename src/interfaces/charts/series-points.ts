// One value per year of an indicator's observations, as the charts draw it (no plotting
// library here: the dashboard imports it without loading Plot).
import type { Observation } from '../../evidence/schema.ts';

export interface SeriesPoint {
  year: number;
  value: number | null;
  source: string;
  locator: string;
}

/**
 * One value per year: the first source with a value wins, so two sources never zigzag one
 * line; a year whose only rows are missing stays in as null (a gap).
 */
export function seriesPoints(observations: readonly Observation[]): SeriesPoint[] {
  const byYear = new Map<number, Observation>();
  const preferred = observations.find((o) => o.value !== null)?.source;
  for (const o of observations) {
    const prior = byYear.get(o.year);
    if (!prior || (prior.value === null && o.value !== null) || (o.source === preferred && prior.source !== preferred && o.value !== null)) byYear.set(o.year, o);
  }
  return [...byYear.values()].sort((a, b) => a.year - b.year).map((o) => ({ year: o.year, value: o.value, source: o.source, locator: o.locator }));
}
