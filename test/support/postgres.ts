// A real PostgreSQL server for the tests that must run against one as well as PGlite.
// CI sets TEST_DATABASE_URL (scripts/test-postgres.sh) and ALLIES_REQUIRE_POSTGRES=1, so there a
// missing server fails the run instead of skipping; on a developer machine without one, the
// PostgreSQL variants are skipped and say why.
export const testDatabaseUrl: string | undefined = process.env.TEST_DATABASE_URL || undefined;

if (!testDatabaseUrl && process.env.ALLIES_REQUIRE_POSTGRES === '1') {
  throw new Error('ALLIES_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: run `export TEST_DATABASE_URL=$(bash scripts/test-postgres.sh)`');
}

/** True when the PostgreSQL variants of a suite should be skipped (no server configured). */
export const skipPostgres = !testDatabaseUrl;
