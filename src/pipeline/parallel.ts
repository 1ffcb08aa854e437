// The build's transforms over worker threads (src/pipeline/transform-worker.ts): two workers (on
// a machine of more than two cores: see defaultBuildThreads) take the transforms longest first
// from one queue. Each worker sends back a transform's observation file ready to write
// (CSV bytes) and its store columns as transferable arrays, not 369,000 observation objects to
// clone; the build merges the outcomes in transform order, so the files, the store and the first
// error reported are those of running the transforms one after another.
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ResourceLimits } from 'node:worker_threads';
import type { NameResolution } from './countries.ts';
import { CuratedFileError } from '../evidence/curated-error.ts';
import { siblingModule, workerExecArgv } from '../paths.ts';
import type { EncodedChunk } from '../store/evidence-store.ts';
import type { ObservationFile } from './observations.ts';
import { SnapshotError } from './snapshot.ts';
import type { ReadFile } from './snapshot.ts';
import type { EvidenceTable } from './transform.ts';
import { transformRunner } from './transform-runner.ts';
import type { RunnerContext } from './transform-runner.ts';

/** What every worker is started with (it reads the country registry at once, while the build gets ready). */
export interface WorkerSetup {
  snapshotDir: string;
  curatedDir: string;
  /** The folder of the transform modules. */
  transformDir: string;
}

export interface TransformJob {
  id: string;
  /** The transform's module file in transformDir. */
  file: string;
  sourceIds: string[];
  /** The evidence folder (absolute) the store's messages name the files in; null: no store columns. */
  storeFileBase: string | null;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  props: Record<string, unknown>;
}

export type TransformOutcome =
  | { id: string; ok: true; ms: number; observations: number; tables: EvidenceTable[]; file: ObservationFile | null; chunk: EncodedChunk | null; reads: ReadFile[]; names: NameResolution[];
      /** The file's CSV is left to chunkCsv (src/pipeline/csv-writer.ts): file.csv is empty, or file is null and `order` puts the chunk's rows in the file's order. */
      csvFromColumns: boolean; order?: Uint32Array }
  | { id: string; ok: false; ms: number; error: SerializedError };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) {
      if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) props[k] = v;
    }
    return { name: e.name, message: e.message, stack: e.stack, props };
  }
  return { name: 'Error', message: String(e), props: {} };
}

/** The error a worker caught, as the same class with the same message (SnapshotError and CuratedFileError rebuilt whole). */
export function deserializeError(s: SerializedError): Error {
  const p = s.props;
  let e: Error;
  if (s.name === 'SnapshotError') {
    e = new SnapshotError(p.file as string, p.row as number | null, p.column as string | null, p.problem as string, p.hint as string);
  } else if (s.name === 'CuratedFileError') {
    e = new CuratedFileError(p.file as string, p.line as number | null, p.field as string, p.problem as string, p.hint as string);
  } else {
    e = new Error(s.message);
    Object.assign(e, p);
    e.name = s.name;
  }
  if (e.message !== s.message) e.message = s.message;
  if (s.stack) e.stack = s.stack;
  return e;
}

/** Transforms that take longest, first (the rest follow in id order): the two workers finish close together. */
const LONGEST_FIRST = ['sipri-arms', 'cow', 'sipri-milex', 'troops', 'wdi', 'capitals', 'exercises', 'commitments', 'curated', 'atop', 'bases', 'pew'];

/**
 * Heap limits of each worker (MB): they bound the build's peak memory (measured: 128 and 8 keep
 * the build under 400 MB; a young generation of 16 MB costs ~30 MB more, for a little less
 * garbage collection). A transform that needs more runs again on the build's thread.
 */
const WORKER_OLD_HEAP_MB = 128;
const WORKER_YOUNG_HEAP_MB = 8;

/** Worker threads that run transforms, at most. */
const MAX_WORKERS = 2;

/**
 * The worker threads a build uses by default: none on a machine of two cores or fewer, else two.
 * ALLIES_BUILD_THREADS=N (0-2) chooses. Measured on a 2-core machine (bench/build.ts): two
 * transforms at once each run about twice as slow as alone (they contend for memory, not for
 * arithmetic: two separate processes slow each other down as much), so two workers finished no
 * sooner than the build's own thread and spent 2 s more CPU (7.5 s against 5.5 s); alone, the
 * build's thread leaves the second core to the garbage collector's and compiler's threads.
 */
export function defaultBuildThreads(): number {
  const chosen = process.env.ALLIES_BUILD_THREADS;
  if (chosen !== undefined && chosen !== '') {
    const n = Number(chosen);
    if (!Number.isInteger(n) || n < 0) throw new Error(`ALLIES_BUILD_THREADS=${chosen}: give a whole number of worker threads (0 runs the transforms on the build's own thread)`);
    return Math.min(MAX_WORKERS, n);
  }
  return availableParallelism() > 2 ? MAX_WORKERS : 0;
}

