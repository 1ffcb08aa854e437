// Claims from the reference texts and the literature with the verdict the evidence gives,
// and, on opening, the numbers behind it: each part's stated figure and every reading
// computed under its definition, with the evidence cited.
import type { ClaimRow } from '../pages/analysis-types.ts';
import type { Source } from '../api-types.ts';
import { csvText, downloadText } from '../csv-export.ts';
import { formatValue } from '../format.ts';
import { Cites } from './citations.tsx';

function verdictClass(v: string): string {
  return `verdict verdict-${v.replace(/[^a-z]+/g, '-')}`;
}

export function VerdictBadge({ verdict }: { verdict: string }) {
  return <span class={verdictClass(verdict)}>{verdict}</span>;
}

function readingValue(value: number | null, unit: string, median?: ClaimRow['parts'][number]['readings'][number]['median']): string {
  // A Kaplan-Meier median not reached, or on a flat stretch at one half: "at least N years", "between a and b years".
  if (median && median.lowerBound !== null && (!median.reached || median.flat)) return median.short;
  if (value === null) return 'no value';
  if (unit === 'share') return `${Math.round(value * 100)}%`;
  return `${formatValue(value, 3)} ${unit}`;
}

function claimsCsv(claims: readonly ClaimRow[]): string {
  const rows = claims.flatMap((c) => (c.parts.length ? c.parts : [{ label: '', stated: '', verdict: c.verdict, readings: [] }]).flatMap((p) => (p.readings.length ? p.readings : [null]).map((r) => ({
    claim: c.claim.id, statement: c.claim.statement, source: c.claim.source, locator: c.claim.locator, verdict: c.verdict,
    part: p.label, stated: p.stated, part_verdict: p.verdict, definition: r?.definition ?? '', value: r?.value ?? null, unit: r?.unit ?? '', agrees: r?.agrees ?? null,
    evidence: r ? r.evidence.map((e) => `${e.source} (${e.locator})`).join('; ') : '',
  }))));
  return csvText(['claim', 'statement', 'source', 'locator', 'verdict', 'part', 'stated', 'part_verdict', 'definition', 'value', 'unit', 'agrees', 'evidence'], rows);
}

export function ClaimsList({ claims, sources, title, csvName }: { claims: readonly ClaimRow[]; sources: ReadonlyMap<string, Source>; title: string; csvName: string }) {
  return (
    <section class="claims">
      <h2>
        {title}{' '}
        <button type="button" class="csv-link" onClick={() => downloadText(`${csvName}.csv`, claimsCsv(claims), 'text/csv')}>CSV ↓</button>
      </h2>
      <ul class="claim-list">
        {claims.map((c) => (
          <li key={c.claim.id} class="claim" data-claim={c.claim.id}>
            <details>
              <summary>
                <VerdictBadge verdict={c.verdict} /> <span class="statement">{c.claim.statement}</span>
                <span class="claim-source"> — <Cites cites={[{ source: c.claim.source, locator: c.claim.locator }]} sources={sources} /> ({c.claim.year})</span>
              </summary>
              {c.claim.note ? <p class="note">{c.claim.note}</p> : null}
              {c.parts.length === 0 ? <p class="note">Not checkable: {c.summary}</p> : <p class="note verdict-reason">Verdict: {c.verdict}: {c.reason}.</p>}
              {c.parts.map((p) => (
                <table key={p.label} class="claim-part">
                  <caption>{p.label}: stated {p.stated} — <VerdictBadge verdict={p.verdict} /></caption>
                  <thead><tr><th scope="col">computed under the definition</th><th scope="col" class="num">value</th><th scope="col">agrees</th><th scope="col">evidence</th></tr></thead>
                  <tbody>
                    {p.readings.map((r, i) => (
                      <tr key={i}>
                        <th scope="row">{r.definition}</th>
                        <td class="num">{readingValue(r.value, r.unit, r.median)}</td>
                        <td>{r.agrees === null ? '–' : r.agrees ? 'yes' : 'no'}</td>
                        <td><Cites cites={r.evidence.slice(0, 3)} sources={sources} />{r.evidence.length > 3 ? ` and ${r.evidence.length - 3} more` : ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ))}
              {c.related.length ? (
                <table class="claim-part">
                  <caption>Related evidence (a different measure)</caption>
                  <tbody>{c.related.map((r, i) => <tr key={i}><th scope="row">{r.label}</th><td class="num">{readingValue(r.value, r.unit)}</td><td><Cites cites={r.evidence.slice(0, 3)} sources={sources} /></td></tr>)}</tbody>
                </table>
              ) : null}
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
