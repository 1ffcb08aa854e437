// The report as one self-contained HTML file: inline CSS and SVG, no scripts (and a Content
// Security Policy that forbids them), a table of contents whose page numbers the PDF
// renderer fills in, and print CSS for A4. Every text from a file goes through the `html`
// tag, which escapes it; only chart SVG drawn by this program is inserted as markup.
import type { ClaimCheck } from '../analyses/claims.ts';
import type { LedgerLine } from '../method/index.ts';
import { anchorId, cssString, html, trusted } from './escape.ts';
import type { Html, HtmlPart } from './escape.ts';
import { reportFigures } from './figures.ts';
import type { Figure, ReportFigures } from './figures.ts';
import { cap } from './assemble.ts';
import {
  formatNumber, intervalText, lineValue, missingNote, pct, points, rankText, ratioText, regionName, pairedCaption, pairedCells, robustCaption, robustnessText, signed, sourcedText, standing,
} from './format.ts';
import type { AllyChapter, ReportModel, ScenarioSection } from './model.ts';
import { reportCss } from './style.ts';

/** Ids of the parts, for links and for the PDF's table of contents. */
export const PART_IDS = {
  contents: 'contents', summary: 'summary', allies: 'allies', regions: 'asia-europe', scenarios: 'scenarios',
  claims: 'claims', methodology: 'appendix-methodology', data: 'appendix-data', bibliography: 'bibliography',
} as const;

export function chapterId(iso3: string): string {
  return `ally-${anchorId(iso3)}`;
}

function sourceLink(id: string): Html {
  return html`<a href="#src-${anchorId(id)}">${id}</a>`;
}

function sourceLinks(ids: readonly string[]): Html {
  return html`${ids.map((id, i) => html`${i ? ', ' : ''}${sourceLink(id)}`)}`;
}

function figureBlock(f: Figure | null): Html {
  if (!f) return html``;
  const grid = f.panels.length > 1 && f.id !== 'fig-map';
  const panels = f.panels.map((p) => (grid
    ? html`<div class="panel"><h5>${p.title}</h5>${trusted(p.svg)}<div class="src">Source: ${p.sources.length ? sourceLinks(p.sources) : '–'}</div></div>`
    : html`<div class="${p.file === 'map-legend.svg' ? 'legend' : 'single'}">${trusted(p.svg)}</div>`));
  return html`<figure id="${f.id}">${grid ? html`<div class="panels">${panels}</div>` : panels}
<figcaption><strong>Figure ${f.number}. ${f.title}.</strong> ${f.note}${grid || !f.sources.length ? '' : html` Sources: ${sourceLinks(f.sources)}.`}</figcaption></figure>`;
}

// --- table of contents ---

/** Page of each anchor in the printed report (the PDF renderer knows them; HTML has none). */
export type AnchorPages = ReadonlyMap<string, number>;

/** A heading of the report: its anchor, its title, the headings under it. */
export interface OutlineEntry {
  id: string;
  title: string;
  children: OutlineEntry[];
}

/** The report's parts and chapters: the contents page, and the PDF's bookmarks. */
export function outlineOf(model: ReportModel): OutlineEntry[] {
  const entry = (id: string, title: string, children: OutlineEntry[] = []): OutlineEntry => ({ id, title, children });
  return [
    entry(PART_IDS.summary, 'Executive summary'),
    entry(PART_IDS.allies, 'The allies, one by one', model.chapters.map((c) => entry(chapterId(c.iso3), `${c.name} (${c.iso3})`))),
    ...(model.regions ? [entry(PART_IDS.regions, `${cap(model.regions.comparison.regions[0])} and ${cap(model.regions.comparison.regions[1])} compared`)] : []),
    ...(model.scenarios.length ? [entry(PART_IDS.scenarios, 'Scenarios', model.scenarios.map((s, i) => entry(`scenario-${i + 1}`, s.result.scenario.title)))] : []),
    entry(PART_IDS.claims, 'Claims from the literature, checked'),
    entry(PART_IDS.methodology, 'Appendix A. Methodology'),
    entry(PART_IDS.data, 'Appendix B. Data'),
    entry(PART_IDS.bibliography, 'Bibliography'),
  ];
}

function contents(model: ReportModel, pages: AnchorPages | null): Html {
  const tocEntry = (e: OutlineEntry): Html =>
    html`<li><a href="#${e.id}"><span class="toc-title">${e.title}</span><span class="toc-leader"></span><span class="toc-page">${pages?.get(e.id) ?? ''}</span></a>${e.children.length ? html`<ol${e.id === PART_IDS.allies ? html` class="allies"` : ''}>${e.children.map(tocEntry)}</ol>` : ''}</li>`;
  return html`<nav class="toc" id="${PART_IDS.contents}"><h1>Contents</h1><ol>
${outlineOf(model).map(tocEntry)}
</ol></nav>`;
}

