// The report's stylesheet, inlined into the HTML so the file stands alone. Screen and print
// share it; the print rules set A4 pages with the title and page numbers in the margins
// (CSS @page margin boxes, which Chromium prints), start each part and each ally's chapter
// on a new page, and keep figures and table rows whole.
import { cssString } from './escape.ts';

export function reportCss(runningTitle: string): string {
  return `
:root { --asset: #2166ac; --liability: #b35806; --muted: #5f6670; --rule: #d5d8dd; --soft: #f4f5f7; }
* { box-sizing: border-box; }
html { font: 10pt/1.45 "Source Serif Pro", "Georgia", "DejaVu Serif", serif; color: #1c1f24; }
body { margin: 0 auto; max-width: 190mm; padding: 0 6mm 20mm; }
h1, h2, h3, h4, nav, table, figure, .standing, .facts, .toc { font-family: "Inter", "Helvetica Neue", "Arial", "DejaVu Sans", sans-serif; }
h1 { font-size: 20pt; margin: 0 0 4mm; line-height: 1.15; }
h2 { font-size: 15pt; margin: 4mm 0 1.5mm; line-height: 1.2; }
.chapter h2 { margin-top: 0; }
.chapter p { font-size: 9pt; }
.chapter p.note, .chapter p.sources { font-size: 7.5pt; }
.chapter h3 { margin: 3.5mm 0 1mm; }
.chapter figure { margin: 1mm 0 2mm; }
h3 { font-size: 11pt; margin: 5mm 0 1.5mm; }
h4 { font-size: 9.5pt; margin: 3mm 0 1mm; }
p { margin: 0 0 2.5mm; }
a { color: #1a4f8b; text-decoration: none; }
.muted, .note { color: var(--muted); }
.note { font-size: 8.5pt; }
.cover { min-height: 240mm; display: flex; flex-direction: column; justify-content: center; }
.cover h1 { font-size: 30pt; }
.cover .subtitle { font-size: 13pt; color: var(--muted); margin-bottom: 12mm; }
.cover .colophon { font-size: 9pt; color: var(--muted); max-width: 140mm; }
.toc ol { list-style: none; padding-left: 0; margin: 0; }
.toc li { margin: 0.6mm 0; }
.toc li li { padding-left: 5mm; font-size: 9pt; }
.toc .allies { columns: 2; column-gap: 8mm; }
.toc a { display: flex; color: inherit; }
.toc .toc-title { flex: 0 1 auto; }
.toc .toc-leader { flex: 1 1 auto; border-bottom: 1px dotted #aab; margin: 0 1.5mm 1.1mm; }
.toc .toc-page { flex: 0 0 auto; min-width: 7mm; text-align: right; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; font-size: 7.8pt; line-height: 1.3; margin: 1.5mm 0 3mm; }
th, td { text-align: left; vertical-align: top; padding: 0.5mm 1mm; border-bottom: 0.5px solid var(--rule); }
thead th { border-bottom: 1px solid #888; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; }
caption { text-align: left; font-weight: 600; font-size: 8.5pt; padding-bottom: 1mm; }
.standing { font-size: 9pt; color: var(--muted); margin-bottom: 2mm; }
.facts { font-size: 9pt; }
.findings li { margin-bottom: 1.5mm; }
figure { margin: 3mm 0 4mm; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 8.5pt; color: var(--muted); margin-top: 1mm; }
figcaption strong { color: #1c1f24; }
.panels { display: grid; grid-template-columns: 1fr 1fr; gap: 2mm 5mm; }
.panels svg { width: 100%; }
.panel h5 { font: 600 8pt "Inter", "Arial", sans-serif; margin: 0; }
.panel .src { font-size: 7pt; color: var(--muted); }
.legend svg { width: 90mm; }
.t-account { display: grid; grid-template-columns: 1fr 1fr; gap: 0 3mm; margin: 2mm 0; align-items: start; }
.t-account table { font-size: 7.2pt; line-height: 1.18; margin: 0; }
.t-account td, .t-account th { padding: 0.35mm 0.8mm; }
.t-account caption { font-size: 9pt; letter-spacing: 0.04em; text-transform: uppercase; border-bottom: 2px solid #333; }
.t-account .assets caption { color: var(--asset); }
.t-account .liabilities caption { color: var(--liability); }
.t-account .group th { background: var(--soft); font-weight: 600; font-size: 6.8pt; text-transform: uppercase; letter-spacing: 0.03em; color: #444; }
.t-account .item { width: 70%; }
.t-account .detail { color: var(--muted); font-size: 6.8pt; }
.t-account .item-label { font-weight: 500; }
.t-account tr.missing .item-label { color: var(--muted); font-style: italic; }
.bar { display: inline-block; width: 6mm; height: 2mm; background: #e5e7eb; vertical-align: middle; margin-right: 1mm; }
.bar i { display: block; height: 100%; background: var(--asset); }
.liabilities .bar i { background: var(--liability); }
.t-net { grid-column: 1 / span 2; display: flex; gap: 3mm; flex-wrap: wrap; align-items: baseline; font: 600 10pt "Inter", "Arial", sans-serif; border-top: 2px solid #333; border-bottom: 1px solid #333; padding: 1.5mm 0; margin-top: 1mm; }
.t-net .net-pos { color: var(--asset); }
.t-net .net-neg { color: var(--liability); }
.t-net .rank { font-weight: 400; color: var(--muted); font-size: 9pt; }
.two { display: grid; grid-template-columns: 1.25fr 1fr; gap: 4mm; align-items: start; }
.two table { margin-top: 0; }
.sources { font-size: 7.5pt; color: var(--muted); }
.rationale { font-size: 7.6pt; }
.verdict { white-space: nowrap; font-weight: 600; }
.bibliography { padding-left: 0; list-style: none; font-size: 8.5pt; }
.bibliography li { margin-bottom: 2mm; break-inside: avoid; }
.bibliography .id { font: 600 8pt "Inter", "Arial", sans-serif; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 6.5pt; word-break: break-all; }
.definition { font-size: 7.4pt; color: var(--muted); }
.scenario-description { white-space: pre-line; }
.print-targets { height: 0; overflow: hidden; }
@media screen {
  .toc-page:empty { display: none; }
  .part, .chapter { border-top: 1px solid var(--rule); margin-top: 10mm; padding-top: 4mm; }
}
@page {
  size: A4;
  margin: 16mm 13mm 17mm;
  @top-right { content: ${cssString(runningTitle)}; font: 7.5pt "Inter", "Arial", sans-serif; color: #777; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 7.5pt "Inter", "Arial", sans-serif; color: #555; }
}
@page :first { @top-right { content: none; } @bottom-center { content: none; } }
@media print {
  body { max-width: none; padding: 0; }
  .part, .chapter, .toc, .scenario + .scenario { break-before: page; }
  h1, h2, h3, h4 { break-after: avoid; }
  a { color: inherit; }
  .cover { min-height: 250mm; }
}
`;
}
