// Files are written whole or not at all: into a temporary file beside the target, then
// renamed over it (a rename within a directory is atomic), so an interrupted export or
// report never leaves a half-written file where the previous good one was. A kill leaves only
// the temporary (`.<name>.<pid>.<n>.tmp`), which the next write into that folder removes once
// its process is gone (a live process's temporary is never touched).
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pauseInSwapForTests, removeStaleTemporaryFiles } from '../store/swap.ts';

let counter = 0;

/** A temporary path in the target's directory (same file system, so rename is atomic). */
export function temporaryPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++counter}.tmp`);
}

/**
 * Run `write` on a temporary path, then move the result to `file`. The directory is created
 * when missing; on failure the temporary file is removed and `file` is left as it was.
 */
export async function withTemporaryFile<T>(file: string, write: (temporary: string) => Promise<T>): Promise<T> {
  const dir = path.dirname(path.resolve(file));
  await mkdir(dir, { recursive: true });
  const removed = await removeStaleTemporaryFiles(dir);
  if (removed.length) process.stderr.write(`allies: removed ${removed.length} temporary file(s) of interrupted exports whose process is gone: ${removed.join(', ')}\n`);
  const temporary = temporaryPath(path.resolve(file));
  try {
    const result = await write(temporary);
    await pauseInSwapForTests(file);
    await rename(temporary, file);
    return result;
  } catch (e) {
    await rm(temporary, { force: true });
    throw e;
  }
}

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await withTemporaryFile(file, (temporary) => writeFile(temporary, data));
}
