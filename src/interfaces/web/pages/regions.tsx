// The theaters side by side: Asia against Europe (or two regions chosen), as the reference
// balance-sheet study compares them. Every number comes from the API's /api/regions (the same
// function as `allies regions` and the same ledgers as the ranking); how robust the gap is comes
// from /api/regions/robustness, run in the server's heavy-work queue.
import { useMemo } from 'preact/hooks';
import { useApi } from '../api-client.ts';
import type { RegionRobustness, RegionsResponse, Source } from '../api-types.ts';
import { CsvLink, YearSlider } from '../components/controls.tsx';
import { Loading, Problem } from '../components/message.tsx';
import { ItemGap, NetStrip, regionLabel, TheaterSeries } from '../components/theater-charts.tsx';
import { formatPercent, formatPoints } from '../format.ts';
import { Link, navigate } from '../navigation.tsx';
import { hrefOf, THEATERS } from '../routes.ts';
import type { Route } from '../routes.ts';
import { apiQuery } from './query.ts';
import '../components/theaters.css';

type RegionsRoute = Extract<Route, { page: 'regions' }>;

const TOP_ITEMS = 12;

function SourceIds({ ids, sources }: { ids: readonly string[]; sources: ReadonlyMap<string, Source> }) {
  const shown = ids.slice(0, 3);
  return (
    <span class="source-ids">
      {shown.map((id, i) => <span key={id}>{i ? '; ' : ''}<Link href={`/sources#source-${id}`}>{sources.get(id)?.title ?? id}</Link></span>)}
      {ids.length > shown.length ? <span> and {ids.length - shown.length} more</span> : null}
      {ids.length === 0 ? 'none (no ally scored)' : null}
    </span>
  );
}

function RegionPicker({ route, index }: { route: RegionsRoute; index: 0 | 1 }) {
  const other = route.regions[1 - index];
  return (
    <label class="region-picker">
      <span>{index === 0 ? 'Region' : 'against'}</span>
      <select
        aria-label={index === 0 ? 'First region' : 'Second region'}
        value={route.regions[index]}
        onChange={(e) => {
          const regions = [...route.regions];
          regions[index] = (e.target as HTMLSelectElement).value;
          navigate(hrefOf({ ...route, regions }), { replace: true });
        }}
      >
        {THEATERS.filter((r) => r !== other).map((r) => <option key={r} value={r}>{regionLabel(r)}</option>)}
      </select>
    </label>
  );
}

function Robustness({ route, year }: { route: RegionsRoute; year: number }) {
  const robust = useApi<RegionRobustness>(`/api/regions/robustness${apiQuery({ year, regions: route.regions.join(',') })}`);
  const [a, b] = route.regions.map(regionLabel);
  if (robust.error) return <p class="problem-inline" role="alert">The robustness draws could not be run: {robust.error.message}</p>;
  if (!robust.data) return <Loading what="the robustness draws" />;
  const r = robust.data;
  return (
    <div class="theater-robustness" data-testid="regions-robustness">
      <p class="key-figure">
        In <strong data-testid="regions-share">{(r.share * 100).toFixed(1)}%</strong> of {r.draws.toLocaleString('en-US')} robustness draws {a}'s median net exceeds {b}'s.
      </p>
      <p>
        The difference in medians ({a} minus {b}) is {formatPoints(r.gap.baseline)} points on the methodology's weights, and between {formatPoints(r.gap.low)} and {formatPoints(r.gap.high)} in {Math.round(r.interval * 100)}% of the draws
        {' '}({r.counted[0]} and {r.counted[1]} ranked allies; seed {r.seed}).
      </p>
      <p class="note">{r.definition} The draws are those of the ranking's robustness bands: the methodology's weight multipliers, and the data and judgments within their stated ranges.</p>
    </div>
  );
}

