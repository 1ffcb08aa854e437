// Mutated methodology, judgments and scenario files, and how the loaders answer them. Every
// mutation but the controls is nonsense (a number beyond its stated bound, a type swapped, a
// required field deleted, an unknown field, an empty, scalar or binary file, a YAML alias or
// bomb, deep nesting): the loaders must reject it naming the file and the line. The controls
// are sensible edits that must still load, so a harness that rejected everything would fail.
// Used by test/method/mutations.test.ts (all of them, in-process) and bench/mutations.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { JudgmentsFile } from '../../src/method/judgments.ts';
import { Methodology } from '../../src/method/methodology.ts';
import { ScenarioFile } from '../../src/scenarios/schema.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type MutationTarget = 'methodology' | 'judgments' | 'scenario';

export const BASE_FILES: Record<MutationTarget, string> = {
  methodology: path.join(ROOT, 'methods/default.yaml'),
  judgments: path.join(ROOT, 'judgments/default.yaml'),
  scenario: path.join(ROOT, 'scenarios/japan-2pct-2027.yaml'),
};

export interface Mutation {
  id: string;
  target: MutationTarget;
  kind: 'number' | 'type' | 'deleted' | 'unknown' | 'file' | 'yaml' | 'nesting' | 'control';
  label: string;
  /** The file's bytes (text, or binary for the binary-file cases). */
  content: string | Buffer;
  /** Nonsense must be rejected; controls must load. */
  expect: 'reject' | 'accept';
}

export type Outcome = 'accepted' | 'located' | 'unlocated' | 'crashed';

type Path = (string | number)[];

/** Text of the base file with one value replaced (comments and layout kept). */
function withValue(text: string, at: Path, value: unknown): string {
  const doc = parseDocument(text);
  doc.setIn(at, value);
  return doc.toString({ lineWidth: 0 });
}

function withoutKey(text: string, at: Path): string {
  const doc = parseDocument(text);
  doc.deleteIn(at);
  return doc.toString({ lineWidth: 0 });
}

