// The report as Markdown, with every chart as an SVG file beside it (figures/*.svg). Text
// from files is escaped (escapeMarkdown): Markdown renders inline HTML, so a judgment
// rationale or scenario description could otherwise carry markup into a reader's viewer.
import type { LedgerLine } from '../method/index.ts';
import { cap } from './assemble.ts';
import { anchorId, escapeMarkdown } from './escape.ts';
import { reportFigures } from './figures.ts';
import type { Figure, ReportFigures } from './figures.ts';
import {
  formatNumber, intervalText, lineValue, missingNote, pct, points, rankText, ratioText, regionName, pairedCaption, pairedCells, robustCaption, robustnessText, signed, sourcedText, standing,
} from './format.ts';
import { PART_IDS, chapterId } from './html.ts';
import type { AllyChapter, ReportModel } from './model.ts';

export interface MarkdownReport {
  markdown: string;
  /** Files to write beside the Markdown: path relative to it -> content. */
  files: Map<string, string>;
}

const md = escapeMarkdown;

function anchor(id: string): string {
  return `<a id="${anchorId(id)}"></a>`;
}

function cite(ids: readonly string[]): string {
  return ids.map((id) => `[${md(id)}](#src-${anchorId(id)})`).join(', ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const align = header.map((_h, i) => (right.has(i) ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function figure(f: Figure | null, files: Map<string, string>): string {
  if (!f) return '';
  const images = f.panels.map((p) => {
    files.set(`figures/${p.file}`, p.svg);
    return `![${md(p.title)}](figures/${p.file})`;
  });
  return `${images.join('\n')}\n\n*Figure ${f.number}. ${md(f.title)}.* ${md(f.note)}${f.sources.length ? ` Sources: ${cite(f.sources)}.` : ''}\n`;
}

function tCell(line: LedgerLine | undefined, year: number): string {
  if (!line) return '';
  const value = line.missing ? missingNote(line) : lineValue(line, year);
  const score = line.score === null ? 'no score' : `score ${line.score.toFixed(0)} · weight ${pct(line.share)} · ${points(line.contribution)} pts`;
  return `**${md(line.label)}**: ${md(value)} · ${score}${line.sources.length ? ` · ${cite(line.sources)}` : ''}`;
}

function tAccount(c: AllyChapter): string {
  const l = c.ledger;
  const assets = l.lines.filter((x) => x.side === 'asset');
  const liabilities = l.lines.filter((x) => x.side === 'liability');
  const rows: string[][] = [];
  for (let i = 0; i < Math.max(assets.length, liabilities.length); i++) {
    const group = (list: LedgerLine[], k: number) => (list[k] && (k === 0 || list[k - 1].group !== list[k].group) ? `*${md(list[k].group)}*<br>` : '');
    rows.push([`${group(assets, i)}${tCell(assets[i], l.year)}`, `${group(liabilities, i)}${tCell(liabilities[i], l.year)}`]);
  }
  rows.push([`**Assets ${points(l.assets)}**`, `**Liabilities ${points(l.liabilities)}**`]);
  const cov = l.coverage;
  return `${table(['Assets', 'Liabilities'], rows)}\n\n**Net ${signed(l.net)}** (${md(rankText(l, c.rankedCount))}). Scores are 0-100 among the covered allies of ${l.year}; pts = weight share × score. Coverage: ${pct(cov.overall)} of the line-item weight observed; ${cov.itemsObserved} of ${cov.itemsTotal} items observed, ${cov.itemsImputed} imputed, ${cov.itemsMissing} missing.\n`;
}

function chapter(c: AllyChapter, model: ReportModel, figures: ReportFigures, files: Map<string, string>): string {
  const f = figures.chapters.get(c.iso3)!;
  const a = c.asymmetry;
  const capability = a.capability;
  const out = [
    `${anchor(chapterId(c.iso3))}\n## ${md(c.name)} (${c.iso3})\n`,
    `${md(standing(c).join(' · '))}\n`,
    `${md(robustnessText(c, model.methodologyAppendix.robustness.settings.interval))}\n`,
    tAccount(c),
    '### Key indicators\n',
    figure(f.indicators, files),
    '### Burden sharing\n',
    c.burden.length ? table(['contribution', 'value', `share of allied total / of ${md(c.burdenAbility)}`, 'ratio', 'rank', 'sources'], c.burden.map((b) => [
      md(b.label), b.value === null ? 'missing' : md(`${formatNumber(b.value)} ${b.unit}${b.year === null ? '' : ` [${b.year}]`}`), `${pct(b.share, 2)} / ${pct(b.abilityShare, 2)}`,
      b.ratio === null ? md(b.reason ?? 'missing') : b.ratio.toFixed(2), b.rank === null ? '–' : `${b.rank} of ${b.rankedAmong}`, cite(b.sources),
    ]), new Set([1, 2, 3, 4])) + '\n' : 'No burden-sharing figures.\n',
    figure(f.burden, files),
    '### Asymmetry\n',
    `Obligations: **${md(a.obligations.pattern)}**.\n`,
    a.obligations.commitments.length ? table(['commitment', 'status', 'U.S. owes', `${md(c.name)} owes`, 'pattern', 'stationing', 'cited'], a.obligations.commitments.map((x) => [
      md(x.name), md(`${x.status}${x.current ? '' : ' (past)'}`), md(x.usOwes.join(', ') || 'nothing'), md(x.allyOwes.join(', ') || 'nothing'), md(x.pattern), md(x.base.meaning), cite([...new Set(x.cites.map((y) => y.source))]),
    ])) + '\n' : '',
    table([`${c.iso3} / counterpart`, 'capitals, km', 'CINC', 'GDP', 'milex'], [capability.toUnitedStates, ...capability.toRivals].map((r) => [
      `${r.counterpart}${r.counterpart === capability.principalRival ? ' (principal rival)' : ''}`, r.distanceKm ? formatNumber(r.distanceKm.value) : '–',
      r.ratios.cinc ? ratioText(r.ratios.cinc.value) : 'missing', r.ratios.gdp ? ratioText(r.ratios.gdp.value) : 'missing', r.ratios.milex ? ratioText(r.ratios.milex.value) : 'missing',
    ]), new Set([1, 2, 3, 4])) + '\n',
    table(['basing and cost', 'value [year]', 'sources'], ([
      ['U.S. active-duty troops hosted', a.basing.troops], ['U.S. base sites (Vine 2020)', a.basing.baseSites], ['facilities for exclusive U.S. use', a.basing.exclusiveUseFacilities],
      ['host-nation support, US$ m', a.cost.hostNationSupport], [`U.S. stationing cost, US$ m (${a.cost.costMethod})`, a.cost.usStationingCost],
      ['share of U.S. stationing cost offset (DoD definition)', a.cost.offsetShare],
    ] as const).map(([what, v]) => [md(what), md(sourcedText(v)), v ? cite([...new Set(v.cites.map((x) => x.source))]) : '']), new Set([1])) + '\n',
  ];
  if (c.interests) {
    const served = c.interests.interests.filter((i) => i.points !== null && i.points > 0);
    const accepted = c.interests.compromises.filter((x) => x.points !== null && x.points > 0);
    out.push('### Interests served and compromises accepted\n', `Serves: ${md(served.map((i) => `${i.label} ${points(i.points)}`).join('; ') || 'none with data')}. The United States accepts: ${md(accepted.map((x) => `${x.label} ${points(x.points)}`).join('; ') || 'none with data')}.\n`);
  }
  if (c.judgments.length) {
    out.push('### Judgments behind the ledger\n', table(['judgment', 'rating (range)', 'rationale', 'by', 'citations'], c.judgments.map((j) => [
      md(j.label), `${j.value} (${j.low}–${j.high}) of ${j.scale.min}–${j.scale.max}`, md(j.rationale), md(`${j.author}, ${j.date}`),
      j.citations.map((x) => `${cite([x.source])}${x.locator ? `, ${md(x.locator)}` : ''}`).join('; '),
    ])) + '\n');
  }
  if (c.claims.length) {
    out.push(`### Claims about ${md(c.name)}, checked\n`, table(['claim', 'verdict', 'source'], c.claims.map((x) => [`${md(x.statement)}<br>${md(x.summary)}`, md(x.verdict), `${cite([x.source])}, ${md(x.locator)}`])) + '\n');
  }
  return out.filter(Boolean).join('\n');
}

function summary(model: ReportModel, figures: ReportFigures, files: Map<string, string>): string {
  const s = model.summary;
  const interval = Math.round(model.methodologyAppendix.robustness.settings.interval * 100);
  return [
    `${anchor(PART_IDS.summary)}\n# Executive summary\n`,
    s.findings.map((f) => `- ${md(f)}`).join('\n') + '\n',
    figure(figures.map, files),
    '## The ranking\n',
    table(['rank', 'ally', 'region', 'U.S. commitment', 'cluster', 'assets', 'liabilities', 'net', `net, ${interval}% interval`, 'P(same rank)', 'coverage'], s.ranking.map((r) => [
      String(r.rank ?? '–'), model.chapters.some((c) => c.iso3 === r.ally) ? `[${md(r.name)}](#${chapterId(r.ally)})` : md(r.name), md(regionName(r.region)), md(r.commitment), String(r.tier ?? '–'),
      points(r.assets), points(r.liabilities), signed(r.net), intervalText(r), pct(r.pSameRank), pct(r.coverage),
    ]), new Set([0, 4, 5, 6, 7, 8, 9, 10])) + '\n',
    figure(figures.ranking, files),
    '## Clusters of allies with similar profiles\n',
    table(['cluster', 'mean net', 'members', 'above the others on', 'below them on'], s.tiers.map((t) => [
      String(t.tier), signed(t.meanNet), md(t.members.map((m) => m.name).join(', ')), md(t.above.join('; ') || '–'), md(t.below.join('; ') || '–'),
    ]), new Set([0, 1])) + '\n',
    s.tierDefinitions.map((d) => `- ${md(d)}`).join('\n') + '\n',
  ].join('\n');
}

function regions(model: ReportModel, figures: ReportFigures, files: Map<string, string>): string {
  const r = model.regions;
  if (!r) return '';
  const [a, b] = r.comparison.regions.map(cap);
  const mean = (x: { mean: number | null; n: number }, f: (v: number) => string) => (x.mean === null ? '–' : `${f(x.mean)} (n=${x.n})`);
  return [
    `${anchor(PART_IDS.regions)}\n# ${a} and ${b} compared\n`,
    `${a}: ${md(r.names[0].join(', '))}.\n`, `${b}: ${md(r.names[1].join(', '))}.\n`,
    table(['mean over the region\'s allies', a, b], [
      ...r.comparison.totals.map((t) => [t.measure, t.measure === 'net' ? signed(t.a) : points(t.a), t.measure === 'net' ? signed(t.b) : points(t.b)]),
      ...r.burden.map((x) => [`burden-sharing ratio: ${md(x.label)}`, mean(x.a, (v) => v.toFixed(2)), mean(x.b, (v) => v.toFixed(2))]),
      ...r.indicators.map((x) => [`${md(x.label)} (${md(x.unit)}), latest`, mean(x.a, (v) => formatNumber(v)), mean(x.b, (v) => formatNumber(v))]),
    ], new Set([1, 2])) + '\n',
    figure(figures.regions, files),
    `${md(r.comparison.definition)} Sources: ${cite(r.sources)}.\n`,
  ].join('\n');
}

function scenarios(model: ReportModel, figures: ReportFigures, files: Map<string, string>): string {
  if (!model.scenarios.length) return '';
  const out = [`${anchor(PART_IDS.scenarios)}\n# Scenarios\n`];
  model.scenarios.forEach((s, i) => {
    const r = s.result;
    out.push(
      `${anchor(`scenario-${i + 1}`)}\n## ${md(r.scenario.title)}\n`,
      `Scenario ${md(r.scenario.id)} · horizon ${r.year} · compared with ${r.reference.kind === 'baseline' ? 'the baseline projection' : md(r.reference.title)}\n`,
      `${r.scenario.description.split(/\n\s*\n/).map(md).join('\n\n')}\n`,
      `Rests on: ${r.scenario.sources.map((c) => `${cite([c.source])} (${md(c.locator)})`).join('; ')}\n`,
      r.baseline.description.map((d) => `- ${md(d)}`).join('\n') + '\n',
      r.changes.length ? table(['#', 'change', 'why', 'cites'], r.changes.map((c, k) => [String(k + 1), md(c.label), md(c.rationale), c.citations.map((x) => `${cite([x.source])} (${md(x.locator)})`).join('; ')])) + '\n' : 'No changes: the scenario is the baseline.\n',
      figure(figures.scenarios[i], files),
      s.moved.length ? table(['ally', 'net before', 'net after', 'change', 'rank before → after'], s.moved.slice(0, 20).map((m) => [md(m.name), signed(m.before), signed(m.after), signed(m.change, 2), `${m.rankBefore ?? '–'} → ${m.rankAfter ?? '–'}`]), new Set([1, 2, 3, 4])) + '\n' : 'No ally\'s ledger moved.\n',
    );
    if (r.robustness && s.robust.length) {
      const cells = (x: (typeof s.robust)[number]['before']) => (x ? [`${x.modalRank} (${x.rankInterval[0]}–${x.rankInterval[1]})`, pct(x.pRankOrBetter), pct(x.pNetPositive)] : ['unranked', '', '']);
      out.push(
        `### How robust\n`,
        `${md(robustCaption(r.robustness))}\n`,
        table(['ally', 'modal rank (interval), baseline', 'P(scenario\'s rank or better), baseline', 'P(net > 0), baseline', 'modal rank (interval), scenario', 'P(scenario\'s rank or better), scenario', 'P(net > 0), scenario'],
          s.robust.map((a) => [md(a.name), ...cells(a.before), ...cells(a.after)]), new Set([1, 2, 3, 4, 5, 6])) + '\n',
      );
      const rb = r.robustness;
      if (rb.paired?.length) {
        out.push(`${md(pairedCaption(rb))}\n`, table(['ally', 'net rises', 'net change: median (interval)', 'rank improves / holds / worsens', 'places gained: median (interval)'],
          rb.paired.map((p) => [md(s.robust.find((a) => a.ally === p.ally)?.name ?? p.ally), ...pairedCells(p)]), new Set([1, 2, 3, 4])) + '\n');
      } else if (rb.unpaired) out.push(`Not paired draw by draw: ${md(rb.unpaired)}.\n`);
    }
  });
  return out.join('\n');
}

function appendices(model: ReportModel, figures: ReportFigures, files: Map<string, string>): string {
  const m = model.methodologyAppendix;
  const rb = m.robustness;
  const d = model.dataAppendix;
  return [
    `${anchor(PART_IDS.claims)}\n# Claims from the literature, checked\n`,
    'Each part of a claim (one stated figure) is supported when every reading agrees, depends on the definition when some do, not supported when none does. A claim is supported when every part is; depends on the definition only when some one definition supports every part; not supported when some part is supported by no definition (the definitions tried are listed with their figures); not checkable when the evidence cannot test it.\n',
    table(['claim', 'verdict', 'source'], model.claims.map((c) => [`${md(c.claim.statement)}<br>${md(c.summary)}`, md(c.verdict), `${cite([c.claim.source])}, ${md(c.claim.locator)}`])) + '\n',
    `${anchor(PART_IDS.methodology)}\n# Appendix A. Methodology\n`,
    `**${md(m.title)}** (${md(m.id)} ${md(m.version)}, ${md(m.file)}; ${md(m.authors.join(', '))}). ${md(m.description)}\n`,
    m.steps.map((s, i) => `${i + 1}. ${md(s)}`).join('\n') + '\n',
    '## Line items, weights and normalization\n',
    table(['side', 'line item', 'construct', 'measure', 'normalization', 'when missing', 'weight', 'of side', 'net points, 0-100'], m.items.map((i) => [
      i.item.side, `**${md(i.item.label)}** (${md(i.item.group)}; ${md(i.item.unit)})`, md(i.construct), md(i.measure), md(i.normalization), md(i.missing), formatNumber(i.item.weight), pct(i.shareOfSide, 1), signed(i.pointsFullRange),
    ]), new Set([6, 7, 8])) + '\n',
    '## Why each line item\n',
    m.items.map((i) => `- **${md(i.item.label)}.** ${md(i.item.rationale)} (${i.item.citations.map((c) => `${cite([c.source])}${c.locator ? `, ${md(c.locator)}` : ''}`).join('; ')})`).join('\n') + '\n',
    m.judgments.length ? '## Judgments\n\n' + table(['judgment', 'question', 'scale'], m.judgments.map((j) => [md(j.label), md(j.question), md(`${j.scale.min}–${j.scale.max}${Object.keys(j.scale.labels).length ? `: ${Object.entries(j.scale.labels).map(([k, v]) => `${k} ${v}`).join('; ')}` : ''}`)])) + '\n' : '',
    '## Robustness\n',
    `${md(rb.description)} The whole ranking equals the ledger's in ${pct(rb.pSameOrder, 1)} of draws.\n`,
    figure(figures.robustness, files),
    table(['weights move up to', 'draws', 'P(whole ranking holds)', 'mean P(ally keeps its rank)', 'largest rank shift'], rb.sweep.map((s) => [`±${Math.round(s.change * 100)}%`, s.draws.toLocaleString('en-US'), pct(s.pSameOrder, 1), pct(s.meanPSameRank), String(s.maxShift)]), new Set([0, 1, 2, 3, 4])) + '\n',
    m.asymmetry.length ? '## Asymmetry profiles\n\n' + m.asymmetry.map((x) => `- ${md(x)}`).join('\n') + '\n' : '',
    '## Burden sharing\n',
    `${md(m.burdenSharing.rationale)} Ability to contribute: ${md(m.burdenSharing.ability)}. Contributions: ${md(m.burdenSharing.contributions.join('; '))}. (${m.burdenSharing.citations.map((c) => `${cite([c.source])}${c.locator ? `, ${md(c.locator)}` : ''}`).join('; ')})\n`,
    `${anchor(PART_IDS.data)}\n# Appendix B. Data\n`,
    d.notes.map((n) => `- ${md(n)}`).join('\n') + '\n',
    '## Indicators\n',
    table(['indicator', 'definition', 'unit', 'covered', 'sources'], d.indicators.map((i) => [`**${md(i.indicator.label)}** (${md(i.indicator.id)})`, md(i.indicator.definition), md(i.indicator.unit), `${i.covered} of ${i.of}`, cite(i.sources)]), new Set([3])) + '\n',
    '## Coverage of each ally\'s ledger\n',
    table(['ally', 'weight observed', 'items observed', 'imputed', 'missing', 'missing items'], d.coverage.map((c) => [md(c.name), pct(c.overall), `${c.observed} of ${c.total}`, String(c.imputed), String(c.missing), md(c.missingItems.join('; '))]), new Set([1, 2, 3, 4])) + '\n',
    '## Snapshot files read\n',
    table(['source', 'file', 'bytes', 'sha256'], d.files.map((f) => [cite([f.source]), md(f.path), f.bytes.toLocaleString('en-US'), `\`${f.sha256}\``]), new Set([2])) + '\n',
    `${anchor(PART_IDS.bibliography)}\n# Bibliography\n`,
    model.bibliography.map((b) => `- ${anchor(`src-${b.id}`)}**${md(b.id)}** · ${md(b.citation)}${b.version ? ` Version: ${md(b.version)}.` : ''}${/^https?:\/\//.test(b.url) ? ` <${b.url.replace(/[<>\s]/g, encodeURIComponent)}>` : ''} Terms: ${md(b.terms)}.${b.files.length ? ` Snapshot: ${b.files.map((f) => `${md(f.path)} (sha256 \`${f.sha256}\`)`).join('; ')}.` : ''}`).join('\n') + '\n',
  ].filter(Boolean).join('\n');
}

/** The report as Markdown and the figure files it links to. */
export function renderMarkdown(model: ReportModel, figures: ReportFigures = reportFigures(model)): MarkdownReport {
  const files = new Map<string, string>();
  const contents = [
    `- [Executive summary](#${PART_IDS.summary})`,
    `- [The allies](#${PART_IDS.allies})`,
    ...model.chapters.map((c) => `  - [${md(c.name)} (${c.iso3})](#${chapterId(c.iso3)})`),
    ...(model.regions ? [`- [${cap(model.regions.comparison.regions[0])} and ${cap(model.regions.comparison.regions[1])} compared](#${PART_IDS.regions})`] : []),
    ...(model.scenarios.length ? [`- [Scenarios](#${PART_IDS.scenarios})`] : []),
    `- [Claims from the literature, checked](#${PART_IDS.claims})`,
    `- [Appendix A. Methodology](#${PART_IDS.methodology})`,
    `- [Appendix B. Data](#${PART_IDS.data})`,
    `- [Bibliography](#${PART_IDS.bibliography})`,
  ];
  const markdown = [
    `# ${md(model.title)}\n`,
    `*${md(model.subtitle)}*\n`,
    `Every figure is computed from the evidence base of Alliance Ledger and cites its source; every judgment shows its author and rationale. ${model.covered} allies covered, ${model.ranked} ranked, ${model.chapters.length} chapters.\n`,
    '## Contents\n',
    contents.join('\n') + '\n',
    summary(model, figures, files),
    `${anchor(PART_IDS.allies)}\n# The allies, one by one\n`,
    ...model.chapters.map((c) => chapter(c, model, figures, files)),
    regions(model, figures, files),
    scenarios(model, figures, files),
    appendices(model, figures, files),
  ].filter(Boolean).join('\n');
  return { markdown, files };
}
