// "Why this rank" on an ally's page: the line items that set the ally apart from the median
// ally of the year, as a horizontal bar chart (Observable Plot, loaded on first use) and the
// same numbers as a table, largest first. Bars right of zero raise the ally's net relative
// to the median ally, bars left lower it; the colour says whether the line is an asset or a
// liability. The differences add up to the gap in net, and the section says so.
import { useApi } from '../api-client.ts';
import type { WhyResponse } from '../api-types.ts';
import { formatPoints, formatScore } from '../format.ts';
import { Link } from '../navigation.tsx';
import { apiQuery } from '../pages/query.ts';
import type { Weights } from '../routes.ts';
import { CsvLink } from './controls.tsx';
import { Loading } from './message.tsx';
import { usePlot } from './plot.ts';

const SHOWN = 12;
const SIDE_COLOURS = { asset: '#2166ac', liability: '#b35806' } as const;
type WhyLine = WhyResponse['lines'][number];

const ordinal = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
const short = (s: string, n = 38) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function WhyChart({ why, lines }: { why: WhyResponse; lines: WhyLine[] }) {
  const { host, failed } = usePlot((Plot, el) => {
    const labels = new Map(lines.map((l) => [l.item, l.label]));
    const extent = Math.max(1, ...lines.map((l) => Math.abs(l.difference)));
    return Plot.plot({
      width: Math.max(420, el.clientWidth || 600),
      height: 28 + lines.length * 26,
      marginLeft: 250,
      marginRight: 40,
      style: { fontSize: '11px', background: 'transparent' },
      x: { domain: [-extent * 1.3, extent * 1.3], label: `points of the net vs the median ally (→ raises ${why.name}'s net)`, grid: true },
      y: { domain: lines.map((l) => l.item), tickFormat: (id: string) => short(labels.get(id) ?? id), label: null },
      color: { domain: ['asset', 'liability'], range: [SIDE_COLOURS.asset, SIDE_COLOURS.liability], legend: true },
      marks: [
        Plot.barX(lines, {
          x: 'difference', y: 'item', fill: 'side',
          title: (l: WhyLine) => `${l.label} (${l.side}, ${l.group})\n${why.ally} score ${formatScore(l.allyScore)}, median ${formatScore(l.medianScore)}\n${formatPoints(l.difference)} points vs the median ally`,
          tip: true,
        }),
        Plot.text(lines.filter((l) => l.difference >= 0), { x: 'difference', y: 'item', text: (l: WhyLine) => formatPoints(l.difference), textAnchor: 'start', dx: 4, fill: '#333' }),
        Plot.text(lines.filter((l) => l.difference < 0), { x: 'difference', y: 'item', text: (l: WhyLine) => formatPoints(l.difference), textAnchor: 'end', dx: -4, fill: '#333' }),
        Plot.ruleX([0], { stroke: '#333' }),
      ],
    });
  }, [why]);
  return (
    <figure class="why-chart">
      <div ref={host} class="chart-host" role="img" data-chart-title={`Why ${why.name} ranks where it does: the ${lines.length} lines furthest from the median ally's, ${why.year} (points of the net)`} data-chart-source={`Source: Alliance Ledger ledgers, methodology ${why.methodology.id} ${why.methodology.version}; each line's sources on ${why.name}'s balance sheet`} aria-label={`Bar chart: the ${lines.length} line items that set ${why.name} furthest apart from the median ally in ${why.year}; the table beside gives the same numbers`}>
        {failed ? <p class="problem-inline">The chart could not be drawn: {failed}</p> : null}
      </div>
      <figcaption class="note">Right of zero: the line raises {why.name}'s net relative to the median ally; left: it lowers it. Blue: an asset line; orange: a liability line.</figcaption>
    </figure>
  );
}

