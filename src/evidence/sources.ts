// The source registry (curated/sources.yaml) and its citation exports; and the checked YAML
// parser (parseYamlData, parseYamlFile) that every curated, methodology, judgments and scenario
// file goes through, so that any failure names the file and the line.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Document, Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { currentCheckedYamlCache } from '../method/located.ts';
import { CuratedFileError } from './curated-error.ts';
import { Source } from './schema.ts';
import { yamlLib } from './yaml-lib.ts';

export { CuratedFileError };

/**
 * Limits on what a YAML file may make the parser build. Aliases (`*name`) copy an anchored
 * node: a few lines of them can expand to billions of nodes (a "billion laughs"), so the
 * nodes they add are counted and capped; the yaml package's own alias counter (maxAliasCount)
 * stays on as a second guard. Nesting is capped because the schemas recurse (measures), and a
 * deep enough document overflows the stack instead of failing with a line.
 */
export const YAML_LIMITS = {
  /** Nodes that aliases may add beyond the file's own (the project's files use no aliases). */
  aliasExpansion: 10_000,
  /** yaml's maxAliasCount: resolved aliases weighted by the aliases inside them. */
  maxAliasCount: 100,
  /** Mappings and lists inside one another. */
  depth: 64,
} as const;

/** The 1-based line of a character offset. */
function lineAtOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function describeRoot(doc: Document, text: string): string | null {
  const { isMap, isScalar, isSeq } = yamlLib();
  const root = doc.contents;
  if (root === null || root === undefined || (isScalar(root) && root.value === null && text.trim() === '')) return 'the file is empty';
  if (isMap(root)) return null;
  if (isSeq(root)) return 'found a list';
  if (isScalar(root)) {
    const v = root.value;
    // eslint-disable-next-line no-control-regex
    if (typeof v === 'string' && /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(v)) return 'found binary data';
    return `found ${v === null ? 'nothing' : typeof v === 'string' ? 'a text' : `a ${typeof v}`}`;
  }
  return 'found an alias';
}

/**
 * Parse YAML text into plain data with every parser failure (syntax, duplicate keys, unknown
 * tags, undefined aliases, alias bombs, excessive nesting, a root that is not a mapping)
 * turned into a CuratedFileError naming the file and the line.
 */
