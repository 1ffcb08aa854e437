// The observation files' CSV made from the store's columns on a thread of its own
// (src/pipeline/csv-writer-thread.ts), while the build's thread runs the next transform (a build
// on one thread: src/pipeline/parallel.ts defaultBuildThreads). The build sends a copy of a
// transform's columns (a few MB, copied in milliseconds; the build keeps its own for the store)
// and gets back the CSV bytes and their SHA-256. Where the thread does not start, or stops, the
// same is done on the calling thread from the columns it kept: a failed thread never fails a
// build. The bytes are chunkCsv's (src/pipeline/csv-bytes.ts): those observationsCsv writes from
// the observations.
import type { Worker } from 'node:worker_threads';
import type { EncodedChunk } from '../store/evidence-store.ts';
import { writeCsv } from './observation-chunks.ts';
import type { WrittenCsv } from './observation-chunks.ts';
import { OBSERVATIONS_HEADER } from './observations.ts';
import { startBuildWorker } from './parallel.ts';

export type { WrittenCsv } from './observation-chunks.ts';

interface Waiter {
  chunk: EncodedChunk;
  order: Uint32Array | undefined;
  resolve: (w: WrittenCsv) => void;
  reject: (e: unknown) => void;
}

/** The CSV thread's heap: it holds one file's columns and bytes at a time (a bound, not a need). */
const THREAD_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 4 };

/** A thread that writes CSV from columns, in the order asked. */
export class CsvWriter {
  private worker: Worker | null = null;
  private started = false;
  private next = 0;
  private readonly waiting = new Map<number, Waiter>();

  private thread(): Worker | null {
    if (this.started) return this.worker;
    this.started = true;
    try {
      const w = startBuildWorker('./csv-writer-thread.ts', { header: OBSERVATIONS_HEADER }, THREAD_LIMITS);
      w.on('message', (m: ({ id: number } & WrittenCsv) | { id: number; error: string }) => {
        const waiter = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        // Nothing left to wait for: the thread no longer keeps the process alive.
        if (this.waiting.size === 0) w.unref();
        if (!waiter) return;
        if ('error' in m) this.inline(waiter);
        else waiter.resolve({ csv: m.csv, sha256: m.sha256, chunk: m.chunk, file: m.file });
      });
      // The thread stopped (out of its heap, say): what it had left is written here.
      const stopped = () => {
        this.worker = null;
        for (const waiter of this.waiting.values()) this.inline(waiter);
        this.waiting.clear();
      };
      w.on('error', stopped);
      w.on('exit', stopped);
      // Unref'd while it has nothing to do (an idle thread must not hold the process open), ref'd
      // while a file is being written: else a build awaiting only the thread's reply (nothing else
      // pending) would see the event loop empty and the process end mid-build (exit code 13).
      w.unref();
      this.worker = w;
    } catch {
      this.worker = null;
    }
    return this.worker;
  }

  private inline(waiter: Waiter): void {
    try {
      waiter.resolve(writeCsv(waiter.chunk, OBSERVATIONS_HEADER, waiter.order));
    } catch (e) {
      waiter.reject(e);
    }
  }

  /** The CSV of a file's columns, put in `order` first when given (the columns stay the caller's: the thread gets a copy). */
  write(chunk: EncodedChunk, order?: Uint32Array): Promise<WrittenCsv> {
    const w = this.thread();
    if (!w) return Promise.resolve().then(() => writeCsv(chunk, OBSERVATIONS_HEADER, order));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { chunk, order, resolve, reject });
      w.ref();
      w.postMessage({ id, chunk, order });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) {
      w.removeAllListeners('exit');
      w.removeAllListeners('error');
      await w.terminate().catch(() => undefined);
    }
  }
}
