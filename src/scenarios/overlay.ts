// A scenario never edits the evidence: it lays replacement series over it. The view below is
// an Evidence whose series, value and latest look in the overlay first, so the balance-sheet
// engine runs unchanged on projected and changed data. Building it costs nothing (no
// re-indexing of the base's hundreds of thousands of observations), which is what lets a
// scenario compute one ledger per change for its attribution. Pure.
import { observationFilter, seriesKey } from '../evidence/load.ts';
import type { Evidence, ObservationQuery } from '../evidence/load.ts';
import type { Observation } from '../evidence/schema.ts';

export { seriesKey };

/** Replacement series, keyed by seriesKey; each list sorted by year, then source. */
export type SeriesOverlay = ReadonlyMap<string, readonly Observation[]>;

export function keyOf(o: Pick<Observation, 'country' | 'indicator' | 'counterpart'>): string {
  return seriesKey(o.country, o.indicator, o.counterpart);
}

/** Year, then source id: the order Evidence keeps its series in. */
export function compareObservations(a: Observation, b: Observation): number {
  return a.year - b.year || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);
}

/** One series as the overlay sees it. */
export function seriesIn(base: Evidence, overlay: SeriesOverlay, country: string, indicator: string, counterpart = ''): readonly Observation[] {
  const key = seriesKey(country, indicator, counterpart);
  return overlay.get(key) ?? base.seriesByKey(key);
}

/** The base evidence seen through the overlay (the base itself when the overlay is empty). */
export function overlayEvidence(base: Evidence, overlay: SeriesOverlay): Evidence {
  if (overlay.size === 0) return base;
  const view = Object.create(base) as Evidence;
  let merged: Observation[] | null = null;
  const series = (country: string, indicator: string, options: { counterpart?: string; source?: string } = {}): Observation[] => {
    const list = seriesIn(base, overlay, country, indicator, options.counterpart ?? '') as Observation[];
    return options.source ? list.filter((o) => o.source === options.source) : list;
  };
  Object.defineProperties(view, {
    series: { value: series },
    value: {
      value: (country: string, indicator: string, year: number, options: { counterpart?: string; source?: string } = {}): Observation | undefined => {
        const rows = series(country, indicator, options).filter((o) => o.year === year);
        return rows.find((o) => o.value !== null) ?? rows[0];
      },
    },
    latest: {
      value: (country: string, indicator: string, options: { counterpart?: string; source?: string; upTo?: number } = {}): Observation | undefined => {
        const list = series(country, indicator, options);
        for (let i = list.length - 1; i >= 0; i--) {
          const o = list[i];
          if (o.value !== null && (options.upTo === undefined || o.year <= options.upTo)) return o;
        }
        return undefined;
      },
    },
    observations: {
      // Only listings (query, exports) need the merged table; ledgers never ask for it.
      get: (): Observation[] => {
        merged ??= [...base.observations.filter((o) => !overlay.has(keyOf(o))), ...[...overlay.values()].flat()];
        return merged;
      },
    },
    query: {
      value: (q: ObservationQuery): Observation[] => view.observations.filter(observationFilter(q)),
    },
  });
  return view;
}