export function parseYamlData(file: string, text: string, hint: string): { doc: Document; value: unknown } {
  const { isAlias, isCollection, isPair, isScalar, isSeq, parseDocument, visit } = yamlLib();
  const fail = (line: number | null, problem: string, field = ''): never => {
    throw new CuratedFileError(file, line ?? 1, field, problem, hint);
  };
  let doc: Document;
  try {
    doc = parseDocument(text, { keepSourceTokens: false, prettyErrors: true });
  } catch (e) {
    return fail(1, `not valid YAML (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
  }
  // Unknown tags (!!js/function, !custom) are warnings to the yaml package; here they are
  // errors: a user's file would otherwise be read as something else than it says.
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first) fail(first.linePos?.[0]?.line ?? null, `not valid YAML (${first.message.split('\n')[0]})`);
  const notMapping = describeRoot(doc, text);
  if (notMapping) fail(1, `expected a mapping of fields (field: value lines), but ${notMapping}`);

  // One pass over the nodes: nesting depth, aliases that name no earlier anchor, and the
  // nodes aliases add (an anchored node's expanded size, counted once per alias).
  const sizes = new Map<YamlNode, number>();
  const anchors = new Map<string, YamlNode>();
  const sizeOf = (node: unknown): number => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      return target ? (sizes.get(target) ?? sizeOf(target)) : 1;
    }
    if (isCollection(node)) {
      const cached = sizes.get(node);
      if (cached !== undefined) return cached;
      // A node whose size is being computed and is met again lies on a loop of aliases
      // (anchors redefined after use): infinite, so over any limit.
      sizes.set(node, Infinity);
      let n = 1;
      for (const item of node.items) {
        n += isScalar(item) || isAlias(item) || isCollection(item) ? sizeOf(item) : sizeOf((item as { key: unknown }).key) + sizeOf((item as { value: unknown }).value);
        if (n > YAML_LIMITS.aliasExpansion * 10) break;
      }
      sizes.set(node, n);
      return n;
    }
    return 1;
  };
  let added = 0;
  visit(doc, (_key, node, path) => {
    // The field of a node: the keys of the pairs above it and the positions in lists.
    const field = (): string => {
      const parts: string[] = [];
      const chain = [...path, node];
      chain.forEach((anc, i) => {
        if (isPair(anc) && isScalar(anc.key)) parts.push(String(anc.key.value));
        else if (isSeq(anc) && i + 1 < chain.length) parts.push(String(anc.items.indexOf(chain[i + 1] as never)));
      });
      return parts.join('.');
    };
    const line = (): number | null => {
      const range = (node as { range?: [number, number, number] }).range;
      return range ? lineAtOffset(text, range[0]) : null;
    };
    if (isCollection(node)) {
      const depth = path.filter((p) => isCollection(p)).length + 1;
      if (depth > YAML_LIMITS.depth) fail(line(), `nested more than ${YAML_LIMITS.depth} levels deep`, field());
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) return fail(line(), `the alias *${node.source} names no anchor (&${node.source}) set before it`, field());
      if (path.includes(target)) fail(line(), `the alias *${node.source} is inside the node it copies (a loop)`, field());
      added += sizeOf(target) - 1;
      if (added > YAML_LIMITS.aliasExpansion) fail(line(), `aliases expand the file by more than ${YAML_LIMITS.aliasExpansion.toLocaleString('en-US')} nodes (an alias bomb?)`, field());
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor && (isCollection(node) || isScalar(node))) anchors.set(anchor, node as YamlNode);
  });
  try {
    return { doc, value: doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount }) };
  } catch (e) {
    // Not reached by the checks above as far as is known; still located, never a stack trace.
    const firstAlias = (() => {
      let found: number | null = null;
      visit(doc, { Alias: (_k, n) => { found = n.range ? lineAtOffset(text, n.range[0]) : null; return visit.BREAK; } });
      return found;
    })();
    return fail(firstAlias, `not valid YAML (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
  }
}

/**
 * Parse a YAML file and validate it with a zod schema; errors name the file, the line of the
 * offending node and the field path.
 */
export function parseYamlFile<T>(file: string, text: string, schema: z.ZodType<T>, hint: string): T {
  // The data an unchanged text gives comes from the cache of checked files when a process has set
  // one (src/store/yaml-cache.ts): the parser is skipped, never the schema, which may depend on
  // other files (the allies, the source registry) and so is checked every time. A file the schema
  // refuses is parsed again, for the line of its error.
  const cache = currentCheckedYamlCache();
  const hit = cache?.read('yaml-data', file, text);
  if (hit) {
    const parsed = schema.safeParse(hit.data);
    if (parsed.success) return parsed.data;
    return parseYamlFileWithDocument(file, text, schema, hint).data;
  }
  const { doc, value } = parseYamlData(file, text, hint);
  // Kept before the schema reads it (the entry is the parser's data, whatever the schema makes of it).
  cache?.write('yaml-data', file, text, value, null);
  return checkedData(file, text, doc, value, schema, hint);
}

/** parseYamlFile, with the parsed document kept to find the lines of fields later. */
export function parseYamlFileWithDocument<T>(file: string, text: string, schema: z.ZodType<T>, hint: string): { data: T; doc: Document } {
  const { doc, value } = parseYamlData(file, text, hint);
  return { data: checkedData(file, text, doc, value, schema, hint), doc };
}

/** The schema's data of a parsed file, or its first issue as an error naming the line. */
function checkedData<T>(file: string, text: string, doc: Document, value: unknown, schema: z.ZodType<T>, hint: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const fieldPath = issue.path.map(String);
  throw new CuratedFileError(file, lineOf(doc, text, issue.path as (string | number)[]), fieldPath.join('.'), issue.message, hint);
}

/** The line of the deepest node of `p` the document has (the field itself, else its nearest parent), or null. */
export function lineOf(doc: Document, text: string, p: readonly (string | number)[]): number | null {
  for (let n = p.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true)) as { range?: [number, number, number] } | null | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) return lineAtOffset(text, offset);
  }
  return 1;
}

const SourcesFile = z.object({ sources: z.array(Source) });

/**
 * The registry is curated/sources.yaml (datasets) plus every curated/sources/*.yaml
 * (publications grouped by topic), so that reviewers see a short file per subject.
 */
export async function loadSourceRegistry(curatedDir: string): Promise<Source[]> {
  const files = [path.join(curatedDir, 'sources.yaml')];
  try {
    const extra = (await readdir(path.join(curatedDir, 'sources'))).filter((f) => f.endsWith('.yaml')).sort();
    files.push(...extra.map((f) => path.join(curatedDir, 'sources', f)));
  } catch {
    // no per-topic files
  }
  const all: Source[] = [];
  const seen = new Map<string, string>();
  // The build reads the registry several times (build, curated and commitments transforms):
  // checked files come from the cache of checked files when a process has set one (src/store/yaml-cache.ts).
  const cache = currentCheckedYamlCache();
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const hit = cache?.read('sources', file, text);
    const { sources } = hit ? (hit.data as z.infer<typeof SourcesFile>) : parseYamlFile(file, text, SourcesFile, 'Fix the entry (see the fields in src/evidence/schema.ts).');
    if (!hit) cache?.write('sources', file, text, { sources }, null);
    for (const s of sources) {
      const prior = seen.get(s.id);
      if (prior) throw new CuratedFileError(file, null, 'id', `source id "${s.id}" is already listed in ${prior}`, 'Give each source one entry.');
      seen.set(s.id, file);
      all.push(s);
    }
  }
  return all.sort((a, b) => (a.id < b.id ? -1 : 1));
}

// The citation exports (BibTeX, CSL-JSON) live in ./citations.ts.
export { toBibtex, toCslJson } from './citations.ts';
