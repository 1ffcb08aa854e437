// Run a scenario and diff every ally's ledger against the baseline at the horizon: which
// line items moved, by how much, and which change moved them. Attribution is sequential in
// application order: a ledger is computed after each change, and a change is credited with
// what moved between the ledger before it and the ledger after it, so the causes of a line
// add up exactly to its total movement. Robustness draws run on both ledgers. Pure.
import type { Evidence } from '../evidence/load.ts';
// The engine's pure modules, not its index (which also exports its Node edges): this file runs in browsers.
import type { Judgment } from '../method/judgments.ts';
import { computeLedger, latestYear } from '../method/ledger.ts';
import { alliesOfYear } from '../method/membership.ts';
import type { AllyLedger, LedgerLine, YearLedger } from '../method/ledger.ts';
import type { Methodology } from '../method/methodology.ts';
import { quantileSorted } from '../method/normalize.ts';
import { drawSettingsOf, drawTrace, runRobustness, scoreMatrix } from '../method/robustness.ts';
import type { AllyRobustness, DrawSettings, DrawTrace, RobustnessResult, ScoreMatrix } from '../method/robustness.ts';
import { CONVERTED, LINKS, applyChanges, linkedIndicators, makeWorld, measureIndicators, orderChanges } from './apply.ts';
import type { ChangeEffect, ScenarioChange, World } from './apply.ts';
import { DEFAULT_ASSUMPTIONS, describeBaseline, projectBaseline } from './baseline.ts';
import type { Baseline, BaselineAssumptions } from './baseline.ts';
import type { Scenario } from './load.ts';
import type { Citation } from './schema.ts';

/** Movements smaller than this (points, scores, relative raw values) are rounding, not change. */
export const EPSILON = 1e-9;

export interface RobustnessOptions {
  draws?: number;
  seed?: number;
  /** Draw data and judgments within their ranges (default: as the methodology says). */
  data?: boolean;
  judgments?: boolean;
}

export interface RunOptions {
  /** The evidence as built (the scenario lays its changes over it). */
  evidence: Evidence;
  methodology: Methodology;
  judgments: readonly Judgment[];
  /** Today's ledger year (default: the methodology's latest year). */
  present?: number;
  assumptions?: BaselineAssumptions;
  /** false: no robustness draws. */
  robustness?: RobustnessOptions | false;
  /** A baseline prepared earlier for the same horizon (runs of several scenarios share it). */
  baseline?: PreparedBaseline;
}

/** The baseline world and its ledger at one horizon. */
export interface PreparedBaseline {
  baseline: Baseline;
  world: World;
  ledger: YearLedger;
  robustness: TracedRun | null;
}

/** Indicators a baseline must project for changes to act on: the methodology's, and every linked or converted one. */
function projectedIndicators(changes: readonly ScenarioChange[]): string[] {
  const out = new Set<string>([...Object.keys(LINKS), ...Object.values(LINKS).flat().map((l) => l.indicator), ...CONVERTED]);
  for (const { spec } of changes) {
    if ('indicator' in spec && typeof spec.indicator === 'string') out.add(spec.indicator);
    if (spec.kind === 'exchange_rate') for (const id of spec.indicators ?? []) out.add(id);
  }
  return [...out].sort();
}

/** One robustness run to make: what the engine's runRobustness (or a worker pool) takes. */
export interface RobustnessJob {
  matrix: ScoreMatrix;
  settings: DrawSettings;
  interval: number;
  /** Every ranked ally's net and rank in every draw, to pair the run with another (null above PAIRED_MAX_DRAWS). */
  trace: DrawTrace | null;
}

/** A robustness run and what pairs it with another draw by draw. */
export interface TracedRun {
  result: RobustnessResult;
  job: RobustnessJob;
}

/** Runs up to this many draws are traced and paired draw by draw (10 bytes a draw and ally). */
export const PAIRED_MAX_DRAWS = 100_000;

