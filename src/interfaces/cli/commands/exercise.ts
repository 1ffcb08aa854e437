// allies exercise list | show | validate | play | report | compare: table-top exercises on the
// alliance (src/exercises), played from files: an exercise file (teams, moves, injects,
// decision prompts whose options are scenario changes) and a decisions file per branch
// (options chosen, rationales, adjudications, hot-wash issues). A bad file stops with an
// error naming file, line and field (exit 1). The definitions only: the work is in
// exercise-run.ts, imported when a command runs.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { REPORT_FORMATS } from '../../../reports/formats.ts';
import type { ReportFormat } from '../../../reports/formats.ts';
import { integer, withInputs } from './options.ts';
import type * as Run from './exercise-run.ts';

const run = () => import('./exercise-run.ts');

function formats(value: string, previous: ReportFormat[] = []): ReportFormat[] {
  const asked = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = asked.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length) throw new InvalidArgumentError(`--format ${bad.join(',')}: choose from ${REPORT_FORMATS.join(', ')} (several: --format md,html,pdf)`);
  return [...new Set([...previous, ...(asked as ReportFormat[])])];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function withPlay(command: Command): Command {
  return withInputs(command, 'your judgments, laid over judgments/default.yaml')
    .option('--draws <n>', 'robustness draws per ledger (default 200)', integer('--draws', 1, 100_000))
    .option('--seed <n>', 'seed of the draws (default 1)', integer('--seed', 0, 2 ** 31 - 1))
    .option('--no-robustness', 'no robustness draws');
}

export function registerExerciseCommands(program: Command): void {
  const exercise = program.command('exercise')
    .description('crisis exercises on the alliance: teams, moves, injects and decisions, with the ledger as the scoreboard and an after-action report');

  exercise.command('list')
    .description('list the built-in exercises (exercises/*.yaml)')
    .option('--json', 'print JSON')
    .action(async (...args: Parameters<typeof Run.exerciseList>) => (await run()).exerciseList(...args));

  withInputs(exercise.command('show')
    .description('show an exercise: narrative, teams, moves with their injects and decision prompts, each option\'s changes')
    .argument('<name-or-file>', 'a built-in name (allies exercise list) or the path of an exercise file'))
    .action(async (...args: Parameters<typeof Run.exerciseShow>) => (await run()).exerciseShow(...args));

  withInputs(exercise.command('validate')
    .description('check an exercise file (and decisions files for it) against the schema, itself, the source registry and the evidence')
    .argument('<name-or-file>', 'a built-in name or the path of an exercise file')
    .option('--decisions <file>', 'a decisions file to check too (repeatable)', collect))
    .action(async (...args: Parameters<typeof Run.exerciseValidate>) => (await run()).exerciseValidate(...args));

  withPlay(exercise.command('play')
    .description('play a decisions file through the exercise: the after-action report in Markdown on standard output, or into --out')
    .argument('<name-or-file>', 'a built-in name or the path of an exercise file')
    .requiredOption('--decisions <file>', 'the decisions file (per move and team: option, rationale, adjudication, issues)')
    .option('--out <dir>', 'write after-action.md (and --format) into this folder instead')
    .option('--format <formats>', `with --out: ${REPORT_FORMATS.join(', ')}, comma-separated (default md; the PDF needs Chromium)`, formats))
    .action(async (...args: Parameters<typeof Run.exercisePlay>) => (await run()).exercisePlay(...args));

  withPlay(exercise.command('report')
    .description('write the after-action report of a decisions file as Markdown, HTML and PDF')
    .argument('<name-or-file>', 'a built-in name or the path of an exercise file')
    .requiredOption('--decisions <file>', 'the decisions file')
    .requiredOption('--out <dir>', 'folder for after-action.md, after-action.html, after-action.pdf')
    .option('--format <formats>', `${REPORT_FORMATS.join(', ')}, comma-separated (default md,html)`, formats))
    .action(async (...args: Parameters<typeof Run.exerciseReport>) => (await run()).exerciseReport(...args));

  withPlay(exercise.command('compare')
    .description('branches of the same exercise side by side: ledger effects per decision and the final state per ally')
    .argument('<name-or-file>', 'a built-in name or the path of an exercise file')
    .requiredOption('--decisions <file>', 'a decisions file, once per branch (at least two)', collect)
    .option('--out <dir>', 'write comparison.md (and --format) into this folder instead of standard output')
    .option('--format <formats>', `with --out: ${REPORT_FORMATS.join(', ')} (default md)`, formats))
    .action(async (...args: Parameters<typeof Run.exerciseCompare>) => (await run()).exerciseCompare(...args));
}
