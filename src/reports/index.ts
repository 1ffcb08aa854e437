// Reports: "The Balance Sheet of U.S. Allies <year>" assembled from the engine and the
// analyses (assemble.ts, pure), drawn (figures.ts) and rendered as self-contained HTML,
// Markdown with SVG figures, and PDF printed by Chromium; build.ts does it end to end.
export { assembleReport, reportTitle, KEY_INDICATORS, CHART_FIRST_YEAR, REGIONS } from './assemble.ts';
export type { ReportInputs, ReportOptions } from './assemble.ts';
export { loadReportInputs } from './inputs.ts';
export type { ReportFiles } from './inputs.ts';
export { reportFigures } from './figures.ts';
export type { Figure, Panel, ReportFigures } from './figures.ts';
export { renderHtml, printableReport, chapterId, PART_IDS } from './html.ts';
export type { PrintableReport, AnchorPages } from './html.ts';
export { renderMarkdown } from './markdown.ts';
export type { MarkdownReport } from './markdown.ts';
export { renderPdf, findChromium, ChromiumNotFoundError, CHROMIUM_ARGS, CHROMIUM_CANDIDATES } from './pdf.ts';
export type { PdfOptions } from './pdf.ts';
export { anchorPages, pageCount } from './pdf-pages.ts';
export { joinPdfs, PdfStructureError } from './pdf-merge.ts';
export { escapeHtml, escapeMarkdown, html, trusted, Html } from './escape.ts';
export { buildReport, PdfUnavailableError, REPORT_FORMATS, REPORT_FILES } from './build.ts';
export type { BuildOptions, BuildResult, ReportFormat } from './build.ts';
export type * from './model.ts';