export function robustnessJob(ledger: YearLedger, methodology: Methodology, options: RobustnessOptions = {}): RobustnessJob {
  // A scenario's diff reads totals, ranks and P(net > 0), never score intervals: no score histograms.
  const settings = drawSettingsOf(methodology.robustness, {
    scores: false,
    ...(options.draws !== undefined ? { draws: options.draws } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.data !== undefined ? { data: options.data } : {}),
    ...(options.judgments !== undefined ? { judgments: options.judgments } : {}),
  });
  const matrix = scoreMatrix(ledger, methodology);
  const trace = settings.draws <= PAIRED_MAX_DRAWS ? drawTrace([...matrix.allies.keys()], settings.draws) : null;
  return { matrix, settings, interval: methodology.robustness.interval, trace };
}

function robustnessOf(ledger: YearLedger, methodology: Methodology, options: RobustnessOptions | false | undefined): TracedRun | null {
  if (options === false) return null;
  const job = robustnessJob(ledger, methodology, options);
  return { result: runRobustness(job.matrix, job.settings, job.interval, job.trace), job };
}

/** The two runs a result's robustness needs, for callers that run them elsewhere (threads). */
export function robustnessJobs(result: ScenarioResult, options: RobustnessOptions = {}): { before: RobustnessJob; after: RobustnessJob } {
  return {
    before: robustnessJob(result.ledgers.before, result.methodologies.before, options),
    after: robustnessJob(result.ledgers.after, result.methodologies.after, options),
  };
}

/** The result with robustness runs made elsewhere (each job's trace filled by its run). */
export function withRobustness(result: ScenarioResult, before: TracedRun, after: TracedRun): ScenarioResult {
  return { ...result, robustness: robustnessDiff(before, after, result.ledgers.after, result.diff) };
}

function ledgerOf(world: World): YearLedger {
  return computeLedger({ evidence: world.evidence, methodology: world.methodology, judgments: world.judgments }, world.year);
}

/** Project the evidence to `year` and compute the baseline ledger (and its robustness). */
export function prepareBaseline(options: RunOptions, year: number, changes: readonly ScenarioChange[] = []): PreparedBaseline {
  const present = options.present ?? latestYear({ evidence: options.evidence, methodology: options.methodology });
  const baseline = projectBaseline(options.evidence, options.methodology, {
    year, present, assumptions: options.assumptions ?? DEFAULT_ASSUMPTIONS, extraIndicators: projectedIndicators(changes),
    extraCountries: [...new Set(changes.flatMap((c) => c.countries))],
  });
  const world = makeWorld({
    base: options.evidence, overlay: baseline.overlay, methodology: options.methodology, judgments: options.judgments, year,
    // The allies of the scenario's year (treaty allies, MNNA, Taiwan): partners are rated by no event.
    allies: alliesOfYear(options.evidence, year),
  });
  const ledger = ledgerOf(world);
  return { baseline, world, ledger, robustness: robustnessOf(ledger, options.methodology, options.robustness) };
}

/** A line item's state in one ledger. */
export interface LineState {
  raw: number | null;
  score: number | null;
  weight: number;
  contribution: number | null;
  rank: number | null;
  missing: boolean;
}

/** What one change did to a line, or to an ally's totals. */
export interface Cause {
  ref: string;
  label: string;
  /** Change of the raw value (null when it went missing or appeared). */
  raw: number | null;
  score: number | null;
  /** Change in points of the side's total. */
  contribution: number;
}

export interface LineDiff {
  item: string;
  label: string;
  side: 'asset' | 'liability';
  group: string;
  unit: string;
  before: LineState;
  after: LineState;
  /**
   * value: the ally's own raw value moved; score: only its score, because other allies'
   * values moved (normalization is across allies); weight: only its weight or share.
   */
  how: 'value' | 'score' | 'weight';
  causes: Cause[];
}

