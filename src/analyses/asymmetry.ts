// The forms asymmetry takes between the United States and an ally, kept as separate measures
// (the comparative study's third question): who owes what to whom (ATOP member level),
// relative capability (to the United States and to the ally's principal rival), basing
// (U.S. forces and sites hosted, reciprocal or not) and cost (host-nation support against an
// estimate of what the stationed forces cost the United States).
import type { MemberObligations, ObligationKind, Obligations, UsCommitment } from './alliances.ts';
import { CONDITION_FIELDS, OBLIGATION_KINDS } from './alliances.ts';
import type { EvidenceView, SourcedValue } from './sourced.ts';
import { latestValue, ratio } from './sourced.ts';

// --- obligations ---

export type ObligationPattern = 'mutual defense' | 'U.S. guarantee' | 'ally guarantee' | 'no defense obligation';

export interface DirectedCommitment {
  commitment: string;
  name: string;
  atopid: number | null;
  status: string;
  current: boolean;
  usOwes: ObligationKind[];
  allyOwes: ObligationKind[];
  usConditions: string[];
  allyConditions: string[];
  /** ATOP OBVARY: the member owes different things to different partners, so its codes are a union. */
  usVariesByPartner: boolean;
  allyVariesByPartner: boolean;
  pattern: ObligationPattern;
  /** Obligations and conditions identical in both directions. */
  symmetric: boolean;
  /** ATOP's own ASYMM flag for the alliance (any difference among members, incl. other provisions). */
  atopAsymmetric: boolean | null;
  differences: string[];
  /** ATOP BASE with its meaning. */
  base: { code: number | null; meaning: string };
  /** Where the directed coding comes from: ATOP member rows, or a curated post-2018 change. */
  basis: 'ATOP member level' | 'curated';
  cites: { source: string; locator: string }[];
}

export const BASE_MEANING: Record<number, string> = {
  0: 'no stationing provision',
  1: 'joint troops on neutral territory',
  2: 'reciprocal stationing',
  3: 'non-reciprocal stationing (one party hosts the other\'s forces)',
};

function owed(o: Obligations): ObligationKind[] {
  return OBLIGATION_KINDS.filter((k) => o[k]);
}

function patternOf(us: Obligations, ally: Obligations): ObligationPattern {
  if (us.defense && ally.defense) return 'mutual defense';
  if (us.defense) return 'U.S. guarantee';
  if (ally.defense) return 'ally guarantee';
  return 'no defense obligation';
}

function describeDifferences(us: Obligations, ally: Obligations, usCond: readonly string[], allyCond: readonly string[], allyName: string): string[] {
  const out: string[] = [];
  for (const k of OBLIGATION_KINDS) {
    if (us[k] && !ally[k]) out.push(`the U.S. owes ${k}; ${allyName} does not`);
    if (!us[k] && ally[k]) out.push(`${allyName} owes ${k}; the U.S. does not`);
  }
  const detail = (c: string) => CONDITION_FIELDS[c] ?? c;
  for (const c of usCond) if (!allyCond.includes(c) && c in CONDITION_FIELDS) out.push(`only the U.S. obligation has the condition: ${detail(c)}`);
  for (const c of allyCond) if (!usCond.includes(c) && c in CONDITION_FIELDS) out.push(`only ${allyName}'s obligation has the condition: ${detail(c)}`);
  return out;
}

/** The member rows of the latest phase in which both the U.S. and the ally took part. */
function memberPair(members: readonly MemberObligations[], atopid: number, ally: string): { us: MemberObligations; ally: MemberObligations } | null {
  const rows = members.filter((m) => m.atopid === atopid && (m.member === 'USA' || m.member === ally));
  const phases = [...new Set(rows.map((m) => m.phase))].sort((a, b) => b - a);
  const latestEntry = (list: MemberObligations[]) => list.sort((a, b) => b.entry.year - a.entry.year || (b.entry.month ?? 0) - (a.entry.month ?? 0))[0];
  for (const phase of phases) {
    const us = rows.filter((m) => m.phase === phase && m.member === 'USA');
    const al = rows.filter((m) => m.phase === phase && m.member === ally);
    if (us.length && al.length) return { us: latestEntry(us), ally: latestEntry(al) };
  }
  return null;
}

/**
 * Who owes what to whom in each U.S. commitment to the ally. Where ATOP has member rows for
 * both, the directions are read from them; commitments ATOP 5.1 does not cover (accessions
 * after 2018) keep the coding of us_commitments, which says where it comes from.
 */
