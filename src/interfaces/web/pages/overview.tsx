// Overview: the allies on a map coloured by net balance, and the ranking with robustness
// bands, for a year and a region. The address holds year, region and weights.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useApi } from '../api-client.ts';
import type { CoverageRow, RankingsResponse, Rows } from '../api-types.ts';
import { CsvLink, RegionFilter, YearSlider } from '../components/controls.tsx';
import { Loading, Problem } from '../components/message.tsx';
import { RankingTable } from '../components/ranking-table.tsx';
import type { RankingEntry } from '../components/ranking-table.tsx';
import { legendGradient } from '../map/net-colors.ts';
import { WorldMap } from '../map/world-map.tsx';
import { Link, navigate } from '../navigation.tsx';
import { formatWeights, hrefOf } from '../routes.ts';
import type { Route } from '../routes.ts';
import { useCapitals } from '../map/capitals.ts';
import { apiQuery, linkQuery } from './query.ts';
import '../components/theaters.css';

type OverviewRoute = Extract<Route, { page: 'overview' }>;

function netExtent(rows: readonly RankingEntry[]): number {
  let m = 1;
  for (const r of rows) for (const v of [r.net, r.net_low, r.net_high]) if (v !== null && Math.abs(v) > m) m = Math.abs(v);
  return Math.ceil(m / 5) * 5;
}

