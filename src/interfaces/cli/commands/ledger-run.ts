// The work of allies sheet | rank | robustness | burden (defined in ledger.ts), imported when
// one of them runs.
import path from 'node:path';
import type { Command } from 'commander';
import { findAlly } from '../../../method/allies.ts';
import { computeBurdenSharing, yearSpan } from '../../../method/burden.ts';
import { loadLedgerInputs } from '../../../method/files.ts';
import type { LedgerInputs } from '../../../method/files.ts';
import { computeLedger, computeLedgerSeries, latestYear } from '../../../method/ledger.ts';
import { absenceOf, standingOf } from '../../../method/membership.ts';
import type { YearLedger } from '../../../method/ledger.ts';
import { formatNumber, ledgerCsv, ledgerMarkdown, rankingRows } from '../../../method/present.ts';
import type { DrawSettings, RobustnessResult, SweepLevel } from '../../../method/robustness.ts';
import { csvTable, printJson, printText, textTable } from '../format.ts';
import type { Column } from '../format.ts';
import { outputFormat, usage } from './options.ts';
import { sheetText } from './sheet-text.ts';
import type { InputOptions } from './options.ts';

export function loadInputs(opts: InputOptions): Promise<LedgerInputs> {
  return loadLedgerInputs({
    evidenceDir: path.resolve(opts.evidence),
    methodologyFile: opts.method ? path.resolve(opts.method) : undefined,
    judgmentsFile: opts.judgments ? path.resolve(opts.judgments) : undefined,
  });
}

/** The year's ledger: its allies, and its partners (unranked) with `partners`. */
export function ledgerFor(inputs: LedgerInputs, requested: number | undefined, partners = false): YearLedger {
  const y = requested ?? latestYear(inputs);
  return computeLedger({ ...inputs, partners }, y);
}

/** Why a covered country has no sheet in a year's ledger, and how to see it anyway. */
export function notInLedger(inputs: LedgerInputs, iso3: string, year: number, partners: boolean): string {
  const a = absenceOf(inputs.evidence, iso3, year, { first: inputs.methodology.years.first, latest: latestYear(inputs) });
  const hint = a.partner && !partners ? ' Add --partners to see its sheet, scored on the allies\' scale and not ranked.'
    : a.alliedIn !== null ? ` Its ledgers as an ally start in ${a.alliedIn}: allies sheet ${iso3} --year ${a.alliedIn}.`
      : ' It is not an ally in any year the methodology covers.';
  return `${a.message}${hint}`;
}

const fixed = (digits: number) => (x: number | null) => (x === null ? '' : x.toFixed(digits));