export function directedCommitments(ally: string, allyName: string, commitments: readonly UsCommitment[], members: readonly MemberObligations[]): DirectedCommitment[] {
  return commitments
    .filter((c) => c.ally === ally && c.kind !== 'none' && c.kind !== 'designation' && c.kind !== 'statute')
    .map((c): DirectedCommitment => {
      const pair = c.atopid !== null ? memberPair(members, c.atopid, ally) : null;
      const usOwes = pair ? pair.us.obligations : c.usOwes;
      const allyOwes = pair ? pair.ally.obligations : c.allyOwes;
      const usConditions = pair ? pair.us.conditions : c.usConditions;
      const allyConditions = pair ? pair.ally.conditions : c.allyConditions;
      const differences = describeDifferences(usOwes, allyOwes, usConditions, allyConditions, allyName);
      const base = pair?.us.base ?? c.base;
      return {
        commitment: c.commitment,
        name: c.name,
        atopid: c.atopid,
        status: c.status,
        current: c.inForce2024 === true,
        usOwes: owed(usOwes),
        allyOwes: owed(allyOwes),
        usConditions,
        allyConditions,
        usVariesByPartner: pair?.us.variesByPartner ?? false,
        allyVariesByPartner: pair?.ally.variesByPartner ?? false,
        pattern: patternOf(usOwes, allyOwes),
        symmetric: differences.length === 0,
        atopAsymmetric: c.asymmetric,
        differences,
        base: { code: base, meaning: base === null ? 'unknown (ATOP has not located the provision)' : BASE_MEANING[base] ?? `code ${base}` },
        basis: pair ? 'ATOP member level' : 'curated',
        cites: pair
          ? [{ source: pair.us.source, locator: pair.us.locator }, { source: pair.ally.source, locator: pair.ally.locator }]
          // A curated commitment may rest on several sources ("a;b"): cite each.
          : c.source.split(';').filter(Boolean).map((source) => ({ source, locator: c.locator })),
      };
    })
    .sort((a, b) => Number(b.current) - Number(a.current) || a.commitment.localeCompare(b.commitment));
}

/** The ally's overall obligation pattern: the strongest current commitment decides. */
export function overallPattern(commitments: readonly DirectedCommitment[]): ObligationPattern {
  const current = commitments.filter((c) => c.current);
  const usDefense = current.some((c) => c.usOwes.includes('defense'));
  const allyDefense = current.some((c) => c.allyOwes.includes('defense'));
  return usDefense && allyDefense ? 'mutual defense' : usDefense ? 'U.S. guarantee' : allyDefense ? 'ally guarantee' : 'no defense obligation';
}

// --- capability ---

export const RIVALS = ['CHN', 'RUS', 'PRK', 'IRN'] as const;
export const PRINCIPAL_RIVAL_RULE = 'Principal rival: of China, Russia, North Korea and Iran, the one whose capital is nearest the ally\'s (great-circle distance between capitals). Principal threat: the nearest of those whose military expenditure SIPRI reports (none for North Korea), for the spending ratio, as the default methodology\'s principal_threat rule. Ratios to every rival are shown as well.';

export const CAPABILITY_MEASURES = [
  { id: 'cinc', label: 'CINC', indicators: ['cinc'], staleness: 15 },
  { id: 'gdp', label: 'GDP', indicators: ['gdp_usd_current', 'gdp_usd_current_curated'], staleness: 5 },
  { id: 'milex', label: 'military expenditure', indicators: ['milex_usd_current'], staleness: 5 },
] as const;
export type CapabilityMeasure = (typeof CAPABILITY_MEASURES)[number]['id'];

export interface CapabilityComparison {
  counterpart: string;
  distanceKm: SourcedValue | null;
  /** ally / counterpart, per measure. */
  ratios: Record<CapabilityMeasure, SourcedValue | null>;
}

export interface CapabilityProfile {
  toUnitedStates: CapabilityComparison;
  principalRival: string | null;
  /** The nearest rival with a military-expenditure figure: the one the spending ratio is taken against. */
  principalThreat: string | null;
  rivalRule: string;
  toRivals: CapabilityComparison[];
}

