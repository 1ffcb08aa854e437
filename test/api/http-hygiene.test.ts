// HTTP hygiene, as a browser and a rebinding page meet it: every response carries a
// Content-Security-Policy, no framing, no referrer, no sniffing; a Host that is not this
// machine's name is refused; error bodies show no file paths of the server.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { loadEvidence } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { DOCS_STYLE } from '../../src/interfaces/api/docs-page.ts';
import { hostAllowed, styleHash, withoutAbsolutePaths } from '../../src/interfaces/api/http-hygiene.ts';
import { testEvidenceDir } from './support.ts';

let evidenceDir: string;
let evidence: Evidence;
let app: OpenAPIHono;
let dashboardDir: string;

beforeAll(async () => {
  evidenceDir = await testEvidenceDir();
  evidence = await loadEvidence(evidenceDir);
  // A stand-in dashboard build: the headers do not depend on what the files hold.
  dashboardDir = await mkdtemp(path.join(os.tmpdir(), 'allies-dashboard-'));
  await mkdir(path.join(dashboardDir, 'assets'));
  await writeFile(path.join(dashboardDir, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/main.js"></script></head><body><div id="app"></div></body></html>');
  await writeFile(path.join(dashboardDir, 'assets/main.js'), 'console.log(1);');
  app = await createApp({ evidenceDir, evidence, dashboardDir, engine: { methodologyFile: undefined, judgmentsFile: undefined } });
});

afterAll(() => rm(dashboardDir, { recursive: true, force: true }));

function expectHygiene(res: Response, url: string): string {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp, url).toMatch(/frame-ancestors 'none'/);
  expect(csp, url).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(res.headers.get('referrer-policy'), url).toBe('no-referrer');
  expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), url).toBe('DENY');
  return csp;
}

describe('security headers', () => {
  it('are on the dashboard, its files, the API (fresh and cached), errors and /docs', async () => {
    const page = await app.request('/', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(expectHygiene(page, '/')).toMatch(/script-src 'self'(;| )/);
    expectHygiene(await app.request('/assets/main.js'), '/assets/main.js');
    for (const url of ['/api/allies', '/api/allies', '/api/ledgers?year=0x7E8', '/api/nothing', '/openapi.json']) {
      expect(expectHygiene(await app.request(url), url)).toMatch(/default-src 'none'/);
    }
    const docs = await app.request('/docs');
    const csp = expectHygiene(docs, '/docs');
    // The page's one inline style is allowed by its hash, and the page holds exactly that style.
    expect(csp).toContain(`style-src ${styleHash(DOCS_STYLE)}`);
    expect(await docs.text()).toContain(`<style>${DOCS_STYLE}</style>`);
  });

  it('refuse unknown parameters on the routes outside the description too', async () => {
    for (const url of ['/api?x=1', '/openapi.json?x=1', '/docs?x=1']) {
      const res = await app.request(url);
      expect(res.status, url).toBe(400);
      expect(await res.json()).toMatchObject({ field: 'x' });
    }
  });
});

describe('the Host allow-list', () => {
  it('answers the loopback names with any port and refuses other names with 403 and the way to allow them', async () => {
    for (const host of ['localhost:5173', '127.0.0.1:5173', '[::1]:5173', 'LOCALHOST']) {
      expect((await app.request('/api/allies', { headers: { host } })).status, host).toBe(200);
    }
    for (const host of ['evil.example:5173', 'localhost.evil.example', '127.0.0.2:5173', 'attacker.test']) {
      const res = await app.request('/api/allies', { headers: { host } });
      expect(res.status, host).toBe(403);
      const body = await res.json() as { message: string };
      expect(body.message).toMatch(/DNS rebinding/);
      expect(body.message).toMatch(/--allowed-hosts/);
      expectHygiene(res, host);
    }
  });

  it('takes more names from the options, with or without a port', async () => {
    const wider = await createApp({ evidenceDir, evidence, dashboardDir: null, allowedHosts: ['box.local:8080', 'ledger.lan'] });
    expect((await wider.request('/api/allies', { headers: { host: 'box.local:8080' } })).status).toBe(200);
    expect((await wider.request('/api/allies', { headers: { host: 'box.local:9090' } })).status).toBe(403);
    expect((await wider.request('/api/allies', { headers: { host: 'ledger.lan:1234' } })).status).toBe(200);
    expect((await wider.request('/api/allies', { headers: { host: 'localhost:5173' } })).status).toBe(200);
    expect(hostAllowed('anything:1', ['*'])).toBe(true);
  });
});

describe('error bodies', () => {
  it('name no absolute path of the server, even when the methodology file is missing', async () => {
    const missing = path.join(process.cwd(), 'methods', 'no-such-methodology.yaml');
    const broken = await createApp({ evidenceDir, evidence, dashboardDir: null, engine: { methodologyFile: missing } });
    for (const url of ['/api/ledgers', '/api/rankings', '/api/scenarios', '/api/ledgers/JPN/why']) {
      const res = await broken.request(url);
      expect(res.status, url).toBe(503);
      const text = await res.text();
      expect(text, url).toMatch(/no-such-methodology\.yaml/);
      expect(text, url).not.toContain(process.cwd());
      expect(text, url).not.toMatch(/\/work\/|\/tmp\/|\/home\/|[A-Z]:\\/);
    }
    const notBuilt = await (await broken.request('/', { headers: { accept: 'text/html' } })).text();
    expect(notBuilt).not.toContain(process.cwd());
  });

  it('keep project paths relative and other paths to their file name', () => {
    expect(withoutAbsolutePaths("ENOENT: open '/srv/app/methods/x.yaml'", '/srv/app')).toBe("ENOENT: open 'methods/x.yaml'");
    expect(withoutAbsolutePaths('read /tmp/abc/def.yaml: bad; see https://example.org/a/b', '/srv/app')).toBe('read def.yaml: bad; see https://example.org/a/b');
  });
});
