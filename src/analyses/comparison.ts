// Allies side by side: the commitment, the evidence a reader checks first (spending, economy,
// U.S. forces and costs), the ledger's totals, the interests served and compromises accepted,
// the tier and the nearest ally on the balance sheet. One row per measure, one cell per ally,
// and the sources of every row, so the table can be checked line by line.
import type { MembershipEvidence } from '../method/membership.ts';
import type { AllyLedger, YearLedger } from '../method/ledger.ts';
import type { Methodology } from '../method/methodology.ts';
import { asymmetryProfile } from './asymmetry.ts';
import type { AsymmetryInputs, AsymmetryProfile } from './asymmetry.ts';
import { interestProfile } from './interests.ts';
import type { InterestMap, InterestProfile } from './interests.ts';
import { profileMatrix } from './profiles.ts';
import type { ProfileMatrix } from './profiles.ts';
import { similarAllies } from './similarity.ts';
import type { SimilarityReport } from './similarity.ts';
import { allyTiers, commitmentLevels, commitmentTier, commitmentTierText } from './tiers.ts';
import type { EvidenceView, SourcedValue } from './sourced.ts';
import { latestValue } from './sourced.ts';
import type { CommitmentLevel, TierReport } from './tiers.ts';

/** The tier an ally was placed in, or null when it was not placed. */
export function tierOf(report: TierReport, ally: string): { tier: number; of: number } | null {
  const t = report.tiers.find((x) => x.members.some((m) => m.ally === ally));
  return t ? { tier: t.tier, of: report.tiers.length } : null;
}

/** Indicators the comparison reads besides the asymmetry profile's and the ledger's. */
export const COMPARISON_INDICATORS = ['milex_usd_current', 'milex_share_gdp', 'gdp_usd_current', 'gdp_usd_current_curated', 'population', 'population_curated'];

export interface ComparisonCell {
  text: string;
  value: number | null;
  year: number | null;
  sources: string[];
  /** Citations with locators behind the cell (for --json and the dashboard). */
  cites: { source: string; locator: string }[];
}

export interface ComparisonRow {
  group: 'commitment' | 'evidence' | 'ledger' | 'interests' | 'placement';
  label: string;
  cells: ComparisonCell[];
  /** Every source id behind the row, over all allies. */
  sources: string[];
}

export interface ComparisonTable {
  year: number;
  allies: { iso3: string; name: string; region: string | null }[];
  rows: ComparisonRow[];
  notes: string[];
}

/** What the comparison reads for each ally; everything is computed by the other analyses. */
export interface ComparedAlly {
  iso3: string;
  name: string;
  region: string | null;
  asymmetry: AsymmetryProfile;
  commitment: CommitmentLevel;
  ledger: AllyLedger | null;
  rankedCount: number;
  interests: InterestProfile | null;
  tier: { tier: number; of: number } | null;
  similarity: SimilarityReport | null;
}

/**
 * Everything the comparison reads for the chosen allies, from the year's ledger and the
 * alliance evidence (the CLI and the API call this alike); also the ledger's profile matrix.
 */
export function comparedAllies(
  inputs: Omit<AsymmetryInputs, 'allies' | 'evidence'> & { evidence: AsymmetryInputs['evidence'] & MembershipEvidence; ledger: YearLedger; robustness: Methodology['robustness']; interests: InterestMap; covered: readonly string[]; tierDraws: number },
  chosen: readonly { iso3: string; name: string; region: string | null }[],
): { compared: ComparedAlly[]; matrix: ProfileMatrix } {
  const { ledger } = inputs;
  const matrix = profileMatrix(ledger);
  const levels = commitmentLevels(inputs.evidence, inputs.covered, ledger.year);
  const tiers = allyTiers(matrix, levels, inputs.robustness, { draws: inputs.tierDraws });
  const asymmetry: AsymmetryInputs = { evidence: inputs.evidence, commitments: inputs.commitments, members: inputs.members, allies: inputs.covered };
  const compared = chosen.map((a): ComparedAlly => {
    const allyLedger = ledger.allies.find((l) => l.ally === a.iso3) ?? null;
    return {
      iso3: a.iso3, name: a.name, region: a.region,
      asymmetry: asymmetryProfile(asymmetry, a, ledger.year),
      commitment: levels.get(a.iso3)!,
      ledger: allyLedger,
      rankedCount: ledger.rankedCount,
      interests: allyLedger ? interestProfile(inputs.interests, allyLedger) : null,
      tier: tierOf(tiers, a.iso3),
      similarity: allyLedger ? similarAllies(matrix, a.iso3) : null,
    };
  });
  return { compared, matrix };
}

