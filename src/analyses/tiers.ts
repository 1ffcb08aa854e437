// Where each ally sits in the multi-tiered U.S. alliance structure (the comparative study's
// last question), by an explainable method: Ward's hierarchical clustering of the allies'
// ledger profiles together with the kind of U.S. commitment they hold, cut into a few tiers,
// tiers numbered by their members' mean net score; each tier described by the line items
// that set it apart. How stable each ally's tier is: the share of robustness draws of the
// weights (the methodology's own scheme and seed) in which it stays in the same tier.
import type { Methodology } from '../method/methodology.ts';
import { Xoshiro128 } from '../method/random.ts';
import { standingOf } from '../method/membership.ts';
import type { MembershipEvidence } from '../method/membership.ts';
import type { AllyProfile, ProfileMatrix } from './profiles.ts';

export type CommitmentKind = 'treaty ally' | 'major non-NATO ally' | 'partner';

export interface CommitmentLevel {
  kind: CommitmentKind;
  /** On the 0-100 score scale: treaty ally 100, major non-NATO ally 50, partner 0. */
  level: number;
  basis: string;
}

const LEVEL: Record<CommitmentKind, number> = { 'treaty ally': 100, 'major non-NATO ally': 50, partner: 0 };

/**
 * The kind of commitment each ally holds in the year, as the year's membership states it
 * (src/method/membership.ts, standing on 31 December): a treaty ally when the United States
 * owes it defense under a treaty in force; a major non-NATO ally when designated (or treated as
 * one, Taiwan); else a partner.
 */
export function commitmentLevels(evidence: MembershipEvidence, allies: readonly string[], year: number): Map<string, CommitmentLevel> {
  const out = new Map<string, CommitmentLevel>();
  for (const ally of allies) {
    const standing = standingOf(evidence, ally, year);
    const kind: CommitmentKind = standing?.standing === 'treaty' ? 'treaty ally'
      : standing?.standing === 'mnna' || standing?.standing === 'treated-as-mnna' ? 'major non-NATO ally' : 'partner';
    out.set(ally, { kind, level: LEVEL[kind], basis: standing ? `${standing.label}: ${standing.reason}` : `not a covered country in ${year}` });
  }
  return out;
}

/**
 * Tiers of commitment: what the United States owes the ally, from its standing in the year
 * (src/method/membership.ts), highest first. Unlike the clusters below (groups of similar
 * ledger profiles), these are tiers: an order of the U.S. obligation, not of the ally's net.
 */
export const COMMITMENT_TIERS: readonly { tier: number; kind: CommitmentKind; label: string; definition: string }[] = [
  { tier: 1, kind: 'treaty ally', label: 'treaty ally', definition: 'The United States owes the ally defense under a treaty in force (NATO, the Rio Treaty, the Asian and Pacific treaties).' },
  { tier: 2, kind: 'major non-NATO ally', label: 'major non-NATO ally', definition: 'Designated a major non-NATO ally under 22 U.S.C. 2321k (or treated as one by statute, Taiwan): privileges in defense trade and cooperation, no U.S. obligation to defend it.' },
  { tier: 3, kind: 'partner', label: 'partner', definition: 'Neither: a U.S. tie short of a treaty or designation.' },
];

/** The tier of commitment of a level (1 = U.S. treaty guarantee). */
export function commitmentTier(level: CommitmentLevel): number {
  return COMMITMENT_TIERS.find((t) => t.kind === level.kind)!.tier;
}

export function commitmentTierText(level: CommitmentLevel): string {
  return `tier ${commitmentTier(level)} of ${COMMITMENT_TIERS.length}: ${level.kind}`;
}

/** What the clusters are and how they are formed, in words (the dashboard's and the reports' explanation). */
export const CLUSTERS_EXPLAINED = 'Clusters group allies whose balance sheets look alike, line by line, together with the kind of U.S. commitment they hold. They are not tiers of importance: they are numbered by their members\' mean net (cluster 1 has the highest mean), so a strong ally can sit in a cluster with a lower number than a weaker one whose profile resembles other strong allies. Tiers of commitment, a different thing, order what the United States owes the ally (treaty, major non-NATO ally, partner).';

// --- Ward's hierarchical clustering ---

export interface Merge {
  /** Cluster ids: 0..n-1 are the allies, n+i the cluster formed at step i. */
  a: number;
  b: number;
  /** Ward's merging cost (increase in the within-cluster sum of squares x 2). */
  height: number;
  size: number;
}

