// The report's figures, drawn once and numbered in reading order, so that the HTML (inline
// SVG) and the Markdown (SVG files beside it) show the same charts under the same numbers.
// Charts come from src/interfaces/charts, the builders the dashboard shares.
import { burdenRatioChart } from '../interfaces/charts/burden.ts';
import { netIntervalChart } from '../interfaces/charts/intervals.ts';
import { netChangeChart } from '../interfaces/charts/net-change.ts';
import { netExtent, rankingChart } from '../interfaces/charts/ranking.ts';
import { regionGapChart } from '../interfaces/charts/region-gap.ts';
import { seriesChart } from '../interfaces/charts/series.ts';
import { plotSvg } from '../interfaces/charts/svg.ts';
import { netLegendSvg, worldMapSvg } from '../interfaces/charts/world-map.ts';
import { CHART_FIRST_YEAR, cap } from './assemble.ts';
import type { AllyChapter, ReportModel } from './model.ts';

export interface Panel {
  /** File name beside a Markdown report (figures/<file>). */
  file: string;
  title: string;
  svg: string;
  sources: string[];
}

export interface Figure {
  id: string;
  number: number;
  title: string;
  note: string;
  panels: Panel[];
  sources: string[];
}

export interface ReportFigures {
  map: Figure;
  ranking: Figure;
  chapters: Map<string, { indicators: Figure | null; burden: Figure | null }>;
  regions: Figure | null;
  scenarios: (Figure | null)[];
  robustness: Figure;
  /** Every figure in reading order. */
  all: Figure[];
}

/** Allies a scenario chart shows at most (the largest movements). */
const SCENARIO_CHART_ALLIES = 20;

function uniq(xs: readonly string[]): string[] {
  return [...new Set(xs)].sort();
}

function chapterFigures(c: AllyChapter, year: number, next: () => number): { indicators: Figure | null; burden: Figure | null } {
  const panels = c.keyIndicators.map((k) => ({
    file: `${c.iso3.toLowerCase()}-${k.indicator.id}.svg`,
    title: k.indicator.label,
    svg: plotSvg(seriesChart(k.points, { unit: k.indicator.unit, year, width: 330, height: 130, reference: k.reference })),
    sources: k.sources,
  }));
  const indicators = panels.length ? {
    id: `fig-${c.iso3}-indicators`, number: next(),
    title: `${c.name}: key indicators, ${CHART_FIRST_YEAR}–${year}`,
    note: `A gap is a missing year (never drawn as zero); the dashed line marks ${year}.`,
    panels, sources: uniq(panels.flatMap((p) => p.sources)),
  } : null;
  const ratios = c.burden.filter((b) => b.ratio !== null && b.ratio > 0).map((b) => ({ label: b.label, ratio: b.ratio! }));
  const burden = ratios.length ? {
    id: `fig-${c.iso3}-burden`, number: next(),
    title: `${c.name}: burden-sharing ratios, ${year}`,
    note: `Share of the allied total over share of the allied ${c.burdenAbility}; 1 is a fair share.`,
    panels: [{ file: `${c.iso3.toLowerCase()}-burden.svg`, title: 'Burden-sharing ratios', svg: plotSvg(burdenRatioChart(ratios, { width: 300 })), sources: uniq(c.burden.flatMap((b) => b.sources)) }],
    sources: uniq(c.burden.flatMap((b) => b.sources)),
  } : null;
  return { indicators, burden };
}

