// Shared set-up for transform tests: one snapshot reader and one country registry per test
// file, reading the real snapshots in ../shared/data (or ALLIES_SNAPSHOTS).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { buildCountryRegistry } from '../../src/pipeline/countries.ts';
import type { CountryResolver } from '../../src/pipeline/countries.ts';
import { DEFAULT_CURATED_DIR, defaultSnapshotDir, loadTransforms } from '../../src/pipeline/build.ts';
import { Snapshot } from '../../src/pipeline/snapshot.ts';
import { observationList } from '../../src/pipeline/observation-columns.ts';
import type { Transform, TransformContext, TransformResult } from '../../src/pipeline/transform.ts';
import { loadSourceRegistry } from '../../src/evidence/sources.ts';
import { Observation as ObservationSchema } from '../../src/evidence/schema.ts';
import type { Observation } from '../../src/evidence/schema.ts';

let context: Promise<TransformContext> | undefined;

export function snapshotContext(snapshotDir = defaultSnapshotDir()): Promise<TransformContext> {
  if (snapshotDir !== defaultSnapshotDir()) return makeContext(snapshotDir);
  return (context ??= makeContext(snapshotDir));
}

async function makeContext(snapshotDir: string): Promise<TransformContext> {
  const snapshot = new Snapshot(snapshotDir);
  const countries: CountryResolver = await buildCountryRegistry(snapshot, DEFAULT_CURATED_DIR);
  return { snapshot, countries, curatedDir: DEFAULT_CURATED_DIR };
}

/** Run one transform (by id) against the real snapshots, or against a copy in `snapshotDir`. */
export async function runTransform(id: string, snapshotDir?: string): Promise<ListedResult> {
  const t = (await loadTransforms()).find((x) => x.id === id);
  if (!t) throw new Error(`no transform ${id} in src/pipeline/transforms`);
  return listed(await t.run(await snapshotContext(snapshotDir)));
}

/** A transform's result with its observations as a list (those it wrote as columns read back). */
export type ListedResult = TransformResult & { observations: Observation[] };
export const listed = (r: TransformResult): ListedResult => ({ ...r, observations: observationList(r.observations) });

export const SNAPSHOT_DIR = defaultSnapshotDir();
export const fixturePath = (...p: string[]) => path.join(import.meta.dirname, '..', 'fixtures', ...p);

/**
 * The observations of a transform that the build would refuse: invalid by the schema, an
 * unregistered country, a source not in the registry, or an undeclared indicator; plus how
 * many share a (country, indicator, year, source) key with another.
 */
export async function buildChecks(transform: Transform, observations: Observation[]): Promise<{ invalid: Observation[]; duplicates: number }> {
  const { countries } = await snapshotContext();
  const sources = new Set((await loadSourceRegistry(DEFAULT_CURATED_DIR)).map((s) => s.id));
  const declared = new Set(transform.indicators.map((i) => i.id));
  const invalid = observations.filter((o) =>
    !ObservationSchema.safeParse(o).success || !countries.registry.has(o.country) || !sources.has(o.source) || !declared.has(o.indicator));
  const keys = new Set(observations.map((o) => `${o.country}|${o.counterpart}|${o.indicator}|${o.year}|${o.source}`));
  return { invalid, duplicates: observations.length - keys.size };
}

/** The build accepts the transform's observations: none invalid, none duplicated. */
export async function expectBuildChecks(transform: Transform, observations: Observation[]): Promise<void> {
  const { invalid, duplicates } = await buildChecks(transform, observations);
  expect(invalid).toEqual([]);
  expect(duplicates).toBe(0);
}

/** A list for the temporary snapshot copies a test suite makes; they are removed after it. */
export function scratchDirs(): string[] {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  return dirs;
}
