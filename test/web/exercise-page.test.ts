// The exercise page rendered (Preact into a linkedom document) against a server that answers
// as the contract says: the facilitator sees join codes, pending injects and a ruling form per
// decision; the player sees the prompt with its options, the briefing and the channel; a PUT
// that meets a 409 shows the decision as it is now and sends the next try with its version;
// an event of the stream refetches the session.
import { parseHTML } from 'linkedom';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ComponentType, h as H, render as Render } from 'preact';
import type { SessionState } from '../../src/exercises/live/types.ts';
import { sessionState } from './exercise-fixture.ts';

type Call = { method: string; url: string; body: unknown; headers: Record<string, string> };
let calls: Call[] = [];
let answer: (c: Call) => { status: number; body: unknown } = () => ({ status: 404, body: {} });
const sources: FakeEventSource[] = [];

class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  readyState = 1;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  listeners = new Map<string, ((m: { data: string }) => void)[]>();
  constructor(readonly url: string) {
    sources.push(this);
  }
  addEventListener(kind: string, f: (m: { data: string }) => void) {
    this.listeners.set(kind, [...(this.listeners.get(kind) ?? []), f]);
  }
  emit(kind: string, data: unknown) {
    for (const f of this.listeners.get(kind) ?? []) f({ data: JSON.stringify(data) });
  }
  close() {
    this.readyState = 2;
  }
}

let h: typeof H;
let render: typeof Render;
let ExercisePage: ComponentType<{ route: { page: 'exercise'; session: number | null } }>;
let doc: Document;

beforeAll(async () => {
  const { window, document } = parseHTML('<!doctype html><html><body><main id="main"></main></body></html>');
  const store = new Map<string, string>();
  const g = globalThis as Record<string, unknown>;
  Object.assign(window, { scrollTo: () => undefined });
  g.window = window;
  g.document = document;
  g.location = { pathname: '/exercise/5', search: '' };
  g.history = { pushState: () => undefined, replaceState: () => undefined };
  g.sessionStorage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
  g.requestAnimationFrame = (f: () => void) => setTimeout(f, 0);
  g.cancelAnimationFrame = (t: ReturnType<typeof setTimeout>) => clearTimeout(t);
  g.EventSource = FakeEventSource;
  g.fetch = async (url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) => {
    const call = { method: init.method ?? 'GET', url, body: init.body ? JSON.parse(init.body) : undefined, headers: init.headers ?? {} };
    calls.push(call);
    const a = answer(call);
    return { ok: a.status < 400, status: a.status, json: async () => a.body } as Response;
  };
  doc = document as unknown as Document;
  ({ h, render } = await import('preact'));
  ({ ExercisePage } = await import('../../src/interfaces/web/pages/exercise.tsx'));
});

afterEach(() => {
  render(null, doc.getElementById('main')!);
  calls = [];
  sources.length = 0;
});

const main = () => doc.getElementById('main')!;

