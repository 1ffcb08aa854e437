// The analyses' comparison of allies: commitment and obligations, key evidence, ledger
// totals, interests and compromises, tier and nearest ally, each row with its sources.
import { useApi } from '../api-client.ts';
import type { CompareResponse } from '../pages/analysis-types.ts';
import { apiQuery } from '../pages/query.ts';
import { sourceMap, SourceIds } from './citations.tsx';
import { CsvLink } from './controls.tsx';
import { Loading } from './message.tsx';
import { Link } from '../navigation.tsx';

/** The API's notes name CLI commands; on the dashboard they point to its own pages (the command stays as a secondary hint). */
const DASHBOARD_WORDS: readonly [RegExp, string][] = [
  [/ as in `allies asymmetry`/g, " as in each ally's asymmetry profile (its page)"],
  [/ are in `allies sheet` and --json/g, " are on each ally's balance sheet"],
  [/ \(methods\/default\.yaml\)/g, ' (the Methodology page)'],
];

function DashboardNotes({ notes, allies, year }: { notes: readonly string[]; allies: readonly { iso3: string; name: string }[]; year: number }) {
  const text = notes.map((n) => DASHBOARD_WORDS.reduce((s, [from, to]) => s.replace(from, to), n)).join(' ');
  return (
    <>
      {text}{' '}
      Balance sheets: {allies.map((a, i) => <span key={a.iso3}>{i > 0 ? ' · ' : ''}<Link href={`/ally/${a.iso3}?year=${year}`}>{a.name}</Link></span>)}; every line item on the <Link href="/methodology">Methodology</Link> page; every source on the <Link href="/sources">Sources</Link> page.
      {' '}<span class="cli-hint">From the command line: <code>allies compare {allies.map((a) => a.iso3).join(' ')} --year {year}</code>.</span>
    </>
  );
}

export function ComparisonTable({ allies, year }: { allies: readonly string[]; year: number }) {
  const query = apiQuery({ allies: allies.join(','), year });
  const table = useApi<CompareResponse>(allies.length ? `/api/compare${query}` : null);
  if (allies.length === 0) return null;
  if (table.error) return <p class="problem-inline">The comparison of commitments and evidence could not be loaded: {table.error.message}</p>;
  if (!table.data) return <Loading what="the comparison of commitments and evidence" />;
  const t = table.data;
  const sources = sourceMap(t.sources);
  let group = '';
  return (
    <table class="analysis-comparison">
      <caption>Commitments, evidence, interests and placement, {t.year}, with the sources of every row <CsvLink href={`/api/compare${apiQuery({ allies: allies.join(','), year, format: 'csv' })}`} /></caption>
      <thead><tr><th scope="col">row</th>{t.allies.map((a) => <th scope="col" key={a.iso3}>{a.name}</th>)}<th scope="col">sources</th></tr></thead>
      <tbody>
        {t.rows.flatMap((r) => {
          const head = r.group !== group ? [<tr key={`g-${r.group}`} class="group-row"><th colSpan={t.allies.length + 2} scope="rowgroup">{r.group}</th></tr>] : [];
          group = r.group;
          return [...head, (
            <tr key={`${r.group}-${r.label}`}>
              <th scope="row">{r.label}</th>
              {r.cells.map((c, i) => <td key={i}>{c.text}</td>)}
              <td><SourceIds ids={r.sources} sources={sources} /></td>
            </tr>
          )];
        })}
      </tbody>
      <tfoot><tr><td colSpan={t.allies.length + 2} class="note"><DashboardNotes notes={t.notes} allies={t.allies} year={t.year} /></td></tr></tfoot>
    </table>
  );
}
