// The work of allies explain | methodology (defined in explain.ts), imported when one of them runs.
import { findAlly } from '../../../method/allies.ts';
import { methodologyLines, pointWorth, whyThisRank } from '../../../method/explain.ts';
import type { MethodologyLine, PointWorth, WhyThisRank } from '../../../method/explain.ts';
import type { Methodology } from '../../../method/methodology.ts';
import { drawSettingsOf, scoreMatrix } from '../../../method/robustness.ts';
import type { RobustnessResult } from '../../../method/robustness.ts';
import { printJson, printText, textTable } from '../format.ts';
import type { Column } from '../format.ts';
import { ledgerFor, loadInputs, notInLedger } from './ledger-run.ts';
import type { InputOptions } from './options.ts';

const signed = (x: number, digits = 1) => {
  const r = Number(x.toFixed(digits));
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${Math.abs(r).toFixed(digits)}`;
};
const plain = (x: number | null, digits = 1) => (x === null ? '–' : x.toFixed(digits).replace(/^-/, '−'));
const score = (x: number | null) => (x === null ? 'missing' : x.toFixed(0));
const ordinal = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;

/** Text wrapped at `width` with a hanging indent. */
function wrap(text: string, indent: number, width = 100): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && indent + line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** What one point of each heading is worth: on the ally's ledger, and with every line present. */
export function worthTable(worth: PointWorth, full: PointWorth): string {
  const rows = worth.headings.map((h) => ({ h, all: full.headings.find((x) => x.side === h.side && x.group === h.group)! }));
  const columns: Column<(typeof rows)[number]>[] = [
    { header: 'heading', value: (r) => r.h.group },
    { header: 'side', value: (r) => r.h.side },
    { header: 'one point of score', value: (r) => signed(r.h.perPoint, 3), align: 'right' },
    { header: 'score 0 to 100', value: (r) => signed(r.h.fullRange), align: 'right' },
    { header: 'every line present: 0 to 100', value: (r) => signed(r.all.fullRange), align: 'right' },
    { header: 'lines without a score', value: (r) => (r.h.excluded.length ? r.h.excluded.join(', ') : '') },
  ];
  return textTable(rows, columns);
}

export function explainText(why: WhyThisRank, full: PointWorth, top: number | null): string {
  const who = why.name;
  const out: string[] = [];
  const rankText = why.rank !== null ? `ranks ${ordinal(why.rank)} of ${why.rankedCount}`
    : why.placedAt !== null ? `is not ranked (its net would place it ${ordinal(why.placedAt)} among the ${why.rankedCount} ranked allies)` : `is not ranked among the ${why.rankedCount} ranked allies`;
  out.push(`Why ${who} (${why.ally}) ${rankText} in ${why.year} · methodology ${why.methodology.id} ${why.methodology.version}`);
  const band = why.band ? `; rank ${why.band.low}-${why.band.high} in ${Math.round(why.band.interval * 100)}% of ${why.band.draws.toLocaleString('en-US')} robustness draws (net ${plain(why.band.netLow)} to ${plain(why.band.netHigh)})` : '';
  out.push(`Net ${plain(why.net)} = assets ${plain(why.assets)} − liabilities ${plain(why.liabilities)}${band}.`);
  out.push(`The median ally, ${why.reference.label} (the middle of the other ranked allies by net): net ${plain(why.reference.net)} = assets ${plain(why.reference.assets)} − liabilities ${plain(why.reference.liabilities)}.`);
  out.push(`${who} is ${signed(why.gap)} points from the median ally. ${why.reconciliation.statement}`, '');

  if (why.neighbours.length) {
    const at = why.rank ?? (why.placedAt ?? Infinity) - 0.5;
    const rows = [...why.neighbours, { rank: why.rank, ally: why.ally, name: who, net: why.net ?? 0, gap: 0, self: true }]
      .sort((a, b) => (a.rank ?? at) - (b.rank ?? at));
    out.push('Nearest in the ranking:', textTable(rows, [
      { header: 'rank', value: (r) => (r.rank === null ? 'unranked' : String(r.rank)), align: 'right' },
      { header: 'ally', value: (r) => r.ally },
      { header: 'name', value: (r) => r.name },
      { header: 'net', value: (r) => plain(r.net), align: 'right' },
      { header: `vs ${why.ally}`, value: (r) => ('self' in r ? '' : signed(r.gap)), align: 'right' },
    ]));
  }

  const shown = top === null ? why.lines : why.lines.slice(0, top);
  out.push(`Largest contributions relative to the median ally (points of the net; + raises ${who}'s net, − lowers it):`);
  out.push(textTable(shown, [
    { header: 'line item', value: (l) => l.label },
    { header: 'heading', value: (l) => l.group },
    { header: 'side', value: (l) => l.side },
    { header: `${why.ally} score`, value: (l) => `${score(l.allyScore)}${l.imputed ? ' (imputed)' : ''}`, align: 'right' },
    { header: 'median score', value: (l) => score(l.medianScore), align: 'right' },
    { header: 'points vs median', value: (l) => signed(l.difference), align: 'right' },
  ]));
  const rest = why.lines.length - shown.length;
  if (rest > 0) {
    const restSum = why.lines.slice(shown.length).reduce((t, l) => t + l.difference, 0);
    out.push(`… and ${rest} more lines, together ${signed(restSum)} (each within ${signed(Math.abs(why.lines[shown.length].difference))}; --all lists them).`);
  }
  out.push('', 'By heading:', textTable(why.headings, [
    { header: 'heading', value: (h) => h.group },
    { header: 'side', value: (h) => h.side },
    { header: `${why.ally} points`, value: (h) => signed(h.allyPoints), align: 'right' },
    { header: 'median points', value: (h) => signed(h.medianPoints), align: 'right' },
    { header: 'points vs median', value: (h) => signed(h.difference), align: 'right' },
  ]));
  if (why.worth) {
    out.push(`What one point is worth: points of ${who}'s net per point of a heading's score (every line of the heading up by one), and over the whole 0-100 range; assets add, liabilities subtract. A line without a score for ${who} is worth nothing and the other lines of its side more.`);
    out.push(worthTable(why.worth, full));
  }
  out.push('Notes:', ...why.notes.map((n) => `- ${wrap(n, 2)}`), '');
  return out.join('\n');
}

export function methodologyText(m: Methodology, lines: readonly MethodologyLine[]): string {
  const worth = pointWorth(m);
  const out: string[] = [];
  out.push(`Methodology ${m.methodology} ${m.version}: ${m.title}`);
  out.push(wrap(`Each line's measure is scored 0-100 among the year's allies; a side's total is the weighted mean of its scores times its balance factor (assets ${m.balance.assets}, liabilities ${m.balance.liabilities}); net = assets − liabilities. A line's point is worth (balance factor × weight / the side's weight) points of the net, with every line of its side present; a line missing for an ally passes its weight to the side's other lines.`, 0));
  for (const side of ['asset', 'liability'] as const) {
    const s = worth.sides[side];
    const headings = worth.headings.filter((h) => h.side === side);
    const ranges = [...new Set(headings.map((h) => Math.abs(h.fullRange).toFixed(1)))];
    out.push('', `${side === 'asset' ? 'ASSETS' : 'LIABILITIES'}: ${s.items} lines under ${s.headings} headings, weight ${Number(s.weight.toFixed(4))}; a heading's 0-100 range moves the net by ${ranges.length === 1 ? `${side === 'asset' ? '+' : '−'}${ranges[0]}` : `${ranges.join(', ')} (by heading)`} points.`);
    for (const h of headings) {
      out.push('', `${h.group} (weight ${Number(h.weight.toFixed(4))}; score 0 to 100 moves the net by ${signed(h.fullRange)}, one point by ${signed(h.perPoint, 3)})`);
      for (const l of lines.filter((x) => x.side === side && x.group === h.group)) {
        const field = (name: string, text: string) => `    ${name.padEnd(15)}${wrap(text, 19)}`;
        out.push(`  ${l.item}: ${l.label} (${l.unit})`,
          field('construct', l.construct),
          field('formula', l.formula),
          field('normalization', `${l.normalization}; ${l.missing}`),
          field('weight', `${Number(l.weight.toFixed(4))} (${(l.share * 100).toFixed(1)}% of the ${side === 'asset' ? 'assets' : 'liabilities'})`),
          field('point worth', `${signed(l.perPoint, 3)} net points per point of score; ${signed(l.fullRange)} over 0-100`),
          field('rationale', l.rationale),
          ...l.citations.map((c, i) => field(i === 0 ? 'citations' : '', `${c.source}${c.locator ? `, ${c.locator}` : ''}${c.citation ? ` (${c.citation})` : ''}`)));
      }
    }
  }
  return `${out.join('\n')}\n`;
}

async function rankBand(inputs: Awaited<ReturnType<typeof loadInputs>>, ledger: ReturnType<typeof ledgerFor>): Promise<RobustnessResult> {
  const { RobustnessPool } = await import('../../../method/robustness-parallel.ts');
  const pool = new RobustnessPool();
  try {
    return await pool.run(scoreMatrix(ledger, inputs.methodology), drawSettingsOf(inputs.methodology.robustness), inputs.methodology.robustness.interval);
  } finally {
    await pool.close();
  }
}

export async function explain(allyArg: string, opts: InputOptions & { year?: number; top: number; all?: boolean; bands: boolean; partners?: boolean; json?: boolean }): Promise<void> {
  const inputs = await loadInputs(opts);
  const ally = findAlly(inputs.evidence.allies(), allyArg);
  const ledger = ledgerFor(inputs, opts.year, opts.partners === true);
  if (!ledger.allies.some((a) => a.ally === ally.iso3)) throw new Error(notInLedger(inputs, ally.iso3, ledger.year, opts.partners === true));
  const robustness = opts.bands ? await rankBand(inputs, ledger) : null;
  const why = whyThisRank(ledger, ally.iso3, { robustness, methodology: inputs.methodology });
  if (opts.json) return printJson(why);
  printText(explainText(why, pointWorth(inputs.methodology), opts.all ? null : opts.top));
}

export async function methodology(opts: InputOptions & { json?: boolean }): Promise<void> {
  const { evidence, methodology } = await loadInputs(opts);
  const lines = methodologyLines(methodology, new Map(evidence.sources.map((s) => [s.id, s])));
  if (opts.json) return printJson({ methodology: { id: methodology.methodology, version: methodology.version }, balance: methodology.balance, headings: pointWorth(methodology).headings, lines });
  printText(methodologyText(methodology, lines));
}
