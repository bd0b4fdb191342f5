#!/usr/bin/env bash
# Make sure the PostgreSQL used by the tests answers; start the local cluster if it is down.
# Under CI (CI set) or with DBMIS_REQUIRE_POSTGRES=1 a PostgreSQL that cannot be started is an
# error: the PostgreSQL tests must run, not skip.
set -uo pipefail
URL="${DBMIS_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"
required=0
if [[ -n "${CI:-}" || "${DBMIS_REQUIRE_POSTGRES:-0}" == "1" ]]; then required=1; fi

answers() { pg_isready -q -d "$URL" 2>/dev/null; }

if answers; then echo "postgres: up ($URL)"; exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "postgres: down; starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do answers && { echo "postgres: up"; exit 0; }; sleep 1; done
fi
if [[ $required == 1 ]]; then
  echo "postgres: cannot reach $URL and could not start it; the PostgreSQL tests must run" >&2
  exit 1
fi
echo "postgres: not available; PostgreSQL tests will be skipped (set DBMIS_REQUIRE_POSTGRES=1 to fail instead)"
