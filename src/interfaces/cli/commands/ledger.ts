// allies sheet | rank | robustness | burden: the balance-sheet engine (src/method) at the
// command line. Each command loads the evidence, the methodology and the judgments (a user's
// files when given), calls the pure engine, and prints text, Markdown, CSV or JSON.
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { EVIDENCE_DIR } from '../../../evidence/load.ts';
import { findAlly } from '../../../method/allies.ts';
import { computeBurdenSharing, yearSpan } from '../../../method/burden.ts';
import { loadLedgerInputs } from '../../../method/files.ts';
import type { LedgerInputs } from '../../../method/files.ts';
import { computeLedger, computeLedgerSeries, latestYear } from '../../../method/ledger.ts';
import { absenceOf, standingOf } from '../../../method/membership.ts';
import type { YearLedger } from '../../../method/ledger.ts';
import { formatNumber, ledgerCsv, ledgerMarkdown, rankingRows, tAccountText } from '../../../method/present.ts';
import { RobustnessPool } from '../../../method/robustness-parallel.ts';
import { drawSettingsOf, scoreMatrix } from '../../../method/robustness.ts';
import type { DrawSettings, RobustnessResult, SweepLevel } from '../../../method/robustness.ts';
import { csvTable, printJson, textTable } from '../format.ts';
import type { Column } from '../format.ts';

export interface InputOptions {
  method?: string;
  judgments?: string;
  evidence: string;
}

export function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return Number(value);
  };
}

export const year = integer('--year', 1800, 2100);

export function withInputs(command: Command): Command {
  return command
    .option('--method <file>', 'methodology file (default: methods/default.yaml)')
    .option('--judgments <file>', 'your judgments, laid over judgments/default.yaml (your ratings replace the defaults for the allies and judgments they rate)')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR);
}

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

const PARTNERS_HELP = 'also show the year\'s partners (covered countries that are neither treaty allies nor major non-NATO allies, e.g. Saudi Arabia): scored on the allies\' scale, flagged, never ranked';

/** A usage error found after parsing: commander prints it and the CLI exits with 2. */
function usage(command: Command, message: string): never {
  return command.error(`error: ${message}`, { exitCode: 2, code: 'allies.usage' });
}

export function outputFormat(command: Command, opts: { json?: boolean; csv?: boolean; md?: boolean }): 'json' | 'csv' | 'md' | 'text' {
  const chosen = (['json', 'csv', 'md'] as const).filter((f) => opts[f]);
  if (chosen.length > 1) usage(command, `choose one output format, not ${chosen.map((f) => `--${f}`).join(' and ')}`);
  return chosen[0] ?? 'text';
}

const fixed = (digits: number) => (x: number | null) => (x === null ? '' : x.toFixed(digits));

