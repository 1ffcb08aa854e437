// A ledger is a methodology applied to the allies of one year (src/method/membership.ts:
// the covered countries that are treaty allies, major non-NATO allies or treated as one on
// 31 December of the year): for every ally and line item the raw value, its 0-100 score
// among the allies, the weight, the weighted contribution and the rank, with the
// observations and judgments behind it; then totals for assets and liabilities, the net, and
// the coverage. The year's partners are shown only when asked for, scored on the allies'
// scale and never ranked. Pure: evidence and judgments in, ledger out.
import type { Evidence } from '../evidence/load.ts';
import type { Observation } from '../evidence/schema.ts';
import type { Judgment } from './judgments.ts';
import { JudgmentBook } from './judgment-book.ts';
import type { LineItem, Methodology, Side } from './methodology.ts';
import { membership } from './membership.ts';
import type { AllyStanding, Standing } from './membership.ts';
import { imputeInto, normalizeBuffers, normalizeInto, placeInto } from './normalize.ts';
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
  /** What stood in for a missing part of a present value (MeasureValue.stoodIn); empty when nothing did. */
  stoodIn: string[];
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
  /** The country's standing in the year (treaty ally, MNNA, treated as MNNA, partner) and its basis. */
  membership: AllyStanding;
  /** A partner shown on request: scored on the allies' scale, never ranked, left out of robustness. */
  partner: boolean;
}

export interface YearLedger {
  methodology: { id: string; version: string };
  year: number;
  /** The year's allies in ISO order, then the partners shown (only with `partners`). */
  allies: AllyLedger[];
  rankedCount: number;
  /** Who counts in the year: standings on 31 December (src/method/membership.ts). */
  membership: {
    date: string;
    /** Covered countries by standing in the year (partners and `none` included). */
    counts: Record<Standing, number>;
    /** The year's partners, shown in `allies` or not. */
    partners: string[];
    partnersShown: boolean;
  };
}

export interface LedgerOptions {
  evidence: Evidence;
  methodology: Methodology;
  judgments: readonly Judgment[] | JudgmentBook;
  /**
   * Restrict to these of the year's allies (default: all of them). Normalization is across
   * them; a country that is not one of the year's allies is left out (a partner is shown,
   * unranked, when `partners` is set).
   */
  allies?: readonly string[];
  /** Show the year's partners too: scored on the allies' scale, flagged, never ranked. */
  partners?: boolean;
}

function book(j: LedgerOptions['judgments']): JudgmentBook {
  return j instanceof JudgmentBook ? j : new JudgmentBook(j);
}

/** The countries a year's ledger compares (its allies) and the partners it shows. */
function comparedIn(options: LedgerOptions, year: number): { allies: string[]; partners: string[] } {
  const m = membership(options.evidence, year);
  const wanted = options.allies ? new Set(options.allies) : null;
  const pick = (list: readonly string[]) => list.filter((a) => !wanted || wanted.has(a));
  return { allies: pick(m.allies), partners: options.partners ? pick(m.partners) : [] };
}

/** The raw values (with provenance) of every item for every ally: the first half of a ledger. */
/**
 * Evaluations kept per (evidence, judgments): the same evidence, judgments, year and
 * methodology but for its weights give the same values, so a scenario's weight changes
 * re-weigh without evaluating again. A few per pair (they are large).
 */
interface Evaluation {
  allies: string[];
  values: MeasureValue[][];
  /** The partners shown, and their values (evaluated against the allies: partners never enter an allied total or network). */
  partners: string[];
  partnerValues: MeasureValue[][];
}

const evaluations = new WeakMap<object, WeakMap<object, Map<string, Evaluation>>>();
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

export function evaluateItems(options: LedgerOptions, year: number): Evaluation {
  let byJudgments = evaluations.get(options.evidence);
  if (!byJudgments) evaluations.set(options.evidence, (byJudgments = new WeakMap()));
  let kept = byJudgments.get(options.judgments);
  if (!kept) byJudgments.set(options.judgments, (kept = new Map()));
  // The allies' values do not depend on whether partners are shown: one entry serves both.
  const key = `${year}\u0000${options.allies ? [...options.allies].sort().join(',') : '*'}\u0000${withoutWeights(options.methodology)}`;
  const remember = (k: string, make: () => Evaluation): Evaluation => {
    const hit = kept.get(k);
    if (hit) return hit;
    const result = make();
    if (kept.size >= EVALUATIONS_KEPT) kept.delete(kept.keys().next().value!);
    kept.set(k, result);
    return result;
  };
  const base = remember(key, () => evaluateAll(options, year, false));
  if (!options.partners) return base;
  return remember(`${key}\u0000partners`, () => ({ ...evaluateAll(options, year, true), allies: base.allies, values: base.values }));
}

