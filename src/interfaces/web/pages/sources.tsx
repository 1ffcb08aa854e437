// Sources: every dataset and publication the evidence cites, with its citation, terms and the
// checksum of each file read; downloadable as BibTeX, CSL-JSON and CSV. Searchable by text and
// filterable by publisher, type and the indicator a source feeds, with a count of what shows. The
// search and filters are the page's address (/sources?q=sipri&type=dataset), so a filtered list can
// be shared and survives a reload.
import { useMemo } from 'preact/hooks';
import { useApi } from '../api-client.ts';
import type { Indicator, Rows, SourceWithFiles } from '../api-types.ts';
import { CsvLink } from '../components/controls.tsx';
import { Loading, Problem } from '../components/message.tsx';
import { navigate, useScrollToHash } from '../navigation.tsx';
import { hrefOf, NO_SOURCE_FILTERS } from '../routes.ts';
import type { Route, SourceFilters } from '../routes.ts';

const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/** Indicator ids by source id, from the indicators' own lists of sources ("a;b;c"). */
function indicatorsBySource(indicators: readonly Indicator[]): ReadonlyMap<string, Indicator[]> {
  const out = new Map<string, Indicator[]>();
  for (const i of indicators) {
    const ids = String((i as { sources?: unknown }).sources ?? '').split(';').map((s) => s.trim()).filter(Boolean);
    for (const id of ids) out.set(id, [...(out.get(id) ?? []), i]);
  }
  return out;
}

/** The options of a filter, with the address's value kept as one when the registry has no such value. */
function withCurrent(values: readonly string[], current: string): string[] {
  return current === '' || values.includes(current) ? [...values] : [...values, current];
}

export function SourcesPage({ route }: { route: Extract<Route, { page: 'sources' }> }) {
  const sources = useApi<Rows<SourceWithFiles>>('/api/sources');
  const indicators = useApi<Rows<Indicator>>('/api/indicators');
  const { q: text, publisher, type: kind, indicator } = route.filters;
  // Each change replaces the address (typing a search adds no history entry per key).
  const set = (change: Partial<SourceFilters>) => navigate(hrefOf({ page: 'sources', filters: { ...route.filters, ...change } }), { replace: true });
  const clear = () => set(NO_SOURCE_FILTERS);
  // /sources#source-<id> (the Methodology page's citations) scrolls to that source.
  useScrollToHash(sources.data !== null);

  const rows = sources.data?.rows ?? [];
  const usedBy = useMemo(() => indicatorsBySource(indicators.data?.rows ?? []), [indicators.data]);
  const publishers = useMemo(() => [...new Set(rows.map((s) => s.publisher).filter(Boolean))].sort((a, b) => a.localeCompare(b)), [rows]);
  const kinds = useMemo((): string[] => [...new Set(rows.map((s) => s.kind).filter(Boolean))].sort(), [rows]);
  const indicatorOptions = useMemo(() => [...(indicators.data?.rows ?? [])].filter((i) => usedBy.size && [...usedBy.values()].some((l) => l.includes(i))).sort((a, b) => a.label.localeCompare(b.label)), [indicators.data, usedBy]);
  const shown = useMemo(() => {
    const words = fold(text).split(/\s+/).filter(Boolean);
    return rows.filter((s) => {
      if (publisher && s.publisher !== publisher) return false;
      if (kind && s.kind !== kind) return false;
      if (indicator && !(usedBy.get(s.id) ?? []).some((i) => i.id === indicator)) return false;
      if (!words.length) return true;
      const hay = fold([s.id, s.title, s.author, s.publisher, s.version, s.year, s.citation, s.terms, s.url, ...s.files.map((f) => f.path), ...(usedBy.get(s.id) ?? []).map((i) => i.label)].join(' '));
      return words.every((w) => hay.includes(w));
    });
  }, [rows, text, publisher, kind, indicator, usedBy]);

  if (sources.error) return <Problem title="The sources could not be loaded"><p>{sources.error.message}</p></Problem>;
  if (!sources.data) return <Loading what="the sources" />;
  const filtered = text !== '' || publisher !== '' || kind !== '' || indicator !== '';
  return (
    <section class="sources-page">
      <div class="page-head">
        <h1>Sources</h1>
        <div class="controls">
          <a class="csv-link" href="/api/sources?format=bibtex" download>BibTeX ↓</a>
          <a class="csv-link" href="/api/sources?format=csl" download>CSL-JSON ↓</a>
          <CsvLink href="/api/sources?format=csv" />
        </div>
      </div>
      <p class="lede">Every number in Alliance Ledger comes from one of these {sources.data.count} sources. The API reference is at <a href="/docs">/docs</a>.</p>
      <form class="source-filters" role="search" aria-label="Find sources" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" value={text} placeholder="title, publisher, citation, file…" onInput={(e) => set({ q: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          Publisher
          <select value={publisher} onChange={(e) => set({ publisher: (e.target as HTMLSelectElement).value })}>
            <option value="">all publishers</option>
            {withCurrent(publishers, publisher).map((p) => <option key={p} value={p}>{publishers.includes(p) ? p : `${p} (no such publisher)`}</option>)}
          </select>
        </label>
        <label>
          Type
          <select value={kind} onChange={(e) => set({ type: (e.target as HTMLSelectElement).value })}>
            <option value="">all types</option>
            {withCurrent(kinds, kind).map((k) => <option key={k} value={k}>{kinds.includes(k) ? k : `${k} (no such type)`}</option>)}
          </select>
        </label>
        <label>
          Used by indicator
          <select value={indicator} onChange={(e) => set({ indicator: (e.target as HTMLSelectElement).value })}>
            <option value="">any indicator</option>
            {indicatorOptions.map((i) => <option key={i.id} value={i.id}>{i.label}</option>)}
            {indicator !== '' && !indicatorOptions.some((i) => i.id === indicator) ? <option value={indicator}>{indicator} (no source feeds it)</option> : null}
          </select>
        </label>
        {filtered ? <button type="button" onClick={clear}>Clear</button> : null}
      </form>
      <p class="source-count" role="status" aria-live="polite">{filtered ? `${shown.length} of ${rows.length} sources` : `${rows.length} sources`}</p>
      <table class="sources-table">
        <caption>Source registry</caption>
        <thead><tr><th scope="col">id</th><th scope="col">source</th><th scope="col">terms</th><th scope="col">files read</th></tr></thead>
        <tbody>
          {shown.map((s) => {
            const feeds = usedBy.get(s.id) ?? [];
            return (
              <tr key={s.id} id={`source-${s.id}`} data-source={s.id}>
                <th scope="row"><code>{s.id}</code><div class="source-kind">{s.kind}</div></th>
                <td>
                  <div class="source-title">{s.title}</div>
                  <div class="citation">{s.citation}</div>
                  {s.url && <a href={s.url} rel="noreferrer noopener" target="_blank">{s.url}</a>}
                  {feeds.length === 0 ? null : feeds.length <= 3
                    ? <div class="note">Feeds: {feeds.map((i) => i.label).join('; ')}</div>
                    : <details class="source-feeds note"><summary>Feeds {feeds.length} indicators</summary>{feeds.map((i) => i.label).join('; ')}</details>}
                </td>
                <td class="terms">{s.terms}</td>
                <td class="files">{s.files.map((f) => <div key={f.path} title={`sha256 ${f.sha256}`}><code>{f.path}</code></div>)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {shown.length === 0 ? <p class="notice">No source matches. <button type="button" onClick={clear}>Clear the search</button></p> : null}
    </section>
  );
}
