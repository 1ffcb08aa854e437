// The allies on a world map, coloured by net balance (blue: the ally brings more than it
// costs, orange: the reverse). Drawn with d3-geo from world-atlas's 1:110m countries; allies
// too small for that atlas (Luxembourg, Bahrain) are drawn as dots at their capitals.
import { geoEqualEarth, geoPath } from 'd3-geo';
import type { GeoPermissibleObjects } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlas from 'world-atlas/countries-110m.json' with { type: 'json' };
import { useMemo } from 'preact/hooks';
import { formatSigned } from '../format.ts';
import { ALPHA3_BY_NUMERIC, NAMED_FEATURES } from './iso-numeric.ts';
import { netColor, NOT_ALLY_COLOR, UNRANKED_COLOR } from './net-colors.ts';

const WIDTH = 960;
const HEIGHT = 440;

export interface MapAlly {
  iso3: string;
  name: string;
  net: number | null;
  ranked: boolean;
  rank: number | null;
}

interface CountryShape {
  iso3: string | null;
  name: string;
  d: string;
}

const projection = geoEqualEarth().rotate([-10, 0]);

/** The country outlines as SVG path data, computed once per page load. */
const shapes: () => { countries: CountryShape[]; project: (lonLat: [number, number]) => [number, number] | null } = (() => {
  let cached: ReturnType<typeof shapes> | null = null;
  return () => {
    if (cached) return cached;
    const topology = atlas as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
    const collection = feature(topology, topology.objects.countries);
    const drawn = collection.features.filter((f) => f.properties.name !== 'Antarctica');
    projection.fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], { type: 'FeatureCollection', features: drawn } as GeoPermissibleObjects);
    const path = geoPath(projection);
    cached = {
      countries: drawn.map((f) => ({
        iso3: (f.id !== undefined ? ALPHA3_BY_NUMERIC[String(f.id)] : NAMED_FEATURES[f.properties.name]) ?? null,
        name: f.properties.name,
        d: path(f) ?? '',
      })),
      project: (lonLat) => projection(lonLat),
    };
    return cached;
  };
})();

export interface WorldMapProps {
  allies: readonly MapAlly[];
  /** Capital coordinates [lon, lat] of allies the atlas may not draw. */
  capitals: ReadonlyMap<string, [number, number]>;
  /** Largest |net| the colour scale spans (shared with the legend). */
  extent: number;
  onSelect: (iso3: string) => void;
  highlighted?: string | null;
}

// SVG attributes are case-sensitive: `tabindex` (not tabIndex) makes a country focusable.
export function WorldMap({ allies, capitals, extent, onSelect, highlighted = null }: WorldMapProps) {
  const { countries, project } = shapes();
  const byIso = useMemo(() => new Map(allies.map((a) => [a.iso3, a])), [allies]);
  const drawnIso = useMemo(() => new Set(countries.map((c) => c.iso3)), [countries]);
  const dots = allies.filter((a) => !drawnIso.has(a.iso3) && capitals.has(a.iso3));
  const fillOf = (a: MapAlly | undefined) => (!a ? NOT_ALLY_COLOR : !a.ranked || a.net === null ? UNRANKED_COLOR : netColor(a.net, extent));
  const titleOf = (a: MapAlly) => `${a.name}: ${a.ranked && a.net !== null ? `net ${formatSigned(a.net)}, rank ${a.rank}` : 'not ranked (too little data)'}`;
  const activate = (iso3: string) => (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(iso3);
    }
  };
  return (
    <svg class="world-map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="group" aria-label="Map of U.S. allies coloured by net balance">
      {countries.map((c) => {
        const ally = c.iso3 ? byIso.get(c.iso3) : undefined;
        if (!ally) return <path key={c.name} d={c.d} fill={NOT_ALLY_COLOR} class="country" aria-hidden="true" />;
        return (
          <path
            key={c.name}
            d={c.d}
            fill={fillOf(ally)}
            class={`country ally${highlighted === ally.iso3 ? ' highlighted' : ''}`}
            data-iso3={ally.iso3}
            tabindex={0}
            role="link"
            aria-label={titleOf(ally)}
            onClick={() => onSelect(ally.iso3)}
            onKeyDown={activate(ally.iso3)}
          >
            <title>{titleOf(ally)}</title>
          </path>
        );
      })}
      {dots.map((a) => {
        const xy = project(capitals.get(a.iso3)!);
        if (!xy) return null;
        return (
          <circle
            key={a.iso3}
            cx={xy[0]}
            cy={xy[1]}
            r={4}
            fill={fillOf(a)}
            class={`ally capital-dot${highlighted === a.iso3 ? ' highlighted' : ''}`}
            data-iso3={a.iso3}
            tabindex={0}
            role="link"
            aria-label={titleOf(a)}
            onClick={() => onSelect(a.iso3)}
            onKeyDown={activate(a.iso3)}
          >
            <title>{titleOf(a)}</title>
          </circle>
        );
      })}
    </svg>
  );
}
