// The allies on a world map, coloured by net balance on the dashboard's diverging scale:
// d3-geo's Equal Earth projection of world-atlas's 1:110m countries, as plain SVG text.
// Allies too small for that atlas (Luxembourg, Bahrain, ...) are dots at their capitals.
// Shapes are computed once per process; the SVG is a pure function of the allies given.
import { geoEqualEarth, geoPath } from 'd3-geo';
import type { GeoPermissibleObjects } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlas from 'world-atlas/countries-110m.json' with { type: 'json' };
import { ALPHA3_BY_NUMERIC, NAMED_FEATURES } from '../web/map/iso-numeric.ts';
import { NOT_ALLY_COLOR, UNRANKED_COLOR, netColor } from '../web/map/net-colors.ts';

export const MAP_WIDTH = 960;
export const MAP_HEIGHT = 440;

export interface MapAlly {
  iso3: string;
  name: string;
  net: number | null;
  ranked: boolean;
  rank: number | null;
  /** Standing in the year, e.g. "NATO since 2004" (optional). */
  standing?: string;
  /** Outside the region the page filters on: drawn in its own pale fill, not as "not ranked". */
  outside?: string;
}

/** The fill of an ally outside the region filter (distinct from "not ranked" and "not an ally"). */
export const OUTSIDE_REGION_COLOR = '#efe4c8';

export interface CountryShape {
  iso3: string | null;
  name: string;
  /** SVG path data in the map's 960 x 440 frame. */
  d: string;
}

export interface MapShapes {
  countries: CountryShape[];
  /** [lon, lat] to the map frame (null off the globe). */
  project: (lonLat: [number, number]) => [number, number] | null;
}

let cached: MapShapes | null = null;

/** Country outlines in the map frame (Antarctica left out), computed once. */
export function mapShapes(): MapShapes {
  if (cached) return cached;
  const projection = geoEqualEarth().rotate([-10, 0]);
  const topology = atlas as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const drawn = feature(topology, topology.objects.countries).features.filter((f) => f.properties.name !== 'Antarctica');
  projection.fitExtent([[4, 4], [MAP_WIDTH - 4, MAP_HEIGHT - 4]], { type: 'FeatureCollection', features: drawn } as GeoPermissibleObjects);
  const path = geoPath(projection);
  cached = {
    countries: drawn.map((f) => ({
      iso3: (f.id !== undefined ? ALPHA3_BY_NUMERIC[String(f.id)] : NAMED_FEATURES[f.properties.name]) ?? null,
      name: f.properties.name,
      // Two decimals are finer than a printed pixel and halve the size of the SVG.
      d: (path(f) ?? '').replace(/(\.\d\d)\d+/g, '$1'),
    })),
    project: (lonLat) => projection(lonLat),
  };
  return cached;
}

/** The fill of an ally (or of a country that is not one). */
export function mapFill(ally: MapAlly | undefined, extent: number): string {
  return !ally ? NOT_ALLY_COLOR : ally.outside ? OUTSIDE_REGION_COLOR : !ally.ranked || ally.net === null ? UNRANKED_COLOR : netColor(ally.net, extent);
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' } as const)[c as '&']};`);
}

/** What the map says of an ally: its name, net and rank. */
export function mapTitle(a: MapAlly): string {
  const where = a.outside ? `; outside ${a.outside}` : '';
  return `${a.name}${a.standing ? ` (${a.standing})` : ''}: ${a.ranked && a.net !== null ? `net ${a.net >= 0 ? '+' : '−'}${Math.abs(a.net).toFixed(1)}, global rank ${a.rank}` : 'not ranked (too little data)'}${where}`;
}

/** The map as standalone SVG text; each ally carries a <title> with its net and rank. */
export function worldMapSvg(allies: readonly MapAlly[], capitals: ReadonlyMap<string, [number, number]>, extent: number): string {
  const { countries, project } = mapShapes();
  const byIso = new Map(allies.map((a) => [a.iso3, a]));
  const drawn = new Set(countries.map((c) => c.iso3));
  const parts = countries.map((c) => {
    const ally = c.iso3 ? byIso.get(c.iso3) : undefined;
    const fill = mapFill(ally, extent);
    return ally
      ? `<path d="${c.d}" fill="${fill}" stroke="#fff" stroke-width="0.4" data-iso3="${ally.iso3}"><title>${escapeXml(mapTitle(ally))}</title></path>`
      : `<path d="${c.d}" fill="${fill}" stroke="#fff" stroke-width="0.4"/>`;
  });
  for (const a of allies) {
    const at = !drawn.has(a.iso3) ? capitals.get(a.iso3) : undefined;
    const xy = at ? project(at) : null;
    if (!xy) continue;
    parts.push(`<circle cx="${xy[0].toFixed(1)}" cy="${xy[1].toFixed(1)}" r="4" fill="${mapFill(a, extent)}" stroke="#333" stroke-width="0.6" data-iso3="${a.iso3}"><title>${escapeXml(mapTitle(a))}</title></circle>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}" width="${MAP_WIDTH}" height="${MAP_HEIGHT}" role="img" aria-label="Map of U.S. allies coloured by net balance">${parts.join('')}</svg>`;
}

/** A horizontal colour legend for the map and ranking, -extent to +extent, as SVG text. */
export function netLegendSvg(extent: number, width = 340): string {
  const steps = 40;
  const ramp = width - 20;
  const rects = Array.from({ length: steps }, (_, i) => {
    const net = extent * ((2 * i + 1) / steps - 1);
    return `<rect x="${(10 + (i * ramp) / steps).toFixed(2)}" y="4" width="${(ramp / steps + 0.5).toFixed(2)}" height="10" fill="${netColor(net, extent)}"/>`;
  });
  const text = (x: number, y: number, content: string, anchor = 'start') => `<text x="${x}" y="${y}" font-size="9" text-anchor="${anchor}" fill="#333">${escapeXml(content)}</text>`;
  const swatch = (x: number, fill: string, content: string) => `<rect x="${x}" y="50" width="10" height="8" fill="${fill}"/>${text(x + 14, 57, content)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 62" width="${width}" height="62" font-family="system-ui, sans-serif">${rects.join('')}`
    + text(10, 26, `−${Math.round(extent)}`) + text(width / 2, 26, '0', 'middle') + text(width - 10, 26, `+${Math.round(extent)}`, 'end')
    + text(width / 2, 40, 'net balance: liabilities outweigh assets ← → assets outweigh liabilities', 'middle')
    + swatch(10, UNRANKED_COLOR, 'not ranked (coverage too low)') + swatch(width / 2 + 10, NOT_ALLY_COLOR, 'not a covered ally')
    + '</svg>';
}
