// The live exercises' tables on the team database: migrations numbered 3, 5, 7, ...
// A session (one play of an exercise file), its seats, its join codes (kept only as hashes),
// the injects released, the decisions with their versions, adjudications and hot-wash tags,
// the channels' messages, and the event log: a strictly increasing seq per session (the
// session row's `seq`, advanced under its row lock), which the event stream replays.
import type { Migration } from '../../team/migrations.ts';

export const EXERCISE_MIGRATIONS: readonly Migration[] = [
  {
    version: 3,
    name: 'live exercises: sessions, seats, join codes, injects, decisions, messages, events',
    sql: `
      CREATE TABLE team_exercise_sessions (
        id bigserial PRIMARY KEY,
        exercise text NOT NULL,
        title text NOT NULL,
        branch text NOT NULL,
        status text NOT NULL CHECK (status IN ('lobby', 'running', 'ended')),
        move_index integer,
        facilitator_id bigint NOT NULL REFERENCES team_accounts(id),
        set_version integer,
        version integer NOT NULL DEFAULT 1,
        seq bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE team_exercise_join_codes (
        session_id bigint NOT NULL REFERENCES team_exercise_sessions(id),
        team text NOT NULL,
        code_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, team)
      );
      CREATE TABLE team_exercise_seats (
        session_id bigint NOT NULL REFERENCES team_exercise_sessions(id),
        account_id bigint NOT NULL REFERENCES team_accounts(id),
        team text NOT NULL,
        seated_by bigint REFERENCES team_accounts(id),
        via text NOT NULL CHECK (via IN ('facilitator', 'code')),
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, account_id)
      );
      CREATE TABLE team_exercise_injects (
        session_id bigint NOT NULL REFERENCES team_exercise_sessions(id),
        inject text NOT NULL,
        released_by bigint NOT NULL REFERENCES team_accounts(id),
        released_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, inject)
      );
      CREATE TABLE team_exercise_decisions (
        session_id bigint NOT NULL REFERENCES team_exercise_sessions(id),
        decision text NOT NULL,
        move text NOT NULL,
        team text NOT NULL,
        option text NOT NULL,
        rationale text NOT NULL,
        submitted_by bigint NOT NULL REFERENCES team_accounts(id),
        submitted_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        ruling text CHECK (ruling IN ('accept', 'amend', 'overrule')),
        ruling_option text,
        ruling_note text,
        ruled_by bigint REFERENCES team_accounts(id),
        ruled_at timestamptz,
        issues jsonb NOT NULL DEFAULT '[]',
        PRIMARY KEY (session_id, decision)
      );
      CREATE TABLE team_exercise_messages (
        id bigserial PRIMARY KEY,
        session_id bigint NOT NULL REFERENCES team_exercise_sessions(id),
        seq bigint NOT NULL,
        channel text NOT NULL,
        from_id bigint NOT NULL REFERENCES team_accounts(id),
        text text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX team_exercise_messages_session ON team_exercise_messages (session_id, seq);
      CREATE TABLE team_exercise_events (
        session_id bigint NOT NULL REFERENCES team_exercise_sessions(id),
        seq bigint NOT NULL,
        kind text NOT NULL,
        team text,
        move text,
        audience jsonb,
        decision text,
        version integer,
        summary text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        at_ms bigint NOT NULL,
        PRIMARY KEY (session_id, seq)
      );
    `,
  },
];
