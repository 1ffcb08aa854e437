// `allies data build`: snapshots -> transforms -> validated, deterministic evidence tables.
// The new tables are written beside the old ones and swapped in only when every transform
// and every check has passed, so a failed build leaves the committed evidence untouched; a
// killed build is repaired by the next build or load (src/store/swap.ts).
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleExtension, PACKAGE_ROOT } from '../paths.ts';
import { compareKeys, toCsv } from '../evidence/csv.ts';
import type { Cell } from '../evidence/csv.ts';
import { loadSourceRegistry } from '../evidence/sources.ts';
import { Observation as ObservationSchema, OBSERVATION_COLUMNS } from '../evidence/schema.ts';
import type { Indicator, Observation, Source } from '../evidence/schema.ts';
import { ObservationEncoder, writeEvidenceStore } from '../store/evidence-store.ts';
import { yamlCache } from '../store/yaml-cache.ts';
import { useCheckedYamlCache } from '../method/located.ts';
import { plainlyValid } from '../evidence/check.ts';
import { exists, recoverFolder, stagingFolder, swapFolderIn } from '../store/swap.ts';
import { buildCountryRegistry } from './countries.ts';
import { inferForeignKeys, nonNullKeyFields, observationPrimaryKey, packageDescriptor, resourceDescriptor } from './datapackage.ts';
import { Snapshot, SnapshotError } from './snapshot.ts';
import type { EvidenceTable, FieldDef, Transform } from './transform.ts';

// Checked YAML files (the source registry, read by the build and two transforms) are kept between
// runs and within one (src/store/yaml-cache.ts).
useCheckedYamlCache(yamlCache);

export const PROJECT_ROOT = PACKAGE_ROOT;
export const DEFAULT_EVIDENCE_DIR = path.join(PROJECT_ROOT, 'evidence');
export const DEFAULT_CURATED_DIR = path.join(PROJECT_ROOT, 'curated');

/** The snapshot directory: the flag, else ALLIES_SNAPSHOTS, else ../shared/data beside the project. */
export function defaultSnapshotDir(): string {
  return process.env.ALLIES_SNAPSHOTS ?? path.resolve(PROJECT_ROOT, '../shared/data');
}

export interface BuildOptions {
  snapshotDir: string;
  outDir?: string;
  curatedDir?: string;
  /** Run only these transforms (by id); the others' tables are not written. For tests. */
  only?: string[];
  onProgress?: (event: { transform: string; done: number; total: number }) => void;
  /** Also write the evidence store (default: only for the project's evidence folder). */
  store?: boolean;
}

export interface TransformTiming {
  id: string;
  ms: number;
  observations: number;
  tables: number;
}

export interface BuildReport {
  outDir: string;
  timings: TransformTiming[];
  observations: number;
  countries: number;
  sources: number;
  ms: number;
}

