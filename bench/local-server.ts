// The server the benchmarks measure: `serve.ts` in its own process on a free localhost port,
// so the load generator or the browser does not share its event loop.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface LocalServer {
  url: string;
  stop: () => void;
}

export function startLocalServer(): Promise<LocalServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(projectDir, 'src/interfaces/api/serve.ts')], {
    cwd: projectDir,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /on (http:\/\/localhost:\d+)/.exec(out);
      if (m) resolve({ url: m[1], stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening: ${out}`)));
  });
}

/** The server starts the latest year's robustness run at launch: wait for it before measuring. */
export async function warmUp(url: string): Promise<void> {
  const res = await fetch(`${url}/api/rankings`);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`/api/rankings answered ${res.status}: is the evidence complete and the methodology valid?`);
}
