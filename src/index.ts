// The library API of Alliance Ledger.
export { loadEvidence, Evidence, EVIDENCE_DIR } from './evidence/load.ts';
export type { Ally, ObservationQuery, TableRow } from './evidence/load.ts';
export type { Country, Indicator, Observation, ObservationFlag, Source, SourceFile } from './evidence/schema.ts';
export { toBibtex, toCslJson } from './evidence/sources.ts';
export { buildEvidence } from './pipeline/build.ts';
export type { BuildReport } from './pipeline/build.ts';
export * from './method/index.ts';
// The method where the numbers are: what a point is worth, the methodology in words, why this rank.
export { pointWorth, methodologyLines, whyThisRank, formulaText, normalizationText, missingText, NOT_STATED } from './method/explain.ts';
export type { PointWorth, ItemWorth, HeadingWorth, MethodologyLine, CitationText, WhyThisRank, WhyLine, WhyHeading, WhyOptions, RankBand, Neighbour } from './method/explain.ts';
export * from './analyses/index.ts';
// Validation against published assessments (curated/assessments): a check to report, never a target.
export { parseAssessment, validateAssessment, validateAssessments, validationText, validationYears, spearman, averageRanks, explainGap, lineEffect, measureOf, medianAllies, VALIDATION_CAVEAT, TESTS as VALIDATION_TESTS } from './analyses/validation.ts';
export type { Assessment, AssessmentClaim, AssessmentCategory, Expectation, Measure, TestKind, ValidationReport, AssessmentValidation, ClaimValidation, ExpectationCheck, Drivers, DriverLine, RankAgreement, RankedAlly, ValidationOptions } from './analyses/validation.ts';
export { loadAssessments, DEFAULT_ASSESSMENTS_DIR } from './analyses/assessment-files.ts';
export * from './scenarios/index.ts';
// The allies of each year: standings on 31 December (treaty ally, MNNA, treated as one, partner) with their basis.
export { membership, alliesOfYear, standingOf, absenceOf, firstAlliedYear, MEMBERSHIP_RULE, MEMBERSHIP_RULE_WHY, ALLIED } from './method/membership.ts';
export type { Standing, AllyStanding, MembershipBasis, YearMembership, Absence } from './method/membership.ts';
export { placeInto } from './method/normalize.ts';
