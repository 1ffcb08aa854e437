// The comparative analyses' library API: alliance histories and base rates, claims checked
// against the evidence, asymmetry, interests and compromises, similarity, tiers and the
// alliance network. Everything here is pure except files.ts (reading curated files).
export { kaplanMeier, survivalAt, survivalQuantile, survivalPercentile, restrictedMeanSurvival, SurvivalInputError } from './survival.ts';
export type { SurvivalCurve, SurvivalStep, SurvivalSubject } from './survival.ts';
export { medianOf } from './survival.ts';
export type { MedianEstimate } from './survival.ts';

export {
  readAllianceEvidence, readAlliances, readMemberObligations, readUsCommitments, commitmentNames, isNonaggressionOnly,
  EvidenceTableError, ATOP_COVERAGE_END, OBLIGATION_KINDS, CONDITION_FIELDS,
} from './alliances.ts';
export type { AllianceEvidence, AllianceRecord, MemberObligations, UsCommitment, CalendarDate, Obligations, ObligationKind } from './alliances.ts';

export {
  summarizeDurations, summarizeGrouping, usAllianceAges, allianceDuration, yearsBetween, memberExitModes,
  GROUPINGS, MEMBER_EXIT_MODES, ERAS, DURATION_DEFINITIONS, TERMINATION_MODES, SURVIVAL_MILESTONES,
} from './history.ts';
export type { AllianceGroup, AllianceDuration, DurationSummary, UsAllianceAge } from './history.ts';
export { recordedInForce } from './history.ts';
export type { DurationOptions } from './history.ts';

export { parseClaimRegistry, checkClaims, checkClaim, claimIndicators, agreesWith, partVerdict, claimVerdict, describeStated, ClaimRegistry, Claim } from './claims.ts';
export type { ClaimCheck, ClaimContext, PartResult, ReadingResult, Reading, Stated, Verdict } from './claims.ts';
export { agreesWithin, shownReading } from './claims.ts';

export {
  asymmetryProfile, directedCommitments, overallPattern, capabilityProfile, basingProfile, costProfile, referenceCostPerTroop,
  ASYMMETRY_INDICATORS, RIVALS, PRINCIPAL_RIVAL_RULE, COST_RULE, BASE_MEANING,
} from './asymmetry.ts';
export type { AsymmetryProfile, AsymmetryInputs, DirectedCommitment, ObligationPattern, CapabilityProfile, BasingProfile, CostProfile } from './asymmetry.ts';

export { parseInterestMap, checkInterestMap, interestProfile, deterrenceInterests, InterestMap } from './interests.ts';
export type { InterestProfile, InterestServed, CompromiseAccepted } from './interests.ts';

export { profileMatrix, profileDistance } from './profiles.ts';
export type { ProfileMatrix, AllyProfile, ProfileItem } from './profiles.ts';

export { similarAllies, distanceMatrix, compareRegions, SIMILARITY_DEFINITION } from './similarity.ts';
export type { SimilarityReport, Neighbour, RegionComparison } from './similarity.ts';

export { allyTiers, commitmentLevels, wardClustering, cutTree, MAX_TIERS } from './tiers.ts';
export type { TierReport, Tier, TierMember, CommitmentLevel, CommitmentKind, TierOptions } from './tiers.ts';

export { compareAllies, tierOf, COMPARISON_INDICATORS } from './comparison.ts';
export type { ComparisonTable, ComparisonRow, ComparisonCell, ComparedAlly } from './comparison.ts';

export {
  networkYear, latticeSeries, latticeIndex, networkNodes, allianceMemberships, groupingMemberships, louvain, modularity, NETWORK_DEFINITIONS,
} from './network.ts';
export type { NetworkYear, NetworkNode, NetworkTie, NetworkMembership, NetworkOptions, Instrument, LatticeIndex, CentralityRow } from './network.ts';

export { latestValue, ratio, sourcesOf } from './sourced.ts';
export type { SourcedValue, Citation as ObservationCitation, EvidenceView } from './sourced.ts';

export { loadClaimRegistry, loadInterestMap, DEFAULT_CLAIMS_FILE, DEFAULT_INTERESTS_FILE } from './files.ts';
