"""The node cache on real workers: hits, precise misses, identical bytes, lost artifacts, no stale hit."""

from __future__ import annotations

import copy
import random
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from apps.graphs.choices import GraphRunningStatus, NodeRunningStatus
from apps.graphs.models import NodeCache, Run
from apps.graphs.services import run_create
from apps.nodes.models import Node
from apps.resources.models import Resource
from apps.resources.services import resource_create_from_path
from apps.resources.storage import blob_open
from tests.factories import UserFactory
from tests.graphs.workflows import bash, file_node, inp, link, out, param, python, wait_for_run, workflow
from tests.live import Process, worker

S = NodeRunningStatus


def content(resource_id: str) -> str:
    with blob_open(Resource.objects.get(pk=resource_id).storage_key) as handle:
        return handle.read().decode()


def statuses(run: Run) -> dict[str, str]:
    return dict(run.node_runs.values_list("title", "status"))


def chain(author: Any, tmp_path: Path) -> Node:
    data = tmp_path / "in.txt"
    data.write_text("3\n4\n")
    resource = resource_create_from_path(path=data, file_type="file", author=author)
    source = file_node(resource.pk, title="data")
    total = python(
        "total",
        "n = sum(int(x) for x in open(inputs['in']))\nopen(outputs['out'], 'w').write(str(n * params['k']))",
        inputs=[inp("in", link(source, "out"))],
        outputs=[out("out", "int")],
        params=[param("k", "int", 2)],
    )
    label = bash(
        "label",
        "echo {{ params.tag }}={{ inputs.n }} > {{ outputs.out }}",
        inputs=[inp("n", link(total, "out"), types=("int",))],
        outputs=[out("out")],
        params=[param("tag", "str", "total")],
    )
    side = bash("side", "echo side > {{ outputs.out }}", outputs=[out("out")])
    return workflow(author, source, total, label, side)


def set_parameter(flow: Node, title: str, name: str, value: Any) -> None:
    nodes = copy.deepcopy(flow.nodes)
    for node in nodes:
        if node["title"] == title:
            for parameter in node["parameters"]:
                if parameter["name"] == name:
                    parameter["value"] = value
    flow.nodes = nodes
    flow.save()


def test_a_second_run_is_restored_without_any_worker(live_env: dict[str, str], tmp_path: Path) -> None:
    author = UserFactory()
    flow = chain(author, tmp_path)
    with worker(live_env, tmp_path, name="first"):
        first = wait_for_run(run_create(workflow=flow, author=author))
    assert first.status == GraphRunningStatus.SUCCESS
    assert NodeCache.objects.count() == 3
    # No worker is running now: a restored node takes no worker slot.
    second = wait_for_run(run_create(workflow=flow, author=author), timeout=10)
    assert second.status == GraphRunningStatus.SUCCESS
    assert statuses(second) == {"data": S.STATIC, "total": S.RESTORED, "label": S.RESTORED, "side": S.RESTORED}
    rows = {row.title: row for row in second.node_runs.all()}
    assert content(rows["label"].outputs["out"]) == "total=14\n"
    assert rows["label"].restored_from is not None
    assert rows["label"].logs == first.node_runs.get(title="label").logs


@pytest.mark.usefixtures("celery_worker")
def test_a_changed_parameter_reruns_exactly_that_node_and_its_descendants(tmp_path: Path) -> None:
    author = UserFactory()
    flow = chain(author, tmp_path)
    wait_for_run(run_create(workflow=flow, author=author))
    set_parameter(flow, "total", "k", 10)
    run = wait_for_run(run_create(workflow=flow, author=author))
    assert statuses(run) == {"data": S.STATIC, "total": S.SUCCESS, "label": S.SUCCESS, "side": S.RESTORED}
    assert content(run.node_runs.get(title="label").outputs["out"]) == "total=70\n"
    set_parameter(flow, "label", "tag", "sum")
    run = wait_for_run(run_create(workflow=flow, author=author))
    assert statuses(run) == {"data": S.STATIC, "total": S.RESTORED, "label": S.SUCCESS, "side": S.RESTORED}
    # Timeouts cannot change results: still a hit.
    set_parameter(flow, "label", "tag", "sum")
    nodes = copy.deepcopy(flow.nodes)
    nodes[2]["parameters"].append(param("_timeout", "int", 30))
    flow.nodes = nodes
    flow.save()
    run = wait_for_run(run_create(workflow=flow, author=author))
    assert statuses(run)["label"] == S.RESTORED