export function registerLedgerCommands(program: Command): void {
  withInputs(program.command('sheet')
    .description('the balance sheet of an ally as a T-account: assets left, liabilities right, net below, a source on every line')
    .argument('<ally>', 'ISO code or name, e.g. JPN or Japan')
    .option('--year <year>', 'year of the ledger (default: the latest year of the methodology)', year)
    .option('--history', 'one row per year from the methodology\'s first year: standing, assets, liabilities, net, rank, coverage (years it is no ally are listed without a ledger)')
    .option('--partners', 'show the sheet of a partner of the year (e.g. Saudi Arabia), scored on the allies\' scale and not ranked')
    .option('--json', 'print JSON (every line with its observations, judgments and sources)')
    .option('--csv', 'print CSV (one row per line item, then the totals)')
    .option('--md', 'print Markdown'))
    .action(async (allyArg: string, opts: InputOptions & { year?: number; history?: boolean; partners?: boolean; json?: boolean; csv?: boolean; md?: boolean }, command: Command) => {
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
        process.stdout.write(format === 'csv' ? csvTable(rows, columns) : `${ally.name} (${ally.iso3}): balance-sheet history, methodology ${inputs.methodology.methodology} ${inputs.methodology.version}\n` +
          'Standing on 31 December of each year; a year it is no ally has no ledger (partners with --partners).\n\n' + textTable(rows, columns));
        return;
      }
      const ledger = ledgerFor(inputs, opts.year, opts.partners === true);
      const sheet = ledger.allies.find((a) => a.ally === ally.iso3);
      if (!sheet) throw new Error(notInLedger(inputs, ally.iso3, ledger.year, opts.partners === true));
      if (format === 'json') return printJson({ methodology: ledger.methodology, rankedCount: ledger.rankedCount, ...sheet });
      process.stdout.write(format === 'csv' ? ledgerCsv([sheet]) : format === 'md' ? ledgerMarkdown(sheet, ledger) : tAccountText(sheet, ledger));
    });

  withInputs(program.command('rank')
    .description('the allies ranked by net (assets minus liabilities) for a year')
    .option('--year <year>', 'year (default: the latest year of the methodology)', year)
    .option('--region <region>', 'only allies of this region: asia | europe | americas | middle-east | africa')
    .option('--partners', PARTNERS_HELP)
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV'))
    .action(async (opts: InputOptions & { year?: number; region?: string; partners?: boolean; json?: boolean; csv?: boolean }, command: Command) => {
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
      process.stdout.write(`Allies ranked by net, ${ledger.year}${opts.region ? `, ${opts.region}` : ''} · methodology ${ledger.methodology.id} ${ledger.methodology.version}\n` +
        `The allies of ${ledger.year} (standing on 31 December): ${c.treaty} treaty allies, ${c.mnna} major non-NATO allies, ${c['treated-as-mnna']} treated as one. ${partnerNote}\n` +
        `Ranks are among all ${ledger.rankedCount} ranked allies; ${unranked ? `${unranked} shown unranked (coverage below ${Math.round(inputs.methodology.ranking.min_coverage * 100)}%)` : 'none unranked'}.\n\n` +
        textTable(rows, columns));
    });

  withInputs(program.command('robustness')
    .description('Monte Carlo over weights, data ranges and judgment ranges: intervals, rank probabilities, P(net > 0), and the ASPI-style weight sweep')
    .option('--draws <n>', 'number of draws (default: the methodology\'s)', integer('--draws', 1, 100_000_000))
    .option('--seed <s>', 'random seed (default: the methodology\'s); the same seed gives the same result', integer('--seed', 0, 2 ** 32 - 1))
    .option('--year <year>', 'year (default: the latest year of the methodology)', year)
    .option('--scheme <scheme>', 'weight draws: multiplier (bounded multipliers, the methodology\'s bounds) | dirichlet', (v) => {
      if (v !== 'multiplier' && v !== 'dirichlet') throw new InvalidArgumentError('--scheme must be multiplier or dirichlet');
      return v;
    })
    .option('--concentration <k>', 'Dirichlet concentration (with --scheme dirichlet)', (v) => {
      const k = Number(v);
      if (!(k > 0)) throw new InvalidArgumentError('--concentration must be a positive number');
      return k;
    }, 50)
    .option('--weights-only', 'draw weights only (data and judgments at their values)')
    .option('--no-sweep', 'skip the ASPI-style sweep of weight changes')
    .option('--threads <n>', 'threads (default: the machine\'s cores)', integer('--threads', 1, 64))
    .option('--partners', 'list the year\'s partners after the allies with their baseline net (never drawn: partners are not ranked)')
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV (one row per ally)'))
    .action(async (opts: InputOptions & { draws?: number; seed?: number; year?: number; scheme?: string; concentration: number; weightsOnly?: boolean; sweep: boolean; threads?: number; partners?: boolean; json?: boolean; csv?: boolean }, command: Command) => {
      const format = outputFormat(command, opts);
      const inputs = await loadInputs(opts);
      // Partners never enter the draws (scoreMatrix leaves them out); --partners only lists them.
      const ledger = ledgerFor(inputs, opts.year, opts.partners === true);
      const matrix = scoreMatrix(ledger, inputs.methodology);
      const r = inputs.methodology.robustness;
      const override: Partial<DrawSettings> = {};
      if (opts.draws !== undefined) override.draws = opts.draws;
      if (opts.seed !== undefined) override.seed = opts.seed;
      if (opts.scheme === 'dirichlet') override.weights = { kind: 'dirichlet', concentration: opts.concentration };
      if (opts.scheme === 'multiplier') override.weights = { kind: 'log-multiplier', low: r.weights.scheme === 'multiplier' ? r.weights.low : 0.5, high: r.weights.scheme === 'multiplier' ? r.weights.high : 2 };
      if (opts.weightsOnly) Object.assign(override, { data: false, judgments: false });
      const settings = drawSettingsOf(r, override);
      const pool = new RobustnessPool(opts.threads);
      let result: RobustnessResult;
      const sweep: SweepLevel[] = [];
      try {
        result = await pool.run(matrix, settings, r.interval);
        // Each level runs until its printed figures are stable (at least 100,000 draws, at most
        // --draws): see runSweep in src/method/robustness.ts.
        if (opts.sweep) sweep.push(...await pool.sweep(matrix, r.sweep, settings.draws, settings.seed, r.interval));
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
      process.stdout.write(out.join('\n'));
    });

  program.command('burden')
    .description('burden-sharing ratios in the DoD manner: share of the allied total of a contribution / share of the allied total of its ability measure (GDP for spending, labour force for manpower; 1.0 = fair share), and DoD\'s offset share for cost sharing, each value with its year')
    .option('--year <year>', 'year (default: the latest year of the methodology)', year)
    .option('--method <file>', 'methodology file (default: methods/default.yaml)')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV')
    .action(async (opts: InputOptions & { year?: number; json?: boolean; csv?: boolean }, command: Command) => {
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
      process.stdout.write(out.join('\n'));
    });
}