export function reportFigures(model: ReportModel): ReportFigures {
  let n = 0;
  const next = () => ++n;
  const ranked = model.summary.ranking.filter((r) => r.rank !== null && r.net !== null);
  const extent = netExtent(ranked.map((r) => ({ net: r.net, low: r.netLow ?? undefined, high: r.netHigh ?? undefined })));
  // Charts of whole ledgers rest on every line's sources: the chapters cite them line by line.
  const ledgerSources: string[] = [];
  const ledgerNote = ' Sources: those of each ally\'s ledger lines (the chapters cite them line by line; Bibliography).';
  const map: Figure = {
    id: 'fig-map', number: next(),
    title: `U.S. allies by net balance, ${model.year}`,
    note: `Colour: assets minus liabilities of each ally's balance sheet (blue: more assets; orange: more liabilities). Allies too small for the map are dots at their capitals (peacesciencer-capitals).${ledgerNote}`,
    panels: [
      { file: 'map.svg', title: 'Map', svg: worldMapSvg(model.summary.ranking.map((r) => ({ iso3: r.ally, name: r.name, net: r.net, ranked: r.rank !== null, rank: r.rank })), new Map(model.summary.capitals), extent), sources: [] },
      { file: 'map-legend.svg', title: 'Legend', svg: netLegendSvg(extent), sources: [] },
    ],
    sources: ledgerSources,
  };
  const ranking: Figure = {
    id: 'fig-ranking', number: next(),
    title: `Allies ranked by net balance, ${model.year}`,
    note: `Bars: the ledger's net; grey rules: the ${Math.round(model.methodologyAppendix.robustness.settings.interval * 100)}% interval of the net over the robustness draws.${ledgerNote}`,
    panels: [{
      file: 'ranking.svg', title: 'Ranking',
      svg: plotSvg(rankingChart(ranked.map((r) => ({ ally: r.ally, name: r.name, net: r.net!, rank: r.rank!, low: r.netLow ?? undefined, high: r.netHigh ?? undefined })), { width: 660, extent })),
      sources: ledgerSources,
    }],
    sources: ledgerSources,
  };
  const chapters = new Map(model.chapters.map((c) => [c.iso3, chapterFigures(c, model.year, next)]));
  let regions: Figure | null = null;
  if (model.regions) {
    const r = model.regions.comparison;
    const labels: [string, string] = [cap(r.regions[0]), cap(r.regions[1])];
    regions = {
      id: 'fig-regions', number: next(),
      title: `${labels[0]} and ${labels[1]}: mean line-item scores, ${model.year}`,
      note: `${r.definition} Dots: ${labels[0]} green, ${labels[1]} purple; x: mean score 0-100; A: asset, L: liability.${ledgerNote}`,
      panels: [{ file: 'regions.svg', title: 'Regions', svg: plotSvg(regionGapChart(r.items.map((i) => ({ label: i.label, side: i.side, a: i.a.mean, b: i.b.mean })), labels, { width: 700 })), sources: ledgerSources }],
      sources: ledgerSources,
    };
  }
  const scenarios = model.scenarios.map((s, i): Figure | null => {
    const moved = s.moved.filter((m) => Math.abs(m.change) >= 0.005).slice(0, SCENARIO_CHART_ALLIES);
    if (!moved.length) return null;
    const sources = uniq(s.result.scenario.sources.map((c) => c.source));
    return {
      id: `fig-scenario-${i + 1}`, number: next(),
      title: `${s.result.scenario.title}: change of net by ally, ${s.result.year}`,
      note: `Against the baseline projection to ${s.result.year}; the ${moved.length} largest movements${s.moved.length > moved.length ? ` of ${s.moved.length}` : ''}.`,
      panels: [{ file: `scenario-${i + 1}.svg`, title: 'Change of net', svg: plotSvg(netChangeChart(moved.map((m) => ({ name: m.name, change: m.change })), { width: 660 })), sources }],
      sources,
    };
  });
  const rb = model.methodologyAppendix.robustness;
  const robustness: Figure = {
    id: 'fig-robustness', number: next(),
    title: `How far each ally's net depends on the weights, ${model.year}`,
    note: `${rb.description}${ledgerNote}`,
    panels: [{ file: 'robustness.svg', title: 'Robustness', svg: plotSvg(netIntervalChart(rb.intervals, { width: 660, interval: rb.settings.interval })), sources: ledgerSources }],
    sources: ledgerSources,
  };
  const all = [map, ranking, ...[...chapters.values()].flatMap((c) => [c.indicators, c.burden]), regions, ...scenarios, robustness].filter((f): f is Figure => f !== null);
  return { map, ranking, chapters, regions, scenarios, robustness, all };
}