@pytest.mark.usefixtures("celery_worker")
def test_identical_bytes_from_a_rerun_upstream_keep_descendants_cached() -> None:
    author = UserFactory()
    make = bash("make", "echo 42 > {{ outputs.out }}", outputs=[out("out")])
    use = bash(
        "use",
        "cat {{ inputs.in }} {{ inputs.in }} > {{ outputs.out }}",
        inputs=[inp("in", link(make, "out"))],
        outputs=[out("out")],
    )
    flow = workflow(author, make, use)
    wait_for_run(run_create(workflow=flow, author=author))
    nodes = copy.deepcopy(flow.nodes)
    nodes[0]["parameters"][0]["value"]["value"] = "printf '42\\n' > {{ outputs.out }}"
    flow.nodes = nodes
    flow.save()
    run = wait_for_run(run_create(workflow=flow, author=author))
    assert statuses(run) == {"make": S.SUCCESS, "use": S.RESTORED}


@pytest.mark.usefixtures("celery_worker")
def test_an_entry_whose_artifacts_are_gone_is_a_miss(storage_dir: Path) -> None:
    author = UserFactory()
    make = bash("make", "echo gone > {{ outputs.out }}", outputs=[out("out")])
    flow = workflow(author, make)
    first = wait_for_run(run_create(workflow=flow, author=author))
    output = Resource.objects.get(pk=first.node_runs.get().outputs["out"])
    (storage_dir / output.storage_key).unlink()
    run = wait_for_run(run_create(workflow=flow, author=author))
    assert statuses(run) == {"make": S.SUCCESS}
    assert NodeCache.objects.filter(removed=True).count() == 1
    assert content(run.node_runs.get().outputs["out"]) == "gone\n"


@pytest.mark.usefixtures("celery_worker")
def test_not_cacheable_nodes_always_run_and_cache_clean_forgets(tmp_path: Path) -> None:
    author = UserFactory()
    fresh = bash("fresh", "date +%s%N > {{ outputs.out }}", outputs=[out("out")], cacheable=False)
    cached = bash("cached", "echo same > {{ outputs.out }}", outputs=[out("out")])
    flow = workflow(author, fresh, cached)
    wait_for_run(run_create(workflow=flow, author=author))
    run = wait_for_run(run_create(workflow=flow, author=author))
    assert statuses(run) == {"fresh": S.SUCCESS, "cached": S.RESTORED}
    listing = StringIO()
    call_command("cache", "list", stdout=listing)
    assert len(listing.getvalue().splitlines()) == 2
    call_command("cache", "clean", "--yes", stdout=StringIO())
    run = wait_for_run(run_create(workflow=flow, author=author))
    assert statuses(run) == {"fresh": S.SUCCESS, "cached": S.SUCCESS}


def test_random_edits_never_give_a_stale_hit(celery_worker: Process, tmp_path: Path) -> None:
    """Edit the script, a parameter or the input content at random; results always match a fresh computation."""
    rng = random.Random(20261125)
    author = UserFactory()
    state = {"data": [3, 4], "k": 2, "offset": 0, "tag": "t"}
    seen: dict[tuple[Any, ...], str] = {}

    def build() -> Node:
        data = tmp_path / f"data-{rng.random()}.txt"
        data.write_text("".join(f"{n}\n" for n in state["data"]))
        resource = resource_create_from_path(path=data, file_type="file", author=author)
        source = file_node(resource.pk, title="data")
        total = python(
            "total",
            f"n = sum(int(x) for x in open(inputs['in'])) + {state['offset']}\n"
            "open(outputs['out'], 'w').write(str(n * params['k']))",
            inputs=[inp("in", link(source, "out"))],
            outputs=[out("out", "int")],
            params=[param("k", "int", state["k"])],
        )
        label = bash(
            "label",
            "echo {{ params.tag }}={{ inputs.n }} > {{ outputs.out }}",
            inputs=[inp("n", link(total, "out"), types=("int",))],
            outputs=[out("out")],
            params=[param("tag", "str", state["tag"])],
        )
        return workflow(author, source, total, label)

    for _ in range(8):
        edit = rng.choice(["data", "k", "offset", "tag", "none"])
        if edit == "data":
            state["data"] = [rng.randint(0, 5) for _ in range(rng.randint(1, 3))]
        elif edit == "k":
            state["k"] = rng.randint(1, 3)
        elif edit == "offset":
            state["offset"] = rng.randint(0, 2)
        elif edit == "tag":
            state["tag"] = rng.choice(["t", "u"])
        run = wait_for_run(run_create(workflow=build(), author=author))
        assert run.status == GraphRunningStatus.SUCCESS
        total_value = (sum(state["data"]) + state["offset"]) * state["k"]
        expected = f"{state['tag']}={total_value}\n"
        rows = {row.title: row for row in run.node_runs.all()}
        assert content(rows["label"].outputs["out"]) == expected
        assert content(rows["total"].outputs["out"]).strip() == str(total_value)
        # A node is restored exactly when the same input content, script and parameters ran before.
        total_key = ("total", tuple(state["data"]), state["offset"], state["k"])
        label_key = ("label", state["tag"], total_value)
        assert (rows["total"].status == S.RESTORED) == (total_key in seen)
        assert (rows["label"].status == S.RESTORED) == (label_key in seen)
        seen[total_key] = str(total_value)
        seen[label_key] = expected
