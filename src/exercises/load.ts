// Exercise and decisions files are checked in passes, each error naming the file, the line and
// the field: the zod schema (shape, types) through the located-YAML parser of
// src/evidence/sources.ts; then the file against itself (unknown team, inject for a move
// that does not exist, duplicate ids) and the source registry (every inject cites a
// registered source); then each option's changes against the evidence and the methodology,
// through the scenario loader's own checkScenario (unknown indicator, ally, judgment, line
// item), so that an option is exactly as valid as the same change in a scenario file.
// A decisions file is checked against its exercise (unknown decision, option or team).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EVIDENCE_DIR } from '../evidence/load.ts';
import { CuratedFileError, lineOf as lineOfPath, loadSourceRegistry, parseYamlFileWithDocument } from '../evidence/sources.ts';
import { cachedEvidence } from '../method/files.ts';
import { DEFAULT_METHODOLOGY_FILE, indicatorsOf, latestYear, loadJudgments, loadMethodology, parseMethodology } from '../method/index.ts';
import { packagePath } from '../paths.ts';
import type { ScenarioChange } from '../scenarios/apply.ts';
import { builtInScenarioFiles, checkScenario, readScenario, scenarioFileOf, scenarioIndicators } from '../scenarios/load.ts';
import type { LocatedScenario, Scenario, ScenarioContext } from '../scenarios/load.ts';
import type { Citation } from '../scenarios/schema.ts';
import { DecisionsFile, ExerciseFile } from './schema.ts';
import type { Adjudication, Decision, Inject, Issue, Move, Team } from './schema.ts';

export const EXERCISES_DIR = packagePath('exercises');
export const CURATED_DIR = packagePath('curated');

const HINT = 'Fix the exercise file (format: exercises/README.md, schema: src/exercises/schema.ts).';
const DECISIONS_HINT = 'Fix the decisions file (format: exercises/README.md, schema: DecisionsFile in src/exercises/schema.ts).';

type FieldPath = readonly (string | number)[];

interface Located<T> {
  file: string;
  data: T;
  lineOf(path: FieldPath): number | null;
  error(path: FieldPath, problem: string, hint?: string): CuratedFileError;
}
export type LocatedExercise = Located<ExerciseFile>;
export type LocatedDecisions = Located<DecisionsFile>;

function locate<T>(file: string, text: string, schema: Parameters<typeof parseYamlFileWithDocument<T>>[2], hint: string): Located<T> {
  const { data, doc } = parseYamlFileWithDocument(file, text, schema, hint);
  const lineOf = (p: FieldPath): number | null => lineOfPath(doc, text, p);
  return { file, data, lineOf, error: (p, problem, h = hint) => new CuratedFileError(file, lineOf(p), p.map(String).join('.'), problem, h) };
}

/** Parse an exercise file's text; schema errors name file, line and field. */
export function parseExercise(file: string, text: string): LocatedExercise {
  return locate(file, text, ExerciseFile, HINT);
}

/** Parse a decisions file's text; schema errors name file, line and field. */
export function parseDecisions(file: string, text: string): LocatedDecisions {
  return locate(file, text, DecisionsFile, DECISIONS_HINT);
}

function unknown(kind: string, id: string, known: readonly string[]): string {
  return `unknown ${kind} "${id}" (the file's ${kind}s: ${known.join(', ') || 'none'})`;
}

function noDuplicates(located: Located<unknown>, list: readonly { id: string }[], at: string, kind: string): void {
  const seen = new Set<string>();
  list.forEach((x, i) => {
    if (seen.has(x.id)) throw located.error([at, i, 'id'], `duplicate ${kind} id "${x.id}"`);
    seen.add(x.id);
  });
}

/**
 * Hold an exercise file against itself and the source registry: ids unique, every team,
 * move and source named exists, injects go to teams, decisions to player teams. Pure.
 */
