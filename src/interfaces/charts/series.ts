// A time series of one indicator for one country: the same chart the dashboard draws beside
// a balance sheet, as Plot options (DOM-agnostic: Plot.plot(options) in the browser,
// plotSvg(options) in Node). Missing years break the line; they are never drawn as 0.
import * as Plot from '@observablehq/plot';
import { formatNumber } from '../../method/present.ts';
import type { SeriesPoint } from './series-points.ts';

export { seriesPoints } from './series-points.ts';
export type { SeriesPoint } from './series-points.ts';

export interface SeriesChartOptions {
  /** Unit shown on the y axis. */
  unit: string;
  /** The ledger's year, marked with a dashed rule. */
  year?: number;
  width?: number;
  height?: number;
  /** A horizontal reference (e.g. NATO's 2% of GDP guideline). */
  reference?: { value: number; label: string };
}

export function seriesChart(points: readonly SeriesPoint[], options: SeriesChartOptions): Plot.PlotOptions {
  const present = points.filter((p) => p.value !== null);
  const marks: Plot.Markish[] = [
    Plot.lineY(points, { x: 'year', y: 'value', stroke: '#2166ac', strokeWidth: 1.5 }),
    Plot.dot(present, { x: 'year', y: 'value', r: 1.6, fill: '#2166ac' }),
  ];
  if (options.year !== undefined) marks.push(Plot.ruleX([options.year], { stroke: '#b35806', strokeDasharray: '3,2' }));
  if (options.reference) {
    marks.push(Plot.ruleY([options.reference.value], { stroke: '#777', strokeDasharray: '2,2' }));
    marks.push(Plot.text([options.reference], { x: points[points.length - 1]?.year, y: 'value', text: 'label', dy: 7, textAnchor: 'end', fill: '#555', fontSize: 8 }));
  }
  return {
    width: options.width ?? 300,
    height: options.height ?? 150,
    marginLeft: 48,
    marginRight: 12,
    style: { fontSize: '10px', background: 'transparent' },
    x: { label: null, tickFormat: 'd', ticks: 5 },
    y: { label: options.unit, grid: true, nice: true, zero: present.every((p) => p.value! >= 0), tickFormat: (v: number) => formatNumber(v, 3), ticks: 4 },
    marks,
  };
}