export async function sheet(allyArg: string, opts: InputOptions & { year?: number; history?: boolean; partners?: boolean; json?: boolean; csv?: boolean; md?: boolean }, command: Command): Promise<void> {
  const format = outputFormat(command, opts);
  const inputs = await loadInputs(opts);
  const ally = findAlly(inputs.evidence.allies(), allyArg);
  if (opts.history) {
    const series = computeLedgerSeries({ ...inputs, partners: opts.partners === true }, opts.year === undefined ? {} : { to: opts.year });
    const rows = series.map((l) => ({ ledger: l, sheet: l.allies.find((a) => a.ally === ally.iso3) ?? null, standing: standingOf(inputs.evidence, ally.iso3, l.year)! }));
    if (format === 'json') {
      return printJson(rows.map((r) => (r.sheet ? { ...r.sheet, lines: undefined, rankedCount: r.ledger.rankedCount }
        : { ally: ally.iso3, name: ally.name, year: r.ledger.year, ledger: null, membership: r.standing })));
    }
    const none = (f: (r: (typeof rows)[number] & { sheet: NonNullable<(typeof rows)[number]['sheet']> }) => string) => (r: (typeof rows)[number]) => (r.sheet ? f({ ...r, sheet: r.sheet }) : '');
    const columns: Column<(typeof rows)[number]>[] = [
      { header: 'year', value: (r) => String(r.ledger.year) },
      { header: 'standing', value: (r) => (r.sheet ? r.standing.label : `${r.standing.label}: no ledger`) },
      { header: 'assets', value: none((r) => fixed(1)(r.sheet.assets)), align: 'right' },
      { header: 'liabilities', value: none((r) => fixed(1)(r.sheet.liabilities)), align: 'right' },
      { header: 'net', value: none((r) => fixed(1)(r.sheet.net)), align: 'right' },
      { header: 'rank', value: none((r) => (r.sheet.rank === null ? (r.sheet.partner ? 'partner' : 'unranked') : `${r.sheet.rank} of ${r.ledger.rankedCount}`)), align: 'right' },
      { header: 'coverage', value: none((r) => `${Math.round(r.sheet.coverage.overall * 100)}%`), align: 'right' },
    ];
    if (format === 'csv') return void process.stdout.write(csvTable(rows, columns));
    printText(`${ally.name} (${ally.iso3}): balance-sheet history, methodology ${inputs.methodology.methodology} ${inputs.methodology.version}\n` +
      'Standing on 31 December of each year; a year it is no ally has no ledger (partners with --partners).\n\n' + textTable(rows, columns));
    return;
  }
  const ledger = ledgerFor(inputs, opts.year, opts.partners === true);
  const sheet = ledger.allies.find((a) => a.ally === ally.iso3);
  if (!sheet) throw new Error(notInLedger(inputs, ally.iso3, ledger.year, opts.partners === true));
  if (format === 'json') return printJson({ methodology: ledger.methodology, rankedCount: ledger.rankedCount, ...sheet });
  process.stdout.write(format === 'csv' ? ledgerCsv([sheet]) : format === 'md' ? ledgerMarkdown(sheet, ledger) : sheetText(sheet, ledger));
}

export async function rank(opts: InputOptions & { year?: number; region?: string; partners?: boolean; json?: boolean; csv?: boolean }, command: Command): Promise<void> {
  const format = outputFormat(command, opts);
  const inputs = await loadInputs(opts);
  const regions = [...new Set(inputs.evidence.allies().map((a) => a.region).filter((r): r is string => r !== null))].sort();
  if (opts.region !== undefined && !regions.includes(opts.region)) usage(command, `--region must be one of ${regions.join(', ')}`);
  const ledger = ledgerFor(inputs, opts.year, opts.partners === true);
  const rows = rankingRows(ledger, opts.region);
  if (format === 'json') return printJson({ methodology: ledger.methodology, year: ledger.year, region: opts.region ?? null, rankedCount: ledger.rankedCount, membership: ledger.membership, rows });
  const columns: Column<(typeof rows)[number]>[] = [
    { header: 'rank', value: (r) => (r.rank === null ? '–' : String(r.rank)), align: 'right' },
    { header: 'ally', value: (r) => r.ally },
    { header: 'name', value: (r) => r.name },
    { header: 'region', value: (r) => r.region ?? '' },
    { header: 'standing', value: (r) => (r.partner ? 'partner (not ranked)' : r.standing_label) },
    { header: 'assets', value: (r) => fixed(1)(r.assets), align: 'right' },
    { header: 'liabilities', value: (r) => fixed(1)(r.liabilities), align: 'right' },
    { header: 'net', value: (r) => fixed(1)(r.net), align: 'right' },
    { header: 'coverage', value: (r) => `${Math.round(r.coverage * 100)}%`, align: 'right' },
  ];
  if (format === 'csv') return void process.stdout.write(csvTable(rows, columns));
  const unranked = rows.filter((r) => r.rank === null && !r.partner).length;
  const c = ledger.membership.counts;
  const partners = ledger.membership.partners;
  const partnerNote = !partners.length ? 'No partners this year.'
    : ledger.membership.partnersShown ? `Partners shown below the allies, unranked and scored on the allies' scale: ${partners.join(' ')}.`
      : `Partners left out: ${partners.join(' ')} (--partners shows them, unranked).`;
  printText(`Allies ranked by net, ${ledger.year}${opts.region ? `, ${opts.region}` : ''} · methodology ${ledger.methodology.id} ${ledger.methodology.version}\n` +
    `The allies of ${ledger.year} (standing on 31 December): ${c.treaty} treaty allies, ${c.mnna} major non-NATO allies, ${c['treated-as-mnna']} treated as one. ${partnerNote}\n` +
    `Ranks are among all ${ledger.rankedCount} ranked allies; ${unranked ? `${unranked} shown unranked (coverage below ${Math.round(inputs.methodology.ranking.min_coverage * 100)}%)` : 'none unranked'}.\n\n` +
    textTable(rows, columns));
}