/** Every path to a number in a value, the first of each field only (indices read as *). */
function numberPaths(value: unknown, at: Path = [], seen = new Set<string>(), out: Path[] = []): Path[] {
  if (typeof value === 'number') {
    const signature = at.map((p) => (typeof p === 'number' ? '*' : p)).join('.');
    if (!seen.has(signature)) {
      seen.add(signature);
      out.push(at);
    }
  } else if (Array.isArray(value)) value.forEach((v, i) => numberPaths(v, [...at, i], seen, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) numberPaths(v, [...at, k], seen, out);
  return out;
}

const NAN_TEXT = 'NaN';

/**
 * Values beyond the stated bounds of a numeric field, chosen by what the field is. Values a
 * field may legitimately take (a negative scale factor, the year 2030 as a horizon) are not
 * among them: those are the controls' business.
 */
function nonsenseFor(target: MutationTarget, at: Path, data: unknown): unknown[] {
  const key = String(at[at.length - 1]);
  const holder = at.slice(0, -1).reduce<unknown>((x, k) => (x as Record<string | number, unknown>)[k], data) as Record<string, unknown>;
  const parent = String(at[at.length - 2] ?? '');
  const inMeasure = at.includes('measure');
  if (target === 'methodology') {
    if (at.join('.') === 'years.first') return [1800, 2030, 3000, 1e12, NAN_TEXT];
    if (key === 'draws') return [1e12, 0, -1, 0.5, NAN_TEXT];
    if (key === 'seed') return [-1, 1e12, 0.5, NAN_TEXT];
    if (key === 'weight') return [-1, 1e12, 1e308, NAN_TEXT];
    if (key === 'factor') return [0, 1e12, 1e308, NAN_TEXT];
    // A target below 0 is nonsense for an indicator that cannot be negative (a share of GDP),
    // not for a difference of two measures.
    if (key === 'target') return (holder.of as { op?: string } | undefined)?.op === 'latest' ? [-1, 1e308, -1e308, NAN_TEXT] : [1e308, -1e308, NAN_TEXT];
    if (key === 'value' && parent !== 'labels') return [1e308, -1e308, NAN_TEXT];
    if (parent === 'normalize' && (key === 'min' || key === 'max')) return [1e308, -1e308, NAN_TEXT];
    if (parent === 'scale' && (key === 'min' || key === 'max')) return [1e12, -1e12, NAN_TEXT];
    if (key === 'low' || key === 'high') return [0, -1, 1e12, NAN_TEXT];
    if (key === 'assets' || key === 'liabilities') return [0, -1, 1e12, NAN_TEXT];
    if (key === 'years' && inMeasure) return [0, 1e12, 0.5, NAN_TEXT];
    if (key === 'staleness_years' || key === 'min_years' || key === 'min_countries' || key === 'exclude_groups_larger_than') return [-1, 1e12, 0.5, NAN_TEXT];
    if (key === 'min_coverage' || key === 'estimate_relative' || key === 'interval' || parent === 'sweep' || parent === 'winsorize') return [-1, 2, 1e12, NAN_TEXT];
    return [1e308, NAN_TEXT];
  }
  if (target === 'judgments') {
    if (key === 'from' || key === 'to') return [1800, 3000, 0.5, NAN_TEXT];
    if (key === 'value' || key === 'low' || key === 'high') return [-1, 5, 1e12, 1e308, NAN_TEXT];
    return [1e308, NAN_TEXT];
  }
  if (key === 'horizon') return [1800, 2100, 3000, 1e12, NAN_TEXT];
  if (key === 'year' || parent === 'years' || key === 'years') return [1800, 2030, 3000, 0.5, NAN_TEXT];
  // The built-in path runs milex_share_gdp (percent of GDP, plausible 0 to 150) to a target.
  if (key === 'target' || key === 'value') return [-1, 1e12, 1e308, -1e308, NAN_TEXT];
  if (key === 'factor') return [-1, 1e12, 1e308, NAN_TEXT];
  return [1e308, NAN_TEXT];
}

/** Required keys of a zod object: those it rejects when absent. */
function requiredKeys(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.entries(shape).filter(([, s]) => !s.safeParse(undefined).success).map(([k]) => k);
}

const SCHEMAS: Record<MutationTarget, z.ZodType> = { methodology: Methodology, judgments: JudgmentsFile, scenario: ScenarioFile };

/** Paths of nested objects whose required fields are deleted in turn, with their required keys. */
function nestedRequired(target: MutationTarget): { at: Path; keys: string[] }[] {
  if (target === 'methodology') {
    return [
      { at: ['items', 0], keys: ['id', 'side', 'measure', 'normalize', 'weight', 'missing', 'rationale', 'citations'] },
      { at: ['robustness'], keys: ['draws', 'seed', 'interval', 'weights'] },
      { at: ['years'], keys: ['first', 'latest'] },
    ];
  }
  if (target === 'judgments') return [{ at: ['entries', 0], keys: ['judgment', 'ally', 'value', 'low', 'high', 'rationale', 'citations'] }];
  return [{ at: ['changes', 0], keys: ['kind', 'allies', 'indicator', 'rationale', 'citations', 'target'] }];
}

/** Fields swapped for a value of another type. */
function typeSwaps(target: MutationTarget): { at: Path; value: unknown; label: string }[] {
  if (target === 'methodology') {
    return [
      { at: ['title'], value: 42, label: 'title: a number' },
      { at: ['items'], value: { weight: 1 }, label: 'items: a mapping' },
      { at: ['robustness'], value: [1, 2], label: 'robustness: a list' },
      { at: ['robustness', 'draws'], value: { many: true }, label: 'draws: a mapping' },
      { at: ['robustness', 'data'], value: 'yes please', label: 'data: a text for a boolean' },
      { at: ['items', 0, 'measure'], value: 'latest', label: 'measure: a text' },
      { at: ['years', 'latest', 'indicators'], value: 'milex_usd_constant_2023', label: 'indicators: a text for a list' },
      { at: ['items', 0, 'weight'], value: '1,5', label: 'weight: "1,5"' },
    ];
  }
  if (target === 'judgments') {
    return [
      { at: ['entries'], value: 'none', label: 'entries: a text' },
      { at: ['entries', 0], value: 3, label: 'an entry: a number' },
      { at: ['entries', 0, 'ally'], value: 392, label: 'ally: a number' },
      { at: ['entries', 0, 'citations'], value: { source: 'x' }, label: 'citations: a mapping' },
      { at: ['entries', 0, 'value'], value: [2], label: 'value: a list' },
      { at: ['date'], value: 20261206, label: 'date: a number' },
    ];
  }
  return [
    { at: ['changes'], value: { kind: 'path' }, label: 'changes: a mapping' },
    { at: ['horizon'], value: 'soon', label: 'horizon: a text' },
    { at: ['changes', 0, 'allies'], value: 'JPN', label: 'allies: a text' },
    { at: ['changes', 0, 'target'], value: '2%', label: 'target: "2%"' },
    { at: ['changes', 0, 'kind'], value: 'teleport', label: 'kind: unknown' },
    { at: ['sources'], value: 'blankenship-2025', label: 'sources: a text' },
  ];
}

function unknownFieldPaths(target: MutationTarget): Path[] {
  if (target === 'methodology') return [['bogus'], ['items', 0, 'weigth'], ['robustness', 'threads'], ['years', 'last'], ['items', 0, 'measure', 'extra']];
  if (target === 'judgments') return [['bogus'], ['entries', 0, 'confidence'], ['entries', 0, 'citations', 0, 'page']];
  return [['bogus'], ['changes', 0, 'factor'], ['changes', 0, 'yeer'], ['sources', 0, 'url']];
}

const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe, 0x00, 0x01]);

