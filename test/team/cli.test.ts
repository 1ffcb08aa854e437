// `allies team ...` in a fresh process: init creates the first admin once (password from the
// environment), a second init is refused with exit 1 and a message, a token is printed once
// and works against the team API, export writes a judgments file, and a PGlite directory held
// by one process is refused to another with the holder's pid.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/team/db.ts';
import { TeamClient, sharedEvidence } from './support.ts';
import { createApp } from '../../src/interfaces/api/app.ts';

const run = promisify(execFile);
const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(projectDir, 'src/interfaces/cli/main.ts');

async function allies(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: projectDir, env: { ...process.env, DATABASE_URL: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('allies team (PGlite directory)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'allies-team-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the first admin once, prints a working token, exports the set, and refuses a directory another process holds', async () => {
    const env = { ALLIES_TEAM_DIR: dir, ALLIES_ADMIN_PASSWORD: 'cli-admin-password' };
    const init = await allies(['team', 'init', '--admin', 'alice'], env);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/created admin "alice"/);
    const again = await allies(['team', 'init', '--admin', 'bob'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/has accounts already/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
    const token = await allies(['team', 'token', '--account', 'alice', '--label', 'ci'], env);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout.trim()).toMatch(/^alt_[A-Za-z0-9_-]{40,}$/);
    const unknown = await allies(['team', 'token', '--account', 'mallory'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--account/);

    // The server (here in this process) imports the default set and accepts the token.
    const db = await openDb({ dir });
    try {
      const { dir: evidenceDir, evidence } = await sharedEvidence();
      const app = await createApp({ evidenceDir, evidence, dashboardDir: null, team: { db } });
      const client = new TeamClient(app, token.stdout.trim());
      const session = await client.call('GET', '/api/team/session');
      expect(session.body).toMatchObject({ name: 'alice', role: 'admin', via: 'token' });
      const held = await allies(['team', 'migrate'], env);
      expect(held.code).toBe(1);
      expect(held.stderr).toMatch(new RegExp(`in use by process ${process.pid}`));
    } finally {
      await db.close();
    }
    const out = path.join(dir, 'exported.yaml');
    const exported = await allies(['team', 'export', '--out', out], env);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/judgment set v1 \(351 entries\)/);
    expect(await readFile(out, 'utf8')).toMatch(/^judgments: alliance-ledger-default$/m);
    // The exported file is a judgments file the engine reads.
    const sheet = await allies(['sheet', 'JPN', '--json', '--judgments', out], {});
    expect(sheet.code, sheet.stderr).toBe(0);
    await writeFile(path.join(dir, 'done'), '');
  }, 300_000);
});
