#!/usr/bin/env bash
# Make sure the services the tests need answer: PostgreSQL and Redis on this machine.
# Starts (and, as root with apt-get, installs) whichever is missing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PG_HOST=127.0.0.1 PG_PORT=5432 REDIS_PORT=6379
mkdir -p "$ROOT/var"

if ! port_open "$PG_HOST" "$PG_PORT"; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        apt_install postgresql "the tests need PostgreSQL on $PG_HOST:$PG_PORT"
    fi
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    say "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do port_open "$PG_HOST" "$PG_PORT" && break; sleep 1; done
    port_open "$PG_HOST" "$PG_PORT" || die "PostgreSQL did not start on $PG_HOST:$PG_PORT"
fi

if ! port_open 127.0.0.1 "$REDIS_PORT"; then
    command -v redis-server >/dev/null 2>&1 || apt_install redis-server "the tests need Redis on 127.0.0.1:$REDIS_PORT"
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
        --logfile "$ROOT/var/redis-test.log"
    for _ in $(seq 1 30); do port_open 127.0.0.1 "$REDIS_PORT" && break; sleep 1; done
    port_open 127.0.0.1 "$REDIS_PORT" || die "Redis did not start on 127.0.0.1:$REDIS_PORT"
fi