// --- executive summary ---

function summary(model: ReportModel, figures: ReportFigures): Html {
  const s = model.summary;
  const interval = Math.round(model.methodologyAppendix.robustness.settings.interval * 100);
  return html`<section class="part" id="${PART_IDS.summary}"><h1>Executive summary</h1>
<ul class="findings">${s.findings.map((f) => html`<li>${f}</li>`)}</ul>
${figureBlock(figures.map)}
<h2>The ranking</h2>
<table class="ranking"><thead><tr><th class="num">rank</th><th>ally</th><th>region</th><th>U.S. commitment</th><th class="num">cluster</th><th class="num">assets</th><th class="num">liabilities</th><th class="num">net</th><th class="num">net, ${interval}% interval</th><th class="num">P(same rank)</th><th class="num">coverage</th></tr></thead><tbody>
${s.ranking.map((r) => html`<tr><td class="num">${r.rank ?? '–'}</td><td><a href="#${model.chapters.some((c) => c.iso3 === r.ally) ? chapterId(r.ally) : PART_IDS.summary}">${r.name}</a></td><td>${regionName(r.region)}</td><td>${r.commitment}</td><td class="num">${r.tier ?? '–'}</td><td class="num">${points(r.assets)}</td><td class="num">${points(r.liabilities)}</td><td class="num">${signed(r.net)}</td><td class="num">${intervalText(r)}</td><td class="num">${pct(r.pSameRank)}</td><td class="num">${pct(r.coverage)}</td></tr>`)}
</tbody></table>
<p class="note">Assets and liabilities are weighted means of 0-100 line-item scores among the ${model.covered} covered allies; net = assets − liabilities. Interval and P(same rank): robustness draws (Appendix A). Coverage: share of the line-item weight with observed data.</p>
${figureBlock(figures.ranking)}
<h2>Clusters of allies with similar profiles</h2>
<table><thead><tr><th class="num">cluster</th><th class="num">mean net</th><th>members</th><th>set apart by</th></tr></thead><tbody>
${s.tiers.map((t) => html`<tr><td class="num">${t.tier}</td><td class="num">${signed(t.meanNet)}</td><td>${t.members.map((m) => m.name).join(', ')}</td><td>above the others on ${t.above.join('; ') || '–'}; below on ${t.below.join('; ') || '–'}</td></tr>`)}
</tbody></table>
<ul class="note">${s.tierDefinitions.map((d) => html`<li>${d}</li>`)}</ul>
</section>`;
}

// --- the chapters ---

function tLine(line: LedgerLine, year: number): Html {
  const detail = line.missing ? missingNote(line) : lineValue(line, year);
  const width = Math.max(0, Math.min(100, line.score ?? 0)).toFixed(0);
  return html`<tr class="${line.missing ? 'missing' : ''}" data-item="${line.item}">
<td class="item"><span class="item-label">${line.label}</span> <span class="detail">· ${detail}${line.sources.length ? html` · ${sourceLinks(line.sources)}` : ''}</span></td>
<td class="num"><span class="bar"><i style="width:${width}%"></i></span>${line.score === null ? '–' : line.score.toFixed(0)}</td>
<td class="num">${line.score === null ? '–' : pct(line.share)}</td>
<td class="num">${points(line.contribution)}</td></tr>`;
}

function tSide(lines: readonly LedgerLine[], year: number, side: 'assets' | 'liabilities'): Html {
  const rows: Html[] = [];
  lines.forEach((line, i) => {
    const members = lines.filter((l) => l.group === line.group);
    // A group of one line named like it needs no heading of its own.
    if (line.group !== lines[i - 1]?.group && (members.length > 1 || members[0].label !== line.group)) {
      rows.push(html`<tr class="group"><th colspan="4">${line.group}</th></tr>`);
    }
    rows.push(tLine(line, year));
  });
  return html`<table class="${side}"><caption>${side === 'assets' ? 'Assets' : 'Liabilities'}</caption>
<thead><tr><th>line item · value · sources</th><th class="num">score</th><th class="num">weight</th><th class="num">pts</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function tAccount(c: AllyChapter): Html {
  const l = c.ledger;
  const cov = l.coverage;
  return html`<div class="t-account" aria-label="Balance sheet of ${c.name}, ${l.year}">
${tSide(l.lines.filter((x) => x.side === 'asset'), l.year, 'assets')}
${tSide(l.lines.filter((x) => x.side === 'liability'), l.year, 'liabilities')}
<div class="t-net"><span>Assets ${points(l.assets)}</span><span>−</span><span>Liabilities ${points(l.liabilities)}</span><span>=</span><span class="${(l.net ?? 0) < 0 ? 'net-neg' : 'net-pos'}">Net ${signed(l.net)}</span><span class="rank">${rankText(l, c.rankedCount)}</span></div>
</div>
<p class="note">Scores are 0-100 among the covered allies of ${l.year}; weight is the line's share of its side; pts = weight share × score. Coverage: ${pct(cov.overall)} of the line-item weight rests on observed data (assets ${pct(cov.assets)}, liabilities ${pct(cov.liabilities)}); ${cov.itemsObserved} of ${cov.itemsTotal} items observed, ${cov.itemsImputed} imputed, ${cov.itemsMissing} missing.</p>`;
}

