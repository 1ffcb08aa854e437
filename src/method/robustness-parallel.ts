// Robustness over worker threads (Node only; the browser runs runRobustness on one thread).
// The calling thread and the workers take chunks from one shared counter, so a worker that
// starts late simply takes fewer; the result is the same for any number of threads.
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { siblingModule, workerExecArgv } from '../paths.ts';
import { chunkCount, drawBuffers, emptyAccumulator, flushChunks, keepsScores, mergeAccumulators, runChunk } from './draws.ts';
import type { Accumulator, DrawBuffers, DrawSettings, DrawTrace } from './draws.ts';
import { summarize, SweepSizer } from './robustness.ts';
import type { RobustnessResult, SweepLevel } from './robustness.ts';
import type { ScoreMatrix } from './score-matrix.ts';
import type { WorkerJob } from './robustness-worker.ts';

/** Below this many chunks a run stays on the calling thread: starting a worker costs more. */
const PARALLEL_MIN_CHUNKS = 16;

function spawnWorker(): Worker {
  const target = siblingModule('./robustness-worker.ts', import.meta.url);
  if (!target.pathname.endsWith('.ts')) return new Worker(target, { execArgv: workerExecArgv() });
  // The project runs TypeScript through tsx; a worker must register it before importing.
  const boot = `import(${JSON.stringify(tsxApi())}).then((m) => { m.register(); return import(${JSON.stringify(target.href)}); });`;
  return new Worker(boot, { eval: true, execArgv: workerExecArgv() });
}

/** The ESM entry of tsx's API (the CommonJS one cannot register the loader in a worker). */
function tsxApi(): string {
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(cjs.replace(/index\.cjs$/, 'index.mjs')).href;
}

/** A set of robustness workers kept alive across runs (a CLI call runs several). */
export class RobustnessPool {
  private readonly workers: Worker[] = [];
  private jobs = 0;
  /** Keys of the calls (a run, a sweep): a worker keeps its buffers for the jobs of one key. */
  private keys = 0;
  /** Jobs posted to each worker and not yet answered: a worker keeps the process alive while it has any. */
  private readonly busy = new Map<Worker, number>();

  /** `threads` counts the calling thread: 2 threads = the caller plus one worker. */
  constructor(readonly threads: number = Math.max(1, availableParallelism())) {}

  /**
   * Start the workers now when a run of `draws` draws will want them, so that they load their
   * modules and compile the kernel while the caller still loads its inputs.
   */
  prestart(draws: number): void {
    if (this.threads > 1 && chunkCount(draws) >= PARALLEL_MIN_CHUNKS) this.ensureWorkers();
  }

  private ensureWorkers(): void {
    while (this.workers.length < this.threads - 1) {
      const w = spawnWorker();
      // Idle workers must not keep the process alive; a running job refs them.
      w.unref();
      this.workers.push(w);
    }
  }

  /** A run; `trace` (drawTrace, in shared memory) gets every draw's nets and ranks of some allies. */
  async run(matrix: ScoreMatrix, settings: DrawSettings, interval = 0.9, trace: DrawTrace | null = null): Promise<RobustnessResult> {
    const acc = await this.accumulate(matrix, settings, 0, chunkCount(settings.draws), drawBuffers(matrix, { trace }), ++this.keys);
    return summarize(matrix, acc, settings, interval);
  }

  /**
   * The ASPI-style sweep (robustness.ts runSweep), each level sized by its own convergence
   * and at most `draws` draws; its blocks run on every thread. The same result as runSweep.
   * The levels run side by side: while one level's block is summarized (or its last chunk
   * finishes on another thread), the threads draw the other levels' blocks. Each level still
   * takes its blocks in order and decides after each, so its result is runSweep's.
   */
  async sweep(matrix: ScoreMatrix, levels: readonly number[], draws: number, seed: number, interval = 0.9): Promise<SweepLevel[]> {
    const buf = drawBuffers(matrix);
    // Every block of the sweep has the same matrix: the workers keep their buffers for them.
    const key = ++this.keys;
    // The whole sweep decides whether workers are worth starting; then every block uses them.
    if (this.threads > 1 && levels.length * chunkCount(draws) >= PARALLEL_MIN_CHUNKS) this.ensureWorkers();
    // One buffer serves every level on this thread: a block's chunks run (and fold) in one
    // synchronous stretch, so two levels never share it at once.
    return Promise.all(levels.map(async (change, i) => {
      const sizer = new SweepSizer(matrix, change, i, draws, seed, interval);
      for (let b = sizer.nextBlock(); b !== null; b = sizer.nextBlock()) sizer.add(await this.accumulate(matrix, sizer.settings, b[0], b[1], buf, key));
      return sizer.result();
    }));
  }

  /**
   * The accumulator of chunks from..to - 1 of a run; `buf` is the calling thread's (its trace
   * is the run's); jobs of the same `key` share the matrix, so a worker keeps its buffers.
   */
  private async accumulate(matrix: ScoreMatrix, settings: DrawSettings, from: number, to: number, buf: DrawBuffers, key: number): Promise<Accumulator> {
    const trace = buf.trace;
    const withScores = keepsScores(settings);
    const counter = new SharedArrayBuffer(4);
    const next = new Int32Array(counter);
    next[0] = from;
    const pending: Promise<Accumulator>[] = [];
    // Workers already started are worth a few chunks; starting them, only many.
    const worthIt = to - from >= (this.workers.length > 0 ? 2 : PARALLEL_MIN_CHUNKS);
    if (this.threads > 1 && worthIt) {
      this.ensureWorkers();
      const job = ++this.jobs;
      for (const w of this.workers) {
        pending.push(new Promise<Accumulator>((resolve, reject) => {
          const onMessage = (msg: { job: number; acc: Accumulator }) => {
            if (msg.job !== job) return;
            const left = (this.busy.get(w) ?? 1) - 1;
            this.busy.set(w, left);
            if (left === 0) w.unref();
            w.off('message', onMessage);
            w.off('error', reject);
            resolve(msg.acc);
          };
          w.on('message', onMessage);
          w.once('error', reject);
        }));
        this.busy.set(w, (this.busy.get(w) ?? 0) + 1);
        w.ref();
        w.postMessage({ job, key, matrix, settings, counter, chunks: to, trace } satisfies WorkerJob);
      }
    }
    const acc = emptyAccumulator(matrix, withScores);
    for (;;) {
      const chunk = Atomics.add(next, 0, 1);
      if (chunk >= to) break;
      runChunk(matrix, settings, chunk, acc, buf, true);
    }
    flushChunks(buf);
    for (const other of await Promise.all(pending)) mergeAccumulators(acc, other);
    acc.chunkSums.sort((a, b) => a[0] - b[0]);
    return acc;
  }

  async close(): Promise<void> {
    this.busy.clear();
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}

/** One parallel run with a pool made for it. */
export async function runRobustnessParallel(matrix: ScoreMatrix, settings: DrawSettings, options: { threads?: number; interval?: number } = {}): Promise<RobustnessResult> {
  const pool = new RobustnessPool(options.threads);
  try {
    return await pool.run(matrix, settings, options.interval);
  } finally {
    await pool.close();
  }
}
