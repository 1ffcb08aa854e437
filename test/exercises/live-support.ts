// What the live exercise tests share: players of every kind (seated accounts with API tokens,
// one-off players joining by code with a cookie), an event stream reader over app.request, and
// the decisions of the shipped branches (so a full play never applies one change twice).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { parseDecisions } from '../../src/exercises/load.ts';
import type { Decision } from '../../src/exercises/schema.ts';
import type { LiveEvent } from '../../src/exercises/live/types.ts';
import { TeamClient } from '../team/support.ts';

export const BRANCHES: Record<string, string> = {
  'taiwan-strait-ttx': 'exercises/decisions/taiwan-strait-ttx-resolve.yaml',
  'linked-crises-simulation': 'exercises/decisions/linked-crises-simulation-trilateral.yaml',
};

export async function branchDecisions(exercise: string): Promise<Decision[]> {
  const file = BRANCHES[exercise];
  return parseDecisions(path.basename(file), await readFile(file, 'utf8')).data.decisions;
}

export { account } from '../team/support.ts';

/** A one-off player joining by code: a cookie client. */
export async function joinByCode(app: OpenAPIHono, code: string, name: string): Promise<{ client: TeamClient; body: Record<string, unknown>; status: number }> {
  const c = new TeamClient(app);
  const r = await c.call('POST', '/api/team/exercise-join', { code, name });
  if (r.status === 200) {
    c.cookie = /^(allies_session=[^;]+)/.exec(r.headers.get('set-cookie') ?? '')![1];
    c.csrf = String(r.body.csrf_token);
  }
  return { client: c, body: r.body, status: r.status };
}

export interface EventReader {
  events: LiveEvent[];
  ids: string[];
  comments: number;
  status: number;
  waitFor(pred: (events: LiveEvent[]) => boolean, ms?: number): Promise<LiveEvent[]>;
  close(): Promise<void>;
}

/** Open a session's event stream as the client and collect what it sends. */
export async function openEvents(client: TeamClient, session: number, opts: { after?: number; lastEventId?: string } = {}): Promise<EventReader> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (client.token) headers.authorization = `Bearer ${client.token}`;
  if (client.cookie) headers.cookie = client.cookie;
  if (opts.lastEventId !== undefined) headers['last-event-id'] = opts.lastEventId;
  const q = opts.after !== undefined ? `?after=${opts.after}` : '';
  const res = await client.app.request(`http://localhost/api/team/exercise-sessions/${session}/events${q}`, { headers });
  const reader: EventReader = {
    events: [], ids: [], comments: 0, status: res.status,
    async waitFor(pred, ms = 30_000) {
      const t0 = Date.now();
      while (!pred(reader.events)) {
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for events; got ${reader.events.map((e) => `${e.seq}:${e.kind}`).join(', ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return reader.events;
    },
    close: async () => undefined,
  };
  if (res.status !== 200 || !res.body) return reader;
  const body = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let stopped = false;
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await body.read();
        if (done || stopped) return;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.startsWith(':')) {
            reader.comments++;
            continue;
          }
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
          const id = block.split('\n').find((l) => l.startsWith('id:'))?.slice(3).trim();
          if (data) reader.events.push(JSON.parse(data) as LiveEvent);
          if (id) reader.ids.push(id);
        }
      }
    } catch {
      // cancelled
    }
  })();
  reader.close = async () => {
    stopped = true;
    await body.cancel().catch(() => undefined);
    await pump;
  };
  return reader;
}
