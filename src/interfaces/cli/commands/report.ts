// allies report | export: "The Balance Sheet of U.S. Allies <year>" as HTML, Markdown and PDF
// (src/reports), and the ledgers, evidence and sources as CSV, XLSX, Parquet, JSON, BibTeX or
// CSL-JSON (src/exports). A progress bar on standard error while a report is produced.
// The definitions only: the work is in report-run.ts, imported when a command runs.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { CITATION_FORMATS, EVIDENCE_DIR, TABLE_FORMATS } from '../defaults.ts';
import type { TableFormat } from '../../../exports/formats.ts';
import { REPORT_FORMATS } from '../../../reports/formats.ts';
import type { ReportFormat } from '../../../reports/formats.ts';
import type { ExportCommandOptions, ExportKind, ReportCommandOptions } from './report-run.ts';

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
      const { runReport } = await import('./report-run.ts');
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
      const { runExport } = await import('./report-run.ts');
      await runExport(what, opts);
    });
}
