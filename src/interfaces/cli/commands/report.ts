// allies report | export: "The Balance Sheet of U.S. Allies <year>" as HTML, Markdown and PDF
// (src/reports), and the ledgers, evidence and sources as CSV, XLSX, Parquet, JSON, BibTeX or
// CSL-JSON (src/exports). A progress bar on standard error while a report is produced.
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { EVIDENCE_DIR, loadEvidence } from '../../../evidence/load.ts';
import {
  CITATION_FORMATS, TABLE_FORMATS, citationText, evidenceTable, isTextFormat, ledgerTable, sourcesTable, tableText, writeFileAtomic, writeTable,
} from '../../../exports/index.ts';
import type { CitationFormat, ExportTable, TableFormat } from '../../../exports/index.ts';
import { findAlly } from '../../../method/allies.ts';
import { loadLedgerInputs } from '../../../method/files.ts';
import { computeLedger, latestYear } from '../../../method/ledger.ts';
import { REPORT_FORMATS, buildReport } from '../../../reports/build.ts';
import type { ReportFormat } from '../../../reports/build.ts';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return Number(value);
  };
}

const year = (flag: string) => integer(flag, 1800, 2100);

function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

function reportFormats(value: string, previous: ReportFormat[] = []): ReportFormat[] {
  const asked = list(value);
  const bad = asked.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length) throw new InvalidArgumentError(`--format ${bad.join(',')}: choose from ${REPORT_FORMATS.join(', ')} (several: --format html,md,pdf)`);
  return [...new Set([...previous, ...(asked as ReportFormat[])])];
}

interface ReportCommandOptions {
  year?: number;
  allies?: string[];
  method?: string;
  judgments?: string;
  evidence: string;
  scenario?: string[];
  format: ReportFormat[];
  out: string;
  draws?: number;
  progress: boolean;
}

function progressBar(enabled: boolean) {
  if (!enabled || !process.stderr.isTTY) return null;
  return new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'report [{bar}] {percentage}% | {value}/{total} | {step}',
    hideCursor: true,
    clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
}

async function runReport(opts: ReportCommandOptions): Promise<void> {
  const bar = progressBar(opts.progress);
  let started = false;
  try {
    const result = await buildReport({
      formats: opts.format,
      outDir: opts.out,
      year: opts.year,
      allies: opts.allies,
      evidenceDir: path.resolve(opts.evidence),
      methodologyFile: opts.method ? path.resolve(opts.method) : undefined,
      judgmentsFile: opts.judgments ? path.resolve(opts.judgments) : undefined,
      scenarios: opts.scenario,
      draws: opts.draws,
    }, (done, total, step) => {
      if (!bar) return;
      if (!started) {
        bar.start(total, done, { step });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { step });
    });
    bar?.stop();
    const seconds = Object.values(result.timings).reduce((s, t) => s + t, 0);
    process.stdout.write(`${result.model.title}: ${result.model.chapters.length} chapters, ${result.model.bibliography.length} sources, in ${seconds.toFixed(1)} s\n`);
    for (const file of result.files.filter((f) => !f.includes(`${path.sep}figures${path.sep}`))) process.stdout.write(`  ${shown(file)}\n`);
    const figures = result.files.filter((f) => f.includes(`${path.sep}figures${path.sep}`)).length;
    if (figures) process.stdout.write(`  ${figures} figures in ${shown(path.join(path.resolve(opts.out), 'figures'))}/\n`);
  } finally {
    bar?.stop();
  }
}

