// The team's records and every rule on them: accounts and roles, sessions and API tokens,
// sign-in throttling, rounds of rating (a Delphi process), ratings, published judgment sets,
// and the audit trail. All state that matters lives in the database (two server processes
// against one database behave as one); every write runs in one transaction with its audit
// row, and resolves only after COMMIT. Every editable record carries a version: a write
// against a stale version is refused with 409 and the current record.
import type { Citation } from '../method/methodology.ts';
import type { Judgment } from '../method/judgments.ts';
import { DUMMY_HASH, PASSWORD_MIN, ROLES, hashPassword, newSecret, roleAtLeast, sameSecret, secretHash, verifyPassword } from './auth.ts';
import type { Role } from './auth.ts';
import type { Db, Sql } from './db.ts';
import { sqlState } from './db.ts';
import { TeamError, belowRole, conflict, invalid, missing, tokenRefused } from './errors.ts';
import { AGGREGATIONS, aggregateRatings, entriesFromJudgments, median } from './judgment-sets.ts';
import type { Aggregation, JudgmentSet, SetEntry } from './judgment-sets.ts';
import { migrate } from './migrations.ts';

export interface Actor {
  id: number;
  name: string;
  role: Role;
}

export interface Account {
  id: number;
  name: string;
  role: Role;
  disabled: boolean;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface RoundItem {
  judgment: string;
  ally: string;
}

export interface Round {
  id: number;
  number: number;
  previous_round: number | null;
  title: string;
  items: RoundItem[];
  aggregation: Aggregation;
  status: 'open' | 'closed' | 'published';
  version: number;
  opened_by: string;
  opened_at: string;
  closed_at: string | null;
  published_set: number | null;
}

export interface Rating {
  id: number;
  round_id: number;
  rater: string;
  judgment: string;
  ally: string;
  value: number;
  low: number;
  high: number;
  rationale: string;
  citations: Citation[];
  version: number;
  updated_at: string;
}

export interface RatingInput {
  value: number;
  low: number;
  high: number;
  rationale: string;
  citations: { source: string; locator?: string }[];
  new_sources?: { id: string; reference: string; url?: string }[];
  /** The version the client last saw; absent for a first rating. */
  version?: number;
  reason?: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  reason: string | null;
}

/** What the store checks ratings and sets against: the methodology's judgment scales, the covered allies, the evidence's sources. */
export interface TeamCatalog {
  judgments: Readonly<Record<string, { scale: { min: number; max: number }; label?: string }>>;
  allies: ReadonlySet<string>;
  sources: ReadonlySet<string>;
}

export const SESSION_HOURS = 12;
/** Sign-in throttling: failures within the window, per account name and per client address. */
export const THROTTLE = { windowMinutes: 15, perAccount: 5, perAddress: 30 };

const iso = (d: unknown): string => (d instanceof Date ? d.toISOString() : String(d));
const isoOrNull = (d: unknown): string | null => (d === null || d === undefined ? null : iso(d));
const num = (x: unknown): number => Number(x);

type Row = Record<string, unknown>;

function accountOf(r: Row): Account {
  return { id: num(r.id), name: String(r.name), role: r.role as Role, disabled: Boolean(r.disabled), version: num(r.version), created_at: iso(r.created_at), updated_at: iso(r.updated_at) };
}

function roundOf(r: Row): Round {
  return {
    id: num(r.id), number: num(r.number), previous_round: r.previous_round === null ? null : num(r.previous_round), title: String(r.title),
    items: r.items as RoundItem[], aggregation: r.aggregation as Aggregation, status: r.status as Round['status'], version: num(r.version),
    opened_by: String(r.opened_by), opened_at: iso(r.opened_at), closed_at: isoOrNull(r.closed_at), published_set: r.published_set === null ? null : num(r.published_set),
  };
}

function ratingOf(r: Row): Rating {
  return {
    id: num(r.id), round_id: num(r.round_id), rater: String(r.rater), judgment: String(r.judgment), ally: String(r.ally),
    value: num(r.value), low: num(r.low), high: num(r.high), rationale: String(r.rationale), citations: r.citations as Citation[],
    version: num(r.version), updated_at: iso(r.updated_at),
  };
}

function setOf(r: Row): JudgmentSet {
  return {
    version: num(r.version), name: String(r.name), description: String(r.description), round_id: r.round_id === null ? null : num(r.round_id),
    aggregation: r.aggregation === null ? null : String(r.aggregation), published_by: r.published_by === null ? null : String(r.published_by ?? ''),
    published_at: iso(r.published_at), entries: (r.entries ?? []) as SetEntry[],
  };
}

// The hot path of putRating in one statement each ($1 round, $2 account, $3 judgment, $4 ally,
// $5 value, $6 low, $7 high, $8 rationale, $9 citations, $10 the rater's name, $11 reason,
// $12 the version seen (revisions), and the token check below as $12 or $13). The audit's
// before and after are built in SQL with the keys and values `ratingOf` gives (updated_at as
// JavaScript's toISOString writes it), so they read as the transaction's. The round row is locked FOR SHARE (closing waits), and a revision locks the
// rating's current row FOR UPDATE before comparing versions: a concurrent revision commits
// first and this one is then refused (no row), never lost.
// Named columns, not *: a prepared statement's result must keep its shape if a later migration adds a column.
const RATING_COLUMNS = 'id, round_id, judgment, ally, value, low, high, rationale, citations, version, updated_at';
// $v (the parameter after the statement's others), when given, is the hash of the API token the
// actor was taken from (a hint remembered by this process, see ratingActor): the statement
// writes only if that token still names account $2, unrevoked, enabled and at least an analyst,
// so a revocation or a role change made through another server process takes effect on the
// very next write.
const RATING_ROLES = ROLES.filter((r) => roleAtLeast(r, 'analyst')).map((r) => `'${r}'`).join(', ');
const ratingOpenRound = (v: number) => `round AS (
  SELECT r.id FROM team_rounds r
   WHERE r.id = $1::bigint AND r.status = 'open' AND r.items @> jsonb_build_array(jsonb_build_object('judgment', $3::text, 'ally', $4::text))
     AND ($${v}::text IS NULL OR EXISTS (
       SELECT 1 FROM team_tokens t JOIN team_accounts a ON a.id = t.account_id
        WHERE t.token_hash = $${v}::text AND t.account_id = $2::bigint AND t.revoked_at IS NULL AND NOT a.disabled AND a.role IN (${RATING_ROLES})))
   FOR SHARE OF r
)`;
const ratingJson = (t: string) => `jsonb_build_object('id', ${t}.id, 'round_id', ${t}.round_id, 'rater', $10::text, 'judgment', ${t}.judgment, 'ally', ${t}.ally,
  'value', ${t}.value, 'low', ${t}.low, 'high', ${t}.high, 'rationale', ${t}.rationale, 'citations', ${t}.citations, 'version', ${t}.version,
  'updated_at', to_char(${t}.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
const PUT_RATING_FIRST = `WITH ${ratingOpenRound(12)},
after AS (
  INSERT INTO team_ratings (round_id, account_id, judgment, ally, value, low, high, rationale, citations)
  SELECT round.id, $2::bigint, $3::text, $4::text, $5::float8, $6::float8, $7::float8, $8::text, $9::jsonb FROM round
  ON CONFLICT (round_id, account_id, judgment, ally) DO NOTHING RETURNING *
),
audit AS (
  INSERT INTO team_audit (actor_id, actor, action, entity, entity_id, before, after, reason)
  SELECT $2::bigint, $10::text, 'create', 'rating', a.id::text, NULL, ${ratingJson('a')}, $11::text FROM after a
)
SELECT ${RATING_COLUMNS} FROM after`;
const PUT_RATING_REVISE = `WITH ${ratingOpenRound(13)},
before AS (
  SELECT t.* FROM team_ratings t, round
   WHERE t.round_id = round.id AND t.account_id = $2::bigint AND t.judgment = $3::text AND t.ally = $4::text
   FOR UPDATE OF t
),
after AS (
  UPDATE team_ratings t SET value = $5::float8, low = $6::float8, high = $7::float8, rationale = $8::text, citations = $9::jsonb, version = t.version + 1, updated_at = now()
    FROM before b WHERE t.id = b.id AND b.version = $12::integer
  RETURNING t.*
),
audit AS (
  INSERT INTO team_audit (actor_id, actor, action, entity, entity_id, before, after, reason)
  SELECT $2::bigint, $10::text, 'update', 'rating', a.id::text, ${ratingJson('b')}, ${ratingJson('a')}, $11::text FROM after a JOIN before b ON b.id = a.id
)
SELECT ${RATING_COLUMNS} FROM after`;

const ROUND_SELECT = 'SELECT r.*, a.name AS opened_by FROM team_rounds r JOIN team_accounts a ON a.id = r.opened_by';
const RATING_SELECT = 'SELECT t.*, a.name AS rater FROM team_ratings t JOIN team_accounts a ON a.id = t.account_id';
const SET_SELECT = 'SELECT s.version, s.name, s.description, s.round_id, s.aggregation, a.name AS published_by, s.published_at, s.entries FROM team_judgment_sets s LEFT JOIN team_accounts a ON a.id = s.published_by';

/** At most this many remembered token actors (ratingActor); the memory is emptied when full. */
const TOKEN_HINTS = 10_000;

export class TeamStore {
  /** Token hash -> the rater it named when last looked up: hints for ratingActor, checked by every write. */
  private readonly tokenHints = new Map<string, Actor>();

  constructor(readonly db: Db, readonly catalog: TeamCatalog) {}

  /** Apply the migrations; with a default set given, import it as set 1 when the database has none. */
  static async open(db: Db, catalog: TeamCatalog, defaultSet?: { name: string; description: string; judgments: readonly Judgment[] }): Promise<TeamStore> {
    await migrate(db);
    const store = new TeamStore(db, catalog);
    if (defaultSet) {
      await db.transaction(async (tx) => {
        const entries = entriesFromJudgments(defaultSet.judgments, 1);
        const made = await tx.query('INSERT INTO team_judgment_sets (version, name, description, entries) VALUES (1, $1, $2, $3) ON CONFLICT (version) DO NOTHING RETURNING version', [defaultSet.name, defaultSet.description, JSON.stringify(entries)]);
        if (made.length) await audit(tx, null, 'import', 'judgment_set', '1', null, { version: 1, name: defaultSet.name, entries: entries.length }, 'the default judgments file imported as the first set');
      });
    }
    return store;
  }

  // ── accounts ──

  async accountCount(): Promise<number> {
    return num((await this.db.query<{ n: unknown }>('SELECT count(*) AS n FROM team_accounts'))[0].n);
  }

  /** `actor` null: the first admin, created from the command line (`allies team init`). */
  async createAccount(actor: Actor | null, input: { name: string; role: Role; password: string }, reason?: string): Promise<Account> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(input.name)) throw invalid('name', 'letters, digits and . _ @ - (up to 64), starting with a letter or digit');
    if (!ROLES.includes(input.role)) throw invalid('role', `one of ${ROLES.join(', ')}`);
    if (input.password.length < PASSWORD_MIN) throw invalid('password', `at least ${PASSWORD_MIN} characters`);
    const hash = await hashPassword(input.password);
    try {
      return await this.db.transaction(async (tx) => {
        const [r] = await tx.query('INSERT INTO team_accounts (name, role, password_hash) VALUES ($1, $2, $3) RETURNING *', [input.name, input.role, hash]);
        const account = accountOf(r);
        await audit(tx, actor, 'create', 'account', String(account.id), null, account, reason);
        return account;
      });
    } catch (err) {
      if (sqlState(err) === '23505') throw new TeamError(409, 'conflict', `name: an account named "${input.name}" exists`, 'name');
      throw err;
    }
  }

  async listAccounts(): Promise<Account[]> {
    return (await this.db.query('SELECT * FROM team_accounts ORDER BY id')).map(accountOf);
  }

  async updateAccount(actor: Actor, id: number, input: { version: number; role?: Role; disabled?: boolean; password?: string }, reason?: string): Promise<Account> {
    if (input.password !== undefined && input.password.length < PASSWORD_MIN) throw invalid('password', `at least ${PASSWORD_MIN} characters`);
    const hash = input.password !== undefined ? await hashPassword(input.password) : null;
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query('SELECT * FROM team_accounts WHERE id = $1 FOR UPDATE', [id]);
      if (!row) throw missing(`account ${id}`, 'id');
      const before = accountOf(row);
      if (before.version !== input.version) throw conflict(`version: account ${id} is at version ${before.version}, not ${input.version}; reload and apply your change again`, before);
      if (before.id === actor.id && ((input.role !== undefined && input.role !== 'admin') || input.disabled === true)) throw invalid('role', 'an admin cannot demote or disable their own account');
      const [r] = await tx.query(
        `UPDATE team_accounts SET role = COALESCE($2, role), disabled = COALESCE($3, disabled), password_hash = COALESCE($4, password_hash),
           version = version + 1, updated_at = now() WHERE id = $1 RETURNING *`,
        [id, input.role ?? null, input.disabled ?? null, hash],
      );
      const after = accountOf(r);
      // A disabled account or a changed password ends its sessions.
      if (input.disabled || hash) await tx.query('DELETE FROM team_sessions WHERE account_id = $1', [id]);
      await audit(tx, actor, 'update', 'account', String(id), before, { ...after, ...(hash ? { password: 'changed' } : {}) }, reason);
      return after;
    });
  }

  // ── sign-in, sessions, tokens ──

  async signIn(name: string, password: string, address: string): Promise<{ token: string; csrf: string; account: Account; expires: Date }> {
    const accountKey = `account:${name.toLowerCase()}`;
    const addressKey = `address:${address}`;
    const counts = await this.db.query<{ key: string; n: unknown }>(
      `SELECT key, count(*) AS n FROM team_signin_failures WHERE key IN ($1, $2) AND at > now() - make_interval(mins => $3) GROUP BY key`,
      [accountKey, addressKey, THROTTLE.windowMinutes],
    );
    const failures = (key: string) => num(counts.find((c) => c.key === key)?.n ?? 0);
    if (failures(accountKey) >= THROTTLE.perAccount || failures(addressKey) >= THROTTLE.perAddress) {
      throw new TeamError(429, 'too_many_requests', `too many failed sign-ins: wait ${THROTTLE.windowMinutes} minutes and try again`, 'name', {}, { 'Retry-After': String(THROTTLE.windowMinutes * 60) });
    }
    const [row] = await this.db.query('SELECT * FROM team_accounts WHERE name = $1', [name]);
    const ok = await verifyPassword(password, row ? String(row.password_hash) : DUMMY_HASH);
    if (!row || !ok || row.disabled) {
      await this.db.query('INSERT INTO team_signin_failures (key) VALUES ($1), ($2)', [accountKey, addressKey]);
      throw new TeamError(401, 'unauthorized', 'name or password: not recognized (or the account is disabled)', 'password');
    }
    const token = newSecret('als_');
    const csrf = newSecret('');
    const expires = new Date(Date.now() + SESSION_HOURS * 3600_000);
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM team_signin_failures WHERE key = $1', [accountKey]);
      await tx.query('DELETE FROM team_sessions WHERE expires_at < now()');
      await tx.query('INSERT INTO team_sessions (token_hash, account_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)', [secretHash(token), row.id, csrf, expires]);
    });
    return { token, csrf, account: accountOf(row), expires };
  }

  async sessionActor(token: string): Promise<{ actor: Actor; csrf: string } | null> {
    const [r] = await this.db.query(
      `SELECT a.id, a.name, a.role, s.csrf_token FROM team_sessions s JOIN team_accounts a ON a.id = s.account_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT a.disabled`, [secretHash(token)], 'team_session_actor_v1');
    return r ? { actor: { id: num(r.id), name: String(r.name), role: r.role as Role }, csrf: String(r.csrf_token) } : null;
  }

  checkCsrf(expected: string, given: string | undefined): boolean {
    return given !== undefined && sameSecret(expected, given);
  }

  async signOut(token: string): Promise<void> {
    await this.db.query('DELETE FROM team_sessions WHERE token_hash = $1', [secretHash(token)]);
  }

  /**
   * The account an API token acts for, read from the database on every request (one index hit
   * on the token's hash, a prepared statement): no cache, so a revocation, a disabled account or
   * a changed role takes effect at once, in every server process on the database.
   */
  async tokenActor(token: string): Promise<Actor | null> {
    return this.tokenActorByHash(secretHash(token));
  }

  private async tokenActorByHash(hash: string): Promise<Actor | null> {
    const [r] = await this.db.query(
      `SELECT a.id, a.name, a.role FROM team_tokens t JOIN team_accounts a ON a.id = t.account_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT a.disabled`, [hash], 'team_token_actor_v1');
    return r ? { id: num(r.id), name: String(r.name), role: r.role as Role } : null;
  }

  /**
   * The actor of an API token for a rating write, the team's hottest write. A token this process
   * has seen name a rater is taken from memory without a look-up, with `verify` set to the
   * token's hash: putRating then writes only if the token still names that account, unrevoked,
   * enabled and a rater, checked in the writing statement itself (so the remembered actor is a
   * hint, never the authority, and two processes still behave as one). A write the check refuses
   * looks the token up afresh and answers 401 or 403 as the look-up says.
   */
  async ratingActor(token: string): Promise<{ actor: Actor | null; verify: string | null }> {
    const hash = secretHash(token);
    const hint = this.tokenHints.get(hash);
    if (hint) return { actor: hint, verify: hash };
    const actor = await this.tokenActorByHash(hash);
    if (actor && roleAtLeast(actor.role, 'analyst')) {
      if (this.tokenHints.size >= TOKEN_HINTS) this.tokenHints.clear();
      this.tokenHints.set(hash, actor);
    }
    return { actor, verify: null };
  }

  /** The actor of a token hint that a write's check refused: looked up afresh, 401 or 403 if no longer a rater. */
  private async verifiedRater(hash: string): Promise<Actor> {
    this.tokenHints.delete(hash);
    const actor = await this.tokenActorByHash(hash);
    if (!actor) throw tokenRefused();
    if (!roleAtLeast(actor.role, 'analyst')) throw belowRole('analyst', actor.role);
    return actor;
  }

  /** A new API token for the actor's own account: the secret is returned once and kept only as a hash. */
  async createToken(actor: Actor, label: string, reason?: string): Promise<{ id: number; label: string; token: string }> {
    const token = newSecret('alt_');
    return this.db.transaction(async (tx) => {
      const [r] = await tx.query('INSERT INTO team_tokens (account_id, token_hash, label) VALUES ($1, $2, $3) RETURNING id', [actor.id, secretHash(token), label]);
      await audit(tx, actor, 'create', 'token', String(r.id), null, { id: num(r.id), label, account: actor.name }, reason);
      return { id: num(r.id), label, token };
    });
  }

  async revokeToken(actor: Actor, id: number, reason?: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [r] = await tx.query('SELECT t.*, a.name AS owner FROM team_tokens t JOIN team_accounts a ON a.id = t.account_id WHERE t.id = $1 FOR UPDATE OF t', [id]);
      if (!r || (num(r.account_id) !== actor.id && actor.role !== 'admin')) throw missing(`token ${id}`, 'id');
      if (r.revoked_at !== null) return;
      await tx.query('UPDATE team_tokens SET revoked_at = now() WHERE id = $1', [id]);
      await audit(tx, actor, 'revoke', 'token', String(id), { id, label: r.label, account: r.owner }, { id, label: r.label, account: r.owner, revoked: true }, reason);
    });
  }

  // ── rounds ──

  async openRound(actor: Actor, input: { title: string; items?: RoundItem[]; aggregation?: Aggregation; previous_round?: number }, reason?: string): Promise<Round> {
    if (input.aggregation !== undefined && !AGGREGATIONS.includes(input.aggregation)) throw invalid('aggregation', `one of ${AGGREGATIONS.join(', ')}`);
    return this.db.transaction(async (tx) => {
      let number = 1;
      let items = input.items;
      if (input.previous_round !== undefined) {
        const [prev] = await tx.query('SELECT * FROM team_rounds WHERE id = $1', [input.previous_round]);
        if (!prev) throw invalid('previous_round', `no round ${input.previous_round}`);
        if (prev.status === 'open') throw invalid('previous_round', `round ${input.previous_round} is still open: close it first`);
        number = num(prev.number) + 1;
        items ??= prev.items as RoundItem[];
      }
      if (!items || items.length === 0) throw invalid('items', 'give at least one {judgment, ally} to rate (or a previous_round whose items to rate again)');
      const seen = new Set<string>();
      items.forEach((it, i) => {
        if (!this.catalog.judgments[it.judgment]) throw invalid(`items.${i}.judgment`, `unknown judgment "${it.judgment}"; the methodology defines ${Object.keys(this.catalog.judgments).join(', ')}`);
        if (!this.catalog.allies.has(it.ally)) throw invalid(`items.${i}.ally`, `unknown ally "${it.ally}": use the ISO code of a covered ally`);
        const key = `${it.judgment} ${it.ally}`;
        if (seen.has(key)) throw invalid(`items.${i}`, `${key} is listed twice`);
        seen.add(key);
      });
      const [r] = await tx.query(
        'INSERT INTO team_rounds (number, previous_round, title, items, aggregation, status, opened_by) VALUES ($1, $2, $3, $4, $5, \'open\', $6) RETURNING id',
        [number, input.previous_round ?? null, input.title, JSON.stringify(items.map((i) => ({ judgment: i.judgment, ally: i.ally }))), input.aggregation ?? 'median', actor.id],
      );
      // A Delphi follow-up starts from each rater's rating in the previous round: revising is a
      // new version of it; a rater who does not revise keeps theirs in the aggregate.
      let carried = 0;
      if (input.previous_round !== undefined) {
        carried = (await tx.query(
          `INSERT INTO team_ratings (round_id, account_id, judgment, ally, value, low, high, rationale, citations)
           SELECT $1, t.account_id, t.judgment, t.ally, t.value, t.low, t.high, t.rationale, t.citations FROM team_ratings t
            WHERE t.round_id = $2 AND EXISTS (SELECT 1 FROM jsonb_array_elements($3::jsonb) e WHERE e->>'judgment' = t.judgment AND e->>'ally' = t.ally)
           RETURNING id`, [r.id, input.previous_round, JSON.stringify(items)])).length;
      }
      const round = roundOf((await tx.query(`${ROUND_SELECT} WHERE r.id = $1`, [r.id]))[0]);
      await audit(tx, actor, 'open', 'round', String(round.id), null, { ...round, ratings_carried_forward: carried }, reason);
      return round;
    });
  }

  async listRounds(): Promise<Round[]> {
    return (await this.db.query(`${ROUND_SELECT} ORDER BY r.id`)).map(roundOf);
  }

  async round(id: number, tx: Sql = this.db, lock = ''): Promise<Round> {
    const [r] = await tx.query(`${ROUND_SELECT} WHERE r.id = $1 ${lock}`, [id]);
    if (!r) throw missing(`round ${id}`, 'id');
    return roundOf(r);
  }

  async closeRound(actor: Actor, id: number, version: number, reason?: string): Promise<Round> {
    return this.db.transaction(async (tx) => {
      const before = await this.round(id, tx, 'FOR UPDATE OF r');
      if (before.version !== version) throw conflict(`version: round ${id} is at version ${before.version}, not ${version}`, before);
      if (before.status !== 'open') throw conflict(`status: round ${id} is ${before.status}, not open`, before, 'status');
      await tx.query('UPDATE team_rounds SET status = \'closed\', closed_at = now(), version = version + 1 WHERE id = $1', [id]);
      const after = await this.round(id, tx);
      await audit(tx, actor, 'close', 'round', String(id), before, after, reason);
      return after;
    });
  }

  /**
   * Publish a closed round: the aggregate of each item's ratings replaces, in a copy of the
   * current set, the entry in force now for that (judgment, ally); the copy becomes the next set.
   */
  async publishRound(actor: Actor, id: number, input: { version: number; aggregation?: Aggregation; description?: string }, reason?: string): Promise<{ round: Round; set: JudgmentSet }> {
    if (input.aggregation !== undefined && !AGGREGATIONS.includes(input.aggregation)) throw invalid('aggregation', `one of ${AGGREGATIONS.join(', ')}`);
    return this.db.transaction(async (tx) => {
      const before = await this.round(id, tx, 'FOR UPDATE OF r');
      if (before.version !== input.version) throw conflict(`version: round ${id} is at version ${before.version}, not ${input.version}`, before);
      if (before.status !== 'closed') throw conflict(`status: round ${id} is ${before.status}; close it before publishing`, before, 'status');
      // One publication at a time: the set versions follow each other.
      await tx.query('LOCK TABLE team_judgment_sets IN EXCLUSIVE MODE');
      const [cur] = await tx.query(`${SET_SELECT} ORDER BY s.version DESC LIMIT 1`);
      if (!cur) throw new TeamError(409, 'conflict', 'no judgment set to publish onto: the server imports the default set at start', 'round');
      const current = setOf(cur);
      const next = current.version + 1;
      const rule = input.aggregation ?? before.aggregation;
      const ratings = (await tx.query(`${RATING_SELECT} WHERE t.round_id = $1 ORDER BY a.name`, [id])).map(ratingOf);
      const today = new Date().toISOString().slice(0, 10);
      const entries: SetEntry[] = current.entries.map((e) => ({ ...e }));
      let published = 0;
      for (const item of before.items) {
        const mine = ratings.filter((r) => r.judgment === item.judgment && r.ally === item.ally);
        if (mine.length === 0) continue;
        const agg = aggregateRatings(rule, mine.map((r) => ({ rater: r.rater, value: r.value, low: r.low, high: r.high, rationale: r.rationale, citations: r.citations })), this.catalog.judgments[item.judgment].scale);
        const provenance = { set_version: next, round: before.number, round_id: before.id, raters: mine.map((r) => r.rater), aggregation: rule, spread: agg.spread };
        // The entry in force now: the one without an end year (else the latest).
        const spans = entries.map((e, i) => ({ e, i })).filter(({ e }) => e.judgment === item.judgment && e.ally === item.ally);
        const now = spans.find(({ e }) => e.to === null) ?? spans.sort((a, b) => (b.e.to ?? 0) - (a.e.to ?? 0))[0];
        const entry: SetEntry = {
          judgment: item.judgment, ally: item.ally, from: now?.e.from ?? null, to: now?.e.to ?? null,
          value: agg.value, low: agg.low, high: agg.high, rationale: agg.rationale, citations: agg.citations, author: agg.author, date: today, provenance,
        };
        if (now) entries[now.i] = entry;
        else entries.push(entry);
        published++;
      }
      if (published === 0) throw invalid('round', `round ${id} has no ratings to publish`);
      const description = input.description ?? `Round ${before.number} ("${before.title}") published: ${published} item(s) by ${rule}, on set v${current.version}.`;
      await tx.query('INSERT INTO team_judgment_sets (version, name, description, round_id, aggregation, published_by, entries) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [next, current.name, description, id, rule, actor.id, JSON.stringify(entries)]);
      await tx.query('UPDATE team_rounds SET status = \'published\', published_set = $2, version = version + 1 WHERE id = $1', [id, next]);
      const round = await this.round(id, tx);
      const set = setOf((await tx.query(`${SET_SELECT} WHERE s.version = $1`, [next]))[0]);
      await audit(tx, actor, 'publish', 'round', String(id), before, round, reason);
      await audit(tx, actor, 'publish', 'judgment_set', String(next), { version: current.version },
        { version: next, round: id, aggregation: rule, items: entries.filter((e) => e.provenance.set_version === next).map((e) => ({ judgment: e.judgment, ally: e.ally, value: e.value, low: e.low, high: e.high, raters: e.provenance.raters })) }, reason);
      return { round, set };
    });
  }

  // ── ratings ──

  /**
   * Create (no version) or revise (the version last seen) the actor's rating of one item in an
   * open round. `verify`: the hash of the API token the actor was remembered from (ratingActor).
   */
  async putRating(actor: Actor, roundId: number, judgment: string, ally: string, input: RatingInput, verify: string | null = null): Promise<{ rating: Rating; created: boolean }> {
    const def = this.catalog.judgments[judgment];
    if (!def) throw invalid('judgment', `unknown judgment "${judgment}"; the methodology defines ${Object.keys(this.catalog.judgments).join(', ')}`);
    if (!this.catalog.allies.has(ally)) throw invalid('ally', `unknown ally "${ally}": use the ISO code of a covered ally`);
    const { min, max } = def.scale;
    for (const key of ['value', 'low', 'high'] as const) {
      if (!Number.isFinite(input[key]) || input[key] < min || input[key] > max) throw invalid(key, `${input[key]} is outside the scale of "${judgment}" (${min} to ${max})`);
    }
    if (input.low > input.value) throw invalid('low', `the range must contain the value: low ${input.low} <= value ${input.value}`);
    if (input.high < input.value) throw invalid('high', `the range must contain the value: value ${input.value} <= high ${input.high}`);
    if (input.rationale.trim().length < 20) throw invalid('rationale', 'at least 20 characters: say why');
    const newIds = new Set<string>();
    (input.new_sources ?? []).forEach((s, i) => {
      if (!/^[a-z0-9][a-z0-9-]{2,79}$/.test(s.id)) throw invalid(`new_sources.${i}.id`, 'lower-case letters, digits and dashes (3 to 80)');
      if (this.catalog.sources.has(s.id)) throw invalid(`new_sources.${i}.id`, `"${s.id}" is already a source of the evidence: cite it instead`);
      if (s.reference.trim().length < 10) throw invalid(`new_sources.${i}.reference`, 'the full reference (author, title, publisher, year)');
      newIds.add(s.id);
    });
    if (input.citations.length === 0) throw invalid('citations', 'cite at least one source');
    // The common write (every citation a source of the evidence, no new source): one statement.
    if ((input.new_sources ?? []).length === 0 && input.citations.every((c) => this.catalog.sources.has(c.source))) {
      const done = await this.putRatingAtOnce(actor, roundId, judgment, ally, input, verify);
      if (done) return done;
      // Nothing written: a remembered token no longer a rater's, a closed or missing round, an
      // item not in it, a stale or missing version, a first rating that exists. The transaction
      // below finds which and says so.
    }
    if (verify) actor = await this.verifiedRater(verify);
    return this.db.transaction(async (tx) => {
      // The round row is locked against closing while the rating is written.
      const round = await this.round(roundId, tx, 'FOR SHARE OF r');
      if (round.status !== 'open') throw conflict(`round: round ${roundId} is ${round.status}; ratings are taken only while it is open`, round, 'round');
      if (!round.items.some((i) => i.judgment === judgment && i.ally === ally)) throw invalid('ally', `${judgment} / ${ally} is not an item of round ${roundId}`);
      // Sources the team added earlier (only asked for when a citation is not of the evidence).
      const outside = input.citations.map((c) => c.source).filter((id) => !this.catalog.sources.has(id) && !newIds.has(id));
      const known = new Set(outside.length ? (await tx.query<{ id: string }>('SELECT id FROM team_sources WHERE id = ANY($1)', [outside])).map((r) => r.id) : []);
      input.citations.forEach((c, i) => {
        if (!this.catalog.sources.has(c.source) && !known.has(c.source) && !newIds.has(c.source)) {
          throw invalid(`citations.${i}.source`, `unknown source "${c.source}": cite a source id of the evidence (evidence/sources.csv) or add it under new_sources with its full reference`);
        }
      });
      for (const s of input.new_sources ?? []) {
        const made = await tx.query('INSERT INTO team_sources (id, reference, url, added_by) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING id', [s.id, s.reference, s.url ?? null, actor.id]);
        if (made.length) await audit(tx, actor, 'create', 'source', s.id, null, s, input.reason);
      }
      const citations = JSON.stringify(input.citations.map((c) => ({ source: c.source, locator: c.locator ?? '' })));
      const current = async () => {
        const [r] = await tx.query(`${RATING_SELECT} WHERE t.round_id = $1 AND t.account_id = $2 AND t.judgment = $3 AND t.ally = $4`, [roundId, actor.id, judgment, ally]);
        return r ? ratingOf(r) : null;
      };
      if (input.version === undefined) {
        const made = await tx.query(
          `INSERT INTO team_ratings (round_id, account_id, judgment, ally, value, low, high, rationale, citations)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (round_id, account_id, judgment, ally) DO NOTHING RETURNING *`,
          [roundId, actor.id, judgment, ally, input.value, input.low, input.high, input.rationale, citations],
        );
        if (!made.length) {
          const now = await current();
          throw conflict(`version: you have rated ${judgment} / ${ally} in round ${roundId} already (version ${now?.version}); send that version to revise it`, now);
        }
        const rating = ratingOf({ ...made[0], rater: actor.name });
        await audit(tx, actor, 'create', 'rating', String(rating.id), null, rating, input.reason);
        return { rating, created: true };
      }
      const before = await current();
      if (!before) throw missing(`your rating of ${judgment} / ${ally} in round ${roundId}`, 'version');
      const updated = await tx.query(
        `UPDATE team_ratings SET value = $2, low = $3, high = $4, rationale = $5, citations = $6, version = version + 1, updated_at = now()
          WHERE id = $1 AND version = $7 RETURNING *`,
        [before.id, input.value, input.low, input.high, input.rationale, citations, input.version],
      );
      if (!updated.length) {
        const now = await current();
        throw conflict(`version: your rating of ${judgment} / ${ally} is at version ${now?.version}, not ${input.version}; reload it and apply your change again`, now);
      }
      const rating = ratingOf({ ...updated[0], rater: actor.name });
      await audit(tx, actor, 'update', 'rating', String(rating.id), before, rating, input.reason);
      return { rating, created: false };
    });
  }

  /**
   * `putRating` in one statement, for the hot path: the round's row locked (FOR SHARE) and checked
   * open with the item in it, the rating inserted (no version) or its current row locked and
   * updated when at the version given, and the audit row (before and after as `ratingOf` gives
   * them) inserted, all in the statement's own transaction. Null when it wrote nothing; the
   * caller's transaction then finds out why (the same checks, with their messages).
   */
  private async putRatingAtOnce(actor: Actor, roundId: number, judgment: string, ally: string, input: RatingInput, verify: string | null): Promise<{ rating: Rating; created: boolean } | null> {
    const citations = JSON.stringify(input.citations.map((c) => ({ source: c.source, locator: c.locator ?? '' })));
    const common = [roundId, actor.id, judgment, ally, input.value, input.low, input.high, input.rationale, citations, actor.name, input.reason ?? null];
    const rows = input.version === undefined
      ? await this.db.query(PUT_RATING_FIRST, [...common, verify], 'team_put_rating_first_v2')
      : await this.db.query(PUT_RATING_REVISE, [...common, input.version, verify], 'team_put_rating_revise_v2');
    return rows.length ? { rating: ratingOf({ ...rows[0], rater: actor.name }), created: input.version === undefined } : null;
  }

  async ratingsOf(actor: Actor, roundId: number): Promise<Rating[]> {
    await this.round(roundId);
    return (await this.db.query(`${RATING_SELECT} WHERE t.round_id = $1 AND t.account_id = $2 ORDER BY t.judgment, t.ally`, [roundId, actor.id])).map(ratingOf);
  }

  /**
   * The distribution of a round's ratings per item. An analyst sees an item's distribution
   * only once they have rated it, anonymized (no names; the others' values and rationales);
   * editors see every item, with names.
   */
  async distribution(actor: Actor, roundId: number): Promise<{ round: Round; items: DistributionItem[] }> {
    const round = await this.round(roundId);
    const ratings = (await this.db.query(`${RATING_SELECT} WHERE t.round_id = $1 ORDER BY t.value, t.id`, [roundId])).map(ratingOf);
    const named = roleAtLeast(actor.role, 'editor');
    const items: DistributionItem[] = round.items.map((item) => {
      const mine = ratings.filter((r) => r.judgment === item.judgment && r.ally === item.ally);
      const own = mine.find((r) => r.rater === actor.name) ?? null;
      const visible = named || own !== null;
      const values = mine.map((r) => r.value);
      return {
        judgment: item.judgment, ally: item.ally, n: mine.length, visible,
        ...(visible && mine.length ? { median: median(values), min: Math.min(...values), max: Math.max(...values) } : { median: null, min: null, max: null }),
        your_rating: own ? { value: own.value, low: own.low, high: own.high } : null,
        ratings: !visible ? [] : mine.filter((r) => named || r !== own).map((r, i) => ({
          rater: named ? r.rater : `rater ${i + 1}`, value: r.value, low: r.low, high: r.high, rationale: r.rationale, citations: r.citations,
        })),
      };
    });
    return { round, items };
  }

  /** Who has rated what in a round, and who has not yet (editors). */
  async progress(roundId: number): Promise<{ round: Round; analysts: number; items: { judgment: string; ally: string; rated_by: string[]; pending: string[] }[] }> {
    const round = await this.round(roundId);
    const raters = (await this.db.query<{ name: string }>('SELECT name FROM team_accounts WHERE role IN (\'analyst\', \'editor\') AND NOT disabled ORDER BY name')).map((r) => r.name);
    const ratings = (await this.db.query(`${RATING_SELECT} WHERE t.round_id = $1`, [roundId])).map(ratingOf);
    return {
      round, analysts: raters.length,
      items: round.items.map((item) => {
        const by = ratings.filter((r) => r.judgment === item.judgment && r.ally === item.ally).map((r) => r.rater).sort();
        return { judgment: item.judgment, ally: item.ally, rated_by: by, pending: raters.filter((n) => !by.includes(n)) };
      }),
    };
  }

  // ── judgment sets ──

  async currentSet(): Promise<JudgmentSet | null> {
    const [r] = await this.db.query(`${SET_SELECT} ORDER BY s.version DESC LIMIT 1`);
    return r ? setOf(r) : null;
  }

  /** Read on every API request in team mode (app.ts): a prepared statement, one index probe. */
  async currentSetVersion(): Promise<number | null> {
    const [r] = await this.db.query<{ v: unknown }>('SELECT max(version) AS v FROM team_judgment_sets', [], 'team_current_set_version_v1');
    return r?.v === null || r?.v === undefined ? null : num(r.v);
  }

  async set(version: number): Promise<JudgmentSet> {
    const [r] = await this.db.query(`${SET_SELECT} WHERE s.version = $1`, [version]);
    if (!r) throw missing(`judgment set v${version}`, 'version');
    return setOf(r);
  }

  async listSets(): Promise<Omit<JudgmentSet, 'entries'>[]> {
    return (await this.db.query(`SELECT s.version, s.name, s.description, s.round_id, s.aggregation, a.name AS published_by, s.published_at, NULL AS entries
      FROM team_judgment_sets s LEFT JOIN team_accounts a ON a.id = s.published_by ORDER BY s.version`)).map((r) => {
      const { entries: _e, ...rest } = setOf(r);
      return rest;
    });
  }

  /** A judgments file (already checked against the methodology) as the next set. */
  async importSet(actor: Actor, file: { name: string; description: string; judgments: readonly Judgment[] }, reason?: string): Promise<JudgmentSet> {
    return this.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE team_judgment_sets IN EXCLUSIVE MODE');
      const [r] = await tx.query<{ v: unknown }>('SELECT COALESCE(max(version), 0) AS v FROM team_judgment_sets');
      const next = num(r.v) + 1;
      const entries = entriesFromJudgments(file.judgments, next);
      await tx.query('INSERT INTO team_judgment_sets (version, name, description, published_by, entries) VALUES ($1, $2, $3, $4, $5)', [next, file.name, file.description, actor.id, JSON.stringify(entries)]);
      await audit(tx, actor, 'import', 'judgment_set', String(next), null, { version: next, name: file.name, entries: entries.length }, reason);
      return setOf((await tx.query(`${SET_SELECT} WHERE s.version = $1`, [next]))[0]);
    });
  }

  /** A push of the evidence and ledgers into a PostgreSQL schema (`db push` from the team server), in the audit trail. */
  async recordPush(actor: Actor, schema: string, after: Record<string, unknown>, reason?: string): Promise<void> {
    await this.db.transaction((tx) => audit(tx, actor, 'push', 'database', schema, null, after, reason));
  }

  // ── audit ──

  async auditLog(filter: { entity?: string; entity_id?: string; before?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    const rows = await this.db.query(
      `SELECT * FROM team_audit WHERE ($1::text IS NULL OR entity = $1) AND ($2::text IS NULL OR entity_id = $2) AND ($3::bigint IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $4`,
      [filter.entity ?? null, filter.entity_id ?? null, filter.before ?? null, Math.min(filter.limit ?? 100, 1000)],
    );
    return rows.map((r) => ({ id: num(r.id), at: iso(r.at), actor: String(r.actor), action: String(r.action), entity: String(r.entity), entity_id: String(r.entity_id), before: r.before ?? null, after: r.after ?? null, reason: r.reason === null ? null : String(r.reason) }));
  }
}

export interface DistributionItem {
  judgment: string;
  ally: string;
  n: number;
  /** False until the caller has rated the item (analysts): the others' ratings stay hidden. */
  visible: boolean;
  median: number | null;
  min: number | null;
  max: number | null;
  your_rating: { value: number; low: number; high: number } | null;
  ratings: { rater: string; value: number; low: number; high: number; rationale: string; citations: Citation[] }[];
}

async function audit(tx: Sql, actor: Actor | null, action: string, entity: string, entityId: string, before: unknown, after: unknown, reason?: string): Promise<void> {
  await tx.query('INSERT INTO team_audit (actor_id, actor, action, entity, entity_id, before, after, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
    actor?.id ?? null, actor?.name ?? 'command line', action, entity, entityId,
    before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after), reason ?? null,
  ]);
}
