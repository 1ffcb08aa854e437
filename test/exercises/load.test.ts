// Exercise and decisions files: a bad file stops with an error naming the file, the line and
// the field (schema, structure, registry, the options' changes against the evidence, the
// decisions against the exercise). Structure and decisions are checked on the engine's small
// hand-made evidence, so the tests are fast and exact.
import { describe, expect, it } from 'vitest';
import { CuratedFileError } from '../../src/evidence/sources.ts';
import { checkDecisions, checkExercise, checkStructure, parseDecisions, parseExercise, playExercise } from '../../src/exercises/index.ts';
import { fixtureEvidence, fixtureJudgments, fixtureMethodology } from '../method/fixtures.ts';

const evidence = fixtureEvidence();
const methodology = fixtureMethodology(evidence);
const judgments = fixtureJudgments(evidence, methodology);
const context = { evidence, methodology, judgments, present: 2024 };
const registry = new Set(['test-publication', 'test-data']);

const cite = '[{ source: test-publication, locator: p. 3 }]';

/** A small valid exercise on the fixture (allies AAA..EEE, indicator share_gdp); `edit` rewrites its text. */
function exerciseText(edit: (t: string) => string = (t) => t): string {
  return edit(`exercise: test-exercise
title: Test exercise
narrative: A two-move exercise written for the tests of src/exercises.
start:
  year: 2026
sources: ${cite}
teams:
  - id: blue
    name: Blue
    countries: [AAA]
    briefing: Blue plays the ally AAA in the tests.
  - id: red
    name: Red cell
    role: control
    briefing: Red plays the adversary and the umpire.
moves:
  - id: m1
    title: First move
    date: D-day
    situation: Something happens in the first move.
  - id: m2
    title: Second move
    date: D+1
    situation: Something else happens in the second move.
injects:
  - id: first_inject
    move: m1
    time: "D-day 06:00"
    recipients: [blue]
    text: The adversary does something alarming.
    sources: ${cite}
  - id: second_inject
    move: m2
    time: "D+1 06:00"
    recipients: [blue]
    text: The adversary does something else alarming.
    sources: ${cite}
decisions:
  - id: spend
    move: m1
    team: blue
    question: Does Blue spend more?
    options:
      - id: more
        label: Spend more
        changes:
          - kind: scale
            allies: [AAA]
            indicator: share_gdp
            factor: 1.5
            years: 2026
            rationale: A reason long enough for the schema.
            citations: ${cite}
      - id: same
        label: Spend the same
        changes: []
`);
}

function located(edit?: (t: string) => string) {
  return parseExercise('test-exercise.yaml', exerciseText(edit));
}

