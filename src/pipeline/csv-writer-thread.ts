// The CSV writer's thread (src/pipeline/csv-writer.ts starts it): each message is one observation
// file's store columns; the reply is its CSV bytes (chunkCsv), their SHA-256 and the columns,
// all transferred. It imports only src/pipeline/csv-bytes.ts, so it costs little memory.
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
    const c = chunk;
    const buffers = [c.country, c.counterpart, c.indicator, c.source, c.flags, c.note, c.year, c.value, c.low, c.high, c.mask, c.template, c.numStart, c.nums].map((a) => a.buffer as ArrayBuffer);
    port.postMessage({ id, csv, sha256, chunk }, [csv.buffer as ArrayBuffer, ...buffers]);
  } catch (e) {
    port.postMessage({ id, error: (e as Error).message });
  }
});
