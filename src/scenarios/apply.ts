// Applying a scenario's changes to a world (evidence seen through an overlay, methodology,
// judgments, horizon year). Each change takes a world and returns a new one, so run.ts can
// compute a ledger after every change and attribute what moved to the change that moved it.
// Evidence changes replace observations with new ones that name the change's citation as
// source and keep the old value and its source in the note. Pure: the same code runs in the
// browser.
import type { Evidence } from '../evidence/load.ts';
import type { Observation } from '../evidence/schema.ts';
// The engine's pure modules, not its index (which also exports its Node edges): this file runs in browsers.
import { JudgmentBook } from '../method/judgments.ts';
import type { Judgment } from '../method/judgments.ts';
import type { LineItem, Measure, Methodology } from '../method/methodology.ts';
import { latestReads } from '../method/methodology.ts';
import { PROJECTION_SOURCE } from './baseline.ts';
import { compareObservations, overlayEvidence, seriesIn, seriesKey } from './overlay.ts';
import type { SeriesOverlay } from './overlay.ts';
import { pathValues } from './path.ts';
import type { Change, ChangeKind, Citation, EventKind, PathPoint, YearSelector } from './schema.ts';

/** Everything a ledger is computed from. */
export interface World {
  /** The evidence as built. */
  base: Evidence;
  /** Projected and changed series laid over the base. */
  overlay: SeriesOverlay;
  /** The base seen through the overlay: what the engine reads. */
  evidence: Evidence;
  methodology: Methodology;
  judgments: readonly Judgment[];
  /** The horizon: the year of the ledgers compared. */
  year: number;
  /** The covered allies (event ratings are given to each). */
  allies: readonly string[];
}

const views = new WeakMap<Evidence, WeakMap<SeriesOverlay, Evidence>>();

/** A world; worlds with the same base and overlay share one evidence view (and so the ledger engine's evaluations). */
export function makeWorld(parts: Omit<World, 'evidence'>): World {
  let byOverlay = views.get(parts.base);
  if (!byOverlay) views.set(parts.base, (byOverlay = new WeakMap()));
  let evidence = byOverlay.get(parts.overlay);
  if (!evidence) byOverlay.set(parts.overlay, (evidence = overlayEvidence(parts.base, parts.overlay)));
  return { ...parts, evidence };
}

/** A change from a scenario file, with what it refers to resolved against the evidence and methodology. */
export interface ScenarioChange {
  /** "<scenario>#<n>", n counting from 1 in file order. */
  ref: string;
  scenario: string;
  /** Position in its file (0-based). */
  index: number;
  /** file:line of the change. */
  origin: string;
  spec: Change;
  /** Countries whose values it changes (ISO codes, sorted); empty for weight changes. */
  countries: string[];
  /** Line items it changes (weight and event changes). */
  items: string[];
  /** One line for people. */
  label: string;
}

/** What applying a change did, for the report: counts, and where it found nothing to change. */
export interface ChangeEffect {
  ref: string;
  /** Observations replaced or added (linked indicators included). */
  observations: number;
  notes: string[];
  skipped: string[];
}

/**
 * Indicators that move with another by the same ratio in the same country and year, because
 * they are the same quantity on another basis: with GDP, government spending, exchange rate
 * and population fixed, every measure of defense spending moves in proportion. `inverse`
 * moves by the reciprocal (a larger GDP with spending held is a smaller share of GDP).
 * Followed one step only; `propagate: false` on a change turns it off.
 */
const SPENDING = ['milex_share_gdp', 'nato_defexp_share_gdp', 'milex_share_govt', 'milex_usd_current', 'milex_usd_constant_2023', 'milex_local_currency', 'milex_per_capita_usd'];
const GDP = ['gdp_usd_current', 'gdp_usd_current_curated'];
const HNS = ['hns_usd', 'hns_local_currency'];
const TROOPS_BY_SERVICE = ['us_troops_army', 'us_troops_navy', 'us_troops_air_force', 'us_troops_marine_corps'];