export interface Totals {
  assets: number | null;
  liabilities: number | null;
  net: number | null;
  rank: number | null;
}

export interface AllyDiff {
  ally: string;
  name: string;
  region: string | null;
  before: Totals;
  after: Totals;
  /** Change of the net, by change (adds up to after.net - before.net). */
  causes: { ref: string; label: string; net: number }[];
  /** True when a value of the ally's own moved (not only its scores, through others). */
  direct: boolean;
  lines: LineDiff[];
}

export interface AppliedChange {
  ref: string;
  scenario: string;
  kind: string;
  label: string;
  rationale: string;
  citations: Citation[];
  origin: string;
  effect: ChangeEffect;
}

export interface RobustnessSummary {
  modalRank: number;
  rankInterval: [number, number];
  /** Probability of the rank the ally holds in the scenario's ledger, or better. */
  pRankOrBetter: number;
  pNetPositive: number;
  net: { median: number; low: number; high: number };
}

export interface RobustnessDiff {
  draws: number;
  seed: number;
  interval: number;
  data: boolean;
  judgments: boolean;
  /** Share of draws in which the whole ranking equals that ledger's own ranking. */
  pSameOrder: { before: number; after: number };
  allies: { ally: string; before: RobustnessSummary | null; after: RobustnessSummary | null }[];
  /**
   * Draw by draw: the two runs share the seed and consume the random numbers alike, so draw d
   * of the scenario is draw d of the baseline with the scenario's changes made; for each ally
   * whose own values changed (when none did, as with weight changes, the five that moved
   * most), how often its net rose and its rank improved. Null, with the
   * reason in `unpaired`, when the runs cannot be paired.
   */
  paired: PairedAlly[] | null;
  unpaired: string | null;
}

/** One ally's change from the baseline to the scenario across paired draws. */
export interface PairedAlly {
  ally: string;
  /** Shares of draws in which the scenario raised, or lowered, the ally's net. */
  pNetUp: number;
  pNetDown: number;
  /** The change of the net (points): median and central interval. */
  netChange: { median: number; low: number; high: number };
  /** Shares of draws in which the ally's rank improved, held, worsened. */
  pRankUp: number;
  pRankSame: number;
  pRankDown: number;
  /** Places gained (positive) or lost: median and central interval. */
  rankChange: { median: number; low: number; high: number };
}

export interface ScenarioResult {
  scenario: { id: string; title: string; description: string; horizon: number; parts: string[]; origin: string; sources: Citation[] };
  /** The year compared (the horizon) and today's ledger year. */
  year: number;
  present: number;
  /** What the scenario is compared with. */
  reference: { kind: 'baseline' } | { kind: 'scenario'; id: string; title: string };
  baseline: { assumptions: BaselineAssumptions; description: string[] };
  /** In application order. */
  changes: AppliedChange[];
  /** Allies whose ledger moved: directly hit first, then by |change of net|. */
  diff: AllyDiff[];
  /** Allies whose rank changed. */
  ranks: { ally: string; name: string; before: number | null; after: number | null }[];
  /** Allies whose values a change set but whose ledger did not move, and why (the lines that read those values held still). */
  unmoved: UnmovedAlly[];
  robustness: RobustnessDiff | null;
  ledgers: { before: YearLedger; after: YearLedger };
  /** The methodologies of the two ledgers (weight and event changes alter the scenario's). */
  methodologies: { before: Methodology; after: Methodology };
}

export interface UnmovedAlly {
  ally: string;
  name: string;
  /** The indicators the scenario changed for the ally (linked ones included). */
  indicators: string[];
  /** The ally's lines that read them, with their value (the same before and after). */
  lines: { item: string; label: string; raw: number | null }[];
  text: string;
}

/**
 * Allies a data change touched whose ledger did not move: say which lines read the changed
 * values and that they held (a line floored at zero, a value a fallback never reaches), so
 * that an empty diff is an answer rather than a puzzle.
 */
