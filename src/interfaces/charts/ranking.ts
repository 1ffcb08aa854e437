// The allies ranked by net balance as horizontal bars, coloured on the same diverging scale
// as the map (blue: the ally brings more than it costs; orange: the reverse). With robustness
// intervals, a grey rule shows where the net falls in most draws of the weights.
import * as Plot from '@observablehq/plot';
import { netColor } from '../web/map/net-colors.ts';

export interface RankedNet {
  ally: string;
  name: string;
  net: number;
  rank: number;
  /** Central interval of the net over the robustness draws. */
  low?: number;
  high?: number;
}

/**
 * The frame of a chart with one row per ally in rank order ("3. Japan"): its size, margins
 * and row labels; rankingChart and netIntervalChart share it so their rows line up.
 */
export function rankedRowsFrame<T extends { rank: number; name: string }>(rows: readonly T[], width = 640) {
  const sorted = [...rows].sort((a, b) => a.rank - b.rank);
  const label = (r: T) => `${r.rank}. ${r.name}`;
  return {
    sorted, label,
    options: {
      width,
      height: 24 + 12.5 * sorted.length,
      marginLeft: 150,
      marginRight: 16,
      marginTop: 22,
      style: { fontSize: '9px', background: 'transparent' },
      y: { label: null, domain: sorted.map(label) },
    },
  };
}

/** Largest |net| (or interval end): the span of the colour scale shared by map, bars and legend. */
export function netExtent(rows: readonly { net: number | null; low?: number; high?: number }[]): number {
  return Math.max(1, ...rows.flatMap((r) => [r.net, r.low, r.high]).filter((x): x is number => x !== null && x !== undefined).map(Math.abs));
}

export function rankingChart(rows: readonly RankedNet[], options: { width?: number; extent?: number } = {}): Plot.PlotOptions {
  const frame = rankedRowsFrame(rows, options.width);
  const { sorted, label } = frame;
  const extent = options.extent ?? netExtent(sorted);
  const withIntervals = sorted.filter((r) => r.low !== undefined && r.high !== undefined);
  return {
    ...frame.options,
    x: { label: 'net (assets − liabilities, points)', grid: true, axis: 'top', domain: [-extent, extent] },
    marks: [
      Plot.barX(sorted, { x: 'net', y: label, fill: (r: RankedNet) => netColor(r.net, extent), insetTop: 1, insetBottom: 1 }),
      Plot.ruleY(withIntervals, { x1: 'low', x2: 'high', y: label, stroke: '#444', strokeOpacity: 0.55 }),
      Plot.ruleX([0], { stroke: '#333' }),
    ],
  };
}