export async function loadTransforms(): Promise<Transform[]> {
  // Beside this module: src/pipeline/transforms/*.ts from the sources, dist/lib/pipeline/transforms/*.js compiled.
  const dir = fileURLToPath(new URL('./transforms/', import.meta.url));
  const ext = moduleExtension(import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts')).sort();
  const out: Transform[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { transform?: Transform };
    if (!mod.transform) throw new Error(`src/pipeline/transforms/${f} does not export a transform`);
    out.push(mod.transform);
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

export async function buildEvidence(options: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  const outDir = options.outDir ?? DEFAULT_EVIDENCE_DIR;
  const store = options.store ?? path.resolve(outDir) === path.resolve(DEFAULT_EVIDENCE_DIR);
  // The compact store every process opens instead of parsing the CSV (src/store/evidence-store.ts),
  // encoded from what the build writes: each transform's observations as it finishes (then
  // dropped: the same cells the CSV gives back, without keeping every observation, or reading and
  // scanning the CSV again) and the texts (for their checksums). A partial build (`only`) and
  // folders other than the project's get theirs from the files (on their first load).
  const written: Written | undefined = store ? { texts: new Map(), encoder: options.only === undefined ? new ObservationEncoder() : null } : undefined;
  const report = await buildEvidenceTables(options, written);
  if (written) {
    await writeEvidenceStore(report.outDir, written.texts, undefined, written.encoder ?? undefined).catch((e: Error) => process.stderr.write(`allies: the evidence store was not written (${e.message}); the next load builds it\n`));
  }
  report.ms = performance.now() - started;
  return report;
}

/** For the store: what a build wrote (texts by path), and its observation files encoded as they were made. */
interface Written {
  texts: Map<string, string>;
  encoder: ObservationEncoder | null;
}

/** What the datapackage needs of an observation file, worked out while its observations are in memory. */
interface ObservationFile {
  csv: string;
  primaryKey: string[];
  required: string[];
  /** One row per distinct value of each column a foreign key may cover: inferForeignKeys gives the same answer over them as over the rows. */
  keyValues: Record<string, string>[];
}

const KEY_COLUMNS = ['country', 'counterpart', 'indicator', 'source'] as const;

function observationFile(obs: readonly Observation[]): ObservationFile {
  const rows = obs as unknown as Record<string, unknown>[];
  const primaryKey = observationPrimaryKey(rows).primaryKey;
  const distinct = new Map<string, Set<string>>(KEY_COLUMNS.map((c) => [c, new Set<string>()]));
  for (const o of obs) {
    for (const c of KEY_COLUMNS) {
      const v = o[c] as unknown;
      if (v !== null && v !== undefined && v !== '') distinct.get(c)!.add(String(v));
    }
  }
  const keyValues: Record<string, string>[] = [];
  for (const [c, values] of distinct) for (const v of values) keyValues.push({ [c]: v });
  return { csv: observationsCsv(obs), primaryKey, required: nonNullKeyFields(primaryKey, rows), keyValues };
}

async function buildEvidenceTables(options: BuildOptions, written?: Written): Promise<BuildReport> {
  const started = performance.now();
  const outDir = options.outDir ?? DEFAULT_EVIDENCE_DIR;
  const curatedDir = options.curatedDir ?? DEFAULT_CURATED_DIR;
  // An earlier build killed mid-swap may have left no evidence folder, or staging folders behind.
  await recoverFolder(outDir, 'evidence');
  try {
    if (!(await stat(options.snapshotDir)).isDirectory()) throw new Error();
  } catch {
    throw new SnapshotError(options.snapshotDir, null, null, 'snapshot directory not found',
      'Pass --snapshots DIR or set ALLIES_SNAPSHOTS to a folder laid out like ../shared/data (the committed evidence is still usable as it is).');
  }
  const snapshot = new Snapshot(options.snapshotDir);
  const countries = await buildCountryRegistry(snapshot, curatedDir);
  const sources = await loadSourceRegistry(curatedDir);
  const sourceIds = new Set(sources.map((s) => s.id));
  let transforms = await loadTransforms();
  if (options.only) transforms = transforms.filter((t) => options.only!.includes(t.id));

  const timings: TransformTiming[] = [];
  const observationFiles = new Map<string, ObservationFile>();
  let observationCount = 0;
  const tables: EvidenceTable[] = [];
  const indicators = new Map<string, Indicator & { transform: string }>();
  for (const [i, t] of transforms.entries()) {
    options.onProgress?.({ transform: t.id, done: i, total: transforms.length });
    for (const ind of t.indicators) {
      const prior = indicators.get(ind.id);
      if (prior && prior.transform !== t.id) throw new Error(`indicator "${ind.id}" is declared by both ${prior.transform} and ${t.id}`);
      indicators.set(ind.id, { ...ind, transform: t.id });
    }
    for (const s of t.sources) if (!sourceIds.has(s)) throw new Error(`transform ${t.id} names source "${s}", which is not in curated/sources.yaml`);
    const t0 = performance.now();
    const result = await t.run({ snapshot, countries, curatedDir });
    const own = new Set(t.indicators.map((x) => x.id));
    validateObservations(t, result.observations, own, sourceIds, countries.registry.has.bind(countries.registry));
    const sorted = sortObservations(result.observations);
    // The file's CSV, keys and store columns now; the observations are not kept (peak memory).
    observationFiles.set(t.id, observationFile(sorted));
    written?.encoder?.add(`observations/${t.id}.csv`, OBSERVATION_COLUMNS, sorted as unknown as Record<string, unknown>[], OBSERVATION_FIELDS, outDir);
    observationCount += sorted.length;
    for (const table of result.tables ?? []) tables.push(validateTable(t.id, table, sourceIds));
    timings.push({ id: t.id, ms: performance.now() - t0, observations: result.observations.length, tables: result.tables?.length ?? 0 });
  }
  options.onProgress?.({ transform: 'write', done: transforms.length, total: transforms.length });

  const files = new Map<string, string>();
  const resources: object[] = [];
  const registryById = new Map(sources.map((s) => [s.id, s]));
  const refs = { countries: new Set(countries.registry.countries.map((c) => c.iso3)), indicators: new Set(indicators.keys()), sources: sourceIds };
  const put = (rel: string, title: string, description: string, fields: FieldDef[], primaryKey: string[], rows: Record<string, unknown>[], rowSources: string[], prepared?: ObservationFile) => {
    files.set(rel, prepared?.csv ?? toCsv(fields.map((f) => f.name), rows as Record<string, string | number | boolean | null>[]));
    resources.push(resourceDescriptor({
      rel, title, description, fields, primaryKey, required: prepared?.required ?? nonNullKeyFields(primaryKey, rows),
      foreignKeys: inferForeignKeys(rel, fields, prepared?.keyValues ?? rows, refs), sources: rowSources,
    }, registryById));
  };

  put('countries.csv', 'Country registry', 'ISO 3166 alpha-3 keys with COW codes and analytic regions; historical states carry ISO 3166-3 codes.', COUNTRY_FIELDS, ['iso3'],
    await countries.countryRows(), ['countrycode', 'cow-states-2016', 'gleditsch-ward-states']);
  put('country_names.csv', 'Publisher spellings', 'Every country name as a publisher spells it, with the ISO code it resolves to.',
    [{ name: 'publisher', type: 'string', description: 'publisher whose files use this spelling' }, { name: 'name', type: 'string', description: 'the spelling' }, { name: 'iso3', type: 'string', description: 'ISO code it resolves to' }],
    ['publisher', 'name'], countries.namesUsed().map((n) => ({ ...n })), []);
  put('cow_crosswalk.csv', 'COW to ISO crosswalk', 'Which ISO code a COW state code stands for in which years.',
    [{ name: 'cow', type: 'integer', description: 'COW numeric code' }, { name: 'iso3', type: 'string', description: 'ISO code' }, { name: 'from_year', type: 'integer', description: 'first year' }, { name: 'to_year', type: 'integer', description: 'last year (9999: open)' }, { name: 'note', type: 'string', description: 'why the code changes' }],
    ['cow', 'from_year'], countries.registry.crosswalk.map((x) => ({ ...x })), ['countrycode']);
  put('tables/state_codes.csv', 'State codes by year (COW and Gleditsch-Ward)', STATE_CODES_DESCRIPTION, STATE_CODE_FIELDS,
    ['iso3', 'from_year'], (await countries.stateCodes()).map((x) => ({ ...x })), ['cow-states-2016', 'gleditsch-ward-states', 'countrycode']);
  put('sources.csv', 'Source registry', 'Every dataset and publication the evidence cites.', SOURCE_FIELDS, ['id'], sources.map((s) => ({ ...s })), []);
  put('source_files.csv', 'Snapshot files read', 'The sha256 of every snapshot file the build read.',
    [{ name: 'source', type: 'string', description: 'source id' }, { name: 'path', type: 'string', description: 'path in the snapshot directory' }, { name: 'sha256', type: 'string', description: 'SHA-256 of the file' }, { name: 'bytes', type: 'integer', description: 'file size' }],
    ['path'], snapshot.filesRead().map((f) => ({ ...f })), []);
  const indicatorRows = [...indicators.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  put('indicators.csv', 'Indicators', 'Every indicator an observation may name, with its unit and plausible range.', INDICATOR_FIELDS, ['id'],
    indicatorRows.map((ind) => ({ ...ind, sources: transforms.find((t) => t.id === ind.transform)!.sources.join(';') })), []);
  for (const [id, prepared] of [...observationFiles.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const t = transforms.find((x) => x.id === id)!;
    put(`observations/${id}.csv`, t.title, `Observations from the ${t.title} transform.`, OBSERVATION_FIELDS,
      prepared.primaryKey, [], t.sources, prepared);
    observationFiles.delete(id);
  }
  for (const table of tables.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    put(`tables/${table.name}.csv`, table.title, table.description, table.fields, table.primaryKey, table.rows, table.sources);
  }

  const datapackage = packageDescriptor(sources, resources);
  files.set('datapackage.json', JSON.stringify(datapackage, null, 2) + '\n');

  await writeEvidenceAtomically(outDir, files, options.only !== undefined);
  // A partial build (`only`) carries other files over: the store reads those from the folder.
  if (written && options.only === undefined) for (const [rel, text] of files) written.texts.set(rel, text);
  return {
    outDir,
    timings,
    observations: observationCount,
    countries: countries.registry.countries.length,
    sources: sources.length,
    ms: performance.now() - started,
  };
}

function validateObservations(t: Transform, obs: Observation[], own: Set<string>, sourceIds: Set<string>, hasCountry: (iso: string) => boolean): void {
  const seen = new Map<string, string>();
  for (const o of obs) {
    // Rows that plainly satisfy the schema skip the zod pass (a second per row); zod names the issue otherwise.
    const parsed = plainlyValid(o) ? null : ObservationSchema.safeParse(o);
    if (parsed && !parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SnapshotError(o.locator ?? t.id, null, issue.path.join('.'), `invalid observation (${issue.message})`, `Check the ${t.id} transform's reading of this row.`);
    }
    if (!own.has(o.indicator)) throw new Error(`transform ${t.id} wrote indicator "${o.indicator}" without declaring it`);
    if (!sourceIds.has(o.source)) throw new SnapshotError(o.locator, null, 'source', `unknown source "${o.source}"`, 'Add it to curated/sources.yaml.');
    if (!hasCountry(o.country)) throw new SnapshotError(o.locator, null, 'country', `unknown country "${o.country}"`, 'Use a code from evidence/countries.csv.');
    if (o.counterpart && !hasCountry(o.counterpart)) throw new SnapshotError(o.locator, null, 'counterpart', `unknown country "${o.counterpart}"`, 'Use a code from evidence/countries.csv.');
    if (o.value === null && !o.flags.includes('missing')) throw new SnapshotError(o.locator, null, 'flags', 'a missing value must be flagged "missing"', 'Flag it and say why in the note.');
    const key = `${o.country}|${o.counterpart}|${o.indicator}|${o.year}|${o.source}`;
    const prior = seen.get(key);
    if (prior !== undefined) {
      throw new SnapshotError(o.locator, null, null, `duplicate observation: ${o.country}${o.counterpart ? `-${o.counterpart}` : ''} ${o.indicator} ${o.year} also at ${prior}`,
        'Remove the duplicated row, or replace the file with the publisher\'s original.');
    }
    seen.set(key, o.locator);
  }
}

function validateTable(transformId: string, table: EvidenceTable, sourceIds: Set<string>): EvidenceTable {
  for (const s of table.sources) if (!sourceIds.has(s)) throw new Error(`table ${table.name} (${transformId}) cites unknown source "${s}"`);
  const names = table.fields.map((f) => f.name);
  const seen = new Set<string>();
  for (const row of table.rows) {
    for (const k of Object.keys(row)) if (!names.includes(k)) throw new Error(`table ${table.name}: field "${k}" is not declared`);
    if ('source' in row && typeof row.source === 'string' && row.source && !row.source.split(';').every((s) => sourceIds.has(s))) {
      throw new Error(`table ${table.name}: row cites unknown source "${row.source}"`);
    }
    const key = table.primaryKey.map((k) => String(row[k])).join('|');
    if (seen.has(key)) throw new Error(`table ${table.name}: duplicate row for ${table.primaryKey.join(', ')} = ${key}`);
    seen.add(key);
  }
  const rows = [...table.rows].sort((a, b) => compareKeys(table.primaryKey.map((k) => a[k] as string | number), table.primaryKey.map((k) => b[k] as string | number)));
  return { ...table, rows };
}

/** The observations as CSV, their flags joined by ";" (no row object made for each). */
function observationsCsv(obs: readonly Observation[]): string {
  return toCsv(OBSERVATION_COLUMNS, obs, (o, c) => (c === 'flags' ? o.flags.join(';') : (o as unknown as Record<string, Cell>)[c]));
}

/** compareKeys over [indicator, country, counterpart, year, source], without making two arrays per comparison. */
function sortObservations(obs: Observation[]): Observation[] {
  const text = (x: string, y: string) => (x === y ? 0 : x < y ? -1 : 1);
  return [...obs].sort((a, b) => text(a.indicator, b.indicator) || text(a.country, b.country) || text(a.counterpart, b.counterpart)
    || (a.year === b.year ? 0 : a.year - b.year) || text(a.source, b.source));
}

/**
 * Write every file into a fresh sibling folder, then swap it in (src/store/swap.ts). With
 * `partial`, files of the existing folder that this build did not produce are carried over.
 */
async function writeEvidenceAtomically(outDir: string, files: Map<string, string>, partial: boolean): Promise<void> {
  const tmp = stagingFolder(outDir);
  try {
    if (partial && (await exists(outDir))) {
      const { cp } = await import('node:fs/promises');
      await cp(outDir, tmp, { recursive: true });
    }
    for (const [rel, text] of files) {
      await mkdir(path.dirname(path.join(tmp, rel)), { recursive: true });
      await writeFile(path.join(tmp, rel), text);
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  await swapFolderIn(tmp, outDir);
}

const COUNTRY_FIELDS: FieldDef[] = [
  { name: 'iso3', type: 'string', description: 'ISO 3166 alpha-3 (historical states: ISO 3166-3)' },
  { name: 'name', type: 'string', description: 'English short name' },
  { name: 'cow', type: 'integer', description: 'Correlates of War numeric code (the latest; codes recur across ISO codes over time, e.g. 345 for YUG, SCG and SRB: join by year through tables/state_codes.csv)' },
  { name: 'cowc', type: 'string', description: 'Correlates of War alphabetic code' },
  { name: 'gwcode', type: 'integer', description: 'Gleditsch-Ward numeric code (the latest; by year: tables/state_codes.csv)' },
  { name: 'region', type: 'string', description: 'asia | europe | americas | middle-east | africa' },
  { name: 'historical', type: 'boolean', description: 'the state no longer exists' },
  { name: 'from_year', type: 'integer', description: 'first year of a historical state' },
  { name: 'to_year', type: 'integer', description: 'last year of a historical state' },
];

const STATE_CODES_DESCRIPTION = 'Each country\'s Correlates of War code (State System Membership v2016) and Gleditsch-Ward code (Gleditsch and Ward 1999, list v3.2 via peacesciencer) in the years it is a member of each system; empty where it is not. ' +
  'Unique per ISO code and year, per COW code and year and per GW code and year, so a state-year panel (peacesciencer\'s create_stateyears) joins on (cow, year) or (gwcode, year) without duplicating or dropping rows. ' +
  'Where two codes of one country meet in a year (COW 260 and 255 in 1990, 678 and 679 in 1990) the year goes to the code in force on 31 December; members at the end of the lists are open (to_year 9999). ' +
  'The codes differ for Germany (GW 260 from 1949 and after unification; COW 260 1955-1989, 255 from 1990), Serbia and Yugoslavia (GW 340 and 345; COW 345 throughout) and Yemen (GW 678; COW 679 from 1990).';

const STATE_CODE_FIELDS: FieldDef[] = [
  { name: 'iso3', type: 'string', description: 'ISO code (countries.csv)' },
  { name: 'from_year', type: 'integer', description: 'first year' },
  { name: 'to_year', type: 'integer', description: 'last year (9999: open)' },
  { name: 'cow', type: 'integer', description: 'Correlates of War state code in these years; empty: not a COW system member' },
  { name: 'gwcode', type: 'integer', description: 'Gleditsch-Ward state code in these years; empty: not a GW system member' },
  { name: 'note', type: 'string', description: 'why the code changes, where it does' },
];

const SOURCE_FIELDS: FieldDef[] = (['id', 'kind', 'title', 'author', 'publisher', 'version', 'year', 'url', 'terms', 'citation'] as const).map((name) => ({
  name, type: name === 'year' ? 'integer' : 'string', description: name,
}));

const INDICATOR_FIELDS: FieldDef[] = [
  { name: 'id', type: 'string', description: 'indicator id' },
  { name: 'label', type: 'string', description: 'short label' },
  { name: 'definition', type: 'string', description: 'what is measured, as the source defines it' },
  { name: 'unit', type: 'string', description: 'unit of the value' },
  { name: 'dyadic', type: 'boolean', description: 'observations have a counterpart country' },
  { name: 'min', type: 'number', description: 'lowest plausible value' },
  { name: 'max', type: 'number', description: 'highest plausible value' },
  { name: 'transform', type: 'string', description: 'pipeline transform that writes it' },
  { name: 'sources', type: 'string', description: 'source ids that feed it, ";"-separated' },
];

const OBSERVATION_FIELDS: FieldDef[] = OBSERVATION_COLUMNS.map((name) => ({
  name,
  type: name === 'year' ? 'integer' : ['value', 'low', 'high'].includes(name) ? 'number' : 'string',
  description: {
    country: 'ISO code of the subject country',
    counterpart: 'ISO code of the second country for dyadic indicators, else empty',
    indicator: 'indicator id (indicators.csv)',
    year: 'calendar year (or the fiscal year the source names)',
    value: 'the value in the indicator\'s unit; empty when missing (never 0 for missing)',
    low: 'lower end of a range the source states',
    high: 'upper end of a range the source states',
    source: 'source id (sources.csv)',
    locator: 'where in the source: file and row, sheet and cell, page or table',
    flags: 'missing | estimate | imputed | uncertain | derived, ";"-separated',
    note: 'footnotes that qualify the value, or why it is missing',
  }[name],
}));

export type { Source };
