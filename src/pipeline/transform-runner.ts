// Running one transform for the build, on a build worker or on the build's own thread: the
// transform, then its observations checked, sorted, written as CSV bytes and encoded for the
// store (src/pipeline/observations.ts). Each runner has its own snapshot reader and country
// resolver, and hands back what the transform read and resolved, so the build can replay both in
// transform order (src/pipeline/build.ts) as if the transforms had run one after another.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chunkBuffers } from './observation-chunks.ts';
import { buildCountryRegistry } from './countries.ts';
import { prepareObservations } from './observations.ts';
import { serializeError } from './parallel.ts';
import type { TransformJob, TransformOutcome, WorkerSetup } from './parallel.ts';
import { Snapshot } from './snapshot.ts';
import type { Transform } from './transform.ts';

export type TransformRunner = ((job: TransformJob) => Promise<{ outcome: TransformOutcome; transfer: ArrayBuffer[] }>) & { warm: () => void };

/** A snapshot reader and country resolver a runner may share with the build that runs it on its own thread. */
export interface RunnerContext {
  snapshot: Snapshot;
  countries: Awaited<ReturnType<typeof buildCountryRegistry>>;
}

/**
 * A runner of transforms. On a worker it reads its own registry; on the build's own thread it
 * takes the build's (`shared`): the transforms then run in turn on it, resolving and reading as
 * one after another would, and what each hands back (reads, resolutions) is replayed onto the
 * same objects, which changes nothing.
 */
export function transformRunner(setup: WorkerSetup, shared?: RunnerContext): TransformRunner {
  let ready: Promise<RunnerContext> | null = shared ? Promise.resolve(shared) : null;
  const start = () => (ready ??= (async () => {
    const snapshot = new Snapshot(setup.snapshotDir);
    const countries = await buildCountryRegistry(snapshot, setup.curatedDir);
    snapshot.takeReads(); // the build read these itself
    return { snapshot, countries };
  })());
  /** Read the registry now (a worker does, while the build reads its own). */
  run.warm = () => void start().catch(() => undefined);
  return run;
  async function run(job: TransformJob): Promise<{ outcome: TransformOutcome; transfer: ArrayBuffer[] }> {
    let t0 = performance.now();
    try {
      const ctx = await start();
      t0 = performance.now(); // the transform's own time, not the runner's start
      const sourceIds = new Set(job.sourceIds);
      ctx.snapshot.takeReads();
      ctx.countries.takeResolutions();
      const mod = (await import(pathToFileURL(path.join(setup.transformDir, job.file)).href)) as { transform: Transform };
      const t = mod.transform;
      try {
        const result = await t.run({ snapshot: ctx.snapshot, countries: ctx.countries, curatedDir: setup.curatedDir });
        const reads = ctx.snapshot.takeReads();
        const names = ctx.countries.takeResolutions();
        // On the build's own thread the CSV is made from the store's columns on another thread
        // (src/pipeline/csv-writer.ts) while the next transform runs; a worker makes its own.
        const prepared = prepareObservations(t, result.observations, sourceIds, ctx.countries.registry.has.bind(ctx.countries.registry),
          job.storeFileBase !== null ? path.join(job.storeFileBase, `observations/${t.id}.csv`) : null, shared !== undefined);
        const outcome: TransformOutcome = {
          id: job.id, ok: true, ms: performance.now() - t0, observations: result.observations.length, tables: result.tables ?? [],
          file: prepared.file, chunk: prepared.chunk, reads, names, csvFromColumns: prepared.csvFromColumns, order: prepared.order,
        };
        const transfer = [...(prepared.file ? [prepared.file.csv.buffer as ArrayBuffer] : []), ...(prepared.chunk ? chunkBuffers(prepared.chunk) : []), ...(prepared.order ? [prepared.order.buffer as ArrayBuffer] : [])];
        return { outcome, transfer };
      } finally {
        ctx.snapshot.takeReads();
        ctx.countries.takeResolutions();
      }
    } catch (e) {
      return { outcome: { id: job.id, ok: false, ms: performance.now() - t0, error: serializeError(e) }, transfer: [] };
    }
  }
}
