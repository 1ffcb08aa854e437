// Scenarios and their diffs as text for people: what the scenario changes and why, the
// baseline's assumptions, then every moved line with the change that moved it. Pure string
// building, shared by the CLI and reports.
import { layoutTable, visibleWidth } from '../interfaces/cli/table-layout.ts';
import { formatValue, orderChanges } from './apply.ts';
import type { Comparison } from './compose.ts';
import type { Scenario } from './load.ts';
import type { AllyDiff, LineDiff, ScenarioResult } from './run.ts';

export interface DiffTextOptions {
  /** Allies to show line by line besides those whose own values moved. */
  allies?: readonly string[];
  /** Show every moved ally line by line. */
  all?: boolean;
  /** How many allies moved only by others' values or by weights to show line by line when none moved directly. */
  top?: number;
  /** Characters a line may take (the CLI's terminal width); null or absent: tables keep their natural width (reports). */
  width?: number | null;
}

function num(x: number | null): string {
  return x === null ? '–' : formatValue(x);
}

function pts(x: number | null): string {
  return x === null ? '–' : x.toFixed(1);
}

function signed(x: number, digits = 1): string {
  const r = x.toFixed(digits);
  return Number(r) === 0 ? `±${(0).toFixed(digits)}` : `${x > 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
}

function rank(r: number | null): string {
  return r === null ? 'unranked' : String(r);
}

function arrow(a: string, b: string): string {
  return a === b ? a : `${a} → ${b}`;
}

/**
 * Rows as columns two spaces apart, the first row the header. A table wider than `width` goes
 * through the CLI's table layout instead: long cells wrap and, if that is not enough, the
 * rightmost columns are left out with a note naming them (--wide prints them).
 */
function table(rows: string[][], right: ReadonlySet<number>, indent = '  ', width: number | null = null): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => visibleWidth(r[i]))));
  const natural = visibleWidth(indent) + widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  if (width !== null && natural > width) {
    const columns = rows[0].map((header, i) => ({ header, align: right.has(i) ? 'right' as const : 'left' as const }));
    const { lines, dropped } = layoutTable(columns, rows.slice(1), { width, indent });
    return dropped.length ? [...lines, `${indent}(left out to fit ${width} characters: ${dropped.join(', ')}; --wide shows them)`] : lines;
  }
  return rows.map((r) => indent + r.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd());
}

function refIndex(result: ScenarioResult): Map<string, number> {
  return new Map(result.changes.map((c, i) => [c.ref, i + 1]));
}

function lineRow(line: LineDiff, refs: Map<string, number>): string[] {
  const raw = line.how === 'value' ? `${arrow(num(line.before.raw), num(line.after.raw))} ${line.unit}` : `${num(line.after.raw)} ${line.unit} (unchanged)`;
  const score = arrow(line.before.score === null ? '–' : line.before.score.toFixed(0), line.after.score === null ? '–' : line.after.score.toFixed(0));
  const change = (line.after.contribution ?? 0) - (line.before.contribution ?? 0);
  const why = line.how === 'score' ? ' (others moved)'
    : line.how === 'weight' ? (line.before.weight !== line.after.weight ? ` (weight ${num(line.before.weight)} → ${num(line.after.weight)})` : ' (share of its side)') : '';
  const causes = line.causes.map((c) => `[${refs.get(c.ref)}] ${signed(c.contribution, 2)}`).join(' ');
  return [`${line.side === 'asset' ? 'A' : 'L'} ${line.label}`, raw, score, signed(change, 2), `${causes}${why}`];
}

function allyHeader(d: AllyDiff): string {
  const net = d.before.net !== null && d.after.net !== null ? ` (${signed(d.after.net - d.before.net, 2)})` : '';
  return `${d.name} (${d.ally}): net ${arrow(pts(d.before.net), pts(d.after.net))}${net} · rank ${arrow(rank(d.before.rank), rank(d.after.rank))} · assets ${arrow(pts(d.before.assets), pts(d.after.assets))} · liabilities ${arrow(pts(d.before.liabilities), pts(d.after.liabilities))}`;
}

function allyBlock(d: AllyDiff, refs: Map<string, number>, width: number | null): string[] {
  // A reweighted line that still adds the same points (a score of 0) is listed in --json only.
  const shown = d.lines.filter((l) => l.how === 'value' || Math.abs((l.after.contribution ?? 0) - (l.before.contribution ?? 0)) >= 0.005);
  const rows = [['item (A asset, L liability)', 'value', 'score', 'pts', 'cause: pts by change'], ...shown.map((l) => lineRow(l, refs))];
  const causes = d.causes.map((c) => `[${refs.get(c.ref)}] ${signed(c.net, 2)}`).join(', ');
  const hidden = d.lines.length - shown.length;
  return [
    allyHeader(d), ...table(rows, new Set([3]), '  ', width),
    ...(hidden ? [`  (${hidden} reweighted line${hidden === 1 ? '' : 's'} with no change in points not shown)`] : []),
    `  change of net by cause: ${causes || 'none'}`, '',
  ];
}

/** The scenario as written: description, sources and changes with their reasons. */
export function scenarioText(s: Scenario): string {
  const out = [
    `${s.title} (${s.id})`,
    `Horizon ${s.horizon} · ${s.origin}`,
    '',
    ...wrap(s.description, 92),
    '',
    `Sources: ${s.sources.map((c) => `${c.source} (${c.locator})`).join('; ')}`,
    '',
    s.changes.length ? 'Changes, in the order applied (by phase: levels, scale, add, exchange rate, events, judgments, weights; file order within a phase):' : 'Changes: none (the scenario is the baseline).',
  ];
  orderChanges(s.changes).forEach((c, i) => {
    out.push(`  [${i + 1}] ${c.label}   (${c.ref}, ${c.origin})`);
    out.push(...wrap(`why: ${c.spec.rationale.trim()}`, 86).map((l) => `      ${l}`));
    out.push(`      cites: ${c.spec.citations.map((x) => `${x.source} (${x.locator})`).join('; ')}`);
  });
  return out.join('\n') + '\n';
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) out.push(line);
    out.push('');
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

/** A scenario run: the changes and their effects, the baseline, and the diff with its causes. */
export function diffText(result: ScenarioResult, options: DiffTextOptions = {}): string {
  const refs = refIndex(result);
  const against = result.reference.kind === 'baseline' ? 'the baseline' : `${result.reference.title} (${result.reference.id})`;
  const out = [
    `${result.scenario.title} (${result.scenario.id})`,
    `Ledgers of ${result.year} compared with ${against} · methodology ${result.ledgers.after.methodology.id} ${result.ledgers.after.methodology.version}`,
    `Sources: ${result.scenario.sources.map((c) => `${c.source} (${c.locator})`).join('; ')}`,
    '',
    ...result.baseline.description,
    '',
  ];
  if (result.changes.length === 0) out.push('Changes: none.');
  else out.push(`Changes, in the order applied${result.reference.kind === 'scenario' ? ` on top of ${result.reference.id}` : ''}:`);
  result.changes.forEach((c, i) => {
    out.push(`  [${i + 1}] ${c.label}   (${c.ref}, ${c.origin})`);
    const notes = c.effect.notes;
    for (const note of notes.slice(0, notes.length > 8 ? 5 : 8)) out.push(`      ${note}`);
    if (notes.length > 8) out.push(`      ... and ${notes.length - 5} more (--json lists them)`);
    if (c.effect.skipped.length) out.push(...wrap(`nothing to change: ${c.effect.skipped.join('; ')}`, 86).map((l) => `      ${l}`));
    out.push(...wrap(`why: ${c.rationale}`, 86).map((l) => `      ${l}`));
    out.push(`      cites: ${c.citations.map((x) => `${x.source} (${x.locator})`).join('; ')}`);
  });
  out.push('');
  const unmoved = (result.unmoved ?? []).flatMap((u) => wrap(u.text, 88).map((l, i) => `${i ? '    ' : '  '}${l}`));
  if (result.diff.length === 0) {
    out.push('Diff: empty. No line item of any ally moved.');
    if (unmoved.length) out.push('Why:', ...unmoved);
    return out.join('\n') + '\n';
  }
  if (unmoved.length) out.push('Allies whose values changed but whose ledgers did not move:', ...unmoved, '');
  const direct = result.diff.filter((d) => d.direct);
  const wanted = new Set(options.allies ?? []);
  const top = options.top ?? 5;
  const shown = options.all ? result.diff
    : result.diff.filter((d) => d.direct || wanted.has(d.ally) || (direct.length === 0 && result.diff.indexOf(d) < top));
  out.push(`What moved: ${result.diff.length} allies (${direct.length} with values of their own changed). Lines: value before → after, score 0-100 before → after, change in points of the side's total, and the change [n] that moved it.`);
  out.push('');
  const width = options.width ?? null;
  for (const d of shown) out.push(...allyBlock(d, refs, width));
  const rest = result.diff.filter((d) => !shown.includes(d));
  if (rest.length) {
    out.push(`${rest.length} more allies moved only because other allies' values or the weights moved (normalization is across allies; --all shows their lines):`);
    out.push(...wrap(rest.map((d) => `${d.ally} ${signed((d.after.net ?? 0) - (d.before.net ?? 0), 2)}${d.before.rank !== d.after.rank ? ` (rank ${rank(d.before.rank)} → ${rank(d.after.rank)})` : ''}`).join(', '), 90).map((l) => `  ${l}`));
    out.push('');
  }
  if (result.ranks.length) {
    out.push(`Rank changes (${result.ranks.length}): ${result.ranks.map((r) => `${r.ally} ${rank(r.before)} → ${rank(r.after)}`).join(', ')}`);
  } else out.push('Rank changes: none.');
  const rb = result.robustness;
  if (rb) {
    out.push('');
    out.push(`Robustness: ${rb.draws.toLocaleString('en-US')} draws (seed ${rb.seed}) of the weights${rb.data ? ', the data within their ranges' : ''}${rb.judgments ? ', the judgments within theirs' : ''}; ${Math.round(rb.interval * 100)}% intervals.`);
    const rows = [['ally', 'modal rank (interval)', 'P(rank ≤ scenario rank)', 'P(net > 0)', 'net median (interval)']];
    for (const a of rb.allies.filter((x) => shown.some((d) => d.ally === x.ally) || result.ranks.some((r) => r.ally === x.ally)).slice(0, 20)) {
      const m = (s: typeof a.before) => (s ? `${s.modalRank} (${s.rankInterval[0]}-${s.rankInterval[1]})` : 'unranked');
      const p = (x: number | undefined) => (x === undefined ? '–' : `${Math.round(x * 100)}%`);
      const n = (s: typeof a.before) => (s ? `${pts(s.net.median)} (${pts(s.net.low)} to ${pts(s.net.high)})` : '–');
      rows.push([a.ally, arrow(m(a.before), m(a.after)), arrow(p(a.before?.pRankOrBetter), p(a.after?.pRankOrBetter)), arrow(p(a.before?.pNetPositive), p(a.after?.pNetPositive)), arrow(n(a.before), n(a.after))]);
    }
    out.push(...table(rows, new Set(), '  ', width));
    out.push(`  Share of draws with exactly the ledger's own ranking: ${(rb.pSameOrder.before * 100).toFixed(1)}% → ${(rb.pSameOrder.after * 100).toFixed(1)}%.`);
    out.push('');
    if (rb.paired?.length) {
      out.push('Draw by draw (the same draws with and without the scenario), for the allies whose own values changed, or else those that moved most:');
      const share = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 2 : x > 0.999 && x < 1 ? 2 : 1)}%`;
      const span = (v: { median: number; low: number; high: number }, f: (x: number) => string) => `${f(v.median)} (${f(v.low)} to ${f(v.high)})`;
      const change = (x: number) => signed(x, 1);
      const places = (x: number) => signed(x, 0);
      const rows2 = [['ally', 'net rises', 'net change', 'rank improves / holds / worsens', 'places gained']];
      for (const p of rb.paired) {
        rows2.push([p.ally, share(p.pNetUp), span(p.netChange, change), `${share(p.pRankUp)} / ${share(p.pRankSame)} / ${share(p.pRankDown)}`, span(p.rankChange, places)]);
      }
      out.push(...table(rows2, new Set(), '  ', width));
    } else if (rb.unpaired) out.push(`Not paired draw by draw: ${rb.unpaired}.`);
  }
  return out.join('\n') + '\n';
}

/** Scenarios side by side: each one's change of net and rank, for every ally any of them moves. */
export function comparisonText(c: Comparison, limit = 25, width: number | null = null): string {
  const head = ['ally', ...c.scenarios.map((s) => `${s.id} (${s.horizon})`)];
  const rows = c.rows.slice(0, limit).map((r) => [
    `${r.ally} ${r.name}`,
    ...r.cells.map((cell) => (cell === null ? '·' : `${cell.netChange === null ? '–' : signed(cell.netChange, 2)} (rank ${arrow(rank(cell.before.rank), rank(cell.after.rank))})`)),
  ]);
  const out = [
    'Side by side: change of net against each scenario\'s baseline (rank before → after); · = not moved.',
    ...table([head, ...rows], new Set(), '  ', width),
  ];
  if (c.rows.length > limit) out.push(`  ... and ${c.rows.length - limit} more allies (--json lists all).`);
  return out.join('\n') + '\n';
}

/** One line per built-in scenario. */
export function scenarioListText(list: readonly { name: string; title: string; horizon: number; changes: number }[], width: number | null = null): string {
  const rows = [['name', 'horizon', 'changes', 'title'], ...list.map((x) => [x.name, String(x.horizon), String(x.changes), x.title])];
  return table(rows, new Set([1, 2]), '', width).join('\n') + '\n';
}