function compareCapability(evidence: EvidenceView, ally: string, counterpart: string, year: number): CapabilityComparison {
  const ratios = Object.fromEntries(CAPABILITY_MEASURES.map((m) => {
    const a = latestValue(evidence, ally, m.indicators, { year, staleness: m.staleness });
    const b = latestValue(evidence, counterpart, m.indicators, { year, staleness: m.staleness });
    return [m.id, ratio(a, b, `${ally} / ${counterpart}`)];
  })) as Record<CapabilityMeasure, SourcedValue | null>;
  const distanceKm = latestValue(evidence, ally, ['capital_distance_km', 'capdist_km'], { year, counterpart });
  return { counterpart, distanceKm, ratios };
}

export function capabilityProfile(evidence: EvidenceView, ally: string, year: number): CapabilityProfile {
  const toRivals = RIVALS.filter((r) => r !== ally).map((r) => compareCapability(evidence, ally, r, year));
  const withDistance = toRivals.filter((r) => r.distanceKm !== null).sort((a, b) => a.distanceKm!.value - b.distanceKm!.value);
  return {
    toUnitedStates: compareCapability(evidence, ally, 'USA', year),
    principalRival: withDistance[0]?.counterpart ?? null,
    principalThreat: withDistance.find((r) => r.ratios.milex !== null)?.counterpart ?? null,
    rivalRule: PRINCIPAL_RIVAL_RULE,
    toRivals,
  };
}

// --- basing ---

export interface BasingProfile {
  troops: SourcedValue | null;
  baseSites: SourcedValue | null;
  exclusiveUseFacilities: SourcedValue | null;
  /** ATOP BASE of the current commitments with a stationing provision. */
  stationing: { commitment: string; code: number; meaning: string }[];
  /** true: some current treaty lets the ally station forces on U.S. soil too; false: U.S. forces only; null: no provision. */
  reciprocal: boolean | null;
}

export function basingProfile(evidence: EvidenceView, ally: string, year: number, commitments: readonly DirectedCommitment[]): BasingProfile {
  const stationing = commitments
    .filter((c) => c.current && c.base.code !== null && c.base.code > 0)
    .map((c) => ({ commitment: c.commitment, code: c.base.code!, meaning: c.base.meaning }));
  return {
    troops: latestValue(evidence, ally, 'us_troops_active_duty', { year, staleness: 5 }),
    baseSites: latestValue(evidence, ally, 'us_base_sites', { year, staleness: 10 }),
    exclusiveUseFacilities: latestValue(evidence, ally, 'exclusive_use_facilities', { year, staleness: 10 }),
    stationing,
    reciprocal: stationing.length === 0 ? null : stationing.some((s) => s.code === 2),
  };
}

// --- cost ---

export interface CostProfile {
  hostNationSupport: SourcedValue | null;
  /** What the stationed forces cost the United States a year, US$ m. */
  usStationingCost: SourcedValue | null;
  /** How usStationingCost was obtained. */
  costMethod: string;
  /**
   * The share of the U.S. non-personnel stationing cost the host offsets, in DoD's definition
   * (0-1): the one indicator hns_offset_share_pct, published or derived in the build, read by
   * offsetShare() here, in the comparison and the reports, and by the burden table.
   */
  offsetShare: SourcedValue | null;
}

/** How old an offset share may be: DoD stopped publishing them after its 2004 report. */
export const OFFSET_SHARE_STALENESS = 30;

export const OFFSET_SHARE_RULE = 'Share of U.S. stationing costs offset (DoD\'s definition): the host\'s direct and indirect support / (that support + U.S. stationing costs other than military pay), the measure of the statutory 75% goal (P.L. 104-201 sec. 1084) and of DoD\'s Report on Allied Contributions to the Common Defense; published percentages as published, others derived in the evidence build (indicator hns_offset_share_pct); the latest within 30 years.';

/** The offset share in DoD's definition as of the year, as a 0-1 share citing the observation. */
export function offsetShare(evidence: EvidenceView, ally: string, year: number, staleness = OFFSET_SHARE_STALENESS): SourcedValue | null {
  const pct = latestValue(evidence, ally, 'hns_offset_share_pct', { year, staleness });
  return pct ? { ...pct, value: pct.value / 100, unit: 'share' } : null;
}

export const COST_RULE = 'U.S. stationing cost: the published annual cost for the country where a source gives one; otherwise U.S. active-duty troops hosted x the median U.S. cost per troop among the countries with a published figure (an estimate, flagged).';

