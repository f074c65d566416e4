"""Cancel, lost workers and a lost broker, with real worker, beat and Redis processes."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import kombu.pools
import pytest
from django.conf import settings
from django.utils import timezone

from apps.graphs.choices import GraphRunningStatus, NodeRunningStatus
from apps.graphs.models import NodeRun, NodeRunAttempt
from apps.graphs.services import run_cancel, run_create
from plynx_site.celery import app as celery_app
from tests.factories import UserFactory
from tests.graphs.workflows import bash, inp, link, node_run, out, wait_for_run, workflow
from tests.live import beat, live_environment, wait_until, worker

S = NodeRunningStatus


def sleeping(marker: str) -> bool:
    return subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode == 0


def test_cancel_stops_a_running_node_within_five_seconds(live_env: dict[str, str], tmp_path: Path) -> None:
    author = UserFactory()
    long = bash("long", "sleep 600.5 & sleep 600.5; echo never > {{ outputs.out }}", outputs=[out("out")])
    after = bash("after", "cat {{ inputs.in }}", inputs=[inp("in", link(long, "out"))])
    queued = bash("queued", "sleep 600.5", outputs=[out("out")])
    with worker(live_env, tmp_path, concurrency=1):
        run = run_create(workflow=workflow(author, long, after, queued), author=author)
        wait_until(lambda: NodeRun.objects.filter(run=run, status=S.RUNNING).exists(), timeout=20, what="running")
        wait_until(lambda: sleeping("sleep 600.5"), timeout=10, what="the sleep")
        asked = time.monotonic()
        run_cancel(run=run)
        run = wait_for_run(run, timeout=10)
        took = time.monotonic() - asked
    assert run.status == GraphRunningStatus.CANCELED
    assert took < 5
    assert set(run.node_runs.values_list("status", flat=True)) == {S.CANCELED}
    assert not sleeping("sleep 600.5")
    assert run.finished_at is not None


def test_cancel_works_with_no_worker_online(live_env: dict[str, str]) -> None:
    author = UserFactory()
    first = bash("first", "echo 1 > {{ outputs.out }}", outputs=[out("out")])
    second = bash("second", "cat {{ inputs.in }}", inputs=[inp("in", link(first, "out"))])
    run = run_create(workflow=workflow(author, first, second), author=author)
    assert node_run(run, first).status == S.IN_QUEUE
    run = run_cancel(run=run)
    run.refresh_from_db()
    assert run.status == GraphRunningStatus.CANCELED
    assert set(run.node_runs.values_list("status", flat=True)) == {S.CANCELED}
    # A worker that starts later refuses the revoked (or still queued) message of the canceled run.
    assert run_cancel(run=run).status == GraphRunningStatus.CANCELED


def test_a_killed_worker_loses_no_node(live_env: dict[str, str], tmp_path: Path) -> None:
    author = UserFactory()
    slow = bash("slow", "sleep 3; echo done > {{ outputs.out }}", outputs=[out("out")])
    after = bash(
        "after", "cat {{ inputs.in }} > {{ outputs.out }}", inputs=[inp("in", link(slow, "out"))], outputs=[out("out")]
    )
    with beat(live_env, tmp_path):
        with worker(live_env, tmp_path, concurrency=1, name="doomed") as doomed:
            run = run_create(workflow=workflow(author, slow, after), author=author)
            wait_until(lambda: node_run(run, slow).status == S.RUNNING, timeout=20, what="running on the doomed worker")
            assert node_run(run, slow).worker_id.startswith("doomed@")
            doomed.kill9()
        with worker(live_env, tmp_path, concurrency=1, name="rescuer"):
            run = wait_for_run(run, timeout=60)
    assert run.status == GraphRunningStatus.SUCCESS
    attempts = list(
        NodeRunAttempt.objects.filter(node_run=node_run(run, slow)).values_list("attempt", "outcome", "worker_id")
    )
    assert [(a, o) for a, o, _ in attempts] == [(1, "LOST"), (2, "SUCCESS")]
    assert attempts[0][2].startswith("doomed@")
    assert attempts[1][2].startswith("rescuer@")
    for row in run.node_runs.all():
        assert NodeRunAttempt.objects.filter(node_run=row, outcome="SUCCESS").count() == 1
    assert node_run(run, slow).status == S.SUCCESS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _redis_server(port: int, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(log),
        ]
    )
    wait_until(lambda: _answers(port), timeout=10, what="redis")
    return process


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


@pytest.fixture
def own_redis(tmp_path: Path, settings) -> Iterator[tuple[int, list[subprocess.Popen[bytes]]]]:  # type: ignore[no-untyped-def]
    """A Redis server of this test's own (so it can be restarted), used as this process's broker too."""
    port = _free_port()
    servers = [_redis_server(port, tmp_path / "redis.log")]
    url = f"redis://127.0.0.1:{port}/0"
    previous = celery_app.conf.broker_url
    settings.CELERY_BROKER_URL = url
    _use_broker(url)
    try:
        yield port, servers
    finally:
        for server in servers:
            server.kill()
            server.wait()
        _use_broker(previous)


def _use_broker(url: str) -> None:
    """Point this process's Celery app at another broker (its connection and producer pools too)."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.mark.usefixtures("transactional_db")
