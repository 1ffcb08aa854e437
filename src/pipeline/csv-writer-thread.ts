// The CSV writer's thread (src/pipeline/csv-writer.ts starts it): each message is one observation
// file's store columns (a copy), with the order of the file's rows when they are not in it yet;
// the reply is writeCsv's (src/pipeline/observation-chunks.ts): the columns in order, their CSV
// bytes and SHA-256, and the file's keys, the arrays transferred. It imports only
// observation-chunks.ts and csv-bytes.ts, so it costs little memory.
import { parentPort, workerData } from 'node:worker_threads';
import type { EncodedChunk } from '../store/evidence-store.ts';
import { chunkBuffers, writeCsv } from './observation-chunks.ts';

const { header } = workerData as { header: string };
const port = parentPort!;
port.on('message', ({ id, chunk, order }: { id: number; chunk: EncodedChunk; order?: Uint32Array }) => {
  try {
    const written = writeCsv(chunk, header, order);
    port.postMessage({ id, ...written }, [written.csv.buffer as ArrayBuffer, ...chunkBuffers(written.chunk)]);
  } catch (e) {
    port.postMessage({ id, error: (e as Error).message });
  }
});
