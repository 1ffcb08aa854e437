// A robustness worker: takes chunks from a shared counter until none are left, then posts
// its accumulator. Which chunks it ran does not matter to the result (see robustness.ts).
// Its draw buffers (the WebAssembly kernel's instance and the redraw plan) are kept for the
// next job with the same key: the pool gives every block of a sweep the same key, so a sweep
// builds them once per worker instead of once per block.
import { parentPort } from 'node:worker_threads';
import { drawBuffers, emptyAccumulator, flushChunks, keepsScores, runChunk, warmKernel } from './draws.ts';
import type { DrawBuffers, DrawSettings, DrawTrace } from './draws.ts';
import type { ScoreMatrix } from './score-matrix.ts';

export interface WorkerJob {
  job: number;
  /** Jobs with the same key run on the same matrix (the same buffers serve them); 0: none. */
  key: number;
  matrix: ScoreMatrix;
  settings: DrawSettings;
  /** Int32 [next chunk index] shared by every thread of the run. */
  counter: SharedArrayBuffer;
  chunks: number;
  /** Draws traced into shared memory, if any. */
  trace: DrawTrace | null;
}

/** Buffers of the last two keys (a run and a sweep may alternate), most recent last. */
const kept: { key: number; buf: DrawBuffers }[] = [];

parentPort!.on('message', (job: WorkerJob) => {
  const counter = new Int32Array(job.counter);
  const acc = emptyAccumulator(job.matrix, keepsScores(job.settings));
  let buf: DrawBuffers;
  const found = job.key === 0 ? -1 : kept.findIndex((e) => e.key === job.key);
  if (found >= 0) {
    buf = kept[found].buf;
    buf.trace = job.trace;
    kept.push(...kept.splice(found, 1));
  } else {
    buf = drawBuffers(job.matrix, { trace: job.trace });
    if (job.key !== 0) {
      kept.push({ key: job.key, buf });
      if (kept.length > 2) kept.shift();
    }
  }
  for (;;) {
    const chunk = Atomics.add(counter, 0, 1);
    if (chunk >= job.chunks) break;
    runChunk(job.matrix, job.settings, chunk, acc, buf, true);
  }
  flushChunks(buf);
  parentPort!.postMessage({ job: job.job, acc });
});

// Compile the kernel while the calling thread still loads its inputs (the pool may start
// workers before it has a matrix to send).
warmKernel();
