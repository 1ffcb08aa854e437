// Which allies resemble each other on the balance sheet, which differ most, and the line items
// that make the difference; and the comparison the reference study is built on, Asia against
// Europe, item by item.
import type { AllyProfile, ProfileItem, ProfileMatrix } from './profiles.ts';
import { profileDistance } from './profiles.ts';

export interface ItemDifference {
  item: string;
  label: string;
  side: 'asset' | 'liability';
  a: number;
  b: number;
  /** b - a on the 0-100 score scale. */
  difference: number;
}

export interface Neighbour {
  ally: string;
  name: string;
  region: string | null;
  distance: number;
  sharedWeight: number;
  /** Items on which the two differ most (largest absolute difference first). */
  apart: ItemDifference[];
  /** Items on which both stand out the same way (close scores, far from the middle). */
  alike: ItemDifference[];
}

export interface SimilarityReport {
  ally: string;
  name: string;
  year: number;
  mostSimilar: Neighbour[];
  mostDifferent: Neighbour[];
  /** Allies too sparsely covered to compare with this one. */
  notCompared: string[];
  definition: string;
}

export const SIMILARITY_DEFINITION = 'Distance: root-mean-square difference of two allies\' line-item scores (0-100 among the allies of the year), each item weighted by its methodology weight, over the items both have; pairs sharing less than half of the weight are not compared. "Apart": the items with the largest score difference; "alike": items with close scores (within 10 points) on which both stand far from the middle.';

function differences(items: readonly ProfileItem[], a: AllyProfile, b: AllyProfile): ItemDifference[] {
  return items.flatMap((item, k) => (a.scores[k] === null || b.scores[k] === null ? [] : [{
    item: item.id, label: item.label, side: item.side, a: a.scores[k]!, b: b.scores[k]!, difference: b.scores[k]! - a.scores[k]!,
  }]));
}

function neighbour(items: readonly ProfileItem[], a: AllyProfile, b: AllyProfile, distance: number, sharedWeight: number, drivers: number): Neighbour {
  const diffs = differences(items, a, b);
  const apart = [...diffs].sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference) || x.item.localeCompare(y.item)).slice(0, drivers);
  const distinct = (d: ItemDifference) => Math.abs((d.a + d.b) / 2 - 50);
  const alike = diffs.filter((d) => Math.abs(d.difference) <= 10).sort((x, y) => distinct(y) - distinct(x) || x.item.localeCompare(y.item)).slice(0, drivers);
  return { ally: b.ally, name: b.name, region: b.region, distance, sharedWeight, apart, alike };
}

export function similarAllies(matrix: ProfileMatrix, ally: string, options: { count?: number; drivers?: number } = {}): SimilarityReport {
  const count = options.count ?? 5;
  const drivers = options.drivers ?? 3;
  const self = matrix.allies.find((a) => a.ally === ally);
  if (!self) throw new Error(`${ally} is not in the ledger of ${matrix.year}; allies: ${matrix.allies.map((a) => a.ally).join(' ')}`);
  const scored = matrix.allies.filter((b) => b.ally !== ally).map((b) => ({ b, ...profileDistance(matrix.items, self.scores, b.scores) }));
  const compared = scored.filter((s) => s.distance !== null).sort((x, y) => x.distance! - y.distance! || x.b.ally.localeCompare(y.b.ally));
  const toNeighbour = (s: (typeof compared)[number]) => neighbour(matrix.items, self, s.b, s.distance!, s.sharedWeight, drivers);
  return {
    ally,
    name: self.name,
    year: matrix.year,
    mostSimilar: compared.slice(0, count).map(toNeighbour),
    mostDifferent: compared.slice(-count).reverse().map(toNeighbour),
    notCompared: scored.filter((s) => s.distance === null).map((s) => s.b.ally).sort(),
    definition: SIMILARITY_DEFINITION,
  };
}

/** The distance of every pair among the given allies (null: too little in common). */
export function distanceMatrix(matrix: ProfileMatrix, allies: readonly string[]): (number | null)[][] {
  const profiles = allies.map((iso) => {
    const p = matrix.allies.find((a) => a.ally === iso);
    if (!p) throw new Error(`${iso} is not in the ledger of ${matrix.year}`);
    return p;
  });
  return profiles.map((a) => profiles.map((b) => (a === b ? 0 : profileDistance(matrix.items, a.scores, b.scores).distance)));
}

export interface RegionItemComparison {
  item: string;
  label: string;
  side: 'asset' | 'liability';
  /** Mean score and the number of allies with a score, per region. */
  a: { mean: number | null; n: number };
  b: { mean: number | null; n: number };
  /** b mean - a mean; null when either region has no score. */
  difference: number | null;
}

export interface RegionComparison {
  year: number;
  regions: [string, string];
  allies: [string[], string[]];
  totals: { measure: 'assets' | 'liabilities' | 'net'; a: number | null; b: number | null }[];
  items: RegionItemComparison[];
  definition: string;
}

function mean(xs: readonly number[]): number | null {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null;
}

/**
 * Two regions side by side: the mean score of each line item (over the allies with a score)
 * and the mean totals, sorted by the size of the gap. `members` may restrict each region to
 * some allies (e.g. the allies the reference study compares).
 */
export function compareRegions(matrix: ProfileMatrix, a: string, b: string, members?: { a?: readonly string[]; b?: readonly string[] }): RegionComparison {
  const pick = (region: string, only?: readonly string[]) => matrix.allies.filter((p) => p.region === region && (!only || only.includes(p.ally)));
  const groupA = pick(a, members?.a);
  const groupB = pick(b, members?.b);
  const itemMean = (group: AllyProfile[], k: number) => {
    const xs = group.map((p) => p.scores[k]).filter((v): v is number => v !== null);
    return { mean: mean(xs), n: xs.length };
  };
  const items = matrix.items.map((item, k) => {
    const ma = itemMean(groupA, k);
    const mb = itemMean(groupB, k);
    return { item: item.id, label: item.label, side: item.side, a: ma, b: mb, difference: ma.mean === null || mb.mean === null ? null : mb.mean - ma.mean };
  }).sort((x, y) => Math.abs(y.difference ?? -1) - Math.abs(x.difference ?? -1) || x.item.localeCompare(y.item));
  const total = (group: AllyProfile[], key: 'assets' | 'liabilities' | 'net') => mean(group.filter((p) => p.ranked && p[key] !== null).map((p) => p[key]!));
  return {
    year: matrix.year,
    regions: [a, b],
    allies: [groupA.map((p) => p.ally), groupB.map((p) => p.ally)],
    totals: (['assets', 'liabilities', 'net'] as const).map((measure) => ({ measure, a: total(groupA, measure), b: total(groupB, measure) })),
    items,
    definition: `Mean line-item score (0-100 among all covered allies of ${matrix.year}) over the allies of each region with a score; totals over the ranked allies. Items sorted by the size of the gap.`,
  };
}