function burdenTable(c: AllyChapter): Html {
  if (!c.burden.length) return html``;
  return html`<table><thead><tr><th>contribution</th><th class="num">value</th><th class="num">share of allied total / of ${c.burdenAbility}</th><th class="num">ratio</th><th class="num">rank</th></tr></thead><tbody>
${c.burden.map((b) => html`<tr><td>${b.label}</td><td class="num">${b.value === null ? 'missing' : `${formatNumber(b.value)} ${b.unit}${b.year === null ? '' : ` [${b.year}]`}`}</td><td class="num">${pct(b.share, 2)} / ${pct(b.abilityShare, 2)}</td><td class="num">${b.ratio === null ? '–' : b.ratio.toFixed(2)}</td><td class="num">${b.rank === null ? '–' : `${b.rank} of ${b.rankedAmong}`}</td></tr>`)}
</tbody></table>
${c.burden.some((b) => b.ratio === null) ? html`<p class="note">No ratio: ${c.burden.filter((b) => b.ratio === null).map((b) => `${b.label} (${b.reason ?? 'missing'})`).join('; ')}.</p>` : ''}
<p class="sources">Sources: ${sourceLinks([...new Set(c.burden.flatMap((b) => b.sources))].sort())}.</p>`;
}

function asymmetry(c: AllyChapter): Html {
  const p = c.asymmetry;
  const capability = p.capability;
  const rows = [capability.toUnitedStates, ...capability.toRivals];
  const label = (counterpart: string) => `${counterpart}${counterpart === capability.principalRival ? ' (principal rival)' : counterpart === capability.principalThreat ? ' (principal threat)' : ''}`;
  const b = p.basing;
  const k = p.cost;
  const current = p.obligations.commitments.filter((x) => x.current);
  const past = p.obligations.commitments.filter((x) => !x.current);
  const measures: [string, Parameters<typeof sourcedText>[0]][] = [
    ['U.S. active-duty troops hosted', b.troops],
    ['U.S. base sites (Vine 2020)', b.baseSites],
    ['facilities for exclusive U.S. use', b.exclusiveUseFacilities],
    ['host-nation support, US$ m', k.hostNationSupport],
    ['U.S. stationing cost, US$ m', k.usStationingCost],
    ['share of U.S. stationing cost offset (DoD definition)', k.offsetShare],
  ];
  const basingSources = [...new Set(measures.flatMap(([, v]) => v?.cites.map((x) => x.source) ?? []))].sort();
  return html`<h3>Asymmetry</h3>
<p class="facts">Obligations: <strong>${p.obligations.pattern}</strong>${past.length ? html`<span class="muted"> · past commitments: ${past.map((x) => `${x.name} (${x.status})`).join('; ')}</span>` : ''}.</p>
${current.length ? html`<table><thead><tr><th>commitment in force</th><th>U.S. owes</th><th>${c.name} owes</th><th>pattern</th><th>stationing (ATOP BASE)</th><th>coded from</th></tr></thead><tbody>
${current.map((x) => html`<tr><td>${x.name}</td><td>${x.usOwes.join(', ') || 'nothing'}</td><td>${x.allyOwes.join(', ') || 'nothing'}</td><td>${x.pattern}</td><td>${x.base.meaning}</td><td class="sources">${x.basis}: ${sourceLinks([...new Set(x.cites.map((y) => y.source))])}</td></tr>`)}
</tbody></table>` : html`<p class="note">No U.S. commitment to ${c.name} is in force.</p>`}
<div class="two"><table><caption>Capability, ratio ${c.iso3} / counterpart</caption><thead><tr><th>counterpart</th><th class="num">capitals, km</th><th class="num">CINC</th><th class="num">GDP</th><th class="num">milex</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>${label(r.counterpart)}</td><td class="num">${r.distanceKm ? formatNumber(r.distanceKm.value) : '–'}</td><td class="num">${r.ratios.cinc ? ratioText(r.ratios.cinc.value) : 'missing'}</td><td class="num">${r.ratios.gdp ? ratioText(r.ratios.gdp.value) : 'missing'}</td><td class="num">${r.ratios.milex ? ratioText(r.ratios.milex.value) : 'missing'}</td></tr>`)}
</tbody></table>
<table><caption>Basing and cost</caption><tbody>
${measures.map(([what, v]) => html`<tr><td>${what}</td><td class="num">${sourcedText(v)}</td></tr>`)}
</tbody></table></div>
<p class="note">U.S. stationing cost: ${k.costMethod}. Stationing provisions in force: ${b.stationing.length ? b.stationing.map((s) => `${s.commitment} (${s.meaning})`).join('; ') : 'none'}; reciprocal: ${b.reciprocal === null ? 'no provision' : b.reciprocal ? 'yes' : 'no'}. Rival rule and sources of the ratios: Appendix A. Sources: ${sourceLinks(basingSources)}.</p>`;
}

function interests(c: AllyChapter): Html {
  const p = c.interests;
  if (!p) return html``;
  const served = p.interests.filter((i) => i.points !== null && i.points > 0);
  const accepted = p.compromises.filter((x) => x.points !== null && x.points > 0);
  return html`<h3>Interests served and compromises accepted</h3>
