// The exercise file format: a table-top exercise on the alliance, sourced like a scenario.
// A file states the narrative and the start state (the game year, which is the horizon of
// the ledgers compared, and a base scenario if any), the teams and their briefings, the
// moves, the master scenario events list (injects, each citing its sources) and the decision
// prompts of each team in each move, whose options set in motion changes written in the
// scenario change vocabulary (src/scenarios/schema.ts), so that every decision has a
// measurable effect on the ledgers. A decisions file records one play of an exercise: per
// move and team the option chosen, the rationale, the facilitator's adjudication and the
// hot-wash issues. One zod schema gives the types and the field names of error messages;
// load.ts holds a parsed file against itself, the source registry and the evidence.
import { z } from 'zod';
import { Change, Citation } from '../scenarios/schema.ts';

const Id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case: lower-case letters, digits and underscores');
const Year = z.number().int().min(1946, 'from 1946').max(2100, 'at most 2100');
const Iso3 = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 3166 code such as JPN');

export const Team = z.object({
  id: Id,
  name: z.string().min(1),
  role: z.enum(['player', 'control']).default('player').describe('control: the control cell (adversaries, umpires), which sends injects and takes no decisions'),
  countries: z.array(Iso3).default([]).describe('the countries the team plays (their ledgers are followed in the report)'),
  briefing: z.string().min(20).describe('what the team knows and wants at the start'),
}).strict();
export type Team = z.infer<typeof Team>;

export const Move = z.object({
  id: Id,
  title: z.string().min(1),
  date: z.string().min(1).describe('the game date or span of the move, e.g. "2027-04-10" or "D+3 to D+10"'),
  situation: z.string().min(20).describe('the situation the move opens with'),
}).strict();
export type Move = z.infer<typeof Move>;

export const Inject = z.object({
  id: Id,
  move: Id.describe('the id of a move of this file'),
  time: z.string().min(1).describe('when in the move, e.g. "D+0 06:00"'),
  from: Id.optional().describe('the team sending it (default: the control cell)'),
  recipients: z.array(Id).min(1).describe('team ids'),
  text: z.string().min(20),
  sources: z.array(Citation).min(1).describe('what the inject rests on: source ids of the registry (curated/sources.yaml, curated/sources/*.yaml)'),
}).strict();
export type Inject = z.infer<typeof Inject>;

export const Option = z.object({
  id: Id,
  label: z.string().min(1),
  description: z.string().min(20).optional(),
  changes: z.array(Change).describe('the scenario changes the option sets in motion (empty: the option changes no ledger)'),
}).strict();
export type Option = z.infer<typeof Option>;

export const Prompt = z.object({
  id: Id,
  move: Id.describe('the id of a move of this file'),
  team: Id.describe('the id of a player team of this file'),
  question: z.string().min(10),
  options: z.array(Option).min(2, 'a decision offers at least two options'),
}).strict();
export type Prompt = z.infer<typeof Prompt>;

export const ExerciseFile = z.object({
  exercise: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  title: z.string().min(1),
  narrative: z.string().min(20),
  start: z.object({
    year: Year.describe('the game year: the year whose ledgers are compared (the scenario horizon)'),
    scenario: z.string().min(1).optional().describe('a base scenario in force from the start (built-in name or file)'),
  }).strict(),
  sources: z.array(Citation).min(1).describe('what the exercise as a whole rests on'),
  teams: z.array(Team).min(2),
  moves: z.array(Move).min(1),
  injects: z.array(Inject).min(1).describe('the master scenario events list'),
  decisions: z.array(Prompt).min(1).describe('the decision prompts, per team and move'),
}).strict();
export type ExerciseFile = z.infer<typeof ExerciseFile>;

/** Hot-wash issue tags (the issues a decision raised, for the after-action report). */
export const ISSUES = [
  'basing_access', 'consultation', 'escalation', 'burden_sharing', 'munitions', 'shipbuilding', 'alliance_cohesion',
  'domestic_politics', 'trilateral_coordination', 'deterrence', 'information', 'legal_authority', 'logistics', 'nuclear',
] as const;
export const Issue = z.enum(ISSUES);
export type Issue = z.infer<typeof Issue>;

export const Adjudication = z.object({
  ruling: z.enum(['accept', 'amend', 'overrule']).describe('accept: the option stands; amend: another option applies; overrule: no option applies'),
  option: Id.optional().describe('with amend: the option that applies instead'),
  note: z.string().min(10).describe('the facilitator\'s reasoning'),
}).strict().superRefine((a, ctx) => {
  if (a.ruling === 'amend' && a.option === undefined) ctx.addIssue({ code: 'custom', path: ['option'], message: 'an amendment names the option that applies instead' });
  if (a.ruling !== 'amend' && a.option !== undefined) ctx.addIssue({ code: 'custom', path: ['option'], message: `a ruling of ${a.ruling} takes no option (only amend does)` });
});
export type Adjudication = z.infer<typeof Adjudication>;

export const Decision = z.object({
  move: Id,
  team: Id,
  decision: Id.describe('the id of a decision prompt of the exercise'),
  option: Id.describe('the option the team chose'),
  rationale: z.string().min(10),
  adjudication: Adjudication.optional(),
  issues: z.array(Issue).default([]).describe(`hot-wash issues: ${ISSUES.join(', ')}`),
}).strict();
export type Decision = z.infer<typeof Decision>;

export const DecisionsFile = z.object({
  exercise: z.string().min(1).describe('the exercise id these decisions are for'),
  branch: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  title: z.string().min(1),
  decisions: z.array(Decision).min(1),
}).strict();
export type DecisionsFile = z.infer<typeof DecisionsFile>;
