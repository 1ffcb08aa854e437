// Scenario files are checked in two passes: the zod schema (shape, types) through
// parseYamlFile, then against the evidence and the methodology they will run on: unknown
// indicator, ally, country, judgment or line item; a path whose target year is not after the
// data; years beyond the horizon. Every error names the file, the line and the field.
// parseScenario and checkScenario are pure; readScenario and loadScenario(s) read files.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { EVIDENCE_DIR } from '../evidence/load.ts';
import type { Evidence } from '../evidence/load.ts';
import { CuratedFileError, lineOf as lineOfPath, parseYamlFileWithDocument } from '../evidence/sources.ts';
import { cachedEvidence } from '../method/files.ts';
import { packagePath } from '../paths.ts';
import type { Judgment, Methodology } from '../method/index.ts';
import { DEFAULT_METHODOLOGY_FILE, JudgmentBook, indicatorsOf, latestYear, loadJudgments, loadMethodology, parseMethodology } from '../method/index.ts';
import { CONVERTED, EVENTS, LINKS, describeChange, pathPoints, yearsOf } from './apply.ts';
import type { ScenarioChange } from './apply.ts';
import { ScenarioFile } from './schema.ts';
import type { AllySelector, Change, Citation, ItemSelector } from './schema.ts';

export const SCENARIOS_DIR = packagePath('scenarios');

const HINT = 'Fix the scenario file (format: scenarios/*.yaml, schema: src/scenarios/schema.ts).';
/** How far past today's ledger year a scenario may look: the projections hold values flat, so farther out they say nothing. */
export const MAX_HORIZON_AHEAD = 30;

/** A checked scenario, ready to apply. */
export interface Scenario {
  id: string;
  title: string;
  description: string;
  horizon: number;
  sources: Citation[];
  /** In file order; apply.ts puts them in application order. */
  changes: ScenarioChange[];
  /** The file it was read from (for composed scenarios, the files joined by " + "). */
  origin: string;
  /** The scenarios it composes, in order (itself alone when not composed). */
  parts: string[];
}

/** What a scenario is checked against. */
export interface ScenarioContext {
  evidence: Evidence;
  methodology: Methodology;
  judgments: readonly Judgment[];
  /** Today's ledger year (the methodology's latest year): the horizon may not be earlier. */
  present: number;
}

type FieldPath = readonly (string | number)[];

export interface LocatedScenario {
  file: string;
  data: ScenarioFile;
  lineOf(path: FieldPath): number | null;
  error(path: FieldPath, problem: string, hint?: string): CuratedFileError;
}

