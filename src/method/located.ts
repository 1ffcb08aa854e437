// Checked YAML data with the lines of its nodes (LocatedYaml), and the hook of the cache of
// checked files: what the semantic checks and the cache need, without the YAML parser or zod (those are
// src/method/yaml.ts's), so that a process whose files come from the cache loads neither.
import { CuratedFileError } from '../evidence/curated-error.ts';

export type FieldPath = readonly (string | number)[];

export interface LocatedYaml<T> {
  file: string;
  data: T;
  /** The line of the node at `path` (or of its nearest ancestor that has one). */
  lineOf(path: FieldPath): number | null;
  /** An error naming this file, the line of `path` and the field. */
  error(path: FieldPath, problem: string, hint: string): CuratedFileError;
}

/**
 * The lines of a parsed document's nodes, shaped as the document: what
 * `doc.getIn(path, true).range[0]` finds, without the document. `l` is the 1-based line (-1: the
 * node has no range); `k` the values of a mapping by key (keyOf the scalar key, the first pair of
 * a key; null: the pair has no value), `s` the items of a list.
 */
export interface LineTree {
  l: number;
  k?: Map<string, LineTree | null>;
  s?: (LineTree | null)[];
}

/** A mapping key as the yaml package matches it against a path segment (===). */
export function keyOf(value: unknown): string {
  return `${typeof value}\u0000${String(value)}`;
}

/** A path segment as an index into a list, as the yaml package reads it (asItemIndex); null when it is none. */
function itemIndex(segment: string | number): number | null {
  const idx = typeof segment === 'string' && segment ? Number(segment) : segment;
  return typeof idx === 'number' && Number.isInteger(idx) && idx >= 0 ? idx : null;
}

/** The line of the deepest node on `p` that has one (what lineOf over the document gives), or null. */
export function lineInTree(tree: LineTree | null, p: readonly (string | number)[]): number | null {
  if (!tree) return null;
  let line = tree.l >= 0 ? tree.l : null;
  let node: LineTree | null | undefined = tree;
  for (const segment of p) {
    if (node.s) {
      const i = itemIndex(segment);
      node = i === null ? null : node.s[i];
    } else if (node.k) {
      node = node.k.get(keyOf(segment));
    } else {
      node = null;
    }
    if (!node) break;
    if (node.l >= 0) line = node.l;
  }
  return line;
}

/** Where checked results are kept between processes (src/store/yaml-cache.ts, which sets itself here when loaded; none in a browser). */
export interface CheckedYamlCache {
  read(kind: string, file: string, text: string): { data: unknown; lines: LineTree | null } | null;
  write(kind: string, file: string, text: string, data: unknown, lines: LineTree | null): void;
}

let checkedYamlCache: CheckedYamlCache | null = null;

/** The cache set by useCheckedYamlCache, or null. */
export function currentCheckedYamlCache(): CheckedYamlCache | null {
  return checkedYamlCache;
}

/** Keep checked YAML results in `cache` (null: parse every time). */
export function useCheckedYamlCache(cache: CheckedYamlCache | null): void {
  checkedYamlCache = cache;
}

/** A LocatedYaml over checked data and a way to find lines. */
export function located<T>(file: string, data: T, lineOf: (path: FieldPath) => number | null): LocatedYaml<T> {
  return {
    file,
    data,
    lineOf,
    error: (path, problem, hint) => new CuratedFileError(file, lineOf(path), path.map(String).join('.'), problem, hint),
  };
}

