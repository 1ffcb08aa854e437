// The CSV writer's thread (src/pipeline/csv-writer.ts starts it): each message is one observation
// file's store columns (a copy); the reply is its CSV bytes (chunkCsv, transferred) and their
// SHA-256. It imports only src/pipeline/csv-bytes.ts, so it costs little memory.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { EncodedChunk } from '../store/evidence-store.ts';
import { chunkCsv } from './csv-bytes.ts';

const { header } = workerData as { header: string };
const port = parentPort!;
port.on('message', ({ id, chunk }: { id: number; chunk: EncodedChunk }) => {
  try {
    const csv = chunkCsv(chunk, header);
    const sha256 = createHash('sha256').update(csv).digest('hex');
    port.postMessage({ id, csv, sha256 }, [csv.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ id, error: (e as Error).message });
  }
});
