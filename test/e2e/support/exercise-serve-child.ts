// A team server with the built dashboard (dist/web, as the shared webServer built it) in its own
// process, for the live exercise's end-to-end test: team mode from the environment
// (ALLIES_TEAM_DIR or DATABASE_URL, ALLIES_ADMIN/ALLIES_ADMIN_PASSWORD), port from PORT (0: a
// free one), printing "listening on URL" once it answers.
import { startServer } from '../../../src/interfaces/api/serve.ts';
import { teamOptionsFromEnv } from '../../../src/team/env.ts';

// Spawned with a pipe on standard input (test/e2e/support/team-server.ts, ALLIES_EXIT_WITH_PARENT=1):
// its end means the test process is gone (a hook that timed out before it could stop this server).
if (process.env.ALLIES_EXIT_WITH_PARENT === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

const server = await startServer({ port: Number(process.env.PORT ?? 0), warm: false, team: teamOptionsFromEnv(process.env, true)! });
process.stdout.write(`listening on ${server.url}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
