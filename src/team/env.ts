// Whether the server runs in team mode, from the environment: ALLIES_TEAM=1 or DATABASE_URL
// (or --team), else null and the single-user server exactly as ever. No database code here:
// `npm start` without team mode loads none.
import path from 'node:path';

export interface TeamEnvOptions {
  url?: string;
  dir?: string;
  admin?: { name: string; password: string };
}

export function teamOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, force = false): TeamEnvOptions | null {
  if (!force && env.ALLIES_TEAM !== '1' && !env.DATABASE_URL) return null;
  return {
    ...(env.DATABASE_URL ? { url: env.DATABASE_URL } : {}),
    ...(env.ALLIES_TEAM_DIR ? { dir: path.resolve(env.ALLIES_TEAM_DIR) } : {}),
    ...(env.ALLIES_ADMIN && env.ALLIES_ADMIN_PASSWORD ? { admin: { name: env.ALLIES_ADMIN, password: env.ALLIES_ADMIN_PASSWORD } } : {}),
  };
}
