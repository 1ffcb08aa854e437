// A limit on request bodies, enforced before a body is parsed: the scenario text's own limit
// (100,000 characters, checked by the route's schema) only applies once the whole body is read,
// so without this a 500 MB POST is held in memory before its 400. hono's bodyLimit answers from
// Content-Length before reading anything and, for a chunked body, counts the bytes as they
// stream in and stops at the limit. The 413 is documented on every route with a body
// (bodyResponses in route-kit.ts).
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Problem } from './problem.ts';

/**
 * The largest request body accepted, in bytes. A scenario of 100,000 characters sent as JSON
 * takes at most 600,000 bytes (every character escaped as \uXXXX), so every valid body fits.
 */
export const MAX_BODY_BYTES = 1_000_000;

export const BODY_LIMIT_MESSAGE = `the request body is larger than the limit of ${MAX_BODY_BYTES.toLocaleString('en-US')} bytes; a scenario file's text may have at most 100,000 characters`;

/**
 * The middleware: bodies over MAX_BODY_BYTES get 413 with a Problem naming the limit. A body
 * with a Content-Length (and no Transfer-Encoding, so Node's parser reads exactly that many bytes)
 * is judged by the header alone, as hono's bodyLimit judges it; GET and HEAD bodies are never
 * read. Only a chunked body goes through hono's bodyLimit, which counts the bytes as they stream
 * in: it reads the request's `body` stream, which on @hono/node-server makes a full web Request
 * (an AbortController, a ReadableStream) that the other requests are spared.
 */
export function requestBodyLimit(maxBytes: number = MAX_BODY_BYTES): MiddlewareHandler {
  const onError = (c: Context) => c.json({ error: 'invalid_request', field: 'body', message: maxBytes === MAX_BODY_BYTES ? BODY_LIMIT_MESSAGE : `the request body is larger than the limit of ${maxBytes.toLocaleString('en-US')} bytes` } satisfies Problem, 413);
  const streamed = bodyLimit({ maxSize: maxBytes, onError });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) return Number.parseInt(length, 10) > maxBytes ? onError(c) : next();
    return streamed(c, next);
  };
}
