// History: how long alliances last. Kaplan-Meier survival curves of ATOP alliances by group
// (Observable Plot), the base rates under each definition stated beside them, the age and
// survival percentile of every U.S. alliance in force, and the claims about alliance
// durations and the allies checked against the evidence, with the numbers behind each verdict.
import { useApi } from '../api-client.ts';
import { ClaimsList } from '../components/claims-list.tsx';
import { CsvLink } from '../components/controls.tsx';
import { sourceMap } from '../components/citations.tsx';
import { Loading, Problem } from '../components/message.tsx';
import { usePlot } from '../components/plot.ts';
import { csvText, downloadText } from '../csv-export.ts';
import { formatPercent } from '../format.ts';
import { navigate } from '../navigation.tsx';
import { hrefOf } from '../routes.ts';
import type { Route } from '../routes.ts';
import type { MedianEstimate } from '../../../analyses/survival.ts';
import type { ClaimsResponse, HistoryResponse } from './analysis-types.ts';
import { apiQuery } from './query.ts';

type HistoryRoute = Extract<Route, { page: 'history' }>;

const years = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(1));

/** The Kaplan-Meier median: the value, "between a and b", or "at least N (not reached)" (durations in years). */
const medianText = (m: MedianEstimate) => (m.reached && !m.flat ? years(m.value) : m.short.replace(' years', ''));

function SurvivalChart({ history }: { history: HistoryResponse }) {
  const { host, failed } = usePlot((Plot, el) => {
    // Each curve starts at 1 at age 0 and steps down at every age an alliance ended.
    const points = history.rows.flatMap((g) => [
      { group: g.group.label, time: 0, survival: 1, lower: 1, upper: 1 },
      ...g.curve.steps.map((s) => ({ group: g.group.label, time: s.time, survival: s.survival, lower: s.lower ?? s.survival, upper: s.upper ?? s.survival })),
    ]).filter((p) => p.time <= 100);
    const chart = Plot.plot({
      width: Math.min(el.clientWidth || 900, 980),
      height: 340,
      marginLeft: 48,
      style: { fontSize: '12px', background: 'transparent' },
      color: { legend: true, type: 'categorical' },
      x: { label: 'years since signature →', domain: [0, 100] },
      y: { label: '↑ share still in force (Kaplan-Meier)', domain: [0, 1], grid: true, tickFormat: '%' },
      marks: [
        Plot.areaY(points, { x: 'time', y1: 'lower', y2: 'upper', fill: 'group', fillOpacity: 0.12, curve: 'step-after' }),
        Plot.line(points, { x: 'time', y: 'survival', stroke: 'group', strokeWidth: 2, curve: 'step-after' }),
        Plot.ruleX([15], { stroke: '#888', strokeDasharray: '4,3' }),
        Plot.text([{ x: 15, y: 0.97, label: '15 years' }], { x: 'x', y: 'y', text: 'label', dx: 4, textAnchor: 'start', fill: '#555' }),
        Plot.tip(points, Plot.pointerX({ x: 'time', y: 'survival', stroke: 'group', title: (d: { group: string; time: number; survival: number }) => `${d.group}\n${d.time.toFixed(1)} years: ${Math.round(d.survival * 100)}% still in force` })),
      ],
    });
    return chart;
  }, [history]);
  return (
    <figure class="survival-chart">
      <div ref={host} class="chart-host" role="img" aria-label={`Kaplan-Meier survival curves: ${history.rows.map((g) => g.group.label).join(', ')}`}>
        {failed ? <p class="problem-inline">The chart could not be drawn: {failed}</p> : null}
      </div>
      <figcaption class="chart-source">Kaplan-Meier estimate of the share of alliances still in force at each age, with 95% bands; alliances in force at the end of 2018 are censored. Source: ATOP 5.1 (atop-5.1); method: Kaplan and Meier (1958).</figcaption>
    </figure>
  );
}

