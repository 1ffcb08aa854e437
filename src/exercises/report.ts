// The after-action report of a scripted play: the timeline of injects and decisions by
// team, the adjudications, the ledger effects of each decision (net and rank of the
// affected allies, with the share of seeded draws in which the change holds), the final
// state per ally, the hot-wash issues and the sources. One document model (sections of
// paragraphs, lists and tables) rendered to Markdown and to HTML with the report
// pipeline's escaping and stylesheet (src/reports), and printed to PDF by its renderPdf.
// Pure and deterministic: no clock, no absolute path; same play, same bytes.
import type { Source } from '../evidence/schema.ts';
import { anchorId, cssString, escapeMarkdown, html, trusted } from '../reports/escape.ts';
import type { Html } from '../reports/escape.ts';
import { pct, points, signed } from '../reports/format.ts';
import type { OutlineEntry, PrintableReport } from '../reports/html.ts';
import { reportCss } from '../reports/style.ts';
import type { Citation } from '../scenarios/schema.ts';
import type { AllyEffect, PlayResult } from './play.ts';

export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; caption?: string; head: string[]; rows: string[][]; numeric?: number[] };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
  children: Section[];
}

export interface AfterActionReport {
  title: string;
  subtitle: string;
  sections: Section[];
}

const section = (id: string, title: string, blocks: Block[], children: Section[] = []): Section => ({ id: anchorId(id), title, blocks, children });

function teamName(r: PlayResult, id: string): string {
  return r.exercise.teams.find((t) => t.id === id)?.name ?? id;
}

function cites(list: readonly Citation[]): string {
  return list.map((c) => `[${c.source}] ${c.locator}`).join('; ');
}

function rank(x: number | null): string {
  return x === null ? '–' : String(x);
}

function effectRow(e: AllyEffect): string[] {
  return [
    `${e.name} (${e.ally})`, points(e.before.net), points(e.after.net), signed(e.netChange),
    `${rank(e.before.rank)} → ${rank(e.after.rank)}`, e.rankChange === null ? '–' : signed(e.rankChange, 0),
    e.holds === null ? '–' : pct(e.holds), e.pRankUp === null ? '–' : `${pct(e.pRankUp)} / ${pct(e.pRankDown)}`,
  ];
}

const EFFECT_HEAD = ['ally', 'net before', 'net after', 'Δ net', 'rank', 'places', 'holds in draws', 'rank up / down in draws'];

function ruling(d: PlayResult['effects'][number]['decision']): string {
  const a = d.adjudication;
  if (!a) return 'not adjudicated (stands as chosen)';
  if (a.ruling === 'accept') return `accepted: ${a.note}`;
  if (a.ruling === 'amend') return `amended to "${d.applied?.label ?? a.option}": ${a.note}`;
  return `overruled (no option applies): ${a.note}`;
}

