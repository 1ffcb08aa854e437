// Loading at the edge: read methodology and judgment files and check them against the
// evidence. Everything else in src/method is pure.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EVIDENCE_DIR, loadEvidence } from '../evidence/load.ts';
import { packagePath } from '../paths.ts';
import { derivedCache, yamlCache } from '../store/yaml-cache.ts';
import type { Evidence } from '../evidence/load.ts';
import { CuratedFileError } from '../evidence/curated-error.ts';
import { checkJudgments, overlayJudgments } from './judgment-book.ts';
import type { Judgment } from './judgment-book.ts';
import type { JudgmentsFile } from './judgments.ts';
import { useDerivedCache } from './derived-cache.ts';
import { located, lineInTree, useCheckedYamlCache } from './located.ts';
import type { LocatedYaml } from './located.ts';
import { checkMethodology, indicatorsOf } from './methodology-check.ts';
import type { EvidenceCatalog } from './methodology-check.ts';
import type { Methodology } from './methodology.ts';

// Processes that read files (the CLI, the API, the library) keep checked methodology and
// judgment files between runs (src/store/yaml-cache.ts). A file found there needs neither the
// YAML parser nor the schemas: methodology.ts and judgments.ts (and yaml, zod) load on a miss.
useCheckedYamlCache(yamlCache);
useDerivedCache(derivedCache);

async function parsedMethodology(file: string, text: string): Promise<LocatedYaml<Methodology>> {
  const hit = yamlCache.read('methodology', file, text);
  if (hit) return located(file, hit.data as Methodology, (p) => lineInTree(hit.lines, p));
  return (await import('./methodology.ts')).parseMethodology(file, text);
}

async function parsedJudgments(file: string, text: string): Promise<LocatedYaml<JudgmentsFile>> {
  const hit = yamlCache.read('judgments', file, text);
  if (hit) return located(file, hit.data as JudgmentsFile, (p) => lineInTree(hit.lines, p));
  return (await import('./judgments.ts')).parseJudgments(file, text);
}

export const DEFAULT_METHODOLOGY_FILE = packagePath('methods/default.yaml');
export const DEFAULT_JUDGMENTS_FILE = packagePath('judgments/default.yaml');

/** What the semantic checks need to know about an evidence base. */
export function evidenceCatalog(evidence: Evidence): EvidenceCatalog {
  return {
    indicators: new Map(evidence.indicators.map((i) => [i.id, { dyadic: i.dyadic, min: i.min, max: i.max }])),
    countries: new Set(evidence.countries.map((c) => c.iso3)),
    sources: new Set(evidence.sources.map((s) => s.id)),
    tables: new Map(evidence.tableNames().map((t) => [t, evidence.tableColumns(t)])), // column names, rows left unparsed
    lastYear: lastObservedYear(evidence),
  };
}

function lastObservedYear(evidence: Evidence): number | undefined {
  // From the store's year column: no observation object is made.
  return evidence.yearSpan()?.last;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new CuratedFileError(file, null, '', `cannot read the ${what} file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'Check the path.');
  }
}

/** Read, validate and check a methodology file against the evidence. */
export async function loadMethodology(evidence: Evidence, file: string = DEFAULT_METHODOLOGY_FILE): Promise<Methodology> {
  return checkMethodology(await parsedMethodology(file, await readText(file, 'methodology')), evidenceCatalog(evidence));
}

/** Read and check one judgments file. */
export async function loadJudgmentsFile(evidence: Evidence, methodology: Methodology, file: string): Promise<Judgment[]> {
  const allies = new Set(evidence.allies().map((a) => a.iso3));
  return checkJudgments(await parsedJudgments(file, await readText(file, 'judgments')), methodology, allies, new Set(evidence.sources.map((s) => s.id)));
}

/**
 * The judgments a ledger uses: the default set, with a user's file laid over it (the user's
 * ratings replace the defaults for the (judgment, ally) pairs it rates).
 */
export async function loadJudgments(evidence: Evidence, methodology: Methodology, userFile?: string, baseFile: string = DEFAULT_JUDGMENTS_FILE): Promise<Judgment[]> {
  const base = await loadJudgmentsFile(evidence, methodology, baseFile);
  return userFile ? overlayJudgments(base, await loadJudgmentsFile(evidence, methodology, userFile)) : base;
}

export interface LedgerInputs {
  evidence: Evidence;
  methodology: Methodology;
  judgments: Judgment[];
}

// Reading the evidence takes seconds; methodology and judgment files take milliseconds. A
// process that computes several ledgers or runs several scenarios (tests, a session of
// commands, the API) reads the evidence once per build and set of indicators: the key
// includes the build's datapackage.json modification time.
const evidenceCache = new Map<string, Promise<Evidence>>();

/** The evidence with the observation files these indicators need, read once per process and build. */
export async function cachedEvidence(dir: string, indicators: readonly string[]): Promise<Evidence> {
  const built = (await stat(path.join(dir, 'datapackage.json')).catch(() => null))?.mtimeMs ?? 0;
  const key = `${path.resolve(dir)}\u0000${built}\u0000${[...new Set(indicators)].sort().join(',')}`;
  let evidence = evidenceCache.get(key);
  if (!evidence) {
    evidence = loadEvidence(dir, { indicators });
    evidenceCache.set(key, evidence);
    evidence.catch(() => evidenceCache.delete(key));
  }
  return evidence;
}

/**
 * Everything a ledger needs, read from files: the evidence (only the observation files the
 * methodology's indicators live in), the checked methodology and the judgments.
 */
export async function loadLedgerInputs(options: { evidenceDir?: string; methodologyFile?: string; judgmentsFile?: string } = {}): Promise<LedgerInputs> {
  const methodologyFile = options.methodologyFile ?? DEFAULT_METHODOLOGY_FILE;
  const parsed = await parsedMethodology(methodologyFile, await readText(methodologyFile, 'methodology'));
  const evidence = await cachedEvidence(options.evidenceDir ?? EVIDENCE_DIR, indicatorsOf(parsed.data));
  if (evidence.allies().length === 0) throw new Error(`${options.evidenceDir ?? EVIDENCE_DIR} has no covered allies: rebuild it with: npx allies data build`);
  const methodology = checkMethodology(parsed, evidenceCatalog(evidence));
  const judgments = await loadJudgments(evidence, methodology, options.judgmentsFile);
  return { evidence, methodology, judgments };
}
