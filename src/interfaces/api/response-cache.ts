// Serialized responses kept per request, so a repeated request for a ledger or a table costs a
// map look-up: the body, its ETag and (lazily) its gzip form.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { judgmentSetKey } from './judgment-scope.ts';

export interface CachedBody {
  /** The body, UTF-8 encoded once: a cache hit writes these bytes as they are. */
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  etag: string;
  /** Suggested file name for downloads (CSV, BibTeX). */
  filename?: string;
  gzip?: Uint8Array<ArrayBuffer>;
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedBody>();
  /** The same entries by the request exactly as it arrived, for the look-up before routing. */
  private readonly byRequest = new Map<string, CachedBody>();

  private bytes = 0;

  /** Bounded by entries and by bytes: many weight variants of large ledgers must not exhaust memory. */
  constructor(private readonly capacity = 2000, private readonly maxBytes = 256 * 1024 * 1024) {}

  get(key: string): CachedBody | undefined {
    return this.entries.get(key);
  }

  /** An entry by the raw request (format, path and query as sent); only validated requests are ever stored. */
  getByRequest(requestKey: string): CachedBody | undefined {
    // In team mode the request's judgment set is part of the key: a publication is seen at once.
    return this.byRequest.get(requestKey + judgmentSetKey());
  }

  set(key: string, entry: CachedBody, requestKey: string): void {
    if (!this.entries.has(key)) {
      if (this.entries.size >= this.capacity || this.bytes + entry.body.byteLength > this.maxBytes) {
        // Starting afresh is simpler than tracking recency, and cheap: entries are recomputed on demand.
        this.entries.clear();
        this.byRequest.clear();
        this.bytes = 0;
      }
      this.bytes += entry.body.byteLength;
    }
    this.entries.set(key, entry);
    this.byRequest.set(requestKey + judgmentSetKey(), entry);
  }

  get size(): number {
    return this.entries.size;
  }
}

export function etagOf(version: string, key: string): string {
  return `"${version}-${createHash('sha1').update(key).digest('base64url').slice(0, 16)}"`;
}

/** Compress once, on the first client that accepts gzip; small bodies are not worth it. */
export function gzipOf(entry: CachedBody): Uint8Array<ArrayBuffer> | null {
  if (entry.body.byteLength < 1400) return null;
  entry.gzip ??= new Uint8Array(gzipSync(entry.body, { level: 6 }));
  return entry.gzip;
}
