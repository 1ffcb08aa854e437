// The peer of bench/api.ts: a bare Hono server on @hono/node-server answering one fixed JSON
// body of the given size (no routing beyond one path, no middleware). Prints its URL.
//   node --import tsx bench/bare-hono.ts BYTES
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const bytes = Number(process.argv[2] ?? 50_000);
const body = JSON.stringify({ pad: 'x'.repeat(Math.max(0, bytes - 10)) });
const app = new Hono();
app.get('/bare', (c) => c.body(body, 200, { 'Content-Type': 'application/json' }));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`bare Hono on http://localhost:${info.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