export function unmovedAllies(order: readonly ScenarioChange[], diff: readonly AllyDiff[], after: YearLedger, methodology: Methodology): UnmovedAlly[] {
  const moved = new Set(diff.map((d) => d.ally));
  const touched = new Map<string, Set<string>>();
  for (const c of order) {
    const indicator = 'indicator' in c.spec ? c.spec.indicator : undefined;
    if (!indicator) continue;
    for (const country of c.countries) {
      if (moved.has(country)) continue;
      const set = touched.get(country) ?? new Set<string>();
      set.add(indicator);
      for (const id of linkedIndicators([indicator])) set.add(id);
      touched.set(country, set);
    }
  }
  const out: UnmovedAlly[] = [];
  for (const [ally, set] of [...touched].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ledger = after.allies.find((a) => a.ally === ally);
    if (!ledger) continue;
    const indicators = [...set].sort();
    const reading = methodology.items.filter((item) => measureIndicators(item.measure).some((id) => set.has(id))).map((item) => item.id);
    const lines = ledger.lines.filter((l) => reading.includes(l.item)).map((l) => ({ item: l.item, label: l.label, raw: l.raw }));
    const text = lines.length
      ? `${ledger.name} (${ally}): the changed values (${indicators.join(', ')}) enter ${lines.map((l) => `"${l.label}"`).join(', ')}, which held at ${lines.map((l) => (l.raw === null ? 'missing' : String(Math.round(l.raw * 100) / 100))).join(', ')}: no line of its ledger moved${lines.some((l) => l.raw === 0) ? ' (a line at 0 is floored: what the ally already contributes covers what the line measures)' : ''}.`
      : `${ledger.name} (${ally}): no line of the methodology reads the changed values (${indicators.join(', ')}), so its ledger did not move.`;
    out.push({ ally, name: ledger.name, indicators, lines, text });
  }
  return out;
}

function stateOf(line: LedgerLine): LineState {
  return { raw: line.raw, score: line.score, weight: line.weight, contribution: line.contribution, rank: line.rank, missing: line.missing };
}

function differs(a: number | null, b: number | null, relative = false): boolean {
  if (a === null || b === null) return a !== b;
  const scale = relative ? Math.max(1, Math.abs(a), Math.abs(b)) : 1;
  return Math.abs(a - b) > EPSILON * scale;
}

function delta(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : b - a;
}

function lineMoved(a: LedgerLine, b: LedgerLine): boolean {
  return differs(a.raw, b.raw, true) || differs(a.score, b.score) || differs(a.contribution, b.contribution) || differs(a.weight, b.weight) || a.missing !== b.missing;
}

function totalsOf(l: AllyLedger): Totals {
  return { assets: l.assets, liabilities: l.liabilities, net: l.net, rank: l.rank };
}

/**
 * Diff two ledgers of the same allies and items; `steps` are the ledgers after each change
 * (steps[0] = before, steps[n] = after) for the attribution.
 */