export const LINKS: Readonly<Record<string, readonly { indicator: string; inverse?: boolean }[]>> = {
  ...Object.fromEntries(SPENDING.map((id) => [id, SPENDING.filter((o) => o !== id).map((indicator) => ({ indicator }))])),
  ...Object.fromEntries(GDP.map((id) => [id, [
    ...GDP.filter((o) => o !== id).map((indicator) => ({ indicator })),
    { indicator: 'gdp_per_capita_usd' },
    { indicator: 'milex_share_gdp', inverse: true },
    { indicator: 'nato_defexp_share_gdp', inverse: true },
  ]])),
  population: [{ indicator: 'gdp_per_capita_usd', inverse: true }, { indicator: 'milex_per_capita_usd', inverse: true }],
  // The offset share is not linked: it is support / (support + U.S. non-personnel costs), not
  // proportional to the agreement payment, and DoD's figures are of other years.
  ...Object.fromEntries(HNS.map((id) => [id, HNS.filter((o) => o !== id).map((indicator) => ({ indicator }))])),
  us_troops_active_duty: [...TROOPS_BY_SERVICE.map((indicator) => ({ indicator })), { indicator: 'us_stationing_cost_usd' }],
};

/** Indicators every link of `ids` reaches (the baseline projects them too). */
export function linkedIndicators(ids: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const id of ids) for (const l of LINKS[id] ?? []) out.add(l.indicator);
  return [...out].sort();
}

/**
 * The U.S.-dollar indicators that are local-currency amounts converted at the market rate:
 * what an exchange-rate change moves (unless a change lists its own). Constant-dollar series
 * are at 2023 exchange rates by definition, so a later rate change leaves them alone unless
 * a scenario says otherwise.
 */
export const CONVERTED = ['milex_usd_current', 'milex_per_capita_usd', 'gdp_usd_current', 'gdp_usd_current_curated', 'gdp_per_capita_usd', 'hns_usd'];

/** Indicators that measure what U.S. forces can use in an ally: the forward-access assets. */
export const FORWARD_ACCESS = ['us_troops_active_duty', 'us_troops_rotational', ...TROOPS_BY_SERVICE, 'us_base_sites', 'us_lilypad_sites', 'exclusive_use_facilities'];

/** What each event changes when a scenario does not name the items. */
export const EVENTS: Readonly<Record<EventKind, { label: string; defaultItems: (m: Methodology) => string[] }>> = {
  base_access_denied: {
    label: 'base access denied',
    // Asset items only: the forces still cost what they cost where they are based.
    defaultItems: (m) => m.items.filter((it) => it.side === 'asset' && measureIndicators(it.measure).some((id) => FORWARD_ACCESS.includes(id))).map((it) => it.id),
  },
};

/** Every indicator a measure reads. */
export function measureIndicators(x: Measure): string[] {
  return latestReads(x).map((read) => read.indicator);
}

/**
 * The order changes apply in, whatever their order in a file: levels (set, path) first, then
 * proportional changes, then additions, then currency valuation (so a shock converts the final
 * local-currency amounts), then events, judgments and weights, which do not touch the data.
 * Within a phase, file order; across composed scenarios, the order given (compose.ts).
 */
export const PHASES: readonly ChangeKind[][] = [['set', 'path'], ['scale'], ['add'], ['exchange_rate'], ['event'], ['judgment'], ['weight']];

export function phaseOf(kind: ChangeKind): number {
  return PHASES.findIndex((p) => p.includes(kind));
}

/** Stable sort of changes into application order. */
export function orderChanges(changes: readonly ScenarioChange[]): ScenarioChange[] {
  return changes.map((c, i) => ({ c, i })).sort((a, b) => phaseOf(a.c.spec.kind) - phaseOf(b.c.spec.kind) || a.i - b.i).map((x) => x.c);
}

/** The years a selector names, given the horizon. */
export function yearsOf(selector: YearSelector | undefined, horizon: number): number[] {
  if (selector === undefined) return [horizon];
  if (typeof selector === 'number') return [selector];
  if (Array.isArray(selector)) return [...new Set(selector)].sort((a, b) => a - b);
  const out: number[] = [];
  for (let y = selector.from; y <= (selector.to ?? horizon); y++) out.push(y);
  return out;
}

/** Numbers as people read them: thousands grouped, billions and trillions named, four significant digits below 1000. */
export function formatValue(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e12) return `${Number((x / 1e12).toPrecision(4))} tn`;
  if (a >= 1e9) return `${Number((x / 1e9).toPrecision(4))} bn`;
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a === 0) return '0';
  return String(Number(x.toPrecision(4)));
}

/** Working copies of the series a change touches, committed as a new overlay. */
class SeriesEdits {
  private readonly changed = new Map<string, Observation[]>();
  count = 0;

  constructor(private readonly world: World) {}

