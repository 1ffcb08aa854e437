// The team library's tables (methodologies and scenarios of the team): migrations numbered 2, 4, 6, ...
// Each record is a YAML text the project's own checkers accepted (src/team/library.ts), with a
// version for optimistic concurrency; every write is in team_audit, in the same transaction.
import type { Migration } from './migrations.ts';

export const LIBRARY_MIGRATIONS: readonly Migration[] = [
  {
    version: 2,
    name: 'the team library: methodologies and scenarios',
    sql: `
      CREATE TABLE team_methodologies (
        name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,79}$'),
        title text NOT NULL,
        yaml text NOT NULL,
        summary jsonb NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1,
        author_id bigint REFERENCES team_accounts(id),
        updated_by bigint REFERENCES team_accounts(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE team_scenarios (
        name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,79}$'),
        title text NOT NULL,
        yaml text NOT NULL,
        summary jsonb NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1,
        author_id bigint REFERENCES team_accounts(id),
        updated_by bigint REFERENCES team_accounts(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];