export function checkStructure(located: LocatedExercise, registry: ReadonlySet<string>): void {
  const x = located.data;
  const fail = (p: FieldPath, problem: string, hint?: string): never => {
    throw located.error(p, problem, hint);
  };
  noDuplicates(located, x.teams, 'teams', 'team');
  noDuplicates(located, x.moves, 'moves', 'move');
  noDuplicates(located, x.injects, 'injects', 'inject');
  noDuplicates(located, x.decisions, 'decisions', 'decision');
  const teams = x.teams.map((t) => t.id);
  const moves = x.moves.map((m) => m.id);
  const players = new Set(x.teams.filter((t) => t.role === 'player').map((t) => t.id));
  if (players.size === 0) fail(['teams'], 'no team plays: give at least one team the role player');
  const cite = (p: FieldPath, list: readonly Citation[]) => list.forEach((c, k) => {
    if (!registry.has(c.source)) fail([...p, k, 'source'], `unknown source "${c.source}"`, 'Cite a source id of the registry (curated/sources.yaml, curated/sources/*.yaml), or add the source there with its full reference.');
  });
  cite(['sources'], x.sources);
  x.injects.forEach((inj, i) => {
    if (!moves.includes(inj.move)) fail(['injects', i, 'move'], `inject "${inj.id}" is for a move that does not exist: ${unknown('move', inj.move, moves)}`);
    inj.recipients.forEach((r, k) => {
      if (!teams.includes(r)) fail(['injects', i, 'recipients', k], unknown('team', r, teams));
    });
    if (inj.from !== undefined && !teams.includes(inj.from)) fail(['injects', i, 'from'], unknown('team', inj.from, teams));
    cite(['injects', i, 'sources'], inj.sources);
  });
  x.decisions.forEach((d, i) => {
    if (!moves.includes(d.move)) fail(['decisions', i, 'move'], `decision "${d.id}" is for a move that does not exist: ${unknown('move', d.move, moves)}`);
    if (!teams.includes(d.team)) fail(['decisions', i, 'team'], unknown('team', d.team, teams));
    if (!players.has(d.team)) fail(['decisions', i, 'team'], `team "${d.team}" is the control cell: it sends injects and takes no decisions`);
    const seen = new Set<string>();
    d.options.forEach((o, j) => {
      if (seen.has(o.id)) fail(['decisions', i, 'options', j, 'id'], `duplicate option id "${o.id}"`);
      seen.add(o.id);
    });
  });
  const moveOrder = new Map(moves.map((m, k) => [m, k]));
  const perMove = new Map<string, number>();
  for (const d of x.decisions) perMove.set(d.move, (perMove.get(d.move) ?? 0) + 1);
  const empty = moves.find((m) => !perMove.has(m) && !x.injects.some((inj) => inj.move === m));
  if (empty !== undefined) fail(['moves', moveOrder.get(empty)!], `move "${empty}" has neither injects nor decisions`);
}

/** An option of a decision prompt, its changes checked and resolved. */
export interface ExerciseOption {
  id: string;
  label: string;
  description: string | null;
  changes: ScenarioChange[];
  /** file:line of the option. */
  origin: string;
}

export interface ExercisePrompt {
  id: string;
  move: string;
  team: string;
  question: string;
  options: ExerciseOption[];
}

/** A checked exercise, ready to play. */
export interface Exercise {
  id: string;
  title: string;
  narrative: string;
  year: number;
  /** The base scenario in force from the start, or null. */
  base: Scenario | null;
  sources: Citation[];
  teams: Team[];
  moves: Move[];
  injects: Inject[];
  prompts: ExercisePrompt[];
  origin: string;
}

/** Field paths a scenario check reports, as paths of the exercise file. */
function optionLocated(located: LocatedExercise, i: number, j: number): LocatedScenario {
  const x = located.data;
  const prompt = x.decisions[i];
  const option = prompt.options[j];
  const map = (p: FieldPath): FieldPath => {
    if (p[0] === 'changes') return ['decisions', i, 'options', j, ...p];
    if (p[0] === 'horizon') return ['start', 'year'];
    return p;
  };
  return {
    file: located.file,
    data: {
      scenario: `${prompt.id}.${option.id}`, title: `${prompt.id}: ${option.label}`, description: x.narrative,
      // The exercise's own sources are checked against the registry (checkStructure): the options' changes against the evidence.
      horizon: x.start.year, sources: [], changes: option.changes,
    },
    lineOf: (p) => located.lineOf(map(p)),
    error: (p, problem, hint = HINT) => located.error(map(p), problem, hint),
  };
}

