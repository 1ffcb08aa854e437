#!/usr/bin/env bash
# Start Debian's PostgreSQL (15 or later) for the tests and print the URL they use.
# Used by .ci/run; on a developer machine: `export TEST_DATABASE_URL=$(bash scripts/test-postgres.sh)`.
# Creates (once) a role and a database named alliance_test with a password, reached over TCP on
# localhost, so the same URL works for the tests, `allies db push` and the team server.
set -euo pipefail
# Only the URL goes to standard output. Everything else writes to standard error:
# pg_ctlcluster prints notes ("Removed stale pid file.") on standard output, and a caller's
# $(...) would take them into the URL. (The server started here inherits standard error, not
# the caller's pipe, so $(...) returns once the URL is printed.)
start_cluster() {
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if [ -z "$version" ]; then
  echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2
  exit 1
fi
cluster=$(pg_lsclusters -h | awk -v v="$version" '$1==v {print $2; exit}')
if [ -z "$cluster" ]; then
  pg_createcluster "$version" main >/dev/null
  cluster=main
fi
port=$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $3; exit}')
status=$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $4; exit}')
if [ "$status" != online ]; then
  # A server killed a moment ago can leave processes that hold its socket lock for a second:
  # try again a few times before giving up.
  for attempt in 1 2 3 4 5; do
    pg_ctlcluster "$version" "$cluster" start && break
    [ "$attempt" = 5 ] && { echo "could not start PostgreSQL $version/$cluster: see its log above" >&2; exit 1; }
    sleep 1
  done
fi
for _ in $(seq 1 50); do
  su postgres -c "psql -p $port -tAc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.2
done
su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -q" >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'alliance_test') THEN
    CREATE ROLE alliance_test LOGIN PASSWORD 'alliance_test' CREATEDB;
  END IF;
END \$\$;
SELECT 'CREATE DATABASE alliance_test OWNER alliance_test'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'alliance_test') \gexec
SQL
}
start_cluster >&2
echo "postgres://alliance_test:alliance_test@127.0.0.1:$port/alliance_test"
