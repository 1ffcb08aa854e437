// Judgments as the engine uses them: the semantic checks of a judgments file (known judgment,
// covered ally, value inside the scale, known sources), overlaying a user's set on the default,
// and the look-up of the rating in force. Plain functions over the checked data: no YAML parser
// and no schema library (those are src/method/judgments.ts's, which exports these too).
import type { Citation, Methodology } from './methodology.ts';
import type { JudgmentsFile } from './judgments.ts';
import type { FieldPath, LocatedYaml } from './located.ts';

/** A judgment as the engine uses it: author and date always filled, its origin kept. */
export interface Judgment {
  judgment: string;
  ally: string;
  from: number | null;
  to: number | null;
  value: number;
  low: number;
  high: number;
  rationale: string;
  citations: Citation[];
  author: string;
  date: string;
  /** file:line the rating comes from. */
  origin: string;
  /** Who rated it, in which round, how far the raters spread, the published set's version (team server sets only). */
  provenance?: {
    set_version: number;
    round: number | null;
    round_id: number | null;
    raters: string[];
    aggregation: string | null;
    spread: { n: number; min: number; max: number; values: number[] } | null;
  };
}

export const JUDGMENTS_HINT = 'Fix the judgments file (format: judgments/default.yaml, schema: src/method/judgments.ts).';


/**
 * Hold a judgments file against a methodology and the covered allies: known judgment,
 * covered ally, value and range inside the scale, no overlapping spans, known sources.
 */
export function checkJudgments(
  located: LocatedYaml<JudgmentsFile>,
  methodology: Methodology,
  allies: ReadonlySet<string>,
  sources: ReadonlySet<string>,
): Judgment[] {
  const f = located.data;
  const fail = (path: FieldPath, problem: string, hint = JUDGMENTS_HINT): never => {
    throw located.error(path, problem, hint);
  };
  const out: Judgment[] = [];
  f.entries.forEach((e, i) => {
    const at = (...rest: (string | number)[]): FieldPath => ['entries', i, ...rest];
    const def = methodology.judgments[e.judgment] ?? fail(at('judgment'), `unknown judgment "${e.judgment}"`, `The methodology defines: ${Object.keys(methodology.judgments).join(', ') || 'none'}.`);
    if (!allies.has(e.ally)) fail(at('ally'), `unknown ally code "${e.ally}"`, 'Use the ISO code of a covered ally (curated/allies.yaml).');
    const { min, max } = def.scale;
    for (const key of ['value', 'low', 'high'] as const) {
      if (e[key] < min || e[key] > max) fail(at(key), `${key} ${e[key]} is outside the scale of "${e.judgment}" (${min} to ${max})`);
    }
    if (!(e.low <= e.value && e.value <= e.high)) fail(at('low'), `the range must contain the value: low ${e.low} <= value ${e.value} <= high ${e.high}`);
    if (e.from !== undefined && e.to !== undefined && e.to < e.from) fail(at('to'), `to (${e.to}) is before from (${e.from})`);
    e.citations.forEach((c, k) => {
      if (!sources.has(c.source)) fail(at('citations', k, 'source'), `unknown source "${c.source}"`, 'Cite a source id from evidence/sources.csv.');
    });
    out.push({
      judgment: e.judgment, ally: e.ally, from: e.from ?? null, to: e.to ?? null,
      value: e.value, low: e.low, high: e.high, rationale: e.rationale, citations: e.citations,
      author: e.author ?? f.author, date: e.date ?? f.date, origin: `${located.file}:${located.lineOf(['entries', i]) ?? '?'}`,
    });
  });
  const byKey = new Map<string, number[]>();
  out.forEach((j, i) => {
    const key = `${j.judgment} ${j.ally}`;
    const list = byKey.get(key) ?? [];
    for (const k of list) {
      const o = out[k];
      if ((j.from ?? -Infinity) <= (o.to ?? Infinity) && (o.from ?? -Infinity) <= (j.to ?? Infinity)) {
        fail(['entries', i, 'from'], `the years overlap those of entries.${k} for ${j.judgment} / ${j.ally}`, 'Give each span of years one rating (use from/to).');
      }
    }
    list.push(i);
    byKey.set(key, list);
  });
  return out;
}

/**
 * Overlay a user's judgments on a base set: for every (judgment, ally) the user rates, the
 * user's entries replace all base entries.
 */
export function overlayJudgments(base: readonly Judgment[], overrides: readonly Judgment[]): Judgment[] {
  const replaced = new Set(overrides.map((j) => `${j.judgment} ${j.ally}`));
  return [...base.filter((j) => !replaced.has(`${j.judgment} ${j.ally}`)), ...overrides];
}

/** Look-up of the rating in force for (judgment, ally, year). */
export class JudgmentBook {
  private readonly byKey = new Map<string, Judgment[]>();

  constructor(readonly entries: readonly Judgment[]) {
    for (const j of entries) {
      const key = `${j.judgment} ${j.ally}`;
      const list = this.byKey.get(key) ?? [];
      list.push(j);
      this.byKey.set(key, list);
    }
  }

  find(judgment: string, ally: string, year: number): Judgment | undefined {
    return this.byKey.get(`${judgment} ${ally}`)?.find((j) => (j.from ?? -Infinity) <= year && year <= (j.to ?? Infinity));
  }

  /** (judgment, ally) pairs with no rating in force in `year`: what a complete set must fill. */
  gaps(judgments: readonly string[], allies: readonly string[], year: number): { judgment: string; ally: string }[] {
    const out: { judgment: string; ally: string }[] = [];
    for (const judgment of judgments) for (const ally of allies) if (!this.find(judgment, ally, year)) out.push({ judgment, ally });
    return out;
  }
}