/** Check each option's changes against the evidence and methodology (pure, given the context). */
export function checkExercise(located: LocatedExercise, ctx: ScenarioContext, base: Scenario | null): Exercise {
  const x = located.data;
  if (base && base.horizon !== x.start.year) {
    throw located.error(['start', 'scenario'], `the base scenario "${base.id}" has the horizon ${base.horizon}, not the exercise's year ${x.start.year}`, 'Set start.year to the scenario\'s horizon, or use a scenario with that horizon.');
  }
  const prompts = x.decisions.map((d, i): ExercisePrompt => ({
    id: d.id, move: d.move, team: d.team, question: d.question.trim(),
    options: d.options.map((o, j) => ({
      id: o.id, label: o.label, description: o.description?.trim() ?? null,
      changes: checkScenario(optionLocated(located, i, j), ctx).changes,
      origin: `${located.file}:${located.lineOf(['decisions', i, 'options', j]) ?? '?'}`,
    })),
  }));
  // A run credits each change by its spec: an option repeating the base scenario's change would be credited nothing.
  return {
    id: x.exercise, title: x.title, narrative: x.narrative.trim(), year: x.start.year, base,
    sources: x.sources, teams: x.teams, moves: x.moves, injects: x.injects, prompts, origin: located.file,
  };
}

/** The file an exercise name or path refers to: a path as given, a bare name in exercises/ (as for scenarios). */
export function exerciseFileOf(nameOrFile: string, dir: string = EXERCISES_DIR): string {
  return scenarioFileOf(nameOrFile, dir);
}

/** The built-in exercises: every exercises/*.yaml, by name. */
export function builtInExerciseFiles(dir: string = EXERCISES_DIR): Promise<{ name: string; file: string }[]> {
  return builtInScenarioFiles(dir);
}

function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

