// A diverging colour scale for net balances: orange below zero, blue above, pale at zero.
// Colour-blind safe endpoints (ColorBrewer PuOr-like); the same scale colours the map and legend.

const NEGATIVE: [number, number, number] = [179, 88, 6];
const ZERO: [number, number, number] = [242, 240, 233];
const POSITIVE: [number, number, number] = [33, 102, 172];

export const NOT_ALLY_COLOR = '#e4e6ea';
export const UNRANKED_COLOR = '#b9bcc2';

function mix(a: readonly number[], b: readonly number[], t: number): string {
  const c = a.map((x, i) => Math.round(x + (b[i] - x) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Colour of a net balance on a scale spanning [-extent, extent]. */
export function netColor(net: number, extent: number): string {
  const t = extent > 0 ? Math.max(-1, Math.min(1, net / extent)) : 0;
  // A square-root ramp keeps small differences near zero visible.
  const s = Math.sqrt(Math.abs(t));
  return t < 0 ? mix(ZERO, NEGATIVE, s) : mix(ZERO, POSITIVE, s);
}

/** Stops for a CSS linear-gradient legend from -extent to +extent. */
export function legendGradient(extent: number): string {
  const stops = Array.from({ length: 11 }, (_, i) => {
    const net = extent * (i / 5 - 1);
    return `${netColor(net, extent)} ${i * 10}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
