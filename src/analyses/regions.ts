// The theaters side by side: Asia against Europe (or any regions chosen), as the reference
// balance-sheet study compares them, on every heading: the distribution of the allies' net
// (each ally a point, with the median and quartiles), the line items where the theaters differ
// most (mean points per line item, the difference), how the regional medians and means moved
// from year to year over the ledgers of every year, and how robust the difference in medians
// is under the methodology's robustness draws. Pure: the CLI, the API and the dashboard call
// these same functions on the same ledgers.
import { median } from '../method/explain.ts';
import type { AllyLedger, YearLedger } from '../method/ledger.ts';
import { drawTrace } from '../method/draws.ts';
import type { DrawSettings, ScoreMatrix } from '../method/robustness.ts';
import { runRobustness } from '../method/robustness.ts';

export const DEFAULT_REGIONS: readonly string[] = ['asia', 'europe'];

/** Points a line gives the net: assets positive, liabilities negative (as in "why this rank"). */
const SIGN = { asset: 1, liability: -1 } as const;

export const REGION_DEFINITIONS = {
  allies: 'The allies of the year (a U.S. defense treaty in force, a major non-NATO ally designation, or Taiwan\'s treatment as one, on 31 December) in the analytic region of countries.csv; partners are left out.',
  distribution: 'Net balance of each ranked ally of the region (assets minus liabilities, each side 0-100); the median is the middle ally (two middle ones averaged), the quartiles the medians of the lower and upper halves. Allies below the methodology\'s minimum coverage are listed, not ranked, and left out of the statistics.',
  items: 'Mean points a line item gives the net (assets positive, liabilities negative: the line\'s share of its side times its 0-100 score) over the ranked allies of the region with a score for it; allies without a score for the line are counted as missing, never as zero. Difference: first region minus second. Sorted by the size of the difference.',
  series: 'For every year with a ledger, the median and mean net of each region\'s ranked allies in that year\'s ledger (the allies of that year, scored among that year\'s allies: a level compares allies within a year, not an ally across years).',
  robustness: 'In each robustness draw (weights, and data and judgments within their ranges, as the methodology sets), the median net of each region\'s ranked allies is recomputed; the share is the fraction of draws in which the first region\'s median exceeds the second\'s.',
} as const;

export type RegionDefinitions = typeof REGION_DEFINITIONS;

export interface RegionAlly {
  ally: string;
  name: string;
  net: number | null;
  assets: number | null;
  liabilities: number | null;
  rank: number | null;
  ranked: boolean;
  coverage: number;
  /** The ally's standing in the year, e.g. "NATO since 1949". */
  standing: string;
}

export interface Quartiles {
  n: number;
  min: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
  mean: number | null;
}

export interface RegionDistribution {
  region: string;
  allies: RegionAlly[];
  /** Over the ranked allies. */
  net: Quartiles;
  assets: number | null;
  liabilities: number | null;
  /** Allies of the region not ranked in the year (too little coverage): shown, not counted. */
  unranked: string[];
}

export interface RegionItemPoints {
  region: string;
  /** Mean points over the ranked allies of the region with a score (null: none has one). */
  mean: number | null;
  /** Mean 0-100 score over the same allies. */
  meanScore: number | null;
  n: number;
  /** Ranked allies of the region without a score for the line. */
  missing: string[];
}

export interface RegionItem {
  item: string;
  label: string;
  side: 'asset' | 'liability';
  group: string;
  byRegion: RegionItemPoints[];
  /** First region's mean points minus the second's; null when either is missing. */
  difference: number | null;
  /** Every source behind the line for the allies counted. */
  sources: string[];
}

export interface RegionYear {
  year: number;
  byRegion: { region: string; n: number; median: number | null; mean: number | null }[];
  /** First region's median minus the second's. */
  medianGap: number | null;
}

export interface RegionsReport {
  year: number;
  methodology: { id: string; version: string };
  regions: string[];
  distribution: RegionDistribution[];
  /** Median net of the first region minus the second's, in the year. */
  medianGap: number | null;
  items: RegionItem[];
  series: RegionYear[];
  definitions: RegionDefinitions;
  /** Every source id behind the numbers (the lines of the allies compared). */
  sources: string[];
}

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/** Minimum, quartiles (medians of the lower and upper halves), maximum and mean. */
export function quartiles(values: readonly number[]): Quartiles {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { n, min: null, q1: null, median: null, q3: null, max: null, mean: null };
  const half = n >> 1;
  return {
    n, min: s[0], max: s[n - 1], median: median(s), mean: mean(s),
    q1: half ? median(s.slice(0, half)) : s[0],
    q3: half ? median(s.slice(n - half)) : s[0],
  };
}

function inRegion(ledger: YearLedger, region: string): AllyLedger[] {
  return ledger.allies.filter((a) => !a.partner && a.region === region);
}

const rankedNets = (allies: readonly AllyLedger[]) => allies.filter((a) => a.ranked && a.net !== null).map((a) => a.net!);

/** The median net of a region's ranked allies in a ledger (the one value every page shows). */
export function regionMedianNet(ledger: YearLedger, region: string): number | null {
  return median(rankedNets(inRegion(ledger, region)));
}

function gap(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined ? null : a - b;
}

export function regionDistribution(ledger: YearLedger, region: string): RegionDistribution {
  const allies = inRegion(ledger, region);
  const ranked = allies.filter((a) => a.ranked && a.net !== null);
  return {
    region,
    allies: allies.map((a) => ({
      ally: a.ally, name: a.name, net: a.net, assets: a.assets, liabilities: a.liabilities, rank: a.rank, ranked: a.ranked,
      coverage: a.coverage.overall, standing: a.membership.label,
    })).sort((x, y) => (y.net ?? -Infinity) - (x.net ?? -Infinity) || x.ally.localeCompare(y.ally)),
    net: quartiles(ranked.map((a) => a.net!)),
    assets: mean(ranked.filter((a) => a.assets !== null).map((a) => a.assets!)),
    liabilities: mean(ranked.filter((a) => a.liabilities !== null).map((a) => a.liabilities!)),
    unranked: allies.filter((a) => !a.ranked).map((a) => a.ally),
  };
}

