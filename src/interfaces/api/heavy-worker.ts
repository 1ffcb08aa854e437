// A heavy-work thread: loads the evidence and the engine once, then runs one job at a time
// (heavy-jobs.ts) for heavy-work.ts, posting back the result or the error as plain data.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadEvidence } from '../../evidence/load.ts';
import { runHeavyJob } from './heavy-jobs.ts';
import type { HeavyJob, JobEngine } from './heavy-jobs.ts';
import { LedgerService } from './ledger-service.ts';
import { withJudgmentSet } from './judgment-scope.ts';
import type { ActiveJudgmentSet } from './judgment-scope.ts';
import type { EngineFiles } from './ledger-service.ts';
import { ApiProblem } from './problem.ts';

/** Niceness of a heavy thread (0 normal, 19 lowest). */
const HEAVY_NICENESS = 5;

export interface HeavyWorkerData {
  evidenceDir: string;
  engine: EngineFiles;
}

export interface HeavyRequest {
  id: number;
  job: HeavyJob;
  /** Team mode: compute with this judgment set instead of the judgments file. */
  set?: ActiveJudgmentSet;
}

/** An ApiProblem crosses the thread as its status and body; anything else as a message for the server log. */
export type HeavyReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; problem?: { status: ApiProblem['status']; body: ApiProblem['problem'] }; message: string };

const data = workerData as HeavyWorkerData;
// Below the request thread: when cores are short, answering a cached request comes first. On
// Linux the priority is the calling thread's; elsewhere it may not be allowed, and that is fine.
try {
  setPriority(HEAVY_NICENESS);
} catch {
  // not permitted here: the threads share the CPU evenly
}
const engine: Promise<JobEngine> = loadEvidence(data.evidenceDir).then(async (evidence) => ({ evidence, service: await LedgerService.load(evidence, data.engine) }));

parentPort!.on('message', (request: HeavyRequest) => {
  void engine.then((e) => (request.set ? withJudgmentSet(request.set, () => runHeavyJob(e, request.job)) : runHeavyJob(e, request.job))).then(
    (result) => parentPort!.postMessage({ id: request.id, ok: true, result } satisfies HeavyReply),
    (err: unknown) => parentPort!.postMessage({
      id: request.id, ok: false,
      ...(err instanceof ApiProblem ? { problem: { status: err.status, body: err.problem } } : {}),
      message: err instanceof Error ? (err.stack ?? err.message) : String(err),
    } satisfies HeavyReply),
  );
});
