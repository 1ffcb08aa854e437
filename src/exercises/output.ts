// Writing an after-action report (or a comparison): Markdown, HTML and PDF into a folder,
// each file written whole or not at all (src/exports/atomic.ts). The PDF is printed by the
// report pipeline's renderPdf (Chromium's page.pdf), imported only when asked for.
import path from 'node:path';
import { writeFileAtomic } from '../exports/atomic.ts';
import type { ReportFormat } from '../reports/formats.ts';
import { printableAfterAction, renderAfterActionHtml, renderAfterActionMarkdown } from './report.ts';
import type { AfterActionReport } from './report.ts';

export const AAR_FILES = { md: 'after-action.md', html: 'after-action.html', pdf: 'after-action.pdf' } as const;

/** Write the report in the formats asked for; returns the files written. */
export async function writeReport(report: AfterActionReport, outDir: string, formats: readonly ReportFormat[], base: Partial<Record<ReportFormat, string>> = AAR_FILES): Promise<string[]> {
  const files: string[] = [];
  const target = (f: ReportFormat) => path.join(path.resolve(outDir), base[f] ?? AAR_FILES[f]);
  if (formats.includes('md')) {
    await writeFileAtomic(target('md'), renderAfterActionMarkdown(report));
    files.push(target('md'));
  }
  if (formats.includes('html')) {
    await writeFileAtomic(target('html'), renderAfterActionHtml(report));
    files.push(target('html'));
  }
  if (formats.includes('pdf')) {
    const { renderPdf } = await import('../reports/pdf.ts');
    await writeFileAtomic(target('pdf'), await renderPdf(printableAfterAction(report)));
    files.push(target('pdf'));
  }
  return files;
}
