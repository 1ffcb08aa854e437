// Network: the United States, its allies and partners tied by the alliances, minilateral
// groupings and access agreements in force in a year (a year slider moves through time),
// drawn as a circle around the U.S. (computed here: allies grouped by region, then by
// community); degree, betweenness and community per node; and the lattice index (ally-to-ally
// ties as a share of all ties) from 1946 on.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useApi } from '../api-client.ts';
import { ChartDownload } from '../components/chart-download.tsx';
import { CsvLink, YearSlider } from '../components/controls.tsx';
import { Loading, Problem } from '../components/message.tsx';
import { usePlot } from '../components/plot.ts';
import { formatPercent } from '../format.ts';
import { Link, navigate } from '../navigation.tsx';
import { hrefOf } from '../routes.ts';
import type { Route } from '../routes.ts';
import type { NetworkResponse } from './analysis-types.ts';
import { apiQuery } from './query.ts';

type NetworkRoute = Extract<Route, { page: 'network' }>;

const SIZE = 620;
const CENTER = SIZE / 2;
const RADIUS = 250;
const REGION_ORDER = ['asia', 'europe', 'middle-east', 'africa', 'americas'];
const REGION_COLOURS: Record<string, string> = { asia: '#b35806', europe: '#2166ac', 'middle-east': '#7b3294', africa: '#1b7837', americas: '#636363' };

interface Placed {
  iso3: string;
  name: string;
  region: string | null;
  role: string;
  degree: number;
  x: number;
  y: number;
}

/** A circular layout: the U.S. at the centre, the others round it by region, community and code, so a node keeps its place as the years change. */
export function circularLayout(nodes: NetworkResponse['rows']): Map<string, Placed> {
  const others = nodes.filter((n) => n.role !== 'us').sort((a, b) =>
    (REGION_ORDER.indexOf(a.region ?? '') - REGION_ORDER.indexOf(b.region ?? '')) || (a.iso3 < b.iso3 ? -1 : 1));
  const out = new Map<string, Placed>();
  for (const n of nodes.filter((x) => x.role === 'us')) out.set(n.iso3, { ...n, x: CENTER, y: CENTER });
  others.forEach((n, i) => {
    const angle = (2 * Math.PI * i) / others.length - Math.PI / 2;
    out.set(n.iso3, { ...n, x: CENTER + RADIUS * Math.cos(angle), y: CENTER + RADIUS * Math.sin(angle) });
  });
  return out;
}

function NetworkGraph({ net, selected, onSelect }: { net: NetworkResponse; selected: string | null; onSelect: (iso: string | null) => void }) {
  const placed = useMemo(() => circularLayout(net.rows), [net]);
  const touches = (t: { a: string; b: string }) => selected !== null && (t.a === selected || t.b === selected);
  const svg = useRef<SVGSVGElement>(null);
  return (
    <>
    <ChartDownload target={svg} title={`The allied network in ${net.year}: ${net.rows.length} countries, ${net.ties.length} ties`} source="Source: ATOP 5.1 member level, with curated accessions after 2018, minilateral groupings and access or basing agreements (each cited on the Sources page)" />
    <svg ref={svg} class="network-graph" viewBox={`0 0 ${SIZE} ${SIZE}`} role="group" aria-label={`Allied network in ${net.year}: ${net.rows.length} nodes, ${net.ties.length} ties`}>
      <g class="ties">
        {net.ties.map((t) => {
          const a = placed.get(t.a);
          const b = placed.get(t.b);
          if (!a || !b) return null;
          return (
            <line
              key={`${t.a}-${t.b}`}
              class={`tie ${t.kind} ${touches(t) ? 'selected' : selected ? 'faded' : ''}`}
              x1={a.x} y1={a.y} x2={b.x} y2={b.y}
            >
              <title>{`${t.a}–${t.b}: ${t.instruments.join('; ')}`}</title>
            </line>
          );
        })}
      </g>
      <g class="nodes">
        {[...placed.values()].map((n) => {
          const r = 3 + Math.sqrt(n.degree) * 0.9;
          const outward = n.role === 'us' ? 0 : 14;
          const dx = n.x - CENTER;
          const dy = n.y - CENTER;
          const len = Math.hypot(dx, dy) || 1;
          return (
            <g
              key={n.iso3}
              class={`node ${n.role} ${selected === n.iso3 ? 'selected' : ''}`}
              data-iso3={n.iso3}
              // SVG attributes are case-sensitive: `tabindex` (not tabIndex) makes a node focusable.
              tabindex={0}
              role="button"
              aria-pressed={selected === n.iso3}
              aria-label={`${n.name}: ${n.degree} ties`}
              onClick={() => onSelect(selected === n.iso3 ? null : n.iso3)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onSelect(selected === n.iso3 ? null : n.iso3);
                }
              }}
            >
              <circle cx={n.x} cy={n.y} r={n.role === 'us' ? 12 : r} fill={n.role === 'us' ? '#222' : REGION_COLOURS[n.region ?? ''] ?? '#999'} fill-opacity={n.role === 'partner' ? 0.45 : 0.9} />
              <text x={n.x + (dx / len) * outward} y={n.y + (dy / len) * outward + 3} text-anchor={n.role === 'us' ? 'middle' : dx >= 0 ? 'start' : 'end'} dy={n.role === 'us' ? -16 : 0}>{n.iso3}</text>
              <title>{`${n.name} (${n.role}): ${n.degree} ties`}</title>
            </g>
          );
        })}
      </g>
    </svg>
    </>
  );
}

