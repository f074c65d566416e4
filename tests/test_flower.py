"""Flower, as `make up` and the deployments run it, sees the workers and the node tasks they ran.

A real worker and a real Flower process on free ports watch the test broker; a run made through
the service layer sends a node task, and Flower's HTTP API (behind basic authentication, as in
production) must report the worker and the finished task under a name and arguments that say
which run and which node it was.
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.graphs.choices import GraphRunningStatus
from apps.graphs.services import run_create
from apps.graphs.services.dispatch import task_id_for
from plynx_site.queues import Queue
from tests.factories import UserFactory
from tests.graphs.conftest import celery_worker, clean_broker, live_env, storage_dir  # noqa: F401 - fixtures
from tests.graphs.workflows import bash, node_run, out, wait_for_run, workflow
from tests.live import Process, wait_until
from tests.live import _start as start_celery

FLOWER_USER = "flower"
FLOWER_PASSWORD = "watch-the-workers"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Flower:
    """A running ``celery flower`` and a small client of its HTTP API."""

    def __init__(self, process: Process, port: int) -> None:
        self.process = process
        self.port = port

    def get(self, path: str, *, auth: bool = True) -> tuple[int, Any]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        if auth:
            token = base64.b64encode(f"{FLOWER_USER}:{FLOWER_PASSWORD}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http:// built above
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def healthcheck_ok(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthcheck", timeout=2) as response:
                return response.status == 200 and response.read() == b"OK"
        except OSError:
            return False


@pytest.fixture
def flower(live_env: dict[str, str], tmp_path: Path) -> Iterator[Flower]:  # noqa: F811 - the imported fixture
    """Flower started the way the deployments start it: basic authentication, its own port."""
    port = free_port()
    env = {**live_env, "FLOWER_BASIC_AUTH": f"{FLOWER_USER}:{FLOWER_PASSWORD}"}
    env.pop("FLOWER_UNAUTHENTICATED_API", None)
    process = start_celery(["flower", "--address=127.0.0.1", f"--port={port}"], env, tmp_path / "flower.log", "flower")
    running = Flower(process, port)
    try:
        wait_until(lambda: running.healthcheck_ok() or process.popen.poll() is not None, timeout=60, what="Flower")
        if process.popen.poll() is not None:
            raise AssertionError(f"Flower exited:\n{process.output()}")
        yield running
    finally:
        process.stop()
        print(f"--- Flower log ---\n{process.output()[-20000:]}")


def test_flower_api_refuses_requests_without_credentials(flower: Flower) -> None:
    status, _ = flower.get("/api/workers", auth=False)
    assert status == 401
    status, _ = flower.get("/api/tasks", auth=False)
    assert status == 401


def test_flower_sees_the_worker_and_the_finished_node_task(
    celery_worker: Process,  # noqa: F811 - the imported fixture
    flower: Flower,
) -> None:
    # Workers send task events only when asked (settings.CELERY_WORKER_SEND_TASK_EVENTS): Flower
    # asks every few seconds, and the task must start after the worker heard it.
    wait_until(
        lambda: "enabled by remote" in celery_worker.output(), timeout=30, what="Flower enabling the worker's events"
    )

    status, workers = flower.get("/api/workers?refresh=1")
    assert status == 200
    hostname = next(name for name in workers if name.startswith(f"{celery_worker.name}@"))
    info = workers[hostname]
    assert "plynx.execute_node" in info["registered"]
    consumed = {queue["name"] for queue in info["active_queues"]}
    assert {Queue.CONTROL.value, Queue.BASH_JINJA2.value, Queue.PYTHON.value} <= consumed

    node = bash("count to three", "seq 1 3 > {{ outputs.out }}", outputs=[out("out")])
    author = UserFactory()
    run = wait_for_run(run_create(workflow=workflow(author, node, title="watched by Flower"), author=author))
    assert run.status == GraphRunningStatus.SUCCESS
    row = node_run(run, node)
    task_id = task_id_for(row.pk, row.attempt)

    def task_seen_succeeded() -> bool:
        code, task = flower.get(f"/api/task/info/{task_id}")
        return code == 200 and task.get("state") == "SUCCESS"

    wait_until(task_seen_succeeded, timeout=30, interval=0.5, what="Flower seeing the node task succeed")
    _, task = flower.get(f"/api/task/info/{task_id}")
    assert task["name"] == "plynx.execute_node"
    assert task["worker"] == hostname
    # The arguments say which run, which node (id and kind) and which attempt the task was.
    assert task["args"] == f"({row.pk}, {row.attempt})"
    kwargs = task["kwargs"]
    assert f"'run_id': '{run.pk}'" in kwargs
    assert f"'node_id': '{node['_id']}'" in kwargs
    assert "'kind': 'bash_jinja2'" in kwargs

    # The task list finds it by name, and by the run id in its arguments (Flower's search).
    status, tasks = flower.get("/api/tasks?taskname=plynx.execute_node&state=SUCCESS")
    assert status == 200
    assert list(tasks) == [task_id]
    status, found = flower.get(f"/api/tasks?search={run.pk}")
    assert status == 200
    assert list(found) == [task_id]
