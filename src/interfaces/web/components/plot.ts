// Observable Plot, loaded on first use so that pages without charts do not carry it.
import type * as PlotApi from '@observablehq/plot';
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { attachChartDownload } from './chart-download.tsx';

export type PlotModule = typeof PlotApi;
let plotModule: Promise<PlotModule> | null = null;

export function loadPlot(): Promise<PlotModule> {
  return (plotModule ??= import('@observablehq/plot'));
}

/**
 * A chart drawn with Plot into a host element once Plot has loaded, redrawn when `deps`
 * change; `failed` holds the reason when it could not be drawn. `draw` gets the host so it
 * can size the chart to it. Every chart drawn here gets its SVG and PNG download buttons
 * (components/chart-download.tsx), with its title and source line in the file.
 */
export function usePlot(draw: (Plot: PlotModule, host: HTMLDivElement) => Element, deps: readonly unknown[]): { host: RefObject<HTMLDivElement | null>; failed: string | null } {
  const host = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadPlot().then((Plot) => {
      if (!live || !host.current) return;
      const chart = draw(Plot, host.current);
      // Plot names its mark groups with aria-label but no role, which ARIA does not allow on a <g>;
      // the host describes the chart as a whole (role="img" and its own label). The mark's name
      // stays as data-mark (what tests and styles select on).
      for (const g of Array.from(chart.querySelectorAll('g[aria-label]:not([role])'))) {
        g.setAttribute('data-mark', g.getAttribute('aria-label') ?? '');
        g.removeAttribute('aria-label');
      }
      host.current.replaceChildren(chart);
      attachChartDownload(host.current);
    }).catch((e: unknown) => live && setFailed(String(e)));
    return () => {
      live = false;
    };
  }, deps);
  return { host, failed };
}
