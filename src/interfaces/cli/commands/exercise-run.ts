// The work of allies exercise list | show | validate | play | report | compare (defined in
// exercise.ts), imported when one of them runs.
import path from 'node:path';
import { loadSourceRegistry } from '../../../evidence/sources.ts';
import {
  assembleAfterAction, assembleComparison, builtInExerciseFiles, CURATED_DIR, loadDecisions, loadExercise, playExercise, readExercise,
  renderAfterActionMarkdown, writeReport,
} from '../../../exercises/index.ts';
import type { Exercise, LoadOptions, PlayOptions } from '../../../exercises/index.ts';
import type { ReportFormat } from '../../../reports/formats.ts';
import { printJson, printText } from '../format.ts';
import type { InputOptions } from './options.ts';

interface PlayInputs extends InputOptions {
  out?: string;
  format?: ReportFormat[];
  draws?: number;
  seed?: number;
  robustness: boolean;
}

interface PlayCommandOptions extends PlayInputs {
  decisions: string;
}

function loadOptions(opts: InputOptions): LoadOptions {
  return {
    evidenceDir: path.resolve(opts.evidence),
    methodologyFile: opts.method ? path.resolve(opts.method) : undefined,
    judgmentsFile: opts.judgments ? path.resolve(opts.judgments) : undefined,
  };
}

function playOptions(opts: PlayInputs): PlayOptions {
  return { draws: opts.draws, seed: opts.seed, robustness: opts.robustness };
}

function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export async function exerciseList(opts: { json?: boolean }): Promise<void> {
  const rows = [];
  for (const { name, file } of await builtInExerciseFiles()) {
    const x = (await readExercise(file)).data;
    rows.push({ name, title: x.title, year: x.start.year, scenario: x.start.scenario ?? null, teams: x.teams.map((t) => t.id), moves: x.moves.length, injects: x.injects.length, decisions: x.decisions.length });
  }
  if (opts.json) return printJson(rows);
  printText(rows.map((r) => `${r.name}: ${r.title} (${r.year}${r.scenario ? `, from ${r.scenario}` : ''}); teams ${r.teams.join(', ')}; ${r.moves} moves, ${r.injects} injects, ${r.decisions} decision prompts`).join('\n') + '\n');
}

function showText(x: Exercise): string {
  const out = [`${x.title} (${x.id}, ${x.origin})`, '', x.narrative, '', `Start: ${x.year}${x.base ? `, scenario ${x.base.id}` : ', baseline'}`, '', 'Teams:'];
  for (const t of x.teams) out.push(`  ${t.id} ${t.name}${t.role === 'control' ? ' (control cell)' : ''}${t.countries.length ? ` [${t.countries.join(', ')}]` : ''}`);
  x.moves.forEach((m, k) => {
    out.push('', `Move ${k + 1} (${m.id}): ${m.title}, ${m.date}`);
    for (const i of x.injects.filter((j) => j.move === m.id)) out.push(`  inject ${i.id} at ${i.time} → ${i.recipients.join(', ')}: ${i.text.trim()} [${i.sources.map((c) => c.source).join(', ')}]`);
    for (const p of x.prompts.filter((q) => q.move === m.id)) {
      out.push(`  decision ${p.id} (${p.team}): ${p.question}`);
      for (const o of p.options) out.push(`    ${o.id}: ${o.label}${o.changes.length ? ` — ${o.changes.map((c) => c.label).join('; ')}` : ' — no ledger change'}`);
    }
  });
  return out.join('\n') + '\n';
}

export async function exerciseShow(nameOrFile: string, opts: InputOptions): Promise<void> {
  const { exercise } = await loadExercise(nameOrFile, loadOptions(opts));
  printText(showText(exercise));
}

export async function exerciseValidate(nameOrFile: string, opts: InputOptions & { decisions?: string[] }): Promise<void> {
  const { exercise } = await loadExercise(nameOrFile, loadOptions(opts));
  const lines = [`${exercise.origin}: valid (${exercise.teams.length} teams, ${exercise.moves.length} moves, ${exercise.injects.length} injects, ${exercise.prompts.length} decision prompts, ${exercise.prompts.reduce((s, p) => s + p.options.length, 0)} options)`];
  for (const file of opts.decisions ?? []) {
    const play = await loadDecisions(file, exercise);
    lines.push(`${play.file}: valid (branch ${play.branch}, ${play.decisions.length} decisions)`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

async function played(nameOrFile: string, decisionFiles: readonly string[], opts: PlayInputs) {
  const { exercise, context } = await loadExercise(nameOrFile, loadOptions(opts));
  const plays = [];
  for (const f of decisionFiles) plays.push(await loadDecisions(f, exercise));
  const registry = await loadSourceRegistry(CURATED_DIR);
  return { results: plays.map((p) => playExercise(exercise, p, context, playOptions(opts))), registry };
}

async function written(files: string[]): Promise<void> {
  process.stdout.write(files.map((f) => `  ${shown(f)}`).join('\n') + '\n');
}

export async function exercisePlay(nameOrFile: string, opts: PlayCommandOptions): Promise<void> {
  const { results: [result], registry } = await played(nameOrFile, [opts.decisions], opts);
  const report = assembleAfterAction(result, registry);
  if (!opts.out) {
    if (opts.format) throw new Error('--format needs --out (the folder to write the files into)');
    process.stdout.write(renderAfterActionMarkdown(report));
    return;
  }
  await written(await writeReport(report, opts.out, opts.format ?? ['md']));
}

export async function exerciseReport(nameOrFile: string, opts: PlayCommandOptions & { out: string }): Promise<void> {
  const { results: [result], registry } = await played(nameOrFile, [opts.decisions], opts);
  await written(await writeReport(assembleAfterAction(result, registry), opts.out, opts.format ?? ['md', 'html']));
}

export async function exerciseCompare(nameOrFile: string, opts: PlayInputs & { decisions: string[] }): Promise<void> {
  if (opts.decisions.length < 2) throw new Error('compare needs at least two decisions files: --decisions A.yaml --decisions B.yaml');
  const { results } = await played(nameOrFile, opts.decisions, opts);
  const report = assembleComparison(results);
  if (!opts.out) {
    if (opts.format) throw new Error('--format needs --out (the folder to write the files into)');
    process.stdout.write(renderAfterActionMarkdown(report));
    return;
  }
  await written(await writeReport(report, opts.out, opts.format ?? ['md'], { md: 'comparison.md', html: 'comparison.html', pdf: 'comparison.pdf' }));
}
