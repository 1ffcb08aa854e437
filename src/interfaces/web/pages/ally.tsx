// An ally's page: its balance sheet as a T-account with the source of every line, the
// time series of the indicators behind it, and its burden-sharing ratios.
import { useMemo } from 'preact/hooks';
import { useApi } from '../api-client.ts';
import type { Ally, AllyLedgerResponse, BurdenResponse, Indicator, ObservationsResponse, Rows, Source } from '../api-types.ts';
import { AllyAnalyses } from '../components/ally-analyses.tsx';
import { AllyTimeline } from '../components/ally-timeline.tsx';
import { AllianceProfileSection } from '../components/alliance-profile.tsx';
import { CsvLink, YearSlider } from '../components/controls.tsx';
import { Loading, Problem } from '../components/message.tsx';
import { SeriesChart } from '../components/series-chart.tsx';
import { SourcePopover } from '../components/source-popover.tsx';
import { TAccount } from '../components/t-account.tsx';
import { WhyThisRank } from '../components/why-rank.tsx';
import { formatPercent, formatRatio, formatValue } from '../format.ts';
import { Link, navigate } from '../navigation.tsx';
import { formatWeights, hrefOf } from '../routes.ts';
import type { Route } from '../routes.ts';
import { apiQuery, linkQuery } from './query.ts';

type AllyRoute = Extract<Route, { page: 'ally' }>;

const MAX_SERIES = 6;
const SERIES_FIRST_YEAR = 1990;

function useIndicators(): Map<string, Indicator> {
  const indicators = useApi<Rows<Indicator>>('/api/indicators');
  return useMemo(() => new Map((indicators.data?.rows ?? []).map((i) => [i.id, i])), [indicators.data]);
}

