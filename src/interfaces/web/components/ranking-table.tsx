// The allies ranked by net balance, each with its robustness band: the interval of its net
// and of its rank under the methodology's draws of weights and data, so a reader sees at a
// glance which places are settled and which depend on the weights.
import type { ComponentChildren } from 'preact';
import { Link } from '../navigation.tsx';
import { formatPercent, formatSigned } from '../format.ts';
import { netColor } from '../map/net-colors.ts';

export interface RankingEntry {
  ally: string;
  name: string;
  region: string | null;
  rank: number | null;
  assets: number | null;
  liabilities: number | null;
  net: number | null;
  coverage: number;
  net_low: number | null;
  net_high: number | null;
  rank_low: number | null;
  rank_high: number | null;
  /** Rank under the methodology's own weights (the Weights page shows the move). */
  defaultRank?: number | null;
  /** Standing in the year, e.g. "NATO since 2004", "MNNA since 2022" (the API's standing_label). */
  standing_label?: string;
  /** A partner shown on request: never ranked. */
  partner?: boolean;
}

function RankChange({ row }: { row: RankingEntry }) {
  if (row.rank === null || row.defaultRank === null || row.defaultRank === undefined) return null;
  const up = row.defaultRank - row.rank;
  if (up === 0) return <span class="change same" title="same rank as under the methodology's weights">=</span>;
  return <span class={`change ${up > 0 ? 'up' : 'down'}`} title={`rank ${row.defaultRank} under the methodology's weights`}>{up > 0 ? `▲${up}` : `▼${-up}`}</span>;
}

const BAND_WIDTH = 140;

function NetBand({ row, extent }: { row: RankingEntry; extent: number }) {
  if (row.net === null) return null;
  const x = (v: number) => ((Math.max(-extent, Math.min(extent, v)) + extent) / (2 * extent)) * BAND_WIDTH;
  const hasBand = row.net_low !== null && row.net_high !== null;
  return (
    <svg class="net-band" width={BAND_WIDTH} height={14} aria-hidden="true">
      <line x1={x(0)} x2={x(0)} y1={0} y2={14} class="zero" />
      {hasBand && <rect x={x(row.net_low!)} width={Math.max(1, x(row.net_high!) - x(row.net_low!))} y={4} height={6} class="band" />}
      <circle cx={x(row.net)} cy={7} r={3.5} fill={netColor(row.net, extent)} class="point" />
    </svg>
  );
}

export interface RankingTableProps {
  rows: readonly RankingEntry[];
  extent: number;
  caption: ComponentChildren;
  /** Appended to ally links, so the ally page opens with the same year and weights. */
  linkQuery: string;
  highlighted?: string | null;
  onHover?: (iso3: string | null) => void;
  /** Show how each rank moved from the methodology's weights. */
  showChange?: boolean;
  /** Header of the rank column, e.g. "rank among Asian allies" when the rows are one region's (default "rank"). */
  rankLabel?: string;
  /** Header of the band column, e.g. "global rank band" beside a regional rank (default "rank band"). */
  bandLabel?: string;
}

export function RankingTable({ rows, extent, caption, linkQuery, highlighted = null, onHover, showChange = false, rankLabel = 'rank', bandLabel = 'rank band' }: RankingTableProps) {
  return (
    <table class="ranking" data-testid="ranking">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col" class="num col-rank">{rankLabel}</th>
          {showChange && <th scope="col" class="col-move" title="change from the rank under the methodology's weights">move</th>}
          <th scope="col" class="col-rank-band" title="90% of the robustness draws put the ally within this range of ranks among all the allies of the year">{bandLabel}</th>
          <th scope="col" class="col-ally">ally</th>
          <th scope="col" class="col-region">region</th>
          <th scope="col" class="num col-total">assets</th>
          <th scope="col" class="num col-total">liabilities</th>
          <th scope="col" class="num col-total">net</th>
          <th scope="col" class="col-net-band" title="net balance with its robustness interval; the line marks zero">net band</th>
          <th scope="col" class="num col-coverage" title="share of the line-item weight with observed data">coverage</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={r.ally}
            data-ally={r.ally}
            class={`${highlighted === r.ally ? 'highlighted' : ''} ${r.rank === null ? 'unranked' : ''} ${r.partner ? 'partner' : ''}`}
            onMouseEnter={onHover ? () => onHover(r.ally) : undefined}
            onMouseLeave={onHover ? () => onHover(null) : undefined}
          >
            <td class="num rank">{r.rank ?? '–'}</td>
            {showChange && <td class="num"><RankChange row={r} /></td>}
            <td class="num">{r.rank_low !== null && r.rank_high !== null ? (r.rank_low === r.rank_high ? `${r.rank_low}` : `${r.rank_low}–${r.rank_high}`) : ''}</td>
            <th scope="row"><Link href={`/ally/${r.ally}${linkQuery}`}>{r.name}</Link>{r.standing_label ? <span class={`standing${r.partner ? ' partner' : ''}`}>{r.partner ? 'partner' : r.standing_label}</span> : null}</th>
            <td>{r.region ?? ''}</td>
            <td class="num">{r.assets === null ? '–' : r.assets.toFixed(1)}</td>
            <td class="num">{r.liabilities === null ? '–' : r.liabilities.toFixed(1)}</td>
            <td class="num net">{r.partner ? <span title="a partner: scored on the allies' scale, not ranked">{formatSigned(r.net)}</span> : r.rank === null ? 'not ranked' : formatSigned(r.net)}</td>
            <td><NetBand row={r} extent={extent} /></td>
            <td class="num">{formatPercent(r.coverage)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
