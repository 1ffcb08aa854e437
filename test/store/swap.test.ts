// The repair of interrupted swaps: a missing folder comes back from its `.old-` copy, the leftovers
// of dead processes go, a live process's are never touched, and a report folder holding someone
// else's files is refused rather than replaced.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { withTemporaryFile, writeFileAtomic } from '../../src/exports/atomic.ts';
import { buildReport } from '../../src/reports/build.ts';
import { processAlive, recoverFolder, stagingFolder, swapFolderIn } from '../../src/store/swap.ts';

/** The pid of a process that has exited (and been reaped). */
const DEAD = spawnSync(process.execPath, ['-e', '0']).pid!;
/** A live process that is not this one: the test runner that started this worker. */
const LIVE = process.ppid;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allies-swap-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function quiet() {
  let err = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { err += String(chunk); return true; });
  return () => err;
}

async function folder(p: string, content: string) {
  await mkdir(p, { recursive: true });
  await writeFile(path.join(p, 'datapackage.json'), content);
}

describe('processAlive', () => {
  it('tells a live process from one that has exited', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(LIVE)).toBe(true);
    expect(processAlive(DEAD)).toBe(false);
  });
});

describe('recoverFolder', () => {
  it('puts the old folder back when a dead process left the target missing, says so, and removes its staging folder', async () => {
    const base = path.join(dir, 'a', 'evidence');
    await folder(`${base}.old-${DEAD}-1000-1`, 'old');
    await folder(`${base}.tmp-${DEAD}-1000-2`, 'new');
    const err = quiet();
    const r = await recoverFolder(base, 'evidence');
    expect(r.restored).toBe(`evidence.old-${DEAD}-1000-1`);
    expect(await readFile(path.join(base, 'datapackage.json'), 'utf8')).toBe('old');
    expect(await readdir(path.dirname(base))).toEqual(['evidence']);
    expect(err()).toMatch(new RegExp(`evidence/ was missing: process ${DEAD} was stopped while replacing the evidence; restored the previous evidence`));
    expect(err()).toMatch(/removed a leftover .*evidence\.tmp-/);
  });

  it('removes a dead process\'s old and half-deleted trash folders when the target is in place, and keeps a live one\'s', async () => {
    const base = path.join(dir, 'b', 'evidence');
    await folder(base, 'current');
    await folder(`${base}.old-${DEAD}-1000-1`, 'old');
    await folder(`${base}.trash-${DEAD}-1000-2`, 'half');
    await folder(`${base}.tmp-${LIVE}-1000-3`, 'being written');
    await folder(`${base}.tmp-${DEAD}-999`, 'from a build before the pid rule had a counter');
    quiet();
    const r = await recoverFolder(base, 'evidence');
    expect(r.restored).toBeNull();
    expect(r.removed.sort()).toEqual([`evidence.old-${DEAD}-1000-1`, `evidence.tmp-${DEAD}-999`, `evidence.trash-${DEAD}-1000-2`]);
    expect((await readdir(path.dirname(base))).sort()).toEqual(['evidence', `evidence.tmp-${LIVE}-1000-3`]);
    expect(await readFile(path.join(base, 'datapackage.json'), 'utf8')).toBe('current');
  });

  it('restores the newest old folder and never deletes an old folder while the target is missing', async () => {
    const base = path.join(dir, 'c', 'evidence');
    await folder(`${base}.old-${DEAD}-1000-1`, 'older');
    await folder(`${base}.old-${DEAD}-2000-1`, 'newer');
    quiet();
    await recoverFolder(base, 'evidence');
    expect(await readFile(path.join(base, 'datapackage.json'), 'utf8')).toBe('newer');
    expect(await readdir(path.dirname(base))).toEqual(['evidence']);
  });

  it('leaves folders of other names alone', async () => {
    const base = path.join(dir, 'd', 'evidence');
    await folder(base, 'current');
    await folder(path.join(dir, 'd', `evidence-2.tmp-${DEAD}-1000`), 'another target');
    await folder(path.join(dir, 'd', 'evidence.old'), 'a user\'s copy');
    expect((await recoverFolder(base, 'evidence')).removed).toEqual([]);
    expect((await readdir(path.join(dir, 'd'))).sort()).toEqual(['evidence', `evidence-2.tmp-${DEAD}-1000`, 'evidence.old']);
  });
});

describe('swapFolderIn', () => {
  it('replaces the folder whole and leaves nothing beside it', async () => {
    const base = path.join(dir, 'e', 'report');
    await folder(base, 'old');
    await writeFile(path.join(base, 'gone.svg'), 'only in the old report');
    const staging = stagingFolder(base);
    await folder(staging, 'new');
    await swapFolderIn(staging, base);
    expect(await readdir(base)).toEqual(['datapackage.json']);
    expect(await readFile(path.join(base, 'datapackage.json'), 'utf8')).toBe('new');
    expect(await readdir(path.dirname(base))).toEqual(['report']);
  });
});

describe('export temporaries', () => {
  it('the next export removes a dead process\'s temporaries in its folder and keeps a live one\'s', async () => {
    const out = path.join(dir, 'f');
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, `.ledgers.csv.${DEAD}.1.tmp`), 'half');
    await writeFile(path.join(out, `.ledgers.xlsx.${LIVE}.3.tmp`), 'being written');
    await writeFile(path.join(out, '.notes.tmp'), 'not ours');
    const err = quiet();
    await writeFileAtomic(path.join(out, 'sources.csv'), 'id\n');
    expect((await readdir(out)).sort()).toEqual([`.ledgers.xlsx.${LIVE}.3.tmp`, '.notes.tmp', 'sources.csv']);
    expect(err()).toMatch(new RegExp(`removed 1 temporary file\\(s\\) of interrupted exports whose process is gone: \\.ledgers\\.csv\\.${DEAD}\\.1\\.tmp`));
  });

  it('a failed write leaves the previous file and no temporary', async () => {
    const file = path.join(dir, 'g', 'ledgers.csv');
    await writeFileAtomic(file, 'old\n');
    await expect(withTemporaryFile(file, async (t) => {
      await writeFile(t, 'half');
      throw new Error('disk full');
    })).rejects.toThrow('disk full');
    expect(await readdir(path.dirname(file))).toEqual(['ledgers.csv']);
    expect(await readFile(file, 'utf8')).toBe('old\n');
  });
});

describe('the report folder is the report\'s own', () => {
  it('a folder holding files a report does not write is refused before any work, and left as it was', async () => {
    const out = path.join(dir, 'h');
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'report.html'), 'an earlier report');
    await writeFile(path.join(out, 'thesis.docx'), 'someone else\'s file');
    await expect(buildReport({ formats: ['html'], outDir: out })).rejects.toThrow(/--out .*h holds files a report does not write \(thesis\.docx\); each run replaces the report folder whole/);
    expect((await readdir(out)).sort()).toEqual(['report.html', 'thesis.docx']);
  });

  it('a file given as the report folder is refused', async () => {
    const file = path.join(dir, 'i.txt');
    await writeFile(file, 'x');
    await expect(buildReport({ formats: ['html'], outDir: file })).rejects.toThrow(/is a file, not a folder/);
    expect(existsSync(file)).toBe(true);
  });
});