/** Parse a scenario file's text; schema errors name file, line and field. */
export function parseScenario(file: string, text: string): LocatedScenario {
  const { data, doc } = parseYamlFileWithDocument(file, text, ScenarioFile, HINT);
  const lineOf = (p: FieldPath): number | null => lineOfPath(doc, text, p);
  return {
    file, data, lineOf,
    error: (p, problem, hint = HINT) => new CuratedFileError(file, lineOf(p), p.map(String).join('.'), problem, hint),
  };
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** "Did you mean" for a misspelt id: the known ids closest to it. */
function closest(id: string, known: readonly string[]): string {
  const near = known.map((k) => ({ k, d: editDistance(id, k) })).filter((x) => x.d <= Math.max(2, id.length / 3)).sort((x, y) => x.d - y.d || (x.k < y.k ? -1 : 1)).slice(0, 3);
  return near.length ? `did you mean ${near.map((x) => x.k).join(' or ')}? ` : '';
}

/** Hold a parsed scenario against the evidence and methodology; resolve what it names. */
export function checkScenario(located: LocatedScenario, ctx: ScenarioContext): Scenario {
  const s = located.data;
  const fail = (p: FieldPath, problem: string, hint?: string): never => {
    throw located.error(p, problem, hint);
  };
  const sources = new Set(ctx.evidence.sources.map((x) => x.id));
  const citations = (p: FieldPath, list: readonly Citation[]) => list.forEach((c, i) => {
    if (!sources.has(c.source)) fail([...p, i, 'source'], `unknown source "${c.source}"`, `${closest(c.source, [...sources])}Cite a source id of evidence/sources.csv (curated/sources.yaml, curated/sources/*.yaml; scenario publications go in curated/sources/scenarios.yaml).`);
  });
  citations(['sources'], s.sources);
  if (s.horizon < ctx.present) fail(['horizon'], `the horizon ${s.horizon} is before the data: today's ledger year is ${ctx.present}`, 'A scenario looks forward from the latest ledger; use a horizon of at least that year.');
  if (s.horizon > ctx.present + MAX_HORIZON_AHEAD) fail(['horizon'], `the horizon ${s.horizon} is more than ${MAX_HORIZON_AHEAD} years after today's ledger year ${ctx.present}`, `Use a horizon up to ${ctx.present + MAX_HORIZON_AHEAD}.`);
  const changes = s.changes.map((change, i) => checkChange(located, ctx, change, i, fail, citations));
  return { id: s.scenario, title: s.title, description: s.description.trim(), horizon: s.horizon, sources: s.sources, changes, origin: located.file, parts: [s.scenario] };
}

type Fail = (p: FieldPath, problem: string, hint?: string) => never;

function checkChange(
  located: LocatedScenario, ctx: ScenarioContext, change: Change, i: number, fail: Fail,
  citations: (p: FieldPath, list: readonly Citation[]) => void,
): ScenarioChange {
  const at = (...rest: (string | number)[]): FieldPath => ['changes', i, ...rest];
  const s = located.data;
  const m = ctx.methodology;
  citations(at('citations'), change.citations);
  const indicatorIds = ctx.evidence.indicators.map((x) => x.id);
  const indicator = (p: FieldPath, id: string) => ctx.evidence.indicator(id)
    ?? fail(p, `unknown indicator "${id}"`, `${closest(id, indicatorIds)}Use an indicator of evidence/indicators.csv.`);

  let countries: string[] = [];
  if (change.kind !== 'weight') {
    const whose = change as { allies?: AllySelector; countries?: string[] };
    if ((whose.allies === undefined) === (whose.countries === undefined)) fail(at('allies'), 'name the allies (allies: [JPN], all, { region: asia } or { basis: nato }) or the other countries (countries: [CHN]), one of the two');
    countries = whose.allies !== undefined ? resolveAllies(ctx.evidence, whose.allies, at('allies'), fail) : resolveCountries(ctx.evidence, whose.countries!, at('countries'), fail);
  }

  let items: string[] = [];
  if (change.kind === 'set' || change.kind === 'scale' || change.kind === 'add' || change.kind === 'path') {
    const ind = indicator(at('indicator'), change.indicator);
    if (ind.dyadic && change.counterpart === undefined) fail(at('counterpart'), `indicator "${change.indicator}" is dyadic: name its counterpart (an ISO code)`);
    if (!ind.dyadic && change.counterpart !== undefined) fail(at('counterpart'), `indicator "${change.indicator}" is not dyadic: it takes no counterpart`);
    if (change.counterpart !== undefined && !ctx.evidence.country(change.counterpart)) fail(at('counterpart'), `unknown country code "${change.counterpart}"`, 'Use a code of evidence/countries.csv.');
    checkPlausible(ind, change, at, fail);
  }
  if (change.kind === 'set' || change.kind === 'scale' || change.kind === 'add' || change.kind === 'exchange_rate') {
    checkYears(change.years, s.horizon, at('years'), fail);
  }
  if (change.kind === 'path') checkPath(ctx, change, countries, s.horizon, at, fail);
  if (change.kind === 'exchange_rate') {
    (change.indicators ?? []).forEach((id, k) => {
      const ind = indicator(at('indicators', k), id);
      if (!/US\$|USD/.test(ind.unit)) fail(at('indicators', k), `indicator "${id}" is in ${ind.unit}, not in U.S. dollars: an exchange rate does not convert it`);
    });
  }
  if (change.kind === 'judgment') checkJudgment(ctx, change, countries, s.horizon, at, fail);
  if (change.kind === 'weight') items = resolveItems(m, change.items, at('items'), fail);
  if (change.kind === 'event') {
    items = change.items ? resolveItems(m, change.items, at('items'), fail) : EVENTS[change.event].defaultItems(m);
    if (items.length === 0) fail(at('event'), `the methodology has no line item that ${change.event} affects by default`, 'Name the items under items.');
    for (const id of items) {
      const item = m.items.find((it) => it.id === id)!;
      if (item.normalize.method === 'judgment_scale') fail(at('items'), `line item "${id}" is a rating on its judgment scale: an event cannot scale it (change the judgment instead)`);
    }
  }
  const origin = `${located.file}:${located.lineOf(at()) ?? '?'}`;
  return { ref: `${s.scenario}#${i + 1}`, scenario: s.scenario, index: i, origin, spec: change, countries, items, label: describeChange(change, countries, items) };
}

/**
 * Values a change sets are held to the indicator's plausible range (evidence/indicators.csv
 * min and max, which allies data check also applies): a negative share of GDP or a share over
 * the range is a typo. An amount added may not exceed the range's width.
 */
function checkPlausible(ind: { id: string; unit: string; min: number | null; max: number | null }, change: Change, at: (...rest: (string | number)[]) => FieldPath, fail: Fail): void {
  const range = `${ind.min ?? '-∞'} to ${ind.max ?? '∞'} ${ind.unit}`;
  const hint = 'The range is the indicator\'s plausible one (evidence/indicators.csv, min and max).';
  const within = (p: FieldPath, what: string, x: number) => {
    if ((ind.min !== null && x < ind.min) || (ind.max !== null && x > ind.max)) fail(p, `${what} ${x} is outside the plausible range of ${ind.id} (${range})`, hint);
  };
  if (change.kind === 'set') within(at('value'), 'value', change.value);
  if (change.kind === 'path') {
    if (change.target !== undefined) within(at('target'), 'target', change.target);
    change.points?.forEach((pt, k) => within(at('points', k, 'value'), 'value', pt.value));
  }
  if (change.kind === 'add' && ind.min !== null && ind.max !== null && Math.abs(change.amount) > ind.max - ind.min) {
    fail(at('amount'), `amount ${change.amount} is larger than the whole plausible range of ${ind.id} (${range})`, hint);
  }
}

function resolveAllies(evidence: Evidence, selector: AllySelector, p: FieldPath, fail: Fail): string[] {
  const allies = evidence.allies();
  if (selector === 'all') return allies.map((a) => a.iso3).sort();
  if (Array.isArray(selector)) {
    const covered = new Set(allies.map((a) => a.iso3));
    selector.forEach((iso, k) => {
      if (covered.has(iso)) return;
      if (evidence.country(iso)) fail([...p, k], `${iso} (${evidence.country(iso)!.name}) is not a covered ally`, 'Name other countries under countries: instead of allies:.');
      fail([...p, k], `unknown ally "${iso}"`, `${closest(iso, [...covered])}Use the ISO code of a covered ally (curated/allies.yaml).`);
    });
    return [...new Set(selector)].sort();
  }
  const matches = 'region' in selector
    ? allies.filter((a) => a.region === selector.region)
    : allies.filter((a) => a.basis.includes(selector.basis));
  if (matches.length === 0) {
    const bases = [...new Set(allies.flatMap((a) => a.basis))].sort();
    fail(p, `no covered ally has ${'region' in selector ? `region "${selector.region}"` : `basis "${selector.basis}"`}`, `Known bases: ${bases.join(', ')}.`);
  }
  return matches.map((a) => a.iso3).sort();
}

function resolveCountries(evidence: Evidence, list: readonly string[], p: FieldPath, fail: Fail): string[] {
  list.forEach((iso, k) => {
    if (!evidence.country(iso)) fail([...p, k], `unknown country code "${iso}"`, 'Use a code of evidence/countries.csv.');
  });
  return [...new Set(list)].sort();
}

function checkYears(selector: Extract<Change, { kind: 'set' }>['years'], horizon: number, p: FieldPath, fail: Fail): void {
  if (selector !== undefined && typeof selector === 'object' && !Array.isArray(selector) && selector.to !== undefined && selector.to < selector.from) {
    fail([...p, 'to'], `to (${selector.to}) is before from (${selector.from})`);
  }
  const years = yearsOf(selector, horizon);
  const late = years.find((y) => y > horizon);
  if (late !== undefined) fail(p, `the year ${late} is after the horizon ${horizon}: the ledgers compared are those of ${horizon}`, 'Move the horizon or the years.');
}

function checkPath(ctx: ScenarioContext, change: Extract<Change, { kind: 'path' }>, countries: readonly string[], horizon: number, at: (...rest: (string | number)[]) => FieldPath, fail: Fail): void {
  const points = pathPoints(change);
  const field = (k: number): FieldPath => (change.points ? at('points', k, 'year') : at('year'));
  const last = points.length - 1;
  if (points[last].year > horizon) fail(field(last), `the path ends in ${points[last].year}, after the horizon ${horizon}`, 'Move the horizon to the target year or later.');
  const explicit = Array.isArray(change.allies) || change.countries !== undefined;
  if (!countries.some((c) => ctx.evidence.series(c, change.indicator, { counterpart: change.counterpart ?? '' }).some((o) => o.value !== null))) {
    fail(at('indicator'), `no selected country has ${change.indicator} data to start a path from`, 'Check the selection, and that the evidence was loaded with this indicator (scenarioIndicators in src/scenarios/load.ts).');
  }
  for (const country of countries) {
    const series = ctx.evidence.series(country, change.indicator, { counterpart: change.counterpart ?? '' }).filter((o) => o.value !== null);
    if (series.length === 0) {
      if (explicit) fail(change.allies !== undefined ? at('allies') : at('countries'), `${country} has no ${change.indicator} to start a path from`, 'A path starts from the last observation; use set for a country without one.');
      continue;
    }
    const lastYear = series[series.length - 1].year;
    if (points[0].year <= lastYear) {
      fail(field(0), `the target year ${points[0].year} is not after the data: ${country} ${change.indicator} is observed up to ${lastYear}`, 'A path runs from the last observation to a later year; use set to change observed years.');
    }
  }
}

function checkJudgment(ctx: ScenarioContext, change: Extract<Change, { kind: 'judgment' }>, allies: readonly string[], horizon: number, at: (...rest: (string | number)[]) => FieldPath, fail: Fail): void {
  const m = ctx.methodology;
  const def = m.judgments[change.judgment]
    ?? fail(at('judgment'), `unknown judgment "${change.judgment}"`, `${closest(change.judgment, Object.keys(m.judgments))}The methodology defines: ${Object.keys(m.judgments).join(', ') || 'none'}.`);
  if (change.allies === undefined) fail(at('countries'), 'judgments rate covered allies: name them under allies');
  const { min, max } = def.scale;
  for (const key of ['value', 'low', 'high'] as const) {
    const x = change[key];
    if (x !== undefined && (x < min || x > max)) fail(at(key), `${key} ${x} is outside the scale of "${change.judgment}" (${min} to ${max})`);
  }
  if (change.shift !== undefined && Math.abs(change.shift) > max - min) fail(at('shift'), `shift ${change.shift} is larger than the scale of "${change.judgment}" (${min} to ${max})`);
  if (change.from !== undefined && change.from > horizon) fail(at('from'), `from ${change.from} is after the horizon ${horizon}`);
  if (change.shift !== undefined) {
    const book = new JudgmentBook(ctx.judgments);
    const year = change.from ?? horizon;
    for (const ally of allies) {
      if (!book.find(change.judgment, ally, year) && Array.isArray(change.allies)) fail(at('shift'), `${ally} has no rating of "${change.judgment}" in ${year} to shift`, 'Give a value instead of a shift.');
    }
  }
}

function resolveItems(m: Methodology, selector: ItemSelector, p: FieldPath, fail: Fail): string[] {
  const ids = m.items.map((it) => it.id);
  if (Array.isArray(selector)) {
    selector.forEach((id, k) => {
      if (!ids.includes(id)) fail([...p, k], `unknown line item "${id}"`, `${closest(id, ids)}The methodology's items: ${ids.join(', ')}.`);
    });
    return [...new Set(selector)];
  }
  const groups = [...new Set(m.items.map((it) => it.group))];
  const matches = m.items.filter((it) => it.group.toLowerCase() === selector.group.toLowerCase()).map((it) => it.id);
  if (matches.length === 0) fail([...p, 'group'], `no line item is in a group "${selector.group}"`, `The methodology's groups: ${groups.join('; ')}.`);
  return matches;
}

/**
 * Every indicator a run of these scenarios reads besides the methodology's: the ones the
 * changes name and the ones they move (links and conversions). Load the evidence with them.
 */
export function scenarioIndicators(files: readonly LocatedScenario[]): string[] {
  const out = new Set<string>([...Object.keys(LINKS), ...Object.values(LINKS).flat().map((l) => l.indicator), ...CONVERTED]);
  for (const f of files) {
    for (const c of f.data.changes) {
      if ('indicator' in c && typeof c.indicator === 'string') out.add(c.indicator);
      if (c.kind === 'exchange_rate') for (const id of c.indicators ?? []) out.add(id);
    }
  }
  return [...out].sort();
}

/** The file a scenario name or path refers to: a path as given, a bare name in scenarios/. */
export function scenarioFileOf(nameOrFile: string, dir: string = SCENARIOS_DIR): string {
  if (/[/\\]/.test(nameOrFile) || /\.ya?ml$/i.test(nameOrFile)) return path.resolve(nameOrFile);
  return path.join(dir, `${nameOrFile}.yaml`);
}

/** The built-in scenarios: every scenarios/*.yaml, by name. */
export async function builtInScenarioFiles(dir: string = SCENARIOS_DIR): Promise<{ name: string; file: string }[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  return files.map((f) => ({ name: f.replace(/\.yaml$/, ''), file: path.join(dir, f) }));
}

/** Read and parse a scenario by name or path (schema only). */
export async function readScenario(nameOrFile: string, dir: string = SCENARIOS_DIR): Promise<LocatedScenario> {
  const file = scenarioFileOf(nameOrFile, dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    const names = await builtInScenarioFiles(dir).then((l) => l.map((x) => x.name), () => []);
    throw new CuratedFileError(file, null, '', `cannot read the scenario file (${code})`, `Give the path of a scenario file or a built-in name: ${names.join(', ')}.`);
  }
  return parseScenario(path.relative(process.cwd(), file) || file, text);
}

/**
 * Read scenario files (a bad one stops before the evidence is read), then the evidence with
 * the observation files the methodology and the scenarios need, the methodology and the
 * judgments, and check the scenarios against them.
 */
export async function loadScenarios(
  names: readonly string[],
  options: { evidenceDir?: string; methodologyFile?: string; judgmentsFile?: string; dir?: string } = {},
): Promise<{ scenarios: Scenario[]; context: ScenarioContext }> {
  const files: LocatedScenario[] = [];
  for (const name of names) files.push(await readScenario(name, options.dir));
  const methodologyFile = options.methodologyFile ?? DEFAULT_METHODOLOGY_FILE;
  let text: string;
  try {
    text = await readFile(methodologyFile, 'utf8');
  } catch (e) {
    throw new CuratedFileError(methodologyFile, null, '', `cannot read the methodology file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'Check the path.');
  }
  const evidenceDir = options.evidenceDir ?? EVIDENCE_DIR;
  const evidence = await cachedEvidence(evidenceDir, [...indicatorsOf(parseMethodology(methodologyFile, text).data), ...scenarioIndicators(files)]);
  if (evidence.allies().length === 0) throw new Error(`${evidenceDir} has no covered allies: rebuild it with: npx allies data build`);
  const methodology = await loadMethodology(evidence, methodologyFile);
  const judgments = await loadJudgments(evidence, methodology, options.judgmentsFile);
  const context: ScenarioContext = { evidence, methodology, judgments, present: latestYear({ evidence, methodology }) };
  return { scenarios: files.map((f) => checkScenario(f, context)), context };
}

/** Read, parse and check a scenario by name or path. */
export async function loadScenario(nameOrFile: string, ctx: ScenarioContext, dir: string = SCENARIOS_DIR): Promise<Scenario> {
  return checkScenario(await readScenario(nameOrFile, dir), ctx);
}