<p class="facts">Serves (points of the asset lines behind each interest): ${served.length ? served.map((i) => `${i.label} ${points(i.points)}`).join('; ') : 'none with data'}. The United States accepts (points of the liability lines): ${accepted.length ? accepted.map((x) => `${x.label} ${points(x.points)}`).join('; ') : 'none with data'}.</p>`;
}

function judgments(c: AllyChapter): Html {
  if (!c.judgments.length) return html``;
  return html`<h3>Judgments behind the ledger</h3>
<table><thead><tr><th>judgment</th><th class="num">rating (range)</th><th>rationale · by · citations</th></tr></thead><tbody>
${c.judgments.map((j) => html`<tr><td>${j.label}</td><td class="num">${j.value} (${j.low}–${j.high}) of ${j.scale.min}–${j.scale.max}</td><td class="rationale">${j.rationale} <span class="muted">· ${j.author}, ${j.date} · ${j.citations.map((x, i) => html`${i ? '; ' : ''}${sourceLink(x.source)}${x.locator ? `, ${x.locator}` : ''}`)}</span></td></tr>`)}
</tbody></table>`;
}

function chapterClaims(c: AllyChapter): Html {
  if (!c.claims.length) return html``;
  return html`<h3>Claims about ${c.name}, checked against the evidence</h3>
<table><thead><tr><th>claim</th><th>verdict</th><th>source</th></tr></thead><tbody>
${c.claims.map((x) => html`<tr><td>${x.statement}<span class="definition"><br>${x.summary}</span></td><td class="verdict">${x.verdict}</td><td class="sources">${sourceLink(x.source)}, ${x.locator}</td></tr>`)}
</tbody></table>`;
}

function chapter(c: AllyChapter, model: ReportModel, figures: ReportFigures): Html {
  const f = figures.chapters.get(c.iso3)!;
  const missing = c.ledger.lines.filter((l) => l.missing);
  return html`<article class="chapter" id="${chapterId(c.iso3)}">
<h2>${c.name} (${c.iso3})</h2>
<p class="standing">${standing(c).join(' · ')}</p>
<p>${robustnessText(c, model.methodologyAppendix.robustness.settings.interval)}</p>
${tAccount(c)}
${missing.length ? html`<p class="note">Missing: ${missing.map((l) => `${l.label} (${missingNote(l)})`).join('; ')}.</p>` : ''}
<h3>Key indicators</h3>
${figureBlock(f.indicators)}
<h3>Burden sharing</h3>
<div class="two"><div>${burdenTable(c)}</div><div>${figureBlock(f.burden)}</div></div>
${asymmetry(c)}
${interests(c)}
${judgments(c)}
${chapterClaims(c)}
</article>`;
}

// --- regions, scenarios, claims ---

function regions(model: ReportModel, figures: ReportFigures): Html {
  const r = model.regions;
  if (!r) return html``;
  const [a, b] = r.comparison.regions.map(cap);
  const mean = (x: { mean: number | null; n: number }, f: (v: number) => string) => (x.mean === null ? '–' : `${f(x.mean)} (n=${x.n})`);
  return html`<section class="part" id="${PART_IDS.regions}"><h1>${a} and ${b} compared</h1>
