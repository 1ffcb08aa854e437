// Heavy work off the request thread. Robustness runs, tiers and scenario runs (heavy-jobs.ts)
// go to a bounded queue served by worker threads (heavy-worker.ts), so the event loop only
// routes, validates and answers: a cached ledger answers in milliseconds whatever runs.
// - At most `threads` jobs at once (default: cores - 1, at least 1, at most 4: every thread
//   holds its own copy of the evidence, about 300 MB).
// - At most `queueLimit` jobs waiting (default 16); beyond it 503 with Retry-After.
// - A job whose every requester went away (AbortSignal) leaves the queue. A long one already
//   running (see `stopsWhenAbandoned`) has its thread terminated and replaced, freeing the CPU;
//   a short one finishes into the memo, since a new thread costs seconds (it loads the evidence).
// - Equal jobs (same inputs, seed included: results are deterministic) share one run while it
//   runs, and its result afterwards from a bounded memo.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { siblingModule, workerExecArgv } from '../../paths.ts';
import type { HeavyJob, HeavyResult } from './heavy-jobs.ts';
import type { HeavyReply, HeavyRequest, HeavyWorkerData } from './heavy-worker.ts';
import type { EngineFiles, LedgerService } from './ledger-service.ts';
import { activeJudgmentSet } from './judgment-scope.ts';
import type { ActiveJudgmentSet } from './judgment-scope.ts';
import { ApiProblem } from './problem.ts';

export const DEFAULT_QUEUE_LIMIT = 16;
const MAX_DEFAULT_THREADS = 4;
const DEFAULT_MEMO = 64;
/** What a refused client is told to wait: about one heavy job's time. */
const RETRY_AFTER_SECONDS = 5;

export interface HeavyWorkOptions {
  evidenceDir: string;
  engine: EngineFiles;
  /** Jobs running at once, one thread each. */
  threads?: number;
  /** Jobs waiting for a thread; one more is refused with 503. */
  queueLimit?: number;
  /** Results kept for equal jobs. */
  memo?: number;
}

export interface HeavyWorkStats {
  running: number;
  queued: number;
  started: number;
  completed: number;
  /** Answered from the memo or by joining an equal running job. */
  shared: number;
  /** Refused: the queue was full. */
  refused: number;
  /** Left the queue before running: every requester went away. */
  dropped: number;
  /** Stopped while running (thread terminated): every requester went away from a long job. */
  stopped: number;
}

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  release: () => void;
}

interface Entry {
  key: string;
  job: HeavyJob;
  /** Team mode: the judgment set the job computes with (its version is part of the key). */
  set: ActiveJudgmentSet | undefined;
  waiters: Set<Waiter>;
  slot: Slot | null;
  id: number;
}

interface Slot {
  worker: Worker;
  busy: Entry | null;
  /** Terminated on purpose: its exit is not a crash. */
  retired: boolean;
}

/**
 * Worth a new thread when abandoned while running: runs of tens of seconds. A dashboard's
 * scenario run (10,000 draws, about a second) finishes instead.
 */
export function stopsWhenAbandoned(job: HeavyJob): boolean {
  switch (job.kind) {
    case 'robustness': return job.draws >= 100_000;
    case 'tiers': return job.draws >= 2_000;
    default: return job.draws >= 50_000;
  }
}

export function defaultHeavyThreads(): number {
  return Math.max(1, Math.min(MAX_DEFAULT_THREADS, availableParallelism() - 1));
}

/** The ESM entry of tsx's API (the CommonJS one cannot register the loader in a worker). */
function tsxApi(): string {
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(cjs.replace(/index\.cjs$/, 'index.mjs')).href;
}

function spawnHeavyWorker(workerData: HeavyWorkerData): Worker {
  const target = siblingModule('./heavy-worker.ts', import.meta.url);
  if (!target.pathname.endsWith('.ts')) return new Worker(target, { workerData, execArgv: workerExecArgv() });
  // The project runs TypeScript through tsx; a worker must register it before importing.
  const boot = `import(${JSON.stringify(tsxApi())}).then((m) => { m.register(); return import(${JSON.stringify(target.href)}); });`;
  return new Worker(boot, { eval: true, workerData, execArgv: workerExecArgv() });
}

/** The requester went away: nobody reads this answer, but the handler must end quietly. */
export function cancelledProblem(): ApiProblem {
  return new ApiProblem(503, { error: 'unavailable', message: 'the request was cancelled by the client' });
}

export class HeavyWork {
  readonly threads: number;
  readonly queueLimit: number;
  private readonly memoLimit: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Entry[] = [];
  private readonly inFlight = new Map<string, Entry>();
  private readonly memo = new Map<string, unknown>();
  private readonly counts = { started: 0, completed: 0, shared: 0, refused: 0, dropped: 0, stopped: 0 };
  private nextId = 0;
  private closed = false;

  constructor(private readonly options: HeavyWorkOptions) {
    this.threads = Math.max(1, options.threads ?? defaultHeavyThreads());
    this.queueLimit = Math.max(0, options.queueLimit ?? DEFAULT_QUEUE_LIMIT);
    this.memoLimit = options.memo ?? DEFAULT_MEMO;
  }

  stats(): HeavyWorkStats {
    return { running: this.slots.filter((s) => s.busy).length, queued: this.queue.length, ...this.counts };
  }

