// The built-in exercises played from their example decisions files through the scenario
// engine on the built evidence: valid, deterministic (same inputs, byte-identical report),
// each decision's effect adds up to the exercise's, adjudications apply, branches compare,
// reports are written whole.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSourceRegistry } from '../../src/evidence/sources.ts';
import type { Source } from '../../src/evidence/schema.ts';
import {
  assembleAfterAction, assembleComparison, builtInExerciseFiles, CURATED_DIR, loadDecisions, loadExercise, playExercise,
  renderAfterActionHtml, renderAfterActionMarkdown, writeReport,
} from '../../src/exercises/index.ts';
import type { Exercise, PlayResult } from '../../src/exercises/index.ts';
import type { ScenarioContext } from '../../src/scenarios/index.ts';
import { run } from '../../src/interfaces/cli/main.ts';
import { findChromium } from '../../src/reports/pdf.ts';
import { pageCount } from '../../src/reports/pdf-pages.ts';

const DECISIONS = path.resolve('exercises/decisions');
const DRAWS = { draws: 60, seed: 7 };
let registry: Source[];
const loaded = new Map<string, { exercise: Exercise; context: ScenarioContext }>();

async function exercise(name: string) {
  if (!loaded.has(name)) loaded.set(name, await loadExercise(name));
  return loaded.get(name)!;
}

async function play(name: string, decisions: string, options = DRAWS): Promise<PlayResult> {
  const { exercise: x, context } = await exercise(name);
  return playExercise(x, await loadDecisions(path.join(DECISIONS, decisions), x), context, options);
}

beforeAll(async () => {
  registry = await loadSourceRegistry(CURATED_DIR);
});

describe('the built-in exercises', () => {
  it('are valid, have at least three moves, and every inject cites a registered source', async () => {
    const files = await builtInExerciseFiles();
    expect(files.map((f) => f.name)).toEqual(['linked-crises-simulation', 'taiwan-strait-ttx']);
    const ids = new Set(registry.map((s) => s.id));
    for (const f of files) {
      const { exercise: x } = await exercise(f.name);
      expect(x.moves.length).toBeGreaterThanOrEqual(3);
      for (const inj of x.injects) {
        expect(inj.sources.length).toBeGreaterThan(0);
        for (const c of inj.sources) expect(ids.has(c.source), `${x.id} ${inj.id} cites ${c.source}`).toBe(true);
      }
      // Every option is a choice that can move the ledger: each prompt has an option with changes.
      for (const p of x.prompts) expect(p.options.some((o) => o.changes.length > 0), `${x.id} ${p.id}`).toBe(true);
    }
    expect((await exercise('linked-crises-simulation')).exercise.teams.map((t) => t.id)).toEqual(['usa', 'jpn', 'aus', 'control']);
  });

  it('give the same after-action report twice for each scripted play', async () => {
    for (const [name, decisions] of [['taiwan-strait-ttx', 'taiwan-strait-ttx-resolve.yaml'], ['linked-crises-simulation', 'linked-crises-simulation-trilateral.yaml']]) {
      const a = renderAfterActionMarkdown(assembleAfterAction(await play(name, decisions), registry));
      const b = renderAfterActionMarkdown(assembleAfterAction(await play(name, decisions), registry));
      expect(a).toBe(b);
      expect(renderAfterActionHtml(assembleAfterAction(await play(name, decisions), registry))).toBe(renderAfterActionHtml(assembleAfterAction(await play(name, decisions), registry)));
      expect(a).toContain('## Timeline of injects and decisions');
      expect(a).toContain('## Hot wash: issues raised');
      expect(a).not.toMatch(/\/work\/|\d{4}-\d\d-\d\dT\d\d:/);
    }
  });
});

