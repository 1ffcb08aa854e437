// An alliance's profile: the comparative study's five questions answered in order for one ally,
// each answer with its evidence and sources, from the analyses the compare table and the
// report already use (interests.ts, asymmetry.ts, similarity.ts, tiers.ts): nothing is scored
// twice. 1. the U.S. interests the alliance serves (labelled, each with the reasoning behind
// it; interests that tie say so and why); 2. the compromises the U.S. made; 3. the form of
// asymmetry (obligations, basing, capability, cost); 4. the most similar and most different
// alliances and why; 5. the place in the structure: the cluster of similar profiles, and the
// tier of commitment.
import type { ComparedAlly } from './comparison.ts';
import type { InterestMap, LineContribution } from './interests.ts';
import type { SourcedValue } from './sourced.ts';
import type { Neighbour } from './similarity.ts';
import { CLUSTERS_EXPLAINED, COMMITMENT_TIERS, commitmentTier } from './tiers.ts';
import type { TierReport } from './tiers.ts';

export const PROFILE_QUESTIONS = [
  { id: 'interests', question: 'Which U.S. interests does the alliance serve?' },
  { id: 'compromises', question: 'What compromises did the United States make?' },
  { id: 'asymmetry', question: 'What form does the asymmetry take?' },
  { id: 'similarity', question: 'Which alliances is it most like, and most unlike, and why?' },
  { id: 'structure', question: 'Where does it sit in the multi-tiered structure?' },
] as const;

/** A line behind an interest or compromise: its contribution (interests.ts), with why it counts. */
export interface ProfileLine extends LineContribution {
  /** Why the line counts toward the interest or compromise (methods/interests.yaml). */
  rationale: string;
  citations: { source: string; locator: string }[];
}

export interface ProfileEntry {
  id: string;
  label: string;
  description: string;
  /** Sum of the lines' points; null when every line behind it is missing. */
  points: number | null;
  lines: ProfileLine[];
  /** Other entries with the same points (labels), and why they tie. */
  tie: { with: string[]; why: string } | null;
}

export interface AsymmetryForm {
  form: 'obligations' | 'basing' | 'capability' | 'cost';
  label: string;
  answer: string;
  sources: string[];
}

export interface ProfileNeighbour {
  ally: string;
  name: string;
  distance: number;
  why: string;
}

export interface AllianceProfile {
  ally: string;
  name: string;
  year: number;
  questions: typeof PROFILE_QUESTIONS;
  interests: { entries: ProfileEntry[]; answer: string; deterrence: { interests: string[]; labels: string[]; rationale: string } };
  compromises: { entries: ProfileEntry[]; answer: string };
  asymmetry: { pattern: string; forms: AsymmetryForm[]; answer: string };
  similarity: { mostSimilar: ProfileNeighbour[]; mostDifferent: ProfileNeighbour[]; answer: string; definition: string };
  structure: {
    cluster: { number: number; of: number; size: number; meanNet: number | null; members: { ally: string; name: string; net: number | null }[]; above: string[]; below: string[]; stability: number | null } | null;
    commitmentTier: { tier: number; of: number; kind: string; definition: string; basis: string };
    answer: string;
    clustersExplained: string;
    definitions: string[];
  };
  /** Labels of the lines missing for the ally: the answers do not cover them. */
  missing: string[];
  sources: string[];
}

