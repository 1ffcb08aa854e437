// What the team benches share: a team server process on PGlite (a temporary directory) or on
// PostgreSQL (TEST_DATABASE_URL or DATABASE_URL, in a fresh schema dropped afterwards), a small
// HTTP client, and accounts with API tokens.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { dropSchema, openDb } from '../src/team/db.ts';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ADMIN = { name: 'bench-admin', password: 'bench-admin-password' };

export interface TeamBackend {
  name: 'pglite' | 'postgres';
  env: Record<string, string>;
  cleanup: () => Promise<void>;
  /** PostgreSQL: the server's URL and the application_name its connections carry (to find their backends). */
  url?: string;
  applicationName?: string;
}

export function postgresUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

export async function makeBackend(name: 'pglite' | 'postgres'): Promise<TeamBackend> {
  if (name === 'pglite') {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-team-bench-'));
    return { name, env: { ALLIES_TEAM_DIR: dir }, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }
  const url = postgresUrl();
  if (!url) throw new Error('set TEST_DATABASE_URL (bash scripts/test-postgres.sh) for the PostgreSQL run');
  const schema = `team_bench_${randomBytes(5).toString('hex')}`;
  const db = await openDb({ url, schema });
  await db.close();
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  u.searchParams.set('application_name', schema);
  return { name, env: { DATABASE_URL: u.toString() }, cleanup: () => dropSchema(url, schema), url, applicationName: schema };
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
}

export function startTeamServer(backend: TeamBackend, port = 0, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(projectDir, 'bench/team-serve-child.ts')], {
    cwd: projectDir,
    env: { ...process.env, ...backend.env, PORT: String(port), ALLIES_ADMIN: ADMIN.name, ALLIES_ADMIN_PASSWORD: ADMIN.password, ALLIES_TEAM: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return untilListening(child, 'the team server');
}

export function killHard(p: ServerProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}

export interface Reply {
  status: number;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(base: string, method: string, p: string, token: string | null, body?: unknown, signal?: AbortSignal): Promise<Reply> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(signal ? { signal } : {}),
  });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

/** The admin's token, an editor's token, and `n` analysts' tokens. */
export async function accounts(base: string, n: number): Promise<{ admin: string; editor: string; analysts: string[] }> {
  const tokenFor = async (name: string, password: string) => {
    const s = await fetch(`${base}/api/team/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
    const body = await s.json() as { csrf_token: string };
    const cookie = /^(allies_session=[^;]+)/.exec(s.headers.get('set-cookie') ?? '')![1];
    const t = await fetch(`${base}/api/team/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': body.csrf_token }, body: JSON.stringify({ label: 'bench' }) });
    return (await t.json() as { token: string }).token;
  };
  const admin = await tokenFor(ADMIN.name, ADMIN.password);
  const make = async (name: string, role: string) => {
    const r = await call(base, 'POST', '/api/team/accounts', admin, { name, role, password: `${name}-password` });
    if (r.status !== 201) throw new Error(`account ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    return tokenFor(name, `${name}-password`);
  };
  const editor = await make('bench-editor', 'editor');
  const analysts: string[] = [];
  for (let i = 0; i < n; i++) analysts.push(await make(`bench-analyst-${i}`, 'analyst'));
  return { admin, editor, analysts };
}

export const JUDGMENTS = ['industrial_partnership', 'leadership_commitment', 'domestic_constraints', 'strategic_geography', 'intra_alliance_friction'];

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function backendsFromArgs(): ('pglite' | 'postgres')[] {
  const i = process.argv.indexOf('--backend');
  const only = i > 0 ? process.argv[i + 1] : undefined;
  if (only === 'pglite' || only === 'postgres') return [only];
  return postgresUrl() ? ['pglite', 'postgres'] : ['pglite'];
}

// ── CPU accounting for the load bench: less sensitive to a busy machine than throughput ──

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** User + system CPU time (ms) of a process so far, from /proc/<pid>/stat; null where /proc is not readable. */
export function processCpuMs(pid: number): number | null {
  const t = processCpu(pid);
  return t && t.user + t.system;
}

/** User and system CPU time (ms) of a process so far, from /proc/<pid>/stat; null where /proc is not readable. */
export function processCpu(pid: number): { user: number; system: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: (Number(fields[11]) * 1000) / CLOCK_TICKS, system: (Number(fields[12]) * 1000) / CLOCK_TICKS }; // utime, stime (fields 14, 15)
  } catch {
    return null;
  }
}

/** The server process ids of the PostgreSQL backends serving a bench (those with its application_name). */
export async function backendPids(url: string, applicationName: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName])).rows.map((r) => Number(r.pid));
  } finally {
    await client.end();
  }
}

/**
 * The load generator's peer: a bare Hono server on @hono/node-server with one PUT route of the
 * rating's path that parses the JSON body and answers a small JSON record (no database, no
 * middleware). Driving it with the same generator shows how much of the machine the generator
 * and HTTP on loopback take by themselves.
 */
export function startBarePeer(): Promise<ServerProcess> {
  const code = `
    import { serve } from '@hono/node-server';
    import { Hono } from 'hono';
    const app = new Hono();
    let n = 0;
    app.put('/api/team/rounds/:id/ratings/:judgment/:ally', async (c) => {
      const b = await c.req.json();
      return c.json({ id: ++n, round_id: Number(c.req.param('id')), judgment: c.req.param('judgment'), ally: c.req.param('ally'), value: b.value, low: b.low, high: b.high,
        rationale: b.rationale, citations: b.citations, version: (b.version ?? 0) + 1, updated_at: new Date().toISOString() }, b.version ? 200 : 201);
    });
    serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.stdout.write('listening on http://localhost:' + info.port + '\\n'));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'] });
  return untilListening(child, 'the bare peer');
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * `call` on node:http with a keep-alive agent: what the load bench drives the server with. It
 * takes less CPU per request than fetch (undici's streams and abort signals), which matters when
 * the generator shares the cores with the server it measures.
 */
export function callLean(base: string, method: string, p: string, token: string | null, body?: unknown): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string | number> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${p}`, { method, headers, agent: keepAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { text };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * One keep-alive HTTP/1.1 connection on a plain socket, one request at a time: the request
 * written as one string, the response's status line, Content-Length and body read from the
 * bytes as they come. The cheapest client the load bench has (no agent, no parser objects, no
 * streams), so the server it measures has most of the cores. Chunked responses are not
 * understood: the team server answers JSON with a Content-Length.
 */
class RawConnection {
  private readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;

  constructor(readonly host: string, readonly port: number) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.settle();
    });
    this.socket.on('error', (e) => this.waiting?.reject(e));
    this.socket.on('close', () => this.waiting?.reject(new Error('connection closed')));
  }

  request(head: string, payload: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(head + payload);
    });
  }

  private settle(): void {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buffer.toString('latin1', 0, end);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) return this.waiting.reject(new Error(`a response without Content-Length: ${head.slice(0, 200)}`));
    const total = end + 4 + Number(length[1]);
    if (this.buffer.length < total) return;
    const text = this.buffer.toString('utf8', end + 4, total);
    this.buffer = this.buffer.subarray(total);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { text };
    }
    const w = this.waiting;
    this.waiting = null;
    w.resolve({ status: Number(head.slice(9, 12)), body });
  }

  close(): void {
    this.socket.destroy();
  }
}

const rawConnections = new Map<string, RawConnection>();

/** `call` on a raw keep-alive connection per token (each rater its own): see RawConnection. */
export function callRaw(base: string, method: string, p: string, token: string | null, body?: unknown): Promise<Reply> {
  const key = `${base} ${token}`;
  let conn = rawConnections.get(key);
  if (!conn) {
    const u = new URL(base);
    conn = new RawConnection(u.hostname === 'localhost' ? '127.0.0.1' : u.hostname, Number(u.port));
    rawConnections.set(key, conn);
  }
  const payload = body === undefined ? '' : JSON.stringify(body);
  const head = `${method} ${p} HTTP/1.1\r\nHost: ${new URL(base).host}\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}${body === undefined ? '' : 'Content-Type: application/json\r\n'}Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n`;
  return conn.request(head, payload);
}

/** Close the raw connections to `base` (callRaw). */
export function closeRaw(base: string): void {
  for (const [key, conn] of rawConnections) {
    if (key.startsWith(`${base} `)) {
      conn.close();
      rawConnections.delete(key);
    }
  }
}

/** The URL a child process prints as "listening on URL", or its exit with what it printed. */
export function untilListening(child: ChildProcess, what: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/localhost:\d+)/.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.once('exit', (code, signal) => reject(new Error(`${what} exited (${code ?? signal}) before listening: ${out}${err.slice(-2000)}`)));
  });
}
