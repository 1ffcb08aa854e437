// The source registry (curated/sources.yaml) and its citation exports.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { Source } from './schema.ts';
import type { SourceFile } from './schema.ts';

export class CuratedFileError extends Error {
  constructor(readonly file: string, readonly line: number | null, readonly field: string, readonly problem: string, readonly hint: string) {
    super(`${file}${line !== null ? `:${line}` : ''}: ${field ? `field "${field}": ` : ''}${problem}. ${hint}`);
    this.name = 'CuratedFileError';
  }
}

/**
 * Parse a YAML file and validate it with a zod schema; errors name the file, the line of the
 * offending node and the field path.
 */
export function parseYamlFile<T>(file: string, text: string, schema: z.ZodType<T>, hint: string): T {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new CuratedFileError(file, e.linePos?.[0]?.line ?? null, '', `not valid YAML (${e.message.split('\n')[0]})`, hint);
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const fieldPath = issue.path.map(String);
  return (() => {
    throw new CuratedFileError(file, lineOf(doc, text, issue.path as (string | number)[]), fieldPath.join('.'), issue.message, hint);
  })();
}

function lineOf(doc: ReturnType<typeof parseDocument>, text: string, p: (string | number)[]): number | null {
  for (let n = p.length; n > 0; n--) {
    const node = doc.getIn(p.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) return text.slice(0, offset).split('\n').length;
  }
  return null;
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
  for (const file of files) {
    const { sources } = parseYamlFile(file, await readFile(file, 'utf8'), SourcesFile, 'Fix the entry (see the fields in src/evidence/schema.ts).');
    for (const s of sources) {
      const prior = seen.get(s.id);
      if (prior) throw new CuratedFileError(file, null, 'id', `source id "${s.id}" is already listed in ${prior}`, 'Give each source one entry.');
      seen.set(s.id, file);
      all.push(s);
    }
  }
  return all.sort((a, b) => (a.id < b.id ? -1 : 1));
}

function authorsOf(s: Source): string[] {
  return s.author.split(';').map((a) => a.trim()).filter(Boolean);
}

function bibEscape(text: string): string {
  return text.replace(/([&%$#_])/g, '\\$1').replace(/[{}]/g, '');
}

/** BibTeX entries: datasets as @misc, publications as @article/@report when the kind says so. */
export function toBibtex(sources: readonly Source[], files: readonly SourceFile[] = []): string {
  return sources.map((s) => {
    const key = s.id.replace(/[^A-Za-z0-9]/g, '_');
    const type = s.kind === 'publication' ? 'article' : 'misc';
    const sha = files.filter((f) => f.source === s.id).map((f) => `${f.path} sha256:${f.sha256}`);
    const fields: [string, string][] = [
      ['title', `{${bibEscape(s.title)}}`],
      ['author', authorsOf(s).map((a) => (a.includes(',') ? bibEscape(a) : `{${bibEscape(a)}}`)).join(' and ')],
      [type === 'article' ? 'journal' : 'publisher', bibEscape(s.publisher)],
      ['year', String(s.year)],
    ];
    if (s.version) fields.push(['version', bibEscape(s.version)]);
    if (s.url) fields.push(['url', s.url]);
    fields.push(['note', bibEscape(`Terms: ${s.terms}${sha.length ? `. Snapshot: ${sha.join('; ')}` : ''}`)]);
    return `@${type}{${key},\n${fields.map(([k, v]) => `  ${k} = {${v}}`).join(',\n')}\n}\n`;
  }).join('\n');
}

/** CSL-JSON items (the format Zotero, Pandoc and citation.js read). */
export function toCslJson(sources: readonly Source[]): object[] {
  return sources.map((s) => ({
    id: s.id,
    type: s.kind === 'dataset' ? 'dataset' : s.kind === 'publication' ? 'report' : 'dataset',
    title: s.title,
    author: authorsOf(s).map((a) => {
      const [family, given] = a.split(',').map((x) => x.trim());
      return given ? { family, given } : { literal: a };
    }),
    publisher: s.publisher,
    version: s.version || undefined,
    issued: { 'date-parts': [[s.year]] },
    URL: s.url || undefined,
    note: `Terms: ${s.terms}`,
  }));
}