const fmt = (x: number | null, d = 1) => (x === null ? 'missing' : x.toFixed(d).replace(/^-/, '−'));
const pts = (x: number | null) => (x === null ? 'missing' : `${x.toFixed(1)} points`);
const list = (xs: readonly string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
const same = (a: number | null, b: number | null) => a !== null && b !== null && Math.abs(a - b) < 1e-9;

function sourcedText(v: SourcedValue | null, format: (x: number) => string): string {
  return v ? `${format(v.value)}${v.flags.includes('estimate') ? ' (est.)' : ''} [${v.year}]` : 'missing';
}

function citesOf(...values: (SourcedValue | null)[]): string[] {
  return [...new Set(values.flatMap((v) => v?.cites.map((c) => c.source) ?? []))].sort();
}

/** Mark entries with equal points as ties, and say why: the same lines behind them, or equal sums of different lines. */
function withTies(entries: ProfileEntry[], deterrence: { interests: string[]; rationale: string } | null): ProfileEntry[] {
  return entries.map((e) => {
    const tied = entries.filter((o) => o !== e && same(o.points, e.points));
    if (tied.length === 0) return e;
    const key = (x: ProfileEntry) => x.lines.map((l) => l.item).sort().join(',');
    const sameLines = tied.every((o) => key(o) === key(e));
    const byDeterrence = deterrence !== null && [e, ...tied].every((x) => deterrence.interests.includes(x.id));
    const why = sameLines
      ? `the same ${e.lines.length} line items stand behind ${tied.length === 1 ? 'both' : 'all of them'} (listed under each)${byDeterrence ? `: these lines serve deterrence, which for this ally means deterring each of its rivals at once (${deterrence!.rationale}), so each rival's interest counts them in full` : ', each counted in full toward every interest it serves'}; the scores cannot tell these interests apart.`
      : 'different line items happen to add up to the same points.';
    return { ...e, tie: { with: tied.map((o) => o.label), why } };
  });
}

function neighbourWhy(n: Neighbour, alike: boolean): string {
  const items = (alike ? n.alike : n.apart).map((d) => `${d.label} (${fmt(d.a, 0)} against ${fmt(d.b, 0)})`);
  if (alike) return items.length ? `close on ${list(items)}` : 'close scores on most lines';
  return items.length ? `furthest apart on ${list(items)}` : 'far apart on most lines';
}

export function allianceProfile(compared: ComparedAlly, map: InterestMap, clusters: TierReport | null): AllianceProfile {
  const ip = compared.interests;
  const assetRationale = new Map(map.assets.map((a) => [a.item, a]));
  const deterrence = ip ? { ...ip.deterrence, labels: ip.deterrence.interests.map((i) => map.interests[i]?.label ?? i) } : { interests: [], labels: [], rationale: '' };

  const interestEntries: ProfileEntry[] = (ip?.interests ?? []).map((s) => ({
    id: s.interest, label: s.label, description: map.interests[s.interest]?.description ?? '', points: s.points,
    lines: s.lines.map((l) => ({
      item: l.item, label: l.label, points: l.points, score: l.score, raw: l.raw, unit: l.unit,
      rationale: assetRationale.get(l.item)?.rationale ?? '', citations: assetRationale.get(l.item)?.citations ?? [], sources: l.sources,
    })),
    tie: null,
  })).sort((a, b) => (b.points ?? -1) - (a.points ?? -1) || a.label.localeCompare(b.label));
  const interests = withTies(interestEntries, deterrence);

  const liabilityRationale = new Map(map.liabilities.map((l) => [l.item, l]));
  const compromiseEntries: ProfileEntry[] = (ip?.compromises ?? []).map((c) => ({
    id: c.compromise, label: c.label, description: map.compromises[c.compromise]?.description ?? '', points: c.points,
    lines: c.lines.map((l) => ({
      item: l.item, label: l.label, points: l.points, score: l.score, raw: l.raw, unit: l.unit,
      rationale: l.rationale, citations: liabilityRationale.get(l.item)?.citations ?? [], sources: l.sources,
    })),
    tie: null,
  })).sort((a, b) => (b.points ?? -1) - (a.points ?? -1) || a.label.localeCompare(b.label));
  const compromises = withTies(compromiseEntries, null);

  const top = (entries: ProfileEntry[]) => {
    const first = entries.find((e) => e.points !== null);
    if (!first) return [];
    return entries.filter((e) => same(e.points, first.points));
  };
  const topInterests = top(interests);
  const topCompromises = top(compromises);
  const name = compared.name;

  const a = compared.asymmetry;
  const current = a.obligations.commitments.filter((c) => c.current);
  const rival = a.capability.toRivals[0] ?? null;
  const forms: AsymmetryForm[] = [
    {
      form: 'obligations', label: 'Obligations',
      answer: `${a.obligations.pattern}: ${current.length ? current.map((c) => `${c.name}: the U.S. owes ${c.usOwes.join(', ') || 'nothing'}, ${name} owes ${c.allyOwes.join(', ') || 'nothing'}`).join('; ') : 'no commitment in force'}.`,
      sources: [...new Set(current.flatMap((c) => c.cites.map((x) => x.source)))].sort(),
    },
    {
      form: 'basing', label: 'Basing',
      answer: `U.S. active-duty troops hosted ${sourcedText(a.basing.troops, (x) => Math.round(x).toLocaleString('en-US'))}; U.S. base sites ${sourcedText(a.basing.baseSites, (x) => String(Math.round(x)))}${a.basing.reciprocal === null ? '' : a.basing.reciprocal ? '; stationing rights both ways' : '; stationing one way (U.S. forces on its soil, none of its on U.S. soil by treaty)'}.`,
      sources: citesOf(a.basing.troops, a.basing.baseSites, a.basing.exclusiveUseFacilities),
    },
    {
      form: 'capability', label: 'Capability',
      answer: `Military spending ${sourcedText(a.capability.toUnitedStates.ratios.milex, (x) => x.toFixed(3))} of the U.S.'s${rival ? `; ${sourcedText(rival.ratios.milex, (x) => x.toFixed(2))} of its principal rival ${rival.counterpart}'s` : ''}.`,
      sources: citesOf(a.capability.toUnitedStates.ratios.milex, rival?.ratios.milex ?? null),
    },
    {
      form: 'cost', label: 'Cost',
      answer: `Host-nation support ${sourcedText(a.cost.hostNationSupport, (x) => `US$ ${Math.round(x).toLocaleString('en-US')} m`)}; share of U.S. stationing costs offset ${sourcedText(a.cost.offsetShare, (x) => `${Math.round(100 * x)}%`)}.`,
      sources: citesOf(a.cost.hostNationSupport, a.cost.usStationingCost, a.cost.offsetShare),
    },
  ];

  const sim = compared.similarity;
  const mostSimilar = (sim?.mostSimilar ?? []).slice(0, 3).map((n) => ({ ally: n.ally, name: n.name, distance: n.distance, why: neighbourWhy(n, true) }));
  const mostDifferent = (sim?.mostDifferent ?? []).slice(0, 3).map((n) => ({ ally: n.ally, name: n.name, distance: n.distance, why: neighbourWhy(n, false) }));

  const cluster = clusters?.tiers.find((t) => t.members.some((m) => m.ally === compared.iso3)) ?? null;
  const member = cluster?.members.find((m) => m.ally === compared.iso3) ?? null;
  const tierNo = commitmentTier(compared.commitment);
  const tierDef = COMMITMENT_TIERS.find((t) => t.tier === tierNo)!;
  const structure: AllianceProfile['structure'] = {
    cluster: cluster && clusters ? {
      number: cluster.tier, of: clusters.tiers.length, size: cluster.members.length, meanNet: cluster.meanNet,
      members: cluster.members.map((m) => ({ ally: m.ally, name: m.name, net: m.net })).sort((x, y) => (y.net ?? -Infinity) - (x.net ?? -Infinity)),
      above: cluster.above.map((d) => d.label), below: cluster.below.map((d) => d.label), stability: member?.stability ?? null,
    } : null,
    commitmentTier: { tier: tierNo, of: COMMITMENT_TIERS.length, kind: compared.commitment.kind, definition: tierDef.definition, basis: compared.commitment.basis },
    answer: `Tier ${tierNo} of commitment (${compared.commitment.kind})${cluster && clusters ? `; in cluster ${cluster.tier} of ${clusters.tiers.length} of similar profiles (${cluster.members.length} allies, mean net ${fmt(cluster.meanNet)}; ${name}'s own net ${fmt(compared.ledger?.net ?? null)})` : '; not placed in a cluster (not ranked)'}.`,
    clustersExplained: CLUSTERS_EXPLAINED,
    definitions: clusters?.definitions ?? [],
  };

  const sources = new Set<string>([
    ...interests.flatMap((e) => e.lines.flatMap((l) => [...l.sources, ...l.citations.map((c) => c.source)])),
    ...compromises.flatMap((e) => e.lines.flatMap((l) => [...l.sources, ...l.citations.map((c) => c.source)])),
    ...forms.flatMap((f) => f.sources),
  ]);

  return {
    ally: compared.iso3, name, year: a.year, questions: PROFILE_QUESTIONS,
    interests: {
      entries: interests, deterrence,
      answer: topInterests.length
        ? `${name} serves ${list(topInterests.map((e) => e.label))} most (${pts(topInterests[0].points)}${topInterests.length > 1 ? ' each: a tie, see why below' : ''}).`
        : `No interest can be weighed: every line behind them is missing for ${name}.`,
    },
    compromises: {
      entries: compromises,
      answer: topCompromises.length
        ? `The largest compromise is ${list(topCompromises.map((e) => e.label.toLowerCase()))} (${pts(topCompromises[0].points)}${topCompromises.length > 1 ? ' each: a tie, see why below' : ''}).`
        : 'No compromise can be weighed: every line behind them is missing.',
    },
    asymmetry: { pattern: a.obligations.pattern, forms, answer: `${a.obligations.pattern}; ${forms.slice(1).map((f) => f.answer.replace(/\.$/, '')).join('; ')}.` },
    similarity: {
      mostSimilar, mostDifferent, definition: sim?.definition ?? '',
      answer: mostSimilar.length ? `Most like ${list(mostSimilar.map((n) => n.name))}; most unlike ${list(mostDifferent.map((n) => n.name))}.` : `${name} has no ledger profile in ${a.year} to compare.`,
    },
    structure,
    missing: (ip?.missing ?? []).map((id) => compared.ledger?.lines.find((l) => l.item === id)?.label ?? id),
    sources: [...sources].sort(),
  };
}
