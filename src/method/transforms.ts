// The named transforms a line item's measure is built from: the latest value as of a year
// (within a staleness window), n-year mean, cumulative sum and trend, ratio, per capita,
// log, gap to a target, and so on. Each evaluation carries the value, a range where the
// data give one (observation low/high, estimates, judgment ranges), the flags that qualify
// it, and the observations and judgments behind it. Pure: the evidence is passed in.
import type { Evidence, TableRow } from '../evidence/load.ts';
import type { Observation } from '../evidence/schema.ts';
import type { Judgment, JudgmentBook } from './judgments.ts';
import type { Measure, Methodology, NetworkDefinition } from './methodology.ts';
import { allyNetwork } from './network.ts';
import type { AllyNetwork } from './network.ts';
import { allianceTies } from './alliance-ties.ts';

/** Why a value deserves a second look. */
export type ValueFlag = 'stale' | 'estimate' | 'imputed' | 'uncertain' | 'derived' | 'judgment';

/** A membership row of an evidence table behind a network measure (group '' : the ally has no tie in the table, whose rows cite `source`). */
export interface TableRef {
  table: string;
  group: string;
  source: string;
}

export interface MeasureValue {
  value: number | null;
  /** The range the value may lie in (equal to value when the data give none). */
  low: number | null;
  high: number | null;
  flags: ValueFlag[];
  /** Why the value is missing; null when present. */
  reason: string | null;
  observations: Observation[];
  judgments: Judgment[];
  tables: TableRef[];
  /**
   * What stood in for a part that was missing (a coalesce's later alternative): why the part was
   * missing and what counted instead, e.g. "no us_troops_rotational … : counted as 0, as the
   * methodology states". Missing is not zero: a present value says when it holds a stand-in.
   */
  stoodIn?: string[];
}

export interface MeasureContext {
  evidence: Evidence;
  methodology: Methodology;
  judgments: JudgmentBook;
  /** The covered allies the ledger compares (their networks are built among them). */
  allies: readonly string[];
  year: number;
  /** Default staleness window of the line item. */
  staleness: number;
  /** Counterpart choices and networks, computed once per year and shared by all items. */
  cache: Map<string, unknown>;
}

function missing(reason: string, partial?: Partial<MeasureValue>): MeasureValue {
  return { value: null, low: null, high: null, flags: partial?.flags ?? [], reason, observations: partial?.observations ?? [], judgments: partial?.judgments ?? [], tables: partial?.tables ?? [] };
}

function present(value: number, low: number, high: number, parts: readonly MeasureValue[], extraFlags: readonly ValueFlag[] = []): MeasureValue {
  const flags = new Set<ValueFlag>(extraFlags);
  const observations: Observation[] = [];
  const judgments: Judgment[] = [];
  const tables: TableRef[] = [];
  const stoodIn: string[] = [];
  for (const p of parts) {
    for (const f of p.flags) flags.add(f);
    for (const o of p.observations) if (!observations.includes(o)) observations.push(o);
    for (const j of p.judgments) if (!judgments.includes(j)) judgments.push(j);
    for (const t of p.tables) tables.push(t);
    for (const n of p.stoodIn ?? []) if (!stoodIn.includes(n)) stoodIn.push(n);
  }
  return { value, low: Math.min(low, value), high: Math.max(high, value), flags: [...flags].sort(), reason: null, observations, judgments, tables, ...(stoodIn.length ? { stoodIn } : {}) };
}

/** What a coalesce's later alternative is, for the note that says it stood in: the indicator it reads, or its kind. */
function alternativeName(m: Measure): string {
  if (m.op === 'latest') return m.indicator;
  if (m.op === 'judgment') return `the judgment ${m.judgment}`;
  if (m.op === 'network') return `the ${m.metric} of ${m.network}`;
  if ('of' in m && !Array.isArray(m.of)) return `${m.op.replaceAll('_', ' ')} of ${alternativeName(m.of)}`;
  return `the ${m.op.replaceAll('_', ' ')} that follows`;
}

