// The methodology where the numbers are: every line of the balance sheet, by side and heading,
// with the construct it measures, its formula, normalization, weight, what one point of it
// is worth in the net, its rationale and its citations (each source id leads to the Sources
// page). Read from /api/methodology, so it always describes the method the ledgers use.
import { useApi } from '../api-client.ts';
import type { HeadingWorth, MethodologyLine, MethodologyResponse } from '../api-types.ts';
import { Loading, Problem } from '../components/message.tsx';
import { formatPoints } from '../format.ts';
import { Link, useScrollToHash } from '../navigation.tsx';

const SIDES = [['asset', 'Assets'], ['liability', 'Liabilities']] as const;

const weightText = (w: number) => String(Number(w.toFixed(4)));

function Line({ line }: { line: MethodologyLine }) {
  return (
    <article class="method-line" id={`line-${line.item}`} data-item={line.item}>
      <h4>{line.label} <code class="item-id">{line.item}</code> <span class="unit">({line.unit})</span></h4>
      <dl>
        <dt>Construct</dt>
        <dd class={`construct${line.constructStated ? '' : ' not-stated'}`}>{line.construct}</dd>
        <dt>Formula</dt>
        <dd class="formula"><code>{line.formula}</code></dd>
        <dt>Normalization</dt>
        <dd class="normalization">{line.normalization}; {line.missing}</dd>
        <dt>Weight</dt>
        <dd class="weight">{weightText(line.weight)} <span class="note">({(line.share * 100).toFixed(1)}% of the {line.side === 'asset' ? 'assets' : 'liabilities'})</span></dd>
        <dt>A point is worth</dt>
        <dd class="point-worth">{formatPoints(line.perPoint, 3)} points of the net per point of score; {formatPoints(line.fullRange)} from 0 to 100</dd>
        <dt>Rationale</dt>
        <dd class="rationale">{line.rationale}</dd>
        <dt>Citations</dt>
        <dd class="citations">
          <ul>
            {line.citations.map((c) => (
              <li key={`${c.source}|${c.locator}`}>
                <Link href={`/sources#source-${c.source}`} class="source-link" aria-label={`source ${c.source}${c.title ? `: ${c.title}` : ''}`}>{c.source}</Link>
                {c.locator ? `, ${c.locator}` : ''}
                {c.citation ? <span class="citation"> · {c.citation}</span> : null}
              </li>
            ))}
          </ul>
        </dd>
      </dl>
    </article>
  );
}

function Heading({ heading, lines }: { heading: HeadingWorth; lines: MethodologyLine[] }) {
  return (
    <section class="method-heading" data-group={heading.group} aria-labelledby={`heading-${heading.side}-${heading.items[0]}`}>
      <h3 id={`heading-${heading.side}-${heading.items[0]}`}>
        {heading.group}
        <span class="heading-worth"> weight {weightText(heading.weight)} · 0 to 100 moves the net by {formatPoints(heading.fullRange)} · one point by {formatPoints(heading.perPoint, 3)}</span>
      </h3>
      {lines.map((l) => <Line key={l.item} line={l} />)}
    </section>
  );
}

export function MethodologyPage() {
  const res = useApi<MethodologyResponse>('/api/methodology');
  useScrollToHash(res.data !== null);
  if (res.error) return <Problem title="The methodology could not be loaded"><p>{res.error.message}</p></Problem>;
  if (!res.data) return <Loading what="the methodology" />;
  const { methodology: m, lines, headings, sides, balance } = res.data;
  const unstated = lines.filter((l) => !l.constructStated).length;
  return (
    <section class="methodology-page">
      <div class="page-head">
        <h1>Methodology <span class="iso">{m.methodology} {m.version}</span></h1>
        <div class="controls">
          <a class="csv-link" href="/api/methodology?format=yaml" download>YAML ↓</a>
          <a class="csv-link" href="/api/methodology">JSON</a>
        </div>
      </div>
      <p class="lede">
        {m.title}. Each line's measure is scored 0–100 among the year's allies; each side's total is the weighted mean of its scores
        (times {balance.assets} for assets and {balance.liabilities} for liabilities), and the net is assets minus liabilities.
        One point of a line's score is worth its balance factor × weight ÷ its side's weight in points of the net, when the ally has every line of the side;
        a line an ally lacks passes its weight to the other lines of its side.
      </p>
      <p class="lede method-worth-summary">
        {SIDES.map(([side, title]) => {
          const hs = headings.filter((h) => h.side === side);
          const ranges = [...new Set(hs.map((h) => formatPoints(h.fullRange)))];
          return (
            <span key={side}>
              {title}: {sides[side].items} lines under {sides[side].headings} headings; a heading from 0 to 100 moves the net by {ranges.length === 1 ? ranges[0] : ranges.join(', ')} points.{' '}
            </span>
          );
        })}
        {unstated ? <span>{unstated} of {lines.length} lines do not state their construct.</span> : null}
      </p>
      {SIDES.map(([side, title]) => (
        <section key={side} class={`method-side ${side}`} data-side={side}>
          <h2>{title}</h2>
          {headings.filter((h) => h.side === side).map((h) => (
            <Heading key={h.group} heading={h} lines={lines.filter((l) => l.side === side && l.group === h.group)} />
          ))}
        </section>
      ))}
    </section>
  );
}