export function WhyThisRank({ ally, year, weights, partner = false }: { ally: string; year: number; weights: Weights; partner?: boolean }) {
  // A partner (never ranked) is explained against the median ally too, placed by its net.
  const partners = partner ? 'true' : undefined;
  const res = useApi<WhyResponse>(`/api/ledgers/${ally}/why${apiQuery({ year, weights, partners })}`);
  if (res.error) return <p class="problem-inline">Why this rank could not be loaded: {res.error.message}</p>;
  if (!res.data) return <Loading what="why this rank" />;
  const why = res.data;
  const lines = why.lines.slice(0, SHOWN);
  const rest = why.lines.slice(SHOWN);
  const band = why.band ? ` (${why.band.low}–${why.band.high} in ${Math.round(why.band.interval * 100)}% of the robustness draws)` : '';
  return (
    <section class="why-rank" aria-labelledby="why-rank-title">
      <h2 id="why-rank-title">Why this rank <CsvLink href={`/api/ledgers/${ally}/why${apiQuery({ year, weights, partners, format: 'csv', bands: 'false' })}`} /></h2>
      <p class="why-summary">
        {why.rank !== null ? `${why.name} ranks ${ordinal(why.rank)} of ${why.rankedCount} in ${why.year}${band}`
          : `${why.name} is not ranked in ${why.year}${why.placedAt !== null ? ` (its net would place it ${ordinal(why.placedAt)} of the ${why.rankedCount} ranked allies)` : ''}`}, with a net of {formatPoints(why.net)}.
        {' '}The median ally, {why.reference.label} (the middle of the other ranked allies by net), has a net of {formatPoints(why.reference.net)};
        {' '}{why.name} is {formatPoints(why.gap)} points from it. {why.reconciliation.statement}
      </p>
      <div class="why-grid">
        <WhyChart why={why} lines={lines} />
        <table class="why-table">
          <caption>The {lines.length} largest differences from the median ally{rest.length ? ` (${rest.length} more lines: ${formatPoints(rest.reduce((t, l) => t + l.difference, 0))} together)` : ''}</caption>
          <thead>
            <tr><th scope="col">line item</th><th scope="col">heading</th><th scope="col" class="num">{why.ally} score</th><th scope="col" class="num">median score</th><th scope="col" class="num">points vs median</th></tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.item} data-item={l.item} class={l.side}>
                <th scope="row"><Link href={`/methodology#line-${l.item}`}>{l.label}</Link>{l.allyMissing ? <div class="reason">no score: {l.reason}</div> : null}</th>
                <td>{l.group} <span class="note">({l.side})</span></td>
                <td class="num">{l.allyMissing ? 'missing' : formatScore(l.allyScore)}{l.imputed ? ' (imputed)' : ''}</td>
                <td class="num">{formatScore(l.medianScore)}</td>
                <td class={`num ${l.difference >= 0 ? 'up' : 'down'}`}>{formatPoints(l.difference)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {why.neighbours.length ? (
        <p class="neighbours">
          Nearest in the ranking:{' '}
          {why.neighbours.map((n, i) => (
            <span key={n.ally}>{i > 0 ? ' · ' : ''}{n.rank}. <Link href={`/ally/${n.ally}${apiQuery({ year: why.year })}`}>{n.name}</Link> {formatPoints(n.net)} ({formatPoints(n.gap)})</span>
          ))}
        </p>
      ) : null}
      {why.worth ? (
        <details class="why-worth">
          <summary>What one point of each heading is worth in {why.name}'s net</summary>
          <table>
            <thead><tr><th scope="col">heading</th><th scope="col">side</th><th scope="col" class="num">one point of score</th><th scope="col" class="num">score 0 to 100</th><th scope="col">lines without a score</th></tr></thead>
            <tbody>
              {why.worth.headings.map((h) => (
                <tr key={`${h.side}|${h.group}`}>
                  <th scope="row">{h.group}</th><td>{h.side}</td>
                  <td class="num">{formatPoints(h.perPoint, 3)}</td><td class="num">{formatPoints(h.fullRange)}</td>
                  <td>{h.excluded.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
      <ul class="why-notes note">{why.notes.map((n) => <li key={n}>{n}</li>)}</ul>
    </section>
  );
}
