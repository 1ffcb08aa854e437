// A build worker (src/pipeline/parallel.ts starts it beside the build's own thread): runs the
// transforms it is sent, one at a time in the order sent, and sends back each one's outcome
// (src/pipeline/transform-runner.ts): the observation file ready to write, as transferable bytes
// and store columns rather than the observations themselves.
import { parentPort, workerData } from 'node:worker_threads';
import { useCheckedYamlCache } from '../method/located.ts';
import { yamlCache } from '../store/yaml-cache.ts';
import type { TransformJob, WorkerSetup } from './parallel.ts';
import { transformRunner } from './transform-runner.ts';

useCheckedYamlCache(yamlCache);

const port = parentPort!;
const run = transformRunner(workerData as WorkerSetup);
run.warm();
let queue: Promise<void> = Promise.resolve();

port.on('message', (job: TransformJob) => {
  queue = queue.then(async () => {
    const { outcome, transfer } = await run(job);
    port.postMessage(outcome, transfer);
  });
});