/** The allies' values, or with `outsiders` only the partners' (evaluated against the allies). */
function evaluateAll(options: LedgerOptions, year: number, outsiders: boolean): Evaluation {
  const { allies, partners } = comparedIn(options, year);
  const judgments = book(options.judgments);
  const cache = new Map<string, unknown>();
  const values: MeasureValue[][] = [];
  const partnerValues: MeasureValue[][] = [];
  for (const item of options.methodology.items) {
    const ctx: MeasureContext = {
      evidence: options.evidence, methodology: options.methodology, judgments, allies, year, cache,
      staleness: item.staleness_years ?? options.methodology.staleness_years,
    };
    if (outsiders) partnerValues.push(partners.map((p) => evaluateMeasure(item.measure, p, ctx)));
    else values.push(allies.map((ally) => evaluateMeasure(item.measure, ally, ctx)));
  }
  return outsiders ? { allies, values: [], partners, partnerValues } : { allies, values, partners: [], partnerValues: options.methodology.items.map(() => []) };
}

/** The judgment scale bounds an item normalizes on (judgment_scale items only). */
export function scaleBounds(item: LineItem, m: Methodology): { min: number; max: number } | undefined {
  return item.measure.op === 'judgment' ? m.judgments[item.measure.judgment]?.scale : undefined;
}

/**
 * Scores of outsiders (partners shown) for one item on the allies' scale, missing ones filled
 * with the value the policy gives among the allies' observed scores.
 */
