#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL server for the tests, on loopback, trust auth.
#   eval "$(tools/pg-test-server.sh start)"   -> exports DEALCOACH_TEST_POSTGRES_URL and PG_TEST_DIR
#   tools/pg-test-server.sh stop "$PG_TEST_DIR"
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PORT=${PG_TEST_PORT:-54329}
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/dealcoach-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_owner "$PGBIN/initdb" -D "$dir/data" -A trust -U dealcoach -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $PORT -k $dir -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null
    echo "export PG_TEST_DIR=$dir"
    echo "export DEALCOACH_TEST_POSTGRES_URL=postgresql://dealcoach@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    dir=${2:?the directory printed by start}
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