<p>${a}: ${r.names[0].join(', ')}.</p><p>${b}: ${r.names[1].join(', ')}.</p>
<table><thead><tr><th>mean over the region's allies (totals: ranked allies; ratios and indicators: allies with a value)</th><th class="num">${a}</th><th class="num">${b}</th></tr></thead><tbody>
${r.comparison.totals.map((t) => html`<tr><td>${t.measure}</td><td class="num">${t.measure === 'net' ? signed(t.a) : points(t.a)}</td><td class="num">${t.measure === 'net' ? signed(t.b) : points(t.b)}</td></tr>`)}
${r.burden.map((x) => html`<tr><td>burden-sharing ratio: ${x.label}</td><td class="num">${mean(x.a, (v) => v.toFixed(2))}</td><td class="num">${mean(x.b, (v) => v.toFixed(2))}</td></tr>`)}
${r.indicators.map((x) => html`<tr><td>${x.label} (${x.unit}), latest</td><td class="num">${mean(x.a, (v) => formatNumber(v))}</td><td class="num">${mean(x.b, (v) => formatNumber(v))}</td></tr>`)}
</tbody></table>
${figureBlock(figures.regions)}
<h2>The largest gaps</h2>
<table><thead><tr><th>line item</th><th>side</th><th class="num">${a}</th><th class="num">${b}</th><th class="num">gap (${b} − ${a})</th></tr></thead><tbody>
${r.comparison.items.filter((i) => i.difference !== null).slice(0, 12).map((i) => html`<tr><td>${i.label}</td><td>${i.side}</td><td class="num">${i.a.mean!.toFixed(0)} (n=${i.a.n})</td><td class="num">${i.b.mean!.toFixed(0)} (n=${i.b.n})</td><td class="num">${signed(i.difference, 0)}</td></tr>`)}
</tbody></table>
<p class="note">${r.comparison.definition} Sources: ${sourceLinks(r.sources)}.</p>
</section>`;
}

function scenario(s: ScenarioSection, i: number, figure: Figure | null): Html {
  const r = s.result;
  const shown = s.moved.slice(0, 20);
  return html`<article class="scenario" id="scenario-${i + 1}"><h2>${r.scenario.title}</h2>
<p class="standing">Scenario ${r.scenario.id} · horizon ${r.year} · compared with ${r.reference.kind === 'baseline' ? 'the baseline projection' : r.reference.title}</p>
<p class="scenario-description">${r.scenario.description}</p>
<p class="sources">Rests on: ${r.scenario.sources.map((c, k) => html`${k ? '; ' : ''}${sourceLink(c.source)} (${c.locator})`)}</p>
<h3>Baseline</h3><ul class="note">${r.baseline.description.map((d) => html`<li>${d}</li>`)}</ul>
<h3>Changes</h3>
${r.changes.length ? html`<table><thead><tr><th class="num">#</th><th>change</th><th>why</th><th>cites</th></tr></thead><tbody>
${r.changes.map((c, k) => html`<tr><td class="num">${k + 1}</td><td>${c.label}${c.effect.notes.length ? html`<span class="definition"><br>${c.effect.notes.slice(0, 4).join('; ')}${c.effect.notes.length > 4 ? `; and ${c.effect.notes.length - 4} more` : ''}</span>` : ''}</td><td class="rationale">${c.rationale}</td><td class="sources">${c.citations.map((x, j) => html`${j ? '; ' : ''}${sourceLink(x.source)} (${x.locator})`)}</td></tr>`)}
</tbody></table>` : html`<p>None: the scenario is the baseline.</p>`}
${figureBlock(figure)}
<h3>What moved</h3>
${shown.length ? html`<table><thead><tr><th>ally</th><th class="num">net before</th><th class="num">net after</th><th class="num">change</th><th class="num">rank before → after</th><th>how</th></tr></thead><tbody>
${shown.map((m) => html`<tr><td>${m.name}</td><td class="num">${signed(m.before)}</td><td class="num">${signed(m.after)}</td><td class="num">${signed(m.change, 2)}</td><td class="num">${m.rankBefore ?? '–'} → ${m.rankAfter ?? '–'}</td><td>${m.direct ? 'its own values changed' : 'others\' values or the weights moved'}</td></tr>`)}
</tbody></table>${s.moved.length > shown.length ? html`<p class="note">${s.moved.length - shown.length} more allies moved by less.</p>` : ''}` : html`<p>No ally's ledger moved.</p>`}
<p class="note">Rank changes: ${r.ranks.length ? r.ranks.map((x) => `${x.name} ${x.before ?? 'unranked'} → ${x.after ?? 'unranked'}`).join(', ') : 'none'}.</p>
${robustBlock(s)}
</article>`;
}

/** How robust the movements of the directly hit allies are under the robustness draws. */
function robustBlock(s: ScenarioSection): Html {
  const rb = s.result.robustness;
  if (!rb || !s.robust.length) return html``;
  const cells = (x: ScenarioSection['robust'][number]['before']) => (x
    ? html`<td class="num">${x.modalRank} (${x.rankInterval[0]}–${x.rankInterval[1]})</td><td class="num">${pct(x.pRankOrBetter)}</td><td class="num">${pct(x.pNetPositive)}</td>`
    : html`<td colspan="3">unranked</td>`);
  return html`<h3>How robust</h3>
