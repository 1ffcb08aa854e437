// Two regions' allies side by side, line item by line item: the mean 0-100 score of each
// region's allies as two dots joined by a line, the items with the largest gaps first.
import * as Plot from '@observablehq/plot';

export interface RegionItemMeans {
  label: string;
  side: 'asset' | 'liability';
  a: number | null;
  b: number | null;
}

export const REGION_COLORS: readonly [string, string] = ['#1b7837', '#762a83'];

export function regionGapChart(items: readonly RegionItemMeans[], regions: readonly [string, string], options: { width?: number } = {}): Plot.PlotOptions {
  const both = items.filter((i) => i.a !== null && i.b !== null);
  const label = (i: RegionItemMeans) => `${i.side === 'asset' ? 'A' : 'L'} · ${i.label}`;
  const dots = both.flatMap((i) => [
    { item: label(i), region: regions[0], score: i.a! },
    { item: label(i), region: regions[1], score: i.b! },
  ]);
  return {
    width: options.width ?? 640,
    height: 30 + 14 * both.length,
    marginLeft: 330,
    marginRight: 16,
    marginTop: 22,
    style: { fontSize: '9px', background: 'transparent' },
    x: { label: null, domain: [0, 100], grid: true, axis: 'top' },
    y: { label: null, domain: both.map(label) },
    color: { domain: [...regions], range: [...REGION_COLORS] },
    marks: [
      Plot.ruleY(both, { y: label, x1: 'a', x2: 'b', stroke: '#999' }),
      Plot.dot(dots, { x: 'score', y: 'item', fill: 'region', r: 3.5 }),
      // The key, in the frame's top-right corner: which colour is which region.
      ...regions.map((r, i) => Plot.text([r], { frameAnchor: 'top-right', text: (d: string) => d, fill: REGION_COLORS[i], dy: 6 + 12 * i, dx: -4, fontWeight: 'bold', fontSize: 10 })),
    ],
  };
}
