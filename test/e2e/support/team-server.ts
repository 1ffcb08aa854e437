// A team server in its own process for an end-to-end spec, on a fresh PGlite directory: the
// child script given (bench/team-serve-child.ts, or test/e2e/support/exercise-serve-child.ts with
// the dashboard), the first admin from ALLIES_ADMIN, and its URL once it says it listens.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { untilListening } from '../../../bench/team-kit.ts';

export interface TeamServer {
  server: ChildProcess;
  base: string;
  dir: string;
  /** Stop the server and remove its directory. */
  stop(): Promise<void>;
}

export async function startTeamServer(child: string, admin: { name: string; password: string }, prefix: string): Promise<TeamServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const server = spawn(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, PORT: '0', ALLIES_TEAM: '1', ALLIES_TEAM_DIR: dir, ALLIES_ADMIN: admin.name, ALLIES_ADMIN_PASSWORD: admin.password, ALLIES_EXIT_WITH_PARENT: '1' },
    // Standard input stays open as long as this process lives: the server exits when it closes.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let base: string;
  try {
    ({ url: base } = await untilListening(server, 'the team server'));
  } catch (e) {
    server.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    server, base, dir,
    stop: async () => {
      server.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