<p class="note">${robustCaption(rb)}</p>
<table><thead><tr><th>ally</th><th class="num">modal rank (interval), baseline</th><th class="num">P(scenario's rank or better), baseline</th><th class="num">P(net &gt; 0), baseline</th><th class="num">modal rank (interval), scenario</th><th class="num">P(scenario's rank or better), scenario</th><th class="num">P(net &gt; 0), scenario</th></tr></thead><tbody>
${s.robust.map((a) => html`<tr><td>${a.name}</td>${cells(a.before)}${cells(a.after)}</tr>`)}
</tbody></table>
${rb.paired?.length ? html`<p class="note">${pairedCaption(rb)}</p>
<table><thead><tr><th>ally</th><th class="num">net rises</th><th class="num">net change: median (interval)</th><th class="num">rank improves / holds / worsens</th><th class="num">places gained: median (interval)</th></tr></thead><tbody>
${rb.paired.map((p) => html`<tr><td>${s.robust.find((a) => a.ally === p.ally)?.name ?? p.ally}</td>${pairedCells(p).map((c) => html`<td class="num">${c}</td>`)}</tr>`)}
</tbody></table>` : rb.unpaired ? html`<p class="note">Not paired draw by draw: ${rb.unpaired}.</p>` : ''}`;
}

function scenarios(model: ReportModel, figures: ReportFigures): Html {
  if (!model.scenarios.length) return html``;
  return html`<section class="part" id="${PART_IDS.scenarios}"><h1>Scenarios</h1>
<p>Each scenario lays sourced changes over a baseline projection of the evidence to its horizon and recomputes every ally's ledger; the movements below are against that baseline, each credited to the change that caused it.</p>
${model.scenarios.map((s, i) => scenario(s, i, figures.scenarios[i]))}
</section>`;
}

function claims(list: readonly ClaimCheck[]): Html {
  return html`<section class="part" id="${PART_IDS.claims}"><h1>Claims from the literature, checked</h1>
<p>Quantitative statements from the reference texts and the alliance literature, each read under the definitions the evidence allows. Each part of a claim (one stated figure) is supported when every reading agrees, depends on the definition when some do, not supported when none does. A claim is supported when every part is; depends on the definition only when some one definition supports every part; not supported when some part is supported by no definition (the definitions tried are listed with their figures); not checkable when the evidence cannot test it.</p>
<table><thead><tr><th>claim</th><th>verdict</th><th>source</th></tr></thead><tbody>
${list.map((c) => html`<tr><td>${c.claim.statement}<span class="definition"><br>${c.summary}</span></td><td class="verdict">${c.verdict}</td><td class="sources">${sourceLink(c.claim.source)}, ${c.claim.locator}</td></tr>`)}
</tbody></table></section>`;
}

// --- appendices ---

function methodology(model: ReportModel, figures: ReportFigures): Html {
  const m = model.methodologyAppendix;
  const rb = m.robustness;
  return html`<section class="part" id="${PART_IDS.methodology}"><h1>Appendix A. Methodology</h1>