export function placeItem(item: LineItem, m: Methodology, alliesRaw: Float64Array, raw: Float64Array): { scores: Float64Array; invalid: boolean[] } {
  const scores = new Float64Array(raw.length);
  placeInto(alliesRaw, raw, item.normalize, scores, scaleBounds(item, m));
  const invalid = Array.from(raw, (r, i) => !Number.isNaN(r) && Number.isNaN(scores[i]));
  if (item.missing.policy !== 'exclude' && scores.some((s) => Number.isNaN(s))) {
    const observed = new Float64Array(alliesRaw.length + 1);
    normalizeInto(alliesRaw, item.normalize, observed.subarray(0, alliesRaw.length), normalizeBuffers(alliesRaw.length), scaleBounds(item, m));
    observed[alliesRaw.length] = Number.NaN;
    const fill = imputeInto(observed, item.missing, new Float64Array(observed.length));
    if (!Number.isNaN(fill)) for (let i = 0; i < scores.length; i++) if (Number.isNaN(scores[i])) scores[i] = fill;
  }
  return { scores, invalid };
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

function lineOf(item: LineItem, v: MeasureValue, score: number, invalid: boolean, rank: number | null, rankedAmong: number): LedgerLine {
  const isMissing = v.value === null || invalid;
  const s = Number.isNaN(score) ? null : score;
  return {
    item: item.id, side: item.side, group: item.group, label: item.label, unit: item.unit,
    raw: v.value, low: v.low, high: v.high,
    score: s, weight: item.weight, share: 0, contribution: null,
    rank, rankedAmong,
    missing: isMissing, imputed: isMissing && s !== null,
    reason: invalid ? `${v.value} cannot be placed on a ${item.normalize.method === 'minmax' || item.normalize.method === 'fixed' ? item.normalize.scale : 'linear'} scale` : v.reason,
    flags: v.flags, observations: v.observations, judgments: v.judgments, tables: v.tables, sources: sourcesOf(v),
    stoodIn: v.value === null ? [] : v.stoodIn ?? [],
  };
}

/**
 * The ledgers of the year's allies (and, with `partners`, of the year's partners: scored on
 * the allies' scale, line ranks and rank null, never ranked).
 */
export function computeLedger(options: LedgerOptions, year: number): YearLedger {
  const m = options.methodology;
  const { allies, values, partners, partnerValues } = evaluateItems(options, year);
  const n = allies.length;
  const linesByAlly: LedgerLine[][] = allies.map(() => []);
  const linesByPartner: LedgerLine[][] = partners.map(() => []);
  m.items.forEach((item, k) => {
    const raw = Float64Array.from(values[k], (v) => (v.value === null ? Number.NaN : v.value));
    const { scores, invalid } = scoreItem(item, m, raw);
    const usable = Array.from(scores, (s) => !Number.isNaN(s));
    const ranks = competitionRanks(scores, usable);
    const rankedAmong = usable.filter(Boolean).length;
    for (let a = 0; a < n; a++) linesByAlly[a].push(lineOf(item, values[k][a], scores[a], invalid[a], ranks[a], rankedAmong));
    if (partners.length) {
      const outside = placeItem(item, m, raw, Float64Array.from(partnerValues[k], (v) => (v.value === null ? Number.NaN : v.value)));
      partners.forEach((_, p) => linesByPartner[p].push(lineOf(item, partnerValues[k][p], outside.scores[p], outside.invalid[p], null, rankedAmong)));
    }
  });
  const names = new Map(options.evidence.allies().map((a) => [a.iso3, a]));
  const standings = membership(options.evidence, year);
  const standingOf = new Map(standings.standings.map((s) => [s.ally, s]));
  const sheet = (ally: string, lines: LedgerLine[], partner: boolean) =>
    totals(ally, names.get(ally)?.name ?? ally, names.get(ally)?.region ?? null, year, lines, m, standingOf.get(ally)!, partner);
  const ledgers = allies.map((ally, a) => sheet(ally, linesByAlly[a], false));
  const ranked = ledgers.filter((l) => l.ranked).sort((x, y) => y.net! - x.net! || (x.ally < y.ally ? -1 : 1));
  ranked.forEach((l, i) => (l.rank = i + 1));
  const shown = partners.map((p, i) => sheet(p, linesByPartner[i], true));
  return {
    methodology: { id: m.methodology, version: m.version }, year, allies: [...ledgers, ...shown], rankedCount: ranked.length,
    membership: { date: standings.date, counts: standings.counts, partners: standings.partners, partnersShown: options.partners === true },
  };
}

function totals(ally: string, name: string, region: string | null, year: number, lines: LedgerLine[], m: Methodology, standing: AllyStanding, partner: boolean): AllyLedger {
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
  const ranked = !partner && net !== null && coverage.overall >= m.ranking.min_coverage;
  return { ally, name, region, year, lines, assets: a.total, liabilities: l.total, net, coverage, ranked, rank: null, membership: standing, partner };
}

/**
 * The latest year of the methodology: the last year in which every indicator it lists under
 * years.latest has a present observation for at least min_coverage of that year's allies.
 */
export function latestYear(options: Pick<LedgerOptions, 'evidence' | 'methodology' | 'allies'>): number {
  const m = options.methodology;
  const covered = options.allies ?? options.evidence.allies().map((a) => a.iso3);
  const wanted = new Set(covered);
  const present = (ally: string, id: string) => new Set(options.evidence.yearsWithValue(ally, id));
  const years = covered.map((ally) => m.years.latest.indicators.map((id) => present(ally, id)));
  const candidates = [...new Set(years.flatMap((byIndicator) => byIndicator.flatMap((ys) => [...ys])))].sort((x, y) => y - x);
  // Coverage counts among the year's allies only: data on a country that is no ally that year does not help.
  const covers = (y: number) => {
    const allies = new Set(membership(options.evidence, y).allies.filter((a) => wanted.has(a)));
    const need = Math.ceil(m.years.latest.min_coverage * allies.size);
    return allies.size > 0 && m.years.latest.indicators.every((_, k) => covered.filter((a, i) => allies.has(a) && years[i][k].has(y)).length >= need);
  };
  const year = candidates.find(covers);
  if (year === undefined) {
    throw new Error(`no year in which ${m.years.latest.indicators.join(', ')} each cover ${Math.round(m.years.latest.min_coverage * 100)}% of the year's allies (${covered.length} covered); is the evidence built?`);
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