  /** Run a job (or share an equal one's result); rejects with 503 when the queue is full or the signal aborts. */
  run<J extends HeavyJob>(job: J, signal?: AbortSignal): Promise<HeavyResult<J>> {
    if (this.closed) return Promise.reject(new ApiProblem(503, { error: 'unavailable', message: 'the server is shutting down' }));
    if (signal?.aborted) return Promise.reject(cancelledProblem());
    // Hashed: a posted scenario's text may be 100,000 characters.
    const set = activeJudgmentSet();
    const key = createHash('sha256').update(JSON.stringify(job)).digest('hex') + (set ? `@set${set.version}` : '');
    if (this.memo.has(key)) {
      const value = this.memo.get(key);
      // Most recently used last: the oldest unused result leaves first.
      this.memo.delete(key);
      this.memo.set(key, value);
      this.counts.shared++;
      return Promise.resolve(value as HeavyResult<J>);
    }
    let entry = this.inFlight.get(key);
    if (entry) {
      this.counts.shared++;
    } else {
      const idle = this.slots.some((s) => !s.busy) || this.slots.length < this.threads;
      if (!idle && this.queue.length >= this.queueLimit) {
        this.counts.refused++;
        return Promise.reject(new ApiProblem(503, {
          error: 'unavailable',
          message: `the server is busy: ${this.threads} heavy computation(s) running and ${this.queue.length} waiting (the limit); try again in ${RETRY_AFTER_SECONDS} s`,
        }, { 'Retry-After': String(RETRY_AFTER_SECONDS) }));
      }
      entry = { key, job, set, waiters: new Set(), slot: null, id: 0 };
      this.inFlight.set(key, entry);
      this.queue.push(entry);
    }
    const joined = entry;
    const promise = new Promise<HeavyResult<J>>((resolve, reject) => {
      const waiter: Waiter = { resolve: resolve as (v: unknown) => void, reject, release: () => undefined };
      if (signal) {
        const onAbort = () => {
          joined.waiters.delete(waiter);
          reject(cancelledProblem());
          if (joined.waiters.size === 0) this.cancel(joined);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.release = () => signal.removeEventListener('abort', onAbort);
      }
      joined.waiters.add(waiter);
    });
    this.pump();
    return promise;
  }

  /** Nobody waits for the entry any more: drop it from the queue, or stop its thread if the run is long. */
  private cancel(entry: Entry): void {
    const forget = () => {
      if (this.inFlight.get(entry.key) === entry) this.inFlight.delete(entry.key);
    };
    const at = this.queue.indexOf(entry);
    if (at >= 0) {
      this.queue.splice(at, 1);
      forget();
      this.counts.dropped++;
      return;
    }
    const slot = entry.slot;
    if (slot && slot.busy === entry && stopsWhenAbandoned(entry.job)) {
      forget();
      this.counts.stopped++;
      this.retire(slot);
      this.pump();
    }
    // A short run finishes into the memo; an equal request meanwhile joins it.
  }

  private retire(slot: Slot): void {
    slot.retired = true;
    slot.busy = null;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot) {
        if (this.slots.length >= this.threads) return;
        slot = this.spawn();
      }
      const entry = this.queue.shift()!;
      entry.slot = slot;
      entry.id = ++this.nextId;
      slot.busy = entry;
      slot.worker.ref();
      this.counts.started++;
      slot.worker.postMessage({ id: entry.id, job: entry.job, ...(entry.set ? { set: entry.set } : {}) } satisfies HeavyRequest);
    }
  }

  private spawn(): Slot {
    const worker = spawnHeavyWorker({ evidenceDir: this.options.evidenceDir, engine: this.options.engine });
    const slot: Slot = { worker, busy: null, retired: false };
    worker.on('message', (reply: HeavyReply) => this.settle(slot, reply));
    const crashed = (err: unknown) => {
      if (slot.retired) return;
      const entry = slot.busy;
      this.retire(slot);
      if (entry) this.finish(entry, (w) => w.reject(err instanceof Error ? err : new Error(`heavy-work thread exited: ${String(err)}`)));
      this.pump();
    };
    worker.on('error', crashed);
    worker.on('exit', (code) => crashed(new Error(`heavy-work thread exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot, reply: HeavyReply): void {
    const entry = slot.busy;
    if (!entry || entry.id !== reply.id) return;
    slot.busy = null;
    // An idle thread must not keep the process alive.
    slot.worker.unref();
    this.counts.completed++;
    if (reply.ok) {
      if (this.memoLimit > 0) {
        if (this.memo.size >= this.memoLimit) this.memo.delete(this.memo.keys().next().value as string);
        this.memo.set(entry.key, reply.result);
      }
      this.finish(entry, (w) => w.resolve(reply.result));
    } else {
      const err = reply.problem ? new ApiProblem(reply.problem.status, reply.problem.body) : new Error(reply.message);
      this.finish(entry, (w) => w.reject(err));
    }
    this.pump();
  }

  private finish(entry: Entry, each: (w: Waiter) => void): void {
    if (this.inFlight.get(entry.key) === entry) this.inFlight.delete(entry.key);
    for (const w of entry.waiters) {
      w.release();
      each(w);
    }
    entry.waiters.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.queue.splice(0)) this.finish(entry, (w) => w.reject(new ApiProblem(503, { error: 'unavailable', message: 'the server is shutting down' })));
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      slot.retired = true;
      if (slot.busy) this.finish(slot.busy, (w) => w.reject(new ApiProblem(503, { error: 'unavailable', message: 'the server is shutting down' })));
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/** The queue a route sends its heavy job to (createApp attaches one to the engine). */
export function heavyWork(s: LedgerService): HeavyWork {
  const work = s.heavy;
  if (!work) throw new ApiProblem(503, { error: 'unavailable', message: 'heavy computations are not available in this server' });
  return work;
}