export function diffLedgers(steps: readonly YearLedger[], changes: readonly ScenarioChange[]): { diff: AllyDiff[]; ranks: ScenarioResult['ranks'] } {
  const before = steps[0];
  const after = steps[steps.length - 1];
  const diff: AllyDiff[] = [];
  before.allies.forEach((b, a) => {
    const f = after.allies[a];
    const lines: LineDiff[] = [];
    b.lines.forEach((lb, k) => {
      const la = f.lines[k];
      if (!lineMoved(lb, la)) return;
      const causes: Cause[] = [];
      for (let i = 1; i < steps.length; i++) {
        const p = steps[i - 1].allies[a].lines[k];
        const q = steps[i].allies[a].lines[k];
        if (!lineMoved(p, q)) continue;
        causes.push({ ref: changes[i - 1].ref, label: changes[i - 1].label, raw: delta(p.raw, q.raw), score: delta(p.score, q.score), contribution: (q.contribution ?? 0) - (p.contribution ?? 0) });
      }
      const how = differs(lb.raw, la.raw, true) || lb.missing !== la.missing ? 'value' : differs(lb.score, la.score) ? 'score' : 'weight';
      lines.push({ item: lb.item, label: lb.label, side: lb.side, group: lb.group, unit: lb.unit, before: stateOf(lb), after: stateOf(la), how, causes });
    });
    const netMoved = differs(b.net, f.net) || differs(b.assets, f.assets) || differs(b.liabilities, f.liabilities) || b.rank !== f.rank;
    if (lines.length === 0 && !netMoved) return;
    const causes: AllyDiff['causes'] = [];
    for (let i = 1; i < steps.length; i++) {
      const p = steps[i - 1].allies[a];
      const q = steps[i].allies[a];
      const dn = (q.net ?? 0) - (p.net ?? 0);
      if (Math.abs(dn) > EPSILON || p.rank !== q.rank) causes.push({ ref: changes[i - 1].ref, label: changes[i - 1].label, net: dn });
    }
    diff.push({ ally: b.ally, name: b.name, region: b.region, before: totalsOf(b), after: totalsOf(f), causes, direct: lines.some((l) => l.how === 'value'), lines });
  });
  diff.sort((x, y) => Number(y.direct) - Number(x.direct)
    || Math.abs((y.after.net ?? 0) - (y.before.net ?? 0)) - Math.abs((x.after.net ?? 0) - (x.before.net ?? 0))
    || (x.ally < y.ally ? -1 : 1));
  const ranks = before.allies
    .map((b, a) => ({ ally: b.ally, name: b.name, before: b.rank, after: after.allies[a].rank }))
    .filter((r) => r.before !== r.after)
    .sort((x, y) => (x.after ?? Infinity) - (y.after ?? Infinity) || (x.ally < y.ally ? -1 : 1));
  return { diff, ranks };
}

function summaryOf(r: AllyRobustness | undefined, rank: number | null): RobustnessSummary | null {
  if (!r) return null;
  const target = rank ?? r.baseline.rank;
  return {
    modalRank: r.modalRank,
    rankInterval: r.rankInterval,
    pRankOrBetter: r.rankProbabilities.slice(0, target).reduce((s, p) => s + p, 0),
    pNetPositive: r.pNetPositive,
    net: { median: r.net.median, low: r.net.low, high: r.net.high },
  };
}

function robustnessDiff(before: TracedRun | null, after: TracedRun | null, afterLedger: YearLedger, diff: readonly AllyDiff[]): RobustnessDiff | null {
  if (!before || !after) return null;
  const b = before.result, a = after.result;
  const rankAfter = new Map(afterLedger.allies.map((l) => [l.ally, l.rank]));
  const find = (r: RobustnessResult, ally: string) => r.allies.find((x) => x.ally === ally);
  const unpaired = unpairable(before.job, after.job);
  return {
    draws: a.draws, seed: a.seed, interval: a.interval, data: a.data, judgments: a.judgments,
    pSameOrder: { before: b.pSameOrder, after: a.pSameOrder },
    // "Or better" is measured against the scenario's rank in both, so the two read as one question.
    allies: diff.map((d) => d.ally).map((ally) => ({ ally, before: summaryOf(find(b, ally), rankAfter.get(ally) ?? null), after: summaryOf(find(a, ally), rankAfter.get(ally) ?? null) })),
    paired: unpaired === null ? pairedAllies(before.job, after.job, pairedFor(diff), a.interval) : null,
    unpaired,
  };
}

/** The allies paired: those whose own values changed, else the five that moved most (the diff is in that order). */
export function pairedFor(diff: readonly AllyDiff[]): string[] {
  const direct = diff.filter((d) => d.direct);
  return (direct.length ? direct : diff.slice(0, 5)).map((d) => d.ally);
}

