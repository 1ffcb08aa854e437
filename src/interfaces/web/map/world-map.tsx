// The allies on a world map, coloured by net balance (blue: the ally brings more than it
// costs, orange: the reverse). Drawn with d3-geo from world-atlas's 1:110m countries; allies
// too small for that atlas (Luxembourg, Bahrain) are drawn as dots at their capitals.
import { useMemo } from 'preact/hooks';
import { MAP_HEIGHT, MAP_WIDTH, mapFill, mapShapes, mapTitle } from '../../charts/world-map.ts';
import type { MapAlly } from '../../charts/world-map.ts';
import { NOT_ALLY_COLOR } from './net-colors.ts';

export type { MapAlly };

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
  // The same outlines, fills and titles as the report's map (src/interfaces/charts/world-map.ts).
  const { countries, project } = mapShapes();
  const byIso = useMemo(() => new Map(allies.map((a) => [a.iso3, a])), [allies]);
  const drawnIso = useMemo(() => new Set(countries.map((c) => c.iso3)), [countries]);
  const dots = allies.filter((a) => !drawnIso.has(a.iso3) && capitals.has(a.iso3));
  const fillOf = (a: MapAlly | undefined) => mapFill(a, extent);
  const titleOf = mapTitle;
  const activate = (iso3: string) => (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(iso3);
    }
  };
  return (
    <svg class="world-map" viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`} role="group" aria-label="Map of U.S. allies coloured by net balance">
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