async function readText(file: string, what: string, hint: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new CuratedFileError(shownPath(file), null, '', `cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, hint);
  }
}

/** Read and parse an exercise by name or path (schema only). */
export async function readExercise(nameOrFile: string, dir: string = EXERCISES_DIR): Promise<LocatedExercise> {
  const file = exerciseFileOf(nameOrFile, dir);
  const names = await builtInExerciseFiles(dir).then((l) => l.map((x) => x.name), () => []);
  const text = await readText(file, 'exercise file', `Give the path of an exercise file or a built-in name: ${names.join(', ')}.`);
  return parseExercise(shownPath(file), text);
}

/** Read and parse a decisions file (schema only). */
export async function readDecisions(file: string): Promise<LocatedDecisions> {
  const resolved = path.resolve(file);
  return parseDecisions(shownPath(resolved), await readText(resolved, 'decisions file', 'Give the path of a decisions file (see exercises/decisions/).'));
}

export interface LoadOptions {
  evidenceDir?: string;
  methodologyFile?: string;
  judgmentsFile?: string;
  curatedDir?: string;
  dir?: string;
}

/** The ids of the source registry and of the built evidence (the evidence's are a subset once built). */
export async function registryIds(curatedDir: string = CURATED_DIR, evidenceSources: readonly { id: string }[] = []): Promise<Set<string>> {
  const registry = await loadSourceRegistry(curatedDir);
  return new Set([...registry.map((s) => s.id), ...evidenceSources.map((s) => s.id)]);
}

/**
 * Read an exercise (a bad file stops before the evidence is read), check it against itself
 * and the registry, then load the evidence the options need and check their changes.
 */
export async function loadExercise(nameOrFile: string, options: LoadOptions = {}): Promise<{ exercise: Exercise; context: ScenarioContext }> {
  const located = await readExercise(nameOrFile, options.dir);
  checkStructure(located, await registryIds(options.curatedDir));
  let baseFile: LocatedScenario | null = null;
  if (located.data.start.scenario !== undefined) {
    try {
      baseFile = await readScenario(located.data.start.scenario);
    } catch (e) {
      throw located.error(['start', 'scenario'], e instanceof Error ? e.message : String(e));
    }
  }
  const optionFiles = located.data.decisions.flatMap((d, i) => d.options.map((_o, j) => optionLocated(located, i, j)));
  const methodologyFile = options.methodologyFile ?? DEFAULT_METHODOLOGY_FILE;
  const text = await readText(methodologyFile, 'methodology file', 'Check the path.');
  const evidenceDir = options.evidenceDir ?? EVIDENCE_DIR;
  const evidence = await cachedEvidence(evidenceDir, [...indicatorsOf(parseMethodology(methodologyFile, text).data), ...scenarioIndicators([...(baseFile ? [baseFile] : []), ...optionFiles])]);
  if (evidence.allies().length === 0) throw new Error(`${evidenceDir} has no covered allies: rebuild it with: npx allies data build`);
  const methodology = await loadMethodology(evidence, methodologyFile);
  const judgments = await loadJudgments(evidence, methodology, options.judgmentsFile);
  const context: ScenarioContext = { evidence, methodology, judgments, present: latestYear({ evidence, methodology }) };
  const base = baseFile ? checkScenario(baseFile, context) : null;
  return { exercise: checkExercise(located, context, base), context };
}

/** A decision checked against its exercise: the prompt, and the option that applies after adjudication. */
export interface CheckedDecision {
  move: string;
  team: string;
  prompt: ExercisePrompt;
  chosen: ExerciseOption;
  rationale: string;
  adjudication: Adjudication | null;
  /** The option whose changes apply: the chosen one, the amended one, or none (overruled). */
  applied: ExerciseOption | null;
  issues: Issue[];
  origin: string;
}

export interface Play {
  exercise: string;
  branch: string;
  title: string;
  file: string;
  /** In the order of the exercise's moves, then of its decision prompts. */
  decisions: CheckedDecision[];
}

/** Hold a decisions file against its exercise: every decision, option and team must exist. Pure. */
export function checkDecisions(located: LocatedDecisions, exercise: Exercise): Play {
  const d = located.data;
  const fail = (p: FieldPath, problem: string, hint = DECISIONS_HINT): never => {
    throw located.error(p, problem, hint);
  };
  if (d.exercise !== exercise.id) fail(['exercise'], `these decisions are for the exercise "${d.exercise}", not "${exercise.id}" (${exercise.origin})`);
  const seen = new Set<string>();
  const out = d.decisions.map((x: Decision, i): CheckedDecision => {
    const at = (...rest: (string | number)[]): FieldPath => ['decisions', i, ...rest];
    const prompt = exercise.prompts.find((p) => p.id === x.decision)
      ?? fail(at('decision'), unknown('decision', x.decision, exercise.prompts.map((p) => p.id)));
    if (!exercise.teams.some((t) => t.id === x.team)) fail(at('team'), unknown('team', x.team, exercise.teams.map((t) => t.id)));
    if (!exercise.moves.some((m) => m.id === x.move)) fail(at('move'), unknown('move', x.move, exercise.moves.map((m) => m.id)));
    if (prompt.move !== x.move) fail(at('move'), `decision "${prompt.id}" is taken in move "${prompt.move}", not "${x.move}"`);
    if (prompt.team !== x.team) fail(at('team'), `decision "${prompt.id}" is team "${prompt.team}"'s, not "${x.team}"'s`);
    if (seen.has(prompt.id)) fail(at('decision'), `decision "${prompt.id}" is taken twice`);
    seen.add(prompt.id);
    const optionOf = (id: string, p: FieldPath) => prompt.options.find((o) => o.id === id)
      ?? fail(p, `unknown option "${id}" of decision "${prompt.id}" (its options: ${prompt.options.map((o) => o.id).join(', ')})`);
    const chosen = optionOf(x.option, at('option'));
    const adj = x.adjudication ?? null;
    const applied = adj === null || adj.ruling === 'accept' ? chosen
      : adj.ruling === 'amend' ? optionOf(adj.option!, at('adjudication', 'option')) : null;
    return {
      move: x.move, team: x.team, prompt, chosen, rationale: x.rationale.trim(), adjudication: adj, applied,
      issues: [...new Set(x.issues)], origin: `${located.file}:${located.lineOf(at()) ?? '?'}`,
    };
  });
  const order = (c: CheckedDecision) => exercise.moves.findIndex((m) => m.id === c.move) * 10_000 + exercise.prompts.indexOf(c.prompt);
  return { exercise: exercise.id, branch: d.branch, title: d.title, file: located.file, decisions: [...out].sort((a, b) => order(a) - order(b)) };
}

/** Read and check a decisions file against a loaded exercise. */
export async function loadDecisions(file: string, exercise: Exercise): Promise<Play> {
  return checkDecisions(await readDecisions(file), exercise);
}
