// `allies data build`: snapshots -> transforms -> validated, deterministic evidence tables.
// The new tables are written beside the old ones and swapped in only when every transform
// and every check has passed, so a failed build leaves the committed evidence untouched; a
// killed build is repaired by the next build or load (src/store/swap.ts).
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleExtension, PACKAGE_ROOT } from '../paths.ts';
import { compareKeys, toCsv } from '../evidence/csv.ts';
import { loadSourceRegistry } from '../evidence/sources.ts';
import type { Indicator, Source } from '../evidence/schema.ts';
import { ObservationEncoder, writeEvidenceStore } from '../store/evidence-store.ts';
import { yamlCache } from '../store/yaml-cache.ts';
import { useCheckedYamlCache } from '../method/located.ts';
import { exists, recoverFolder, stagingFolder, swapFolderIn } from '../store/swap.ts';
import { buildCountryRegistry } from './countries.ts';
import { inferForeignKeys, nonNullKeyFields, packageDescriptor, resourceDescriptor } from './datapackage.ts';
import { Snapshot, SnapshotError } from './snapshot.ts';
import { OBSERVATION_FIELDS } from './observations.ts';
import type { ObservationFile } from './observations.ts';
import { CsvWriter } from './csv-writer.ts';
import { deserializeError, TransformPool } from './parallel.ts';
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
  /** Worker threads for the transforms (default: defaultBuildThreads() of parallel.ts; 0: this thread runs them). */
  threads?: number;
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
  return (await loadTransformModules()).map((m) => m.transform);
}

