# Shared helpers of the local scripts (sourced, not run).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
SUPERVISOR_CONF="$ROOT/compose/local/supervisord.conf"

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Read a .env file at the top of the checkout, if any (same syntax as compose/.env.example).
load_env_file() {
    if [ -f "$ROOT/.env" ]; then
        set -a
        # shellcheck disable=SC1091
        . "$ROOT/.env"
        set +a
    fi
}

# port_open HOST PORT: whether something accepts TCP connections there.
port_open() {
    "$PYTHON_FOR_CHECKS" - "$1" "$2" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
except OSError:
    sys.exit(1)
PY
}

PYTHON_FOR_CHECKS="${PYTHON:-python3}"
if [ -x "$VENV/bin/python" ]; then PYTHON_FOR_CHECKS="$VENV/bin/python"; fi

# Install a Debian package when we are allowed to (root with apt-get), else explain.
apt_install() {
    local package="$1" why="$2"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing $package ($why)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package" >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package" >/dev/null; } \
            || die "could not install $package; install it yourself ($why)"
    else
        die "$why: install the '$package' package (for example: sudo apt-get install $package)"
    fi
}

supervisor_running() {
    [ -S "$ROOT/var/run/supervisor.sock" ] && "$VENV/bin/supervisorctl" -c "$SUPERVISOR_CONF" pid >/dev/null 2>&1
}
