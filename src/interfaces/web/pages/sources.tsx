// Sources: every dataset and publication the evidence cites, with its citation, terms and the
// checksum of each file read; downloadable as BibTeX, CSL-JSON and CSV.
import { useApi } from '../api-client.ts';
import type { Rows, SourceWithFiles } from '../api-types.ts';
import { CsvLink } from '../components/controls.tsx';
import { Loading, Problem } from '../components/message.tsx';
import { useScrollToHash } from '../navigation.tsx';

export function SourcesPage() {
  const sources = useApi<Rows<SourceWithFiles>>('/api/sources');
  // /sources#source-<id> (the Methodology page's citations) scrolls to that source.
  useScrollToHash(sources.data !== null);
  if (sources.error) return <Problem title="The sources could not be loaded"><p>{sources.error.message}</p></Problem>;
  if (!sources.data) return <Loading what="the sources" />;
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
      <table class="sources-table">
        <caption>Source registry</caption>
        <thead><tr><th scope="col">id</th><th scope="col">source</th><th scope="col">terms</th><th scope="col">files read</th></tr></thead>
        <tbody>
          {sources.data.rows.map((s) => (
            <tr key={s.id} id={`source-${s.id}`}>
              <th scope="row"><code>{s.id}</code></th>
              <td><div class="source-title">{s.title}</div><div class="citation">{s.citation}</div>{s.url && <a href={s.url} rel="noreferrer noopener" target="_blank">{s.url}</a>}</td>
              <td class="terms">{s.terms}</td>
              <td class="files">{s.files.map((f) => <div key={f.path} title={`sha256 ${f.sha256}`}><code>{f.path}</code></div>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
