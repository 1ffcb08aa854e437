// Judgments: expert ratings no dataset provides (domestic constraints on the use of force,
// leadership commitment, ...), each on the scale its methodology defines, with a range,
// a rationale, citations, an author and a date. A judgment may hold for a span of years.
import { z } from 'zod';
import { Citation } from './methodology.ts';
import type { Methodology } from './methodology.ts';
import { parseLocatedYaml } from './yaml.ts';
import type { FieldPath, LocatedYaml } from './yaml.ts';

// Stated bounds: years within the evidence's era, ratings within the largest scale a
// methodology may define (checkJudgments then holds them to the judgment's own scale).
const Year = z.number().int().min(1946, 'from 1946 (the evidence starts in 1946)').max(2100, 'at most 2100');
const Rating = z.number().min(-1000, 'at least -1000').max(1000, 'at most 1000');
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date YYYY-MM-DD');

export const JudgmentEntry = z.object({
  judgment: z.string().min(1).describe('a judgment id defined in the methodology'),
  ally: z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 3166 code such as JPN'),
  from: Year.optional().describe('first year the rating applies (default: always)'),
  to: Year.optional().describe('last year the rating applies (default: still)'),
  value: Rating,
  low: Rating,
  high: Rating,
  rationale: z.string().min(20),
  citations: z.array(Citation).min(1),
  author: z.string().min(1).optional(),
  date: IsoDate.optional(),
}).strict();

export const JudgmentsFile = z.object({
  judgments: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a semantic version such as 1.0.0'),
  description: z.string().min(1),
  author: z.string().min(1).describe('default author of the entries'),
  date: IsoDate.describe('default date of the entries'),
  entries: z.array(JudgmentEntry),
}).strict();
export type JudgmentsFile = z.infer<typeof JudgmentsFile>;

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

const HINT = 'Fix the judgments file (format: judgments/default.yaml, schema: src/method/judgments.ts).';

export function parseJudgments(file: string, text: string): LocatedYaml<JudgmentsFile> {
  return parseLocatedYaml(file, text, JudgmentsFile, HINT);
}

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
  const fail = (path: FieldPath, problem: string, hint = HINT): never => {
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