export async function robustness(opts: InputOptions & { draws?: number; seed?: number; year?: number; scheme?: string; concentration: number; weightsOnly?: boolean; sweep: boolean; threads?: number; partners?: boolean; json?: boolean; csv?: boolean }, command: Command): Promise<void> {
  const format = outputFormat(command, opts);
  // The draws' modules and the worker pool load only for robustness (sheet and rank do not
  // need them). With --draws given, the workers start first: they load their modules and
  // compile the kernel while this thread loads the evidence.
  const { RobustnessPool } = await import('../../../method/robustness-parallel.ts');
  const pool = new RobustnessPool(opts.threads);
  let result: RobustnessResult;
  const sweep: SweepLevel[] = [];
  let ledger: YearLedger;
  try {
    if (opts.draws !== undefined) pool.prestart(opts.draws);
    const inputs = await loadInputs(opts);
    // Partners never enter the draws (scoreMatrix leaves them out); --partners only lists them.
    ledger = ledgerFor(inputs, opts.year, opts.partners === true);
    const { drawSettingsOf, scoreMatrix } = await import('../../../method/robustness.ts');
    const matrix = scoreMatrix(ledger, inputs.methodology);
    const r = inputs.methodology.robustness;
    const override: Partial<DrawSettings> = {};
    if (opts.draws !== undefined) override.draws = opts.draws;
    if (opts.seed !== undefined) override.seed = opts.seed;
    if (opts.scheme === 'dirichlet') override.weights = { kind: 'dirichlet', concentration: opts.concentration };
    if (opts.scheme === 'multiplier') override.weights = { kind: 'log-multiplier', low: r.weights.scheme === 'multiplier' ? r.weights.low : 0.5, high: r.weights.scheme === 'multiplier' ? r.weights.high : 2 };
    if (opts.weightsOnly) Object.assign(override, { data: false, judgments: false });
    // Text and CSV print no score intervals: their draws keep no score histograms (the same
    // totals, ranks and probabilities, without the cost of counting every score).
    if (format !== 'json') override.scores = false;
    const settings = drawSettingsOf(r, override);
    // Each sweep level runs until its printed figures are stable (at least 100,000 draws, at
    // most --draws): see runSweep in src/method/robustness.ts. The sweep starts as the run's
    // last chunks finish, so no thread waits between them; neither result depends on it.
    const [run, levels] = await Promise.all([
      pool.run(matrix, settings, r.interval),
      opts.sweep ? pool.sweep(matrix, r.sweep, settings.draws, settings.seed, r.interval) : Promise.resolve([]),
    ]);
    result = run;
    sweep.push(...levels);
  } finally {
    await pool.close();
  }
  const shownPartners = ledger.allies.filter((a) => a.partner).map((a) => ({ ally: a.ally, name: a.name, standing: a.membership.standing, net: a.net, reason: a.membership.reason }));
  if (format === 'json') return printJson({ methodology: ledger.methodology, ...result, sweep, ...(opts.partners ? { partners: shownPartners } : {}) });
  const names = new Map(ledger.allies.map((a) => [a.ally, a.name]));
  const rows = [...result.allies].sort((a, b) => a.baseline.rank - b.baseline.rank);
  const pct = (p: number) => `${(p * 100).toFixed(p > 0 && p < 0.01 ? 1 : 0)}%`;
  const columns: Column<(typeof rows)[number]>[] = [
    { header: 'rank', value: (a) => String(a.baseline.rank), align: 'right' },
    { header: 'ally', value: (a) => a.ally },
    { header: 'name', value: (a) => names.get(a.ally) ?? a.ally },
    { header: 'net', value: (a) => a.baseline.net.toFixed(1), align: 'right' },
    { header: `net ${Math.round(result.interval * 100)}% interval`, value: (a) => `${a.net.low.toFixed(1)} to ${a.net.high.toFixed(1)}`, align: 'right' },
    { header: 'P(net>0)', value: (a) => pct(a.pNetPositive), align: 'right' },
    { header: 'P(same rank)', value: (a) => pct(a.rankProbabilities[a.baseline.rank - 1]), align: 'right' },
    { header: 'modal rank', value: (a) => String(a.modalRank), align: 'right' },
    { header: 'rank interval', value: (a) => `${a.rankInterval[0]}-${a.rankInterval[1]}`, align: 'right' },
    { header: 'assets interval', value: (a) => `${a.assets.low.toFixed(1)} to ${a.assets.high.toFixed(1)}`, align: 'right' },
    { header: 'liabilities interval', value: (a) => `${a.liabilities.low.toFixed(1)} to ${a.liabilities.high.toFixed(1)}`, align: 'right' },
  ];
  if (format === 'csv') return void process.stdout.write(csvTable(rows, columns));
  const w = result.weights;
  const scheme = w.kind === 'dirichlet' ? `Dirichlet around the default weights (concentration ${w.concentration})`
    : w.kind === 'log-multiplier' ? `each weight x a log-uniform multiplier in [${w.low}, ${w.high}]` : w.kind;
  const out = [
    `Robustness of the ${ledger.year} ranking · methodology ${ledger.methodology.id} ${ledger.methodology.version}`,
    `${result.draws.toLocaleString('en-US')} draws, seed ${result.seed}: ${scheme}; data ranges ${result.data ? 'drawn' : 'fixed'}; judgment ranges ${result.judgments ? 'drawn' : 'fixed'}.`,
    `The whole ranking equals the baseline in ${pct(result.pSameOrder)} of draws.`,
    '',
    textTable(rows, columns),
  ];
  if (opts.partners) {
    out.push(shownPartners.length
      ? `Partners of ${ledger.year}, not ranked and not drawn (baseline net on the allies' scale): ${shownPartners.map((p) => `${p.name} (${p.ally}) ${p.net === null ? '–' : p.net.toFixed(1)}`).join('; ')}.\n`
      : `No partners in ${ledger.year}.\n`);
  }
  if (sweep.length) {
    out.push('ASPI-style check: every weight moves independently by up to the stated fraction (uniform); how often the ranking holds.', '');
    out.push(textTable(sweep, [
      { header: 'weights move up to', value: (s) => `±${Math.round(s.change * 100)}%`, align: 'right' },
      { header: 'P(whole ranking holds)', value: (s) => pct(s.pSameOrder), align: 'right' },
      { header: 'mean P(ally keeps its rank)', value: (s) => pct(s.allies.reduce((t, a) => t + a.pSameRank, 0) / s.allies.length), align: 'right' },
      { header: 'top 10 P(keeps rank), worst', value: (s) => pct(Math.min(...s.allies.filter((a) => a.baselineRank <= 10).map((a) => a.pSameRank))), align: 'right' },
      { header: 'largest rank shift', value: (s) => String(Math.max(...s.allies.map((a) => a.maxShift))), align: 'right' },
      { header: 'mean |shift|', value: (s) => formatNumber(s.allies.reduce((t, a) => t + a.meanAbsShift, 0) / s.allies.length), align: 'right' },
    ]));
  }
  printText(out.join('\n'));
}

