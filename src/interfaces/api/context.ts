// What every route handler shares: the loaded evidence, its version, and the response cache.
import type { Evidence } from '../../evidence/load.ts';
import type { ResponseCache } from './response-cache.ts';

export interface ApiContext {
  evidence: Evidence;
  evidenceDir: string;
  /** Hash of the evidence files: part of every ETag and cache key. */
  evidenceVersion: string;
  cache: ResponseCache;
}
