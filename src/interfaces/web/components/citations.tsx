// Citations as the analyses give them (source id and locator): the source's title on hover,
// the locator in the text, so a number never stands without where it comes from.
import type { Source } from '../api-types.ts';
import { Link } from '../navigation.tsx';

export function Cites({ cites, sources }: { cites: readonly { source: string; locator: string }[]; sources: ReadonlyMap<string, Source> }) {
  if (cites.length === 0) return <span class="no-source">no source</span>;
  const unique = cites.filter((c, i) => cites.findIndex((x) => x.source === c.source && x.locator === c.locator) === i);
  return (
    <span class="cites">
      {unique.map((c, i) => (
        <span key={`${c.source}|${c.locator}`} class="cite" title={sources.get(c.source)?.citation ?? c.source}>
          {i > 0 ? '; ' : ''}<strong>{c.source}</strong>{c.locator ? `, ${c.locator}` : ''}
        </span>
      ))}
    </span>
  );
}

/** Up to this many source ids show inline; more collapse behind their count ("52 sources"), expandable. */
const INLINE_SOURCES = 3;

export function SourceIds({ ids, sources }: { ids: readonly string[]; sources: ReadonlyMap<string, Source> }) {
  if (ids.length === 0) return <span class="no-source">–</span>;
  const list = <span class="cites">{ids.map((id, i) => <span key={id} class="cite" title={sources.get(id)?.citation ?? id}>{i > 0 ? ', ' : ''}<Link href={`/sources#source-${id}`}>{id}</Link></span>)}</span>;
  if (ids.length <= INLINE_SOURCES) return list;
  return (
    <details class="source-list-ids">
      <summary>{ids.length} sources</summary>
      {list}
    </details>
  );
}

export function sourceMap(list: readonly Source[] | undefined): Map<string, Source> {
  return new Map((list ?? []).map((s) => [s.id, s]));
}