/** Evaluate a measure for one ally in the context's year. */
export function evaluateMeasure(measure: Measure, ally: string, ctx: MeasureContext, exactYear = false): MeasureValue {
  switch (measure.op) {
    case 'latest': return latest(measure, ally, ctx, exactYear);
    case 'mean':
    case 'cumulative':
    case 'trend': return overYears(measure, ally, ctx);
    case 'ratio': return quotient(evaluateMeasure(measure.numerator, ally, ctx, exactYear), evaluateMeasure(measure.denominator, ally, ctx, exactYear));
    case 'per_capita': return quotient(evaluateMeasure(measure.of, ally, ctx, exactYear), evaluateMeasure(measure.population, ally, ctx, exactYear));
    case 'product':
    case 'sum': {
      const parts = measure.of.map((m) => evaluateMeasure(m, ally, ctx, exactYear));
      const gap = parts.find((p) => p.value === null);
      if (gap) return missing(gap.reason!, gap);
      return parts.slice(1).reduce((acc, p) => (measure.op === 'sum'
        ? present(acc.value! + p.value!, acc.low! + p.low!, acc.high! + p.high!, [acc, p])
        : present(acc.value! * p.value!, ...cornerRange([acc.low! * p.low!, acc.low! * p.high!, acc.high! * p.low!, acc.high! * p.high!]), [acc, p])), parts[0]);
    }
    case 'coalesce': {
      // The alternatives that were missing stay in the provenance: they explain the fallback
      // (e.g. a publisher row marked "not applicable").
      const reasons: string[] = [];
      const skipped: Observation[] = [];
      for (const m of measure.of) {
        const v = evaluateMeasure(m, ally, ctx, exactYear);
        if (v.value !== null) {
          if (reasons.length === 0) return v;
          const instead = m.op === 'constant' ? `counted as ${m.value}, as the methodology states` : `${alternativeName(m)} stands in, as the methodology states`;
          return { ...v, observations: [...skipped, ...v.observations], stoodIn: [...(v.stoodIn ?? []), `${reasons.join('; and ')}: ${instead}`] };
        }
        reasons.push(v.reason!);
        skipped.push(...v.observations);
      }
      return missing(reasons.join('; and '), { observations: skipped });
    }
    case 'difference': {
      const a = evaluateMeasure(measure.minuend, ally, ctx, exactYear);
      const b = evaluateMeasure(measure.subtrahend, ally, ctx, exactYear);
      if (a.value === null) return missing(a.reason!, a);
      if (b.value === null) return missing(b.reason!, b);
      return present(a.value - b.value, a.low! - b.high!, a.high! - b.low!, [a, b]);
    }
    case 'log': {
      const a = evaluateMeasure(measure.of, ally, ctx, exactYear);
      if (a.value === null) return a;
      if (!(a.value > 0)) return missing(`cannot take the log of ${a.value}`, a);
      const lg = (x: number) => Math.log(x) / Math.log(measure.base ?? 10);
      return present(lg(a.value), a.low! > 0 ? lg(a.low!) : lg(a.value), lg(a.high!), [a]);
    }
    case 'scale': {
      const a = evaluateMeasure(measure.of, ally, ctx, exactYear);
      if (a.value === null) return a;
      return present(a.value * measure.factor, ...cornerRange([a.low! * measure.factor, a.high! * measure.factor]), [a]);
    }
    case 'gap_to_target': {
      const a = evaluateMeasure(measure.of, ally, ctx, exactYear);
      if (a.value === null) return a;
      const gap = (x: number) => Math.max(0, measure.direction === 'below' ? measure.target - x : x - measure.target);
      return present(gap(a.value), ...cornerRange([gap(a.low!), gap(a.high!)]), [a]);
    }
    case 'constant':
      return { value: measure.value, low: measure.value, high: measure.value, flags: measure.imputed ? ['imputed'] : [], reason: null, observations: [], judgments: [], tables: [] };
    case 'judgment': {
      const j = ctx.judgments.find(measure.judgment, ally, ctx.year);
      if (!j) return missing(`no judgment "${measure.judgment}" for ${ally} in ${ctx.year}`);
      return { value: j.value, low: j.low, high: j.high, flags: ['judgment'], reason: null, observations: [], judgments: [j], tables: [] };
    }
    case 'network': {
      if (measure.metric === 'ally_ties' || measure.metric === 'tie_strength') {
        const ties = allianceTies(ctx.evidence, ctx.allies, ctx.year, ctx.cache);
        const mine = ties.get(ally);
        if (!mine) return missing(`${ally} is not an ally in ${ctx.year}`);
        const value = measure.metric === 'ally_ties' ? mine.allies.length : mine.strength;
        return { value, low: value, high: value, flags: ['derived'], reason: null, observations: [], judgments: [], tables: mine.refs };
      }
      const net = networkFor(measure.network, ctx);
      const node = net.index.get(ally);
      if (node === undefined) return missing(`${ally} is not in the network "${measure.network}"`);
      const value = measure.metric === 'degree' ? net.degree[node] : net.betweenness[node];
      return { value, low: value, high: value, flags: ['derived'], reason: null, observations: [], judgments: [], tables: net.memberships[node] };
    }
    case 'allied_total': return alliedTotal(measure, ally, ctx);
  }
}