function BaseRates({ history }: { history: HistoryResponse }) {
  return (
    <table class="base-rates">
      <caption>Base rates by group, each under its definition (durations in years) <CsvLink href={`/api/history${apiQuery({ by: history.by, format: 'csv' })}`} /></caption>
      <thead>
        <tr>
          <th scope="col">group</th><th scope="col" class="num">alliances</th><th scope="col" class="num">ended</th><th scope="col" class="num">censored</th>
          <th scope="col" class="num">median (Kaplan-Meier, 95%)</th><th scope="col" class="num">restricted mean</th>
          <th scope="col" class="num">in force at 6 / 15 / 25 / 50 y</th><th scope="col" class="num">ended only: mean / median</th><th scope="col" class="num">ended within 6 y (ended only)</th>
        </tr>
      </thead>
      <tbody>
        {history.rows.map((g) => (
          <tr key={g.group.id} data-group={g.group.id}>
            <th scope="row" title={g.group.definition}>{g.group.label}<div class="note">{g.group.definition}</div></th>
            <td class="num">{g.n}</td><td class="num">{g.ended}</td><td class="num">{g.censored}</td>
            <td class="num" data-median-reached={String(g.kaplanMeier.medianEstimate.reached)} title={g.kaplanMeier.medianEstimate.text}>{medianText(g.kaplanMeier.medianEstimate)} ({years(g.kaplanMeier.medianLower)}–{g.kaplanMeier.medianUpper === null ? 'open' : years(g.kaplanMeier.medianUpper)})</td>
            <td class="num">{years(g.kaplanMeier.restrictedMean)}</td>
            <td class="num">{g.survivalAt.map((p) => formatPercent(p.share)).join(' / ')}</td>
            <td class="num">{years(g.endedOnly.mean)} / {years(g.endedOnly.median)}</td>
            <td class="num">{formatPercent(g.endedOnly.shareSixYearsOrLess)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function UsAlliances({ history }: { history: HistoryResponse }) {
  const csv = () => csvText(['atopid', 'name', 'signed', 'age', 'defense_pact', 'outlived_all', 'outlived_defense', 'ended_ones_shorter', 'in_force_through'], history.usAlliances.map((a) => ({
    atopid: a.atopid, name: a.name, signed: `${a.signed.year}-${a.signed.month ?? ''}-${a.signed.day ?? ''}`, age: a.age, defense_pact: a.defensePact,
    outlived_all: a.percentileAll, outlived_defense: a.percentileDefense, ended_ones_shorter: a.shareOfEndedShorter, in_force_through: a.inForceThrough,
  })));
  return (
    <table class="us-alliances">
      <caption>
        U.S. alliances in force: age at the end of {history.asOf} and the share of alliances that had ended by that age{' '}
        <span class="note">(age: years from this alliance record's own signature to 31 December {history.asOf}, in fractions of a year; an ally page's "Age of the U.S. defense commitment" counts that ally's whole unbroken run of U.S. commitments instead, in whole years; each ally page states both)</span>{' '}
        <button type="button" class="csv-link" onClick={() => downloadText(`us-alliances-${history.asOf}.csv`, csv(), 'text/csv')}>CSV ↓</button>
      </caption>
      <thead><tr><th scope="col">alliance (ATOP id)</th><th scope="col" class="num">signed</th><th scope="col" class="num">age</th><th scope="col">defense pact</th><th scope="col" class="num">outlived (all)</th><th scope="col" class="num">outlived (defense pacts)</th><th scope="col" class="num">recorded in force to</th></tr></thead>
      <tbody>
        {history.usAlliances.map((a) => (
          <tr key={a.atopid}>
            <th scope="row">{a.name} <span class="iso">{a.atopid}</span></th>
            <td class="num">{a.signed.year}</td><td class="num">{years(a.age)}</td><td>{a.defensePact ? 'yes' : 'no'}</td>
            <td class="num">{formatPercent(a.percentileAll)}</td><td class="num">{formatPercent(a.percentileDefense)}</td><td class="num">{a.inForceThrough}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HistoryPage({ route }: { route: HistoryRoute }) {
  const history = useApi<HistoryResponse>(`/api/history${apiQuery({ by: route.by === 'overview' ? undefined : route.by })}`);
  const claims = useApi<ClaimsResponse>('/api/claims');
  if (history.error) return <Problem title="The alliance histories could not be loaded"><p>{history.error.message}</p></Problem>;
  if (!history.data) return <Loading what="the alliance histories" />;
  const h = history.data;
  const sources = sourceMap([...h.sources, ...(claims.data?.sources ?? [])]);
  return (
    <section class="history-page">
      <div class="page-head">
        <h1>How long alliances last</h1>
        <div class="controls">
          <label>
            Group the {h.total} ATOP alliances by{' '}
            <select value={route.by} onChange={(e) => navigate(hrefOf({ page: 'history', by: (e.target as HTMLSelectElement).value }), { replace: true })}>
              {Object.entries(h.groupings).map(([id, label]) => <option key={id} value={id}>{label}</option>)}
            </select>
          </label>
        </div>
      </div>
      <SurvivalChart history={h} />
      <BaseRates history={h} />
      {h.rows.filter((g) => !g.kaplanMeier.medianEstimate.reached || g.kaplanMeier.medianEstimate.flat).map((g) => (
        <p key={g.group.id} class="note median-note" data-group={g.group.id}>Median, {g.group.label}: {g.kaplanMeier.medianEstimate.text}.</p>
      ))}
      <details class="definitions" open>
        <summary>Definitions</summary>
        <ul>{Object.entries(h.definitions).map(([k, d]) => <li key={k}><strong>{k}</strong>: {d}</li>)}</ul>
      </details>
      <UsAlliances history={h} />
      {claims.error ? <p class="problem-inline">The claims could not be loaded: {claims.error.message}</p>
        : !claims.data ? <Loading what="the claims" />
          : <ClaimsList claims={claims.data.rows} sources={sources} title="Claims checked against the evidence" csvName="claims" />}
    </section>
  );
}
