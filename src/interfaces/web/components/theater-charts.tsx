// The charts of the theaters page (pages/regions.tsx), drawn with Observable Plot from the
// API's /api/regions answer as it is: nothing is re-computed here. Each chart sizes itself to
// its host (a phone's 390 px or a desktop's 1440 px) and carries a caption and a source line.
import type { RegionsResponse } from '../api-types.ts';
import { formatPoints } from '../format.ts';
import { usePlot } from './plot.ts';

/** One colour per region, in the order the page names them (the report's colours first). */
export const THEATER_COLORS = ['#1b7837', '#762a83', '#b35806', '#2166ac', '#8c510a'];

export const regionLabel = (r: string) => (r === 'middle-east' ? 'Middle East' : r.charAt(0).toUpperCase() + r.slice(1));

function widthOf(host: HTMLElement, max: number): number {
  return Math.max(300, Math.min(max, Math.floor(host.clientWidth || max)));
}

/** Each ally's net as a point on its region's row, over the box of the quartiles and the median. */
export function NetStrip({ data, source }: { data: RegionsResponse; source: string }) {
  const points = data.distribution.flatMap((d) => d.allies.filter((a) => a.ranked && a.net !== null).map((a) => ({ region: regionLabel(d.region), name: a.name, net: a.net!, rank: a.rank })));
  const boxes = data.distribution.filter((d) => d.net.n > 0).map((d) => ({ region: regionLabel(d.region), ...d.net }));
  const labels = data.regions.map(regionLabel);
  const { host, failed } = usePlot((Plot, el) => Plot.plot({
    width: widthOf(el, 900),
    height: 60 + 70 * labels.length,
    marginLeft: 70,
    style: { fontSize: '11px', background: 'transparent' },
    x: { label: 'net balance (points)', grid: true, nice: true },
    y: { label: null, domain: labels },
    color: { domain: labels, range: THEATER_COLORS },
    marks: [
      Plot.ruleX([0], { stroke: '#999' }),
      Plot.barX(boxes, { y: 'region', x1: 'q1', x2: 'q3', fill: '#e8e8e8', stroke: '#999', insetTop: 14, insetBottom: 14 }),
      Plot.tickX(boxes, { y: 'region', x: 'median', stroke: '#111', strokeWidth: 3 }),
      Plot.dot(points, { y: 'region', x: 'net', r: 5, fill: 'region', fillOpacity: 0.75, stroke: '#fff', title: (d: (typeof points)[number]) => `${d.name}: net ${formatPoints(d.net)}, global rank ${d.rank ?? '–'}` }),
    ],
  }), [data]);
  return (
    <figure class="theater-chart" data-chart="net-strip">
      <figcaption>Each ranked ally's net balance in {data.year}, by region: the grey box spans the middle half of the allies, the black tick is the median</figcaption>
      <div ref={host} class="chart-host" role="img" aria-label={`Net balance of each ranked ally in ${labels.join(' and ')}, ${data.year}, with the median and quartiles of each region`}>
        {failed ? <p class="problem-inline">The chart could not be drawn: {failed}</p> : null}
      </div>
      <p class="chart-source">Source: {source}</p>
    </figure>
  );
}