/**
 * The sum of an indicator over the allies of the year that share the ally's counterpart (e.g.
 * the military spending of every U.S. ally facing the same principal rival). Allies with no
 * value within the window are left out of the sum; the reason names them.
 */
function alliedTotal(measure: Extract<Measure, { op: 'allied_total' }>, ally: string, ctx: MeasureContext): MeasureValue {
  const mine = resolveCountry(measure.sharing, ally, ctx);
  if (mine.iso === null) return missing(mine.via!.reason!, mine.via!);
  const key = `allied_total ${measure.indicator} ${measure.sharing} ${mine.iso} ${ctx.year} ${measure.staleness_years ?? ctx.staleness}`;
  let total = ctx.cache.get(key) as MeasureValue | undefined;
  if (!total) {
    const parts: MeasureValue[] = [];
    const without: string[] = [];
    for (const other of ctx.allies) {
      if (resolveCountry(measure.sharing, other, ctx).iso !== mine.iso) continue;
      const v = latest({ op: 'latest', indicator: measure.indicator, staleness_years: measure.staleness_years }, other, ctx, false);
      if (v.value === null) without.push(other);
      else parts.push(v);
    }
    if (!parts.length) total = missing(`no ally sharing ${mine.iso} has ${measure.indicator} in ${ctx.year}`);
    else {
      let v = 0, lo = 0, hi = 0;
      for (const p of parts) {
        v += p.value!;
        lo += p.low!;
        hi += p.high!;
      }
      // Staleness of one member's figure does not make the total stale: keep only the flags that qualify the sum.
      total = present(v, lo, hi, parts.map((p) => ({ ...p, flags: p.flags.filter((f) => f !== 'stale') })), ['derived']);
      if (without.length) total = { ...total, flags: [...new Set([...total.flags, 'uncertain' as const])].sort() };
    }
    ctx.cache.set(key, total);
  }
  return mine.via ? { ...total, observations: [...mine.via.observations, ...total.observations] } : total;
}

