// Crisis exercises: table-top exercises on the alliance with the ledger as the scoreboard.
// schema.ts gives the exercise and decisions file formats; load.ts checks them (errors name
// file, line and field); play.ts plays a decisions file through the scenario engine;
// report.ts assembles and renders the after-action report; compare.ts sets branches side by
// side; output.ts writes reports whole or not at all.
export { ExerciseFile, DecisionsFile, ISSUES } from './schema.ts';
export type { Team, Move, Inject, Prompt, Option, Decision, Adjudication, Issue } from './schema.ts';
export {
  parseExercise, parseDecisions, checkStructure, checkExercise, checkDecisions, loadExercise, loadDecisions, readExercise, readDecisions,
  exerciseFileOf, builtInExerciseFiles, registryIds, EXERCISES_DIR, CURATED_DIR,
} from './load.ts';
export type { Exercise, ExercisePrompt, ExerciseOption, CheckedDecision, Play, LocatedExercise, LocatedDecisions, LoadOptions } from './load.ts';
export { playExercise, DEFAULT_DRAWS, DEFAULT_SEED, MAX_SHOWN } from './play.ts';
export type { PlayResult, PlayOptions, DecisionEffect, AllyEffect } from './play.ts';
export { assembleAfterAction, renderAfterActionMarkdown, renderAfterActionHtml, printableAfterAction } from './report.ts';
export type { AfterActionReport, Section, Block } from './report.ts';
export { assembleComparison } from './compare.ts';
export { writeReport, AAR_FILES } from './output.ts';
