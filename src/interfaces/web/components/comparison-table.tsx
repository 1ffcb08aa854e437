// The analyses' comparison of allies: commitment and obligations, key evidence, ledger
// totals, interests and compromises, tier and nearest ally, each row with its sources.
import { useApi } from '../api-client.ts';
import type { CompareResponse } from '../pages/analysis-types.ts';
import { apiQuery } from '../pages/query.ts';
import { sourceMap, SourceIds } from './citations.tsx';
import { CsvLink } from './controls.tsx';
import { Loading } from './message.tsx';

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
      <tfoot><tr><td colSpan={t.allies.length + 2} class="note">{t.notes.join(' ')}</td></tr></tfoot>
    </table>
  );
}
