// The body limit before parsing: a body over MAX_BODY_BYTES is refused with 413 naming the
// limit, from its Content-Length before anything is read, and for a chunked body (no
// Content-Length) as soon as the streamed bytes pass the limit, without reading the rest.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, requestBodyLimit } from '../../src/interfaces/api/body-limit.ts';

function appWithLimit(maxBytes?: number) {
  const app = new Hono();
  app.use('*', requestBodyLimit(maxBytes));
  app.post('/echo', async (c) => c.json({ length: (await c.req.text()).length }));
  return app;
}

/** A chunked body of `chunks` chunks of `size` bytes; counts the chunks the server pulled. */
function streamed(chunks: number, size: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const chunk = new Uint8Array(size).fill(120);
  return {
    body: new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === chunks) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    }),
    pulled: () => sent,
  };
}

describe('request body limit', () => {
  it('states the limit in the 413', async () => {
    const res = await appWithLimit().request('/echo', { method: 'POST', headers: { 'content-length': String(MAX_BODY_BYTES + 1) }, body: 'x'.repeat(MAX_BODY_BYTES + 1) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', field: 'body', message: expect.stringContaining('limit of 1,000,000 bytes') });
  });

  it('lets a body at the limit through', async () => {
    const res = await appWithLimit().request('/echo', { method: 'POST', headers: { 'content-length': String(MAX_BODY_BYTES) }, body: 'x'.repeat(MAX_BODY_BYTES) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ length: MAX_BODY_BYTES });
  });

  it('stops reading a chunked body once it passes the limit (a 500 MB stream is not read whole)', async () => {
    // 500 chunks of 1 MB against a 1 MB limit: refused after the second chunk.
    const { body, pulled } = streamed(500, 1_000_000);
    const res = await appWithLimit().request('/echo', { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(pulled()).toBeLessThan(5);
  });

  it('reads a chunked body under the limit whole', async () => {
    const { body } = streamed(10, 1000);
    const res = await appWithLimit(20_000).request('/echo', { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ length: 10_000 });
  });
});
