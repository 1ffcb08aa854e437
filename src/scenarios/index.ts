// Scenarios: what-if stress tests of the balance sheets. A scenario file (schema.ts) states
// changes with rationales and citations; load.ts checks it against the evidence and the
// methodology; baseline.ts projects the evidence to the horizon; apply.ts applies the changes;
// run.ts diffs every ally's ledger against the baseline and credits each movement to the
// change that caused it; compose.ts runs several scenarios as one, or side by side.
// Everything but load.ts's file reading is pure, so the dashboard can run scenarios in the
// browser.
export { ScenarioFile, Change, Citation as ScenarioCitation, AllySelector, YearSelector, ItemSelector, PathPoint, EventKind } from './schema.ts';
export type { ChangeKind } from './schema.ts';
export {
  parseScenario, checkScenario, loadScenario, loadScenarios, readScenario, scenarioFileOf, builtInScenarioFiles, scenarioIndicators, SCENARIOS_DIR,
} from './load.ts';
export type { Scenario, ScenarioContext, LocatedScenario } from './load.ts';
export {
  projectBaseline, describeBaseline, nominalGrowthPct, ruleOf, DEFAULT_ASSUMPTIONS, PROJECTION_RULES, PROJECTION_SOURCE,
} from './baseline.ts';
export type { Baseline, BaselineAssumptions, SpendingPath, ProjectionRule } from './baseline.ts';
export {
  applyChange, applyChanges, orderChanges, phaseOf, describeChange, makeWorld, yearsOf, impliedRate,
  LINKS, CONVERTED, FORWARD_ACCESS, EVENTS, PHASES,
} from './apply.ts';
export type { World, ScenarioChange, ChangeEffect } from './apply.ts';
export { overlayEvidence, seriesKey } from './overlay.ts';
export type { SeriesOverlay } from './overlay.ts';
export { pathValues } from './path.ts';
export { runScenario, runAgainst, prepareBaseline, diffLedgers, robustnessJob, robustnessJobs, withRobustness, unpairable, pairedFor, EPSILON, PAIRED_MAX_DRAWS } from './run.ts';
export type {
  RunOptions, RobustnessOptions, RobustnessJob, TracedRun, PairedAlly, PreparedBaseline, ScenarioResult, AllyDiff, LineDiff, LineState, Cause, Totals, AppliedChange, RobustnessDiff, RobustnessSummary,
} from './run.ts';
export { composeScenarios, compareScenarios, conflicts } from './compose.ts';
export type { Comparison as ScenarioComparison, ComparisonCell as ScenarioComparisonCell } from './compose.ts';
export { diffText, scenarioText, comparisonText, scenarioListText } from './present.ts';
export type { DiffTextOptions } from './present.ts';