/** The median published U.S. cost per troop stationed abroad, over the countries that have one. */
export function referenceCostPerTroop(evidence: EvidenceView, countries: readonly string[], year: number): SourcedValue | null {
  const values = countries
    .map((c) => latestValue(evidence, c, 'us_stationing_cost_per_troop_usd', { year, staleness: 15 }))
    .filter((v): v is SourcedValue => v !== null)
    .sort((a, b) => a.value - b.value);
  if (!values.length) return null;
  const mid = Math.floor(values.length / 2);
  const value = values.length % 2 ? values[mid].value : (values[mid - 1].value + values[mid].value) / 2;
  return {
    value, unit: values[0].unit, year: Math.max(...values.map((v) => v.year)), flags: ['derived', 'estimate'],
    note: `median of ${values.length} published figures (${values.map((v) => v.cites[0].country).join(', ')})`,
    cites: values.flatMap((v) => v.cites),
  };
}

export function costProfile(evidence: EvidenceView, ally: string, year: number, troops: SourcedValue | null, perTroopReference: SourcedValue | null): CostProfile {
  const hostNationSupport = latestValue(evidence, ally, 'hns_usd', { year, staleness: 10 });
  let usStationingCost = latestValue(evidence, ally, 'us_stationing_cost_usd', { year, staleness: 15 });
  let costMethod = usStationingCost ? 'published figure for the country' : 'none: no published cost and no troop count';
  if (!usStationingCost && troops && perTroopReference) {
    usStationingCost = {
      value: (troops.value * perTroopReference.value) / 1e6,
      unit: 'US$ m per year',
      year: Math.max(troops.year, perTroopReference.year),
      flags: ['derived', 'estimate'],
      note: `${Math.round(troops.value).toLocaleString('en-US')} troops x US$ ${Math.round(perTroopReference.value).toLocaleString('en-US')} per troop (${perTroopReference.note})`,
      cites: [...troops.cites, ...perTroopReference.cites],
    };
    costMethod = 'estimate: troops hosted x median published U.S. cost per troop';
  }
  return {
    hostNationSupport,
    usStationingCost,
    costMethod,
    offsetShare: offsetShare(evidence, ally, year),
  };
}

// --- the profile ---

/** Every indicator an asymmetry profile reads (for loading only the observation files needed). */
export const ASYMMETRY_INDICATORS = [
  ...new Set(CAPABILITY_MEASURES.flatMap((m) => [...m.indicators])),
  'capital_distance_km', 'capdist_km',
  'us_troops_active_duty', 'us_base_sites', 'exclusive_use_facilities',
  'hns_usd', 'us_stationing_cost_usd', 'us_stationing_cost_per_troop_usd', 'hns_offset_share_pct',
];

export interface AsymmetryProfile {
  ally: string;
  name: string;
  year: number;
  obligations: { pattern: ObligationPattern; commitments: DirectedCommitment[] };
  capability: CapabilityProfile;
  basing: BasingProfile;
  cost: CostProfile;
  definitions: string[];
}

export interface AsymmetryInputs {
  evidence: EvidenceView;
  commitments: readonly UsCommitment[];
  members: readonly MemberObligations[];
  /** Countries whose published per-troop cost sets the reference (the covered allies). */
  allies: readonly string[];
}

export function asymmetryProfile(inputs: AsymmetryInputs, ally: { iso3: string; name: string }, year: number): AsymmetryProfile {
  const commitments = directedCommitments(ally.iso3, ally.name, inputs.commitments, inputs.members);
  const basing = basingProfile(inputs.evidence, ally.iso3, year, commitments);
  const reference = referenceCostPerTroop(inputs.evidence, inputs.allies, year);
  return {
    ally: ally.iso3,
    name: ally.name,
    year,
    obligations: { pattern: overallPattern(commitments), commitments },
    capability: capabilityProfile(inputs.evidence, ally.iso3, year),
    basing,
    cost: costProfile(inputs.evidence, ally.iso3, year, basing.troops, reference),
    definitions: [
      'Obligations: ATOP 5.1 member-level codes of the U.S. row and the ally\'s row in the latest phase both belong to (DEFENSE, OFFENSE, NEUTRAL, NONAGG, CONSUL and their conditions); "current" means in force in 2024 per us_commitments (ATOP to 2018 plus curated later changes).',
      'Pattern: mutual defense when both owe defense under a current commitment; U.S. guarantee when only the United States does.',
      PRINCIPAL_RIVAL_RULE,
      'Capability ratios: ally / counterpart, latest value at or before the year (CINC: COW NMC, GDP: World Bank current US$, military expenditure: SIPRI current US$).',
      COST_RULE,
      OFFSET_SHARE_RULE,
    ],
  };
}
