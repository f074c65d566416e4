"""The real platform on free ports for the browser suite and the editor benchmark.

    .venv/bin/python tests/e2e_stack.py -- COMMAND [ARG...]

Creates a fresh PostgreSQL database (``E2E_DATABASE_URL``, default the local ``plynx_e2e``,
dropped and migrated anew on every start), empties its own Redis database (``E2E_REDIS_URL``,
default database 5 of the local Redis), starts the web server (gunicorn serving the built web
app and the APIs, multi-user mode) and one ``celery worker`` consuming every queue, seeds users,
operations and workflows (``tests/e2e_seed.py``), then runs COMMAND with ``E2E_BASE_URL`` and
``E2E_SEED`` (a JSON file naming what was seeded) in its environment. Whatever happens (the
command fails, Ctrl-C, SIGTERM), everything it started is stopped; the exit code is COMMAND's.

Logs of the processes are in ``var/e2e/logs/``; artifacts in ``var/e2e/artifacts/``.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e_seed import seed  # noqa: E402

VAR = ROOT / "var" / "e2e"
DATABASE_URL = os.environ.get("E2E_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plynx_e2e")
REDIS_URL = os.environ.get("E2E_REDIS_URL", "redis://127.0.0.1:6379/5")
# Two processes are enough for the suite's widest workflow and leave the 2-core machine's other
# core to the browser and the web server.
WORKER_CONCURRENCY = os.environ.get("E2E_WORKER_CONCURRENCY", "2")
STARTUP_SECONDS = 60


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fresh_database(url: str) -> None:
    """Drop and create the database of ``url`` (its open connections are ended first)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def empty_redis(url: str) -> None:
    """Forget messages a previous, interrupted run left in the broker database."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


@contextmanager
def process(name: str, args: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """A process in its own group, logging to ``var/e2e/logs/NAME.log``; the group is stopped on exit."""
    log = VAR / "logs" / f"{name}.log"
    with log.open("wb") as handle:
        popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield popen
    finally:
        if popen.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(popen.pid, signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                popen.wait(timeout=20)
        # Whatever is left of the group (a pool process, a script a node started) goes too.
        with suppress(ProcessLookupError):
            os.killpg(popen.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            popen.wait(timeout=10)


def wait_for(what: str, ready: object, popen: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise SystemExit(f"{what} exited with code {popen.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        if callable(ready) and ready():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not start within {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')[-3000:]}")


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - http:// built by main()
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs=argparse.REMAINDER, help="what to run against the stack (after --)")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("name the command to run after --")
    if not (ROOT / "frontend" / "dist" / "index.html").is_file():
        raise SystemExit("the web app is not built: run `npm run build` in frontend/ (make e2e does)")
    # SIGTERM (a CI timeout, kill) ends the run as Ctrl-C does: through the clean-up below.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    # One stack at a time: a second would drop the first one's database and files under it.
    VAR.parent.mkdir(parents=True, exist_ok=True)
    lock = (VAR.parent / "e2e.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(
            "another browser-suite stack is running from this checkout (var/e2e.lock); wait for it"
        ) from None

    shutil.rmtree(VAR, ignore_errors=True)
    (VAR / "logs").mkdir(parents=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "PLYNX_STORAGE_URL": str(VAR / "artifacts"),
        # Multi-user mode: the suite logs in through the log-in page.
        "PLYNX_SECRET_KEY": secrets.token_urlsafe(48),
        # Plain HTTP on loopback, whatever the calling shell's settings say.
        "PLYNX_HTTPS": "false",
        "PLYNX_ALLOWED_HOSTS": "127.0.0.1",
        "PLYNX_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    say(f"fresh database {DATABASE_URL.rsplit('/', 1)[1]}, Redis {REDIS_URL}")
    fresh_database(DATABASE_URL)
    empty_redis(REDIS_URL)
    manage(env, "migrate", "--noinput")

    with ExitStack() as stack:
        try:
            say(f"starting the web server on {base_url} and a worker (logs in var/e2e/logs/)")
            bin_dir = Path(sys.executable).parent
            web = stack.enter_context(
                process(
                    "web",
                    [
                        str(bin_dir / "gunicorn"),
                        "plynx_site.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "2",
                        "--threads",
                        "4",
                        "--timeout",
                        "120",
                        "--access-logfile",
                        "-",
                    ],
                    env,
                )
            )
            worker_log = VAR / "logs" / "worker.log"
            worker = stack.enter_context(
                process(
                    "worker",
                    [
                        str(bin_dir / "celery"),
                        "-A",
                        "plynx_site",
                        "worker",
                        "--hostname",
                        "e2e@%h",
                        "--concurrency",
                        WORKER_CONCURRENCY,
                        "--without-gossip",
                        "--without-mingle",
                        "--loglevel",
                        "INFO",
                    ],
                    env,
                )
            )
            wait_for("the web server", lambda: http_ok(f"{base_url}/health"), web, VAR / "logs" / "web.log")
            wait_for("the worker", lambda: "ready." in worker_log.read_text(errors="replace"), worker, worker_log)

            say("seeding users, operations and workflows")
            seeded = seed(base_url=base_url, env=env)
            seed_file = VAR / "seed.json"
            seed_file.write_text(json.dumps(seeded, indent=2))

            say(f"running: {' '.join(command)}")
            result = subprocess.run(
                command, cwd=ROOT, env={**env, "E2E_BASE_URL": base_url, "E2E_SEED": str(seed_file)}, check=False
            )
            return result.returncode
        except KeyboardInterrupt:
            say("interrupted: stopping the stack")
            return 130
        finally:
            say("stopping the web server and the worker")


if __name__ == "__main__":
    sys.exit(main())
