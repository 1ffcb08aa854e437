// Ledgers as text for people: a T-account (assets left, liabilities right, net below) with
// the value, score, weight, contribution and source ids on every line; the same as Markdown
// and CSV. Pure string building, shared by the CLI and reports.
import { toSafeCsv } from '../exports/csv-cell.ts';
import type { AllyLedger, LedgerLine, YearLedger } from './ledger.ts';

/** Numbers as people read them: 4.21 tn, 811 bn, 124 m, 58,399, 1.37. */
export function formatNumber(x: number | null, digits = 3): string {
  if (x === null || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1e12) return `${Number((x / 1e12).toPrecision(digits))} tn`;
  if (a >= 1e9) return `${Number((x / 1e9).toPrecision(digits))} bn`;
  if (a >= 1e6) return `${Number((x / 1e6).toPrecision(digits))} m`;
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a === 0) return '0';
  return String(Number(x.toPrecision(digits)));
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** What qualifies a value: its year when older than the ledger's, estimate, imputed, judgment. */
function qualifiers(line: LedgerLine, year: number): string {
  const out: string[] = [];
  if (line.flags.includes('stale')) {
    const years = line.observations.filter((o) => o.value !== null && o.year < year).map((o) => o.year);
    out.push(`as of ${years.length ? Math.max(...years) : 'earlier'}`);
  }
  if (line.flags.includes('estimate')) out.push('estimate');
  if (line.flags.includes('imputed') && !line.missing) out.push('partly imputed');
  if (line.flags.includes('judgment')) out.push('judgment');
  return out.length ? ` (${out.join(', ')})` : '';
}

/** A line's value as text: number, unit and qualifiers, or why it is missing (the T-account's and the CLI's). */
export function valueText(line: LedgerLine, year: number): string {
  if (line.missing) return line.imputed ? 'missing, imputed' : 'missing';
  return `${formatNumber(line.raw)} ${line.unit}${qualifiers(line, year)}`;
}

interface Row {
  heading?: string;
  cells?: string[];
}

/** Source ids wrapped to lines of at most `width` characters (an id is never split). */
function wrapSources(ids: readonly string[], width = 40): string[] {
  const lines: string[] = [];
  let line = '';
  for (const id of ids) {
    const next = line ? `${line}, ${id}` : id;
    if (line && next.length > width) {
      lines.push(`${line},`);
      line = id;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function sideRows(ledger: AllyLedger, side: 'asset' | 'liability', notes: string[]): Row[] {
  const rows: Row[] = [];
  let group = '';
  for (const line of ledger.lines.filter((l) => l.side === side)) {
    if (line.group !== group) {
      group = line.group;
      rows.push({ heading: group });
    }
    let note = '';
    if (line.missing) {
      notes.push(`${line.label}: ${line.reason ?? 'missing'}${line.imputed ? `; score imputed (${line.score!.toFixed(1)})` : '; excluded, the side\'s other weights renormalized'}`);
      note = ` [${notes.length}]`;
    } else if (line.stoodIn.length) {
      notes.push(`${line.label}: ${line.stoodIn.join('; ')}`);
      note = ` [${notes.length}]`;
    }
    const sources = line.sources.length ? wrapSources(line.sources) : [line.missing ? 'no data' : '–'];
    rows.push({
      cells: [
        `  ${line.label}${note}`,
        valueText(line, ledger.year),
        line.score === null ? '–' : line.score.toFixed(0),
        `${formatNumber(line.weight)}${line.score === null ? '' : ` (${pct(line.share)})`}`,
        line.contribution === null ? '–' : line.contribution.toFixed(1),
        sources[0],
      ],
    });
    for (const more of sources.slice(1)) rows.push({ cells: ['', '', '', '', '', more] });
  }
  return rows;
}

const HEADER = ['', 'value', 'score', 'weight', 'pts', 'sources'];

function renderSide(rows: Row[], title: string): string[] {
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r.cells ? r.cells[i].length : 0))));
  widths[0] = Math.max(widths[0], title.length, ...rows.map((r) => r.heading?.length ?? 0));
  const right = new Set([2, 3, 4]);
  const render = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  const total = widths.reduce((s, w) => s + w, 0) + 2 * (widths.length - 1);
  return [
    render([title, ...HEADER.slice(1)]),
    '─'.repeat(total),
    ...rows.map((r) => (r.heading !== undefined ? r.heading.padEnd(total) : render(r.cells!))),
  ];
}

