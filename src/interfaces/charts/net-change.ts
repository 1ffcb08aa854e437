// What a scenario did to the allies it moved: the change of each ally's net balance as a
// bar (blue up, orange down), allies in order of the size of the change.
import * as Plot from '@observablehq/plot';

export interface NetChange {
  name: string;
  change: number;
}

export function netChangeChart(rows: readonly NetChange[], options: { width?: number } = {}): Plot.PlotOptions {
  const sorted = [...rows].sort((a, b) => b.change - a.change || a.name.localeCompare(b.name));
  return {
    width: options.width ?? 640,
    height: 30 + 14 * sorted.length,
    marginLeft: 150,
    marginRight: 24,
    marginTop: 22,
    style: { fontSize: '9px', background: 'transparent' },
    x: { label: 'change of net (points)', grid: true, axis: 'top' },
    y: { label: null, domain: sorted.map((r) => r.name) },
    marks: [
      Plot.barX(sorted, { x: 'change', y: 'name', fill: (r: NetChange) => (r.change >= 0 ? '#2166ac' : '#b35806'), insetTop: 1, insetBottom: 1 }),
      Plot.ruleX([0], { stroke: '#333' }),
    ],
  };
}
