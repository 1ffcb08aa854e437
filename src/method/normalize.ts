// Normalization puts every line item on 0-100 across the covered allies of the same year,
// so items measured in dollars, troops and ratings can be weighed together. Raw values come
// in a Float64Array with NaN for missing; scores go out the same way. The functions write
// into caller-owned buffers so the robustness draws can call them without allocating.
import type { MissingPolicy, Normalization } from './methodology.ts';

/** The value on the normalization's scale; NaN when the scale cannot take it (log of 0). */
export function onScale(x: number, scale: 'linear' | 'log' | 'log1p'): number {
  if (scale === 'log') return x > 0 ? Math.log10(x) : Number.NaN;
  if (scale === 'log1p') return x > -1 ? Math.log10(1 + x) : Number.NaN;
  return x;
}

/** Linear-interpolation quantile (R type 7) of sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, count: number, p: number): number {
  if (count === 1) return sorted[0];
  const h = (count - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, count - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface NormalizeBuffers {
  /** At least as long as the raw column. */
  scratch: Float64Array;
}

export function normalizeBuffers(n: number): NormalizeBuffers {
  return { scratch: new Float64Array(n) };
}

/**
 * Scores 0-100 (higher = more of the item) for one line item across allies.
 * `bounds` gives the judgment scale for `judgment_scale`. Missing raw -> NaN score.
 */
export function normalizeInto(raw: Float64Array, spec: Normalization, out: Float64Array, buffers: NormalizeBuffers, bounds?: { min: number; max: number }): void {
  const n = raw.length;
  const scale = spec.method === 'minmax' || spec.method === 'fixed' ? spec.scale : 'linear';
  const x = out;
  for (let i = 0; i < n; i++) x[i] = Number.isNaN(raw[i]) ? Number.NaN : onScale(raw[i], scale);
  if (spec.method === 'fixed' || spec.method === 'judgment_scale') {
    const lo = spec.method === 'fixed' ? onScale(spec.min, scale) : bounds!.min;
    const hi = spec.method === 'fixed' ? onScale(spec.max, scale) : bounds!.max;
    for (let i = 0; i < n; i++) if (!Number.isNaN(x[i])) x[i] = Math.min(100, Math.max(0, ((x[i] - lo) / (hi - lo)) * 100));
  } else {
    const sorted = buffers.scratch;
    let count = 0;
    for (let i = 0; i < n; i++) if (!Number.isNaN(x[i])) sorted[count++] = x[i];
    const view = sorted.subarray(0, count);
    view.sort();
    if (spec.method === 'minmax') minmaxInto(x, view, count, spec.winsorize);
    else percentileInto(x, view, count);
  }
  if (spec.invert) for (let i = 0; i < n; i++) if (!Number.isNaN(x[i])) x[i] = 100 - x[i];
}

/**
 * Scores of outsiders (the year's partners, when shown) on the allies' scale: the same
 * bounds, minimum and maximum or percentiles as the allies of `reference` give, so showing a
 * partner never moves an ally's score. A percentile is the share of allies below the value
 * plus half of those tied with it. Missing raw -> NaN.
 */
export function placeInto(reference: Float64Array, raw: Float64Array, spec: Normalization, out: Float64Array, bounds?: { min: number; max: number }): void {
  const scale = spec.method === 'minmax' || spec.method === 'fixed' ? spec.scale : 'linear';
  for (let i = 0; i < raw.length; i++) out[i] = Number.isNaN(raw[i]) ? Number.NaN : onScale(raw[i], scale);
  if (spec.method === 'fixed' || spec.method === 'judgment_scale') {
    const lo = spec.method === 'fixed' ? onScale(spec.min, scale) : bounds!.min;
    const hi = spec.method === 'fixed' ? onScale(spec.max, scale) : bounds!.max;
    for (let i = 0; i < out.length; i++) if (!Number.isNaN(out[i])) out[i] = Math.min(100, Math.max(0, ((out[i] - lo) / (hi - lo)) * 100));
  } else {
    const sorted = Float64Array.from([...reference].map((r) => (Number.isNaN(r) ? Number.NaN : onScale(r, scale))).filter((v) => !Number.isNaN(v))).sort();
    const count = sorted.length;
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      if (Number.isNaN(v)) continue;
      if (count === 0) out[i] = Number.NaN;
      else if (spec.method === 'minmax') {
        const lo = spec.winsorize ? quantileSorted(sorted, count, spec.winsorize[0]) : sorted[0];
        const hi = spec.winsorize ? quantileSorted(sorted, count, spec.winsorize[1]) : sorted[count - 1];
        const range = hi - lo;
        out[i] = !(range > 1e-12 * Math.max(1, Math.abs(hi))) ? 50 : ((Math.min(hi, Math.max(lo, v)) - lo) / range) * 100;
      } else {
        const below = lowerBound(sorted, count, v);
        const equal = lowerBound(sorted, count, v, true) - below;
        out[i] = ((below + equal / 2) / count) * 100;
      }
    }
  }
  if (spec.invert) for (let i = 0; i < out.length; i++) if (!Number.isNaN(out[i])) out[i] = 100 - out[i];
}

function minmaxInto(x: Float64Array, sorted: Float64Array, count: number, winsorize: readonly [number, number] | undefined): void {
  if (count === 0) return;
  const lo = winsorize ? quantileSorted(sorted, count, winsorize[0]) : sorted[0];
  const hi = winsorize ? quantileSorted(sorted, count, winsorize[1]) : sorted[count - 1];
  const range = hi - lo;
  // No variation across allies: every ally is at the middle, so the item moves no one.
  const flat = !(range > 1e-12 * Math.max(1, Math.abs(hi)));
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isNaN(v)) continue;
    x[i] = flat ? 50 : ((Math.min(hi, Math.max(lo, v)) - lo) / range) * 100;
  }
}

function percentileInto(x: Float64Array, sorted: Float64Array, count: number): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isNaN(v)) continue;
    if (count === 1) {
      x[i] = 50;
      continue;
    }
    // Mid-rank: allies below, plus half of the other allies tied with this one.
    const below = lowerBound(sorted, count, v);
    const equal = lowerBound(sorted, count, v, true) - below;
    x[i] = ((below + (equal - 1) / 2) / (count - 1)) * 100;
  }
}

function lowerBound(sorted: Float64Array, count: number, v: number, strictlyAbove = false): number {
  let lo = 0, hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (strictlyAbove ? sorted[mid] <= v : sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Fill missing scores as the policy says. Returns the value used (NaN when excluded or when
 * no ally has a score). `scratch` holds at least `scores.length` values.
 */
export function imputeInto(scores: Float64Array, policy: MissingPolicy, scratch: Float64Array): number {
  if (policy.policy === 'exclude') return Number.NaN;
  let count = 0;
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i])) scratch[count++] = scores[i];
  if (count === 0 || count === scores.length) return Number.NaN;
  const view = scratch.subarray(0, count);
  view.sort();
  let fill: number;
  switch (policy.with) {
    case 'min': fill = view[0]; break;
    case 'max': fill = view[count - 1]; break;
    case 'median': fill = quantileSorted(view, count, 0.5); break;
    case 'mean': fill = view.reduce((s, v) => s + v, 0) / count; break;
  }
  for (let i = 0; i < scores.length; i++) if (Number.isNaN(scores[i])) scores[i] = fill;
  return fill;
}
