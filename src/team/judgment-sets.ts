// Judgment sets as the team server keeps them: the entries of a judgments file, each with its
// provenance (raters, round, spread, the set's version) when a round rated it. The default
// YAML file is imported as set 1; any set exports back to the same YAML format, so files and
// the server stay interchangeable. Aggregation of a round's ratings into one entry is stated
// and selectable (median by default).
import { stringify } from 'yaml';
import type { Citation } from '../method/methodology.ts';
import type { Judgment, JudgmentsFile } from '../method/judgments.ts';

export const AGGREGATIONS = ['median', 'mean'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const AGGREGATION_RULE: Record<Aggregation, string> = {
  median: 'value: the median of the raters\' values; range: from the lower of the median low and the lowest rater\'s value to the higher of the median high and the highest rater\'s value, so robustness draws cover the raters\' spread',
  mean: 'value: the mean of the raters\' values; range: from the lower of the mean low and the lowest rater\'s value to the higher of the mean high and the highest rater\'s value, so robustness draws cover the raters\' spread',
};

export interface Provenance {
  set_version: number;
  round: number | null;
  round_id: number | null;
  raters: string[];
  aggregation: Aggregation | null;
  spread: { n: number; min: number; max: number; values: number[] } | null;
}

/** One entry of a stored set: a judgment without its file origin, with its provenance. */
export type SetEntry = Omit<Judgment, 'origin' | 'provenance'> & { provenance: Provenance };

export interface JudgmentSet {
  version: number;
  name: string;
  description: string;
  round_id: number | null;
  aggregation: string | null;
  published_by: string | null;
  published_at: string;
  entries: SetEntry[];
}

export function entriesFromJudgments(judgments: readonly Judgment[], setVersion: number): SetEntry[] {
  return judgments.map((j) => ({
    judgment: j.judgment, ally: j.ally, from: j.from, to: j.to, value: j.value, low: j.low, high: j.high,
    rationale: j.rationale, citations: j.citations.map((c) => ({ source: c.source, locator: c.locator ?? '' })), author: j.author, date: j.date,
    provenance: { set_version: setVersion, round: null, round_id: null, raters: [j.author], aggregation: null, spread: null },
  }));
}

/** The engine's judgments from a stored set; the provenance rides along to every ledger line. */
export function judgmentsOfSet(set: JudgmentSet): Judgment[] {
  return set.entries.map((e, i) => ({
    judgment: e.judgment, ally: e.ally, from: e.from, to: e.to, value: e.value, low: e.low, high: e.high,
    rationale: e.rationale, citations: e.citations, author: e.author, date: e.date,
    origin: `judgment set v${set.version}, entry ${i}`, provenance: e.provenance,
  }));
}

/** The set as a judgments file (judgments/default.yaml's format); `allies ... --judgments FILE` reads it back. */
export function setToYaml(set: JudgmentSet): string {
  const file: JudgmentsFile = {
    judgments: set.name,
    version: `${set.version}.0.0`,
    description: set.description,
    author: 'Alliance Ledger team server',
    date: set.published_at.slice(0, 10),
    entries: set.entries.map((e) => ({
      judgment: e.judgment, ally: e.ally,
      ...(e.from !== null ? { from: e.from } : {}), ...(e.to !== null ? { to: e.to } : {}),
      value: e.value, low: e.low, high: e.high, rationale: e.rationale,
      citations: e.citations.map((c) => ({ source: c.source, locator: c.locator ?? '' })), author: e.author, date: e.date,
    })),
  };
  const header = `# Judgment set v${set.version} exported from the Alliance Ledger team server${set.round_id !== null ? ` (round ${set.round_id}, aggregation: ${set.aggregation})` : ''}.\n# Schema: src/method/judgments.ts. Raters and spread per entry are in the author and rationale fields.\n`;
  return header + stringify(file, { lineWidth: 0 });
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function aggregateOf(rule: Aggregation, xs: readonly number[]): number {
  return rule === 'median' ? median(xs) : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export interface RatingForAggregate {
  rater: string;
  value: number;
  low: number;
  high: number;
  rationale: string;
  citations: Citation[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** One item's published entry from its raters' ratings: value by the rule, range widened to the raters' spread. */
export function aggregateRatings(rule: Aggregation, ratings: readonly RatingForAggregate[], scale: { min: number; max: number }): Pick<SetEntry, 'value' | 'low' | 'high' | 'rationale' | 'citations' | 'author'> & { spread: NonNullable<Provenance['spread']> } {
  const values = ratings.map((r) => r.value);
  const value = round3(aggregateOf(rule, values));
  const low = Math.max(scale.min, Math.min(round3(aggregateOf(rule, ratings.map((r) => r.low))), Math.min(...values), value));
  const high = Math.min(scale.max, Math.max(round3(aggregateOf(rule, ratings.map((r) => r.high))), Math.max(...values), value));
  const citations: Citation[] = [];
  for (const r of ratings) for (const c of r.citations) if (!citations.some((k) => k.source === c.source && k.locator === c.locator)) citations.push(c);
  const raters = ratings.map((r) => r.rater);
  return {
    value, low, high, citations,
    author: raters.join('; '),
    rationale: `The ${rule} of ${ratings.length} raters (${[...values].sort((a, b) => a - b).join(', ')}). ${ratings.map((r, i) => `[${i + 1}] ${r.rationale}`).join(' ')}`,
    spread: { n: ratings.length, min: Math.min(...values), max: Math.max(...values), values: [...values].sort((a, b) => a - b) },
  };
}
