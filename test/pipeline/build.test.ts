// The whole build: reproducible byte for byte, and all-or-nothing on bad input.
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvidence, DEFAULT_EVIDENCE_DIR } from '../../src/pipeline/build.ts';
import { defaultBuildThreads } from '../../src/pipeline/parallel.ts';
import type { BuildReport } from '../../src/pipeline/build.ts';
import { SNAPSHOT_DIR } from '../support/pipeline.ts';

async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

async function digest(dir: string): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const f of await filesUnder(dir)) m.set(f, createHash('sha256').update(await readFile(path.join(dir, f))).digest('hex'));
  return m;
}

/** A snapshot directory that links to the real one, except for one folder copied so a file in it can be corrupted. */
async function snapshotWithCopiedFolder(folder: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-snap-'));
  for (const entry of await readdir(SNAPSHOT_DIR)) {
    if (entry === folder) await cp(path.join(SNAPSHOT_DIR, entry), path.join(dir, entry), { recursive: true });
    else await symlink(path.join(SNAPSHOT_DIR, entry), path.join(dir, entry));
  }
  return dir;
}

describe.runIf(existsSync(SNAPSHOT_DIR))('allies data build from the snapshots', () => {
  let out: string;
  let storeDir: string;
  let report: BuildReport;
  const savedStoreDir = process.env.ALLIES_STORE_DIR;
  beforeAll(async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'allies-evidence-'));
    // With the evidence store, as `allies data build` writes the project's: on the build's own
    // thread each observation file's CSV is then made from the store's columns (chunkCsv).
    storeDir = await mkdtemp(path.join(os.tmpdir(), 'allies-evidence-store-'));
    process.env.ALLIES_STORE_DIR = storeDir;
    report = await buildEvidence({ snapshotDir: SNAPSHOT_DIR, outDir: out, store: true });
  }, 120_000);
  afterAll(async () => {
    if (savedStoreDir === undefined) delete process.env.ALLIES_STORE_DIR;
    else process.env.ALLIES_STORE_DIR = savedStoreDir;
    await rm(out, { recursive: true, force: true });
    await rm(storeDir, { recursive: true, force: true });
  });

  it('rewrites the committed evidence tables byte for byte', async () => {
    const built = await digest(out);
    const committed = await digest(DEFAULT_EVIDENCE_DIR);
    expect([...built.keys()]).toEqual([...committed.keys()]);
    for (const [file, hash] of built) expect({ file, hash }).toEqual({ file, hash: committed.get(file) });
  });

  it('changes nothing when run a second time, on worker threads or on its own thread alike', async () => {
    // The second build takes the other way of running the transforms: worker threads where the
    // first ran them on the build's thread (a machine of two cores), and the reverse elsewhere.
    const before = await digest(out);
    await buildEvidence({ snapshotDir: SNAPSHOT_DIR, outDir: out, threads: defaultBuildThreads() === 0 ? 2 : 0 });
    expect(await digest(out)).toEqual(before);
  }, 120_000);

  it('records the sha256 of every snapshot file it read', async () => {
    const text = await readFile(path.join(out, 'source_files.csv'), 'utf8');
    const codelist = await readFile(path.join(SNAPSHOT_DIR, 'country-codes/countrycode_codelist.csv'));
    expect(text).toContain(`country-codes/countrycode_codelist.csv,${createHash('sha256').update(codelist).digest('hex')}`);
  });

  it('reports its time per transform (bench/build.ts prints the figures)', () => {
    expect(report.timings.map((t) => t.id)).toContain('sipri-milex');
    expect(report.observations).toBeGreaterThan(100_000);
  });
});

describe.runIf(existsSync(SNAPSHOT_DIR))('a corrupted snapshot', () => {
  let evidenceCopy: string;
  beforeAll(async () => {
    evidenceCopy = await mkdtemp(path.join(os.tmpdir(), 'allies-evidence-copy-'));
    await cp(DEFAULT_EVIDENCE_DIR, evidenceCopy, { recursive: true });
  });
  afterAll(async () => rm(evidenceCopy, { recursive: true, force: true }));

  it('stops the build naming file, row and column, and leaves the evidence untouched', async () => {
    const snap = await snapshotWithCopiedFolder('country-codes');
    const file = path.join(snap, 'country-codes/countrycode_codelist.csv');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const header = lines[0].split(',');
    const cown = header.indexOf('cown');
    const cells = lines[5].split(',');
    cells[cown] = 'abc';
    lines[5] = cells.join(',');
    await writeFile(file, lines.join('\n'));
    const before = await digest(evidenceCopy);
    await expect(buildEvidence({ snapshotDir: snap, outDir: evidenceCopy })).rejects.toThrow(/countrycode_codelist\.csv, row 6, column "cown": "abc" is not a number/);
    expect(await digest(evidenceCopy)).toEqual(before);
    await rm(snap, { recursive: true, force: true });
  }, 60_000);

  for (const threads of [0, 2]) {
    it(`stops at a bad row a transform reads, on ${threads ? 'worker threads' : 'its own thread'}, naming file, row and column`, async () => {
      const snap = await snapshotWithCopiedFolder('opinion-pew');
      try {
        const file = path.join(snap, 'opinion-pew/pew_global_attitudes_favorability_country_year_weighted.csv');
        const lines = (await readFile(file, 'utf8')).split('\n');
        const at = lines.findIndex((l) => l.startsWith('"USA"')); // a row the transform reads
        const cells = lines[at].split(',');
        cells[1] = '"twenty"';
        lines[at] = cells.join(',');
        await writeFile(file, lines.join('\n'));
        const before = await digest(evidenceCopy);
        await expect(buildEvidence({ snapshotDir: snap, outDir: evidenceCopy, threads }))
          .rejects.toThrow(new RegExp(`pew_global_attitudes_favorability_country_year_weighted\\.csv, row ${at + 1}, column "wave"`));
        expect(await digest(evidenceCopy)).toEqual(before);
      } finally {
        await rm(snap, { recursive: true, force: true });
      }
    }, 120_000);
  }

  it('stops on a missing snapshot directory with what to do', async () => {
    await expect(buildEvidence({ snapshotDir: '/nonexistent/snapshots', outDir: evidenceCopy })).rejects.toThrow(/snapshot directory not found.*--snapshots/);
  });
});
