// The team database's schema, as numbered migrations applied in order at start, each in its
// own transaction and recorded in team_migrations. Two processes starting at once take an
// advisory lock, so each migration runs once. Never edit a published migration: add one.
import type { Db } from './db.ts';
import { LIBRARY_MIGRATIONS } from './library-migrations.ts';
import { EXERCISE_MIGRATIONS } from '../exercises/live/migrations.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const CORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, sessions, tokens, rounds, ratings, judgment sets, audit',
    sql: `
      CREATE TABLE team_accounts (
        id bigserial PRIMARY KEY,
        name text NOT NULL UNIQUE,
        role text NOT NULL CHECK (role IN ('viewer', 'analyst', 'editor', 'admin')),
        password_hash text NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE team_sessions (
        token_hash text PRIMARY KEY,
        account_id bigint NOT NULL REFERENCES team_accounts(id) ON DELETE CASCADE,
        csrf_token text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE TABLE team_tokens (
        id bigserial PRIMARY KEY,
        account_id bigint NOT NULL REFERENCES team_accounts(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        label text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );
      CREATE TABLE team_signin_failures (
        key text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX team_signin_failures_key ON team_signin_failures (key, at);
      CREATE TABLE team_sources (
        id text PRIMARY KEY,
        reference text NOT NULL,
        url text,
        added_by bigint REFERENCES team_accounts(id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE team_rounds (
        id bigserial PRIMARY KEY,
        number integer NOT NULL,
        previous_round bigint REFERENCES team_rounds(id),
        title text NOT NULL,
        items jsonb NOT NULL,
        aggregation text NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'closed', 'published')),
        version integer NOT NULL DEFAULT 1,
        opened_by bigint NOT NULL REFERENCES team_accounts(id),
        opened_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        published_set integer
      );
      CREATE TABLE team_ratings (
        id bigserial PRIMARY KEY,
        round_id bigint NOT NULL REFERENCES team_rounds(id),
        account_id bigint NOT NULL REFERENCES team_accounts(id),
        judgment text NOT NULL,
        ally text NOT NULL,
        value double precision NOT NULL,
        low double precision NOT NULL,
        high double precision NOT NULL,
        rationale text NOT NULL,
        citations jsonb NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (round_id, account_id, judgment, ally)
      );
      CREATE INDEX team_ratings_item ON team_ratings (round_id, judgment, ally);
      CREATE TABLE team_judgment_sets (
        version integer PRIMARY KEY,
        name text NOT NULL,
        description text NOT NULL,
        round_id bigint REFERENCES team_rounds(id),
        aggregation text,
        published_by bigint REFERENCES team_accounts(id),
        published_at timestamptz NOT NULL DEFAULT now(),
        entries jsonb NOT NULL
      );
      CREATE TABLE team_audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id bigint,
        actor text NOT NULL,
        action text NOT NULL,
        entity text NOT NULL,
        entity_id text NOT NULL,
        before jsonb,
        after jsonb,
        reason text
      );
      CREATE INDEX team_audit_entity ON team_audit (entity, entity_id);
      -- The audit trail is append-only: the database itself refuses to change or delete a row.
      CREATE FUNCTION team_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
      CREATE TRIGGER team_audit_no_change BEFORE UPDATE OR DELETE ON team_audit
        FOR EACH ROW EXECUTE FUNCTION team_audit_append_only();
    `,
  },
];

/**
 * Every migration in version order: the core (1), the team library's (even numbers from 2) and
 * the live exercises' (odd numbers from 3), each family in a file of its own.
 */
export const MIGRATIONS: readonly Migration[] = [...CORE_MIGRATIONS, ...LIBRARY_MIGRATIONS, ...EXERCISE_MIGRATIONS].sort((a, b) => a.version - b.version);

// pg_advisory_xact_lock key: "alliance ledger team" folded to an int.
const MIGRATION_LOCK = 7_114_920_261;

/** Apply the migrations not yet applied; returns the versions applied now. */
export async function migrate(db: Db): Promise<number[]> {
  const applied: number[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE TABLE IF NOT EXISTS team_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM team_migrations')).map((r) => Number(r.version)));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO team_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
  });
  return applied;
}