/** The report's document model. */
export function assembleAfterAction(r: PlayResult, registry: readonly Source[] = []): AfterActionReport {
  const x = r.exercise;
  const rb = r.robustness;
  const robustText = rb
    ? `Robustness: ${rb.draws} draws (seed ${rb.seed}) of the weights, the data within their ranges and the judgments within theirs, run on the ledger before and after each decision and paired draw by draw; "holds in draws" is the share of draws in which the ally's net moves the way it moves in the ledger.`
    : 'Robustness draws were turned off for this play.';

  const overview = section('overview', 'The exercise', [
    { kind: 'p', text: x.narrative },
    { kind: 'p', text: `Start state: the ledgers of ${r.year} (today's ledger year is ${r.present})${x.base ? `, with the scenario "${x.base.title}" (${x.base.id}) in force from the start` : ', from the baseline'}. Branch played: "${r.play.title}" (${r.play.branch}), decisions file ${r.play.file}; exercise file ${x.origin}.` },
    { kind: 'p', text: robustText },
    { kind: 'table', caption: 'Teams', head: ['team', 'role', 'plays', 'briefing'], rows: x.teams.map((t) => [t.name, t.role === 'control' ? 'control cell' : 'player', t.countries.join(', ') || '–', t.briefing.trim()]) },
    ...(r.start.length ? [{ kind: 'table' as const, caption: `What the base scenario does before the first move (${x.base!.id} against the baseline)`, head: EFFECT_HEAD, rows: r.start.map(effectRow) }] : []),
  ]);

  const timeline = section('timeline', 'Timeline of injects and decisions', [], x.moves.map((m, k) => {
    const injects = x.injects.filter((i) => i.move === m.id);
    const decisions = r.play.decisions.filter((d) => d.move === m.id);
    const unplayed = x.prompts.filter((p) => p.move === m.id && !decisions.some((d) => d.prompt.id === p.id));
    return section(`move-${m.id}`, `Move ${k + 1}: ${m.title} (${m.date})`, [
      { kind: 'p', text: m.situation.trim() },
      { kind: 'table', caption: 'Injects (master scenario events list)', head: ['time', 'inject', 'from → to', 'text', 'sources'],
        rows: injects.map((i) => [i.time, i.id, `${teamName(r, i.from ?? x.teams.find((t) => t.role === 'control')?.id ?? 'control')} → ${i.recipients.map((t) => teamName(r, t)).join(', ')}`, i.text.trim(), cites(i.sources)]) },
      { kind: 'table', caption: 'Decisions by team', head: ['team', 'decision', 'option chosen', 'rationale', 'adjudication', 'applies'],
        rows: decisions.map((d) => [teamName(r, d.team), d.prompt.question, d.chosen.label, d.rationale, ruling(d), d.applied ? `${d.applied.label}${d.applied.changes.length ? '' : ' (changes no ledger)'}` : 'nothing']) },
      ...(unplayed.length ? [{ kind: 'p' as const, text: `Not decided in this branch: ${unplayed.map((p) => `${teamName(r, p.team)}: ${p.question}`).join('; ')}` }] : []),
    ]);
  }));

  const adjudicated = r.play.decisions.filter((d) => d.adjudication);
  const adjudications = section('adjudications', 'Adjudications', adjudicated.length
    ? [{ kind: 'table', head: ['move', 'team', 'decision', 'chosen', 'ruling', 'applies', 'note'], rows: adjudicated.map((d) => [d.move, teamName(r, d.team), d.prompt.id, d.chosen.id, d.adjudication!.ruling, d.applied?.id ?? 'nothing', d.adjudication!.note]) }]
    : [{ kind: 'p', text: 'The facilitator adjudicated no decision: every decision stands as chosen.' }]);

  const effects = section('effects', `Ledger effects of each decision (${r.year})`, [
    { kind: 'p', text: `Each decision is run through the scenario engine against the state before it (the base scenario and every earlier decision applied), so its effect is measured alone. Nets and ranks are those of the ${r.year} ledgers. ${robustText}` },
  ], r.effects.map((e, k) => {
    const d = e.decision;
    const head = `${k + 1}. ${teamName(r, d.team)}, move ${d.move}: ${d.applied ? d.applied.label : `${d.chosen.label} (overruled)`}`;
    if (!e.changes.length) {
      return section(`effect-${d.prompt.id}`, head, [{ kind: 'p', text: d.applied ? 'The option applied changes no ledger: every ally stands where it stood.' : 'Overruled: no option applies, and no ledger moves.' }]);
    }
    return section(`effect-${d.prompt.id}`, head, [
      { kind: 'list', items: e.changes.map((c) => `${c.label} (${c.ref})`) },
      ...(e.allies.length ? [{ kind: 'table' as const, head: EFFECT_HEAD, rows: e.allies.map(effectRow), numeric: [1, 2, 3, 5] }] : [{ kind: 'p' as const, text: 'No ally\'s ledger moved.' }]),
      ...e.unmoved.map((text) => ({ kind: 'p' as const, text })),
      ...(e.unpaired ? [{ kind: 'p' as const, text: `The draws are not paired: ${e.unpaired}.` }] : []),
    ]);
  }));

  const final = section('final', 'Final state per ally', [
    { kind: 'p', text: `Where the exercise leaves the allies the teams play, and those it moved most: the ${r.year} baseline, the start (base scenario), and the end (every decision applied).` },
    { kind: 'table', head: ['ally', 'net: baseline', 'start', 'end', 'Δ net (baseline → end)', 'rank: baseline → start → end', 'places'],
      rows: r.final.map((f) => [`${f.name} (${f.ally})`, points(f.baseline.net), points(f.start.net), points(f.end.net), signed(f.netChange), `${rank(f.baseline.rank)} → ${rank(f.start.rank)} → ${rank(f.end.rank)}`, f.rankChange === null ? '–' : signed(f.rankChange, 0)]),
      numeric: [1, 2, 3, 4, 6] },
  ]);

  const tags = [...new Set(r.play.decisions.flatMap((d) => d.issues))].sort();
  const hotwash = section('hot-wash', 'Hot wash: issues raised', tags.length
    ? [{ kind: 'table', head: ['issue', 'decisions that raised it'], rows: tags.map((t) => [t.replace(/_/g, ' '), r.play.decisions.filter((d) => d.issues.includes(t)).map((d) => `${teamName(r, d.team)} (${d.move}): ${d.chosen.label}`).join('; ')]) }]
    : [{ kind: 'p', text: 'No hot-wash issue was tagged.' }]);

  const cited = new Set<string>();
  for (const c of x.sources) cited.add(c.source);
  for (const i of x.injects) for (const c of i.sources) cited.add(c.source);
  for (const c of x.base?.sources ?? []) cited.add(c.source);
  for (const ch of x.base?.changes ?? []) for (const c of ch.spec.citations) cited.add(c.source);
  for (const d of r.play.decisions) for (const ch of d.applied?.changes ?? []) for (const c of ch.spec.citations) cited.add(c.source);
  const byId = new Map(registry.map((s) => [s.id, s]));
  const sources = section('sources', 'Sources', [
    { kind: 'list', items: [...cited].sort().map((id) => `[${id}] ${byId.get(id)?.citation ?? '(not in the registry read)'}${byId.get(id)?.url ? ` ${byId.get(id)!.url}` : ''}`) },
  ]);

  return {
    title: `After-action report: ${x.title}`,
    subtitle: `Branch "${r.play.title}" (${r.play.branch}); ledgers of ${r.year}`,
    sections: [overview, timeline, adjudications, effects, final, hotwash, sources],
  };
}