function summaryLines(ledger: AllyLedger, of: YearLedger): string[] {
  const c = ledger.coverage;
  const rank = ledger.rank !== null ? `rank ${ledger.rank} of ${of.rankedCount}`
    : ledger.partner ? `not ranked: a partner in ${ledger.year}, shown on request and scored on the allies' scale`
      : `not ranked (coverage below the methodology's minimum)`;
  return [
    `Assets ${formatTotal(ledger.assets)} − Liabilities ${formatTotal(ledger.liabilities)} = Net ${ledger.net === null ? '–' : signed(ledger.net)}   (${rank})`,
    `Coverage: ${pct(c.overall)} of the line-item weight has observed data (assets ${pct(c.assets)}, liabilities ${pct(c.liabilities)}); ` +
      `${c.itemsObserved} of ${c.itemsTotal} items observed, ${c.itemsImputed} imputed, ${c.itemsMissing} missing.`,
  ];
}

function formatTotal(x: number | null): string {
  return x === null ? '–' : x.toFixed(1);
}

function title(ledger: AllyLedger, of: YearLedger): string {
  return `${ledger.name} (${ledger.ally}): balance sheet ${ledger.year} · ${ledger.membership.label} · methodology ${of.methodology.id} ${of.methodology.version}`;
}

/** Why the country is in the year's ledger: its standing, with dates and sources. */
function standingLine(ledger: AllyLedger): string {
  return `Standing: ${ledger.membership.reason}`;
}

/** The T-account as plain text. */
export function tAccountText(ledger: AllyLedger, of: YearLedger): string {
  const notes: string[] = [];
  const left = renderSide(sideRows(ledger, 'asset', notes), 'ASSETS');
  const right = renderSide(sideRows(ledger, 'liability', notes), 'LIABILITIES');
  const leftWidth = Math.max(...left.map((l) => l.length));
  const rows = Math.max(left.length, right.length);
  const body: string[] = [];
  for (let i = 0; i < rows; i++) body.push(`${(left[i] ?? '').padEnd(leftWidth)} │ ${right[i] ?? ''}`.trimEnd());
  const rule = '═'.repeat(Math.max(...body.map((b) => b.length)));
  return [
    title(ledger, of),
    '',
    ...body,
    rule,
    ...summaryLines(ledger, of),
    standingLine(ledger),
    `Scores are 0-100 among the allies of the year${ledger.partner ? ' (this partner placed on their scale)' : ''}; pts = weight share × score (each side totals 0-100 before its balance factor).`,
    ...(notes.length ? ['', 'Notes:', ...notes.map((n, i) => `  [${i + 1}] ${n}`)] : []),
  ].join('\n') + '\n';
}

function mdCell(line: LedgerLine | undefined, year: number): string {
  if (!line) return '';
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  if (line.missing && !line.imputed) return esc(`**${line.label}**: missing (${line.reason ?? 'no data'}); excluded, weight ${formatNumber(line.weight)}`);
  const stoodIn = line.stoodIn.length ? ` (${line.stoodIn.join('; ')})` : '';
  return esc(`**${line.label}**: ${valueText(line, year)}${stoodIn} · score ${line.score!.toFixed(0)} · weight ${formatNumber(line.weight)} (${pct(line.share)}) · ${line.contribution!.toFixed(1)} pts · ${line.sources.join(', ') || '–'}`);
}

