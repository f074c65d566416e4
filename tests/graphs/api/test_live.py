"""The runs API against a real Celery worker on real Redis: start, follow a log, cancel, re-run."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.graphs import engine
from apps.graphs.models import Run
from apps.users.models import User
from plynx_site.ids import new_object_id
from tests.graphs.workflows import bash, inp, link, out, wait_for_run, workflow
from tests.live import wait_until

pytestmark = pytest.mark.usefixtures("multi_user", "celery_worker")


@pytest.fixture
def client(client_as: Callable[[str], APIClient]) -> APIClient:
    return client_as("owner")


def start(client: APIClient, flow: Any) -> Run:
    response = client.post("/api/v1/runs/", {"workflow": flow.pk}, format="json")
    assert response.status_code == 201, response.content
    return Run.objects.get(pk=response.json()["id"])


def node_status(client: APIClient, run: Run, node: dict[str, Any]) -> str:
    status: str = client.get(f"/api/v1/runs/{run.pk}/nodes/{node['_id']}/").json()["status"]
    return status


def test_a_running_nodes_stdout_is_followed_through_the_api(client: APIClient, owner: User) -> None:
    talker = bash(
        "talker",
        "echo first; sleep 3; echo second; echo done > {{ outputs.out }}",
        outputs=[out("out")],
        cacheable=False,
    )
    run = start(client, workflow(owner, talker))
    url = f"/api/v1/runs/{run.pk}/nodes/{talker['_id']}/logs/stdout/"
    offset, text, chunks = 0, "", []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        chunk = client.get(url, {"offset": offset}).json()
        chunks.append(chunk)
        text += chunk["text"]
        offset = chunk["offset"]
        if chunk["complete"]:
            break
        time.sleep(0.2)
    assert text == "first\nsecond\n"
    # "first" was read from the live copy while the node still ran (and "second" not yet written).
    assert any(c["live"] and c["text"] == "first\n" for c in chunks)
    assert chunks[-1]["live"] is False
    run = wait_for_run(run)
    assert client.get(f"/api/v1/runs/{run.pk}/").json()["status"] == "SUCCESS"
    final = client.get(url).json()
    assert final == {
        "text": "first\nsecond\n",
        "start": 0,
        "offset": 13,
        "size": 13,
        "complete": True,
        "attempt": 1,
        "live": False,
    }
    assert client.get(url, {"tail": 7}).json()["text"] == "second\n"
    node = client.get(f"/api/v1/runs/{run.pk}/nodes/").json()["results"][0]
    assert node["status"] == "SUCCESS"
    assert node["worker"] != ""
    assert node["outputs"][0]["resource_id"] is not None
    assert set(node["logs"]) == {"stdout", "worker"}


# A marker no other test's process carries, so looking for it finds only this test's sleep.
SLEEP_MARKER = "sleep 700.25"


def sleeping() -> bool:
    return subprocess.run(["pgrep", "-f", SLEEP_MARKER], capture_output=True).returncode == 0


def test_a_running_sleep_is_canceled_through_the_api(client: APIClient, owner: User) -> None:
    sleeper = bash("sleeper", f"{SLEEP_MARKER}; echo never > {{{{ outputs.out }}}}", outputs=[out("out")])
    after = bash("after", "cat {{ inputs.in }}", inputs=[inp("in", link(sleeper, "out"))])
    run = start(client, workflow(owner, sleeper, after))
    wait_until(lambda: node_status(client, run, sleeper) == "RUNNING", timeout=20, what="running")
    wait_until(sleeping, timeout=10, what="the sleep")
    response = client.post(f"/api/v1/runs/{run.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["cancel_requested_at"] is not None
    run = wait_for_run(run, timeout=15)
    body = client.get(f"/api/v1/runs/{run.pk}/").json()
    assert body["status"] == "CANCELED"
    assert body["node_counts"] == {"CANCELED": 2}
    wait_until(lambda: not sleeping(), timeout=5, what="the sleep to be gone")


def test_rerun_from_failure_restores_what_succeeded_and_runs_the_failed_node_again(
    client: APIClient, owner: User
) -> None:
    maker = bash("maker", "echo made > {{ outputs.out }}", outputs=[out("out")])
    breaker = bash("breaker", "cat {{ inputs.in }}; exit 3", inputs=[inp("in", link(maker, "out"))])
    run = wait_for_run(start(client, workflow(owner, maker, breaker)))
    assert run.status == "FAILED"
    response = client.post(f"/api/v1/runs/{run.pk}/rerun_failed/")
    assert response.status_code == 201
    again = wait_for_run(Run.objects.get(pk=response.json()["id"]))
    assert again.status == "FAILED"
    nodes = {node["title"]: node for node in client.get(f"/api/v1/runs/{again.pk}/nodes/").json()["results"]}
    assert nodes["maker"]["status"] == "RESTORED"
    assert nodes["maker"]["restored_from"]["run"] == run.pk
    assert nodes["breaker"]["status"] == "FAILED"
    assert nodes["breaker"]["attempt"] == 1
    stdout = client.get(f"/api/v1/runs/{again.pk}/nodes/{breaker['_id']}/logs/stdout/").json()
    assert stdout["text"] == "made\n"


def test_a_composites_run_is_reached_from_its_node(client: APIClient, owner: User) -> None:
    source = bash("numbers", "seq 1 3 > {{ outputs.out }}", outputs=[out("out")])
    inner_input = {"_id": engine.COMPOSITE_INPUT_ID, "kind": "input", "title": "Input", "outputs": [out("numbers")]}
    double = bash(
        "double",
        "while read n; do echo $((n * 2)); done < {{ inputs.in }} > {{ outputs.out }}",
        inputs=[inp("in", link(inner_input, "numbers"))],
        outputs=[out("out")],
    )
    inner_output = {
        "_id": engine.COMPOSITE_OUTPUT_ID,
        "kind": "output",
        "title": "Output",
        "inputs": [inp("doubled", link(double, "out"))],
    }
    composite = {
        "_id": new_object_id(),
        "kind": "composite",
        "title": "double",
        "inputs": [inp("numbers", link(source, "out"))],
        "outputs": [out("doubled")],
        "nodes": [inner_input, double, inner_output],
    }
    run = wait_for_run(start(client, workflow(owner, source, composite)))
    assert run.status == "SUCCESS"
    node = client.get(f"/api/v1/runs/{run.pk}/nodes/{composite['_id']}/").json()
    child = client.get(f"/api/v1/runs/{node['child_run']}/").json()
    assert (child["status"], child["parent_run"], child["parent_node"]) == ("SUCCESS", run.pk, composite["_id"])
    assert child["node_counts"] == {"STATIC": 1, "SUCCESS": 2}
    # The list shows the top-level run; the composite's run is listed under it.
    assert [item["id"] for item in client.get("/api/v1/runs/").json()["results"]] == [run.pk]
    listed = client.get("/api/v1/runs/", {"parent_run": run.pk}).json()["results"]
    assert [item["id"] for item in listed] == [child["id"]]
    inner = client.get(f"/api/v1/runs/{child['id']}/nodes/{double['_id']}/logs/stdout/").json()
    assert (inner["text"], inner["complete"]) == ("", True)
