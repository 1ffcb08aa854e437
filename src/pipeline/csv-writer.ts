// The observation files' CSV made from the store's columns on a thread of its own
// (src/pipeline/csv-writer-thread.ts), while the build's thread runs the next transform (a build
// on one thread: src/pipeline/parallel.ts defaultBuildThreads). The build sends a transform's
// columns (transferred, not copied) and gets back the CSV bytes, their SHA-256 and the columns.
// Where no thread starts, the same is done on the calling thread. The bytes are chunkCsv's
// (src/pipeline/csv-bytes.ts): those observationsCsv writes from the observations.
import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { chunkBuffers } from '../store/evidence-store.ts';
import type { EncodedChunk } from '../store/evidence-store.ts';
import { chunkCsv } from './csv-bytes.ts';
import { OBSERVATIONS_HEADER } from './observations.ts';
import { startBuildWorker } from './parallel.ts';

export interface WrittenCsv {
  csv: Uint8Array;
  sha256: string;
  chunk: EncodedChunk;
}

function write(chunk: EncodedChunk): WrittenCsv {
  const csv = chunkCsv(chunk, OBSERVATIONS_HEADER);
  return { csv, sha256: createHash('sha256').update(csv).digest('hex'), chunk };
}

/** The CSV thread's heap: it holds one file's columns and bytes at a time (a bound, not a need). */
const THREAD_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 4 };

/** A thread that writes CSV from columns, in the order asked. */
export class CsvWriter {
  private worker: Worker | null = null;
  private started = false;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (w: WrittenCsv) => void; reject: (e: Error) => void }>();

  private thread(): Worker | null {
    if (this.started) return this.worker;
    this.started = true;
    try {
      const w = startBuildWorker('./csv-writer-thread.ts', { header: OBSERVATIONS_HEADER }, THREAD_LIMITS);
      w.on('message', (m: ({ id: number } & WrittenCsv) | { id: number; error: string }) => {
        const waiter = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if ('error' in m) waiter?.reject(new Error(m.error));
        else waiter?.resolve({ csv: m.csv, sha256: m.sha256, chunk: m.chunk });
      });
      const fail = (e: unknown) => {
        for (const w of this.waiting.values()) w.reject(e instanceof Error ? e : new Error(`the CSV writer thread stopped (${String(e)})`));
        this.waiting.clear();
      };
      w.on('error', fail);
      w.on('exit', (code) => fail(`exit ${code}`));
      w.unref();
      this.worker = w;
    } catch {
      this.worker = null;
    }
    return this.worker;
  }

  /** The CSV of a file's columns; the columns are handed over and come back with it. */
  write(chunk: EncodedChunk): Promise<WrittenCsv> {
    const w = this.thread();
    if (!w) return Promise.resolve().then(() => write(chunk));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.postMessage({ id, chunk }, chunkBuffers(chunk));
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) {
      w.removeAllListeners('exit');
      await w.terminate().catch(() => undefined);
    }
  }
}
