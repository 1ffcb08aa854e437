// A ledger is a methodology applied to the covered allies in one year: for every ally and
// line item the raw value, its 0-100 score among the allies, the weight, the weighted
// contribution and the rank, with the observations and judgments behind it; then totals
// for assets and liabilities, the net, and the coverage. Pure: evidence and judgments in,
// ledger out.
import type { Evidence } from '../evidence/load.ts';
import type { Observation } from '../evidence/schema.ts';
import type { Judgment } from './judgments.ts';
import { JudgmentBook } from './judgments.ts';
import type { LineItem, Methodology, Side } from './methodology.ts';
import { imputeInto, normalizeBuffers, normalizeInto } from './normalize.ts';
import { evaluateMeasure } from './transforms.ts';
import type { MeasureContext, MeasureValue, TableRef, ValueFlag } from './transforms.ts';

export interface LedgerLine {
  item: string;
  side: Side;
  group: string;
  label: string;
  unit: string;
  /** Raw value of the measure (null: missing), with its range. */
  raw: number | null;
  low: number | null;
  high: number | null;
  /** 0-100 among the allies of the year (imputed when `imputed`); null when excluded. */
  score: number | null;
  /** The methodology's weight. */
  weight: number;
  /** Weight as a share of the weights present on the ally's side (0 when excluded). */
  share: number;
  /** Points the line adds to its side's total: balance x share x score. */
  contribution: number | null;
  /** 1 = highest score among the allies with a score for this item (ties share a rank). */
  rank: number | null;
  rankedAmong: number;
  missing: boolean;
  imputed: boolean;
  /** Why the raw value is missing, or why its score could not be computed. */
  reason: string | null;
  flags: ValueFlag[];
  observations: Observation[];
  judgments: Judgment[];
  tables: TableRef[];
  /** Every source id behind the line (observations, judgments' citations, table rows). */
  sources: string[];
}

export interface Coverage {
  /** Share of the side's weight with observed (not imputed, not missing) data. */
  assets: number;
  liabilities: number;
  /** Share of all line-item weight with observed data. */
  overall: number;
  itemsObserved: number;
  itemsImputed: number;
  itemsMissing: number;
  itemsTotal: number;
}

export interface AllyLedger {
  ally: string;
  name: string;
  region: string | null;
  year: number;
  lines: LedgerLine[];
  /** Weighted mean score of the asset items present, times the asset balance factor. */
  assets: number | null;
  liabilities: number | null;
  net: number | null;
  coverage: Coverage;
  /** Ranked when coverage reaches the methodology's minimum and both sides have items. */
  ranked: boolean;
  /** 1 = highest net among the ranked allies (ties broken by ISO code). */
  rank: number | null;
}

export interface YearLedger {
  methodology: { id: string; version: string };
  year: number;
  allies: AllyLedger[];
  rankedCount: number;
}

export interface LedgerOptions {
  evidence: Evidence;
  methodology: Methodology;
  judgments: readonly Judgment[] | JudgmentBook;
  /** Restrict to these allies (default: every covered ally). Normalization is across them. */
  allies?: readonly string[];
}

function book(j: LedgerOptions['judgments']): JudgmentBook {
  return j instanceof JudgmentBook ? j : new JudgmentBook(j);
}

function coveredAllies(options: LedgerOptions): string[] {
  const all = options.evidence.allies().map((a) => a.iso3);
  return [...(options.allies ?? all)].sort();
}

/** The raw values (with provenance) of every item for every ally: the first half of a ledger. */
/**
 * Evaluations kept per (evidence, judgments): the same evidence, judgments, year and
 * methodology but for its weights give the same values, so a scenario's weight changes
 * re-weigh without evaluating again. A few per pair (they are large).
 */
const evaluations = new WeakMap<object, WeakMap<object, Map<string, { allies: string[]; values: MeasureValue[][] }>>>();
const EVALUATIONS_KEPT = 6;
const fingerprints = new WeakMap<Methodology, string>();

/** The methodology with every weight zeroed, as text: what item evaluations depend on. */
function withoutWeights(m: Methodology): string {
  let f = fingerprints.get(m);
  if (f === undefined) {
    f = JSON.stringify({ ...m, items: m.items.map((i) => ({ ...i, weight: 0 })) });
    fingerprints.set(m, f);
  }
  return f;
}