<p><strong>${m.title}</strong> (${m.id} ${m.version}, ${m.file}; ${m.authors.join(', ')}). ${m.description}</p>
<ol>${m.steps.map((s) => html`<li>${s}</li>`)}</ol>
<h2>Line items, weights and normalization</h2>
<table><thead><tr><th>side</th><th>line item</th><th>construct</th><th>measure</th><th>normalization</th><th>when missing</th><th class="num">weight</th><th class="num">of side</th><th class="num">net points, 0-100</th></tr></thead><tbody>
${m.items.map((i) => html`<tr><td>${i.item.side}</td><td><strong>${i.item.label}</strong><span class="definition"><br>${i.item.group} · ${i.item.unit}</span></td><td class="definition">${i.construct}</td><td class="definition">${i.measure}</td><td class="definition">${i.normalization}</td><td class="definition">${i.missing}</td><td class="num">${formatNumber(i.item.weight)}</td><td class="num">${pct(i.shareOfSide, 1)}</td><td class="num">${signed(i.pointsFullRange)}</td></tr>`)}
</tbody></table>
<h2>Why each line item</h2>
<ul class="rationale">${m.items.map((i) => html`<li><strong>${i.item.label}.</strong> ${i.item.rationale} (${i.item.citations.map((c, k) => html`${k ? '; ' : ''}${sourceLink(c.source)}${c.locator ? `, ${c.locator}` : ''}`)})</li>`)}</ul>
${m.judgments.length ? html`<h2>Judgments</h2><table><thead><tr><th>judgment</th><th>question</th><th>scale</th></tr></thead><tbody>
${m.judgments.map((j) => html`<tr><td>${j.label}</td><td class="rationale">${j.question}</td><td class="rationale">${j.scale.min}–${j.scale.max}${Object.keys(j.scale.labels).length ? `: ${Object.entries(j.scale.labels).map(([k, v]) => `${k} ${v}`).join('; ')}` : ''}</td></tr>`)}
</tbody></table>` : ''}
<h2>Robustness</h2>
<p>${rb.description} The whole ranking equals the ledger's in ${pct(rb.pSameOrder, 1)} of draws.</p>
${figureBlock(figures.robustness)}
<table><caption>ASPI-style check: every weight moves independently by up to the stated fraction (uniform), data and judgments fixed</caption><thead><tr><th class="num">weights move up to</th><th class="num">draws</th><th class="num">P(whole ranking holds)</th><th class="num">mean P(ally keeps its rank)</th><th class="num">largest rank shift</th></tr></thead><tbody>
${rb.sweep.map((s) => html`<tr><td class="num">±${Math.round(s.change * 100)}%</td><td class="num">${s.draws.toLocaleString('en-US')}</td><td class="num">${pct(s.pSameOrder, 1)}</td><td class="num">${pct(s.meanPSameRank)}</td><td class="num">${s.maxShift}</td></tr>`)}
</tbody></table>
${m.asymmetry.length ? html`<h2>Asymmetry profiles</h2><ul class="rationale">${m.asymmetry.map((d) => html`<li>${d}</li>`)}</ul>` : ''}
<h2>Burden sharing</h2>
<p>${m.burdenSharing.rationale} Ability to contribute: ${m.burdenSharing.ability}. Contributions: ${m.burdenSharing.contributions.join('; ')}. Values up to ${m.burdenSharing.staleness} years older than the year stand in for it. (${m.burdenSharing.citations.map((c, k) => html`${k ? '; ' : ''}${sourceLink(c.source)}${c.locator ? `, ${c.locator}` : ''}`)})</p>
</section>`;
}

function data(model: ReportModel): Html {
  const d = model.dataAppendix;
  return html`<section class="part" id="${PART_IDS.data}"><h1>Appendix B. Data</h1>
<ul>${d.notes.map((n) => html`<li>${n}</li>`)}</ul>
<h2>Indicators</h2>
<table><thead><tr><th>indicator</th><th>unit</th><th class="num">covered</th><th>sources</th></tr></thead><tbody>
${d.indicators.map((i) => html`<tr><td><strong>${i.indicator.label}</strong> <span class="muted">${i.indicator.id}</span><span class="definition"><br>${i.indicator.definition}</span></td><td>${i.indicator.unit}</td><td class="num">${i.covered} of ${i.of}</td><td class="sources">${sourceLinks(i.sources)}</td></tr>`)}
</tbody></table>
<h2>Coverage of each ally's ledger</h2>
<table><thead><tr><th>ally</th><th class="num">weight observed</th><th class="num">items observed</th><th class="num">imputed</th><th class="num">missing</th><th>missing items</th></tr></thead><tbody>
${d.coverage.map((c) => html`<tr><td>${c.name}</td><td class="num">${pct(c.overall)}</td><td class="num">${c.observed} of ${c.total}</td><td class="num">${c.imputed}</td><td class="num">${c.missing}</td><td class="definition">${c.missingItems.join('; ')}</td></tr>`)}
</tbody></table>
<h2>Snapshot files read</h2>
<table><thead><tr><th>source</th><th>file</th><th class="num">bytes</th><th>sha256</th></tr></thead><tbody>
${d.files.map((f) => html`<tr><td>${sourceLink(f.source)}</td><td>${f.path}</td><td class="num">${f.bytes.toLocaleString('en-US')}</td><td class="hash">${f.sha256}</td></tr>`)}
</tbody></table>
<p class="note">Evidence tables besides the observations: ${d.tables.join(', ')}.</p>
</section>`;
}

function bibliography(model: ReportModel): Html {
  return html`<section class="part" id="${PART_IDS.bibliography}"><h1>Bibliography</h1>