/** The transforms with the module file each comes from (a build worker imports only the ones it runs). */
async function loadTransformModules(): Promise<{ file: string; transform: Transform }[]> {
  // Beside this module: src/pipeline/transforms/*.ts from the sources, dist/lib/pipeline/transforms/*.js compiled.
  const dir = transformDir();
  const ext = moduleExtension(import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts')).sort();
  const out: { file: string; transform: Transform }[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { transform?: Transform };
    if (!mod.transform) throw new Error(`src/pipeline/transforms/${f} does not export a transform`);
    out.push({ file: f, transform: mod.transform });
  }
  return out.sort((a, b) => (a.transform.id < b.transform.id ? -1 : 1));
}

const transformDir = () => fileURLToPath(new URL('./transforms/', import.meta.url));

export async function buildEvidence(options: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  const outDir = options.outDir ?? DEFAULT_EVIDENCE_DIR;
  const store = options.store ?? path.resolve(outDir) === path.resolve(DEFAULT_EVIDENCE_DIR);
  // The compact store every process opens instead of parsing the CSV (src/store/evidence-store.ts),
  // encoded from what the build writes: each transform's observations as it finishes (then
  // dropped: the same cells the CSV gives back, without keeping every observation, or reading and
  // scanning the CSV again) and the texts (for their checksums). A partial build (`only`) and
  // folders other than the project's get theirs from the files (on their first load).
  const written: Written | undefined = store ? { texts: new Map(), sha256: new Map(), encoder: options.only === undefined ? new ObservationEncoder() : null } : undefined;
  const report = await buildEvidenceTables(options, written);
  if (written) {
    await writeEvidenceStore(report.outDir, written.texts, undefined, written.encoder ?? undefined, written.sha256).catch((e: Error) => process.stderr.write(`allies: the evidence store was not written (${e.message}); the next load builds it\n`));
  }
  report.ms = performance.now() - started;
  return report;
}

/** For the store: what a build wrote (texts by path), and its observation files encoded as they were made. */
interface Written {
  texts: Map<string, string | Uint8Array>;
  /** The SHA-256 of the observation files, written as they came and not kept. */
  sha256: Map<string, string>;
  encoder: ObservationEncoder | null;
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
  // Files go into a fresh sibling folder as they are made (each observation file as its transform
  // finishes, so its bytes are not kept), swapped in once all are written (src/store/swap.ts).
  const staging = new Staging(outDir, options.only !== undefined);
  // The workers start now: loading their modules and the country registry overlaps the build's own.
  const pool = new TransformPool({ snapshotDir: options.snapshotDir, curatedDir, transformDir: transformDir() }, options.only?.length === 1 ? 0 : options.threads);
  const csvWriter = new CsvWriter();
  try {
    return await buildInto(staging, pool, csvWriter, options, outDir, curatedDir, started, written);
  } catch (err) {
    await staging.abort();
    throw err;
  } finally {
    await Promise.all([pool.close(), csvWriter.close()]);
  }
}

async function buildInto(staging: Staging, pool: TransformPool, csvWriter: CsvWriter, options: BuildOptions, outDir: string, curatedDir: string, started: number, written?: Written): Promise<BuildReport> {
  const snapshot = new Snapshot(options.snapshotDir);
  const countries = await buildCountryRegistry(snapshot, curatedDir);
  const sources = await loadSourceRegistry(curatedDir);
  const sourceIds = new Set(sources.map((s) => s.id));
  let modules = await loadTransformModules();
  if (options.only) modules = modules.filter((m) => options.only!.includes(m.transform.id));
  const transforms = modules.map((m) => m.transform);

  const timings: TransformTiming[] = [];
  const observationFiles = new Map<string, ObservationFile>();
  let observationCount = 0;
  const tables: EvidenceTable[] = [];
  const indicators = new Map<string, Indicator & { transform: string }>();
  // What a transform is checked against before it runs; a transform that fails them is not run
  // (its error is thrown in its turn, below).
  const refused = new Map<string, Error>();
  for (const t of transforms) {
    try {
      for (const ind of t.indicators) {
        const prior = indicators.get(ind.id);
        if (prior && prior.transform !== t.id) throw new Error(`indicator "${ind.id}" is declared by both ${prior.transform} and ${t.id}`);
        indicators.set(ind.id, { ...ind, transform: t.id });
      }
      for (const s of t.sources) if (!sourceIds.has(s)) throw new Error(`transform ${t.id} names source "${s}", which is not in curated/sources.yaml`);
    } catch (e) {
      refused.set(t.id, e as Error);
      break; // as running them in turn: the transforms after it are never reached
    }
  }
  const firstRefused = transforms.findIndex((t) => refused.has(t.id));
  const runnable = firstRefused < 0 ? modules : modules.slice(0, firstRefused);
  let handedOut = 0;
  const storeFileBase = written?.encoder ? path.resolve(outDir) : null;
  // Work that waits on no transform's outcome (the state codes, from two snapshot files), and each
  // transform's tables checked as its outcome arrives, overlap the workers instead of following
  // them; their errors are thrown where they were (below: in transform order, then when written).
  const countryRowsReady = countries.countryRows();
  countryRowsReady.catch(() => undefined);
  const checkedTables = new Map<string, EvidenceTable[] | Error>();
  // Observation files whose CSV is being made from their columns on the CSV thread (a build on its
  // own thread): each file is hashed and written when its bytes come.
  const csvMade = new Map<string, Promise<void>>();
  const outcomes = await pool.run(runnable.map((m) => ({ id: m.transform.id, file: m.file, sourceIds: [...sourceIds], storeFileBase })), (id) => options.onProgress?.({ transform: id, done: handedOut++, total: transforms.length }), (outcome) => {
    if (!outcome.ok) return;
    try {
      checkedTables.set(outcome.id, outcome.tables.map((table) => validateTable(outcome.id, table, sourceIds)));
    } catch (e) {
      checkedTables.set(outcome.id, e as Error);
    }
    const rel = `observations/${outcome.id}.csv`;
    const wrote = (bytes: Uint8Array, sha256: string) => {
      if (written && options.only === undefined) written.sha256.set(rel, sha256);
      staging.write(rel, bytes);
    };
    if (outcome.csvFromColumns && outcome.chunk) {
      // The CSV thread puts the rows in the file's order (when the outcome gives it), makes the CSV and reads the file's keys.
      const made = csvWriter.write(outcome.chunk, outcome.order).then((w) => {
        outcome.chunk = w.chunk;
        outcome.file = w.file;
        outcome.order = undefined;
        wrote(w.csv, w.sha256);
      });
      made.catch(() => undefined); // thrown where it is awaited, below
      csvMade.set(outcome.id, made);
      return;
    }
    const file = outcome.file!;
    wrote(file.csv, createHash('sha256').update(file.csv).digest('hex'));
    file.csv = new Uint8Array(0);
  }, { snapshot, countries });
  await pool.close(); // their memory back before the files and the store are written
  let storeRows = 0;
  for (const o of outcomes.values()) if (o.ok && o.chunk) storeRows += o.chunk.n;
  written?.encoder?.reserve(storeRows);
  // In transform order: the first failure is the one running them in turn would have stopped at.
  for (const t of transforms) {
    const refusal = refused.get(t.id);
    if (refusal) throw refusal;
    const outcome = outcomes.get(t.id);
    if (!outcome) throw new Error(`the ${t.id} transform did not run`);
    if (!outcome.ok) throw deserializeError(outcome.error);
    await csvMade.get(t.id);
    for (const f of outcome.reads) snapshot.recordRead(f);
    countries.replayResolutions(outcome.names);
    // The file's CSV, keys and store columns; the observations were never sent (peak memory).
    observationFiles.set(t.id, outcome.file!);
    if (outcome.chunk) {
      written!.encoder!.addChunk(`observations/${t.id}.csv`, outcome.chunk);
    }
    outcomes.delete(t.id);
    observationCount += outcome.observations;
    const checked = checkedTables.get(t.id) ?? outcome.tables.map((table) => validateTable(t.id, table, sourceIds));
    if (checked instanceof Error) throw checked;
    tables.push(...checked);
    timings.push({ id: t.id, ms: outcome.ms, observations: outcome.observations, tables: outcome.tables.length });
  }
  await csvWriter.close(); // every file's CSV is made: its thread's memory back before the store is encoded
  options.onProgress?.({ transform: 'write', done: transforms.length, total: transforms.length });

  const files = new Map<string, string | Uint8Array>();
  const resources: object[] = [];
  const registryById = new Map(sources.map((s) => [s.id, s]));
  const refs = { countries: new Set(countries.registry.countries.map((c) => c.iso3)), indicators: new Set(indicators.keys()), sources: sourceIds };
  const put = (rel: string, title: string, description: string, fields: FieldDef[], primaryKey: string[], rows: Record<string, unknown>[], rowSources: string[], prepared?: ObservationFile) => {
    if (!prepared) files.set(rel, toCsv(fields.map((f) => f.name), rows as Record<string, string | number | boolean | null>[]));
    resources.push(resourceDescriptor({
      rel, title, description, fields, primaryKey, required: prepared?.required ?? nonNullKeyFields(primaryKey, rows),
      foreignKeys: inferForeignKeys(rel, fields, prepared?.keyValues ?? rows, refs), sources: rowSources,
    }, registryById));
  };

  put('countries.csv', 'Country registry', 'ISO 3166 alpha-3 keys with COW codes and analytic regions; historical states carry ISO 3166-3 codes.', COUNTRY_FIELDS, ['iso3'],
    await countryRowsReady, ['countrycode', 'cow-states-2016', 'gleditsch-ward-states']);
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

  for (const [rel, text] of files) staging.write(rel, text);
  await staging.commit();
  // A partial build (`only`) carries other files over: the store reads those from the folder.
  if (written && options.only === undefined) for (const [rel, text] of files) written.texts.set(rel, text);
  else written?.sha256.clear();
  return {
    outDir,
    timings,
    observations: observationCount,
    countries: countries.registry.countries.length,
    sources: sources.length,
    ms: performance.now() - started,
  };
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
  // Each row's key made once (not two arrays per comparison); a stable sort of the row indices
  // gives the rows' stable sort.
  const keys = table.rows.map((row) => table.primaryKey.map((k) => row[k] as string | number));
  const order = table.rows.map((_, i) => i).sort((a, b) => compareKeys(keys[a], keys[b]));
  const rows = order.map((i) => table.rows[i]);
  return { ...table, rows };
}

/**
 * The fresh sibling folder a build writes into, then swaps in (src/store/swap.ts): made on the
 * first write; with `partial`, the existing folder's files are copied in first (the build's own
 * files then replace theirs). Writes run in the background; commit waits for them.
 */
class Staging {
  private folder: Promise<string> | null = null;
  private readonly writes: Promise<void>[] = [];
  private failed: unknown = null;

  constructor(private readonly outDir: string, private readonly partial: boolean) {}

  private open(): Promise<string> {
    return (this.folder ??= (async () => {
      const tmp = stagingFolder(this.outDir);
      if (this.partial && (await exists(this.outDir))) await cp(this.outDir, tmp, { recursive: true });
      else await mkdir(tmp, { recursive: true });
      return tmp;
    })());
  }

  write(rel: string, data: string | Uint8Array): void {
    this.writes.push((async () => {
      const tmp = await this.open();
      await mkdir(path.dirname(path.join(tmp, rel)), { recursive: true });
      await writeFile(path.join(tmp, rel), data);
    })().catch((e: unknown) => {
      this.failed ??= e;
    }));
  }

  async commit(): Promise<void> {
    const tmp = await this.open();
    await Promise.all(this.writes);
    if (this.failed) throw this.failed;
    await swapFolderIn(tmp, this.outDir);
  }

  async abort(): Promise<void> {
    await Promise.all(this.writes);
    const tmp = await this.folder?.catch(() => null);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
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

export type { Source };
