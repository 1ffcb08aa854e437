// Folders and files replaced whole, and what an interrupted replacement leaves behind.
//
// A folder (evidence/, a report folder) is written into a staging sibling and swapped in with two
// renames: the current folder moves to `<name>.old-<pid>-<stamp>`, then the staging folder
// `<name>.tmp-<pid>-<stamp>` takes its name. Linux has no atomic exchange of two folders that Node
// can reach, so a kill between the two renames leaves `<name>` missing for good. Every process that
// reads or replaces such a folder therefore starts with recoverFolder(): it puts the `.old-` folder
// back when `<name>` is missing (and says so on standard error), and removes staging, old and trash
// folders whose owning process is gone. The owner is the pid in the name; a live owner's folders
// are never touched, because it may be in the middle of its own swap.
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a reader waits for a live process that is between its two renames. */
const LIVE_SWAP_WAIT_MS = 5_000;

const FOLDER_LEFTOVER = /^(.*)\.(tmp|old|trash)-(\d+)-(\d+)(?:-\d+)?$/;
/** Export temporaries: `.<file>.<pid>.<n>.tmp` (src/exports/atomic.ts). */
const FILE_LEFTOVER = /^\..+\.(\d+)\.\d+\.tmp$/;

let counter = 0;

/** A process is alive when signal 0 reaches it (EPERM: alive, but another user's). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a path exists (a file or a folder). */
export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

function sibling(target: string, kind: 'tmp' | 'old' | 'trash'): string {
  return `${target}.${kind}-${process.pid}-${Date.now()}-${++counter}`;
}

/** A fresh staging folder name beside `target` (the caller creates and fills it). */
export function stagingFolder(target: string): string {
  return sibling(path.resolve(target), 'tmp');
}

/**
 * Tests kill a process exactly inside a swap: with ALLIES_TEST_PAUSE_IN_SWAP=<ms> the process says
 * so on standard error and sleeps there. Nothing else reads the variable.
 */
export async function pauseInSwapForTests(target: string): Promise<void> {
  const ms = Number(process.env.ALLIES_TEST_PAUSE_IN_SWAP ?? 0);
  if (!(ms > 0)) return;
  process.stderr.write(`test hook: pausing ${ms} ms inside the swap of ${target}\n`);
  await sleep(ms);
}

/**
 * Move a complete staging folder to `target`, replacing the folder there. Between the two renames
 * `target` is missing; recoverFolder() repairs that after a kill. On an error the previous folder is
 * put back and the staging folder removed.
 */
export async function swapFolderIn(staging: string, target: string): Promise<void> {
  const had = await exists(target);
  const old = sibling(target, 'old');
  if (had) await rename(target, old);
  try {
    await pauseInSwapForTests(target);
    await rename(staging, target);
  } catch (e) {
    if (had) await rename(old, target).catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
  if (had) {
    // Renamed before deletion, so a half-deleted folder is never taken for a complete old one.
    const trash = sibling(target, 'trash');
    await rename(old, trash);
    await rm(trash, { recursive: true, force: true });
  }
}

export interface Leftover {
  /** Folder or file name inside the parent folder. */
  name: string;
  kind: 'tmp' | 'old' | 'trash';
  pid: number;
  stamp: number;
}

/** The staging, old and trash folders beside `target`, newest first. */
export async function folderLeftovers(target: string): Promise<Leftover[]> {
  const resolved = path.resolve(target);
  const base = path.basename(resolved);
  let names: string[];
  try {
    names = await readdir(path.dirname(resolved));
  } catch {
    return [];
  }
  const out: Leftover[] = [];
  for (const name of names) {
    const m = FOLDER_LEFTOVER.exec(name);
    if (m && m[1] === base) out.push({ name, kind: m[2] as Leftover['kind'], pid: Number(m[3]), stamp: Number(m[4]) });
  }
  return out.sort((a, b) => b.stamp - a.stamp);
}

export interface Recovery {
  /** The folder put back in place of the missing target, if any. */
  restored: string | null;
  /** Leftovers of dead processes that were removed. */
  removed: string[];
}

/**
 * Repair what an interrupted swap of `target` left: restore `target` from the newest `.old-` folder
 * when it is missing, and remove the leftovers of processes that are gone. `what` names the folder
 * in messages ("evidence", "report").
 */
export async function recoverFolder(target: string, what: string): Promise<Recovery> {
  const resolved = path.resolve(target);
  const parent = path.dirname(resolved);
  let leftovers = await folderLeftovers(resolved);
  const result: Recovery = { restored: null, removed: [] };
  if (leftovers.length === 0) return result;

  if (!(await exists(resolved))) {
    // A live owner between its two renames finishes within milliseconds: wait for it first.
    const deadline = Date.now() + LIVE_SWAP_WAIT_MS;
    while (leftovers.some((l) => l.kind === 'old' && processAlive(l.pid)) && Date.now() < deadline && !(await exists(resolved))) await sleep(20);
    leftovers = await folderLeftovers(resolved);
    for (const old of leftovers.filter((l) => l.kind === 'old')) {
      if (await exists(resolved)) break;
      try {
        await rename(path.join(parent, old.name), resolved);
      } catch {
        continue; // another process restored or removed it first
      }
      result.restored = old.name;
      process.stderr.write(`allies: ${path.basename(resolved)}/ was missing: process ${old.pid} was stopped while replacing the ${what}; restored the previous ${what} from ${old.name}\n`);
    }
    leftovers = await folderLeftovers(resolved);
  }

  for (const l of leftovers) {
    if (processAlive(l.pid)) continue;
    // Never delete an old folder while the target is missing: it is the only complete copy.
    if (l.kind === 'old' && !(await exists(resolved))) continue;
    await rm(path.join(parent, l.name), { recursive: true, force: true });
    result.removed.push(l.name);
  }
  if (result.removed.length) {
    process.stderr.write(`allies: removed ${result.removed.length === 1 ? 'a leftover' : `${result.removed.length} leftovers`} of interrupted ${what} writes whose process is gone: ${result.removed.join(', ')}\n`);
  }
  return result;
}

/** Export temporaries in `dir` whose process is gone are removed; returns their names. */
export async function removeStaleTemporaryFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = FILE_LEFTOVER.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    await rm(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/** Names in `dir` that an interrupted write left (folder leftovers of any target, export temporaries). */
export async function leftoversIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => FOLDER_LEFTOVER.test(n) || FILE_LEFTOVER.test(n)).sort();
}
