// A number with the observations behind it. Every figure an analysis reports carries the
// source id and locator of each observation it was computed from, so that the CLI, the API
// and the dashboard can show where it came from in one step.
import type { Evidence } from '../evidence/load.ts';
import type { Observation, ObservationFlag } from '../evidence/schema.ts';

export interface Citation {
  source: string;
  locator: string;
  country: string;
  counterpart: string;
  indicator: string;
  year: number;
}

export interface SourcedValue {
  value: number;
  unit: string;
  /** The year of the observation, or the latest year among those combined. */
  year: number;
  flags: ObservationFlag[];
  note: string;
  cites: Citation[];
}

export type EvidenceView = Pick<Evidence, 'latest' | 'series' | 'indicator'>;

export function citationOf(o: Observation): Citation {
  return { source: o.source, locator: o.locator, country: o.country, counterpart: o.counterpart, indicator: o.indicator, year: o.year };
}

export function fromObservation(evidence: Pick<Evidence, 'indicator'>, o: Observation): SourcedValue {
  return { value: o.value!, unit: evidence.indicator(o.indicator)?.unit ?? '', year: o.year, flags: o.flags, note: o.note, cites: [citationOf(o)] };
}

/**
 * The most recent observation with a value at or before `year` and no older than `staleness`
 * years; indicators are tried in order (e.g. World Bank GDP, then the curated figure for
 * Taiwan). null when none qualifies: missing stays missing.
 */
export function latestValue(
  evidence: EvidenceView,
  country: string,
  indicators: string | readonly string[],
  options: { year: number; staleness?: number; counterpart?: string; source?: string },
): SourcedValue | null {
  for (const indicator of typeof indicators === 'string' ? [indicators] : indicators) {
    const o = evidence.latest(country, indicator, { counterpart: options.counterpart, source: options.source, upTo: options.year });
    if (o && (options.staleness === undefined || options.year - o.year <= options.staleness)) return fromObservation(evidence, o);
  }
  return null;
}

/** a / b, citing both; null when either is missing or b is 0. */
export function ratio(a: SourcedValue | null, b: SourcedValue | null, unit = 'ratio'): SourcedValue | null {
  if (!a || !b || b.value === 0) return null;
  return {
    value: a.value / b.value,
    unit,
    year: Math.max(a.year, b.year),
    flags: ['derived'],
    note: a.year !== b.year ? `numerator ${a.year}, denominator ${b.year}` : '',
    cites: [...a.cites, ...b.cites],
  };
}

/** The distinct source ids behind a set of values, for a compact "sources" column. */
export function sourcesOf(values: readonly (SourcedValue | null | undefined)[]): string[] {
  return [...new Set(values.flatMap((v) => v?.cites.map((c) => c.source) ?? []))].sort();
}
