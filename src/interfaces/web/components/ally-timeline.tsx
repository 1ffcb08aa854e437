// An ally over time, on its page: net, assets, liabilities and rank in the ledger of every
// year (GET /api/ledgers/{ally}/timeline: the service's own ledgers, the values the year slider
// shows one year at a time), the events that moved them with their sources, and the two
// alliance ages a reader meets, each with its definition. Nothing is re-computed here.
import { useApi } from '../api-client.ts';
import type { Source } from '../api-types.ts';
import type { AgeDefinition, AllyTimeline as Timeline, TimelineYear } from '../../../analyses/timeline.ts';
import { formatPercent, formatPoints } from '../format.ts';
import { Link } from '../navigation.tsx';
import { CsvLink } from './controls.tsx';
import { Loading } from './message.tsx';
import { usePlot } from './plot.ts';
import './theaters.css';

export type TimelineResponse = Omit<Timeline, 'years'> & { count: number; rows: TimelineYear[]; agesYear: number; sources: Source[] };

const SERIES_COLORS = { net: '#1d2430', assets: '#2166ac', liabilities: '#b35806' } as const;

function widthOf(host: HTMLElement, max: number): number {
  return Math.max(300, Math.min(max, Math.floor(host.clientWidth || max)));
}

function TotalsChart({ data, year, source }: { data: TimelineResponse; year: number; source: string }) {
  const rows = data.rows.flatMap((r) => (['net', 'assets', 'liabilities'] as const).map((k) => ({ year: r.year, measure: k, value: r[k] })));
  const marked = [...new Set(data.events.map((e) => e.year))].filter((y) => y >= data.rows[0].year && y <= data.rows[data.rows.length - 1].year);
  const { host, failed } = usePlot((Plot, el) => Plot.plot({
    width: widthOf(el, 760),
    height: 240,
    marginLeft: 40,
    style: { fontSize: '11px', background: 'transparent' },
    x: { label: null, tickFormat: 'd' },
    y: { label: 'points', grid: true, nice: true },
    color: { domain: ['net', 'assets', 'liabilities'], range: [SERIES_COLORS.net, SERIES_COLORS.assets, SERIES_COLORS.liabilities] },
    marks: [
      Plot.ruleX(marked, { stroke: '#c9b27c', strokeDasharray: '2,3' }),
      Plot.ruleX([year], { stroke: '#b35806', strokeOpacity: 0.5 }),
      Plot.ruleY([0], { stroke: '#999' }),
      // A year without a ledger (not yet an ally) breaks the line: never drawn as 0.
      Plot.lineY(rows, { x: 'year', y: 'value', stroke: 'measure', strokeWidth: (d: (typeof rows)[number]) => (d.measure === 'net' ? 2.5 : 1.5) }),
      Plot.dot(rows.filter((r) => r.value !== null), { x: 'year', y: 'value', fill: 'measure', r: 2, title: (d: (typeof rows)[number]) => `${d.year}: ${d.measure} ${d.value!.toFixed(1)}` }),
    ],
  }), [data, year]);
  return (
    <figure class="timeline-chart" data-chart="totals">
      <figcaption>Net (black, thick), assets (blue) and liabilities (orange) of {data.name} in the ledger of every year; dotted lines mark the years of the events listed below</figcaption>
      <div ref={host} class="chart-host" role="img" aria-label={`Net, assets and liabilities of ${data.name}, ${data.rows[0]?.year}–${data.rows[data.rows.length - 1]?.year}`}>
        {failed ? <p class="problem-inline">The chart could not be drawn: {failed}</p> : null}
      </div>
      <p class="chart-source">Source: {source}</p>
    </figure>
  );
}

function RankChart({ data, year, source }: { data: TimelineResponse; year: number; source: string }) {
  const rows = data.rows.map((r) => ({ year: r.year, rank: r.rank, of: r.rankedCount }));
  const { host, failed } = usePlot((Plot, el) => Plot.plot({
    width: widthOf(el, 760),
    height: 200,
    marginLeft: 40,
    style: { fontSize: '11px', background: 'transparent' },
    x: { label: null, tickFormat: 'd' },
    y: { label: 'rank (1 = highest net)', reverse: true, grid: true, domain: [1, Math.max(...rows.map((r) => r.of))] },
    marks: [
      Plot.ruleX([year], { stroke: '#b35806', strokeOpacity: 0.5 }),
      Plot.lineY(rows, { x: 'year', y: 'of', stroke: '#999', strokeDasharray: '4,3' }),
      Plot.lineY(rows, { x: 'year', y: 'rank', stroke: '#1d4f91', strokeWidth: 2 }),
      Plot.dot(rows.filter((r) => r.rank !== null), { x: 'year', y: 'rank', fill: '#1d4f91', r: 2.5, title: (d: (typeof rows)[number]) => `${d.year}: rank ${d.rank} of ${d.of}` }),
    ],
  }), [data, year]);
  return (
    <figure class="timeline-chart" data-chart="rank">
      <figcaption>Rank of {data.name} among the ranked allies of each year (the dashed line is the number of ranked allies: the last place)</figcaption>
      <div ref={host} class="chart-host" role="img" aria-label={`Rank of ${data.name} by year`}>
        {failed ? <p class="problem-inline">The chart could not be drawn: {failed}</p> : null}
      </div>
      <p class="chart-source">Source: {source}</p>
    </figure>
  );
}

