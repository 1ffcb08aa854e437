// Where results derived from the evidence may be kept between processes (the alliance network's
// memberships: ~0.1 s of table parsing for every `allies sheet`). Pure, like the rest of the
// method: Node sets the cache (src/store/yaml-cache.ts's derivedCache, in method/files.ts); a
// browser sets none and computes every time.

export interface DerivedCache {
  /** What was kept for `kind` over evidence of this content, or null (a miss). */
  read(kind: string, contentKey: string): unknown;
  write(kind: string, contentKey: string, data: unknown): void;
}

let derivedCache: DerivedCache | null = null;

/** Keep derived results in `cache` (null: compute every time). */
export function useDerivedCache(cache: DerivedCache | null): void {
  derivedCache = cache;
}

/** `compute()`, or what an earlier process kept for it over evidence with this content key. */
export function derived<T>(kind: string, contentKey: string | null | undefined, compute: () => T): T {
  if (!contentKey || !derivedCache) return compute();
  const hit = derivedCache.read(kind, contentKey);
  if (hit !== null && hit !== undefined) return hit as T;
  const value = compute();
  derivedCache.write(kind, contentKey, value);
  return value;
}