function LatticeChart({ net }: { net: NetworkResponse }) {
  const { host, failed } = usePlot((Plot) => {
    const points = net.series.flatMap((s) => [
      { year: s.year, series: 'all allies', share: s.all.share },
      ...['asia', 'europe'].map((r) => ({ year: s.year, series: r, share: s.byRegion[r]?.share ?? null })),
    ]);
    return Plot.plot({
      width: 560, height: 240, marginLeft: 44,
      style: { fontSize: '11px', background: 'transparent' },
      color: { legend: true, domain: ['all allies', 'asia', 'europe'], range: ['#222', REGION_COLOURS.asia, REGION_COLOURS.europe] },
      x: { label: null, tickFormat: 'd' },
      y: { label: '↑ ally-to-ally share of ties', domain: [0, 1], grid: true, tickFormat: '%' },
      marks: [
        Plot.line(points, { x: 'year', y: 'share', stroke: 'series', strokeWidth: 1.8 }),
        Plot.ruleX([net.year], { stroke: '#b35806', strokeDasharray: '3,2' }),
        Plot.tip(points, Plot.pointerX({ x: 'year', y: 'share', stroke: 'series', title: (d: { year: number; series: string; share: number | null }) => `${d.year}, ${d.series}: ${d.share === null ? 'no ties' : `${Math.round(d.share * 100)}%`}` })),
      ],
    });
  }, [net]);
  return (
    <figure class="lattice-chart">
      <figcaption><strong>Hub and spokes or latticework?</strong> Lattice index, {net.years.first}–{net.years.latest}: 0 = every tie runs through the U.S.</figcaption>
      <div ref={host} class="chart-host" role="img" aria-label="Lattice index over time">{failed ? <p class="problem-inline">The chart could not be drawn: {failed}</p> : null}</div>
    </figure>
  );
}

export function NetworkPage({ route }: { route: NetworkRoute }) {
  const net = useApi<NetworkResponse>(`/api/network${apiQuery({ year: route.year })}`);
  const [selected, setSelected] = useState<string | null>(null);
  const [shown, setShown] = useState<NetworkResponse | null>(null);
  // Keep the last network on screen while the next year loads, so the slider does not flash.
  useEffect(() => {
    if (net.data) setShown(net.data);
  }, [net.data]);
  if (net.error) return <Problem title="The network could not be loaded"><p>{net.error.message}</p></Problem>;
  const data = net.data ?? shown;
  if (!data) return <Loading what="the network" />;
  const chosen = selected ? data.rows.find((n) => n.iso3 === selected) : null;
  const ranked = [...data.rows].sort((a, b) => b.betweenness - a.betweenness || b.degree - a.degree || (a.iso3 < b.iso3 ? -1 : 1));
  return (
    <section class="network-page">
      <div class="page-head">
        <h1>The allied network, {data.year}</h1>
        <div class="controls">
          <YearSlider year={data.year} first={data.years.first} latest={data.years.latest} onChange={(year) => navigate(hrefOf({ page: 'network', year }), { replace: true })} />
        </div>
      </div>
      <p class="lede" data-testid="lattice-summary">
        {data.rows.length} nodes, {data.ties.length} ties ({data.index.all.usTies} with the U.S., {data.index.all.allyTies} between allies): lattice index <strong>{formatPercent(data.index.all.share)}</strong>
        {' '}· Asia {formatPercent(data.index.byRegion.asia?.share)} · Europe {formatPercent(data.index.byRegion.europe?.share)} · {data.communities.length} communities (modularity {data.modularity.toFixed(2)})
        {net.loading ? ' · loading…' : ''}
      </p>
      <div class="network-layout">
        <div>
          <NetworkGraph net={data} selected={selected} onSelect={setSelected} />
          <p class="note">
            {chosen ? <>{chosen.name}: {chosen.degree} ties, betweenness {chosen.betweenness.toFixed(3)}, community {chosen.community}. <button type="button" onClick={() => setSelected(null)}>Show all ties</button></>
              : 'Select a country (click, or Tab and Enter) to pick out its ties. Grey lines: ties with the U.S.; orange: ties between allies; pale dots: partners in U.S. groupings.'}
          </p>
          <ul class="legend">{REGION_ORDER.map((r) => <li key={r}><span class="swatch" style={{ background: REGION_COLOURS[r] }} /> {r}</li>)}</ul>
        </div>
        <div>
          <LatticeChart net={data} />
          <table class="centrality">
            <caption>Centrality, {data.year} <CsvLink href={`/api/network${apiQuery({ year: data.year, format: 'csv' })}`} /></caption>
            <thead><tr><th scope="col">country</th><th scope="col">role</th><th scope="col" class="num">ties</th><th scope="col" class="num" title="other covered allies tied (the ledger's network line)">allies tied</th><th scope="col" class="num" title="each alliance or grouping of n members weighs 1/(n-1) per other ally: the ledger's network line">tie strength</th><th scope="col" class="num">betweenness</th><th scope="col" class="num">community</th></tr></thead>
            <tbody>
              {ranked.slice(0, 20).map((n) => (
                <tr key={n.iso3} class={selected === n.iso3 ? 'highlighted' : ''}>
                  <th scope="row">{n.role === 'ally' ? <Link href={`/ally/${n.iso3}`}>{n.name}</Link> : n.name}</th>
                  <td>{n.role}</td><td class="num">{n.degree}</td><td class="num">{n.allyTies ?? '–'}</td><td class="num">{n.tieStrength === null || n.tieStrength === undefined ? '–' : n.tieStrength.toFixed(2)}</td><td class="num">{n.betweenness.toFixed(3)}</td><td class="num">{n.community}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="note">Top 20 by betweenness; the CSV has all {data.rows.length}.</p>
        </div>
      </div>
      <details class="definitions"><summary>Definitions and sources</summary><ul>{data.definitions.map((d) => <li key={d}>{d}</li>)}</ul><p>Sources: {data.sources.map((s) => s.title).join('; ')}</p></details>
    </section>
  );
}
