// The evidence is a Frictionless tabular data package by the specification's own validator
// (the `datapackage` library of the Frictionless project): the descriptor validates against the
// Data Package profile, and every row of every resource casts to its schema, keeps its primary
// key unique and resolves its foreign keys (observations -> countries, indicators, sources).
import { cp, mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EVIDENCE_DIR } from '../../src/pipeline/build.ts';

interface FrictionlessResource {
  name: string;
  descriptor: { profile?: string; dialect?: Record<string, unknown>; sources?: { title?: string }[]; schema: { primaryKey?: string[]; foreignKeys?: { fields: string[]; reference: { resource: string } }[]; fields: { name: string; constraints?: { required?: boolean } }[] } };
  iter(options: { relations?: boolean; forceCast?: boolean; stream?: boolean }): Promise<AsyncIterable<unknown[] | (Error & { rowNumber?: number; errors?: Error[] })>>;
}
interface FrictionlessPackage {
  valid: boolean;
  errors: Error[];
  descriptor: { sources?: { title?: string }[] };
  resources: FrictionlessResource[];
  getResource(name: string): FrictionlessResource | null;
}
const { Package } = createRequire(import.meta.url)('datapackage') as { Package: { load(descriptor: string): Promise<FrictionlessPackage> } };

/** Every row of a resource through the validator: [rows, errors as "row N: message"]. */
async function validateRows(resource: FrictionlessResource): Promise<{ rows: number; errors: string[] }> {
  const relations = (resource.descriptor.schema.foreignKeys ?? []).length > 0;
  const stream = await resource.iter({ relations, forceCast: true, stream: true });
  let rows = 0;
  const errors: string[] = [];
  for await (const row of stream) {
    rows++;
    if (row instanceof Error) errors.push(`${resource.name} row ${row.rowNumber}: ${[row.message, ...(row.errors ?? []).map((e) => e.message)].join('; ')}`);
  }
  return { rows, errors };
}

describe('evidence/datapackage.json, by the Frictionless validator', () => {
  let pkg: FrictionlessPackage;
  beforeAll(async () => {
    pkg = await Package.load(path.join(DEFAULT_EVIDENCE_DIR, 'datapackage.json'));
  });

  it('is a valid tabular data package descriptor (0 errors)', () => {
    expect(pkg.errors.map((e) => e.message)).toEqual([]);
    expect(pkg.valid).toBe(true);
  });

  it('declares every resource tabular, with a CSV dialect, titled sources and no empty source list', () => {
    for (const r of pkg.resources) {
      expect(r.descriptor.profile, r.name).toBe('tabular-data-resource');
      expect(r.descriptor.dialect, r.name).toMatchObject({ delimiter: ',', quoteChar: '"', doubleQuote: true, lineTerminator: '\n', header: true });
      if (r.descriptor.sources !== undefined) {
        expect(r.descriptor.sources.length, r.name).toBeGreaterThan(0);
        for (const s of r.descriptor.sources) expect(s.title, r.name).toBeTruthy();
      }
    }
    for (const s of pkg.descriptor.sources ?? []) expect(s.title).toBeTruthy();
  });

  it('ties observations to countries, indicators and sources by foreign keys, on a key PostgreSQL accepts where the file allows', () => {
    const observations = pkg.resources.filter((r) => r.name.startsWith('observations-'));
    expect(observations.length).toBeGreaterThan(10);
    for (const r of observations) {
      const refs = Object.fromEntries((r.descriptor.schema.foreignKeys ?? []).map((fk) => [fk.fields.join(','), fk.reference.resource]));
      expect(refs, r.name).toMatchObject({ country: 'countries', indicator: 'indicators', source: 'sources' });
      const key = r.descriptor.schema.primaryKey ?? [];
      const required = new Set(r.descriptor.schema.fields.filter((f) => f.constraints?.required).map((f) => f.name));
      // A file without dyadic rows is keyed without counterpart, and every key column is required (NOT NULL).
      if (!key.includes('counterpart')) expect(key, r.name).toEqual(['country', 'indicator', 'year', 'source']);
      for (const k of key.filter((k) => k !== 'counterpart')) expect(required.has(k), `${r.name} ${k}`).toBe(true);
    }
    expect(pkg.getResource('observations-capitals')!.descriptor.schema.fields.find((f) => f.name === 'counterpart')?.constraints?.required).toBe(true);
  });

  it('validates every row of every resource, primary and foreign keys included', async () => {
    const started = performance.now();
    let rows = 0;
    const errors: string[] = [];
    for (const r of pkg.resources) {
      const result = await validateRows(r);
      rows += result.rows;
      errors.push(...result.errors);
    }
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`frictionless: ${rows.toLocaleString('en-US')} rows in ${pkg.resources.length} resources validated with relations in ${seconds.toFixed(1)} s\n`);
    expect(errors.slice(0, 10)).toEqual([]);
    expect(rows).toBeGreaterThan(360_000);
  }, 600_000);
});

describe('the validator catches what the descriptor promises', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'allies-frictionless-'));
    await cp(DEFAULT_EVIDENCE_DIR, dir, { recursive: true });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('an unknown country, an unknown indicator and a duplicated key in observations', async () => {
    const file = path.join(dir, 'observations/nato.csv');
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[1] = lines[1].replace(/^[A-Z]{3},/, 'QQQ,');
    lines[2] = lines[2].replace(/,nato_defexp_share_gdp,/, ',no_such_indicator,');
    await writeFile(file, lines.join('\n'));
    await appendFile(file, `${lines[3]}\n`);
    const pkg = await Package.load(path.join(dir, 'datapackage.json'));
    const { errors } = await validateRows(pkg.getResource('observations-nato')!);
    expect(errors.join('\n')).toMatch(/Foreign key "country" violation in row 2/);
    expect(errors.join('\n')).toMatch(/Foreign key "indicator" violation in row 3/);
    expect(errors.join('\n')).toMatch(/unique constraint violation/);
  });
});