/** A path as the user should see it: relative inside the working directory, else absolute. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

type ExportKind = 'ledgers' | 'evidence' | 'sources';

interface ExportCommandOptions {
  format: TableFormat | CitationFormat;
  out?: string;
  evidence: string;
  year?: number;
  from?: number;
  to?: number;
  allies?: string[];
  method?: string;
  judgments?: string;
  country?: string[];
  indicator?: string[];
  source?: string;
}

async function ledgersExport(opts: ExportCommandOptions): Promise<ExportTable> {
  const inputs = await loadLedgerInputs({
    evidenceDir: path.resolve(opts.evidence),
    methodologyFile: opts.method ? path.resolve(opts.method) : undefined,
    judgmentsFile: opts.judgments ? path.resolve(opts.judgments) : undefined,
  });
  const latest = latestYear(inputs);
  const single = opts.year ?? (opts.from === undefined && opts.to === undefined ? latest : undefined);
  const from = single ?? opts.from ?? inputs.methodology.years.first;
  const to = single ?? opts.to ?? latest;
  if (from > to) throw new InvalidArgumentError(`--from ${from} is after --to ${to}`);
  const wanted = opts.allies ? new Set(opts.allies.map((q) => findAlly(inputs.evidence.allies(), q).iso3)) : null;
  const ledgers = [];
  // Normalization and ranks are always among all covered allies; --allies only filters rows.
  for (let y = from; y <= to; y++) ledgers.push(...computeLedger(inputs, y).allies.filter((l) => !wanted || wanted.has(l.ally)));
  return ledgerTable(ledgers);
}

async function evidenceExport(opts: ExportCommandOptions): Promise<ExportTable> {
  const evidence = await loadEvidence(path.resolve(opts.evidence), opts.indicator ? { indicators: opts.indicator } : {});
  const unknown = (opts.indicator ?? []).filter((id) => !evidence.indicator(id));
  if (unknown.length) throw new InvalidArgumentError(`unknown indicator ${unknown.join(', ')}; see \`allies observations --help\` and evidence/indicators.csv`);
  const countries = opts.country?.map((c) => c.toUpperCase());
  return evidenceTable(evidence.query({ country: countries, indicator: opts.indicator, source: opts.source, from: opts.from ?? opts.year, to: opts.to ?? opts.year }));
}

async function sourcesData(opts: ExportCommandOptions) {
  const evidence = await loadEvidence(path.resolve(opts.evidence), { indicators: [] });
  return { sources: evidence.sources, files: evidence.sourceFiles };
}

async function runExport(what: ExportKind, opts: ExportCommandOptions): Promise<void> {
  const citation = (CITATION_FORMATS as readonly string[]).includes(opts.format);
  if (citation && what !== 'sources') throw new InvalidArgumentError(`--format ${opts.format} is for citations: use it with \`allies export sources\``);
  if (!isTextFormat(opts.format) && !opts.out) throw new InvalidArgumentError(`${opts.format} is a binary format: give --out FILE`);
  let text: string | null = null;
  let table: ExportTable | null = null;
  if (citation) {
    const { sources, files } = await sourcesData(opts);
    text = citationText(sources, files, opts.format as CitationFormat);
  } else {
    if (what === 'sources') {
      const { sources, files } = await sourcesData(opts);
      table = sourcesTable(sources, files);
    } else table = what === 'ledgers' ? await ledgersExport(opts) : await evidenceExport(opts);
    if (isTextFormat(opts.format)) text = tableText(table, opts.format as 'csv' | 'json');
  }
  if (!opts.out) {
    process.stdout.write(text!);
    return;
  }
  const out = path.resolve(opts.out);
  if (text !== null) await writeFileAtomic(out, text);
  else await writeTable(table!, opts.format as TableFormat, out);
  const written = table ? `${table.rows.length.toLocaleString('en-US')} rows of ${table.name}` : `${what} as ${opts.format}`;
  process.stderr.write(`wrote ${written} to ${shown(out)}\n`);
}

export function registerReportCommands(program: Command): void {
  program.command('report')
    .description('"The Balance Sheet of U.S. Allies <year>": executive summary with the ranking and a map, one chapter per ally, Asia and Europe compared, scenarios, methodology and data appendices, bibliography; as HTML, Markdown and PDF')
    .requiredOption('--out <dir>', 'directory for report.html, report.md (+ figures/), report.pdf, sources.bib and sources.csl.json; each run replaces it whole (a folder holding other files is refused)')
    .option('--format <formats>', `one or more of ${REPORT_FORMATS.join(', ')}, comma-separated (the PDF needs Chromium or Chrome)`, reportFormats)
    .option('--year <year>', 'ledger year (default: the methodology\'s latest year)', year('--year'))
    .option('--allies <list>', 'chapters only for these allies (ISO codes or names, comma-separated); scores and ranks stay among all covered allies', list)
    .option('--scenario <name...>', 'add the results of these scenarios (built-in names or scenario files)')
    .option('--method <file>', 'methodology file (default: methods/default.yaml)')
    .option('--judgments <file>', 'your judgments, laid over judgments/default.yaml')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--draws <n>', 'robustness draws (default: the methodology\'s)', integer('--draws', 1, 10_000_000))
    .option('--no-progress', 'no progress bar')
    .action(async (opts: Omit<ReportCommandOptions, 'format'> & { format?: ReportFormat[] }) => {
      await runReport({ ...opts, format: opts.format ?? ['html'] });
    });

  program.command('export')
    .description('export the ledgers, the evidence or the sources as CSV, XLSX, Parquet or JSON; the sources also as BibTeX or CSL-JSON citations')
    .argument('<what>', 'ledgers | evidence | sources', (v) => {
      if (v !== 'ledgers' && v !== 'evidence' && v !== 'sources') throw new InvalidArgumentError('choose ledgers, evidence or sources');
      return v;
    })
    .requiredOption('--format <format>', `${TABLE_FORMATS.join(' | ')}; for sources also ${CITATION_FORMATS.join(' | ')}`, (v) => {
      if (![...TABLE_FORMATS, ...CITATION_FORMATS].includes(v as TableFormat)) throw new InvalidArgumentError(`choose one of ${[...TABLE_FORMATS, ...CITATION_FORMATS].join(', ')}`);
      return v;
    })
    .option('--out <file>', 'file to write (written whole or not at all); default: standard output for text formats')
    .option('--evidence <dir>', 'evidence directory', EVIDENCE_DIR)
    .option('--year <year>', 'ledgers: the year (default: the latest); evidence: only this year', year('--year'))
    .option('--from <year>', 'first year (ledgers: one ledger per year from here)', year('--from'))
    .option('--to <year>', 'last year', year('--to'))
    .option('--allies <list>', 'ledgers: only these allies (ISO codes or names, comma-separated)', list)
    .option('--method <file>', 'ledgers: methodology file')
    .option('--judgments <file>', 'ledgers: your judgments, laid over the defaults')
    .option('--country <list>', 'evidence: only these countries (ISO codes, comma-separated)', list)
    .option('--indicator <list>', 'evidence: only these indicators (comma-separated)', list)
    .option('--source <id>', 'evidence: only observations from this source')
    .action(async (what: ExportKind, opts: ExportCommandOptions) => {
      await runExport(what, opts);
    });
}