function EvidenceOnly({ reason }: { reason: string }) {
  const coverage = useApi<Rows<CoverageRow>>('/api/coverage');
  const allies = useMemo(() => {
    const seen = new Map<string, CoverageRow[]>();
    for (const r of coverage.data?.rows ?? []) seen.set(r.iso3, [...(seen.get(r.iso3) ?? []), r]);
    return [...seen.values()];
  }, [coverage.data]);
  return (
    <section>
      <Problem title="Balance sheets are not available yet">
        <p>{reason}</p>
        <p>The evidence is: each ally's page lists its observations with their sources.</p>
      </Problem>
      {coverage.data && (
        <table class="coverage">
          <caption>Coverage of the core evidence, latest year with data <CsvLink href="/api/coverage?format=csv" /></caption>
          <thead><tr><th>ally</th>{allies[0]?.map((c) => <th key={c.need}>{c.need}</th>)}</tr></thead>
          <tbody>
            {allies.map((rows) => (
              <tr key={rows[0].iso3}>
                <th scope="row"><Link href={`/ally/${rows[0].iso3}`}>{rows[0].name}</Link></th>
                {rows.map((c) => <td key={c.need} class={c.gap ? 'gap' : ''}>{c.latest_year ?? 'gap'}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function OverviewPage({ route }: { route: OverviewRoute }) {
  const rankings = useApi<RankingsResponse>(`/api/rankings${apiQuery({ year: route.year, weights: route.weights })}`);
  const capitals = useCapitals();
  const [hovered, setHovered] = useState<string | null>(null);
  // A user-timing mark when the map and ranking first show: what bench/web.ts reports.
  useEffect(() => {
    if (rankings.data && performance.getEntriesByName('overview-rendered').length === 0) performance.mark('overview-rendered');
  }, [rankings.data]);
  const go = (patch: Partial<OverviewRoute>) => navigate(hrefOf({ ...route, ...patch }), { replace: true });

  if (rankings.error?.status === 503) return <EvidenceOnly reason={rankings.error.message} />;
  if (rankings.error) return <Problem title="The ranking could not be loaded"><p>{rankings.error.message}</p></Problem>;
  if (!rankings.data) return <Loading what="the ranking" />;

  const data = rankings.data;
  const all = data.rows;
  const inRegion = route.region === 'all' ? all : all.filter((r) => r.region === route.region);
  let regionRank = 0;
  const rows = inRegion.map((r) => ({ ...r, rank: r.rank === null ? null : route.region === 'all' ? r.rank : ++regionRank }));
  const extent = netExtent(all);
  const custom = formatWeights(route.weights) !== '';
  const regionName = route.region === 'asia' ? 'Asia' : route.region === 'europe' ? 'Europe' : null;
  const regionAdjective = route.region === 'asia' ? 'Asian' : 'European';
  // Allies outside the region filter keep their own swatch: they are ranked, just not shown in the table.
  const mapAllies = all.map((r) => ({
    iso3: r.ally, name: r.name, net: r.net, ranked: r.rank !== null, rank: r.rank, standing: r.standing_label,
    rankLow: r.rank_low, rankHigh: r.rank_high, coverage: r.coverage,
    ...(regionName !== null && r.region !== route.region ? { outside: `the region shown (${regionName})` } : {}),
  }));
  const csvQuery = apiQuery({ year: data.year, weights: route.weights, region: route.region === 'all' ? undefined : route.region, format: 'csv' });
  return (
    <section class="overview">
      <div class="page-head">
        <h1>Balance sheets of U.S. allies, {data.year}</h1>
        <div class="controls">
          <RegionFilter region={route.region} onChange={(region) => go({ region })} />
          <YearSlider year={data.year} first={data.years.first} latest={data.years.latest} onChange={(year) => go({ year })} />
        </div>
      </div>
      <p class="lede">
        Net balance = assets the ally brings to the United States minus the liabilities it costs or risks, each side 0–100, under methodology
        {' '}<code>{data.methodology.id} {data.methodology.version}</code>{custom ? <> with <Link href={hrefOf({ page: 'weights', year: route.year, region: route.region, weights: route.weights })}>your weights</Link></> : null}.
        {' '}Click an ally for its balance sheet and the source of every number; <Link href={hrefOf({ page: 'weights', year: route.year, region: route.region, weights: route.weights })}>change the weights</Link> to see how much the ranking depends on them.
      </p>
      <figure class="map-figure">
        <WorldMap allies={mapAllies} capitals={capitals} extent={extent} highlighted={hovered} year={data.year} ledgerQuery={apiQuery({ year: data.year, weights: route.weights })} onSelect={(iso3) => navigate(`/ally/${iso3}${linkQuery(route)}`)} />
        <figcaption class="legend">
          <span>−{extent}</span><span class="legend-ramp" style={{ background: legendGradient(extent) }} /><span>+{extent}</span>
          <span class="legend-key unranked">not ranked</span><span class="legend-key not-ally">not a U.S. ally in {data.year}</span>
          {regionName !== null ? <span class="legend-key outside-region">an ally outside {regionName}</span> : null}
        </figcaption>
      </figure>
      <RankingTable
        rows={rows}
        extent={extent}
        linkQuery={linkQuery(route)}
        highlighted={hovered}
        onHover={setHovered}
        rankLabel={regionName !== null ? `rank among ${regionAdjective} allies` : 'rank'}
        bandLabel={regionName !== null ? 'global rank band' : 'rank band'}
        caption={
          <>
            {regionName === null ? `The U.S. allies of ${data.year}` : `Allies in ${regionName}, ${data.year}`} by net balance
            {regionName !== null ? <span class="note"> · rank among {regionAdjective} allies: the order within the region; global rank band: the ranks among all {all.filter((r) => r.rank !== null).length} ranked allies that 90% of robustness draws give · <Link href={hrefOf({ page: 'regions', year: route.year, regions: ['asia', 'europe'] })}>Asia and Europe side by side</Link></span> : null}
            <span class="note"> · allies are the countries with a U.S. defense treaty, a major non-NATO ally designation or Taiwan's treatment as one on 31 December {data.year}; partners (e.g. Saudi Arabia) are left out</span>
            {data.draws ? <span class="note"> · bands: {Math.round((data.interval ?? 0.9) * 100)}% intervals over {data.draws.toLocaleString('en-US')} draws of weights and data; the whole ranking held in {((data.pSameOrder ?? 0) * 100).toFixed(1)}% of draws</span> : null}
            {' '}<CsvLink href={`/api/rankings${csvQuery}`} />
          </>
        }
      />
    </section>
  );
}