export function evaluateItems(options: LedgerOptions, year: number): { allies: string[]; values: MeasureValue[][] } {
  let byJudgments = evaluations.get(options.evidence);
  if (!byJudgments) evaluations.set(options.evidence, (byJudgments = new WeakMap()));
  let kept = byJudgments.get(options.judgments);
  if (!kept) byJudgments.set(options.judgments, (kept = new Map()));
  const key = `${year}\u0000${withoutWeights(options.methodology)}`;
  const hit = kept.get(key);
  if (hit) return hit;
  const result = evaluateAll(options, year);
  if (kept.size >= EVALUATIONS_KEPT) kept.delete(kept.keys().next().value!);
  kept.set(key, result);
  return result;
}

function evaluateAll(options: LedgerOptions, year: number): { allies: string[]; values: MeasureValue[][] } {
  const allies = coveredAllies(options);
  const judgments = book(options.judgments);
  const cache = new Map<string, unknown>();
  const values = options.methodology.items.map((item) => {
    const ctx: MeasureContext = {
      evidence: options.evidence, methodology: options.methodology, judgments, allies, year, cache,
      staleness: item.staleness_years ?? options.methodology.staleness_years,
    };
    return allies.map((ally) => evaluateMeasure(item.measure, ally, ctx));
  });
  return { allies, values };
}

/** The judgment scale bounds an item normalizes on (judgment_scale items only). */
export function scaleBounds(item: LineItem, m: Methodology): { min: number; max: number } | undefined {
  return item.measure.op === 'judgment' ? m.judgments[item.measure.judgment]?.scale : undefined;
}

/** Scores of one item across allies, after normalization and the missing-data policy. */
export function scoreItem(item: LineItem, m: Methodology, raw: Float64Array): { scores: Float64Array; imputedWith: number; invalid: boolean[] } {
  const n = raw.length;
  const scores = new Float64Array(n);
  const buffers = normalizeBuffers(n);
  normalizeInto(raw, item.normalize, scores, buffers, scaleBounds(item, m));
  const invalid = Array.from(raw, (r, i) => !Number.isNaN(r) && Number.isNaN(scores[i]));
  const imputedWith = imputeInto(scores, item.missing, buffers.scratch);
  return { scores, imputedWith, invalid };
}

function competitionRanks(scores: Float64Array, usable: boolean[]): (number | null)[] {
  const order = [...scores.keys()].filter((i) => usable[i]);
  return Array.from(scores, (s, i) => (usable[i] ? 1 + order.filter((k) => scores[k] > s).length : null));
}

function sourcesOf(value: MeasureValue): string[] {
  const ids = new Set<string>();
  for (const o of value.observations) ids.add(o.source);
  for (const j of value.judgments) for (const c of j.citations) ids.add(c.source);
  for (const t of value.tables) if (t.source) ids.add(t.source);
  return [...ids].sort();
}

/** The ledgers of every covered ally in one year. */
export function computeLedger(options: LedgerOptions, year: number): YearLedger {
  const m = options.methodology;
  const { allies, values } = evaluateItems(options, year);
  const n = allies.length;
  const linesByAlly: LedgerLine[][] = allies.map(() => []);
  m.items.forEach((item, k) => {
    const raw = Float64Array.from(values[k], (v) => (v.value === null ? Number.NaN : v.value));
    const { scores, invalid } = scoreItem(item, m, raw);
    const usable = Array.from(scores, (s) => !Number.isNaN(s));
    const ranks = competitionRanks(scores, usable);
    const rankedAmong = usable.filter(Boolean).length;
    for (let a = 0; a < n; a++) {
      const v = values[k][a];
      const isMissing = v.value === null || invalid[a];
      const score = Number.isNaN(scores[a]) ? null : scores[a];
      linesByAlly[a].push({
        item: item.id, side: item.side, group: item.group, label: item.label, unit: item.unit,
        raw: v.value, low: v.low, high: v.high,
        score, weight: item.weight, share: 0, contribution: null,
        rank: ranks[a], rankedAmong,
        missing: isMissing, imputed: isMissing && score !== null,
        reason: invalid[a] ? `${v.value} cannot be placed on a ${item.normalize.method === 'minmax' || item.normalize.method === 'fixed' ? item.normalize.scale : 'linear'} scale` : v.reason,
        flags: v.flags, observations: v.observations, judgments: v.judgments, tables: v.tables, sources: sourcesOf(v),
      });
    }
  });
  const names = new Map(options.evidence.allies().map((a) => [a.iso3, a]));
  const ledgers = allies.map((ally, a) => totals(ally, names.get(ally)?.name ?? ally, names.get(ally)?.region ?? null, year, linesByAlly[a], m));
  const ranked = ledgers.filter((l) => l.ranked).sort((x, y) => y.net! - x.net! || (x.ally < y.ally ? -1 : 1));
  ranked.forEach((l, i) => (l.rank = i + 1));
  return { methodology: { id: m.methodology, version: m.version }, year, allies: ledgers, rankedCount: ranked.length };
}