  series(country: string, indicator: string, counterpart: string): Observation[] {
    const key = seriesKey(country, indicator, counterpart);
    let list = this.changed.get(key);
    if (!list) {
      list = [...seriesIn(this.world.base, this.world.overlay, country, indicator, counterpart)];
      this.changed.set(key, list);
    }
    return list;
  }

  /** The present observations of a year (several when sources differ). */
  presentAt(country: string, indicator: string, counterpart: string, year: number): Observation[] {
    return this.series(country, indicator, counterpart).filter((o) => o.year === year && o.value !== null);
  }

  replace(before: Observation, after: Observation): void {
    const list = this.series(before.country, before.indicator, before.counterpart);
    list[list.indexOf(before)] = after;
    this.count++;
  }

  insert(o: Observation): void {
    const list = this.series(o.country, o.indicator, o.counterpart);
    // A missing-value row of the same year gives way to the scenario's value.
    const kept = list.filter((x) => !(x.year === o.year && x.value === null));
    kept.push(o);
    kept.sort(compareObservations);
    this.changed.set(seriesKey(o.country, o.indicator, o.counterpart), kept);
    this.count++;
  }

  commit(): SeriesOverlay {
    if (this.changed.size === 0) return this.world.overlay;
    const next = new Map(this.world.overlay);
    for (const [key, list] of this.changed) next.set(key, list);
    return next;
  }
}

function provenance(change: ScenarioChange): { source: string; locator: string } {
  const c: Citation = change.spec.citations[0];
  return { source: c.source, locator: `scenario ${change.scenario}, change ${change.index + 1} (${change.origin}); ${c.source} ${c.locator}` };
}

function was(o: Observation): string {
  const from = o.source === PROJECTION_SOURCE ? 'baseline projection' : `${o.source} ${o.locator}`;
  return `was ${formatValue(o.value!)} (${from})`;
}

function scaled(x: number | null, f: (v: number) => number): number | null {
  return x === null ? null : f(x);
}

/**
 * Move one indicator of one country in one year, and its linked indicators by the same ratio.
 * `next` gives the new value from the old; `fresh` is the value to write where there is none
 * (set and path only).
 */
function moveValue(
  edits: SeriesEdits, change: ScenarioChange, effect: ChangeEffect,
  where: { country: string; indicator: string; counterpart: string; year: number },
  next: (old: number) => number, fresh: number | null, verb: string, propagate: boolean, keepRange: boolean,
): void {
  const { country, indicator, counterpart, year } = where;
  const from = provenance(change);
  const present = edits.presentAt(country, indicator, counterpart, year);
  if (present.length === 0) {
    if (fresh === null) {
      effect.skipped.push(`${country} has no ${indicator} in ${year} to ${verb}`);
      return;
    }
    edits.insert({
      country, counterpart, indicator, year, value: fresh, low: null, high: null, ...from,
      flags: ['derived'], note: `scenario ${change.scenario}: ${verb}; no value before`,
    });
    return;
  }
  let ratio: number | null = null;
  for (const o of present) {
    const value = next(o.value!);
    if (ratio === null) ratio = o.value !== 0 ? value / o.value! : null;
    const r = o.value !== 0 ? value / o.value! : null;
    edits.replace(o, {
      ...o, ...from, value,
      low: keepRange && r !== null ? scaled(o.low, (x) => x * r) : null,
      high: keepRange && r !== null ? scaled(o.high, (x) => x * r) : null,
      flags: [...new Set(['derived' as const, ...(keepRange ? o.flags.filter((f) => f === 'estimate' || f === 'uncertain') : [])])].sort(),
      note: `scenario ${change.scenario}: ${verb}; ${was(o)}`,
    });
  }
  if (!propagate || ratio === 1) return;
  if (ratio === null) {
    if ((LINKS[indicator] ?? []).length) effect.skipped.push(`${country} ${indicator} was 0 in ${year}, so its linked indicators cannot move by a ratio`);
    return;
  }
  for (const link of LINKS[indicator] ?? []) {
    const r = link.inverse ? 1 / ratio : ratio;
    for (const o of edits.presentAt(country, link.indicator, '', year)) {
      edits.replace(o, {
        ...o, ...from, value: o.value! * r, low: scaled(o.low, (x) => x * r), high: scaled(o.high, (x) => x * r),
        flags: [...new Set(['derived' as const, ...o.flags.filter((f) => f === 'estimate' || f === 'uncertain')])].sort(),
        note: `scenario ${change.scenario}: moves with ${indicator} (x${formatValue(r)}${link.inverse ? ', inverse' : ''}); ${was(o)}`,
      });
    }
  }
}