function cornerRange(values: readonly number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

function quotient(a: MeasureValue, b: MeasureValue): MeasureValue {
  if (a.value === null) return missing(a.reason!, a);
  if (b.value === null) return missing(b.reason!, b);
  if (b.value === 0) return missing('the denominator is zero', present(0, 0, 0, [a, b]));
  const value = a.value / b.value;
  // A denominator range that reaches zero has no finite quotient range; keep the point value.
  if (b.low! <= 0 && b.high! >= 0) return present(value, value, value, [a, b]);
  return present(value, ...cornerRange([a.low! / b.low!, a.low! / b.high!, a.high! / b.low!, a.high! / b.high!]), [a, b]);
}

function resolveCountry(who: string | undefined, ally: string, ctx: MeasureContext): { iso: string | null; via: MeasureValue | null } {
  if (who === undefined || who === 'ally') return { iso: ally, via: null };
  if (/^[A-Z]{3}$/.test(who)) return { iso: who, via: null };
  const key = `counterpart ${who} ${ally} ${ctx.year}`;
  let choice = ctx.cache.get(key) as { iso: string | null; via: MeasureValue } | undefined;
  if (!choice) {
    choice = chooseCounterpart(who, ally, ctx);
    ctx.cache.set(key, choice);
  }
  return choice;
}

/** A named counterpart: among the candidates, the one with the least (or most) indicator value. */
function chooseCounterpart(name: string, ally: string, ctx: MeasureContext): { iso: string | null; via: MeasureValue } {
  const rule = ctx.methodology.counterparts[name];
  const window = rule.staleness_years ?? ctx.methodology.staleness_years;
  let best: Observation | undefined;
  const seen: Observation[] = [];
  for (const candidate of rule.among) {
    if (candidate === ally) continue;
    const o = ctx.evidence.latest(ally, rule.indicator, { counterpart: candidate, upTo: ctx.year });
    if (!o || o.year < ctx.year - window) continue;
    seen.push(o);
    if (!best || (rule.pick === 'min' ? o.value! < best.value! : o.value! > best.value!)) best = o;
  }
  if (!best) return { iso: null, via: missing(`no ${rule.indicator} from ${ally} to any of ${rule.among.join(', ')} within ${window} years of ${ctx.year}`) };
  return { iso: best.counterpart, via: present(best.value!, best.value!, best.value!, [{ ...missing(''), observations: seen }]) };
}

function latest(measure: Extract<Measure, { op: 'latest' }>, ally: string, ctx: MeasureContext, exactYear: boolean): MeasureValue {
  const subject = resolveCountry(measure.country, ally, ctx);
  const other = measure.counterpart === undefined ? { iso: '', via: null } : resolveCountry(measure.counterpart, ally, ctx);
  const via = [subject.via, other.via].filter((v): v is MeasureValue => v !== null);
  if (subject.iso === null) return missing(subject.via!.reason!, subject.via!);
  if (other.iso === null) return missing(other.via!.reason!, other.via!);
  const window = exactYear ? 0 : measure.staleness_years ?? ctx.staleness;
  const who = `${subject.iso}${other.iso ? `→${other.iso}` : ''}`;
  const o = ctx.evidence.latest(subject.iso, measure.indicator, { counterpart: other.iso, upTo: ctx.year });
  if (!o || o.year < ctx.year - window) {
    const marked = ctx.evidence.value(subject.iso, measure.indicator, ctx.year, { counterpart: other.iso });
    const why = marked && marked.value === null && marked.note ? ` (${marked.source}: ${marked.note})` : '';
    const last = o ? `; the latest is ${o.year}` : '';
    return missing(exactYear
      ? `no ${measure.indicator} for ${who} in ${ctx.year}${why}`
      : `no ${measure.indicator} for ${who} in ${ctx.year - window}-${ctx.year}${last}${why}`, marked ? { observations: [marked] } : undefined);
  }
  const flags: ValueFlag[] = [];
  if (o.year < ctx.year) flags.push('stale');
  for (const f of o.flags) if (f === 'estimate' || f === 'imputed' || f === 'uncertain' || f === 'derived') flags.push(f);
  const v = o.value!;
  let low = o.low ?? v;
  let high = o.high ?? v;
  if (o.low === null && o.high === null && (o.flags.includes('estimate') || o.flags.includes('uncertain'))) {
    const r = ctx.methodology.uncertainty.estimate_relative;
    [low, high] = cornerRange([v * (1 - r), v * (1 + r)]);
  }
  return present(v, low, high, [{ ...missing(''), observations: [o] }, ...via], flags);
}

function overYears(measure: Extract<Measure, { op: 'mean' | 'cumulative' | 'trend' }>, ally: string, ctx: MeasureContext): MeasureValue {
  const need = measure.min_years ?? Math.max(measure.op === 'trend' ? 2 : 1, Math.ceil(measure.years / 2));
  let end = ctx.year;
  if (measure.ending === 'latest') {
    // A series that stopped (MME ends in 2010) is read over its last window, flagged stale.
    while (end >= ctx.year - ctx.staleness && evaluateMeasure(measure.of, ally, { ...ctx, year: end }, true).value === null) end--;
    if (end < ctx.year - ctx.staleness) {
      // Say where the series stopped, and keep that observation as the line's provenance.
      for (let t = end; t >= ctx.year - 50; t--) {
        const last = evaluateMeasure(measure.of, ally, { ...ctx, year: t }, true);
        if (last.value !== null) return missing(`no year with data in ${ctx.year - ctx.staleness}-${ctx.year} to end a ${measure.years}-year ${measure.op} on (the series' last year with data is ${t}, beyond the ${ctx.staleness}-year staleness window)`, last);
      }
      return missing(`no year with data in ${ctx.year - ctx.staleness}-${ctx.year} to end a ${measure.years}-year ${measure.op} on`);
    }
  }
  const years: number[] = [];
  const parts: MeasureValue[] = [];
  let lastReason = '';
  for (let t = end - measure.years + 1; t <= end; t++) {
    const v = evaluateMeasure(measure.of, ally, { ...ctx, year: t }, true);
    if (v.value === null) lastReason = v.reason!;
    else {
      years.push(t);
      parts.push(v);
    }
  }
  const span = `${end - measure.years + 1}-${end}`;
  if (parts.length < need) return missing(`${measure.op} over ${span} needs ${need} years with data, found ${parts.length}${lastReason ? ` (e.g. ${lastReason})` : ''}`, parts.length ? present(0, 0, 0, parts) : undefined);
  const k = parts.length;
  const flags: ValueFlag[] = ['derived'];
  if (end < ctx.year) flags.push('stale');
  if (measure.op === 'mean' || measure.op === 'cumulative') {
    // A cumulative total with gaps is the mean scaled to the full span, flagged imputed.
    const factor = measure.op === 'mean' ? 1 / k : measure.years / k;
    if (measure.op === 'cumulative' && k < measure.years) flags.push('imputed');
    let v = 0, lo = 0, hi = 0;
    for (const p of parts) {
      v += p.value!;
      lo += p.low!;
      hi += p.high!;
    }
    return present(v * factor, lo * factor, hi * factor, parts, flags);
  }
  // Least-squares slope per year; it is linear in the values, so each value's range enters
  // with the sign of its weight.
  const meanYear = years.reduce((s, y) => s + y, 0) / k;
  const sxx = years.reduce((s, y) => s + (y - meanYear) ** 2, 0);
  let slope = 0, lo = 0, hi = 0;
  parts.forEach((p, i) => {
    const w = (years[i] - meanYear) / sxx;
    slope += w * p.value!;
    lo += w >= 0 ? w * p.low! : w * p.high!;
    hi += w >= 0 ? w * p.high! : w * p.low!;
  });
  return present(slope, lo, hi, parts, flags);
}

function networkFor(name: string, ctx: MeasureContext): AllyNetwork {
  const key = `network ${name} ${ctx.year}`;
  let net = ctx.cache.get(key) as AllyNetwork | undefined;
  if (!net) {
    const def: NetworkDefinition = ctx.methodology.networks[name];
    const tables = new Map<string, readonly TableRow[]>((def.tables ?? []).map((t) => [t.table, ctx.evidence.table(t.table)]));
    net = allyNetwork(def, tables, ctx.allies, ctx.year);
    ctx.cache.set(key, net);
  }
  return net;
}
