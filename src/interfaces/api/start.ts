// `npm start`: build the dashboard if its build is missing or stale, then serve it and the API
// on localhost with the shipped evidence. PORT (or --port N) picks the port; default 5173.
// scripts/start.mjs runs this module compiled (dist/lib) when that build is current, and the
// TypeScript source through tsx otherwise (scripts/start.ts), as bin/allies.js does for the CLI.
import { ensureDashboardBuilt } from '../web/dashboard-build.ts';
import { teamOptionsFromEnv } from '../../team/env.ts';
import { DEFAULT_PORT, portFromEnv, startServer } from './serve.ts';

function portFromArgs(argv: readonly string[]): number | undefined {
  const i = argv.indexOf('--port');
  return i >= 0 ? portFromEnv(argv[i + 1]) : undefined;
}

/** Serve until SIGINT or SIGTERM; exit 1 with the message on a failure to start. */
export async function start(argv: readonly string[]): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  try {
    await ensureDashboardBuilt({ log });
    // Team mode only when asked for (ALLIES_TEAM=1, DATABASE_URL or --team); otherwise exactly the single-user server.
    const team = teamOptionsFromEnv(process.env, argv.includes('--team')) ?? undefined;
    const server = await startServer({ port: portFromArgs(argv) ?? portFromEnv(process.env.PORT) ?? DEFAULT_PORT, ...(team ? { team } : {}) });
    if (team) log(`Team mode on ${team.url ? 'the PostgreSQL server of DATABASE_URL' : 'the PGlite directory'}: sign in at POST /api/team/session (first admin: npx allies team init --admin NAME)`);
    log(`Alliance Ledger is on ${server.url}  (API ${server.url}/api, reference ${server.url}/docs; Ctrl-C stops)`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