export async function burden(opts: InputOptions & { year?: number; json?: boolean; csv?: boolean }, command: Command): Promise<void> {
  const format = outputFormat(command, opts);
  const { evidence, methodology } = await loadInputs(opts);
  const y = opts.year ?? latestYear({ evidence, methodology });
  const report = computeBurdenSharing(evidence, methodology, y);
  if (format === 'json') return printJson(report);
  type Row = (typeof report.rows)[number];
  // Each value with its year: ratio (contribution year/ability year), level (year).
  const cellText = (c: (typeof report.contributions)[number]) => (r: Row) => {
    const cell = r.cells[c.id];
    if (c.measure === 'level') return cell.contribution ? `${formatNumber(cell.contribution.value)} (${cell.contribution.year})` : '–';
    return cell.ratio === null ? '–' : `${cell.ratio.toFixed(2)} (${cell.contribution!.year}/${cell.ability!.year})`;
  };
  const first = report.contributions[0].id;
  const rows = report.rows.filter((r) => report.contributions.some((c) => r.cells[c.id].ratio !== null || (c.measure === 'level' && r.cells[c.id].contribution !== null)))
    .sort((a, b) => (b.cells[first].ratio ?? -1) - (a.cells[first].ratio ?? -1) || (a.country < b.country ? -1 : 1));
  const columns: Column<Row>[] = [
    { header: 'country', value: (r) => r.country },
    { header: 'name', value: (r) => `${r.name}${r.ally ? '' : ' (not an ally)'}` },
    ...report.contributions.map((c) => ({ header: c.measure === 'level' ? `${c.label} (year)` : `${c.label} ratio (years)`, value: cellText(c), align: 'right' as const })),
  ];
  if (format === 'csv') {
    return void process.stdout.write(csvTable(report.rows, [
      { header: 'country', value: (r) => r.country },
      { header: 'ally', value: (r) => r.ally },
      { header: 'ability', value: (r) => r.ability?.value ?? null },
      { header: 'ability_year', value: (r) => r.ability?.year ?? null },
      ...report.contributions.flatMap((c): Column<Row>[] => [
        { header: `${c.id}`, value: (r) => r.cells[c.id].contribution?.value ?? null },
        { header: `${c.id}_year`, value: (r) => r.cells[c.id].contribution?.year ?? null },
        { header: `${c.id}_ability_indicator`, value: () => c.ability?.indicator ?? null },
        { header: `${c.id}_ability`, value: (r) => r.cells[c.id].ability?.value ?? null },
        { header: `${c.id}_ability_year`, value: (r) => r.cells[c.id].ability?.year ?? null },
        { header: `${c.id}_share`, value: (r) => r.cells[c.id].share },
        { header: `${c.id}_ability_share`, value: (r) => r.cells[c.id].abilityShare },
        { header: `${c.id}_ratio`, value: (r) => r.cells[c.id].ratio },
        { header: `${c.id}_rank`, value: (r) => r.cells[c.id].rank },
        { header: `${c.id}_reason`, value: (r) => r.cells[c.id].reason },
      ]),
    ]));
  }
  const years = (span: [number, number] | null) => yearSpan(span);
  const out = [
    `Burden-sharing ratios, ${y} (DoD method): a country's share of the allied total of a contribution / its share of the allied total of the contribution's ability measure; 1.00 = a fair share. No ratio over fewer than ${report.minCountries} countries.`,
    ...report.contributions.map((c) => {
      const missing = c.missing.length ? `; no data for ${c.missing.length} ${c.missing.length === 1 ? 'ally' : 'allies'} (${c.missing.join(' ')})` : '';
      if (c.measure === 'level') return `  ${c.label} (${c.indicator}, ${c.unit}): the value itself, no ratio; ${c.counted} countries, values of ${years(c.years.contribution)}${c.reason ? `; ${c.reason}` : ''}${missing}`;
      const totals = c.total === null ? `no ratio: ${c.reason}` : `total ${Math.round(c.total).toLocaleString('en-US')} ${c.unit}`;
      return `  ${c.label} (${c.indicator}, values of ${years(c.years.contribution)}) against ${c.ability!.label} (${c.ability!.indicator}, values of ${years(c.years.ability)}): ${c.counted} countries counted, ${totals}${missing}`
        + (c.ability!.proxy ? `\n    proxy: ${c.ability!.note}` : '');
    }),
    'Years in brackets: (contribution/ability) for ratios, (year) for levels.',
    '',
    textTable(rows, columns),
    `Sources: ${report.sources.join(', ')}`,
    '',
  ];
  printText(out.join('\n'));
}
