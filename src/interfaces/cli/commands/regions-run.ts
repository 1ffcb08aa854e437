// The work of allies regions (defined in regions.ts), imported when it runs: the theaters side
// by side (src/analyses/regions.ts); the API's /api/regions serves the same results.
import type { Command } from 'commander';
import { compareTheaters, regionRobustness } from '../../../analyses/regions.ts';
import type { RegionRobustness, RegionsReport } from '../../../analyses/regions.ts';
import { Region } from '../../../evidence/schema.ts';
import { computeLedgerSeries } from '../../../method/ledger.ts';
import { drawSettingsOf, scoreMatrix } from '../../../method/robustness.ts';
import { printJson, printText, textTable } from '../format.ts';
import { ledgerFor, loadInputs } from './ledger-run.ts';
import { usage } from './options.ts';
import type { InputOptions } from './options.ts';

const num = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? 'missing' : x.toFixed(digits).replace(/^-/, '−'));
const signed = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? 'missing' : `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(digits)}`);
const cap = (r: string) => r.charAt(0).toUpperCase() + r.slice(1);

export function regionsText(report: RegionsReport, robust: RegionRobustness | null, top = 10): string {
  const [a, b] = report.regions;
  const out: string[] = [];
  out.push(`${report.regions.map(cap).join(' against ')}, ${report.year} · methodology ${report.methodology.id} ${report.methodology.version}\n`);
  out.push('\nThe allies\' net balance by region (ranked allies)\n');
  out.push(textTable(report.distribution, [
    { header: 'region', value: (d) => cap(d.region) },
    { header: 'allies', value: (d) => `${d.net.n}${d.unranked.length ? ` (+${d.unranked.length} not ranked)` : ''}`, align: 'right' },
    { header: 'min', value: (d) => num(d.net.min), align: 'right' },
    { header: 'lower quartile', value: (d) => num(d.net.q1), align: 'right' },
    { header: 'median', value: (d) => num(d.net.median), align: 'right' },
    { header: 'upper quartile', value: (d) => num(d.net.q3), align: 'right' },
    { header: 'max', value: (d) => num(d.net.max), align: 'right' },
    { header: 'mean', value: (d) => num(d.net.mean), align: 'right' },
  ]));
  for (const d of report.distribution) {
    out.push(`  ${cap(d.region)}: ${d.allies.map((x) => `${x.name} ${x.ranked ? num(x.net) : 'not ranked'}`).join(', ')}\n`);
  }
  out.push(`  Median ${cap(a)} minus median ${cap(b)}: ${signed(report.medianGap)} points.\n`);
  out.push(`\nThe line items where ${cap(a)} and ${cap(b)} differ most: mean points to the net (assets +, liabilities −)\n`);
  out.push(textTable(report.items.slice(0, top), [
    { header: 'line item', value: (i) => `${i.side === 'asset' ? 'A' : 'L'} · ${i.label}` },
    ...report.regions.slice(0, 2).map((r, k) => ({
      header: cap(r), align: 'right' as const,
      value: (i: RegionsReport['items'][number]) => `${signed(i.byRegion[k].mean, 2)} (n=${i.byRegion[k].n}${i.byRegion[k].missing.length ? `, ${i.byRegion[k].missing.length} missing` : ''})`,
    })),
    { header: 'difference', value: (i) => signed(i.difference, 2), align: 'right' },
    { header: 'sources', value: (i) => i.sources.slice(0, 4).join(' ') + (i.sources.length > 4 ? ` +${i.sources.length - 4}` : '') },
  ]));
  out.push(`\nSince ${report.series[0]?.year ?? report.year}: median net by region in each year's ledger\n`);
  out.push(textTable(report.series, [
    { header: 'year', value: (y) => String(y.year) },
    ...report.regions.map((r, k) => ({ header: `${cap(r)} median (n)`, value: (y: RegionsReport['series'][number]) => `${num(y.byRegion[k].median)} (${y.byRegion[k].n})`, align: 'right' as const })),
    { header: `${cap(a)} − ${cap(b)}`, value: (y) => signed(y.medianGap), align: 'right' },
  ]));
  if (robust) {
    out.push(`\nHow robust: in ${(robust.share * 100).toFixed(1)}% of ${robust.draws.toLocaleString('en-US')} robustness draws (seed ${robust.seed}) ${cap(robust.regions[0])}'s median net exceeds ${cap(robust.regions[1])}'s; `
      + `the difference in medians is ${signed(robust.gap.baseline)} on the methodology's weights, ${signed(robust.gap.low)} to ${signed(robust.gap.high)} in ${Math.round(robust.interval * 100)}% of draws.\n`);
  }
  out.push('\nDefinitions\n');
  for (const [k, v] of Object.entries(report.definitions)) out.push(`  ${k}: ${v}\n`);
  out.push(`Sources: ${report.sources.join(', ')}\n`);
  return out.join('');
}

export type RegionsOptions = InputOptions & { year?: number; regions: string; draws: number; top: number; json?: boolean };

export async function regions(opts: RegionsOptions, command: Command): Promise<void> {
  const chosen = [...new Set(opts.regions.split(','))];
  const bad = chosen.find((r) => !Region.safeParse(r).success);
  if (bad !== undefined || chosen.length < 2) usage(command, `--regions "${opts.regions}" must name two or more regions of ${Region.options.join(', ')}`);
  const inputs = await loadInputs(opts);
  const ledger = ledgerFor(inputs, opts.year);
  const report = compareTheaters(ledger, computeLedgerSeries(inputs), chosen);
  const m = inputs.methodology;
  const robust = opts.draws > 0
    ? regionRobustness(scoreMatrix(ledger, m), ledger, [chosen[0], chosen[1]], drawSettingsOf(m.robustness, { draws: opts.draws }), m.robustness.interval)
    : null;
  if (opts.json) return printJson({ ...report, robustness: robust });
  printText(regionsText(report, robust, opts.top));
}