/** Mean points per line item in the first two regions, as two dots joined by a line, largest gaps first. */
export function ItemGap({ data, top, source }: { data: RegionsResponse; top: number; source: string }) {
  const [a, b] = data.regions.map(regionLabel);
  const rows = data.rows.filter((r) => r.difference !== null).slice(0, top);
  const label = (r: (typeof rows)[number]) => `${r.side === 'asset' ? 'A' : 'L'} · ${r.label}`;
  const dots = rows.flatMap((r) => r.byRegion.slice(0, 2).map((x) => ({ item: label(r), region: regionLabel(x.region), points: x.mean! })));
  const { host, failed } = usePlot((Plot, el) => {
    const width = widthOf(el, 900);
    return Plot.plot({
      width,
      height: 40 + 22 * rows.length,
      marginLeft: Math.min(300, Math.round(width * 0.48)),
      style: { fontSize: '10px', background: 'transparent' },
      x: { label: 'mean points to the net (liabilities negative)', grid: true, nice: true, axis: 'top' },
      y: { label: null, domain: rows.map(label), tickFormat: (t: string) => (t.length > 44 && width < 600 ? `${t.slice(0, 42)}…` : t) },
      color: { domain: [a, b], range: THEATER_COLORS },
      marks: [
        Plot.ruleX([0], { stroke: '#999' }),
        Plot.ruleY(rows, { y: label, x1: (r: (typeof rows)[number]) => r.byRegion[0].mean, x2: (r: (typeof rows)[number]) => r.byRegion[1].mean, stroke: '#999' }),
        Plot.dot(dots, { x: 'points', y: 'item', fill: 'region', r: 4, title: (d: (typeof dots)[number]) => `${d.region}: ${formatPoints(d.points, 2)}` }),
      ],
    });
  }, [data, top]);
  return (
    <figure class="theater-chart" data-chart="item-gap">
      <figcaption>The {rows.length} line items where {a} and {b} differ most, {data.year}: mean points each gives the net (<span class="swatch-text first">{a}</span>, <span class="swatch-text second">{b}</span>)</figcaption>
      <div ref={host} class="chart-host" role="img" aria-label={`Mean points per line item, ${a} against ${b}, ${data.year}`}>
        {failed ? <p class="problem-inline">The chart could not be drawn: {failed}</p> : null}
      </div>
      <p class="chart-source">Source: {source}</p>
    </figure>
  );
}

/** The regional medians (solid) and means (dashed) of every ledger year. */
export function TheaterSeries({ data, source }: { data: RegionsResponse; source: string }) {
  const labels = data.regions.map(regionLabel);
  const rows = data.series.flatMap((y) => y.byRegion.map((r) => ({ year: y.year, region: regionLabel(r.region), median: r.median, mean: r.mean, n: r.n })));
  const { host, failed } = usePlot((Plot, el) => Plot.plot({
    width: widthOf(el, 900),
    height: 260,
    marginLeft: 44,
    style: { fontSize: '11px', background: 'transparent' },
    x: { label: null, tickFormat: 'd' },
    y: { label: 'net (points)', grid: true, nice: true },
    color: { domain: labels, range: THEATER_COLORS, legend: false },
    marks: [
      Plot.ruleX([data.year], { stroke: '#b35806', strokeDasharray: '3,2' }),
      Plot.lineY(rows, { x: 'year', y: 'median', stroke: 'region', strokeWidth: 2 }),
      Plot.lineY(rows, { x: 'year', y: 'mean', stroke: 'region', strokeDasharray: '4,3' }),
      Plot.dot(rows.filter((r) => r.median !== null), { x: 'year', y: 'median', fill: 'region', r: 2.5, title: (d: (typeof rows)[number]) => `${d.region} ${d.year}: median ${formatPoints(d.median)}, mean ${formatPoints(d.mean)} (${d.n} ranked allies)` }),
    ],
  }), [data]);
  return (
    <figure class="theater-chart" data-chart="series">
      <figcaption>Median (solid) and mean (dashed) net of each region's ranked allies in every year's ledger, {data.series[0]?.year}–{data.series[data.series.length - 1]?.year}: {labels.map((l, i) => <span key={l} class={`swatch-text ${i === 0 ? 'first' : i === 1 ? 'second' : ''}`}>{i ? ', ' : ''}{l}</span>)}</figcaption>
      <div ref={host} class="chart-host" role="img" aria-label={`Median and mean net of ${labels.join(' and ')} by year`}>
        {failed ? <p class="problem-inline">The chart could not be drawn: {failed}</p> : null}
      </div>
      <p class="chart-source">Source: {source}</p>
    </figure>
  );
}