/** The size of a difference for sorting: a missing one after every present one. */
const size = (d: number | null) => (d === null ? -1 : Math.abs(d));

/** Mean points per line item by region, and the difference between the first two regions. */
export function regionItems(ledger: YearLedger, regions: readonly string[]): RegionItem[] {
  const groups = regions.map((r) => inRegion(ledger, r).filter((a) => a.ranked));
  const template = ledger.allies[0]?.lines ?? [];
  return template.map((t) => {
    const sources = new Set<string>();
    const byRegion = groups.map((group, g) => {
      const scored: { points: number; score: number }[] = [];
      const missing: string[] = [];
      for (const a of group) {
        const line = a.lines.find((l) => l.item === t.item);
        if (!line || line.score === null || line.contribution === null) {
          missing.push(a.ally);
          continue;
        }
        scored.push({ points: SIGN[line.side] * line.contribution, score: line.score });
        for (const s of line.sources) sources.add(s);
      }
      return { region: regions[g], mean: mean(scored.map((x) => x.points)), meanScore: mean(scored.map((x) => x.score)), n: scored.length, missing };
    });
    return {
      item: t.item, label: t.label, side: t.side, group: t.group, byRegion,
      difference: gap(byRegion[0]?.mean, byRegion[1]?.mean),
      sources: [...sources].sort(),
    };
  }).sort((x, y) => size(y.difference) - size(x.difference) || x.item.localeCompare(y.item));
}

/** The regional medians and means of every ledger given (one per year). */
export function regionSeries(ledgers: readonly YearLedger[], regions: readonly string[]): RegionYear[] {
  return ledgers.map((l) => {
    const byRegion = regions.map((region) => {
      const nets = rankedNets(inRegion(l, region));
      return { region, n: nets.length, median: median(nets), mean: mean(nets) };
    });
    return { year: l.year, byRegion, medianGap: gap(byRegion[0]?.median, byRegion[1]?.median) };
  });
}

/** Asia against Europe (or the regions given) in a year, with the series over `series` (ledgers of every year). */
export function compareTheaters(ledger: YearLedger, series: readonly YearLedger[], regions: readonly string[] = DEFAULT_REGIONS): RegionsReport {
  if (regions.length < 2) throw new Error(`compare at least two regions (got ${regions.join(', ') || 'none'})`);
  const distribution = regions.map((r) => regionDistribution(ledger, r));
  const sources = new Set<string>();
  for (const r of regions) for (const a of inRegion(ledger, r)) for (const l of a.lines) for (const s of l.sources) sources.add(s);
  return {
    year: ledger.year,
    methodology: ledger.methodology,
    regions: [...regions],
    distribution,
    medianGap: gap(distribution[0].net.median, distribution[1].net.median),
    items: regionItems(ledger, regions),
    series: regionSeries(series, regions),
    definitions: REGION_DEFINITIONS,
    sources: [...sources].sort(),
  };
}

export interface RegionRobustness {
  year: number;
  regions: [string, string];
  draws: number;
  seed: number;
  /** Share of draws in which the first region's median net exceeds the second's. */
  share: number;
  /** The difference in medians (first minus second): baseline and the central interval over the draws. */
  gap: { baseline: number | null; low: number; median: number; high: number };
  interval: number;
  counted: [number, number];
  definition: string;
}

/** How often, over the robustness draws, the first region's median net exceeds the second's. */
export function regionRobustness(matrix: ScoreMatrix, ledger: YearLedger, regions: readonly [string, string], settings: DrawSettings, interval = 0.9): RegionRobustness {
  const regionOf = new Map(ledger.allies.map((a) => [a.ally, a.region]));
  const rows = regions.map((r) => matrix.allies.flatMap((ally, i) => (regionOf.get(ally) === r ? [i] : [])));
  const traced = [...rows[0], ...rows[1]];
  const trace = drawTrace(traced, settings.draws);
  runRobustness(matrix, settings, interval, trace);
  const T = traced.length;
  const na = rows[0].length;
  const gaps = new Float64Array(settings.draws);
  let above = 0;
  const a = new Float64Array(na);
  const b = new Float64Array(T - na);
  for (let d = 0; d < settings.draws; d++) {
    for (let i = 0; i < na; i++) a[i] = trace.nets[d * T + i];
    for (let i = na; i < T; i++) b[i - na] = trace.nets[d * T + i];
    const g = (median(Array.from(a)) ?? NaN) - (median(Array.from(b)) ?? NaN);
    gaps[d] = g;
    if (g > 0) above++;
  }
  const sorted = Array.from(gaps).filter((g) => !Number.isNaN(g)).sort((x, y) => x - y);
  const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * (sorted.length - 1))))] : NaN);
  return {
    year: ledger.year,
    regions: [regions[0], regions[1]],
    draws: settings.draws,
    seed: settings.seed,
    share: settings.draws ? above / settings.draws : 0,
    gap: { baseline: gap(regionMedianNet(ledger, regions[0]), regionMedianNet(ledger, regions[1])), low: q((1 - interval) / 2), median: q(0.5), high: q(1 - (1 - interval) / 2) },
    interval,
    counted: [rows[0].length, rows[1].length],
    definition: REGION_DEFINITIONS.robustness,
  };
}