function BurdenTable({ report, ally }: { report: BurdenResponse; ally: string }) {
  const row = report.rows.find((r) => r.country === ally);
  if (!row) return null;
  return (
    <table class="burden">
      <caption>
        Burden sharing, {report.year}: share of the allied total of a contribution ÷ share of the allied total of its ability measure (about 1 = a fair share); each value with its year. No ratio over fewer than {report.minCountries} countries.
        {' '}<CsvLink href={`/api/burden${apiQuery({ year: report.year, format: 'csv' })}`} />
      </caption>
      <thead><tr><th scope="col">contribution</th><th scope="col" class="num">value [year]</th><th scope="col" class="num">share of total</th><th scope="col">set against [year]</th><th scope="col" class="num">share of it</th><th scope="col" class="num">ratio</th><th scope="col" class="num">rank</th></tr></thead>
      <tbody>
        {report.contributions.map((c) => {
          const cell = row.cells[c.id];
          const level = c.measure === 'level';
          return (
            <tr key={c.id}>
              <th scope="row">{c.label}</th>
              <td class="num">{cell?.contribution ? `${formatValue(cell.contribution.value)} ${c.unit} [${cell.contribution.year}]` : 'missing'}</td>
              <td class="num">{level ? '–' : formatPercent(cell?.share)}</td>
              <td title={c.ability?.note ?? ''}>{level ? 'a level, not a ratio (DoD)' : `${c.ability?.label ?? ''}${cell?.ability ? ` [${cell.ability.year}]` : ''}${c.ability?.proxy ? ' (stated proxy)' : ''}`}</td>
              <td class="num">{level ? '–' : formatPercent(cell?.abilityShare)}</td>
              <td class={`num ratio ${cell?.ratio != null && cell.ratio >= 1 ? 'fair' : 'short'}`} title={cell?.reason ?? ''}>{level ? '–' : formatRatio(cell?.ratio)}</td>
              <td class="num">{cell?.rank ?? '–'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Series({ ally, ledger, indicators, sources }: { ally: string; ledger: AllyLedgerResponse; indicators: Map<string, Indicator>; sources: Map<string, Source> }) {
  const ids = useMemo(() => {
    const seen: string[] = [];
    for (const line of ledger.lines) {
      for (const o of line.observations) {
        if (!seen.includes(o.indicator) && !o.counterpart && indicators.get(o.indicator)?.dyadic === false) seen.push(o.indicator);
      }
    }
    return seen.slice(0, MAX_SERIES);
  }, [ledger, indicators]);
  const series = useApi<ObservationsResponse>(ids.length ? `/api/observations${apiQuery({ country: ally, indicator: ids.join(','), from: Math.min(SERIES_FIRST_YEAR, ledger.years.first) })}` : null);
  const allSources = useMemo(() => new Map([...sources, ...(series.data?.sources ?? []).map((s) => [s.id, s] as const)]), [sources, series.data]);
  if (ids.length === 0) return null;
  if (series.error) return <p class="problem-inline">The time series could not be loaded: {series.error.message}</p>;
  if (!series.data) return <Loading what="time series" />;
  return (
    <section class="series">
      <h2>The indicators behind the ledger over time <CsvLink href={`/api/observations${apiQuery({ country: ally, indicator: ids.join(','), format: 'csv' })}`} /></h2>
      <div class="series-grid">
        {ids.map((id) => {
          const indicator = indicators.get(id);
          if (!indicator) return null;
          return <SeriesChart key={id} indicator={indicator} observations={series.data!.rows.filter((o) => o.indicator === id)} sources={allSources} year={ledger.year} />;
        })}
      </div>
    </section>
  );
}

/** Before the engine can compute ledgers: the latest observation of every indicator, with its source. */
function EvidenceView({ ally, reason }: { ally: Ally; reason: string }) {
  const obs = useApi<ObservationsResponse>(`/api/observations${apiQuery({ country: ally.iso3, present: 'true' })}`);
  const indicators = useIndicators();
  if (obs.error) return <Problem title="Observations could not be loaded"><p>{obs.error.message}</p></Problem>;
  if (!obs.data) return <Loading what={`the evidence on ${ally.name}`} />;
  const sources = new Map(obs.data.sources.map((s) => [s.id, s]));
  const latest = new Map<string, ObservationsResponse['rows'][number]>();
  for (const o of obs.data.rows) if (!o.counterpart && (!latest.has(o.indicator) || latest.get(o.indicator)!.year <= o.year)) latest.set(o.indicator, o);
  return (
    <section>
      <p class="notice">Balance sheets are not available yet ({reason}). The evidence on {ally.name}:</p>
      <table class="evidence">
        <caption>Latest observation of each indicator <CsvLink href={`/api/observations${apiQuery({ country: ally.iso3, format: 'csv' })}`} /></caption>
        <thead><tr><th>indicator</th><th class="num">value</th><th>unit</th><th>year</th><th>source</th></tr></thead>
        <tbody>
          {[...latest.values()].map((o) => (
            <tr key={o.indicator}>
              <th scope="row">{indicators.get(o.indicator)?.label ?? o.indicator}</th>
              <td class="num">{formatValue(o.value, 4)}</td>
              <td>{indicators.get(o.indicator)?.unit ?? ''}</td>
              <td>{o.year}</td>
              <td><SourcePopover title={`${ally.name}: ${indicators.get(o.indicator)?.label ?? o.indicator}`} provenance={{ observations: [o], sources: [o.source] }} sources={sources} unitOf={(id) => indicators.get(id)?.unit ?? ''} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function AllyPage({ route }: { route: AllyRoute }) {
  const allies = useApi<Rows<Ally>>('/api/allies');
  const ally = allies.data?.rows.find((a) => a.iso3 === route.ally) ?? null;
  const known = allies.data !== null && ally !== null;
  // A country covered as a partner (Saudi Arabia) gets its sheet flagged partner, unranked.
  const partners = ally?.tier === 'partner' ? 'true' : undefined;
  const ledger = useApi<AllyLedgerResponse>(known ? `/api/ledgers/${route.ally}${apiQuery({ year: route.year, weights: route.weights, partners })}` : null);
  const burden = useApi<BurdenResponse>(ledger.data ? `/api/burden${apiQuery({ year: ledger.data.year })}` : null);
  const indicators = useIndicators();
  const sources = useMemo(() => new Map((ledger.data?.sources ?? []).map((s) => [s.id, s])), [ledger.data]);

  if (allies.error) return <Problem title="The allies could not be loaded"><p>{allies.error.message}</p></Problem>;
  if (!allies.data) return <Loading what="the allies" />;
  if (!ally) {
    return (
      <Problem title={`${route.ally} is not a covered ally`}>
        <p>The dashboard covers {allies.data.count} U.S. allies and partners. Pick one on the <Link href="/">overview</Link>, or open e.g. <Link href="/ally/JPN">Japan</Link>.</p>
      </Problem>
    );
  }
  const head = (
    <div class="page-head">
      <h1>{ally.name} <span class="iso">{ally.iso3}</span></h1>
      <p class="ally-meta">{ally.region ?? 'no region'} · {ally.tier} · {ally.basis.join(', ')}</p>
    </div>
  );
  if (ledger.error?.status === 503) return <section class="ally-page">{head}<EvidenceView ally={ally} reason={ledger.error.message} /></section>;
  if (ledger.error?.status === 404) return <Problem title={`${ally.name} has no balance sheet for this year`}><p>{ledger.error.message}</p></Problem>;
  if (ledger.error) return <Problem title={`The balance sheet of ${ally.name} could not be loaded`}><p>{ledger.error.message}</p></Problem>;
  if (!ledger.data) return <section class="ally-page">{head}<Loading what={`the balance sheet of ${ally.name}`} /></section>;
  const data = ledger.data;
  const custom = formatWeights(route.weights) !== '';
  return (
    <section class="ally-page">
      <div class="page-head">
        <h1>{ally.name} <span class="iso">{ally.iso3}</span></h1>
        <div class="controls">
          <YearSlider year={data.year} first={data.years.first} latest={data.years.latest} onChange={(year) => navigate(hrefOf({ ...route, year }), { replace: true })} />
          <Link class="button" href={hrefOf({ page: 'compare', allies: [ally.iso3], year: route.year, weights: route.weights })}>Compare…</Link>
        </div>
      </div>
      <p class="ally-meta">
        {ally.region ?? 'no region'} · <span class={`standing${data.partner ? ' partner' : ''}`} title={data.membership.reason} data-testid="standing">{data.partner ? 'partner, not ranked' : data.membership.label}</span> ({ally.basis.join(', ')}) · methodology <code>{data.methodology.id} {data.methodology.version}</code>
        {custom ? <> · <Link href={hrefOf({ page: 'weights', year: route.year, region: 'all', weights: route.weights })}>your weights</Link></> : null}
        {' '}· <CsvLink href={`/api/ledgers/${ally.iso3}${apiQuery({ year: data.year, weights: route.weights, format: 'csv' })}`} label="ledger CSV" />
        {' '}· <Link href={`/${linkQuery(route)}`}>back to the ranking</Link>
      </p>
      <TAccount ledger={data} sources={sources} unitOf={(id) => indicators.get(id)?.unit ?? ''} />
      <WhyThisRank ally={ally.iso3} year={data.year} weights={route.weights} partner={data.partner} />
      {burden.data && <BurdenTable report={burden.data} ally={ally.iso3} />}
      {data.partner ? null : <AllyTimeline ally={ally.iso3} year={data.year} />}
      {data.partner ? null : <AllianceProfileSection ally={ally.iso3} year={data.year} />}
      <Series ally={ally.iso3} ledger={data} indicators={indicators} sources={sources} />
      <AllyAnalyses ally={ally.iso3} name={ally.name} year={data.year} />
    </section>
  );
}
