// A spending path: from a starting observation through stated points, linear between them
// and held after the last one. Shared by the baseline's stated plans and the scenarios'
// `path` changes, so both interpolate the same way. Pure.
import type { PathPoint } from './schema.ts';

/**
 * The path's value in every year after the start up to `to`. Points at or before the start
 * year are ignored (load.ts rejects them in scenario files: a target year before the data).
 */
export function pathValues(start: { year: number; value: number }, points: readonly PathPoint[], to: number): Map<number, number> {
  const knots = [start, ...points.filter((p) => p.year > start.year)];
  const out = new Map<number, number>();
  let k = 0;
  for (let year = start.year + 1; year <= to; year++) {
    while (k < knots.length - 2 && knots[k + 1].year < year) k++;
    const a = knots[k];
    const b = knots[k + 1];
    if (b === undefined || year >= b.year) out.set(year, (b ?? a).value);
    else out.set(year, a.value + ((b.value - a.value) * (year - a.year)) / (b.year - a.year));
  }
  return out;
}
