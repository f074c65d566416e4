#!/usr/bin/env bash
# `make down`: stop every process `make up` started (supervisord and its programs).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

if ! supervisor_running; then
    say "PLynx is not running"
    exit 0
fi
pid="$(cat var/run/supervisord.pid)"
"$VENV/bin/supervisorctl" -c "$SUPERVISOR_CONF" shutdown >/dev/null
for _ in $(seq 1 60); do
    if ! kill -0 "$pid" 2>/dev/null; then
        say "PLynx stopped"
        exit 0
    fi
    sleep 1
done
die "supervisord (pid $pid) did not stop within 60 seconds"
