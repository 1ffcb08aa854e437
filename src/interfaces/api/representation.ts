// How a result leaves the server: JSON by default, CSV for every table (?format=csv or
// Accept: text/csv), with an ETag and a cached body for results fixed by the evidence version.
import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import { toSafeCsv } from '../../exports/csv-cell.ts';
import type { Cell } from '../../evidence/csv.ts';
import { ApiProblem } from './problem.ts';
import { etagOf, gzipOf } from './response-cache.ts';
import type { CachedBody, ResponseCache } from './response-cache.ts';

export type Format = 'json' | 'csv';

export const FormatParam = z.enum(['json', 'csv']).optional().openapi({
  description: 'json (default) or csv; Accept: text/csv also selects CSV',
});

/** A table: the rows a CSV download holds, and what JSON clients get beside them. */
export interface Table {
  /** File name stem for downloads, e.g. "observations-JPN". */
  name: string;
  columns: readonly string[];
  rows: readonly object[];
  /** Extra members of the JSON body (e.g. the sources the rows cite). */
  meta?: Record<string, unknown>;
}

export interface Representation {
  body: string;
  contentType: string;
  filename?: string;
}

export function requestedFormat(c: Context): Format {
  const param = c.req.query('format');
  if (param === 'csv' || param === 'json') return param;
  const accept = c.req.header('accept') ?? '';
  return /\btext\/csv\b/.test(accept) && !/\bapplication\/json\b/.test(accept) ? 'csv' : 'json';
}

/** Arrays become "a;b" and objects JSON in a CSV cell, so every table flattens the same way. */
function csvCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.some((v) => typeof v === 'object' && v !== null) ? JSON.stringify(value) : value.map(String).join(';');
  if (typeof value === 'object') return JSON.stringify(value);
  return value as Cell;
}

export function representTable(table: Table, format: Format): Representation {
  if (format === 'csv') {
    const rows = table.rows.map((r) => Object.fromEntries(table.columns.map((col) => [col, csvCell((r as Record<string, unknown>)[col])])));
    // Spreadsheet-safe cells (exports/csv-cell.ts): a label from a shared methodology must not run as a formula.
    return { body: toSafeCsv(table.columns, rows), contentType: 'text/csv; charset=utf-8', filename: `${table.name}.csv` };
  }
  return representJson({ ...table.meta, count: table.rows.length, rows: table.rows });
}

export function representJson(value: unknown): Representation {
  return { body: JSON.stringify(value), contentType: 'application/json; charset=utf-8' };
}

/** The cache key of a request: method, path, sorted query and the negotiated format. */
export function requestKey(c: Context, extra = ''): string {
  const url = new URL(c.req.url);
  const query = [...url.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
  return `${c.req.method} ${url.pathname}?${query} ${requestedFormat(c)} ${extra}`;
}

/** The request as sent (no parsing beyond the path): the key of the look-up before routing. */
export function rawRequestKey(c: Context): string {
  const url = c.req.url;
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return `${c.req.method} ${requestedFormat(c)} ${start < 0 ? '/' : url.slice(start)}`;
}

const encoder = new TextEncoder();

export interface CacheScope {
  cache: ResponseCache;
  /** Changes whenever anything the result depends on changes (evidence, methodology). */
  version: string;
}

/**
 * Answer from the cache, or compute, cache and answer. `If-None-Match` with the current ETag
 * gets 304. Clients must revalidate (no-cache) because a new evidence build changes results
 * under the same URL; the revalidation itself costs nothing.
 */
export async function cachedResponse(c: Context, scope: CacheScope, compute: () => Representation | Promise<Representation>): Promise<Response> {
  const key = requestKey(c, scope.version);
  let entry = scope.cache.get(key);
  if (!entry) {
    const rep = await compute();
    entry = { body: encoder.encode(rep.body) as Uint8Array<ArrayBuffer>, contentType: rep.contentType, filename: rep.filename, etag: etagOf(scope.version, key) };
  }
  scope.cache.set(key, entry, rawRequestKey(c));
  return sendCached(c, entry);
}

export function sendCached(c: Context, entry: CachedBody): Response {
  const headers: Record<string, string> = {
    'Content-Type': entry.contentType,
    ETag: entry.etag,
    'Cache-Control': 'public, no-cache',
    Vary: 'Accept, Accept-Encoding',
    'X-Content-Type-Options': 'nosniff',
  };
  if (entry.filename) headers['Content-Disposition'] = `attachment; filename="${entry.filename}"`;
  const inm = c.req.header('if-none-match');
  if (inm && inm.split(',').some((t) => t.trim() === entry.etag || t.trim() === `W/${entry.etag}`)) {
    return new Response(null, { status: 304, headers });
  }
  const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '') ? gzipOf(entry) : null;
  if (gzip) return new Response(gzip, { status: 200, headers: { ...headers, 'Content-Encoding': 'gzip' } });
  return new Response(entry.body, { status: 200, headers });
}

/** Results that depend on more than the evidence (user input, live state) are never cached. */
export function uncachedResponse(rep: Representation, status = 200): Response {
  const headers: Record<string, string> = { 'Content-Type': rep.contentType, 'Cache-Control': 'no-store' };
  if (rep.filename) headers['Content-Disposition'] = `attachment; filename="${rep.filename}"`;
  return new Response(rep.body, { status, headers });
}

export function assertFormat(format: string | undefined, allowed: readonly string[]): void {
  if (format !== undefined && !allowed.includes(format)) {
    throw new ApiProblem(400, { error: 'invalid_request', field: 'format', message: `format: "${format}" is not one of ${allowed.join(', ')}` });
  }
}