// --- Markdown ---

/** Text inside a table cell or a heading: no line starts there, so a leading number or sign stays as it is. */
function mdInline(text: string): string {
  return escapeMarkdown(text).replace(/^(\s*)\\([-+#=]|\d+\.)/, '$1$2');
}

function mdBlock(b: Block): string {
  if (b.kind === 'p') return escapeMarkdown(b.text);
  if (b.kind === 'list') return b.items.map((i) => `- ${escapeMarkdown(i)}`).join('\n');
  if (!b.rows.length) return `${b.caption ? `*${escapeMarkdown(b.caption)}*: none.` : 'None.'}`;
  const align = b.head.map((_h, k) => (b.numeric?.includes(k) ? '---:' : '---'));
  return [
    ...(b.caption ? [`*${escapeMarkdown(b.caption)}*`, ''] : []),
    `| ${b.head.map(mdInline).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...b.rows.map((row) => `| ${row.map(mdInline).join(' | ')} |`),
  ].join('\n');
}

function mdSection(s: Section, level: number): string {
  return [`${'#'.repeat(level)} ${mdInline(s.title)}`, ...s.blocks.map(mdBlock), ...s.children.map((c) => mdSection(c, level + 1))].join('\n\n');
}

export function renderAfterActionMarkdown(a: AfterActionReport): string {
  return `# ${escapeMarkdown(a.title)}\n\n*${escapeMarkdown(a.subtitle)}*\n\n${a.sections.map((s) => mdSection(s, 2)).join('\n\n')}\n`;
}

// --- HTML and PDF ---

function htmlBlock(b: Block): Html {
  if (b.kind === 'p') return html`<p>${b.text}</p>`;
  if (b.kind === 'list') return html`<ul>${b.items.map((i) => html`<li>${i}</li>`)}</ul>`;
  const cls = (k: number) => (b.numeric?.includes(k) ? 'num' : null);
  return html`<table>${b.caption ? html`<caption>${b.caption}</caption>` : ''}<thead><tr>${b.head.map((h, k) => html`<th class="${cls(k) ?? ''}">${h}</th>`)}</tr></thead>
<tbody>${b.rows.length ? b.rows.map((row) => html`<tr>${row.map((c, k) => html`<td class="${cls(k) ?? ''}">${c}</td>`)}</tr>\n`) : html`<tr><td colspan="${b.head.length}">none</td></tr>`}</tbody></table>`;
}

function htmlSection(s: Section, level: number): Html {
  const heading = level === 2 ? html`<h2 id="${s.id}">${s.title}</h2>` : level === 3 ? html`<h3 id="${s.id}">${s.title}</h3>` : html`<h4 id="${s.id}">${s.title}</h4>`;
  return html`<section>${heading}\n${s.blocks.map(htmlBlock)}\n${s.children.map((c) => htmlSection(c, level + 1))}</section>\n`;
}

function page(a: AfterActionReport, content: Html, printCss = ''): string {
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${a.title}</title>
<style>${trusted(reportCss(a.title) + printCss)}</style></head>
<body>
${content}
</body></html>
`.markup;
}

function cover(a: AfterActionReport): Html {
  return html`<header><h1>${a.title}</h1><p class="standing">${a.subtitle}</p></header>`;
}

function contents(a: AfterActionReport): Html {
  return html`<nav class="toc"><ol>${a.sections.map((s) => html`<li><a href="#${s.id}">${s.title}</a></li>`)}</ol></nav>`;
}

export function renderAfterActionHtml(a: AfterActionReport): string {
  return page(a, html`${cover(a)}\n${contents(a)}\n<main>${a.sections.map((s) => htmlSection(s, 2))}</main>`);
}

function outline(sections: readonly Section[]): OutlineEntry[] {
  return sections.map((s) => ({ id: s.id, title: s.title, children: outline(s.children) }));
}

/** The report as the pipeline's PDF renderer (src/reports/pdf.ts renderPdf) prints it. */
export function printableAfterAction(a: AfterActionReport): PrintableReport {
  const numbers = '@page { @bottom-center { content: "Page " counter(page); } }';
  const targets = html`<nav aria-hidden="true" style="display:none">${a.sections.map((s) => html`<a href="#${s.id}"></a>`)}</nav>`;
  return {
    front: () => page(a, html`${cover(a)}\n${contents(a)}`, numbers),
    body: (firstPage) => page(a, html`<main>${a.sections.map((s) => htmlSection(s, 2))}</main>${targets}`,
      `${numbers}\n@page :first { counter-increment: page ${Math.max(1, Math.floor(firstPage))}; @top-right { content: ${cssString(a.title)}; } }`),
    outline: outline(a.sections),
  };
}