function applyIndicatorChange(world: World, change: ScenarioChange, spec: Extract<Change, { kind: 'set' | 'scale' | 'add' }>): { world: World; effect: ChangeEffect } {
  const effect: ChangeEffect = { ref: change.ref, observations: 0, notes: [], skipped: [] };
  const edits = new SeriesEdits(world);
  const cp = spec.counterpart ?? '';
  for (const country of change.countries) {
    for (const year of yearsOf(spec.years, world.year)) {
      const where = { country, indicator: spec.indicator, counterpart: cp, year };
      if (spec.kind === 'set') moveValue(edits, change, effect, where, () => spec.value, spec.value, `set to ${formatValue(spec.value)}`, spec.propagate, false);
      else if (spec.kind === 'scale') moveValue(edits, change, effect, where, (v) => v * spec.factor, null, `x${formatValue(spec.factor)}`, spec.propagate, true);
      else moveValue(edits, change, effect, where, (v) => v + spec.amount, null, `${spec.amount >= 0 ? '+' : ''}${formatValue(spec.amount)}`, spec.propagate, false);
    }
  }
  effect.observations = edits.count;
  return { world: makeWorld({ ...world, overlay: edits.commit() }), effect };
}

/** The last observed (not projected, not scenario-made) value a path starts from. */
export function pathStart(base: Evidence, country: string, indicator: string, counterpart: string, before: number): Observation | undefined {
  return base.latest(country, indicator, { counterpart, upTo: before - 1 });
}

export function pathPoints(spec: Extract<Change, { kind: 'path' }>): PathPoint[] {
  return spec.points ?? [{ year: spec.year!, value: spec.target! }];
}

function applyPath(world: World, change: ScenarioChange, spec: Extract<Change, { kind: 'path' }>): { world: World; effect: ChangeEffect } {
  const effect: ChangeEffect = { ref: change.ref, observations: 0, notes: [], skipped: [] };
  const edits = new SeriesEdits(world);
  const cp = spec.counterpart ?? '';
  const points = pathPoints(spec);
  for (const country of change.countries) {
    const start = pathStart(world.base, country, spec.indicator, cp, points[0].year);
    if (!start) {
      effect.skipped.push(`${country} has no ${spec.indicator} before ${points[0].year} to start the path from`);
      continue;
    }
    const values = pathValues({ year: start.year, value: start.value! }, points, world.year);
    const moved: string[] = [];
    for (const [year, target] of values) {
      const where = { country, indicator: spec.indicator, counterpart: cp, year };
      const keep = (old: number) => (spec.bound === 'at_least' ? Math.max(old, target) : spec.bound === 'at_most' ? Math.min(old, target) : target);
      const before = edits.presentAt(country, spec.indicator, cp, year)[0]?.value ?? null;
      moveValue(edits, change, effect, where, keep, target, `path to ${points.map((p) => `${formatValue(p.value)} in ${p.year}`).join(', ')}`, spec.propagate, false);
      if (before === null || keep(before) !== before) moved.push(String(year));
    }
    const last = points[points.length - 1];
    effect.notes.push(moved.length
      ? `${country}: ${spec.indicator} from ${formatValue(start.value!)} (${start.year}) to ${formatValue(last.value)} in ${last.year}`
      : `${country}: ${spec.indicator} already ${spec.bound === 'at_most' ? 'below' : 'beyond'} the path (${formatValue(start.value!)} in ${start.year}); unchanged`);
  }
  effect.observations = edits.count;
  return { world: makeWorld({ ...world, overlay: edits.commit() }), effect };
}

/** Local-currency units per U.S. dollar implied by SIPRI's two spending series, when both exist. */
export function impliedRate(evidence: Evidence, country: string, year: number): number | null {
  const local = evidence.value(country, 'milex_local_currency', year)?.value;
  const usd = evidence.value(country, 'milex_usd_current', year)?.value;
  return local && usd ? local / (usd * 1e6) : null;
}