function cell(text: string, value: number | null = null, year: number | null = null, cites: { source: string; locator: string }[] = []): ComparisonCell {
  return { text, value, year, sources: [...new Set(cites.map((c) => c.source))].sort(), cites };
}

function valueCell(v: SourcedValue | null, format: (x: number) => string): ComparisonCell {
  if (!v) return cell('missing');
  const estimate = v.flags.includes('estimate') ? ' (est.)' : '';
  return cell(`${format(v.value)}${estimate} [${v.year}]`, v.value, v.year, v.cites.map((c) => ({ source: c.source, locator: c.locator })));
}

function row(group: ComparisonRow['group'], label: string, cells: ComparisonCell[]): ComparisonRow {
  return { group, label, cells, sources: [...new Set(cells.flatMap((c) => c.sources))].sort() };
}

const number = (digits = 0) => (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const millions = (x: number) => `${(x / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 })} m`;
const billions = (x: number) => `${(x / 1e9).toLocaleString('en-US', { maximumFractionDigits: 0 })} bn`;
const percent = (x: number) => `${Math.round(100 * x)}%`;

export function compareAllies(evidence: EvidenceView, allies: readonly ComparedAlly[], year: number): ComparisonTable {
  const each = (f: (a: ComparedAlly) => ComparisonCell) => allies.map(f);
  const ev = (indicators: string | readonly string[], staleness = 3) => (a: ComparedAlly) => latestValue(evidence, a.iso3, indicators, { year, staleness });
  const mainCommitment = (a: ComparedAlly) => a.asymmetry.obligations.commitments.find((c) => c.current && c.usOwes.includes('defense'));
  const rows: ComparisonRow[] = [
    row('commitment', 'Kind of U.S. commitment', each((a) => cell(a.commitment.kind, a.commitment.level, null, []))),
    row('commitment', 'Main U.S. defense commitment', each((a) => {
      const c = mainCommitment(a);
      return c ? cell(`${c.commitment}${c.atopid !== null ? ` (ATOP ${c.atopid})` : ''}`, c.atopid, null, c.cites) : cell('none in force');
    })),
    row('commitment', 'Who owes defense (ATOP member level)', each((a) => {
      const c = mainCommitment(a);
      return cell(a.asymmetry.obligations.pattern, null, null, c?.cites ?? []);
    })),
    row('evidence', 'Military expenditure, US$ m (current)', each((a) => valueCell(ev('milex_usd_current')(a), number()))),
    row('evidence', 'Military expenditure, % of GDP', each((a) => valueCell(ev('milex_share_gdp')(a), number(2)))),
    row('evidence', 'GDP, US$ (current)', each((a) => valueCell(ev(['gdp_usd_current', 'gdp_usd_current_curated'])(a), billions))),
    row('evidence', 'Population', each((a) => valueCell(ev(['population', 'population_curated'])(a), millions))),
    row('evidence', 'U.S. active-duty troops hosted', each((a) => valueCell(a.asymmetry.basing.troops, number()))),
    row('evidence', 'U.S. base sites (Vine 2020)', each((a) => valueCell(a.asymmetry.basing.baseSites, number()))),
    row('evidence', 'Host-nation support, US$ m', each((a) => valueCell(a.asymmetry.cost.hostNationSupport, number()))),
    row('evidence', 'Share of U.S. stationing cost offset', each((a) => valueCell(a.asymmetry.cost.offsetShare, percent))),
    row('evidence', 'Principal rival (nearest capital)', each((a) => {
      const r = a.asymmetry.capability.toRivals.find((x) => x.counterpart === a.asymmetry.capability.principalRival);
      return r ? cell(`${r.counterpart}, ${number()(r.distanceKm!.value)} km`, r.distanceKm!.value, r.distanceKm!.year, r.distanceKm!.cites) : cell('none');
    })),
    row('evidence', 'Military expenditure / principal threat\'s', each((a) => {
      const r = a.asymmetry.capability.toRivals.find((x) => x.counterpart === a.asymmetry.capability.principalThreat);
      const v = r?.ratios.milex ?? null;
      return v ? { ...valueCell(v, number(2)), text: `${number(2)(v.value)} to ${r!.counterpart} [${v.year}]` } : cell('missing');
    })),
    row('evidence', 'Military expenditure / U.S.', each((a) => valueCell(a.asymmetry.capability.toUnitedStates.ratios.milex, number(3)))),
    row('ledger', 'Assets (0-100)', each((a) => ledgerCell(a, (l) => l.assets))),
    row('ledger', 'Liabilities (0-100)', each((a) => ledgerCell(a, (l) => l.liabilities))),
    row('ledger', 'Net', each((a) => ledgerCell(a, (l) => l.net))),
    row('ledger', 'Rank by net', each((a) => (a.ledger?.rank ? cell(`${a.ledger.rank} of ${a.rankedCount}`, a.ledger.rank) : cell(a.ledger ? 'not ranked (coverage)' : 'no ledger')))),
    row('ledger', 'Coverage (weight with observed data)', each((a) => (a.ledger ? cell(percent(a.ledger.coverage.overall), a.ledger.coverage.overall) : cell('no ledger')))),
    row('interests', 'U.S. interests served most (points)', each((a) => topOf(a.interests?.interests ?? [], (x) => x.label))),
    row('interests', 'Main compromise accepted (points)', each((a) => topOf(a.interests?.compromises ?? [], (x) => x.label))),
    row('placement', 'Cluster of similar profiles (numbered by mean net; not a tier)', each((a) => (a.tier ? cell(`cluster ${a.tier.tier} of ${a.tier.of}`, a.tier.tier) : cell('not placed')))),
    row('placement', 'Tier of commitment (1 = U.S. treaty guarantee)', each((a) => cell(commitmentTierText(a.commitment), commitmentTier(a.commitment)))),
    row('placement', 'Most similar ally (ledger profile)', each((a) => {
      const n = a.similarity?.mostSimilar[0];
      return n ? cell(`${n.ally} (distance ${n.distance.toFixed(0)})`, n.distance) : cell('-');
    })),
  ];
  return {
    year,
    allies: allies.map((a) => ({ iso3: a.iso3, name: a.name, region: a.region })),
    rows,
    notes: [
      `Evidence rows: the latest value at or before ${year} (within 3 years), [year] shown; capability ratios and the offset share as in \`allies asymmetry\`.`,
      'Ledger rows: the default methodology (methods/default.yaml); scores 0-100 among the covered allies; the sources of each line are in `allies sheet` and --json.',
      'Interests and compromises: methods/interests.yaml maps each line item; points are the ledger points of the lines behind each interest.',
    ],
  };
}

function ledgerCell(a: ComparedAlly, f: (l: AllyLedger) => number | null): ComparisonCell {
  if (!a.ledger) return cell('no ledger');
  const v = f(a.ledger);
  const sources = [...new Set(a.ledger.lines.flatMap((l) => l.sources))].sort();
  return { text: v === null ? 'missing' : v.toFixed(1), value: v, year: a.ledger.year, sources, cites: [] };
}

function topOf<T extends { points: number | null; lines: { sources: string[] }[] }>(xs: readonly T[], label: (x: T) => string): ComparisonCell {
  const top = xs.find((x) => x.points !== null);
  if (!top) return cell('missing');
  // Interests with equal points tie (the same lines often serve several): said in words, with human labels.
  const best = xs.filter((x) => x.points !== null).reduce((m, x) => Math.max(m, x.points!), -Infinity);
  const tied = xs.filter((x) => x.points !== null && Math.abs(x.points - best) < 1e-9).map(label);
  const text = tied.length > 1 ? `${tied.join(', ')}: tied at ${best.toFixed(1)} each (the same lines serve them; see the ally's profile)` : `${tied[0]} (${best.toFixed(1)})`;
  return { text, value: best, year: null, sources: [...new Set(top.lines.flatMap((l) => l.sources))].sort(), cites: [] };
}
