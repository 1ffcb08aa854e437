// The typed arrays of an encoded chunk (src/store/evidence-store.ts), for a postMessage transfer
// list: a module of its own (it imports only a type) so that a thread that hands chunks back, the
// build's CSV writer (src/pipeline/csv-writer-thread.ts), loads nothing else of the store.
import type { EncodedChunk } from './evidence-store.ts';

/** The typed arrays of a chunk, for a postMessage transfer list. */
export function chunkBuffers(c: EncodedChunk): ArrayBuffer[] {
  return [c.country, c.counterpart, c.indicator, c.source, c.flags, c.note, c.year, c.value, c.low, c.high, c.mask, c.template, c.numStart, c.nums].map((a) => a.buffer as ArrayBuffer);
}