export function RegionsPage({ route }: { route: RegionsRoute }) {
  const url = `/api/regions${apiQuery({ year: route.year, regions: route.regions.join(',') })}`;
  const report = useApi<RegionsResponse>(url);
  const sources = useMemo(() => new Map((report.data?.sources ?? []).map((s) => [s.id, s])), [report.data]);
  if (report.error) return <Problem title="The regions could not be compared"><p>{report.error.message}</p></Problem>;
  if (!report.data) return <Loading what="the regions" />;
  const data = report.data;
  const [a, b] = data.regions.map(regionLabel);
  const [da, db] = data.distribution;
  const ledgerSource = `Alliance Ledger ledgers of ${data.year}, methodology ${data.methodology.id} ${data.methodology.version} (GET /api/regions; every line's sources on the ally pages)`;
  const seriesSource = `Alliance Ledger ledgers of ${data.series[0]?.year}–${data.series[data.series.length - 1]?.year}, methodology ${data.methodology.id} ${data.methodology.version}`;
  const csv = `/api/regions${apiQuery({ year: data.year, regions: data.regions.join(','), format: 'csv' })}`;
  return (
    <section class="regions-page">
      <div class="page-head">
        <h1>{a} and {b}, side by side, {data.year}</h1>
        <div class="controls">
          <RegionPicker route={route} index={0} />
          <RegionPicker route={route} index={1} />
          <YearSlider year={data.year} first={data.series[0]?.year ?? data.year} latest={data.series[data.series.length - 1]?.year ?? data.year} onChange={(year) => navigate(hrefOf({ ...route, year }), { replace: true })} />
        </div>
      </div>
      <p class="lede">
        The theaters compared as the reference balance-sheet study compares Asia and Europe, on every heading of the ledgers of methodology <code>{data.methodology.id} {data.methodology.version}</code>.
        {' '}{data.definitions.allies} The same numbers at the command line: <code>allies regions --year {data.year} --regions {data.regions.join(',')}</code>.
      </p>
      <p class="key-figure" data-testid="regions-medians">
        Median net: {a} <strong>{formatPoints(da.net.median)}</strong> ({da.net.n} ranked allies), {b} <strong>{formatPoints(db.net.median)}</strong> ({db.net.n}); {a} minus {b}: <strong>{formatPoints(data.medianGap)}</strong> points.
      </p>

      <section aria-labelledby="distribution-h">
        <h2 id="distribution-h">The allies' net balance, region by region</h2>
        <NetStrip data={data} source={ledgerSource} />
        <table tabIndex={0} class="theater-stats" data-testid="regions-distribution">
          <caption>Net balance of the ranked allies, {data.year}: {data.definitions.distribution}</caption>
          <thead>
            <tr><th scope="col">region</th><th scope="col" class="num">ranked allies</th><th scope="col" class="num">min</th><th scope="col" class="num">lower quartile</th><th scope="col" class="num">median</th><th scope="col" class="num">upper quartile</th><th scope="col" class="num">max</th><th scope="col" class="num">mean</th><th scope="col" class="num">mean assets</th><th scope="col" class="num">mean liabilities</th></tr>
          </thead>
          <tbody>
            {data.distribution.map((d) => (
              <tr key={d.region} data-region={d.region}>
                <th scope="row">{regionLabel(d.region)}</th>
                <td class="num">{d.net.n}{d.unranked.length ? ` (+${d.unranked.length} not ranked)` : ''}</td>
                <td class="num">{formatPoints(d.net.min)}</td>
                <td class="num">{formatPoints(d.net.q1)}</td>
                <td class="num median">{formatPoints(d.net.median)}</td>
                <td class="num">{formatPoints(d.net.q3)}</td>
                <td class="num">{formatPoints(d.net.max)}</td>
                <td class="num">{formatPoints(d.net.mean)}</td>
                <td class="num">{d.assets === null ? 'missing' : d.assets.toFixed(1)}</td>
                <td class="num">{d.liabilities === null ? 'missing' : d.liabilities.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="theater-allies">
          {data.distribution.map((d) => (
            <details key={d.region} data-region={d.region}>
              <summary>The {d.allies.length} allies of {regionLabel(d.region)} in {data.year}, by net</summary>
              <ol>
                {d.allies.map((x) => (
                  <li key={x.ally}>
                    <Link href={`/ally/${x.ally}?year=${data.year}`}>{x.name}</Link> {x.ranked ? <>net {formatPoints(x.net)}, global rank {x.rank}</> : <em>not ranked (coverage {formatPercent(x.coverage)})</em>} · <span class="standing">{x.standing}</span>
                  </li>
                ))}
              </ol>
            </details>
          ))}
        </div>
      </section>

      <section aria-labelledby="items-h">
        <h2 id="items-h">Where {a} and {b} differ most, line by line <CsvLink href={csv} /></h2>
        <ItemGap data={data} top={TOP_ITEMS} source={ledgerSource} />
        <table tabIndex={0} class="theater-items" data-testid="regions-items">
          <caption>Mean points each line item gives the net, {data.year}: {data.definitions.items}</caption>
          <thead>
            <tr><th scope="col">line item</th><th scope="col" class="num">{a}</th><th scope="col" class="num">{b}</th><th scope="col" class="num">difference</th><th scope="col">sources</th></tr>
          </thead>
          <tbody>
            {data.rows.slice(0, TOP_ITEMS).map((r) => (
              <tr key={r.item} data-item={r.item}>
                <th scope="row">{r.side === 'asset' ? 'Asset' : 'Liability'} · {r.label} <span class="note">({r.group})</span></th>
                {r.byRegion.slice(0, 2).map((x) => (
                  <td key={x.region} class="num">
                    {x.mean === null ? <span class="missing">missing</span> : formatPoints(x.mean, 2)}
                    <span class="note"> n={x.n}{x.missing.length ? <>, <span class="missing" title={x.missing.join(' ')}>{x.missing.length} missing</span></> : null}</span>
                  </td>
                ))}
                <td class="num difference">{r.difference === null ? <span class="missing">missing</span> : formatPoints(r.difference, 2)}</td>
                <td><SourceIds ids={r.sources} sources={sources} /></td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="note">{data.rows.length - TOP_ITEMS > 0 ? `${data.rows.length - TOP_ITEMS} more line items in the CSV. ` : ''}"Missing" allies have no score for the line (its weight went to the other lines of their side): they are left out of the mean, never counted as zero.</p>
      </section>

      <section aria-labelledby="series-h">
        <h2 id="series-h">How it changed since {data.series[0]?.year}</h2>
        <TheaterSeries data={data} source={seriesSource} />
        <details>
          <summary>The medians and means year by year</summary>
          <table tabIndex={0} class="theater-series" data-testid="regions-series">
            <caption>{data.definitions.series}</caption>
            <thead>
              <tr><th scope="col">year</th>{data.regions.map((r) => <th key={r} scope="col" class="num">{regionLabel(r)} median (mean; n)</th>)}<th scope="col" class="num">{a} − {b}</th></tr>
            </thead>
            <tbody>
              {data.series.map((y) => (
                <tr key={y.year}>
                  <th scope="row">{y.year}</th>
                  {y.byRegion.map((x) => <td key={x.region} class="num">{x.n ? `${formatPoints(x.median)} (${formatPoints(x.mean)}; ${x.n})` : <span class="missing">no ranked ally</span>}</td>)}
                  <td class="num">{formatPoints(y.medianGap)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </section>

      <section aria-labelledby="robust-h">
        <h2 id="robust-h">How robust the difference is</h2>
        <Robustness route={{ ...route, regions: data.regions }} year={data.year} />
      </section>

      <section aria-labelledby="sources-h" class="theater-sources">
        <h2 id="sources-h">Sources</h2>
        <p>The {data.sources.length} sources behind the lines of the allies compared (each ally page gives the source of every line):</p>
        <ul>
          {data.sources.map((s) => <li key={s.id}><Link href={`/sources#source-${s.id}`}>{s.title}</Link> <span class="note">({s.publisher}, {s.year})</span></li>)}
        </ul>
      </section>
    </section>
  );
}