function failure(f: () => unknown): CuratedFileError {
  try {
    f();
  } catch (e) {
    if (e instanceof CuratedFileError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('exercise files', () => {
  it('accepts a valid file and resolves each option to scenario changes', () => {
    const x = located();
    checkStructure(x, registry);
    const exercise = checkExercise(x, context, null);
    expect(exercise.prompts[0].options.map((o) => o.changes.length)).toEqual([1, 0]);
    expect(exercise.prompts[0].options[0].changes[0].countries).toEqual(['AAA']);
  });

  it('names file, line and field for an unknown team', () => {
    const text = exerciseText((t) => t.replace('recipients: [blue]\n    text: The adversary does something else', 'recipients: [green]\n    text: The adversary does something else'));
    const e = failure(() => checkStructure(parseExercise('bad.yaml', text), registry));
    expect(e.field).toBe('injects.1.recipients.0');
    expect(e.line).toBe(lineOf(text, 'recipients: [green]'));
    expect(e.message).toMatch(/^bad\.yaml:\d+: field "injects\.1\.recipients\.0": unknown team "green"/);
  });

  it('names the field of a decision for an unknown team', () => {
    const text = exerciseText((t) => t.replace('    team: blue\n', '    team: purple\n'));
    const e = failure(() => checkStructure(parseExercise('bad.yaml', text), registry));
    expect(e.field).toBe('decisions.0.team');
    expect(e.line).toBe(lineOf(text, 'team: purple'));
  });

  it('refuses a decision for the control cell', () => {
    const e = failure(() => checkStructure(located((t) => t.replace('    team: blue\n', '    team: red\n')), registry));
    expect(e.field).toBe('decisions.0.team');
    expect(e.problem).toMatch(/control cell/);
  });

  it('names file, line and field for an inject for a move that does not exist', () => {
    const text = exerciseText((t) => t.replace('move: m2\n    time: "D+1 06:00"', 'move: m3\n    time: "D+1 06:00"'));
    const e = failure(() => checkStructure(parseExercise('bad.yaml', text), registry));
    expect(e.field).toBe('injects.1.move');
    expect(e.line).toBe(lineOf(text, 'move: m3'));
    expect(e.problem).toMatch(/inject "second_inject" is for a move that does not exist: unknown move "m3" \(the file's moves: m1, m2\)/);
  });

  it('names file, line and field for an option changing an unknown indicator', () => {
    const text = exerciseText((t) => t.replace('indicator: share_gdp', 'indicator: share_gpd'));
    const x = parseExercise('bad.yaml', text);
    checkStructure(x, registry);
    const e = failure(() => checkExercise(x, context, null));
    expect(e.field).toBe('decisions.0.options.0.changes.0.indicator');
    expect(e.line).toBe(lineOf(text, 'indicator: share_gpd'));
    expect(e.problem).toBe('unknown indicator "share_gpd"');
    expect(e.hint).toMatch(/did you mean share_gdp/);
  });

  it('names an inject source missing from the registry', () => {
    const text = exerciseText((t) => t.replace(`    text: The adversary does something alarming.\n    sources: ${cite}`, '    text: The adversary does something alarming.\n    sources: [{ source: nowhere-2030, locator: p. 1 }]'));
    const e = failure(() => checkStructure(parseExercise('bad.yaml', text), registry));
    expect(e.field).toBe('injects.0.sources.0.source');
    expect(e.line).toBe(lineOf(text, 'nowhere-2030'));
  });

  it('names schema errors by line and field (an inject without sources, a decision with one option)', () => {
    const noSources = exerciseText((t) => t.replace(`    text: The adversary does something alarming.\n    sources: ${cite}\n`, '    text: The adversary does something alarming.\n'));
    const e = failure(() => parseExercise('bad.yaml', noSources));
    expect(e.field).toBe('injects.0.sources');
    const oneOption = exerciseText((t) => t.replace(/ {6}- id: same\n.*\n.*\n$/, ''));
    const f = failure(() => parseExercise('bad.yaml', oneOption));
    expect(f.field).toBe('decisions.0.options');
    expect(f.problem).toMatch(/at least two options/);
  });

  it('refuses duplicate ids', () => {
    const e = failure(() => checkStructure(located((t) => t.replace('id: second_inject', 'id: first_inject')), registry));
    expect(e.field).toBe('injects.1.id');
  });
});

describe('decisions files', () => {
  const exercise = checkExercise(located(), context, null);
  const decisions = (body: string) => `exercise: test-exercise
branch: test-branch
title: Test branch
decisions:
${body}`;

  it('resolves the option that applies after adjudication', () => {
    const ok = (ruling: string) => checkDecisions(parseDecisions('d.yaml', decisions(`  - move: m1
    team: blue
    decision: spend
    option: more
    rationale: Because the tests say so.
    adjudication: ${ruling}
    issues: [burden_sharing]
`)), exercise);
    expect(ok('{ ruling: accept, note: Fine by the umpire. }').decisions[0].applied?.id).toBe('more');
    expect(ok('{ ruling: amend, option: same, note: The umpire rules otherwise. }').decisions[0].applied?.id).toBe('same');
    expect(ok('{ ruling: overrule, note: The umpire rules it out. }').decisions[0].applied).toBeNull();
  });

  it('names file, line and field for a decision for an unknown option', () => {
    const text = decisions(`  - move: m1
    team: blue
    decision: spend
    option: lots_more
    rationale: Because the tests say so.
`);
    const e = failure(() => checkDecisions(parseDecisions('d.yaml', text), exercise));
    expect(e.field).toBe('decisions.0.option');
    expect(e.line).toBe(lineOf(text, 'option: lots_more'));
    expect(e.problem).toBe('unknown option "lots_more" of decision "spend" (its options: more, same)');
  });

  it('names an unknown decision, a wrong team or move, an amendment to an unknown option, an unknown issue tag', () => {
    const base = { move: 'm1', team: 'blue', decision: 'spend', option: 'more' };
    const text = (o: Partial<typeof base>, extra = '') => {
      const d = { ...base, ...o };
      return decisions(`  - move: ${d.move}\n    team: ${d.team}\n    decision: ${d.decision}\n    option: ${d.option}\n    rationale: Because the tests say so.\n${extra}`);
    };
    expect(failure(() => checkDecisions(parseDecisions('d.yaml', text({ decision: 'build' })), exercise)).field).toBe('decisions.0.decision');
    expect(failure(() => checkDecisions(parseDecisions('d.yaml', text({ team: 'red' })), exercise)).field).toBe('decisions.0.team');
    expect(failure(() => checkDecisions(parseDecisions('d.yaml', text({ move: 'm2' })), exercise)).field).toBe('decisions.0.move');
    expect(failure(() => checkDecisions(parseDecisions('d.yaml', text({}, '    adjudication: { ruling: amend, option: most, note: The umpire rules otherwise. }\n')), exercise)).field).toBe('decisions.0.adjudication.option');
    expect(failure(() => parseDecisions('d.yaml', text({}, '    adjudication: { ruling: amend, note: The umpire rules otherwise. }\n'))).field).toBe('decisions.0.adjudication.option');
    expect(failure(() => parseDecisions('d.yaml', text({}, '    issues: [weather]\n'))).field).toBe('decisions.0.issues.0');
  });

  it('refuses decisions for another exercise', () => {
    const e = failure(() => checkDecisions(parseDecisions('d.yaml', decisions('  - { move: m1, team: blue, decision: spend, option: more, rationale: Because the tests say so. }\n').replace('exercise: test-exercise', 'exercise: other')), exercise));
    expect(e.field).toBe('exercise');
  });
});

describe('a play on the fixture', () => {
  const again = `  - id: spend_again
    move: m2
    team: blue
    question: Does Blue spend more again?
    options:
      - id: more
        label: Spend more
        changes:
          - kind: scale
            allies: [CCC]
            indicator: share_gdp
            factor: 1.5
            years: 2026
            rationale: A reason long enough for the schema.
            citations: ${cite}
      - id: same
        label: Spend the same
        changes: []
`;
  // CCC: in the middle of the fixture's range of share_gdp, so that its score moves (AAA sits at the floor).
  const exercise = checkExercise(parseExercise('x.yaml', exerciseText((t) => (t + again).replaceAll('AAA', 'CCC'))), context, null);
  const decisions = (second: string) => checkDecisions(parseDecisions('d.yaml', `exercise: test-exercise
branch: b
title: B
decisions:
  - { move: m1, team: blue, decision: spend, option: more, rationale: Because the tests say so. }
  - { move: m2, team: blue, decision: spend_again, option: ${second}, rationale: Because the tests say so. }
`), exercise);

  it('measures each decision against the state before it, deterministically', () => {
    const a = playExercise(exercise, decisions('same'), context, { draws: 50, seed: 3 });
    const b = playExercise(exercise, decisions('same'), context, { draws: 50, seed: 3 });
    expect(JSON.stringify(a.effects)).toBe(JSON.stringify(b.effects));
    const aaa = a.effects[0].allies.find((x) => x.ally === 'CCC')!;
    expect(aaa.netChange).not.toBe(0);
    expect(aaa.holds).not.toBeNull();
    expect(a.effects[1].changes).toEqual([]);
    expect(a.final.find((f) => f.ally === 'CCC')!.netChange).toBeCloseTo(aaa.netChange!, 9);
  });

  it('refuses a decision that repeats a change already in force, naming the decisions file and line', () => {
    expect(() => playExercise(exercise, decisions('more'), context, { robustness: false })).toThrow(/^d\.yaml:6: decision "spend_again" applies option "more", whose change .* is already in force/);
  });
});
