#!/usr/bin/env bash
# `make up`: run the whole platform on this machine under supervisord.
# Safe to run twice: a running platform is left as it is. `make down` stops it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
load_env_file

export PLYNX_HOST="${PLYNX_HOST:-127.0.0.1}"
export PLYNX_PORT="${PLYNX_PORT:-8000}"
export PLYNX_FLOWER_PORT="${PLYNX_FLOWER_PORT:-5555}"
export PLYNX_WORKER_CONCURRENCY="${PLYNX_WORKER_CONCURRENCY:-4}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
case "$PLYNX_HOST" in
    *:*) export PLYNX_BIND="[$PLYNX_HOST]:$PLYNX_PORT" ;;
    *) export PLYNX_BIND="$PLYNX_HOST:$PLYNX_PORT" ;;
esac
mkdir -p var/run var/log

if supervisor_running; then
    say "PLynx is already running (make down stops it):"
    "$VENV/bin/supervisorctl" -c "$SUPERVISOR_CONF" status | grep -v "Not started" || true
    exit 0
fi

# The web app (frontend/) is built when it is missing or older than its sources, if npm is here;
# the web server reads the build when it starts, so this comes first.
frontend_stale() {
    [ ! -f frontend/dist/index.html ] && return 0
    [ -n "$(find frontend/src frontend/public frontend/index.html frontend/package.json frontend/package-lock.json \
        frontend/vite.config.ts frontend/tsconfig.json frontend/tsconfig.app.json \
        -newer frontend/dist/index.html -print -quit 2>/dev/null)" ]
}
if frontend_stale; then
    if command -v npm >/dev/null 2>&1; then
        say "building the web app (log in var/log/frontend-build.log)"
        # npm ci only when the installed packages are not those package-lock.json pins.
        if ! (
            cd frontend \
                && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } \
                && npm run build
        ) >var/log/frontend-build.log 2>&1; then
            tail -n 20 var/log/frontend-build.log >&2 || true
            say "warning: the web app could not be built (Node.js 20.19+ is needed); the APIs and the admin work without it"
        fi
    elif [ -f frontend/dist/index.html ]; then
        say "npm not found: serving the existing build of the web app, older than its sources"
    else
        say "npm not found: the web app is not built (install Node.js 20.19+ and npm, then make down; make up)"
    fi
fi

say "checking the configuration"
"$VENV/bin/python" manage.py check --fail-level ERROR >/dev/null

check_host="$PLYNX_HOST"
case "$check_host" in 0.0.0.0) check_host=127.0.0.1 ;; ::) check_host=::1 ;; esac
for port in "$PLYNX_PORT" "$PLYNX_FLOWER_PORT"; do
    if port_open "$check_host" "$port"; then
        die "port $port is already in use; stop what uses it or choose another with PLYNX_PORT / PLYNX_FLOWER_PORT"
    fi
done

# Redis: use the one REDIS_URL names; start a local one only if that is local and silent.
redis_host_port="$("$VENV/bin/python" - <<'PY'
import os
from urllib.parse import urlsplit
url = urlsplit(os.environ["REDIS_URL"])
print(url.scheme, url.hostname or "", url.port or 6379)
PY
)"
read -r redis_scheme redis_host redis_port <<<"$redis_host_port"
export PLYNX_START_REDIS=false
if [ "$redis_scheme" = "unix" ] || port_open "$redis_host" "$redis_port"; then
    say "using Redis at $REDIS_URL"
else
    case "$redis_host" in
        127.0.0.1|localhost|::1) ;;
        *) die "Redis at $REDIS_URL does not answer" ;;
    esac
    command -v redis-server >/dev/null 2>&1 || apt_install redis-server "no Redis answers at $REDIS_URL"
    say "Redis will be started on 127.0.0.1:$redis_port"
    PLYNX_START_REDIS=true
fi
export PLYNX_REDIS_PORT="$redis_port"

say "migrating the database"
"$VENV/bin/python" manage.py migrate --noinput >/dev/null
"$VENV/bin/python" manage.py collectstatic --noinput >/dev/null
"$VENV/bin/python" manage.py default_user

say "starting supervisord (logs in var/log/)"
"$VENV/bin/supervisord" -c "$SUPERVISOR_CONF"

url="http://$check_host:$PLYNX_PORT"
case "$check_host" in *:*) url="http://[$check_host]:$PLYNX_PORT" ;; esac
say "waiting for $url/health"
for _ in $(seq 1 60); do
    if "$VENV/bin/python" -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('$url/health', timeout=2).status != 200)" 2>/dev/null \
        && port_open 127.0.0.1 "$PLYNX_FLOWER_PORT"; then
        "$VENV/bin/supervisorctl" -c "$SUPERVISOR_CONF" status | grep -v "Not started" || true
        cat <<MSG

PLynx is up.
  Web:    $url/
  Admin:  $url/admin/
  Flower: http://127.0.0.1:$PLYNX_FLOWER_PORT/
  Logs:   var/log/
Stop it with: make down
MSG
        exit 0
    fi
    sleep 1
done
"$VENV/bin/supervisorctl" -c "$SUPERVISOR_CONF" status || true
tail -n 30 var/log/web.log >&2 || true
die "the web server did not become healthy within 60 seconds (see var/log/)"
