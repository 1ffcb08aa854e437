// YAML files users edit (methodologies, judgments) are checked in two passes: the zod schema
// (shape, types) through parseYamlFile, then semantic checks against the evidence (unknown
// indicator, unknown ally, judgment outside its scale). Both kinds of error name the file,
// the line and the field, so this module keeps the parsed document to find lines by path.
import { yamlLib } from '../evidence/yaml-lib.ts';
import type { z } from 'zod';
import { CuratedFileError, parseYamlData, parseYamlFileWithDocument } from '../evidence/sources.ts';
import { currentCheckedYamlCache, keyOf, lineInTree, located } from './located.ts';
import type { FieldPath, LineTree, LocatedYaml } from './located.ts';

export { located, keyOf, lineInTree, useCheckedYamlCache } from './located.ts';
export type { CheckedYamlCache, FieldPath, LineTree, LocatedYaml } from './located.ts';

export { CuratedFileError };

/**
 * Parse and validate a YAML file, keeping the lines of its nodes. With `cache` (a name for the
 * schema: 'methodology', 'judgments'), an unchanged file's result comes from the cache of
 * checked files when one is set (useCheckedYamlCache; src/method/files.ts sets
 * src/store/yaml-cache.ts) instead of the parser and the schema.
 */
export function parseLocatedYaml<T>(file: string, text: string, schema: z.ZodType<T>, hint: string, options: { cache?: string } = {}): LocatedYaml<T> {
  const cache = options.cache ? currentCheckedYamlCache() : null;
  if (cache && options.cache) {
    const hit = cache.read(options.cache, file, text);
    if (hit) return located(file, hit.data as T, (p) => lineInTree(hit.lines, p));
  }
  // One parse: the checked one (aliases, nesting, root) whose document also gives the lines.
  const { data, doc } = parseYamlFileWithDocument(file, text, schema, hint);
  const lineAt = lineFinder(text);
  const lineOf = (path: FieldPath): number | null => {
    for (let n = path.length; n >= 0; n--) {
      const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as { range?: [number, number, number] } | null | undefined;
      const offset = node?.range?.[0];
      if (offset !== undefined) return lineAt(offset);
    }
    return null;
  };
  if (cache && options.cache) cache.write(options.cache, file, text, data, lineTree(doc.contents, lineAt));
  return located(file, data, lineOf);
}

/**
 * Parse and validate a YAML file whose schema depends on other files (the curated evidence, bound
 * to the registries of countries and sources), keeping the lines of its nodes. The parser's data
 * and lines of an unchanged text come from the cache of checked files when one is set; the schema
 * checks the data on every read, and a file it refuses is parsed again, for the line of its error.
 */
export function parseYamlWithLines<T>(file: string, text: string, schema: z.ZodType<T>, hint: string): LocatedYaml<T> {
  const cache = currentCheckedYamlCache();
  const hit = cache?.read('yaml-data-lines', file, text);
  let value: unknown;
  let lines: LineTree | null;
  if (hit) {
    value = hit.data;
    lines = hit.lines;
  } else {
    const parsed = parseYamlData(file, text, hint);
    value = parsed.value;
    lines = lineTree(parsed.doc.contents, lineFinder(text));
    cache?.write('yaml-data-lines', file, text, value, lines);
  }
  const checked = schema.safeParse(value);
  if (!checked.success) return located(file, parseYamlFileWithDocument(file, text, schema, hint).data, () => null); // throws, naming the line
  return located(file, checked.data, (p) => lineInTree(lines, p));
}

/** The 1-based line of an offset in a text (by a search over its line starts). */
function lineFinder(text: string): (offset: number) => number {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** The lines of a document's nodes, as lineOf above finds them (doc.getIn(path, true).range). */
function lineTree(node: unknown, lineAt: (offset: number) => number): LineTree | null {
  if (node === null || node === undefined) return null;
  const range = (node as { range?: [number, number, number] }).range;
  const tree: LineTree = { l: range ? lineAt(range[0]) : -1 };
  const { isMap, isScalar, isSeq } = yamlLib();
  if (isMap(node)) {
    // getIn finds the first pair whose scalar key is === the path's segment.
    const k = new Map<string, LineTree | null>();
    for (const pair of node.items) {
      if (!isScalar(pair.key) || Number.isNaN(pair.key.value)) continue;
      const key = keyOf(pair.key.value);
      if (!k.has(key)) k.set(key, lineTree(pair.value, lineAt));
    }
    tree.k = k;
  } else if (isSeq(node)) {
    tree.s = node.items.map((item) => lineTree(item, lineAt));
  }
  return tree;
}