function SourceLinks({ ids, sources }: { ids: readonly string[]; sources: ReadonlyMap<string, Source> }) {
  if (ids.length === 0) return <span class="note">no source recorded</span>;
  return <span class="source-ids">{ids.map((id, i) => <span key={id}>{i ? '; ' : ''}<Link href={`/sources#source-${id}`}>{sources.get(id)?.title ?? id}</Link></span>)}</span>;
}

function Ages({ ages, explained, sources }: { ages: AgeDefinition[]; explained: string | null; sources: ReadonlyMap<string, Source> }) {
  if (ages.length === 0) return null;
  return (
    <div class="definition-pair" id="alliance-age" data-testid="alliance-ages">
      <p><strong>Alliance age: {ages.length > 1 ? 'two numbers, two definitions' : 'its definition'}.</strong>{explained ? ` ${explained}` : ''}</p>
      <ul>
        {ages.map((a) => (
          <li key={a.where}>
            <strong>{a.value % 1 === 0 ? a.value.toFixed(0) : a.value.toFixed(1)} {a.unit}</strong> on {a.where}: {a.definition} <span class="note">Source: <SourceLinks ids={a.sources} sources={sources} />{a.locator ? `, ${a.locator}` : ''}.</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function AllyTimeline({ ally, year }: { ally: string; year: number }) {
  const timeline = useApi<TimelineResponse>(`/api/ledgers/${ally}/timeline`);
  if (timeline.error) return <p class="problem-inline" role="alert">The years of this ally could not be loaded: {timeline.error.message}</p>;
  if (!timeline.data) return <Loading what="the years of this ally" />;
  const data = timeline.data;
  const sources = new Map(data.sources.map((s) => [s.id, s]));
  const first = data.rows[0]?.year;
  const last = data.rows[data.rows.length - 1]?.year;
  const source = `Alliance Ledger ledgers of ${first}–${last} (GET /api/ledgers/${ally}/timeline; each year's lines and their sources on this page with the year slider)`;
  const years = data.rows.filter((r) => r.allied);
  return (
    <section class="ally-timeline" aria-labelledby="timeline-h">
      <h2 id="timeline-h">{data.name} over time, {first}–{last} <CsvLink href={`/api/ledgers/${ally}/timeline?format=csv`} /></h2>
      <p class="note">{data.definitions.series} {years.length < data.rows.length ? `No ledger in ${data.rows.length - years.length} year(s): not an ally then (a gap, never a zero).` : ''}</p>
      <div class="timeline-charts">
        <TotalsChart data={data} year={year} source={source} />
        <RankChart data={data} year={year} source={source} />
      </div>
      <h3>What moved them</h3>
      <p class="note">{data.definitions.ties} {data.definitions.standing} {data.definitions.jumps}</p>
      <ol class="event-list" data-testid="timeline-events">
        {data.events.map((e, i) => (
          <li key={`${e.year}-${e.kind}-${i}`} data-kind={e.kind} data-year={e.year}>
            <strong>{e.date ?? e.year}</strong> · {e.title}. <span>{e.detail}</span> <span class="note">Source: <SourceLinks ids={e.sources} sources={sources} />{e.locator ? `, ${e.locator}` : ''}.</span>
          </li>
        ))}
      </ol>
      <Ages ages={data.ages} explained={data.agesExplained} sources={sources} />
      <details>
        <summary>Every year's totals</summary>
        <table tabIndex={0} class="timeline-years" data-testid="timeline-years">
          <caption>{data.name} in the ledger of every year. {data.definitions.rank}</caption>
          <thead><tr><th scope="col">year</th><th scope="col">standing</th><th scope="col" class="num">assets</th><th scope="col" class="num">liabilities</th><th scope="col" class="num">net</th><th scope="col" class="num">rank</th><th scope="col" class="num">coverage</th></tr></thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.year} data-year={r.year}>
                <th scope="row"><Link href={`/ally/${ally}?year=${r.year}`}>{r.year}</Link></th>
                <td>{r.standing}</td>
                {r.allied ? (
                  <>
                    <td class="num">{r.assets?.toFixed(1) ?? 'missing'}</td>
                    <td class="num">{r.liabilities?.toFixed(1) ?? 'missing'}</td>
                    <td class="num">{formatPoints(r.net)}</td>
                    <td class="num">{r.rank === null ? 'not ranked' : `${r.rank} of ${r.rankedCount}`}</td>
                    <td class="num">{formatPercent(r.coverage)}</td>
                  </>
                ) : <td colSpan={5} class="missing">no ledger: not an ally on 31 December {r.year}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
