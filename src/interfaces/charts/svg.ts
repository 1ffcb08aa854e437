// Observable Plot outside the browser: Plot draws into any DOM implementation it is given, so
// in Node the chart builders of this folder render into a linkedom document and come out as
// SVG text (inline in an HTML report, or a standalone .svg file beside a Markdown report).
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

const SVG_NS = 'http://www.w3.org/2000/svg';

let serverDocument: Document | null = null;

function documentForNode(): Document {
  serverDocument ??= parseHTML('<!doctype html><html><head></head><body></body></html>').document as unknown as Document;
  return serverDocument;
}

/**
 * A chart as standalone SVG text. The options come from this folder's builders; a builder
 * that asked for a legend or caption would get a <figure> back from Plot, so the <svg> inside
 * is taken (reports write their own captions and legends, with sources).
 */
export function plotSvg(options: Plot.PlotOptions): string {
  const node = Plot.plot({ ...options, document: documentForNode() }) as unknown as Element;
  const svg = node.tagName.toLowerCase() === 'svg' ? node : node.querySelector('svg');
  if (!svg) throw new Error('Plot drew no <svg>: a chart builder must draw at least one mark');
  svg.setAttribute('xmlns', SVG_NS);
  return svg.outerHTML;
}
