// Several scenarios as one, and scenarios side by side.
//
// Composition order (deterministic, whatever the files contain):
//   1. the scenarios in the order they are given (`allies scenario run A B` gives A, then B);
//   2. their changes concatenated in that order, each scenario's in its file order;
//   3. stably sorted by phase (PHASES in apply.ts): levels (set, path), then scale, add,
//      exchange rate, events, judgments, weights.
// So a scale in A applies after a path in B (phases first), and when A and B both set or
// path the same indicator of the same country, B's level wins because it applies later
// within the phase; conflicts() lists such overlaps so the output can say so. The horizon is
// the latest of the parts; defaults that depend on it (the years a change applies to when
// it names none, the year a path holds to) follow the composed horizon. Pure.
import { orderChanges, yearsOf } from './apply.ts';
import type { ScenarioChange } from './apply.ts';
import type { Scenario } from './load.ts';
import type { ScenarioResult, Totals } from './run.ts';
import type { Citation } from './schema.ts';

export function composeScenarios(parts: readonly Scenario[]): Scenario {
  if (parts.length === 0) throw new Error('compose at least one scenario');
  if (parts.length === 1) return parts[0];
  const seen = new Set<string>();
  for (const p of parts) {
    if (seen.has(p.id)) throw new Error(`scenario ${p.id} is named twice; compose each scenario once`);
    seen.add(p.id);
  }
  const sources: Citation[] = [];
  for (const c of parts.flatMap((p) => p.sources)) {
    if (!sources.some((s) => s.source === c.source && s.locator === c.locator)) sources.push(c);
  }
  return {
    id: parts.map((p) => p.id).join('+'),
    title: parts.map((p) => p.title).join(', then '),
    description: parts.map((p) => `${p.title}: ${p.description}`).join('\n\n'),
    horizon: Math.max(...parts.map((p) => p.horizon)),
    sources,
    changes: orderChanges(parts.flatMap((p) => p.changes)),
    origin: parts.map((p) => p.origin).join(' + '),
    parts: parts.flatMap((p) => p.parts),
  };
}

/** What a change sets the level of: (country, indicator, counterpart, year) cells. */
function levelCells(c: ScenarioChange, horizon: number): string[] {
  const spec = c.spec;
  if (spec.kind !== 'set' && spec.kind !== 'path') return [];
  const years = spec.kind === 'set' ? yearsOf(spec.years, horizon) : [horizon];
  return c.countries.flatMap((country) => years.map((y) => `${country} ${spec.indicator}${spec.counterpart ? `→${spec.counterpart}` : ''} ${y}`));
}

/** Overlapping levels from different scenarios of a composition: the later one wins. */
export function conflicts(s: Scenario): string[] {
  const owner = new Map<string, ScenarioChange>();
  const out: string[] = [];
  for (const c of s.changes) {
    for (const cell of levelCells(c, s.horizon)) {
      const prior = owner.get(cell);
      if (prior && prior.scenario !== c.scenario) out.push(`${cell}: ${c.ref} (${c.label}) overrides ${prior.ref}`);
      owner.set(cell, c);
    }
  }
  return [...new Set(out)];
}

export interface ComparisonCell {
  scenario: string;
  before: Totals;
  after: Totals;
  netChange: number | null;
}

export interface Comparison {
  scenarios: { id: string; title: string; horizon: number }[];
  /** Allies any of the scenarios moves, by their largest |change of net|. */
  rows: { ally: string; name: string; cells: (ComparisonCell | null)[] }[];
}

/** Scenarios side by side: for every ally any of them moves, each one's totals before and after. */
export function compareScenarios(results: readonly ScenarioResult[]): Comparison {
  const names = new Map<string, string>();
  const byAlly = new Map<string, (ComparisonCell | null)[]>();
  results.forEach((r, i) => {
    for (const d of r.diff) {
      names.set(d.ally, d.name);
      const cells = byAlly.get(d.ally) ?? results.map(() => null);
      cells[i] = { scenario: r.scenario.id, before: d.before, after: d.after, netChange: d.before.net !== null && d.after.net !== null ? d.after.net - d.before.net : null };
      byAlly.set(d.ally, cells);
    }
  });
  const largest = (cells: (ComparisonCell | null)[]) => Math.max(0, ...cells.map((c) => Math.abs(c?.netChange ?? 0)));
  const rows = [...byAlly.entries()]
    .map(([ally, cells]) => ({ ally, name: names.get(ally) ?? ally, cells }))
    .sort((x, y) => largest(y.cells) - largest(x.cells) || (x.ally < y.ally ? -1 : 1));
  return { scenarios: results.map((r) => ({ id: r.scenario.id, title: r.scenario.title, horizon: r.year })), rows };
}
