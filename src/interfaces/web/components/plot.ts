// Observable Plot, loaded on first use so that pages without charts do not carry it.
import type * as PlotApi from '@observablehq/plot';
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export type PlotModule = typeof PlotApi;
let plotModule: Promise<PlotModule> | null = null;

export function loadPlot(): Promise<PlotModule> {
  return (plotModule ??= import('@observablehq/plot'));
}

/**
 * A chart drawn with Plot into a host element once Plot has loaded, redrawn when `deps`
 * change; `failed` holds the reason when it could not be drawn. `draw` gets the host so it
 * can size the chart to it.
 */
export function usePlot(draw: (Plot: PlotModule, host: HTMLDivElement) => Element, deps: readonly unknown[]): { host: RefObject<HTMLDivElement | null>; failed: string | null } {
  const host = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadPlot().then((Plot) => {
      if (live && host.current) host.current.replaceChildren(draw(Plot, host.current));
    }).catch((e: unknown) => live && setFailed(String(e)));
    return () => {
      live = false;
    };
  }, deps);
  return { host, failed };
}