/**
 * Why two runs cannot be paired draw by draw, or null when they can: they must make the same
 * draws (count, seed, schemes) and consume the random stream alike, which holds when the
 * same line items have ranges on the same number of values (a Dirichlet's gamma draws
 * also need the same default weights).
 */
export function unpairable(x: RobustnessJob, y: RobustnessJob): string | null {
  if (!x.trace || !y.trace) return `runs of more than ${PAIRED_MAX_DRAWS.toLocaleString('en-US')} draws are not paired draw by draw`;
  if (JSON.stringify(x.settings) !== JSON.stringify(y.settings)) return 'the two runs draw differently (settings differ)';
  const p = x.matrix, q = y.matrix;
  if (p.m !== q.m || p.items.join() !== q.items.join()) return 'the scenario changes the line items';
  if (x.settings.weights.kind === 'dirichlet' && p.weights.some((w, k) => w !== q.weights[k])) return 'Dirichlet weight draws around different weights do not pair';
  const drawn = (m: ScoreMatrix) => m.uncertain
    .filter((u) => (u.kind === 'data' ? x.settings.data : x.settings.judgments))
    .map((u) => `${u.item}:${u.value.reduce((c, v, j) => c + (!Number.isNaN(v) && u.high[j] > u.low[j] ? 1 : 0), 0)}`).join();
  if (drawn(p) !== drawn(q)) return 'the scenario changes which values have ranges, so the two runs draw different random numbers';
  return null;
}

/** Paired changes of the given allies (those ranked in both runs), from the two traces. */
function pairedAllies(x: RobustnessJob, y: RobustnessJob, allies: readonly string[], interval: number): PairedAlly[] {
  const tx = x.trace!, ty = y.trace!;
  const D = x.settings.draws;
  const tail = (1 - interval) / 2;
  const T = tx.rows.length, U = ty.rows.length;
  const out: PairedAlly[] = [];
  for (const ally of allies) {
    const i = x.matrix.allies.indexOf(ally), j = y.matrix.allies.indexOf(ally);
    if (i < 0 || j < 0) continue;
    const nets = new Float64Array(D), ranks = new Float64Array(D);
    let up = 0, down = 0, better = 0, worse = 0;
    for (let d = 0; d < D; d++) {
      const dn = ty.nets[d * U + j] - tx.nets[d * T + i];
      const dr = tx.ranks[d * T + i] - ty.ranks[d * U + j];
      nets[d] = dn;
      ranks[d] = dr;
      if (dn > 0) up++;
      else if (dn < 0) down++;
      if (dr > 0) better++;
      else if (dr < 0) worse++;
    }
    nets.sort();
    ranks.sort();
    const spread = (v: Float64Array) => ({ median: quantileSorted(v, D, 0.5), low: quantileSorted(v, D, tail), high: quantileSorted(v, D, 1 - tail) });
    out.push({
      ally, pNetUp: up / D, pNetDown: down / D, netChange: spread(nets),
      pRankUp: better / D, pRankSame: (D - better - worse) / D, pRankDown: worse / D, rankChange: spread(ranks),
    });
  }
  return out;
}

function scenarioHeader(s: Scenario): ScenarioResult['scenario'] {
  return { id: s.id, title: s.title, description: s.description, horizon: s.horizon, parts: s.parts, origin: s.origin, sources: s.sources };
}

function appliedOf(order: readonly ScenarioChange[], effects: readonly ChangeEffect[]): AppliedChange[] {
  return order.map((c, i) => ({
    ref: c.ref, scenario: c.scenario, kind: c.spec.kind, label: c.label, rationale: c.spec.rationale.trim(), citations: c.spec.citations, origin: c.origin, effect: effects[i],
  }));
}

