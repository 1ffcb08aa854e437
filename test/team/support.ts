// The team tests run on both backends: PGlite in memory and the PostgreSQL server CI provides
// (TEST_DATABASE_URL), each in a fresh schema of its own (team_test_<random>) dropped afterwards,
// so parallel test files never collide.
import { randomBytes } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { loadEvidence } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { createApp } from '../../src/interfaces/api/app.ts';
import { dropSchema, openDb } from '../../src/team/db.ts';
import type { Db } from '../../src/team/db.ts';
import { testEvidenceDir } from '../api/support.ts';
import { skipPostgres, testDatabaseUrl } from '../support/postgres.ts';

export interface Backend {
  name: 'pglite' | 'postgres';
  skip: boolean;
  open(): Promise<{ db: Db; cleanup: () => Promise<void> }>;
}

export const BACKENDS: Backend[] = [
  {
    name: 'pglite', skip: false,
    open: async () => {
      const db = await openDb({ dir: ':memory:' });
      return { db, cleanup: () => db.close() };
    },
  },
  {
    name: 'postgres', skip: skipPostgres,
    open: async () => {
      const schema = `team_test_${randomBytes(6).toString('hex')}`;
      const db = await openDb({ url: testDatabaseUrl!, schema, poolSize: 12 });
      return { db, cleanup: async () => { await db.close(); await dropSchema(testDatabaseUrl!, schema); } };
    },
  },
];

export const ADMIN = { name: 'admin', password: 'admin-password-1' };

let evidence: Promise<{ dir: string; evidence: Evidence }> | undefined;
export function sharedEvidence(): Promise<{ dir: string; evidence: Evidence }> {
  return (evidence ??= testEvidenceDir().then(async (dir) => ({ dir, evidence: await loadEvidence(dir) })));
}

export async function teamApp(db: Db): Promise<OpenAPIHono> {
  const { dir, evidence: ev } = await sharedEvidence();
  return createApp({ evidenceDir: dir, evidence: ev, dashboardDir: null, team: { db, admin: ADMIN } });
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A client of the team API through app.request: with an API token, a session cookie (and its CSRF token), or nothing. */
export class TeamClient {
  cookie: string | null = null;
  csrf: string | null = null;
  constructor(readonly app: OpenAPIHono, public token: string | null = null) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.cookie) headers.cookie = this.cookie;
    if (this.cookie && this.csrf && method !== 'GET' && !('x-csrf-token' in extra)) headers['x-csrf-token'] = this.csrf;
    const res = await this.app.request(`http://localhost${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // YAML or empty
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  async signIn(name: string, password: string): Promise<Reply> {
    const r = await this.call('POST', '/api/team/session', { name, password });
    if (r.status === 200) {
      this.cookie = /^(allies_session=[^;]+)/.exec(r.headers.get('set-cookie') ?? '')![1];
      this.csrf = String(r.body.csrf_token);
    }
    return r;
  }
}

/** An account of `role` made by `admin` (password `<name>-password-1`), as an API token client. */
export async function account(app: OpenAPIHono, admin: TeamClient, name: string, role = 'viewer'): Promise<TeamClient> {
  const made = await admin.call('POST', '/api/team/accounts', { name, role, password: `${name}-password-1` });
  if (made.status !== 201) throw new Error(`account ${name}: ${JSON.stringify(made.body)}`);
  const c = new TeamClient(app);
  await c.signIn(name, `${name}-password-1`);
  const t = await c.call('POST', '/api/team/tokens', { label: 'tests' });
  return new TeamClient(app, String(t.body.token));
}

/** An admin client (API token) and accounts of each role, each with a token client. */
export async function teamWithRoles(app: OpenAPIHono, analysts = 3): Promise<{ admin: TeamClient; editor: TeamClient; viewer: TeamClient; analysts: TeamClient[] }> {
  const boot = new TeamClient(app);
  await boot.signIn(ADMIN.name, ADMIN.password);
  const admin = new TeamClient(app, String((await boot.call('POST', '/api/team/tokens', { label: 'tests' })).body.token));
  const make = (name: string, role: string) => account(app, admin, name, role);
  const editor = await make('editor1', 'editor');
  const viewer = await make('viewer1', 'viewer');
  const list: TeamClient[] = [];
  for (let i = 1; i <= analysts; i++) list.push(await make(`analyst${i}`, 'analyst'));
  return { admin, editor, viewer, analysts: list };
}

/** What leaks nothing: no stack frame, no absolute path of this machine. */
export function leaksNothing(body: unknown): boolean {
  const text = JSON.stringify(body);
  return !/\bat [\w.<>]+ \(|\/work\/|node_modules|\.ts:\d+/.test(text);
}
