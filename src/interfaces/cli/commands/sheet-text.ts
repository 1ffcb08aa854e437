// `allies sheet` as text that fits the terminal. The T-account of src/method/present.ts
// (assets left, liabilities right) when it fits the width or with --wide; otherwise the two
// sides one under the other, each a table of the CLI's one layout (table-layout.ts): text
// wraps, and the lowest-priority columns (sources, then weight, score) are left out with a
// footer that names them.
import { formatNumber, tAccountText, valueText } from '../../../method/present.ts';
import type { AllyLedger, LedgerLine, YearLedger } from '../../../method/ledger.ts';
import { textTable } from '../format.ts';
import type { Column } from '../format.ts';
import { fitText, outputWidth, visibleWidth } from '../table-layout.ts';

const pct = (x: number) => `${Math.round(x * 100)}%`;

interface Row { label: string; line: LedgerLine | null }

/** One side as a table: a row per heading, then its lines; missing lines carry the note number of the T-account's notes. */
function sideTable(sheet: AllyLedger, side: 'asset' | 'liability', noted: LedgerLine[]): string {
  const rows: Row[] = [];
  let group = '';
  for (const line of sheet.lines.filter((l) => l.side === side)) {
    if (line.group !== group) rows.push({ label: (group = line.group), line: null });
    if (line.missing) noted.push(line);
    rows.push({ label: `  ${line.label}${line.missing ? ` [${noted.length}]` : ''}`, line });
  }
  const cell = (f: (l: LedgerLine) => string) => (r: Row) => (r.line ? f(r.line) : '');
  const columns: Column<Row>[] = [
    { header: side === 'asset' ? 'ASSETS' : 'LIABILITIES', value: (r) => r.label },
    { header: 'value', value: cell((l) => valueText(l, sheet.year)), priority: 2 },
    { header: 'score', value: cell((l) => (l.score === null ? '–' : l.score.toFixed(0))), align: 'right', priority: 1 },
    { header: 'weight', value: cell((l) => `${formatNumber(l.weight)}${l.score === null ? '' : ` (${pct(l.share)})`}`), align: 'right' },
    { header: 'pts', value: cell((l) => (l.contribution === null ? '–' : l.contribution.toFixed(1))), align: 'right', priority: 3 },
    { header: 'sources', value: cell((l) => (l.sources.length ? l.sources.join(', ') : l.missing ? 'no data' : '–')) },
  ];
  return textTable(rows, columns);
}

/** The balance sheet as text at the output width. */
export function sheetText(sheet: AllyLedger, ledger: YearLedger): string {
  const full = tAccountText(sheet, ledger);
  const width = outputWidth();
  if (width === null || full.split('\n').every((l) => visibleWidth(l) <= width)) return full;
  // The T-account's title above and its totals, standing and notes below the rule stay as they are, wrapped.
  const lines = full.split('\n');
  const rule = lines.findIndex((l) => l.startsWith('═'));
  const noted: LedgerLine[] = [];
  const sides = `${sideTable(sheet, 'asset', noted)}\n${sideTable(sheet, 'liability', noted)}`;
  return fitText([lines[0], '', sides.trimEnd(), '═'.repeat(Math.min(width, 100)), ...lines.slice(rule + 1)].join('\n'), width);
}
