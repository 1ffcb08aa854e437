// A robustness worker: takes chunks from a shared counter until none are left, then posts
// its accumulator. Which chunks it ran does not matter to the result (see robustness.ts).
import { parentPort } from 'node:worker_threads';
import { drawBuffers, emptyAccumulator, keepsScores, runChunk } from './draws.ts';
import type { DrawSettings, DrawTrace } from './draws.ts';
import type { ScoreMatrix } from './score-matrix.ts';

export interface WorkerJob {
  job: number;
  matrix: ScoreMatrix;
  settings: DrawSettings;
  /** Int32 [next chunk index] shared by every thread of the run. */
  counter: SharedArrayBuffer;
  chunks: number;
  /** Draws traced into shared memory, if any. */
  trace: DrawTrace | null;
}

parentPort!.on('message', (job: WorkerJob) => {
  const counter = new Int32Array(job.counter);
  const acc = emptyAccumulator(job.matrix, keepsScores(job.settings));
  const buf = drawBuffers(job.matrix, { trace: job.trace });
  for (;;) {
    const chunk = Atomics.add(counter, 0, 1);
    if (chunk >= job.chunks) break;
    runChunk(job.matrix, job.settings, chunk, acc, buf);
  }
  parentPort!.postMessage({ job: job.job, acc });
});
