// The balance-sheet engine's library API: methodology and judgments as data, ledgers,
// burden-sharing ratios and robustness. The computing modules are pure; files.ts and
// robustness-parallel.ts are the Node edges.
export { Methodology, LineItem, Measure, Normalization, MissingPolicy, Citation, checkMethodology, parseMethodology, indicatorsOf } from './methodology.ts';
export type { EvidenceCatalog, Side, JudgmentDefinition, JudgmentScale, BurdenSharing, RobustnessSettings, CounterpartRule, NetworkDefinition } from './methodology.ts';
export { JudgmentsFile, JudgmentBook, parseJudgments, checkJudgments, overlayJudgments } from './judgments.ts';
export type { Judgment } from './judgments.ts';
export { evaluateMeasure } from './transforms.ts';
export type { MeasureValue, MeasureContext, ValueFlag, TableRef } from './transforms.ts';
export { normalizeInto, imputeInto, normalizeBuffers, quantileSorted } from './normalize.ts';
export { computeLedger, computeLedgerSeries, latestYear, evaluateItems, scoreItem } from './ledger.ts';
export type { AllyLedger, LedgerLine, Coverage, YearLedger, LedgerOptions } from './ledger.ts';
export { computeBurdenSharing } from './burden.ts';
export type { BurdenReport, BurdenRow, BurdenCell, BurdenContributionSummary } from './burden.ts';
export { allyNetwork, betweenness } from './network.ts';
export type { AllyNetwork } from './network.ts';
export {
  scoreMatrix, matrixWeights, orderOf, runRobustness, runChunks, runChunk, summarize, drawSettingsOf, runSweep, sweepLevel, baselineNets, allChunks, chunkCount, CHUNK_DRAWS,
} from './robustness.ts';
export { netsInto } from './score-matrix.ts';
export type { ScoreMatrix, DrawSettings, WeightScheme, RobustnessResult, AllyRobustness, Interval, SweepLevel, Accumulator } from './robustness.ts';
export { RobustnessPool, runRobustnessParallel } from './robustness-parallel.ts';
export { Xoshiro128, splitmix32 } from './random.ts';
export { loadMethodology, loadJudgments, loadJudgmentsFile, loadLedgerInputs, evidenceCatalog, DEFAULT_METHODOLOGY_FILE, DEFAULT_JUDGMENTS_FILE } from './files.ts';
export type { LedgerInputs } from './files.ts';
export { CuratedFileError } from './yaml.ts';
export { findAlly } from './allies.ts';
export { tAccountText, ledgerMarkdown, ledgerCsv, rankingRows } from './present.ts';
