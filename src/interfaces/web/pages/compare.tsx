// Compare: up to six allies side by side, line by line: score bar, value and rank for every
// item, then the totals, the net and the rank.
import { useApi } from '../api-client.ts';
import type { Ally, LedgersResponse, Rows, SlimLedger, SlimLine } from '../api-types.ts';
import { ComparisonTable } from '../components/comparison-table.tsx';
import { YearSlider } from '../components/controls.tsx';
import { Loading, Problem } from '../components/message.tsx';
import { csvText, downloadText } from '../csv-export.ts';
import { formatScore, formatSigned, formatValueUnit } from '../format.ts';
import { Link, navigate } from '../navigation.tsx';
import { hrefOf, MAX_COMPARED } from '../routes.ts';
import type { Route } from '../routes.ts';
import { apiQuery, linkQuery } from './query.ts';

type CompareRoute = Extract<Route, { page: 'compare' }>;

function Cell({ line }: { line: SlimLine | undefined }) {
  if (!line) return <td>–</td>;
  return (
    <td class={line.missing ? 'missing' : ''}>
      <div class="bar-track small" aria-hidden="true"><div class={`bar ${line.imputed ? 'imputed' : ''}`} style={{ width: `${line.score ?? 0}%` }} /></div>
      <div class="cell-text">
        <span class="num">{formatScore(line.score)}</span>
        <span class="value">{line.missing ? (line.imputed ? 'missing, imputed' : 'missing') : formatValueUnit(line.raw, line.unit)}</span>
        {line.rank !== null && <span class="rank-of">#{line.rank}</span>}
      </div>
    </td>
  );
}

function comparisonCsv(ledgers: SlimLedger[]): string {
  const items = ledgers[0]?.lines ?? [];
  const rows = items.map((line, k) => Object.fromEntries([
    ['side', line.side], ['item', line.item], ['label', line.label], ['unit', line.unit],
    ...ledgers.flatMap((l) => [[`${l.ally}_value`, l.lines[k].raw], [`${l.ally}_score`, l.lines[k].score], [`${l.ally}_rank`, l.lines[k].rank]]),
  ]));
  for (const total of ['assets', 'liabilities', 'net', 'rank'] as const) {
    rows.push(Object.fromEntries([['side', 'total'], ['item', total], ['label', total], ['unit', 'points'], ...ledgers.map((l) => [`${l.ally}_value`, l[total]])]));
  }
  return csvText(['side', 'item', 'label', 'unit', ...ledgers.flatMap((l) => [`${l.ally}_value`, `${l.ally}_score`, `${l.ally}_rank`])], rows);
}

export function ComparePage({ route }: { route: CompareRoute }) {
  const allies = useApi<Rows<Ally>>('/api/allies');
  const ledgers = useApi<LedgersResponse>(`/api/ledgers${apiQuery({ year: route.year, weights: route.weights })}`);
  const go = (patch: Partial<CompareRoute>) => navigate(hrefOf({ ...route, ...patch }), { replace: true });

  if (allies.error || ledgers.error) {
    const e = (allies.error ?? ledgers.error)!;
    return <Problem title={e.status === 503 ? 'Balance sheets are not available yet' : 'The comparison cannot be loaded'}><p>{e.message}</p></Problem>;
  }
  if (!allies.data || !ledgers.data) return <Loading what="the ledgers" />;
  const unknown = route.allies.filter((iso) => !allies.data!.rows.some((a) => a.iso3 === iso));
  if (unknown.length) {
    return <Problem title="Not covered allies"><p>{unknown.join(', ')} {unknown.length > 1 ? 'are' : 'is'} not among the covered allies; remove {unknown.length > 1 ? 'them' : 'it'} from the address or <Link href={hrefOf({ ...route, allies: route.allies.filter((a) => !unknown.includes(a)) })}>compare the others</Link>.</p></Problem>;
  }
  const chosen = route.allies.map((iso) => ledgers.data!.rows.find((l) => l.ally === iso)!).filter(Boolean);
  const items = ledgers.data.rows[0]?.lines ?? [];
  const sides = [['asset', 'Assets', 'assets'], ['liability', 'Liabilities', 'liabilities']] as const;
  return (
    <section class="compare-page">
      <div class="page-head">
        <h1>Compare allies, {ledgers.data.year}</h1>
        <div class="controls">
          <label>
            Add an ally{' '}
            <select
              disabled={route.allies.length >= MAX_COMPARED}
              onChange={(e) => {
                const iso = (e.target as HTMLSelectElement).value;
                if (iso) go({ allies: [...route.allies, iso] });
              }}
              value=""
              aria-label="Add an ally to the comparison"
            >
              <option value="">{route.allies.length >= MAX_COMPARED ? `at most ${MAX_COMPARED}` : 'choose…'}</option>
              {allies.data.rows.filter((a) => !route.allies.includes(a.iso3)).sort((a, b) => a.name.localeCompare(b.name, 'en')).map((a) => <option key={a.iso3} value={a.iso3}>{a.name}</option>)}
            </select>
          </label>
          <YearSlider year={ledgers.data.year} first={ledgers.data.years.first} latest={ledgers.data.years.latest} onChange={(year) => go({ year })} />
        </div>
      </div>
      <ul class="chips" aria-label="Allies compared">
        {chosen.map((l) => (
          <li key={l.ally}>
            <Link href={`/ally/${l.ally}${linkQuery(route)}`}>{l.name}</Link>
            <button type="button" aria-label={`Remove ${l.name}`} onClick={() => go({ allies: route.allies.filter((a) => a !== l.ally) })}>×</button>
          </li>
        ))}
      </ul>
      {chosen.length === 0 ? <p class="notice">Choose up to {MAX_COMPARED} allies to see their balance sheets side by side.</p> : (
        <table class="comparison">
          <caption>
            Line items side by side: score 0–100 (bar), value and rank among all allies
            {' '}<button type="button" class="csv-link" onClick={() => downloadText(`comparison-${ledgers.data!.year}.csv`, comparisonCsv(chosen), 'text/csv')}>CSV ↓</button>
          </caption>
          <thead><tr><th scope="col">line item</th>{chosen.map((l) => <th scope="col" key={l.ally}>{l.name}</th>)}</tr></thead>
          {sides.map(([side, title, total]) => (
            <tbody key={side}>
              <tr class="group-row"><th colSpan={chosen.length + 1} scope="rowgroup">{title}</th></tr>
              {items.map((line, k) => (line.side !== side ? null : (
                <tr key={line.item}><th scope="row">{line.label}</th>{chosen.map((l) => <Cell key={l.ally} line={l.lines[k]} />)}</tr>
              )))}
              <tr class="total-row"><th scope="row">{title} total</th>{chosen.map((l) => <td key={l.ally} class="num">{l[total] === null ? '–' : l[total]!.toFixed(1)}</td>)}</tr>
            </tbody>
          ))}
          <tfoot>
            <tr class="net-row"><th scope="row">Net</th>{chosen.map((l) => <td key={l.ally} class={`num ${l.net !== null && l.net < 0 ? 'negative' : 'positive'}`}>{formatSigned(l.net)}</td>)}</tr>
            <tr><th scope="row">Rank</th>{chosen.map((l) => <td key={l.ally} class="num">{l.rank === null ? 'not ranked' : `${l.rank} of ${ledgers.data!.rankedCount}`}</td>)}</tr>
          </tfoot>
        </table>
      )}
      <ComparisonTable allies={chosen.map((l) => l.ally)} year={ledgers.data.year} />
    </section>
  );
}
