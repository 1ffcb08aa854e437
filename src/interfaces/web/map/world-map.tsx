// The allies on a world map, coloured by net balance (blue: the ally brings more than it
// costs, orange: the reverse). Drawn with d3-geo from world-atlas's 1:110m countries; allies
// too small for that atlas (Luxembourg, Bahrain) are drawn as dots at their capitals, and
// allies drawn too small to point at (the Baltic states, Belgium) get a marker at theirs.
// Zoom and pan move the SVG's viewBox: the wheel or a pinch zooms about the pointer, a drag
// pans, the +/−/world buttons and the region buttons (Europe, East Asia, Middle East) jump;
// with the keyboard, the arrows pan and + / − zoom. Pointing at or tabbing to an ally shows
// its card (net, rank band, coverage, its biggest asset and liability lines); Enter or a
// click opens its balance sheet.
import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useApi } from '../api-client.ts';
import type { LedgersResponse } from '../api-types.ts';
import { MAP_HEIGHT, MAP_WIDTH, mapFill, mapShapes, mapTitle } from '../../charts/world-map.ts';
import type { MapAlly } from '../../charts/world-map.ts';
import { ChartDownload } from '../components/chart-download.tsx';
import { formatPercent, formatPoints, formatSigned } from '../format.ts';
import { NOT_ALLY_COLOR } from './net-colors.ts';

/** An ally on the map with what its card shows beyond the name, net and rank. */
export interface MapAllyDetail extends MapAlly {
  rankLow?: number | null;
  rankHigh?: number | null;
  coverage?: number | null;
}

export interface WorldMapProps {
  allies: readonly MapAllyDetail[];
  /** Capital coordinates [lon, lat] of allies the atlas may not draw. */
  capitals: ReadonlyMap<string, [number, number]>;
  /** Largest |net| the colour scale spans (shared with the legend). */
  extent: number;
  onSelect: (iso3: string) => void;
  highlighted?: string | null;
  /** The ledgers' API query (year, weights) for the cards' biggest lines; fetched on the first card. */
  ledgerQuery?: string;
  /** The year shown, for the downloaded file's title. */
  year?: number;
}

interface View { x: number; y: number; k: number }

const WORLD: View = { x: 0, y: 0, k: 1 };
const MAX_ZOOM = 16;
/** An ally drawn smaller than this (screen pixels) also gets a marker at its capital. */
const SMALL_PX = 12;
const MARKER_PX = 4.5;

/** Regions to jump to, as [west, south, east, north] in degrees. */
const REGIONS: readonly { id: string; label: string; box: [number, number, number, number] }[] = [
  { id: 'europe', label: 'Europe', box: [-12, 35, 42, 70] },
  { id: 'east-asia', label: 'East Asia', box: [98, 2, 148, 46] },
  { id: 'middle-east', label: 'Middle East', box: [26, 12, 60, 42] },
];

function clampView(v: View): View {
  const k = Math.max(1, Math.min(MAX_ZOOM, v.k));
  const w = MAP_WIDTH / k;
  const h = MAP_HEIGHT / k;
  return { k, x: Math.max(0, Math.min(MAP_WIDTH - w, v.x)), y: Math.max(0, Math.min(MAP_HEIGHT - h, v.y)) };
}

/** Zoom by `factor` keeping the map point (px, py) where it is on screen. */
function zoomAbout(v: View, factor: number, px: number, py: number): View {
  const k = Math.max(1, Math.min(MAX_ZOOM, v.k * factor));
  const r = v.k / k;
  return clampView({ k, x: px - (px - v.x) * r, y: py - (py - v.y) * r });
}

function centre(v: View): [number, number] {
  return [v.x + MAP_WIDTH / v.k / 2, v.y + MAP_HEIGHT / v.k / 2];
}

function regionView(box: [number, number, number, number], project: (p: [number, number]) => [number, number] | null): View {
  const [w, s, e, n] = box;
  const points: [number, number][] = [];
  for (let i = 0; i <= 4; i++) for (const lat of [s, n, (s + n) / 2]) points.push([w + ((e - w) * i) / 4, lat]);
  const xy = points.map(project).filter((p): p is [number, number] => p !== null);
  const x0 = Math.min(...xy.map((p) => p[0]));
  const x1 = Math.max(...xy.map((p) => p[0]));
  const y0 = Math.min(...xy.map((p) => p[1]));
  const y1 = Math.max(...xy.map((p) => p[1]));
  const k = Math.min(MAP_WIDTH / (x1 - x0), MAP_HEIGHT / (y1 - y0));
  return clampView({ k, x: (x0 + x1) / 2 - MAP_WIDTH / k / 2, y: (y0 + y1) / 2 - MAP_HEIGHT / k / 2 });
}