/** Run a scenario against the baseline at its horizon. */
export function runScenario(scenario: Scenario, options: RunOptions): ScenarioResult {
  const prepared = options.baseline && options.baseline.baseline.year === scenario.horizon
    ? options.baseline
    : prepareBaseline(options, scenario.horizon, scenario.changes);
  const { worlds, effects, order } = applyChanges(prepared.world, scenario.changes);
  const steps = [prepared.ledger, ...worlds.slice(1).map(ledgerOf)];
  const after = steps[steps.length - 1];
  const { diff, ranks } = diffLedgers(steps, order);
  const last = worlds[worlds.length - 1];
  const robustAfter = order.length === 0 ? prepared.robustness : robustnessOf(after, last.methodology, options.robustness);
  return {
    scenario: scenarioHeader(scenario),
    year: scenario.horizon,
    present: prepared.baseline.present,
    reference: { kind: 'baseline' },
    baseline: { assumptions: prepared.baseline.assumptions, description: describeBaseline(prepared.baseline) },
    changes: appliedOf(order, effects),
    diff, ranks, unmoved: unmovedAllies(order, diff, after, last.methodology),
    robustness: robustnessDiff(prepared.robustness, robustAfter, after, diff),
    ledgers: { before: prepared.ledger, after },
    methodologies: { before: options.methodology, after: last.methodology },
  };
}

function sameSpec(a: ScenarioChange, b: ScenarioChange): boolean {
  return JSON.stringify(a.spec) === JSON.stringify(b.spec) && a.countries.join() === b.countries.join() && a.items.join() === b.items.join();
}

/**
 * Run `scenario` against another scenario rather than the baseline: the reference's changes
 * are applied first, then the changes of `scenario` it lacks, each credited as usual. The
 * reference's changes must all be in `scenario` (as in "Taiwan contingency" and "Taiwan
 * contingency without bases in Japan"); otherwise compare each with the baseline.
 */
export function runAgainst(scenario: Scenario, reference: Scenario, options: RunOptions): ScenarioResult {
  const missing = reference.changes.filter((r) => !scenario.changes.some((c) => sameSpec(c, r)));
  if (missing.length) {
    throw new Error(`cannot compare ${scenario.id} with ${reference.id}: ${reference.id} makes changes ${scenario.id} does not (${missing.map((c) => `${c.ref} ${c.label}`).join('; ')}); compare each with the baseline instead (--compare each)`);
  }
  const year = Math.max(scenario.horizon, reference.horizon);
  const prepared = options.baseline && options.baseline.baseline.year === year
    ? options.baseline
    : prepareBaseline({ ...options, robustness: false }, year, [...scenario.changes, ...reference.changes]);
  const start = applyChanges(prepared.world, reference.changes);
  const from = start.worlds[start.worlds.length - 1];
  const extra = orderChanges(scenario.changes.filter((c) => !reference.changes.some((r) => sameSpec(c, r))));
  const { worlds, effects, order } = applyChanges(from, extra);
  const steps = [ledgerOf(from), ...worlds.slice(1).map(ledgerOf)];
  const after = steps[steps.length - 1];
  const { diff, ranks } = diffLedgers(steps, order);
  return {
    scenario: { ...scenarioHeader(scenario), horizon: year },
    year,
    present: prepared.baseline.present,
    reference: { kind: 'scenario', id: reference.id, title: reference.title },
    baseline: { assumptions: prepared.baseline.assumptions, description: describeBaseline(prepared.baseline) },
    changes: appliedOf(order, effects),
    diff, ranks, unmoved: unmovedAllies(order, diff, after, worlds[worlds.length - 1].methodology),
    robustness: robustnessDiff(
      robustnessOf(steps[0], from.methodology, options.robustness),
      robustnessOf(after, worlds[worlds.length - 1].methodology, options.robustness),
      after, diff),
    ledgers: { before: steps[0], after },
    methodologies: { before: from.methodology, after: worlds[worlds.length - 1].methodology },
  };
}