async function until(check: () => boolean, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}; the page shows: ${main().textContent?.slice(0, 600)}`);
}

function server(state: () => SessionState, role = 'editor'): (c: Call) => { status: number; body: unknown } {
  return (c) => {
    if (c.url === '/api') return { status: 200, body: { routes: [{ path: '/api/team/session' }, { path: '/api/team/exercise-sessions/{id}' }] } };
    if (c.url === '/api/team/session') return { status: 200, body: { name: state().you.name, role, via: 'session', csrf_token: 'csrf-123' } };
    if (c.url === '/api/team/exercise-sessions/5' && c.method === 'GET') return { status: 200, body: state() };
    return { status: 404, body: { message: `no route ${c.method} ${c.url}` } };
  };
}

function fire(el: Element, type: string) {
  const E = (globalThis as unknown as { window: { Event: typeof Event } }).window.Event;
  el.dispatchEvent(new E(type, { bubbles: true, cancelable: true }));
}

describe('the exercise page', () => {
  it('says the team server is needed on a single-user server', async () => {
    answer = (c) => (c.url === '/api' ? { status: 200, body: { routes: [{ path: '/api/allies' }] } } : { status: 404, body: {} });
    render(h(ExercisePage, { route: { page: 'exercise', session: null } }), main());
    await until(() => main().textContent!.includes('need the team server'), 'the notice');
    expect(calls.map((c) => c.url)).toEqual(['/api']);
  });

  it('offers sign-in and join forms to a visitor not signed in', async () => {
    answer = (c) => (c.url === '/api' ? { status: 200, body: { routes: [{ path: '/api/team/session' }, { path: '/api/team/exercise-sessions' }] } } : { status: 401, body: { message: 'sign in first' } });
    render(h(ExercisePage, { route: { page: 'exercise', session: null } }), main());
    await until(() => main().textContent!.includes('Sign in with your team account'), 'the sign-in form');
    expect(main().querySelector('label[for="ex-name"]')?.textContent).toBe('Name');
    expect(main().querySelector('label[for="ex-code"]')?.textContent).toBe('Join code');
  });

  it('shows the facilitator the join codes, the injects to release and a ruling form for every decision', async () => {
    let state = sessionState('facilitator');
    answer = server(() => state);
    render(h(ExercisePage, { route: { page: 'exercise', session: 5 } }), main());
    await until(() => main().querySelector('.exercise-facilitator') !== null, 'the facilitator view');
    const text = main().textContent!;
    expect(text).toContain('USA-1234');
    expect(text).toContain('Advance to move 3: A long fight, short of munitions and ships');
    expect(main().querySelectorAll('.pending-injects li').length).toBe(1);
    expect(text).toContain('Later moves: munitions_shortfall');
    expect(main().querySelectorAll('article.ruler').length).toBe(2);
    expect(main().querySelector('article.ruler[data-decision="jpn_spending"] .ruling')?.textContent).toContain('amended by facil');
    expect(text).toContain('holds in 93% of draws');
    // The stream opens after the state's seq; an event refetches the state.
    await until(() => sources.length === 1, 'the event stream');
    expect(sources[0].url).toBe('/api/team/exercise-sessions/5/events?after=12');
    state = { ...state, seq: 13, session: { ...state.session, version: 10 }, pending: state.pending.slice(1) };
    const before = calls.length;
    sources[0].emit('inject_released', { seq: 13, session: 5, kind: 'inject_released', team: null, summary: 'quarantine released', at: '', at_ms: 0 });
    await until(() => main().querySelectorAll('.pending-injects li').length === 0, 'the refetched state');
    expect(calls.slice(before).map((c) => c.url)).toEqual(['/api/team/exercise-sessions/5']);
    // An event already included in the state shown fetches nothing.
    sources[0].emit('message', { seq: 13, session: 5, kind: 'message', team: 'jpn', summary: 'old', at: '', at_ms: 0 });
    await new Promise((r) => setTimeout(r, 30));
    expect(calls.length).toBe(before + 1);
  });

  it('reopens a stream the server closed after the last event it heard, and catches up', async () => {
    let state = sessionState('player');
    answer = server(() => state, 'viewer');
    render(h(ExercisePage, { route: { page: 'exercise', session: 5 } }), main());
    await until(() => sources.length === 1, 'the event stream');
    sources[0].onopen?.();
    await until(() => main().querySelector('[data-connection="live"]') !== null, 'the live badge');
    state = { ...state, seq: 14, messages: [...state.messages, { seq: 14, channel: 'jpn', from: 'teammate', text: 'Heard while connected.', at: '2027-01-01T10:50:00Z' }] };
    sources[0].emit('message', { seq: 14, session: 5, kind: 'message', team: 'jpn', summary: 'teammate on jpn', at: '', at_ms: 0 });
    await until(() => main().textContent!.includes('Heard while connected.'), 'the refetched channel');
    // The server goes away: the browser gives up on this stream; the page says so and reopens after seq 14.
    sources[0].readyState = FakeEventSource.CLOSED;
    sources[0].onerror?.();
    await until(() => main().querySelector('[data-connection="reconnecting"]') !== null, 'the reconnecting badge');
    await until(() => sources.length === 2, 'a new stream', 800);
    expect(sources[1].url).toBe('/api/team/exercise-sessions/5/events?after=14');
  });

  it('lets a player revise after a 409, with the version of the decision as it is now', async () => {
    const state = sessionState('player');
    const current = { ...state.decisions[1], option: 'deny', option_label: 'Deny', rationale: 'A teammate chose to deny.', version: 2, submitted_by: 'teammate' };
    let puts = 0;
    const base = server(() => state, 'viewer');
    answer = (c) => {
      if (c.method === 'PUT') {
        puts += 1;
        if (puts === 1) return { status: 409, body: { error: 'conflict', message: 'the decision changed: version 2 is current', field: 'version', current } };
        return { status: 200, body: { ...current, option: 'grant_limited', option_label: 'Grant limited access', rationale: (c.body as { rationale: string }).rationale, version: 3 } };
      }
      return base(c);
    };
    render(h(ExercisePage, { route: { page: 'exercise', session: 5 } }), main());
    await until(() => main().querySelector('form.decision-form') !== null, 'the decision form');
    const form = main().querySelector('form.decision-form')!;
    expect(form.querySelector('legend')?.textContent).toBe('Does Japan grant the use of its bases?');
    expect(main().textContent).toContain('You are Japan: the bases are yours to grant.');
    expect(main().textContent).toContain('Washington asks for combat operations from Kadena.');
    expect(main().textContent).toContain('We should grant the bases.');
    // The form starts from the team's decision (version 1); the player picks another option.
    const checked = (v: string) => { const el = form.querySelector(`input[value="${v}"]`)!; return (el as HTMLInputElement).checked ?? el.hasAttribute('checked'); };
    expect([checked('grant'), checked('deny')]).toEqual([true, false]);
    fire(form.querySelector('input[value="grant_limited"]')!, 'change');
    const rationale = form.querySelector('textarea')! as HTMLTextAreaElement;
    rationale.value = 'Logistics only keeps the Diet on side.';
    fire(rationale, 'input');
    await until(() => form.textContent!.includes('Draft not sent yet'), 'the draft');
    fire(form, 'submit');
    await until(() => form.textContent!.includes('Your team\'s decision changed meanwhile'), 'the conflict');
    expect(form.textContent).toContain('It is now "Deny" (version 2, by teammate)');
    const first = calls.filter((c) => c.method === 'PUT')[0];
    expect(first.url).toBe('/api/team/exercise-sessions/5/decisions/jpn_bases');
    expect(first.body).toEqual({ option: 'grant_limited', rationale: 'Logistics only keeps the Diet on side.', version: 1 });
    expect(first.headers['X-CSRF-Token']).toBe('csrf-123');
    fire(form, 'submit');
    await until(() => form.textContent!.includes('Submitted: "Grant limited access" (version 3)'), 'the saved revision');
    expect(calls.filter((c) => c.method === 'PUT')[1].body).toEqual({ option: 'grant_limited', rationale: 'Logistics only keeps the Diet on side.', version: 2 });
  });
});
