// Where live computations run: one worker thread per evidence folder and methodology, shared by
// every app in the process (so many clients and many sessions cost one thread), and the jobs
// queued on it; the event loop only routes and streams. Where no worker can start (no evidence
// folder on disk, ALLIES_EXERCISE_WORKER=off), jobs run on the calling thread.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { siblingModule, workerExecArgv } from '../../paths.ts';
import { runLiveJob } from './compute.ts';
import type { LiveEngine, LiveJob, LiveResult } from './compute.ts';
import type { LiveWorkerData } from './worker.ts';

function tsxApi(): string {
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(cjs.replace(/index\.cjs$/, 'index.mjs')).href;
}

function spawn(data: LiveWorkerData): Worker {
  const target = siblingModule('./worker.ts', import.meta.url);
  if (!target.pathname.endsWith('.ts')) return new Worker(target, { workerData: data, execArgv: workerExecArgv() });
  const boot = `import(${JSON.stringify(tsxApi())}).then((m) => { m.register(); return import(${JSON.stringify(target.href)}); });`;
  return new Worker(boot, { eval: true, workerData: data, execArgv: workerExecArgv() });
}

interface Pending { resolve: (r: LiveResult) => void; reject: (e: Error) => void }

class LiveWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private next = 1;

  constructor(private readonly data: LiveWorkerData) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = spawn(this.data);
    w.unref();
    w.on('message', (m: { id: number; ok: boolean; result?: LiveResult; message?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if (m.ok) p.resolve(m.result!);
      else p.reject(new Error(m.message));
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = null;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the live exercise worker stopped (${code})`)));
    this.worker = w;
    return w;
  }

  run(job: LiveJob): Promise<LiveResult> {
    const w = this.ensure();
    const id = this.next++;
    w.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, job });
    });
  }
}

const workers = new Map<string, LiveWorker>();

export interface LiveRunner {
  run(job: LiveJob): Promise<LiveResult>;
}

/** A runner on a shared worker for this evidence and methodology, or on the calling thread. */
export function liveRunner(inProcess: () => LiveEngine, evidenceDir: string | null, methodologyFile: string): LiveRunner {
  const off = process.env.ALLIES_EXERCISE_WORKER === 'off' || !evidenceDir || !existsSync(path.join(evidenceDir, 'datapackage.json'));
  if (off) {
    let engine: LiveEngine | null = null;
    return { run: (job) => runLiveJob(engine ??= inProcess(), job) };
  }
  const key = `${evidenceDir}\0${methodologyFile}`;
  let w = workers.get(key);
  if (!w) workers.set(key, w = new LiveWorker({ evidenceDir, methodologyFile }));
  return { run: (job) => w.run(job) };
}