function totals(ally: string, name: string, region: string | null, year: number, lines: LedgerLine[], m: Methodology): AllyLedger {
  const side = (s: Side) => {
    const mine = lines.filter((l) => l.side === s);
    const weightPresent = mine.reduce((sum, l) => sum + (l.score === null ? 0 : l.weight), 0);
    const weightAll = mine.reduce((sum, l) => sum + l.weight, 0);
    const weightObserved = mine.reduce((sum, l) => sum + (l.missing ? 0 : l.weight), 0);
    const factor = s === 'asset' ? m.balance.assets : m.balance.liabilities;
    let total: number | null = null;
    if (weightPresent > 0) {
      total = 0;
      for (const l of mine) {
        if (l.score === null) continue;
        l.share = l.weight / weightPresent;
        l.contribution = factor * l.share * l.score;
        total += l.contribution;
      }
    }
    return { total, coverage: weightAll > 0 ? weightObserved / weightAll : 0, weightAll, weightObserved };
  };
  const a = side('asset');
  const l = side('liability');
  const coverage: Coverage = {
    assets: a.coverage,
    liabilities: l.coverage,
    overall: (a.weightObserved + l.weightObserved) / (a.weightAll + l.weightAll || 1),
    itemsObserved: lines.filter((x) => !x.missing).length,
    itemsImputed: lines.filter((x) => x.imputed).length,
    itemsMissing: lines.filter((x) => x.missing && !x.imputed).length,
    itemsTotal: lines.length,
  };
  const net = a.total !== null && l.total !== null ? a.total - l.total : null;
  const ranked = net !== null && coverage.overall >= m.ranking.min_coverage;
  return { ally, name, region, year, lines, assets: a.total, liabilities: l.total, net, coverage, ranked, rank: null };
}

/**
 * The latest year of the methodology: the last year in which every indicator it lists under
 * years.latest has a present observation for at least min_coverage of the covered allies.
 */
export function latestYear(options: Pick<LedgerOptions, 'evidence' | 'methodology' | 'allies'>): number {
  const m = options.methodology;
  const allies = options.allies ?? options.evidence.allies().map((a) => a.iso3);
  const need = Math.ceil(m.years.latest.min_coverage * allies.length);
  const coverageByYear = m.years.latest.indicators.map((id) => {
    const counts = new Map<number, number>();
    for (const ally of allies) {
      const years = new Set(options.evidence.series(ally, id).filter((o) => o.value !== null).map((o) => o.year));
      for (const y of years) counts.set(y, (counts.get(y) ?? 0) + 1);
    }
    return counts;
  });
  const candidates = [...new Set(coverageByYear.flatMap((c) => [...c.keys()]))].sort((x, y) => y - x);
  const year = candidates.find((y) => coverageByYear.every((c) => (c.get(y) ?? 0) >= need));
  if (year === undefined) {
    throw new Error(`no year in which ${m.years.latest.indicators.join(', ')} each cover ${Math.round(m.years.latest.min_coverage * 100)}% of the ${allies.length} allies; is the evidence built?`);
  }
  return year;
}

/** Ledgers for every year from the methodology's first year to `to` (default: the latest). */
export function computeLedgerSeries(options: LedgerOptions, range: { from?: number; to?: number } = {}): YearLedger[] {
  const from = range.from ?? options.methodology.years.first;
  const to = range.to ?? latestYear(options);
  const out: YearLedger[] = [];
  for (let y = from; y <= to; y++) out.push(computeLedger(options, y));
  return out;
}