/**
 * Agglomerative clustering with Ward's criterion (Lance-Williams update on squared Euclidean
 * distances). Ties merge the pair with the smallest ids first, so the tree is reproducible.
 */
export function wardClustering(points: readonly (readonly number[])[]): Merge[] {
  const n = points.length;
  const d = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => squared(points[i], points[j])));
  const size = new Array<number>(n).fill(1);
  const id = points.map((_, i) => i);
  const active = new Set(points.map((_, i) => i));
  const merges: Merge[] = [];
  while (active.size > 1) {
    let bi = -1;
    let bj = -1;
    let best = Number.POSITIVE_INFINITY;
    const list = [...active].sort((x, y) => x - y);
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const v = d[list[x]][list[y]];
        if (v < best - 1e-12) [best, bi, bj] = [v, list[x], list[y]];
      }
    }
    const ni = size[bi];
    const nj = size[bj];
    for (const k of active) {
      if (k === bi || k === bj) continue;
      const nk = size[k];
      const v = ((ni + nk) * d[bi][k] + (nj + nk) * d[bj][k] - nk * d[bi][bj]) / (ni + nj + nk);
      d[bi][k] = v;
      d[k][bi] = v;
    }
    merges.push({ a: id[bi], b: id[bj], height: best, size: ni + nj });
    size[bi] = ni + nj;
    id[bi] = n + merges.length - 1;
    active.delete(bj);
  }
  return merges;
}

function squared(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] - b[k]) ** 2;
  return s;
}

