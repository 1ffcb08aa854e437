// A time series of one indicator for one country, drawn with Observable Plot (loaded on
// first use, so the overview does not pay for it). Missing years break the line; the tip
// names the source and locator of every point, and the sources are cited under the chart.
import type { Indicator, Observation, Source } from '../api-types.ts';
import { formatValue } from '../format.ts';
import { usePlot } from './plot.ts';
import { seriesPoints } from '../../charts/series-points.ts';
import type { SeriesPoint } from '../../charts/series-points.ts';

export function SeriesChart({ indicator, observations, sources, year }: { indicator: Indicator; observations: readonly Observation[]; sources: ReadonlyMap<string, Source>; year: number }) {
  const points = seriesPoints(observations);
  const { host, failed } = usePlot((Plot) => {
    const chart = Plot.plot({
      width: 360,
      height: 170,
      marginLeft: 52,
      style: { fontSize: '11px', background: 'transparent' },
      x: { label: null, tickFormat: 'd' },
      y: { label: indicator.unit, grid: true, nice: true, tickFormat: (v: number) => formatValue(v, 2) },
      marks: [
        // Plot breaks the line at null values: a missing year shows as a gap, never as 0.
        Plot.lineY(points, { x: 'year', y: 'value', stroke: '#2166ac' }),
        Plot.dot(points.filter((p) => p.value !== null), { x: 'year', y: 'value', r: 1.8, fill: '#2166ac' }),
        Plot.ruleX([year], { stroke: '#b35806', strokeDasharray: '3,2' }),
        Plot.tip(points.filter((p) => p.value !== null), Plot.pointerX({
          x: 'year', y: 'value',
          title: (d: SeriesPoint) => `${d.year}: ${formatValue(d.value, 4)} ${indicator.unit}\n${d.source}\n${d.locator}`,
        })),
      ],
    });
    return chart;
  }, [observations, year]);
  const cited = [...new Set(points.map((p) => p.source))];
  return (
    <figure class="series-chart" data-indicator={indicator.id}>
      <figcaption><strong>{indicator.label}</strong> <span class="unit">({indicator.unit})</span></figcaption>
      <div ref={host} class="chart-host" role="img" aria-label={`${indicator.label}, ${points[0]?.year ?? ''}–${points[points.length - 1]?.year ?? ''}`}>
        {failed ? <p class="problem-inline">The chart could not be drawn: {failed}</p> : null}
      </div>
      <p class="chart-source">Source: {cited.map((id) => sources.get(id)?.title ?? id).join('; ')}</p>
    </figure>
  );
}