/** Whole files that are not a mapping of fields. */
function badFiles(): { label: string; content: string | Buffer }[] {
  return [
    { label: 'empty file', content: '' },
    { label: 'whitespace only', content: '   \n\n' },
    { label: 'comments only', content: '# nothing here\n' },
    { label: 'a number', content: '42\n' },
    { label: 'a text', content: 'hello world\n' },
    { label: 'a list', content: '- a\n- b\n' },
    { label: 'null', content: '~\n' },
    { label: 'binary (PNG header)', content: BINARY },
    { label: 'binary (random bytes)', content: Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256)) },
  ];
}

const BOMB = ['lol0: &a0 [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `lol${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`)].join('\n');

/** YAML-level breakage: aliases, bombs, syntax, tags. */
function yamlCases(text: string, target: MutationTarget): { label: string; content: string }[] {
  const firstKey = target === 'methodology' ? 'methodology' : target === 'judgments' ? 'judgments' : 'scenario';
  const replaceTop = (key: string, value: string) => text.replace(new RegExp(`^${key}:.*$`, 'm'), `${key}: ${value}`);
  return [
    { label: 'undefined alias (x: *nope)', content: `${text}\nx: *nope\n` },
    { label: 'undefined alias as a value', content: replaceTop('title' in parseDocument(text).toJS() ? 'title' : 'description', '*nope') },
    { label: 'billion laughs', content: `${text}\n${BOMB}\n` },
    { label: 'billion laughs first', content: `${BOMB}\n${text}` },
    { label: 'self-referencing alias', content: `${text}\nloop: &loop [*loop]\n` },
    { label: 'duplicate key', content: `${text}\n${firstKey}: again\n` },
    { label: 'unclosed quote', content: replaceTop(firstKey, '"unclosed') },
    { label: 'tab indentation', content: `${text}\nextra:\n\t- tab\n` },
    { label: 'unknown tag', content: replaceTop(firstKey, '!!js/function "function () {}"') },
    { label: 'merge key', content: `${text}\nbase: &base { x: 1 }\nmerged:\n  <<: *base\n` },
    { label: 'two documents', content: `${text}\n---\n${firstKey}: second\n` },
    { label: 'truncated file', content: text.slice(0, Math.floor(text.length / 2)) + '\n  - { broken' },
  ];
}

function deepNesting(target: MutationTarget): { label: string; content: string }[] {
  const nestedBlock = (depth: number) => Array.from({ length: depth }, (_, i) => `${'  '.repeat(i + 1)}of:`).join('\n') + ` 1\n`;
  const deepMeasure = `  measure:\n${Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i + 2)}${i === 0 ? '' : ''}op: log\n${'  '.repeat(i + 2)}of:`).join('\n')} 1\n`;
  return [
    { label: 'mapping nested 200 deep', content: `${target === 'methodology' ? 'methodology' : target}: x\nextra:\n${nestedBlock(200)}` },
    { label: 'flow list nested 5000 deep', content: `extra: ${'['.repeat(5000)}${']'.repeat(5000)}\n` },
    { label: 'list nested 100 deep', content: `extra: ${'['.repeat(100)}1${']'.repeat(100)}\n` },
    ...(target === 'methodology' ? [{ label: 'measure nested 100 deep', content: `items:\n  - id: deep\n${deepMeasure}` }] : []),
  ];
}

/** Sensible edits that must load. */
function controls(target: MutationTarget, text: string): { label: string; content: string }[] {
  if (target === 'methodology') {
    return [
      { label: 'unchanged', content: text },
      { label: 'draws 5000', content: withValue(text, ['robustness', 'draws'], 5000) },
      { label: 'years.first 2001', content: withValue(text, ['years', 'first'], 2001) },
      { label: 'a weight of 2', content: withValue(text, ['items', 0, 'weight'], 2) },
    ];
  }
  if (target === 'judgments') {
    return [
      { label: 'unchanged', content: text },
      { label: 'a value within the scale', content: withValue(withValue(withValue(text, ['entries', 0, 'value'], 2), ['entries', 0, 'low'], 1), ['entries', 0, 'high'], 3) },
    ];
  }
  return [
    { label: 'unchanged', content: text },
    { label: 'horizon 2030', content: withValue(text, ['horizon'], 2030) },
    { label: 'target 3', content: withValue(text, ['changes', 0, 'target'], 3) },
    { label: 'an alias to a citation', content: text.replace(/^sources:\n {2}- /m, 'sources:\n  - &first ').replace(/citations:\n {6}- \{[^\n]*\}/, 'citations:\n      - *first') },
  ];
}

/**
 * Changes of every kind put in the scenario in place of its own, each with one number beyond
 * its stated bound (nonsense) or within it (control). The base scenario has one path change,
 * so these reach the numbers of the other kinds.
 */
function scenarioChanges(): { label: string; change: Record<string, unknown>; expect: Mutation['expect'] }[] {
  const m = parseDocument(readFileSync(BASE_FILES.methodology, 'utf8')).toJS() as { judgments: Record<string, unknown>; items: { id: string }[] };
  const judgment = Object.keys(m.judgments)[0];
  const because = { rationale: 'A change made up to probe the bounds of the scenario format.', citations: [{ source: 'japan-nss-2022', locator: 'passage on defence expenditure' }] };
  const set = (value: unknown) => ({ kind: 'set', allies: ['JPN'], indicator: 'milex_share_gdp', value, years: 2027, ...because });
  const scale = (factor: unknown) => ({ kind: 'scale', allies: ['JPN'], indicator: 'hns_local_currency', factor, years: 2027, ...because });
  const add = (amount: unknown) => ({ kind: 'add', allies: ['JPN'], indicator: 'milex_usd_current', amount, years: 2027, ...because });
  const rate = (pct: unknown) => ({ kind: 'exchange_rate', allies: ['JPN'], change_pct: pct, years: 2027, ...because });
  const rating = (key: string, x: unknown) => ({ kind: 'judgment', allies: ['JPN'], judgment, [key]: x, ...because });
  const weight = (key: string, x: unknown) => ({ kind: 'weight', items: [m.items[0].id], [key]: x, ...because });
  const event = (share: unknown) => ({ kind: 'event', event: 'base_access_denied', allies: ['JPN'], share, ...because });
  const nonsense: [string, Record<string, unknown>][] = [
    ['set a share of GDP to -1', set(-1)], ['set a share of GDP to 1000', set(1000)], ['set value 1e308', set(1e308)], ['set value NaN', set(NAN_TEXT)],
    ['scale factor -1', scale(-1)], ['scale factor 1e12', scale(1e12)], ['scale factor 1e308', scale(1e308)], ['scale factor .inf', scale(Infinity)],
    ['add amount 1e12', add(1e12)], ['add amount -1e308', add(-1e308)],
    ['exchange rate -100%', rate(-100)], ['exchange rate 1e12%', rate(1e12)], ['exchange rate NaN', rate(NAN_TEXT)],
    ['judgment value 1e12', rating('value', 1e12)], ['judgment value -1', rating('value', -1)], ['judgment shift 100', rating('shift', 100)],
    ['weight factor 1e308', weight('factor', 1e308)], ['weight -1', weight('weight', -1)], ['weight 1e12', weight('weight', 1e12)],
    ['event share 2', event(2)], ['event share -1', event(-1)],
  ];
  const sensible: [string, Record<string, unknown>][] = [
    ['set a share of GDP to 2.5', set(2.5)], ['scale factor 2', scale(2)], ['add amount 1000', add(1000)], ['exchange rate -20%', rate(-20)],
    ['judgment value 2', rating('value', 2)], ['weight factor 2', weight('factor', 2)], ['event share 0.5', event(0.5)],
  ];
  return [...nonsense.map(([label, change]) => ({ label, change, expect: 'reject' as const })), ...sensible.map(([label, change]) => ({ label, change, expect: 'accept' as const }))];
}

/** Every mutation of the three base files (about 400). */
export function mutations(): Mutation[] {
  const out: Mutation[] = [];
  const add = (target: MutationTarget, kind: Mutation['kind'], label: string, content: string | Buffer, expect: Mutation['expect'] = 'reject') => {
    out.push({ id: `${target}-${String(out.filter((m) => m.target === target).length + 1).padStart(3, '0')}`, target, kind, label, content, expect });
  };
  for (const target of ['methodology', 'judgments', 'scenario'] as const) {
    const text = readFileSync(BASE_FILES[target], 'utf8');
    const data = parseDocument(text).toJS() as unknown;
    for (const at of numberPaths(data)) {
      for (const value of nonsenseFor(target, at, data)) add(target, 'number', `${at.join('.')}: ${String(value)}`, withValue(text, at, value));
    }
    for (const swap of typeSwaps(target)) add(target, 'type', swap.label, withValue(text, swap.at, swap.value));
    for (const key of requiredKeys(SCHEMAS[target])) add(target, 'deleted', `without ${key}`, withoutKey(text, [key]));
    for (const nested of nestedRequired(target)) for (const key of nested.keys) add(target, 'deleted', `without ${[...nested.at, key].join('.')}`, withoutKey(text, [...nested.at, key]));
    for (const at of unknownFieldPaths(target)) add(target, 'unknown', `unknown field ${at.join('.')}`, withValue(text, at, 1));
    for (const f of badFiles()) add(target, 'file', f.label, f.content);
    for (const y of yamlCases(text, target)) add(target, 'yaml', y.label, y.content);
    for (const d of deepNesting(target)) add(target, 'nesting', d.label, d.content);
    for (const c of controls(target, text)) add(target, 'control', c.label, c.content, 'accept');
    if (target === 'scenario') {
      for (const c of scenarioChanges()) add(target, c.expect === 'accept' ? 'control' : 'number', c.label, withValue(text, ['changes', 0], c.change), c.expect);
    }
  }
  return out;
}

/** A message that names the file and a line ("file.yaml:12: ..."). */
export function locatesIn(message: string, file: string): boolean {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}:\\d+: `).test(message);
}

