// YAML files users edit (methodologies, judgments) are checked in two passes: the zod schema
// (shape, types) through parseYamlFile, then semantic checks against the evidence (unknown
// indicator, unknown ally, judgment outside its scale). Both kinds of error name the file,
// the line and the field, so this module keeps the parsed document to find lines by path.
import type { z } from 'zod';
import { CuratedFileError, parseYamlFileWithDocument } from '../evidence/sources.ts';

export { CuratedFileError };

export type FieldPath = readonly (string | number)[];

export interface LocatedYaml<T> {
  file: string;
  data: T;
  /** The line of the node at `path` (or of its nearest ancestor that has one). */
  lineOf(path: FieldPath): number | null;
  /** An error naming this file, the line of `path` and the field. */
  error(path: FieldPath, problem: string, hint: string): CuratedFileError;
}

export function parseLocatedYaml<T>(file: string, text: string, schema: z.ZodType<T>, hint: string): LocatedYaml<T> {
  // One parse: the checked one (aliases, nesting, root) whose document also gives the lines.
  const { data, doc } = parseYamlFileWithDocument(file, text, schema, hint);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const lineOf = (path: FieldPath): number | null => {
    for (let n = path.length; n >= 0; n--) {
      const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as { range?: [number, number, number] } | null | undefined;
      const offset = node?.range?.[0];
      if (offset !== undefined) return lineAt(offset);
    }
    return null;
  };
  return {
    file,
    data,
    lineOf,
    error: (path, problem, hint) => new CuratedFileError(file, lineOf(path), path.map(String).join('.'), problem, hint),
  };
}