function spawnWorker(setup: WorkerSetup): Worker {
  return startBuildWorker('./transform-worker.ts', setup, { maxOldGenerationSizeMb: WORKER_OLD_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_HEAP_MB });
}

/** A worker thread on a module beside this one (compiled, or the TypeScript source through tsx). */
export function startBuildWorker(module: string, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const target = siblingModule(module, import.meta.url);
  const start = (execArgv: string[]) => {
    if (!target.pathname.endsWith('.ts')) return new Worker(target, { workerData, execArgv, resourceLimits });
    // The project runs TypeScript through tsx; a worker must register it before importing.
    const boot = `import(${JSON.stringify(tsxApi())}).then((m) => { m.register(); return import(${JSON.stringify(target.href)}); });`;
    return new Worker(boot, { eval: true, workerData, execArgv, resourceLimits });
  };
  try {
    return start(workerExecArgv());
  } catch (e) {
    // Node options a worker cannot take (V8 flags such as --trace-gc): start it without the parent's.
    if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_INVALID_EXEC_ARGV') return start([]);
    throw e;
  }
}

/** The ESM entry of tsx's API (the CommonJS one cannot register the loader in a worker). */
function tsxApi(): string {
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(cjs.replace(/index\.cjs$/, 'index.mjs')).href;
}

/**
 * Worker threads for the build's transforms (two on a two-core machine; this thread only merges
 * and writes), started before the build has read its registries so that their start overlaps
 * that work. `run` hands them the jobs longest first from one queue; a worker is sent its next job
 * before it finishes the one it runs. The jobs of a worker that cannot start or dies (out of its
 * heap limit, say) are run again on this thread, as are all of them when no worker starts: the
 * limit bounds the build's memory, never fails it.
 */
export class TransformPool {
  private readonly workers: Worker[] = [];

  constructor(private readonly setup: WorkerSetup, threads: number = defaultBuildThreads()) {
    for (let i = 0; i < threads; i++) {
      try {
        const w = spawnWorker(setup);
        w.on('error', () => undefined); // reported through run(), or moot once closed
        this.workers.push(w);
      } catch {
        break; // no worker: this thread runs the jobs
      }
    }
  }

  /** Stop the workers (a build that fails before or after running its transforms). */
  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate().catch(() => undefined)));
  }

  /**
   * Run the jobs; every job gets an outcome. `onStart` is called as each is handed out, `onOutcome` as each finishes.
   * Jobs left to this thread run on `local` (the build's own snapshot reader and registry) when given.
   */
  async run(jobs: TransformJob[], onStart?: (id: string) => void, onOutcome?: (outcome: TransformOutcome) => void, local?: RunnerContext): Promise<Map<string, TransformOutcome>> {
    const outcomes = new Map<string, TransformOutcome>();
    const got = (outcome: TransformOutcome) => {
      outcomes.set(outcome.id, outcome);
      onOutcome?.(outcome);
    };
    const rank = (id: string) => {
      const i = LONGEST_FIRST.indexOf(id);
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    const queue = [...jobs].sort((a, b) => rank(a.id) - rank(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const started = new Set<string>();
    const take = (): TransformJob | undefined => {
      const job = queue.shift();
      if (job && !started.has(job.id)) {
        started.add(job.id);
        onStart?.(job.id);
      }
      return job;
    };

    // Each worker's first job, then each one's second (waiting in the worker while it runs the first).
    const primers: (() => void)[] = [];
    const onWorker = (worker: Worker): Promise<void> => new Promise((resolve) => {
      const sent: TransformJob[] = [];
      let finished = false;
      const send = () => {
        const job = take();
        if (!job) return false;
        sent.push(job);
        worker.postMessage(job);
        return true;
      };
      const stop = () => {
        worker.off('message', onMessage);
        worker.off('error', died);
        worker.off('exit', died);
        resolve();
      };
      const died = () => {
        if (finished) return;
        finished = true;
        queue.push(...sent.splice(0)); // run again on this thread
        this.workers.splice(this.workers.indexOf(worker), 1);
        void worker.terminate().catch(() => undefined);
        stop();
      };
      const onMessage = (outcome: TransformOutcome) => {
        got(outcome);
        sent.splice(sent.findIndex((j) => j.id === outcome.id), 1);
        if (!send() && sent.length === 0) {
          finished = true;
          stop();
        }
      };
      worker.on('message', onMessage);
      worker.on('error', died);
      worker.on('exit', died);
      primers.push(() => {
        if (!finished && !send() && sent.length === 0) {
          finished = true;
          stop();
        }
      });
    });

    const running = this.workers.slice(0, queue.length).map(onWorker);
    for (let round = 0; round < 2; round++) for (const prime of primers) prime();
    await Promise.all(running);
    if (queue.length > 0) {
      const run = transformRunner(this.setup, local);
      for (let job = take(); job; job = take()) got((await run(job)).outcome);
    }
    return outcomes;
  }
}