/** A stack trace in a message (an error that escaped the handling). */
export function hasStackTrace(message: string): boolean {
  return /\n\s+at .+\(?.+:\d+:\d+\)?/.test(message);
}

export interface Tally {
  total: number;
  acceptedNonsense: string[];
  rejectedControls: string[];
  located: number;
  unlocated: string[];
  crashed: string[];
  accepted: number;
}

export function tally(results: readonly { mutation: Mutation; outcome: Outcome; message: string }[]): Tally {
  const t: Tally = { total: results.length, acceptedNonsense: [], rejectedControls: [], located: 0, unlocated: [], crashed: [], accepted: 0 };
  for (const { mutation: m, outcome, message } of results) {
    const name = `${m.id} ${m.label}: ${message.split('\n')[0].slice(0, 160)}`;
    if (outcome === 'accepted') {
      t.accepted++;
      if (m.expect === 'reject') t.acceptedNonsense.push(name);
    } else if (m.expect === 'accept') t.rejectedControls.push(name);
    if (outcome === 'located') t.located++;
    if (outcome === 'unlocated') t.unlocated.push(name);
    if (outcome === 'crashed') t.crashed.push(name);
  }
  return t;
}

/** The CLI's argument list that loads a mutated file of this kind. */
export function cliArgs(target: MutationTarget, file: string): string[] {
  if (target === 'methodology') return ['sheet', 'JPN', '--method', file];
  if (target === 'judgments') return ['sheet', 'JPN', '--judgments', file];
  return ['scenario', 'run', file, '--no-robustness'];
}

