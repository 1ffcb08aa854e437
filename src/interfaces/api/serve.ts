// Put the app on localhost: `npx tsx src/interfaces/api/serve.ts` (PORT, ALLIES_EVIDENCE) or
// `allies serve --port N`. Only the loopback interface: the dashboard is a local tool.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import type { AppOptions } from './app.ts';
import { DEFAULT_PORT, portFromEnv } from './port.ts';

export { DEFAULT_PORT, portFromEnv } from './port.ts';

export interface RunningServer {
  url: string;
  port: number;
  close: () => Promise<void>;
}

export async function startServer(options: AppOptions & { port?: number; hostname?: string; warm?: boolean } = {}): Promise<RunningServer> {
  const app = await createApp(options);
  // The overview's first request needs the latest year's robustness run: start it now.
  if (options.warm !== false) void Promise.resolve(app.request('/api/rankings')).catch(() => undefined);
  const hostname = options.hostname ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? DEFAULT_PORT, hostname }, (info: AddressInfo) => {
      resolve({
        url: `http://${hostname === '127.0.0.1' ? 'localhost' : hostname}:${info.port}`,
        port: info.port,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          // Keep-alive connections would hold close() open.
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
      });
    });
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE'
        ? new Error(`port ${options.port ?? DEFAULT_PORT} is in use: choose another with --port N (or PORT=N)`)
        : err);
    });
  });
}

const invokedDirectly = process.argv[1] && /serve\.ts$/.test(process.argv[1]) && /interfaces[/\\]api/.test(process.argv[1]);
if (invokedDirectly) {
  const server = await startServer({ port: portFromEnv(process.env.PORT) });
  process.stdout.write(`Alliance Ledger on ${server.url} (API: ${server.url}/api, docs: ${server.url}/docs)\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
