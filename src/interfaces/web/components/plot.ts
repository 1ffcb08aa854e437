// Observable Plot, loaded on first use so that pages without charts do not carry it.
import type * as PlotApi from '@observablehq/plot';

export type PlotModule = typeof PlotApi;
let plotModule: Promise<PlotModule> | null = null;

export function loadPlot(): Promise<PlotModule> {
  return (plotModule ??= import('@observablehq/plot'));
}
