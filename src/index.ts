// The library API of Alliance Ledger.
export { loadEvidence, Evidence, EVIDENCE_DIR } from './evidence/load.ts';
export type { Ally, ObservationQuery, TableRow } from './evidence/load.ts';
export type { Country, Indicator, Observation, ObservationFlag, Source, SourceFile } from './evidence/schema.ts';
export { toBibtex, toCslJson } from './evidence/sources.ts';
export { buildEvidence } from './pipeline/build.ts';
export type { BuildReport } from './pipeline/build.ts';
export * from './method/index.ts';
export * from './analyses/index.ts';
export * from './scenarios/index.ts';
