// The built dashboard (dist/web) served from memory: a few small files, read once at start,
// gzipped once. Hashed assets are immutable; index.html is revalidated so a rebuild shows at once.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PACKAGE_ROOT } from '../../paths.ts';

export const PROJECT_DIR = PACKAGE_ROOT;
export const DASHBOARD_DIR = path.join(PROJECT_DIR, 'dist/web');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface DashboardFile {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer> | null;
  contentType: string;
  etag: string;
  cacheControl: string;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory()
    ? listFiles(dir, path.posix.join(prefix, e.name))
    : Promise.resolve([path.posix.join(prefix, e.name)]))));
  return nested.flat();
}

/** The dashboard's files keyed by URL path ("/index.html", "/assets/main-abc123.js"); empty when not built. */
export async function loadDashboardFiles(dir: string = DASHBOARD_DIR): Promise<Map<string, DashboardFile>> {
  const files = new Map<string, DashboardFile>();
  let names: string[];
  try {
    names = await listFiles(dir);
  } catch {
    return files;
  }
  for (const name of names) {
    const body = new Uint8Array(await readFile(path.join(dir, name)));
    const ext = path.extname(name);
    const contentType = CONTENT_TYPES[ext] ?? 'application/octet-stream';
    const compressible = /^(text\/|application\/json|image\/svg)/.test(contentType) && body.length > 1024;
    files.set(`/${name}`, {
      body,
      gzip: compressible ? new Uint8Array(gzipSync(body, { level: 9 })) : null,
      contentType,
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
      cacheControl: name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'public, no-cache',
    });
  }
  return files;
}

export function sendDashboardFile(file: DashboardFile, request: { header: (name: string) => string | undefined }): Response {
  const headers: Record<string, string> = { 'Content-Type': file.contentType, ETag: file.etag, 'Cache-Control': file.cacheControl, Vary: 'Accept-Encoding' };
  if (request.header('if-none-match') === file.etag) return new Response(null, { status: 304, headers });
  if (file.gzip && /\bgzip\b/.test(request.header('accept-encoding') ?? '')) {
    return new Response(file.gzip, { status: 200, headers: { ...headers, 'Content-Encoding': 'gzip' } });
  }
  return new Response(file.body, { status: 200, headers });
}

/** The not-built page's inline style: the dashboard's Content-Security-Policy allows it by hash. */
export const NOT_BUILT_STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;color:#1d2430}';

/** What / shows when dist/web is missing: how to build it, not a blank page. */
export const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Alliance Ledger</title><link rel="icon" href="data:,">
<style>${NOT_BUILT_STYLE}</style></head>
<body><h1>Alliance Ledger</h1><p>The dashboard has not been built yet. Run <code>npm start</code> (it builds the dashboard when needed),
or <code>npx vite build --config src/interfaces/web/vite.config.ts</code>, then reload.</p>
<p>The API works already: <a href="/docs">API reference</a>, <a href="/api/allies">/api/allies</a>.</p></body></html>
`;
