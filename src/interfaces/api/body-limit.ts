// A limit on request bodies, enforced before a body is parsed: the scenario text's own limit
// (100,000 characters, checked by the route's schema) only applies once the whole body is read,
// so without this a 500 MB POST is held in memory before its 400. hono's bodyLimit answers from
// Content-Length before reading anything and, for a chunked body, counts the bytes as they
// stream in and stops at the limit. The 413 is documented on every route with a body
// (bodyResponses in route-kit.ts).
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Problem } from './problem.ts';

/**
 * The largest request body accepted, in bytes. A scenario of 100,000 characters sent as JSON
 * takes at most 600,000 bytes (every character escaped as \uXXXX), so every valid body fits.
 */
export const MAX_BODY_BYTES = 1_000_000;

export const BODY_LIMIT_MESSAGE = `the request body is larger than the limit of ${MAX_BODY_BYTES.toLocaleString('en-US')} bytes; a scenario file's text may have at most 100,000 characters`;

/** The middleware: bodies over MAX_BODY_BYTES get 413 with a Problem naming the limit. */
export function requestBodyLimit(maxBytes: number = MAX_BODY_BYTES): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json({ error: 'invalid_request', field: 'body', message: maxBytes === MAX_BODY_BYTES ? BODY_LIMIT_MESSAGE : `the request body is larger than the limit of ${maxBytes.toLocaleString('en-US')} bytes` } satisfies Problem, 413),
  });
}