/**
 * Run the CLI in this process (its own run(): argument parsing, loaders, error messages, exit
 * code) on a mutated file, capturing what it prints. Exit 0: accepted; exit 1 naming the file
 * and a line: located; exit 1 without: unlocated; anything else, or a stack trace: crashed.
 */
export async function throughCli(run: (argv: string[]) => Promise<number>, target: MutationTarget, file: string): Promise<{ outcome: Outcome; message: string }> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  let stderr = '';
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  let code: number;
  try {
    code = await run(cliArgs(target, file));
  } catch (e) {
    return { outcome: 'crashed', message: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
  if (hasStackTrace(stderr) || (code !== 0 && code !== 1)) return { outcome: 'crashed', message: `exit ${code}: ${stderr}` };
  if (code === 0) return { outcome: 'accepted', message: '' };
  // The CLI names a file as the user gave it or relative to the working folder: match its name.
  return { outcome: locatesIn(stderr, path.basename(file)) ? 'located' : 'unlocated', message: stderr.trim() };
}

/** POST a mutated scenario's text to the API: 200 accepted, 400 naming line and field located, 5xx crashed. */
export async function throughApi(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, content: string | Buffer): Promise<{ outcome: Outcome; message: string }> {
  const res = await app.request('/api/scenarios/run', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ yaml: typeof content === 'string' ? content : content.toString('utf8') }),
  });
  const body = await res.text();
  if (res.status >= 500) return { outcome: 'crashed', message: `${res.status} ${body}` };
  if (res.status === 200) return { outcome: 'accepted', message: '' };
  let problem: { message?: string; field?: string } = {};
  try {
    problem = JSON.parse(body) as typeof problem;
  } catch {
    return { outcome: 'unlocated', message: `${res.status} ${body}` };
  }
  const message = problem.message ?? body;
  if (hasStackTrace(message)) return { outcome: 'crashed', message };
  // The posted text is "your scenario": a line, or a field of the yaml body (an empty text is refused by the body's schema).
  const located = /your scenario:\d+: /.test(message) || (problem.field !== undefined && problem.field.startsWith('yaml'));
  return { outcome: located ? 'located' : 'unlocated', message: `${res.status} ${message}` };
}
