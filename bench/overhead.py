"""Per-node overhead of the platform against plain Celery, on three graph shapes.

    .venv/bin/python bench/overhead.py [--shapes A,B,C] [--workers 2]

Both sides run no-op operations (a bash script ``true`` in a fresh directory) on the same Redis
server with the same number of worker processes:

- the platform: workflows of ``bash_jinja2`` nodes through ``run_create``, real ``celery worker``
  processes, PostgreSQL (``BENCH_DATABASE_URL``, default the local ``plynx_bench`` database,
  created if missing), artifacts in a temporary directory;
- plain Celery: the same shapes as a canvas of ``bench.noop`` tasks (``chain``, ``group``,
  ``chord``), results in Redis.

Shapes: A, a chain of 100 nodes; B, one source, 1,000 parallel nodes, one sink; C, 20 layers of
25 nodes, each depending on two random nodes of the layer before (seed 7). The platform side
also reruns C with every node in the cache. Prints one line per measurement and the ratios.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import prepare_database  # noqa: E402

NOOP = "true"


def _environment(storage: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plynx_bench"),
        "REDIS_URL": os.environ.get("BENCH_PLATFORM_REDIS_URL", "redis://127.0.0.1:6379/11"),
        "BENCH_REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        "PLYNX_STORAGE_URL": str(storage),
        "PLYNX_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def _start_worker(app: str, env: dict[str, str], workers: int, log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app,
            "worker",
            "-c",
            str(workers),
            "-P",
            "prefork",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    time.sleep(0.5)
    return process


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def shapes(seed: int = 7) -> dict[str, list[tuple[str, list[str]]]]:
    """Each shape as (node name, parent names) in topological order."""
    chain = [("a0", [])] + [(f"a{i}", [f"a{i - 1}"]) for i in range(1, 100)]
    fan = [("src", [])] + [(f"b{i}", ["src"]) for i in range(1000)] + [("sink", [f"b{i}" for i in range(1000)])]
    rng = random.Random(seed)
    layers: list[tuple[str, list[str]]] = [(f"c0_{j}", []) for j in range(25)]
    for layer in range(1, 20):
        for j in range(25):
            parents = rng.sample(range(25), 2)
            layers.append((f"c{layer}_{j}", [f"c{layer - 1}_{p}" for p in parents]))
    return {"A": chain, "B": fan, "C": layers}


# --- platform side ---------------------------------------------------------------------------


def _platform_workflow(author: Any, spec: list[tuple[str, list[str]]]) -> Any:
    from apps.nodes.models import Node
    from plynx_site.ids import new_object_id

    ids = {name: new_object_id() for name, _ in spec}
    nodes = []
    for name, parents in spec:
        inputs = (
            [
                {
                    "name": "in",
                    "file_types": ["file"],
                    "values": [{"node_id": ids[p], "output_id": "out"} for p in parents],
                    "min_count": 1,
                    "max_count": -1,
                }
            ]
            if parents
            else []
        )
        nodes.append(
            {
                "_id": ids[name],
                "kind": "bash_jinja2",
                "title": name,
                "inputs": inputs,
                "outputs": [{"name": "out", "file_type": "file"}],
                "parameters": [{"name": "cmd", "parameter_type": "code", "value": {"value": NOOP, "mode": "sh"}}],
            }
        )
    return Node.objects.create(kind="workflow", title="bench", author=author, nodes=nodes)


def _timed_run(workflow: Any, author: Any, timeout: float = 900) -> float:
    from django.db import connection

    from apps.graphs.models import Run
    from apps.graphs.services import run_create

    started = time.perf_counter()
    run = run_create(workflow=workflow, author=author)
    # A cheap poll: the driver shares the machine's cores with the workers it measures.
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"SELECT status FROM {Run._meta.db_table} WHERE id = %s", [run.pk])
            (status,) = cursor.fetchone()
            if status in ("SUCCESS", "FAILED", "CANCELED"):
                break
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"run {run.pk} did not finish in {timeout} s")
            time.sleep(0.01)
    took = time.perf_counter() - started
    if status != "SUCCESS":
        raise RuntimeError(f"run {run.pk} ended {status}")
    return took


def run_platform(selected: list[str], workers: int, env: dict[str, str], log_dir: Path) -> dict[str, float]:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plynx_site.settings")
    prepare_database(env["DATABASE_URL"], env)
    import django

    django.setup()
    import redis

    from apps.users.models import User

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    author, _ = User.objects.get_or_create(username="bench")
    worker = _start_worker("plynx_site", env, workers, log_dir / "platform-worker.log")
    figures: dict[str, float] = {}
    try:
        warm = _platform_workflow(author, [("w0", []), ("w1", ["w0"])])
        _timed_run(warm, author)
        for name in selected:
            spec = shapes()[name]
            # A unique first script per measurement, so no node of it is in the cache.
            spec_flow = _platform_workflow(author, spec)
            _unique(spec_flow)
            figures[name] = _timed_run(spec_flow, author)
            if name == "C":
                figures["C cached"] = _timed_run(spec_flow, author)
    finally:
        _stop(worker)
    return figures


def _unique(workflow: Any) -> None:
    """A script of its own for every node of this measurement: no node can be answered by the cache."""
    marker = time.time_ns()
    for node in workflow.nodes:
        node["parameters"][0]["value"]["value"] = f"true # {node['title']} {marker}"
    workflow.save()


# --- plain Celery side -------------------------------------------------------------------------


def run_plain(selected: list[str], workers: int, env: dict[str, str], log_dir: Path) -> dict[str, float]:
    from celery import chain, chord, group

    os.environ["BENCH_REDIS_URL"] = env["BENCH_REDIS_URL"]
    import redis

    from bench.plain_celery import app, noop

    redis.Redis.from_url(env["BENCH_REDIS_URL"]).flushdb()
    worker = _start_worker("bench.plain_celery", env, workers, log_dir / "plain-worker.log")
    builders: dict[str, Callable[[], Any]] = {
        "A": lambda: chain(noop.si() for _ in range(100)),
        "B": lambda: chain(noop.si(), chord((noop.si() for _ in range(1000)), noop.si())),
        "C": lambda: chain(group(noop.si() for _ in range(25)) for _ in range(20)),
    }
    figures: dict[str, float] = {}
    try:
        noop.delay().get(timeout=60)
        for name in selected:
            started = time.perf_counter()
            result = builders[name]().apply_async()
            result.get(timeout=900, disable_sync_subtasks=False)
            figures[name] = time.perf_counter() - started
    finally:
        _stop(worker)
        app.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", default="A,B,C")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    selected = [s.strip() for s in args.shapes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="plynx-bench-") as tmp:
        env = _environment(Path(tmp) / "artifacts")
        plain = run_plain(selected, args.workers, env, Path(tmp))
        platform = run_platform(selected, args.workers, env, Path(tmp))
    sizes = {name: len(spec) for name, spec in shapes().items()}
    print(f"{'shape':<10} {'nodes':>6} {'platform s':>11} {'plain s':>9} {'ratio':>6} {'ms/node':>8}")
    for name in selected:
        ratio = platform[name] / plain[name]
        per_node = 1000 * platform[name] / sizes[name]
        print(f"{name:<10} {sizes[name]:>6} {platform[name]:>11.2f} {plain[name]:>9.2f} {ratio:>6.2f} {per_node:>8.1f}")
    if "C cached" in platform:
        cached = platform["C cached"]
        print(f"{'C cached':<10} {sizes['C']:>6} {cached:>11.2f} {'-':>9} {'-':>6} {1000 * cached / sizes['C']:>8.1f}")


if __name__ == "__main__":
    main()
