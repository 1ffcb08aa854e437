// allies report | export, the work: imported by the commands in report.ts only when they run,
// so that the CLI starts without the report builder (Plot, linkedom, the PDF code) or exceljs.
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { loadEvidence } from '../../../evidence/load.ts';
import { writeFileAtomic } from '../../../exports/atomic.ts';
import { CITATION_FORMATS, citationText, isTextFormat, tableText, writeTable } from '../../../exports/formats.ts';
import type { CitationFormat, TableFormat } from '../../../exports/formats.ts';
import { evidenceTable, ledgerTable, sourcesTable } from '../../../exports/table.ts';
import type { ExportTable } from '../../../exports/table.ts';
import { findAlly } from '../../../method/allies.ts';
import { loadLedgerInputs } from '../../../method/files.ts';
import { computeLedger, latestYear } from '../../../method/ledger.ts';
import { buildReport } from '../../../reports/build.ts';
import type { ReportFormat } from '../../../reports/formats.ts';

export interface ReportCommandOptions {
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

export async function runReport(opts: ReportCommandOptions): Promise<void> {
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

export type ExportKind = 'ledgers' | 'evidence' | 'sources';

export interface ExportCommandOptions {
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
  return ledgerTable(ledgers, inputs.evidence);
}

async function evidenceExport(opts: ExportCommandOptions): Promise<ExportTable> {
  const evidence = await loadEvidence(path.resolve(opts.evidence), opts.indicator ? { indicators: opts.indicator } : {});
  const unknown = (opts.indicator ?? []).filter((id) => !evidence.indicator(id));
  if (unknown.length) throw new InvalidArgumentError(`unknown indicator ${unknown.join(', ')}; see \`allies observations --help\` and evidence/indicators.csv`);
  const countries = opts.country?.map((c) => c.toUpperCase());
  return evidenceTable(evidence.query({ country: countries, indicator: opts.indicator, source: opts.source, from: opts.from ?? opts.year, to: opts.to ?? opts.year }), evidence);
}

async function sourcesData(opts: ExportCommandOptions) {
  const evidence = await loadEvidence(path.resolve(opts.evidence), { indicators: [] });
  return { sources: evidence.sources, files: evidence.sourceFiles };
}

export async function runExport(what: ExportKind, opts: ExportCommandOptions): Promise<void> {
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
