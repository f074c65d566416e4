"""Real Celery workers (and beat) on real Redis for execution tests.

Workers are separate processes started with ``celery -A plynx_site worker``; they share the
test database (pytest-django's, so tests use ``transactional_db``), a Redis database of their
own and an artifact directory with the test process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.cli import ROOT, test_database_url

# Short timings so fault tests finish in seconds; production defaults are in plynx_site.conf.
LIVE_TIMINGS = {
    "PLYNX_NODE_LEASE_SECONDS": "4",
    "PLYNX_REQUEUE_AFTER_SECONDS": "3",
    "PLYNX_SWEEP_INTERVAL_SECONDS": "1",
}


def live_environment(storage_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of worker processes: the test database, broker and storage."""
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url() if connection.vendor == "postgresql" else os.environ["DATABASE_URL"],
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "PLYNX_STORAGE_URL": str(storage_dir),
        "PYTHONUNBUFFERED": "1",
        **LIVE_TIMINGS,
        **extra,
    }
    env.pop("PLYNX_SECRET_KEY", None)
    return env


@dataclass
class Process:
    """A started worker or beat process (its own process group)."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    children: list[int] = field(default_factory=list)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill9(self) -> None:
        """SIGKILL the whole process group at once: the worker and its pool, as a machine loss would."""
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        with suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)


def _start(args: list[str], env: dict[str, str], log: Path, name: str) -> Process:
    handle = log.open("wb")
    popen = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "plynx_site", *args],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    handle.close()
    return Process(name=name, popen=popen, log=log)


def wait_until(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.05, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")


@contextmanager
def worker(
    env: dict[str, str], log_dir: Path, *, concurrency: int = 2, queues: list[str] | None = None, name: str = ""
) -> Iterator[Process]:
    """A running ``celery worker``; stopped (and its process group killed) on exit."""
    name = name or f"w{uuid.uuid4().hex[:8]}"
    args = [
        "worker",
        "-n",
        f"{name}@%h",
        "-c",
        str(concurrency),
        "-P",
        "prefork",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    ]
    if queues:
        args += ["-Q", ",".join(queues)]
    process = _start(args, env, log_dir / f"{name}.log", name)
    try:
        wait_until(
            lambda: "ready." in process.output() or process.popen.poll() is not None, timeout=60, what="worker ready"
        )
        if process.popen.poll() is not None:
            raise AssertionError(f"worker {name} exited:\n{process.output()}")
        yield process
    finally:
        process.stop()


@contextmanager
def beat(env: dict[str, str], log_dir: Path) -> Iterator[Process]:
    """A running ``celery beat`` (the sweeper's clock)."""
    schedule = log_dir / f"beat-{uuid.uuid4().hex[:8]}"
    process = _start(["beat", "--schedule", str(schedule), "--loglevel", "INFO"], env, log_dir / "beat.log", "beat")
    try:
        wait_until(
            lambda: "beat: Starting" in process.output() or process.popen.poll() is not None, timeout=30, what="beat"
        )
        yield process
    finally:
        process.stop()
