// Ledger profiles: each ally as the vector of its line-item scores (0-100 among the allies of
// the year), with the methodology's weights. Similarity and tiers compare allies on these
// vectors, so that "alike" means alike on the balance sheet a user can read line by line.
import type { YearLedger } from '../method/ledger.ts';

export interface ProfileItem {
  id: string;
  label: string;
  side: 'asset' | 'liability';
  weight: number;
}

export interface AllyProfile {
  ally: string;
  name: string;
  region: string | null;
  /** Scores in item order; null where the item is missing for the ally. */
  scores: (number | null)[];
  assets: number | null;
  liabilities: number | null;
  net: number | null;
  coverage: number;
  ranked: boolean;
  /** The sources behind each score, in item order. */
  sources: string[][];
}

export interface ProfileMatrix {
  year: number;
  methodology: { id: string; version: string };
  items: ProfileItem[];
  allies: AllyProfile[];
}

export function profileMatrix(ledger: YearLedger): ProfileMatrix {
  const first = ledger.allies[0];
  const items: ProfileItem[] = (first?.lines ?? []).map((l) => ({ id: l.item, label: l.label, side: l.side, weight: l.weight }));
  return {
    year: ledger.year,
    methodology: ledger.methodology,
    items,
    allies: ledger.allies.map((a) => ({
      ally: a.ally,
      name: a.name,
      region: a.region,
      scores: a.lines.map((l) => (l.score === null || l.missing ? null : l.score)),
      assets: a.assets,
      liabilities: a.liabilities,
      net: a.net,
      coverage: a.coverage.overall,
      ranked: a.ranked,
      sources: a.lines.map((l) => l.sources),
    })),
  };
}

export interface ProfileDistance {
  /** Weighted root-mean-square score difference over the items both allies have (0-100 scale). */
  distance: number | null;
  /** Share of the total item weight both allies have. */
  sharedWeight: number;
}

/**
 * Distance between two profiles: the weighted root-mean-square difference of their scores
 * over the items both have, so that allies with gaps are compared on what is known, not on
 * zeros. null when they share less than `minShared` of the weight.
 */
export function profileDistance(items: readonly ProfileItem[], a: readonly (number | null)[], b: readonly (number | null)[], minShared = 0.5): ProfileDistance {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let weight = 0;
  let sum = 0;
  items.forEach((item, k) => {
    if (a[k] === null || b[k] === null || item.weight <= 0) return;
    weight += item.weight;
    sum += item.weight * (a[k]! - b[k]!) ** 2;
  });
  const sharedWeight = total > 0 ? weight / total : 0;
  return { distance: weight > 0 && sharedWeight >= minShared ? Math.sqrt(sum / weight) : null, sharedWeight };
}