def test_nodes_queued_when_redis_restarts_still_run(
    own_redis: tuple[int, list[subprocess.Popen[bytes]]], storage_dir: Path, tmp_path: Path
) -> None:
    port, servers = own_redis
    env = live_environment(storage_dir, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    author = UserFactory()
    busy = bash("busy", "sleep 4; echo busy > {{ outputs.out }}", outputs=[out("out")])
    waiting = [
        bash(f"waiting {i}", "echo {{ params.cmd | length }} > {{ outputs.out }}", outputs=[out("out")])
        for i in range(3)
    ]
    with beat(env, tmp_path), worker(env, tmp_path, concurrency=1, name="steady"):
        run = run_create(workflow=workflow(author, busy, *waiting), author=author)
        wait_until(
            lambda: NodeRun.objects.filter(run=run, status=S.RUNNING).exists(), timeout=20, what="a running node"
        )
        queued = NodeRun.objects.filter(run=run, status=S.IN_QUEUE).count()
        assert queued >= 2
        # Redis restarts without persistence: every queued message is gone.
        servers[0].kill()
        servers[0].wait()
        servers.append(_redis_server(port, tmp_path / "redis-again.log"))
        lost_at = timezone.now()
        run = wait_for_run(run, timeout=90)
    assert run.status == GraphRunningStatus.SUCCESS
    assert set(run.node_runs.values_list("status", flat=True)) == {S.SUCCESS}
    for row in run.node_runs.all():
        assert NodeRunAttempt.objects.filter(node_run=row, outcome="SUCCESS").count() == 1
    assert run.finished_at > lost_at
    assert settings.PLYNX_REQUEUE_AFTER_SECONDS > 0


def test_a_redelivered_message_never_runs_a_node_twice(live_env: dict[str, str], tmp_path: Path) -> None:
    from apps.graphs.services.dispatch import EXECUTE_NODE_TASK

    author = UserFactory()
    once = bash("once", "echo ran >> /dev/null; date +%s%N > {{ outputs.out }}", outputs=[out("out")], cacheable=False)
    with worker(live_env, tmp_path, concurrency=2):
        run = wait_for_run(run_create(workflow=workflow(author, once), author=author))
        row = node_run(run, once)
        finished_at, outputs = row.finished_at, row.outputs
        # The same message again, twice (a broker redelivery, a duplicate publish).
        for _ in range(2):
            celery_app.send_task(EXECUTE_NODE_TASK, args=(row.pk, row.attempt), queue="plynx.bash_jinja2")
        wait_until(lambda: worker_log_mentions(tmp_path, "nothing to claim", 2), timeout=20, what="both refused")
    row.refresh_from_db()
    assert (row.status, row.finished_at, row.outputs) == (S.SUCCESS, finished_at, outputs)
    assert list(NodeRunAttempt.objects.filter(node_run=row).values_list("attempt", "outcome")) == [(1, "SUCCESS")]


def worker_log_mentions(directory: Path, text: str, times: int) -> bool:
    return sum(path.read_text(errors="replace").count(text) for path in directory.glob("w*.log")) >= times
