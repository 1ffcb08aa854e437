// What the team store refuses, and why: the HTTP layer turns a TeamError into its status and a
// JSON body naming the field; the CLI prints the message. Never a stack trace or a file path.
export type TeamErrorCode = 'invalid_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'too_many_requests';

export class TeamError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 429,
    readonly code: TeamErrorCode,
    message: string,
    readonly field?: string,
    /** Extra members of the body, e.g. `current` (the record as it is now) on a 409. */
    readonly extra: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'TeamError';
  }
}

export const invalid = (field: string, message: string): TeamError => new TeamError(400, 'invalid_request', `${field}: ${message}`, field);
export const missing = (what: string, field?: string): TeamError => new TeamError(404, 'not_found', `${what} not found`, field);
export const conflict = (message: string, current: unknown, field = 'version'): TeamError => new TeamError(409, 'conflict', message, field, { current });
/** An API token that names no enabled account (unknown, or revoked). */
export const tokenRefused = (): TeamError => new TeamError(401, 'unauthorized', 'Authorization: the API token is not recognized or was revoked', 'Authorization');
/** An account below the role an action needs. */
export const belowRole = (needed: string, role: string): TeamError => new TeamError(403, 'forbidden', `this needs the ${needed} role; your account is a ${role}`);