<p class="note">Every source the report uses, with its terms of use. The same entries as BibTeX and CSL-JSON: <code>allies export sources --format bibtex</code> or <code>--format csl</code>.</p>
<ul class="bibliography">${model.bibliography.map((b) => html`<li id="src-${anchorId(b.id)}"><span class="id">${b.id}</span> · ${b.citation}${b.version ? html` <span class="muted">Version: ${b.version}.</span>` : ''}${b.url ? html` <a href="${/^https?:\/\//.test(b.url) ? b.url : '#'}">${b.url}</a>` : ''}<br><span class="note">Terms: ${b.terms}${b.files.length ? html`. Snapshot: ${b.files.map((f, i) => html`${i ? '; ' : ''}${f.path} <span class="hash">sha256 ${f.sha256}</span>`)}` : ''}</span></li>`)}</ul>
</section>`;
}

function document(model: ReportModel, content: HtmlPart, printCss = ''): string {
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${model.title}</title>
<style>${trusted(reportCss(model.title) + printCss)}</style></head>
<body>
${content}
</body></html>
`.markup;
}

function cover(model: ReportModel): Html {
  return html`<header class="cover"><h1>${model.title}</h1><p class="subtitle">${model.subtitle}</p>
<p class="colophon">Every figure in this report is computed from the evidence base of Alliance Ledger and cites its source; every judgment shows its author and rationale; Appendix A shows how far the conclusions depend on the weights. ${model.covered} allies covered, ${model.ranked} ranked, ${model.chapters.length} chapters. Methodology: ${model.methodology.title} (${model.methodology.id} ${model.methodology.version}).</p></header>`;
}

/** Everything after the contents. */
function main(model: ReportModel, figures: ReportFigures): Html {
  return html`${summary(model, figures)}
<section class="part" id="${PART_IDS.allies}"><h1>The allies, one by one</h1>
<p>One chapter per ally: its balance sheet as a T-account (assets left, liabilities right, net below, a source on every line), the indicators behind it over time, its burden-sharing ratios, the forms its asymmetry with the United States takes, the interests it serves, the judgments its ledger rests on, and the claims made about it.</p></section>
${model.chapters.map((c) => chapter(c, model, figures))}
${regions(model, figures)}
${scenarios(model, figures)}
${claims(model.claims)}
${methodology(model, figures)}
${data(model)}
${bibliography(model)}`;
}

/** Ids the contents link to. */
function contentsTargets(model: ReportModel): string[] {
  return [
    ...Object.values(PART_IDS).filter((id) => id !== PART_IDS.contents),
    ...model.chapters.map((c) => chapterId(c.iso3)),
    ...model.scenarios.map((_s, i) => `scenario-${i + 1}`),
  ];
}

/** The whole report as one HTML document. */
export function renderHtml(model: ReportModel, figures: ReportFigures = reportFigures(model)): string {
  return document(model, html`${cover(model)}\n${contents(model, null)}\n${main(model, figures)}`);
}

/**
 * The report as the PDF renderer prints it: the front matter (cover and contents) and the
 * body as two documents, so the long body is printed once. The front carries an empty
 * target for every link of the contents (Chromium writes links only to anchors it has); the
 * joined PDF sends them to the body's anchors. Pages say "Page n" (the total is not known
 * while the body prints; PDF viewers show it).
 */
export interface PrintableReport {
  front(pages: AnchorPages | null): string;
  /** The body, its first page numbered `firstPage`. */
  body(firstPage: number): string;
  /** The PDF's bookmarks: the parts and chapters, each leading to its anchor. */
  outline: OutlineEntry[];
}

export function printableReport(model: ReportModel, figures: ReportFigures = reportFigures(model)): PrintableReport {
  // Chromium records an anchor's page only when a link in the same document points to it.
  const targets = html`<nav class="print-targets" aria-hidden="true">${contentsTargets(model).map((id) => html`<a href="#${id}"></a>`)}</nav>`;
  const body = html`${main(model, figures)}${targets}`;
  const stubs = html`<div class="anchor-stubs">${contentsTargets(model).map((id) => html`<span id="${id}"></span>`)}</div>`;
  return {
    front: (pages) => document(model, html`${cover(model)}\n${contents(model, pages)}\n${stubs}`, '@page { @bottom-center { content: "Page " counter(page); } }'),
    body: (firstPage) => document(model, body,
      `@page { @bottom-center { content: "Page " counter(page); } }\n@page :first { counter-increment: page ${Math.max(1, Math.floor(firstPage))}; @top-right { content: ${cssString(model.title)}; } @bottom-center { content: "Page " counter(page); } }`),
    outline: outlineOf(model),
  };
}
