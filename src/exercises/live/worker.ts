// The live exercises' computing thread: loads the evidence and the methodology once, then
// runs one job at a time (compute.ts) for runner.ts, posting back the result or a message.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadEvidence } from '../../evidence/load.ts';
import { loadJudgments, loadMethodology } from '../../method/files.ts';
import { latestYear } from '../../method/ledger.ts';
import { liveEngine, runLiveJob } from './compute.ts';
import type { LiveEngine, LiveJob } from './compute.ts';

export interface LiveWorkerData {
  evidenceDir: string;
  methodologyFile: string;
}

const data = workerData as LiveWorkerData;
// Below the request thread: streaming an event comes before recomputing the alliance.
try {
  setPriority(10);
} catch {
  // not permitted here: the threads share the CPU evenly
}
const engine: Promise<LiveEngine> = loadEvidence(data.evidenceDir).then(async (evidence) => {
  const methodology = await loadMethodology(evidence, data.methodologyFile);
  const judgments = await loadJudgments(evidence, methodology);
  return liveEngine({ evidence, methodology, present: latestYear({ evidence, methodology }) }, judgments);
});

parentPort!.on('message', (request: { id: number; job: LiveJob }) => {
  void engine.then((e) => runLiveJob(e, request.job)).then(
    (result) => parentPort!.postMessage({ id: request.id, ok: true, result }),
    (err: unknown) => parentPort!.postMessage({ id: request.id, ok: false, message: err instanceof Error ? err.message : String(err) }),
  );
});