/** Cluster labels 0..k-1 after applying the first n - k merges (labels in order of first member). */
export function cutTree(n: number, merges: readonly Merge[], k: number): number[] {
  const parent = Array.from({ length: 2 * n }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  merges.slice(0, Math.max(0, n - k)).forEach((m, i) => {
    parent[find(m.a)] = n + i;
    parent[find(m.b)] = n + i;
  });
  const ids = new Map<number, number>();
  return Array.from({ length: n }, (_, i) => {
    const root = find(i);
    if (!ids.has(root)) ids.set(root, ids.size);
    return ids.get(root)!;
  });
}

// --- tiers ---

export interface TierOptions {
  tiers?: number;
  /** Weight of the commitment kind, in units of line-item weight (default 2: two headings). */
  commitmentWeight?: number;
  /** Robustness draws for the stability of each ally's tier (0: none). */
  draws?: number;
}

export interface TierMember {
  ally: string;
  name: string;
  region: string | null;
  commitment: CommitmentLevel;
  net: number | null;
  /** Share of draws in which the ally stayed in this tier (null without draws). */
  stability: number | null;
  /** Items whose missing score was imputed with the item mean for clustering. */
  imputed: string[];
}

export interface TierDriver {
  item: string;
  label: string;
  side: 'asset' | 'liability' | 'commitment';
  tierMean: number;
  overallMean: number;
  difference: number;
}

export interface Tier {
  tier: number;
  members: TierMember[];
  meanNet: number | null;
  commitments: Record<CommitmentKind, number>;
  /** Where the tier stands furthest above and below the other allies. */
  above: TierDriver[];
  below: TierDriver[];
}

export interface TierReport {
  year: number;
  methodology: { id: string; version: string };
  tiers: Tier[];
  /** Allies shown in the ledger but not ranked (coverage too low) are not placed. */
  unplaced: string[];
  merges: Merge[];
  draws: number;
  definitions: string[];
}

interface Features {
  vectors: number[][];
  imputed: string[][];
}

/**
 * Feature vectors: each item's score (missing: the item's mean, flagged) scaled by the square
 * root of its weight share, so squared distances weigh items as the methodology does; then the
 * commitment level scaled likewise by its weight.
 */
function features(matrix: ProfileMatrix, profiles: readonly AllyProfile[], weights: readonly number[], levels: readonly number[], commitmentWeight: number): Features {
  const total = weights.reduce((s, w) => s + w, 0) + commitmentWeight;
  const means = matrix.items.map((_, k) => {
    const xs = profiles.map((p) => p.scores[k]).filter((v): v is number => v !== null);
    return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 50;
  });
  const scale = weights.map((w) => Math.sqrt(w / total));
  const commitmentScale = Math.sqrt(commitmentWeight / total);
  return {
    vectors: profiles.map((p, i) => [...matrix.items.map((_, k) => (p.scores[k] ?? means[k]) * scale[k]), levels[i] * commitmentScale]),
    imputed: profiles.map((p) => matrix.items.filter((_, k) => p.scores[k] === null).map((item) => item.id)),
  };
}

/** Order clusters into tiers 1..k by their members' mean net score (highest first). */
function tierOrder(labels: readonly number[], nets: readonly (number | null)[], k: number): number[] {
  const mean = Array.from({ length: k }, (_, c) => {
    const xs = nets.filter((v, i) => labels[i] === c && v !== null) as number[];
    return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NEGATIVE_INFINITY;
  });
  const order = Array.from({ length: k }, (_, c) => c).sort((x, y) => mean[y] - mean[x] || x - y);
  const tierOf = new Array<number>(k);
  order.forEach((c, t) => { tierOf[c] = t; });
  return labels.map((c) => tierOf[c]);
}

function clusterTiers(vectors: readonly number[][], nets: readonly (number | null)[], k: number): { tiers: number[]; merges: Merge[] } {
  const merges = wardClustering(vectors);
  return { tiers: tierOrder(cutTree(vectors.length, merges, k), nets, k), merges };
}

/** Relabel a draw's tiers to agree as far as possible with the baseline (best of all k! matchings). */
function matchToBaseline(baseline: readonly number[], draw: readonly number[], k: number): number[] {
  const overlap = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  draw.forEach((t, i) => { overlap[t][baseline[i]]++; });
  let best: number[] = [];
  let bestScore = -1;
  const permute = (perm: number[], used: boolean[]) => {
    if (perm.length === k) {
      const score = perm.reduce((s, to, from) => s + overlap[from][to], 0);
      if (score > bestScore) [best, bestScore] = [[...perm], score];
      return;
    }
    for (let t = 0; t < k; t++) {
      if (used[t]) continue;
      used[t] = true;
      perm.push(t);
      permute(perm, used);
      perm.pop();
      used[t] = false;
    }
  };
  permute([], new Array<boolean>(k).fill(false));
  return draw.map((t) => best[t]);
}

function drawWeights(base: readonly number[], scheme: Methodology['robustness']['weights'], rng: Xoshiro128): number[] {
  if (scheme.scheme === 'multiplier') {
    // Log-uniform multipliers, as the engine draws them: halving and doubling equally likely.
    const a = Math.log(scheme.low);
    const b = Math.log(scheme.high) - a;
    return base.map((w) => w * Math.exp(a + b * rng.uniform()));
  }
  const total = base.reduce((s, w) => s + w, 0);
  const gammas = base.map((w) => (w > 0 ? rng.gamma((scheme.concentration * w) / total) : 0));
  const sum = gammas.reduce((s, g) => s + g, 0);
  return gammas.map((g, i) => (sum > 0 ? (total * g) / sum : base[i]));
}

export const MAX_TIERS = 6;

export function allyTiers(matrix: ProfileMatrix, levels: ReadonlyMap<string, CommitmentLevel>, robustness: Methodology['robustness'], options: TierOptions = {}): TierReport {
  const k = options.tiers ?? 4;
  if (!Number.isInteger(k) || k < 2 || k > MAX_TIERS) throw new Error(`the number of tiers must be a whole number from 2 to ${MAX_TIERS}, not ${k}`);
  const commitmentWeight = options.commitmentWeight ?? 2;
  const drawCount = options.draws ?? 500;
  const profiles = matrix.allies.filter((p) => p.ranked);
  if (profiles.length < k) throw new Error(`only ${profiles.length} allies are ranked in ${matrix.year}: too few for ${k} tiers`);
  const levelOf = (p: AllyProfile): CommitmentLevel => levels.get(p.ally) ?? { kind: 'partner', level: 0, basis: 'not in us_commitments' };
  const levelValues = profiles.map((p) => levelOf(p).level);
  const baseWeights = matrix.items.map((i) => i.weight);
  const nets = profiles.map((p) => p.net);
  const f = features(matrix, profiles, baseWeights, levelValues, commitmentWeight);
  const { tiers: baseline, merges } = clusterTiers(f.vectors, nets, k);

  const stays = new Array<number>(profiles.length).fill(0);
  const rng = new Xoshiro128(robustness.seed, 7);
  for (let d = 0; d < drawCount; d++) {
    const weights = drawWeights(baseWeights, robustness.weights, rng);
    const drawn = features(matrix, profiles, weights, levelValues, commitmentWeight);
    const matched = matchToBaseline(baseline, clusterTiers(drawn.vectors, nets, k).tiers, k);
    matched.forEach((t, i) => { if (t === baseline[i]) stays[i]++; });
  }

  const tiers: Tier[] = Array.from({ length: k }, (_, t) => {
    const idx = profiles.map((_, i) => i).filter((i) => baseline[i] === t);
    const members: TierMember[] = idx.map((i) => ({
      ally: profiles[i].ally, name: profiles[i].name, region: profiles[i].region, commitment: levelOf(profiles[i]), net: profiles[i].net,
      stability: drawCount > 0 ? stays[i] / drawCount : null, imputed: f.imputed[i],
    })).sort((a, b) => (b.net ?? -Infinity) - (a.net ?? -Infinity) || a.ally.localeCompare(b.ally));
    const netValues = members.map((m) => m.net).filter((v): v is number => v !== null);
    const drivers = tierDrivers(matrix, profiles, idx, levelValues);
    return {
      tier: t + 1,
      members,
      meanNet: netValues.length ? netValues.reduce((s, x) => s + x, 0) / netValues.length : null,
      commitments: {
        'treaty ally': members.filter((m) => m.commitment.kind === 'treaty ally').length,
        'major non-NATO ally': members.filter((m) => m.commitment.kind === 'major non-NATO ally').length,
        partner: members.filter((m) => m.commitment.kind === 'partner').length,
      },
      above: drivers.filter((x) => x.difference > 0).slice(0, 3),
      below: drivers.filter((x) => x.difference < 0).sort((a, b) => a.difference - b.difference).slice(0, 3),
    };
  });
  return {
    year: matrix.year,
    methodology: matrix.methodology,
    tiers,
    unplaced: matrix.allies.filter((p) => !p.ranked).map((p) => p.ally).sort(),
    merges,
    draws: drawCount,
    definitions: [
      `Profile: each ranked ally's line-item scores (0-100), each weighted by its methodology weight, plus the kind of U.S. commitment (treaty ally 100, major non-NATO ally 50, partner 0) weighted as ${commitmentWeight} line-item weight units; a missing score is set to the item's mean for clustering (listed per ally).`,
      'Commitment kind (us_commitments, 2024): treaty ally when the United States owes the ally defense under a commitment in force; major non-NATO ally when designated (or treated as one); else partner.',
      `Clusters: Ward's hierarchical clustering of the profiles (squared Euclidean distance), cut into ${k} clusters of similar profiles, numbered by their members' mean net score (cluster 1 highest mean). A cluster is a group of alike balance sheets, not a tier: an ally's own net may be far from its cluster's mean.`,
      `Stability: share of ${drawCount} draws of the weights (the methodology's robustness scheme, seed ${robustness.seed}) in which the ally lands in the same cluster, after matching each draw's clusters to the baseline clusters by greatest overlap.`,
      'Drivers: the items (and the commitment level) on which the cluster\'s mean score stands furthest above or below the mean of the other ranked allies.',
    ],
  };
}

function tierDrivers(matrix: ProfileMatrix, profiles: readonly AllyProfile[], members: readonly number[], levels: readonly number[]): TierDriver[] {
  const inTier = new Set(members);
  const meanOf = (values: (number | null)[]) => {
    const xs = values.filter((v): v is number => v !== null);
    return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null;
  };
  const rows: TierDriver[] = [];
  matrix.items.forEach((item, k) => {
    const tierMean = meanOf(members.map((i) => profiles[i].scores[k]));
    const others = meanOf(profiles.filter((_, i) => !inTier.has(i)).map((p) => p.scores[k]));
    if (tierMean === null || others === null) return;
    rows.push({ item: item.id, label: item.label, side: item.side, tierMean, overallMean: others, difference: tierMean - others });
  });
  const tierLevel = meanOf(members.map((i) => levels[i]));
  const otherLevel = meanOf(levels.filter((_, i) => !inTier.has(i)));
  if (tierLevel !== null && otherLevel !== null) {
    rows.push({ item: 'commitment', label: 'Kind of U.S. commitment', side: 'commitment', tierMean: tierLevel, overallMean: otherLevel, difference: tierLevel - otherLevel });
  }
  return rows.sort((a, b) => b.difference - a.difference || a.item.localeCompare(b.item));
}
