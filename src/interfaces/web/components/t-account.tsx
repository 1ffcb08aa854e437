// An ally's balance sheet as a T-account: assets on the left, liabilities on the right, the
// net below. Every line shows its score as a bar, its value, its rank among the allies, the
// points it adds, and a source button that opens the evidence behind it.
import type { AllyLedgerResponse, Source } from '../api-types.ts';
import type { LedgerLine } from '../../../method/ledger.ts';
import { formatPercent, formatScore, formatSigned, formatValue, formatValueUnit } from '../format.ts';
import { SourcePopover } from './source-popover.tsx';

interface TAccountProps {
  ledger: AllyLedgerResponse;
  sources: ReadonlyMap<string, Source>;
  unitOf: (indicator: string) => string;
}

function valueText(line: LedgerLine, year: number): string {
  if (line.missing) return line.imputed ? 'missing (score imputed)' : 'missing';
  const asOf = line.flags.includes('stale')
    ? Math.max(...line.observations.filter((o) => o.value !== null && o.year < year).map((o) => o.year))
    : null;
  const qualifiers = [asOf !== null && Number.isFinite(asOf) ? `as of ${asOf}` : null, line.flags.includes('estimate') ? 'estimate' : null, line.flags.includes('judgment') ? 'judgment' : null].filter(Boolean);
  return `${formatValueUnit(line.raw, line.unit)}${qualifiers.length ? ` (${qualifiers.join(', ')})` : ''}`;
}

function Side({ title, lines, ledger, sources, unitOf }: { title: string; lines: LedgerLine[] } & TAccountProps) {
  const groups: [string, LedgerLine[]][] = [];
  for (const line of lines) {
    const last = groups[groups.length - 1];
    if (last && last[0] === line.group) last[1].push(line);
    else groups.push([line.group, [line]]);
  }
  return (
    <table class={`t-side ${title.toLowerCase()}`}>
      <caption>{title}</caption>
      <thead>
        <tr><th scope="col">line item</th><th scope="col">score (0–100)</th><th scope="col">value</th><th scope="col" title="rank among the allies with a value">rank</th><th scope="col" title="weight share × score">points</th><th scope="col">source</th></tr>
      </thead>
      {groups.map(([group, items]) => (
        <tbody key={group}>
          {items.length > 1 || items[0].label !== group ? <tr class="group-row"><th colSpan={6} scope="rowgroup">{group}</th></tr> : null}
          {items.map((line) => (
            <tr key={line.item} class={line.missing ? 'missing' : ''} data-item={line.item}>
              <th scope="row" class="item-label">
                {line.label}
                {line.missing && <div class="reason">{line.reason ?? 'no data'}{line.imputed ? '; score imputed' : '; excluded, the other weights renormalized'}</div>}
                {!line.missing && line.stoodIn?.length ? <div class="reason">{line.stoodIn.join('; ')}</div> : null}
              </th>
              <td class="bar-cell">
                <div class="bar-track" aria-hidden="true"><div class={`bar ${line.imputed ? 'imputed' : ''}`} style={{ width: `${line.score ?? 0}%` }} /></div>
                <span class="num">{formatScore(line.score)}</span>
              </td>
              <td class="num value">{valueText(line, ledger.year)}</td>
              <td class="num">{line.rank === null ? '–' : `${line.rank}/${line.rankedAmong}`}</td>
              <td class="num" title={`weight ${formatValue(line.weight)} (${formatPercent(line.share)} of the side)`}>{line.contribution === null ? '–' : line.contribution.toFixed(1)}</td>
              <td>
                <SourcePopover
                  title={`${ledger.name}: ${line.label}, ${ledger.year}`}
                  provenance={line}
                  sources={sources}
                  unitOf={unitOf}
                />
              </td>
            </tr>
          ))}
        </tbody>
      ))}
    </table>
  );
}

export function TAccount(props: TAccountProps) {
  const { ledger } = props;
  const c = ledger.coverage;
  return (
    <section class="t-account" aria-label={`Balance sheet of ${ledger.name}, ${ledger.year}`}>
      <div class="t-sides">
        <div class="t-column assets"><Side title="Assets" lines={ledger.lines.filter((l) => l.side === 'asset')} {...props} /></div>
        <div class="t-column liabilities"><Side title="Liabilities" lines={ledger.lines.filter((l) => l.side === 'liability')} {...props} /></div>
      </div>
      <div class="t-net">
        <span>Assets <strong>{ledger.assets === null ? '–' : ledger.assets.toFixed(1)}</strong></span>
        <span aria-hidden="true">−</span>
        <span>Liabilities <strong>{ledger.liabilities === null ? '–' : ledger.liabilities.toFixed(1)}</strong></span>
        <span aria-hidden="true">=</span>
        <span class={`net ${ledger.net !== null && ledger.net < 0 ? 'negative' : 'positive'}`}>Net <strong>{formatSigned(ledger.net)}</strong></span>
        <span class="rank">{ledger.rank !== null ? `rank ${ledger.rank} of ${ledger.rankedCount}` : 'not ranked: coverage below the methodology\'s minimum'}</span>
      </div>
      <p class="coverage-note">
        Coverage: {formatPercent(c.overall)} of the line-item weight rests on observed data (assets {formatPercent(c.assets)}, liabilities {formatPercent(c.liabilities)});
        {' '}{c.itemsObserved} of {c.itemsTotal} items observed, {c.itemsImputed} imputed, {c.itemsMissing} missing. Scores are 0–100 among the covered allies of {ledger.year}; points = weight share × score.
      </p>
    </section>
  );
}