function applyExchangeRate(world: World, change: ScenarioChange, spec: Extract<Change, { kind: 'exchange_rate' }>): { world: World; effect: ChangeEffect } {
  const effect: ChangeEffect = { ref: change.ref, observations: 0, notes: [], skipped: [] };
  const edits = new SeriesEdits(world);
  const factor = 1 + spec.change_pct / 100;
  const indicators = spec.indicators ?? CONVERTED;
  const years = yearsOf(spec.years, world.year);
  for (const country of change.countries) {
    for (const year of years) {
      for (const indicator of indicators) {
        const present = edits.presentAt(country, indicator, '', year);
        for (const o of present) {
          edits.replace(o, {
            ...o, ...provenance(change), value: o.value! * factor, low: scaled(o.low, (x) => x * factor), high: scaled(o.high, (x) => x * factor),
            flags: [...new Set(['derived' as const, ...o.flags.filter((f) => f === 'estimate' || f === 'uncertain')])].sort(),
            note: `scenario ${change.scenario}: currency worth ${formatValue(Math.abs(spec.change_pct))}% ${spec.change_pct < 0 ? 'fewer' : 'more'} U.S. dollars; ${was(o)}`,
          });
        }
      }
    }
    const rate = impliedRate(world.evidence, country, world.year);
    if (rate !== null && years.includes(world.year)) {
      effect.notes.push(`${country}: ${formatValue(rate)} local currency units per U.S. dollar in ${world.year} become ${formatValue(rate / factor)}`);
    }
  }
  effect.observations = edits.count;
  return { world: makeWorld({ ...world, overlay: edits.commit() }), effect };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function applyJudgment(world: World, change: ScenarioChange, spec: Extract<Change, { kind: 'judgment' }>): { world: World; effect: ChangeEffect } {
  const effect: ChangeEffect = { ref: change.ref, observations: 0, notes: [], skipped: [] };
  const scale = world.methodology.judgments[spec.judgment].scale;
  const from = spec.from ?? world.year;
  const book = new JudgmentBook(world.judgments);
  let judgments = [...world.judgments];
  for (const ally of change.countries) {
    const current = book.find(spec.judgment, ally, from);
    if (spec.shift !== undefined && !current) {
      effect.skipped.push(`${ally} has no rating of ${spec.judgment} in ${from} to shift`);
      continue;
    }
    const value = spec.value ?? clamp(current!.value + spec.shift!, scale.min, scale.max);
    const shifted = (x: number | undefined) => (x === undefined ? undefined : clamp(x + (spec.shift ?? 0), scale.min, scale.max));
    const low = Math.min(value, spec.low ?? (spec.shift !== undefined ? shifted(current?.low) ?? value : value));
    const high = Math.max(value, spec.high ?? (spec.shift !== undefined ? shifted(current?.high) ?? value : value));
    // The ally's earlier ratings stay in force up to the year before the scenario's.
    judgments = judgments.flatMap((j) => {
      if (j.judgment !== spec.judgment || j.ally !== ally || (j.to ?? Infinity) < from) return [j];
      if ((j.from ?? -Infinity) >= from) return [];
      return [{ ...j, to: from - 1 }];
    });
    judgments.push({
      judgment: spec.judgment, ally, from, to: null, value, low, high,
      rationale: spec.rationale, citations: spec.citations, author: `scenario ${change.scenario}`, date: '', origin: change.origin,
    });
    effect.notes.push(`${ally}: ${spec.judgment} ${current ? formatValue(current.value) : 'unrated'} -> ${formatValue(value)} from ${from}`);
    effect.observations++;
  }
  return { world: makeWorld({ ...world, judgments }), effect };
}

function applyWeight(world: World, change: ScenarioChange, spec: Extract<Change, { kind: 'weight' }>): { world: World; effect: ChangeEffect } {
  const effect: ChangeEffect = { ref: change.ref, observations: 0, notes: [], skipped: [] };
  const items = world.methodology.items.map((it): LineItem => {
    if (!change.items.includes(it.id)) return it;
    const weight = spec.weight ?? it.weight * spec.factor!;
    effect.notes.push(`${it.id}: weight ${formatValue(it.weight)} -> ${formatValue(weight)}`);
    return { ...it, weight };
  });
  return { world: makeWorld({ ...world, methodology: { ...world.methodology, items } }), effect };
}

/** The judgment prefix of event factors (a methodology never defines such ids itself). */
export const EVENT_JUDGMENT = 'scenario_event_';

/**
 * An event scales items of some allies by a factor without touching the indicators other
 * items share (troops hosted are a forward-access asset and a stationing cost): each affected
 * item's measure is multiplied by a rating that is 1 for every ally but the ones hit.
 */
function applyEvent(world: World, change: ScenarioChange, spec: Extract<Change, { kind: 'event' }>): { world: World; effect: ChangeEffect } {
  const effect: ChangeEffect = { ref: change.ref, observations: 0, notes: [], skipped: [] };
  const m = world.methodology;
  const id = `${EVENT_JUDGMENT}${Object.keys(m.judgments).filter((k) => k.startsWith(EVENT_JUDGMENT)).length + 1}`;
  const factor = 1 - spec.share;
  const methodology: Methodology = {
    ...m,
    judgments: {
      ...m.judgments,
      [id]: { label: `${EVENTS[spec.event].label} (${change.ref})`, question: 'Share of the item\'s value the United States can still use in the contingency.', scale: { min: 0, max: 1, labels: {} } },
    },
    items: m.items.map((it) => (change.items.includes(it.id)
      ? { ...it, measure: { op: 'product', of: [it.measure, { op: 'judgment', judgment: id }] } }
      : it)),
  };
  const hit = new Set(change.countries);
  const ratings: Judgment[] = world.allies.map((ally) => ({
    judgment: id, ally, from: null, to: null,
    value: hit.has(ally) ? factor : 1, low: hit.has(ally) ? factor : 1, high: hit.has(ally) ? factor : 1,
    rationale: spec.rationale, citations: spec.citations, author: `scenario ${change.scenario}`, date: '', origin: change.origin,
  }));
  for (const ally of change.countries) effect.notes.push(`${ally}: ${change.items.join(', ')} x${formatValue(factor)}`);
  effect.observations = change.countries.length * change.items.length;
  return { world: makeWorld({ ...world, methodology, judgments: [...world.judgments, ...ratings] }), effect };
}

/** Apply one change. */
export function applyChange(world: World, change: ScenarioChange): { world: World; effect: ChangeEffect } {
  const spec = change.spec;
  switch (spec.kind) {
    case 'set':
    case 'scale':
    case 'add': return applyIndicatorChange(world, change, spec);
    case 'path': return applyPath(world, change, spec);
    case 'exchange_rate': return applyExchangeRate(world, change, spec);
    case 'judgment': return applyJudgment(world, change, spec);
    case 'weight': return applyWeight(world, change, spec);
    case 'event': return applyEvent(world, change, spec);
  }
}

/** Apply changes in application order; the worlds after each change, for attribution. */
export function applyChanges(world: World, changes: readonly ScenarioChange[]): { worlds: World[]; effects: ChangeEffect[]; order: ScenarioChange[] } {
  const order = orderChanges(changes);
  const worlds = [world];
  const effects: ChangeEffect[] = [];
  for (const change of order) {
    const { world: next, effect } = applyChange(worlds[worlds.length - 1], change);
    worlds.push(next);
    effects.push(effect);
  }
  return { worlds, effects, order };
}

/** A one-line description of a change, for lists and diffs. */
export function describeChange(spec: Change, countries: readonly string[], items: readonly string[]): string {
  const who = countries.length > 6 ? `${countries.length} countries` : countries.join(', ');
  switch (spec.kind) {
    case 'set': return `set ${spec.indicator} of ${who} to ${formatValue(spec.value)}`;
    case 'scale': return `${spec.indicator} of ${who} x${formatValue(spec.factor)}`;
    case 'add': return `${spec.indicator} of ${who} ${spec.amount >= 0 ? '+' : ''}${formatValue(spec.amount)}`;
    case 'path': {
      const pts = pathPoints(spec).map((p) => `${formatValue(p.value)} in ${p.year}`).join(', then ');
      return `${spec.indicator} of ${who} on a path to ${pts}${spec.bound === 'exact' ? '' : ` (${spec.bound.replace('_', ' ')})`}`;
    }
    case 'exchange_rate': return `currency of ${who} ${spec.change_pct > 0 ? '+' : ''}${formatValue(spec.change_pct)}% against the U.S. dollar`;
    case 'judgment': return `judgment ${spec.judgment} of ${who} ${spec.value !== undefined ? `set to ${formatValue(spec.value)}` : `${spec.shift! >= 0 ? '+' : ''}${formatValue(spec.shift!)}`}`;
    case 'weight': return `weight of ${items.join(', ')} ${spec.weight !== undefined ? `set to ${formatValue(spec.weight)}` : `x${formatValue(spec.factor!)}`}`;
    case 'event': return `${EVENTS[spec.event].label} in ${who}${spec.share < 1 ? ` (${Math.round(spec.share * 100)}% of access)` : ''}: ${items.join(', ')}`;
  }
}
