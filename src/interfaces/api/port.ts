// The API's default port and the PORT variable, apart from the server so that `allies --help`
// can name them without loading Hono.
export const DEFAULT_PORT = 5173;

export function portFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT "${value}" is not a port number (0-65535)`);
  return port;
}
