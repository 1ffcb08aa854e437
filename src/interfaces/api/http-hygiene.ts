// What every response carries and what every request must show: a Content-Security-Policy per
// kind of page, no framing, no referrer, no MIME sniffing; and a Host header naming this
// machine, so a page on another site that rebinds its DNS name to 127.0.0.1 cannot read the
// API through the browser (its requests carry its own name as Host).
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Problem } from './problem.ts';

/** Names a browser on this machine uses for a loopback server; always allowed. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** The environment variable that adds host names (comma-separated; `*` turns the check off). */
export const ALLOWED_HOSTS_ENV = 'ALLIES_ALLOWED_HOSTS';

/**
 * The Host names allowed: the loopback names plus those given (`--allowed-hosts` or
 * $ALLIES_ALLOWED_HOSTS). A name with a port ("box.local:8080") allows that port only; a name
 * without one allows any port: a rebinding page cannot make its Host a name on this list.
 */
export function allowedHosts(extra: string | readonly string[] | undefined = process.env[ALLOWED_HOSTS_ENV]): readonly string[] {
  const list = typeof extra === 'string' ? extra.split(',') : extra ?? [];
  return [...new Set([...LOOPBACK_HOSTS, ...list.map((h) => h.trim().toLowerCase()).filter(Boolean)])];
}

/** "Localhost:5173" → { name: "localhost", port: "5173" }; "[::1]:80" → { name: "[::1]", port: "80" }. */
function splitHost(host: string): { name: string; port: string } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host.trim().toLowerCase());
  return m ? { name: m[1], port: m[2] ?? '' } : { name: host.toLowerCase(), port: '' };
}

export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  const given = splitHost(host);
  return allowed.some((entry) => {
    const e = splitHost(entry);
    return e.name === given.name && (e.port === '' || e.port === given.port);
  });
}

/** Refuse a request whose Host is not on the list: 403 with the reason and the way to allow it. */
export function hostAllowList(allowed: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    // app.request() in tests builds a Request without a Host header: its URL's host stands in.
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (hostAllowed(host, allowed)) return next();
    const problem: Problem = {
      error: 'invalid_request',
      field: 'Host',
      message: `Host "${host.slice(0, 100)}" is not one this server answers to (${allowed.join(', ')}): it refuses other names so that a web page cannot reach it through DNS rebinding. To allow a name, start the server with --allowed-hosts NAME or ${ALLOWED_HOSTS_ENV}=NAME.`,
    };
    return c.json(problem, 403);
  };
}

/** The CSP source for an inline `<style>` element's exact text. */
export function styleHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export interface ContentPolicies {
  /** The dashboard and its files (everything that is neither the API nor /docs). */
  dashboard: string;
  /** The /docs page: no scripts, its one inline style. */
  docs: string;
  /** API responses: nothing may load or run; a JSON body opened in a tab stays inert. */
  api: string;
}

/**
 * The policies. The dashboard loads only its own scripts, styles, workers and API; the inline
 * styles it may carry are the ones named by hash (the charts' and the not-built page's).
 */
export function contentPolicies(dashboardStyles: readonly string[], docsStyles: readonly string[]): ContentPolicies {
  const hashes = (texts: readonly string[]) => [...new Set(texts.map(styleHash))].join(' ');
  const common = "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";
  return {
    dashboard: `default-src 'self'; script-src 'self'; style-src 'self' ${hashes(dashboardStyles)}; img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; ${common}`,
    docs: `default-src 'none'; style-src ${hashes(docsStyles)}; img-src data:; ${common}`,
    api: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  };
}

/** Headers on every response, whichever handler made it (cached bodies, dashboard files, errors). */
export function securityHeaders(policies: ContentPolicies): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const p = c.req.path;
    const policy = p === '/docs' ? policies.docs : p === '/api' || p.startsWith('/api/') || p === '/openapi.json' ? policies.api : policies.dashboard;
    c.res.headers.set('Content-Security-Policy', policy);
    c.res.headers.set('X-Frame-Options', 'DENY');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  };
}

let plotStyles: Promise<string[]> | null = null;

/**
 * The `<style>` texts Observable Plot puts inside the charts and legends the dashboard draws,
 * taken from the installed Plot itself (rendered once into linkedom), so the hashes in the
 * policy follow a Plot upgrade without anyone copying CSS by hand.
 */
export function chartStyleTexts(): Promise<string[]> {
  plotStyles ??= (async () => {
    const [Plot, { parseHTML }] = await Promise.all([import('@observablehq/plot'), import('linkedom')]);
    const { document } = parseHTML('<!doctype html><html><body></body></html>');
    const options = { document } as unknown as Record<string, unknown>;
    const nodes = [
      Plot.plot({ ...options, marks: [Plot.dot([{ x: 1, y: 2, c: 'a' }], { x: 'x', y: 'y', fill: 'c' })], color: { legend: true, type: 'categorical' } }),
      Plot.legend({ ...options, color: { domain: ['a', 'b'] } }),
      Plot.legend({ ...options, color: { domain: ['a', 'b'] }, columns: '2' }),
    ] as unknown as Element[];
    return [...new Set(nodes.flatMap((n) => Array.from(n.querySelectorAll('style'), (s) => s.textContent ?? '')))];
  })();
  return plotStyles;
}

/**
 * A message for a client without this machine's file paths: paths inside the project become
 * project-relative ("methods/default.yaml"), any other absolute path its file name.
 */
export function withoutAbsolutePaths(message: string, projectDir: string): string {
  const root = projectDir.endsWith('/') ? projectDir : `${projectDir}/`;
  return message
    .split(root).join('')
    .replace(/(?<![\w.~:/-])(?:[A-Za-z]:)?[/\\](?:[^\s/\\'"`:,;()<>]+[/\\])+([^\s/\\'"`:,;()<>]+)/g, '$1');
}