/** The T-account as a Markdown table (assets left, liabilities right), net below. */
export function ledgerMarkdown(ledger: AllyLedger, of: YearLedger): string {
  const assets = ledger.lines.filter((l) => l.side === 'asset');
  const liabilities = ledger.lines.filter((l) => l.side === 'liability');
  const rows: string[] = [];
  for (let i = 0; i < Math.max(assets.length, liabilities.length); i++) {
    const a = assets[i];
    const l = liabilities[i];
    const groupA = a && (i === 0 || assets[i - 1].group !== a.group) ? `*${a.group}*<br>` : '';
    const groupL = l && (i === 0 || liabilities[i - 1].group !== l.group) ? `*${l.group}*<br>` : '';
    rows.push(`| ${a ? groupA : ''}${mdCell(a, ledger.year)} | ${l ? groupL : ''}${mdCell(l, ledger.year)} |`);
  }
  return [
    `## ${title(ledger, of)}`,
    '',
    '| Assets | Liabilities |',
    '|---|---|',
    ...rows,
    `| **Assets ${formatTotal(ledger.assets)}** | **Liabilities ${formatTotal(ledger.liabilities)}** |`,
    '',
    ...summaryLines(ledger, of).map((s) => `${s}  `),
    `${standingLine(ledger)}  `,
  ].join('\n') + '\n';
}

const CSV_COLUMNS = ['year', 'ally', 'side', 'line_group', 'item', 'label', 'raw', 'low', 'high', 'unit', 'score', 'weight', 'share', 'contribution', 'rank', 'ranked_among', 'missing', 'imputed', 'flags', 'sources', 'reason'];

/** One row per line, then the totals (item = total_assets, total_liabilities, net). */
export function ledgerCsv(ledgers: readonly AllyLedger[]): string {
  const rows = ledgers.flatMap((l) => [
    ...l.lines.map((line) => ({
      year: l.year, ally: l.ally, side: line.side, line_group: line.group, item: line.item, label: line.label,
      raw: line.raw, low: line.low, high: line.high, unit: line.unit, score: line.score, weight: line.weight,
      share: line.share, contribution: line.contribution, rank: line.rank, ranked_among: line.rankedAmong,
      missing: line.missing, imputed: line.imputed, flags: line.flags.join(';'), sources: line.sources.join(';'), reason: line.reason ?? '',
    })),
    ...(['assets', 'liabilities', 'net'] as const).map((t) => ({
      year: l.year, ally: l.ally, side: '', line_group: '', item: t === 'net' ? 'net' : `total_${t}`, label: t, raw: l[t], low: null, high: null,
      unit: 'points', score: null, weight: null, share: null, contribution: l[t], rank: t === 'net' ? l.rank : null, ranked_among: null,
      missing: l[t] === null, imputed: false, flags: '', sources: '', reason: '',
    })),
  ]);
  return toSafeCsv(CSV_COLUMNS, rows);
}

export interface RankingRow {
  rank: number | null;
  ally: string;
  name: string;
  region: string | null;
  /** Standing in the year: treaty | mnna | treated-as-mnna | partner. */
  standing: string;
  /** "NATO since 2004", "MNNA since 2022", "partner". */
  standing_label: string;
  partner: boolean;
  assets: number | null;
  liabilities: number | null;
  net: number | null;
  coverage: number;
}

/** The ranking of a year: ranked allies by net, then the unranked ones, then the partners shown (by net). */
export function rankingRows(ledger: YearLedger, region?: string): RankingRow[] {
  return ledger.allies
    .filter((a) => region === undefined || a.region === region)
    .map((a) => ({
      rank: a.rank, ally: a.ally, name: a.name, region: a.region, standing: a.membership.standing, standing_label: a.membership.label, partner: a.partner,
      assets: a.assets, liabilities: a.liabilities, net: a.net, coverage: a.coverage.overall,
    }))
    .sort((x, y) => Number(x.partner) - Number(y.partner) || (x.rank ?? Infinity) - (y.rank ?? Infinity) || (x.partner ? (y.net ?? -Infinity) - (x.net ?? -Infinity) : 0) || (x.ally < y.ally ? -1 : 1));
}
