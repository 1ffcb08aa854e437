// Burden-sharing ratios (share of the allied total of a contribution / share of the allied
// total of GDP) as dots against the fair-share line at 1.0, on a log scale so that half and
// double the fair share sit equally far from it.
import * as Plot from '@observablehq/plot';

export interface BurdenRatio {
  label: string;
  ratio: number;
}

export function burdenRatioChart(rows: readonly BurdenRatio[], options: { width?: number } = {}): Plot.PlotOptions {
  const present = rows.filter((r) => r.ratio > 0);
  const values = [1, ...present.map((r) => r.ratio)];
  const lo = Math.min(...values) / 1.5;
  const hi = Math.max(...values) * 1.5;
  // Powers of two around 1: half and double the fair share read at a glance.
  const ticks = [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2, 4, 8, 16].filter((t) => t >= lo && t <= hi);
  return {
    width: options.width ?? 300,
    height: 36 + 18 * Math.max(1, present.length),
    marginLeft: 120,
    marginRight: 16,
    marginTop: 22,
    style: { fontSize: '9px', background: 'transparent' },
    x: { type: 'log', domain: [lo, hi], label: null, axis: 'top', grid: true, ticks, tickFormat: (v: number) => (v >= 1 ? String(v) : `1/${Math.round(1 / v)}`) },
    y: { label: null, domain: rows.map((r) => r.label) },
    marks: [
      Plot.ruleX([1], { stroke: '#333', strokeDasharray: '3,2' }),
      Plot.dot(present, { x: 'ratio', y: 'label', r: 4, fill: (r: BurdenRatio) => (r.ratio >= 1 ? '#2166ac' : '#b35806') }),
    ],
  };
}
