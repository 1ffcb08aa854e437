// How much each ally's net depends on the weights: the central interval of the net over the
// robustness draws as a bar, the ledger's own net as a dot, allies in rank order.
import * as Plot from '@observablehq/plot';
import { rankedRowsFrame } from './ranking.ts';

export interface NetInterval {
  name: string;
  rank: number;
  net: number;
  low: number;
  high: number;
}

export function netIntervalChart(rows: readonly NetInterval[], options: { width?: number; interval?: number } = {}): Plot.PlotOptions {
  const frame = rankedRowsFrame(rows, options.width);
  const { sorted, label } = frame;
  return {
    ...frame.options,
    x: { label: `net: ${Math.round((options.interval ?? 0.9) * 100)}% interval over the draws, and the ledger's value`, grid: true, axis: 'top' },
    marks: [
      Plot.ruleX([0], { stroke: '#333' }),
      Plot.ruleY(sorted, { y: label, x1: 'low', x2: 'high', stroke: '#6b8fb8', strokeWidth: 5, strokeOpacity: 0.55 }),
      Plot.dot(sorted, { y: label, x: 'net', r: 2.2, fill: '#08306b' }),
    ],
  };
}
