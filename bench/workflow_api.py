"""Loading and saving a 1,000-node workflow through the v1 API: prints the figures.

    .venv/bin/python bench/workflow_api.py [--nodes 1000] [--repeat 15]

The workflow is a fan and chains with links: one source feeds ``--width`` nodes, each of which
starts a chain, and one sink joins the chains' last nodes. Every node is a python operation as
the editor saves it (code, timeout and cacheable parameters, an input, an output, three logs).
Requests go through Django's test client: the whole stack (middleware, authentication, DRF,
serializers, services, PostgreSQL) except the network. PostgreSQL is ``BENCH_DATABASE_URL``
(default the local database ``plynx_bench_api``, created and migrated if needed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import prepare_database  # noqa: E402

TARGET_MS = 300


def _setup() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plynx_bench_api")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PLYNX_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plynx_site.settings")
    prepare_database(url, os.environ)
    import django

    django.setup()
    # The production entry point: it loads every module and freezes them out of the collector.
    from django.test.utils import setup_test_environment

    import plynx_site.wsgi  # noqa: F401

    # Lets the test client's host through ALLOWED_HOSTS.
    setup_test_environment()


def _node(new_id: Callable[[], str], index: int, sources: list[str]) -> dict[str, Any]:
    return {
        "_id": new_id(),
        "title": f"step {index}",
        "description": "Splits the rows of its input at random",
        "kind": "python",
        "original_node_id": None,
        "inputs": [
            {
                "name": "data.csv",
                "file_types": ["csv"],
                "values": [{"node_id": source, "output_id": "out.csv"} for source in sources],
                "min_count": 1 if sources else 0,
                "max_count": -1,
            }
        ],
        "outputs": [{"name": "out.csv", "file_type": "csv", "resource_id": None}],
        "parameters": [
            {
                "name": "cmd",
                "parameter_type": "code",
                "value": {
                    "value": f"# step {index}\nwith open(outputs['out.csv'], 'w') as f:\n    f.write('x')\n",
                    "mode": "python",
                },
            },
            {"name": "_timeout", "parameter_type": "int", "value": 600},
            {"name": "cacheable", "parameter_type": "bool", "value": True},
            {"name": "rate", "parameter_type": "float", "value": 0.5},
        ],
        "logs": [{"name": name, "file_type": "file", "resource_id": None} for name in ("stdout", "stderr", "worker")],
        "x": (index % 40) * 250,
        "y": (index // 40) * 150,
    }


def workflow_nodes(count: int, width: int) -> list[dict[str, Any]]:
    """A source, ``width`` chains fed by it, and a sink joining the chains: ``count`` nodes."""
    from plynx_site.ids import new_object_id

    source = _node(new_object_id, 0, [])
    nodes = [source]
    middle = count - 2
    for index in range(1, middle + 1):
        feeder = source["_id"] if index <= width else nodes[index - width]["_id"]
        nodes.append(_node(new_object_id, index, [feeder]))
    last = [node["_id"] for node in nodes[-width:]]
    nodes.append(_node(new_object_id, count - 1, last))
    return nodes


def _time(call: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    for _ in range(2):  # warm-up: imports, compiled templates, connection
        call()
    times, response = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - start) * 1000)
    return times, response


def _summary(label: str, times: list[float], size: int, queries: int) -> str:
    median = statistics.median(times)
    verdict = "ok" if median < TARGET_MS else "over"
    return (
        f"{label:<4} median {median:6.1f} ms  min {min(times):6.1f}  max {max(times):6.1f}  "
        f"queries {queries}  body {size / 1024:,.0f} KiB  (target < {TARGET_MS} ms: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--width", type=int, default=50, help="parallel chains between the source and the sink")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    _setup()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from apps.nodes.models import Node
    from apps.users.services import user_ensure_default

    user = user_ensure_default()
    Node.objects.filter(author=user, title="bench: 1,000-node workflow").delete()
    workflow = Node.objects.create(
        author=user, kind="workflow", title="bench: 1,000-node workflow", nodes=workflow_nodes(args.nodes, args.width)
    )
    client = APIClient()
    client.force_authenticate(user)
    path = f"/api/v1/workflows/{workflow.pk}/"

    def get() -> Any:
        response = client.get(path)
        assert response.status_code == 200, response.content[:500]
        return response

    loaded = get().json()
    # What the editor sends back: the workflow it read, with its nodes moved.
    for node in loaded["nodes"]:
        node["x"] += 10
    body = json.dumps(loaded)

    def put() -> Any:
        response = client.put(path, body, content_type="application/json")
        assert response.status_code == 200, response.content[:500]
        return response

    get_times, got = _time(get, args.repeat)
    with CaptureQueriesContext(connection) as get_queries:
        get()
    put_times, _ = _time(put, args.repeat)
    with CaptureQueriesContext(connection) as put_queries:
        put()
    assert len(Node.objects.get(pk=workflow.pk).nodes) == args.nodes
    links = sum(len(port["values"]) for node in loaded["nodes"] for port in node["inputs"])
    print(f"workflow of {args.nodes} nodes, {links} links; {args.repeat} timed requests each after 2 warm-ups")
    print(_summary("GET", get_times, len(got.content), len(get_queries)))
    print(_summary("PUT", put_times, len(body), len(put_queries)))
    workflow.delete()


if __name__ == "__main__":
    main()