describe('a scripted play', () => {
  it('credits each decision with its own effect: the effects add up to the exercise\'s', async () => {
    const r = await play('taiwan-strait-ttx', 'taiwan-strait-ttx-resolve.yaml');
    const jpn = r.final.find((f) => f.ally === 'JPN')!;
    const sum = r.effects.flatMap((e) => e.allies.filter((a) => a.ally === 'JPN')).reduce((s, a) => s + (a.netChange ?? 0), 0);
    expect(sum).toBeCloseTo(jpn.end.net! - jpn.start.net!, 6);
    const spending = r.effects.find((e) => e.decision.prompt.id === 'jpn_spending')!;
    const japan = spending.allies.find((a) => a.ally === 'JPN')!;
    expect(japan.netChange).toBeGreaterThan(0);
    expect(japan.holds).toBeGreaterThan(0.9);
    // Decisions whose option changes nothing move nothing.
    expect(r.effects.find((e) => e.decision.prompt.id === 'jpn_bases')!.changes).toEqual([]);
  });

  it('applies adjudications: an amendment applies the other option, an overruled decision nothing', async () => {
    const r = await play('taiwan-strait-ttx', 'taiwan-strait-ttx-hedging.yaml');
    const bases = r.effects.find((e) => e.decision.prompt.id === 'jpn_bases')!;
    expect(bases.decision.chosen.id).toBe('grant_limited');
    expect(bases.decision.applied?.id).toBe('deny');
    expect(bases.allies.find((a) => a.ally === 'JPN')!.netChange).toBeLessThan(0);
    const repairs = r.effects.find((e) => e.decision.prompt.id === 'usa_repairs')!;
    expect(repairs.decision.applied).toBeNull();
    expect(repairs.allies).toEqual([]);
    const md = renderAfterActionMarkdown(assembleAfterAction(r, registry));
    expect(md).toContain('| m3 | United States | usa\\_repairs | japanese\\_yards | overrule | nothing |');
  });

  it('sets two branches side by side', async () => {
    const a = await play('taiwan-strait-ttx', 'taiwan-strait-ttx-resolve.yaml');
    const b = await play('taiwan-strait-ttx', 'taiwan-strait-ttx-hedging.yaml');
    const md = renderAfterActionMarkdown(assembleComparison([a, b]));
    expect(md).toContain('allied-resolve: applies');
    expect(md).toContain('tokyo-hedges: applies');
    const japan = md.split('\n').find((l) => l.startsWith('| Japan (JPN) |'))!;
    const diff = (b.all.find((f) => f.ally === 'JPN')!.end.net! - a.all.find((f) => f.ally === 'JPN')!.end.net!);
    expect(diff).toBeLessThan(0);
    expect(japan).toContain(`−${Math.abs(diff).toFixed(1)}`);
    expect(() => assembleComparison([a, a])).toThrow(/given twice/);
  });

  it('writes the report files whole, leaving no temporary file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aar-'));
    try {
      const r = await play('linked-crises-simulation', 'linked-crises-simulation-trilateral.yaml', { draws: 20, seed: 1 });
      const files = await writeReport(assembleAfterAction(r, registry), dir, ['md', 'html']);
      expect(files.map((f) => path.basename(f))).toEqual(['after-action.md', 'after-action.html']);
      expect((await readdir(dir)).sort()).toEqual(['after-action.html', 'after-action.md']);
      const htmlText = await readFile(path.join(dir, 'after-action.html'), 'utf8');
      expect(htmlText).toMatch(/^<!DOCTYPE html>/);
      expect(htmlText).toContain('<h2 id="hot-wash">');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the PDF', () => {
  const chromium = ((): string | null => {
    try {
      return findChromium();
    } catch {
      return null;
    }
  })();
  it.skipIf(chromium === null)('is printed through the report pipeline\'s renderPdf (Chromium page.pdf)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aar-pdf-'));
    try {
      const r = await play('taiwan-strait-ttx', 'taiwan-strait-ttx-hedging.yaml', { draws: 20, seed: 1 });
      const [file] = await writeReport(assembleAfterAction(r, registry), dir, ['pdf']);
      const pdf = await readFile(file);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pageCount(pdf)).toBeGreaterThan(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('allies exercise (CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'exercise-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stops with exit code 1 and names file, line and field for a bad exercise file', async () => {
    const text = (await readFile('exercises/taiwan-strait-ttx.yaml', 'utf8')).replace('move: m3\n    time: "D+6"', 'move: m9\n    time: "D+6"');
    const file = path.join(dir, 'bad.yaml');
    await (await import('node:fs/promises')).writeFile(file, text);
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      errors.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await run(['exercise', 'validate', file])).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    const line = text.split('\n').findIndex((l) => l.includes('move: m9')) + 1;
    expect(errors.join('')).toContain(`bad.yaml:${line}: field "injects.4.move": inject "munitions_shortfall" is for a move that does not exist`);
  });
});
