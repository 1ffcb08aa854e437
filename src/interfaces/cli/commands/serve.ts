// allies serve [--port N] [--allowed-hosts NAMES]: the HTTP API and the dashboard on localhost.
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { ALLOWED_HOSTS_ENV } from '../../api/http-hygiene.ts';
import { DEFAULT_PORT, portFromEnv } from '../../api/port.ts';

export function registerServeCommand(program: Command): void {
  program.command('serve')
    .description('serve the HTTP API (/api, docs at /docs) and the dashboard on localhost; build the dashboard first with npm start or npm run build:web')
    .option('--port <port>', `port to listen on (default: $PORT or ${DEFAULT_PORT}; 0 picks a free one)`, (v) => parsePort(v))
    .option('--evidence <dir>', 'evidence directory (default: $ALLIES_EVIDENCE or the shipped evidence/)')
    .option('--allowed-hosts <names>', `Host names to answer to besides localhost, 127.0.0.1 and [::1], comma-separated, e.g. box.local:5173 (default: $${ALLOWED_HOSTS_ENV}); other names get 403, against DNS rebinding`)
    .option('--team', 'team mode: accounts, rounds of rating and judgment sets on a database (DATABASE_URL, else PGlite in .alliance-ledger/team); also ALLIES_TEAM=1')
    .action(async (opts: { port?: number; evidence?: string; allowedHosts?: string; team?: boolean }) => {
      // Hono and the OpenAPI schemas load only when serving.
      const { startServer } = await import('../../api/serve.ts');
      const { teamOptionsFromEnv } = await import('../../../team/env.ts');
      const team = teamOptionsFromEnv(process.env, opts.team === true) ?? undefined;
      const server = await startServer({
        team,
        allowedHosts: opts.allowedHosts === undefined ? undefined : opts.allowedHosts.split(','),
        port: opts.port ?? portFromEnv(process.env.PORT) ?? DEFAULT_PORT,
        evidenceDir: opts.evidence ? path.resolve(opts.evidence) : undefined,
      });
      process.stdout.write(`Alliance Ledger on ${server.url}  (API ${server.url}/api, reference ${server.url}/docs; Ctrl-C stops)\n`);
      if (team) process.stdout.write(`team mode on ${team.url ? 'the PostgreSQL server of DATABASE_URL' : 'the PGlite directory'}: sign in at POST /api/team/session\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port number from 0 to 65535 is needed');
  return port;
}
