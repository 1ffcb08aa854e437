// Judgments: expert ratings no dataset provides (domestic constraints on the use of force,
// leadership commitment, ...), each on the scale its methodology defines, with a range,
// a rationale, citations, an author and a date. A judgment may hold for a span of years.
import { z } from 'zod';
import { Citation } from './methodology.ts';
import { JUDGMENTS_HINT } from './judgment-book.ts';
import { parseLocatedYaml } from './yaml.ts';
import type { LocatedYaml } from './yaml.ts';

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

export { checkJudgments, overlayJudgments, JudgmentBook, JUDGMENTS_HINT } from './judgment-book.ts';
export type { Judgment } from './judgment-book.ts';

export function parseJudgments(file: string, text: string): LocatedYaml<JudgmentsFile> {
  return parseLocatedYaml(file, text, JudgmentsFile, JUDGMENTS_HINT, { cache: 'judgments' });
}