/** Pixels per map unit at zoom 1 (the SVG keeps its aspect: the smaller ratio wins). */
function useBaseScale(svg: RefObject<SVGSVGElement | null>): number {
  const [scale, setScale] = useState(1);
  useLayoutEffect(() => {
    const el = svg.current;
    if (!el) return;
    const measure = () => {
      const s = Math.min(el.clientWidth / MAP_WIDTH, el.clientHeight / MAP_HEIGHT);
      if (s > 0) setScale(s);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return scale;
}

interface Lines { asset: { label: string; points: number } | null; liability: { label: string; points: number } | null }

function biggestLines(ledgers: LedgersResponse | null): ReadonlyMap<string, Lines> {
  const out = new Map<string, Lines>();
  for (const l of ledgers?.rows ?? []) {
    const top = (side: 'asset' | 'liability') => {
      let best: Lines['asset'] = null;
      for (const line of l.lines) {
        if (line.side !== side || line.contribution === null) continue;
        if (!best || line.contribution > best.points) best = { label: line.label, points: line.contribution };
      }
      return best;
    };
    out.set(l.ally, { asset: top('asset'), liability: top('liability') });
  }
  return out;
}

function AllyCard({ ally, lines, loading, at }: { ally: MapAllyDetail; lines: Lines | undefined; loading: boolean; at: { left: number; top: number } }) {
  const band = ally.rankLow != null && ally.rankHigh != null ? (ally.rankLow === ally.rankHigh ? `${ally.rankLow}` : `${ally.rankLow}–${ally.rankHigh}`) : null;
  const ranked = ally.ranked && ally.net !== null;
  return (
    <div class="map-card" id="map-card" role="status" data-iso3={ally.iso3} style={{ left: `${at.left}px`, top: `${at.top}px` }}>
      <h3>{ally.name}{ally.standing ? <span class="standing">{ally.standing}</span> : null}</h3>
      <dl>
        <dt>net</dt><dd>{ranked ? <strong class={ally.net! >= 0 ? 'positive' : 'negative'}>{formatSigned(ally.net)}</strong> : 'not ranked (too little data)'}</dd>
        {ranked ? <><dt>rank</dt><dd>{ally.rank}{band ? <span class="note"> (band {band})</span> : null}</dd></> : null}
        {ally.coverage != null ? <><dt>coverage</dt><dd>{formatPercent(ally.coverage)} of the weight observed</dd></> : null}
        <dt>top asset</dt><dd>{lines?.asset ? `${lines.asset.label} (${formatPoints(lines.asset.points)})` : loading ? '…' : '–'}</dd>
        <dt>top liability</dt><dd>{lines?.liability ? `${lines.liability.label} (${formatPoints(-lines.liability.points)})` : loading ? '…' : '–'}</dd>
      </dl>
      <p class="hint">Click or press Enter for the balance sheet</p>
    </div>
  );
}

// SVG attributes are case-sensitive: `tabindex` (not tabIndex) makes a country focusable.
export function WorldMap({ allies, capitals, extent, onSelect, highlighted = null, ledgerQuery = '', year }: WorldMapProps) {
  // The same outlines, fills and titles as the report's map (src/interfaces/charts/world-map.ts).
  const { countries, project } = mapShapes();
  const byIso = useMemo(() => new Map(allies.map((a) => [a.iso3, a])), [allies]);
  const drawnIso = useMemo(() => new Set(countries.map((c) => c.iso3)), [countries]);
  const dots = allies.filter((a) => !drawnIso.has(a.iso3) && capitals.has(a.iso3));
  const fillOf = (a: MapAlly | undefined) => mapFill(a, extent);

  const svg = useRef<SVGSVGElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<View>(WORLD);
  const scale = useBaseScale(svg);
  const [active, setActive] = useState<{ iso3: string; left: number; top: number } | null>(null);
  const [wantLines, setWantLines] = useState(false);
  const ledgers = useApi<LedgersResponse>(wantLines ? `/api/ledgers${ledgerQuery}` : null);
  const lines = useMemo(() => biggestLines(ledgers.data), [ledgers.data]);

  // The size of every drawn ally in map units, to give the small ones a marker.
  const [sizes, setSizes] = useState<ReadonlyMap<string, { size: number; cx: number; cy: number }>>(new Map());
  useLayoutEffect(() => {
    const out = new Map<string, { size: number; cx: number; cy: number }>();
    for (const el of Array.from(svg.current?.querySelectorAll<SVGPathElement>('path.ally') ?? [])) {
      const b = el.getBBox();
      out.set(el.dataset.iso3!, { size: Math.max(b.width, b.height), cx: b.x + b.width / 2, cy: b.y + b.height / 2 });
    }
    setSizes(out);
  }, [allies]);
  const px = scale * view.k; // screen pixels per map unit
  const markers = allies.filter((a) => drawnIso.has(a.iso3) && (sizes.get(a.iso3)?.size ?? Infinity) * px < SMALL_PX).map((a) => {
    const at = capitals.get(a.iso3);
    const xy = at ? project(at) : null;
    const s = sizes.get(a.iso3)!;
    return { ally: a, x: xy?.[0] ?? s.cx, y: xy?.[1] ?? s.cy };
  });

  // The card: beside the ally's shape, inside the frame.
  const show = (iso3: string, el: Element) => {
    setWantLines(true);
    const box = frame.current?.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    if (!box) return;
    const cardWidth = Math.min(272, box.width - 16);
    let left = r.right - box.left + 8;
    if (left + cardWidth > box.width) left = Math.max(8, r.left - box.left - cardWidth - 8);
    const top = Math.max(40, Math.min(r.top - box.top, box.height - 150));
    setActive({ iso3, left, top });
  };
  const hide = (iso3: string) => setActive((a) => (a?.iso3 === iso3 ? null : a));

  // Wheel and pinch zoom, drag pan. Listeners are attached by hand: the wheel's must not be passive.
  const viewRef = useRef(view);
  viewRef.current = view;
  const dragged = useRef(false);
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const toMap = (clientX: number, clientY: number): [number, number] => {
      const m = el.getScreenCTM();
      if (!m) return centre(viewRef.current);
      const p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
      return [p.x, p.y];
    };
    const onWheel = (e: WheelEvent) => {
      const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0018));
      const k = viewRef.current.k;
      // At the whole world, scrolling down scrolls the page, not the map (and likewise at the closest zoom).
      if ((factor < 1 && k <= 1) || (factor > 1 && k >= MAX_ZOOM)) return;
      e.preventDefault();
      const [x, y] = toMap(e.clientX, e.clientY);
      setView((v) => zoomAbout(v, factor, x, y));
    };
    const pointers = new Map<number, { x: number; y: number }>();
    let start: { view: View; x: number; y: number; unit: number; distance: number; mid: [number, number] } | null = null;
    const begin = () => {
      const pts = [...pointers.values()];
      const m = el.getScreenCTM();
      const mid: [number, number] = pts.length > 1 ? [(pts[0].x + pts[1].x) / 2, (pts[0].y + pts[1].y) / 2] : [pts[0].x, pts[0].y];
      start = { view: viewRef.current, x: mid[0], y: mid[1], unit: m?.a ?? 1, distance: pts.length > 1 ? Math.hypot(pts[0].x - pts[1].x, pts[0].y - pts[1].y) : 0, mid: toMap(mid[0], mid[1]) };
    };
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0) return;
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      dragged.current = false;
      begin();
    };
    const onMove = (e: PointerEvent) => {
      if (!pointers.has(e.pointerId) || !start) return;
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      const pts = [...pointers.values()];
      if (pts.length > 1 && start.distance > 0) {
        const d = Math.hypot(pts[0].x - pts[1].x, pts[0].y - pts[1].y);
        dragged.current = true;
        setView(zoomAbout(start.view, d / start.distance, start.mid[0], start.mid[1]));
        return;
      }
      const dx = e.clientX - start.x;
      const dy = e.clientY - start.y;
      if (!dragged.current && Math.hypot(dx, dy) < 4) return;
      if (!dragged.current) {
        dragged.current = true;
        try {
          el.setPointerCapture(e.pointerId);
        } catch {
          // A pointer the browser no longer tracks: the drag goes on without capture.
        }
        el.classList.add('dragging');
      }
      setView(clampView({ ...start.view, x: start.view.x - dx / start.unit, y: start.view.y - dy / start.unit }));
    };
    const onUp = (e: PointerEvent) => {
      pointers.delete(e.pointerId);
      el.classList.remove('dragging');
      if (pointers.size > 0) begin();
      else start = null;
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('pointerdown', onDown);
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onUp);
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('pointerdown', onDown);
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onUp);
    };
  }, []);

  const zoomBy = (factor: number) => setView((v) => zoomAbout(v, factor, ...centre(v)));
  const panBy = (dx: number, dy: number) => setView((v) => clampView({ ...v, x: v.x + (dx * MAP_WIDTH) / v.k, y: v.y + (dy * MAP_HEIGHT) / v.k }));
  const onKey = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const step: Record<string, () => void> = {
      ArrowLeft: () => panBy(-0.12, 0), ArrowRight: () => panBy(0.12, 0), ArrowUp: () => panBy(0, -0.12), ArrowDown: () => panBy(0, 0.12),
      '+': () => zoomBy(1.5), '=': () => zoomBy(1.5), '-': () => zoomBy(1 / 1.5), _: () => zoomBy(1 / 1.5), '0': () => setView(WORLD),
    };
    const act = step[e.key];
    if (!act || (e.target instanceof HTMLElement && e.target.matches('input, select, textarea'))) return;
    e.preventDefault();
    act();
  };
  // A focused ally pulled out of view by a pan or zoom keeps its card where the ally now is.
  useEffect(() => {
    if (!active) return;
    const el = svg.current?.querySelector(`[data-iso3="${active.iso3}"]`);
    if (el && (document.activeElement === el)) show(active.iso3, el);
  }, [view]);

  const select = (iso3: string) => () => {
    if (dragged.current) return;
    onSelect(iso3);
  };
  const activate = (iso3: string) => (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(iso3);
    }
  };
  const events = (iso3: string) => ({
    onClick: select(iso3),
    onKeyDown: activate(iso3),
    onMouseEnter: (e: MouseEvent) => show(iso3, e.currentTarget as Element),
    onMouseLeave: () => hide(iso3),
    onFocus: (e: FocusEvent) => show(iso3, e.currentTarget as Element),
    onBlur: () => hide(iso3),
  });
  const card = active ? byIso.get(active.iso3) : undefined;
  const viewBox = `${view.x.toFixed(2)} ${view.y.toFixed(2)} ${(MAP_WIDTH / view.k).toFixed(2)} ${(MAP_HEIGHT / view.k).toFixed(2)}`;
  const dotR = MARKER_PX / px;
  return (
    <div class="map-frame" ref={frame} onKeyDown={onKey}>
      <div class="map-tools" role="toolbar" aria-label="Map zoom">
        <span class="map-zoom">
          <button type="button" aria-label="Zoom in" onClick={() => zoomBy(1.5)} disabled={view.k >= MAX_ZOOM}>+</button>
          <button type="button" aria-label="Zoom out" onClick={() => zoomBy(1 / 1.5)} disabled={view.k <= 1}>−</button>
          <button type="button" aria-label="Show the whole world" onClick={() => setView(WORLD)}>World</button>
        </span>
        {REGIONS.map((r) => <button key={r.id} type="button" data-region={r.id} onClick={() => setView(regionView(r.box, project))}>{r.label}</button>)}
        <span class="map-hint">Drag to pan, wheel or pinch to zoom; keys: arrows pan, + and − zoom, 0 resets.</span>
        <ChartDownload target={svg} title={`U.S. allies by net balance${year ? `, ${year}` : ''}`} source="Source: Alliance Ledger ledgers from its evidence base (SIPRI, World Bank, COW, ATOP, DMDC and the other sources on its Sources page); outlines: Natural Earth via world-atlas" />
      </div>
      <svg ref={svg} class="world-map" viewBox={viewBox} data-zoom={view.k.toFixed(2)} role="group" aria-label="Map of U.S. allies coloured by net balance" aria-describedby={card ? 'map-card' : undefined}>
        {countries.map((c) => {
          const ally = c.iso3 ? byIso.get(c.iso3) : undefined;
          if (!ally) return <path key={c.name} d={c.d} fill={NOT_ALLY_COLOR} class="country" aria-hidden="true" />;
          return (
            <path
              key={c.name}
              d={c.d}
              fill={fillOf(ally)}
              class={`country ally${highlighted === ally.iso3 ? ' highlighted' : ''}${active?.iso3 === ally.iso3 ? ' active' : ''}`}
              data-iso3={ally.iso3}
              tabindex={0}
              role="link"
              aria-label={mapTitle(ally)}
              {...events(ally.iso3)}
            />
          );
        })}
        {markers.map(({ ally, x, y }) => (
          <circle key={`m-${ally.iso3}`} cx={x} cy={y} r={dotR} fill={fillOf(ally)} class={`small-marker${active?.iso3 === ally.iso3 ? ' active' : ''}`} data-marker={ally.iso3} aria-hidden="true"
            onClick={select(ally.iso3)} onMouseEnter={(e: MouseEvent) => show(ally.iso3, e.currentTarget as Element)} onMouseLeave={() => hide(ally.iso3)} />
        ))}
        {dots.map((a) => {
          const xy = project(capitals.get(a.iso3)!);
          if (!xy) return null;
          return (
            <circle
              key={a.iso3}
              cx={xy[0]}
              cy={xy[1]}
              r={dotR}
              fill={fillOf(a)}
              class={`ally capital-dot${highlighted === a.iso3 ? ' highlighted' : ''}${active?.iso3 === a.iso3 ? ' active' : ''}`}
              data-iso3={a.iso3}
              tabindex={0}
              role="link"
              aria-label={mapTitle(a)}
              {...events(a.iso3)}
            />
          );
        })}
      </svg>
      {card && active ? <AllyCard ally={card} lines={lines.get(card.iso3)} loading={ledgers.loading} at={active} /> : null}
    </div>
  );
}
