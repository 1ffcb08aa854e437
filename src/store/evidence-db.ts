// The evidence loaded into an embedded PostgreSQL (PGlite) so users can query it with SQL.
// The database lives in .alliance-ledger/db and is reloaded, inside one transaction, whenever
// the evidence tables change (their datapackage.json checksum is kept in the database).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { EVIDENCE_DIR } from '../evidence/load.ts';

export const DEFAULT_DB_DIR = path.resolve(EVIDENCE_DIR, '../.alliance-ledger/db');

interface Resource {
  path: string;
  schema: { fields: { name: string; type: string }[]; primaryKey: string[] };
}

const SQL_TYPE: Record<string, string> = { string: 'text', integer: 'bigint', number: 'double precision', boolean: 'boolean' };

/** The SQL table a resource loads into: observations/x.csv -> observations, tables/atop_members.csv -> atop_members. */
export function tableNameOf(resourcePath: string): string {
  if (resourcePath.startsWith('observations/')) return 'observations';
  return path.basename(resourcePath, '.csv');
}

export async function openEvidenceDb(options: { evidenceDir?: string; dbDir?: string; memory?: boolean } = {}): Promise<PGlite> {
  const evidenceDir = options.evidenceDir ?? EVIDENCE_DIR;
  const dbDir = options.dbDir ?? DEFAULT_DB_DIR;
  if (!options.memory) await mkdir(dbDir, { recursive: true });
  const db = options.memory ? new PGlite() : new PGlite(dbDir);
  try {
    await loadEvidenceInto(db, evidenceDir);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

async function loadEvidenceInto(db: PGlite, evidenceDir: string): Promise<void> {
  const pkgText = await readFile(path.join(evidenceDir, 'datapackage.json'), 'utf8');
  const stamp = createHash('sha256').update(pkgText).digest('hex');
  const pkg = JSON.parse(pkgText) as { resources: Resource[] };
  // The datapackage lists every file; hash them too so a rebuilt table reloads even if the schema did not change.
  const hash = createHash('sha256').update(stamp);
  const contents = new Map<string, string>();
  for (const r of pkg.resources) {
    const text = await readFile(path.join(evidenceDir, r.path), 'utf8');
    contents.set(r.path, text);
    hash.update(r.path).update(text);
  }
  const version = hash.digest('hex');
  await db.exec('create schema if not exists ledger_meta; create table if not exists ledger_meta.loaded (version text not null)');
  const current = await db.query<{ version: string }>('select version from ledger_meta.loaded limit 1');
  if (current.rows[0]?.version === version) return;

  await db.transaction(async (tx) => {
    const created = new Set<string>();
    for (const r of pkg.resources) {
      const table = tableNameOf(r.path);
      const cols = r.schema.fields.map((f) => `"${f.name}" ${SQL_TYPE[f.type] ?? 'text'}`).join(', ');
      if (!created.has(table)) {
        await tx.exec(`drop table if exists "${table}"; create table "${table}" (${cols})`);
        created.add(table);
      }
      const text = contents.get(r.path)!;
      await tx.query(`copy "${table}" from '/dev/blob' with (format csv, header true)`, [], { blob: new Blob([text]) });
    }
    await tx.exec('create index if not exists observations_key on observations (indicator, country, year)');
    await tx.exec('delete from ledger_meta.loaded');
    await tx.query('insert into ledger_meta.loaded (version) values ($1)', [version]);
  });
}
