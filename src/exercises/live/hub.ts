// Delivery of a session's events to the event streams open in this process. The event log in
// the database is the only truth: a hub never invents an event, it reads the log after the
// last seq it handed out and gives each new event to every stream of the session, in order.
// It reads when told a write committed: at once for a write of this process, on a NOTIFY for
// a write of another process (PostgreSQL LISTEN/NOTIFY, PGlite's listen), and every couple of
// seconds while streams are open as a safety net (a dropped LISTEN connection loses nothing).
// One hub per database handle, shared by every app on it in the process.
import type { Db } from '../../team/db.ts';
import type { LiveEvent } from './types.ts';

export const NOTIFY_CHANNEL = 'team_exercise_events';
const SAFETY_POLL_MS = 2000;

export interface EventRow extends LiveEvent {
  move: string | null;
  audience: string[] | null;
  decision: string | null;
  version: number | null;
}

export interface SessionPosition {
  status: string;
  move_index: number | null;
}

export interface Subscriber {
  session: number;
  /** Called in seq order with events after the subscriber's own position; `at` is the session now. */
  deliver(events: EventRow[], at: SessionPosition): void;
}

const num = (x: unknown) => Number(x);
const iso = (d: unknown): string => (d instanceof Date ? d.toISOString() : String(d));

export function eventOf(r: Record<string, unknown>): EventRow {
  return {
    seq: num(r.seq), session: num(r.session_id), kind: r.kind as LiveEvent['kind'], team: r.team === null ? null : String(r.team),
    summary: String(r.summary), at: iso(r.at), at_ms: num(r.at_ms), move: r.move === null ? null : String(r.move),
    audience: (r.audience ?? null) as string[] | null, decision: r.decision === null ? null : String(r.decision), version: r.version === null ? null : num(r.version),
  };
}

export async function readEvents(db: Pick<Db, 'query'>, session: number, after: number, limit = 1000): Promise<EventRow[]> {
  return (await db.query('SELECT * FROM team_exercise_events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [session, after, limit])).map(eventOf);
}

export class EventHub {
  /** Per session, each subscriber and the last seq it was handed. */
  private readonly subs = new Map<number, Map<Subscriber, number>>();
  private readonly running = new Map<number, Promise<void>>();
  private readonly again = new Set<number>();
  private unlisten: Promise<(() => Promise<void>) | null> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db) {}

  /** Hand the subscriber the session's events after `from`, then each new one, in seq order. */
  subscribe(sub: Subscriber, from: number): () => void {
    let map = this.subs.get(sub.session);
    if (!map) this.subs.set(sub.session, map = new Map());
    map.set(sub, from);
    this.start();
    this.poke(sub.session);
    return () => {
      map.delete(sub);
      if (map.size === 0 && this.subs.get(sub.session) === map) this.subs.delete(sub.session);
      if (this.subs.size === 0) this.stop();
    };
  }

  /**
   * Events this process just committed: handed at once to every stream that has had all
   * before them (no read of the log); any other stream catches up from the log.
   */
  publish(session: number, events: readonly EventRow[], pos: SessionPosition): void {
    const map = this.subs.get(session);
    if (!map || !events.length) return;
    let behind = false;
    for (const [s, last] of map) {
      if (last === events[0].seq - 1) {
        map.set(s, events[events.length - 1].seq);
        try {
          s.deliver([...events], pos);
        } catch {
          // a stream that broke is removed by its own abort handler
        }
      } else if (last < events[0].seq) {
        behind = true;
      }
    }
    if (behind) this.poke(session);
  }

  /** A write to the session committed (here, or a NOTIFY from elsewhere): hand out what is new. */
  poke(session: number): void {
    if (!this.subs.has(session)) return;
    if (this.running.has(session)) {
      this.again.add(session);
      return;
    }
    const run = this.drain(session).catch((err: unknown) => console.error('live exercise events:', err instanceof Error ? err.message : String(err))).finally(() => {
      this.running.delete(session);
      if (this.again.delete(session)) this.poke(session);
    });
    this.running.set(session, run);
  }

  private async drain(session: number): Promise<void> {
    for (;;) {
      const map = this.subs.get(session);
      if (!map || map.size === 0) return;
      const after = Math.min(...map.values());
      const [pos] = await this.db.query<SessionPosition>('SELECT status, move_index FROM team_exercise_sessions WHERE id = $1', [session]);
      const events = await readEvents(this.db, session, after, 500);
      if (!events.length || !pos) return;
      for (const [s, last] of map) {
        const fresh = events.filter((e) => e.seq > last);
        if (!fresh.length) continue;
        map.set(s, fresh[fresh.length - 1].seq);
        try {
          s.deliver(fresh, pos);
        } catch {
          // a stream that broke is removed by its own abort handler
        }
      }
      if (events.length < 500 && Math.min(...map.values()) >= events[events.length - 1].seq) return;
    }
  }

  private start(): void {
    if (!this.timer) {
      this.timer = setInterval(() => {
        for (const s of this.subs.keys()) this.poke(s);
      }, SAFETY_POLL_MS);
      this.timer.unref();
    }
    if (!this.unlisten && this.db.listen) {
      this.unlisten = this.db.listen(NOTIFY_CHANNEL, (payload) => {
        const [session, seq] = payload.split(':').map(Number);
        const map = this.subs.get(session);
        // Our own commits were handed out already: read the log only for what some stream lacks.
        if (map && !(Number.isFinite(seq) && Math.min(...map.values()) >= seq)) this.poke(session);
      }).catch((err: unknown) => {
        console.error('live exercise events: LISTEN failed, polling instead:', err instanceof Error ? err.message : String(err));
        return null;
      });
    }
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const u = this.unlisten;
    this.unlisten = null;
    void u?.then((f) => f?.()).catch(() => undefined);
  }
}

const hubs = new WeakMap<Db, EventHub>();

export function hubOf(db: Db): EventHub {
  let h = hubs.get(db);
  if (!h) hubs.set(db, h = new EventHub(db));
  return h;
}
