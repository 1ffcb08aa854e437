// Where a number comes from, one click away: the observations behind a line (value, year,
// locator, note), the judgments (rating, rationale, author), and each source's citation,
// terms and address. Opens on click or Enter, closes on Escape or a click outside, and gives
// the focus back to the button that opened it.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Observation, Source } from '../api-types.ts';
import type { Judgment } from '../../../method/judgments.ts';
import type { TableRef } from '../../../method/transforms.ts';
import { formatValue } from '../format.ts';

export interface Provenance {
  observations: readonly Observation[];
  judgments?: readonly Judgment[];
  tables?: readonly TableRef[];
  /** Every source id behind the number. */
  sources: readonly string[];
}

export interface SourcePopoverProps {
  /** What the number is, e.g. "Japan: military expenditure". */
  title: string;
  provenance: Provenance;
  sources: ReadonlyMap<string, Source>;
  unitOf?: (indicator: string) => string;
}

const MAX_OBSERVATIONS = 12;

function SourceEntry({ source }: { source: Source }) {
  return (
    <li class="source-entry">
      <div class="source-title">{source.title}</div>
      <div class="citation">{source.citation}</div>
      <div class="terms"><span class="label">Terms:</span> {source.terms}</div>
      {source.url && <div><a href={source.url} rel="noreferrer noopener" target="_blank">{source.url}</a></div>}
    </li>
  );
}

function ObservationRow({ o, unit }: { o: Observation; unit: string }) {
  return (
    <tr>
      <td class="num">{o.value === null ? 'missing' : formatValue(o.value, 4)}</td>
      <td>{unit}</td>
      <td>{o.year}{o.counterpart ? ` · ${o.counterpart}` : ''}</td>
      <td><code>{o.source}</code></td>
      <td class="locator">{o.locator}{o.note ? <div class="note">{o.note}</div> : null}{o.flags.length ? <div class="note">flags: {o.flags.join(', ')}</div> : null}</td>
    </tr>
  );
}

export function SourcePopover({ title, provenance, sources, unitOf = () => '' }: SourcePopoverProps) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const count = provenance.sources.length;

  useEffect(() => {
    if (!open) return;
    panel.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onPointer = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onPointer);
    };
  }, [open]);

  if (count === 0) return <span class="no-source" title="no data, so no source">–</span>;
  const observations = provenance.observations.slice(-MAX_OBSERVATIONS);
  let body: ComponentChildren = null;
  if (open) {
    body = (
      <div class="popover" role="dialog" aria-label={`Sources: ${title}`} tabIndex={-1} ref={panel}>
        <div class="popover-head">
          <strong>{title}</strong>
          <button type="button" class="close" aria-label="Close" onClick={() => { setOpen(false); button.current?.focus(); }}>×</button>
        </div>
        {observations.length > 0 && (
          <table class="observations">
            <caption>Observations used{provenance.observations.length > MAX_OBSERVATIONS ? ` (latest ${MAX_OBSERVATIONS} of ${provenance.observations.length})` : ''}</caption>
            <thead><tr><th>value</th><th>unit</th><th>year</th><th>source</th><th>locator</th></tr></thead>
            <tbody>{observations.map((o) => <ObservationRow key={`${o.source}-${o.indicator}-${o.year}-${o.counterpart}`} o={o} unit={unitOf(o.indicator)} />)}</tbody>
          </table>
        )}
        {(provenance.judgments ?? []).map((j) => (
          <div class="judgment" key={`${j.judgment}-${j.origin}`}>
            <div><span class="label">Judgment</span> {j.judgment}: {j.value} (range {j.low}–{j.high}) by {j.author}, {j.date}</div>
            <div class="rationale">{j.rationale}</div>
            <div class="note">Cites {j.citations.map((c) => `${c.source}${c.locator ? ` (${c.locator})` : ''}`).join('; ')}</div>
          </div>
        ))}
        {(provenance.tables ?? []).length > 0 && (
          <div class="note">Network ties from evidence tables: {[...new Set((provenance.tables ?? []).map((t) => `${t.table} (${t.group})`))].slice(0, 8).join(', ')}</div>
        )}
        <ul class="sources">
          {provenance.sources.map((id) => {
            const s = sources.get(id);
            return s ? <SourceEntry key={id} source={s} /> : <li key={id}><code>{id}</code></li>;
          })}
        </ul>
      </div>
    );
  }
  return (
    <span class="source-popover">
      <button
        type="button"
        class="source-button"
        ref={button}
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen(!open)}
        title={`Sources: ${provenance.sources.join(', ')}`}
      >
        {count === 1 ? provenance.sources[0] : `${count} sources`}
      </button>
      {body}
    </span>
  );
}
