"""The runs endpoints: listing, reading, starting, canceling, re-running and cloning, and bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.graphs.choices import GraphRunningStatus, NodeRunningStatus
from apps.graphs.models import NodeRun, NodeRunAttempt, Run
from apps.nodes.models import Node
from apps.users.models import User
from tests.factories import NodeCacheFactory, NodeFactory, RunFactory, UserFactory
from tests.graphs.api.conftest import frozen_run, node_of
from tests.graphs.workflows import bash, inp, out, workflow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user")]

S = NodeRunningStatus


@pytest.fixture
def client(client_as: Callable[[str], APIClient]) -> APIClient:
    return client_as("owner")


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


# --- list ------------------------------------------------------------------------------------


def test_list_filters_by_status_workflow_and_author(client: APIClient, owner: User) -> None:
    flow = NodeFactory(kind="workflow", author=owner)
    failed = frozen_run(owner, workflow=flow)
    succeeded = frozen_run(owner, status=GraphRunningStatus.SUCCESS, node_statuses=("SUCCESS",))
    someone = UserFactory(username="someone")
    theirs = frozen_run(someone)
    assert ids(client.get("/api/v1/runs/", {"status": "FAILED"})) == [theirs.pk, failed.pk]
    assert ids(client.get("/api/v1/runs/?status=SUCCESS&status=FAILED")) == [theirs.pk, succeeded.pk, failed.pk]
    assert ids(client.get("/api/v1/runs/", {"workflow": flow.pk})) == [failed.pk]
    assert ids(client.get("/api/v1/runs/", {"author": "SomeOne"})) == [theirs.pk]
    assert ids(client.get("/api/v1/runs/", {"author_id": owner.pk})) == [succeeded.pk, failed.pk]


def test_list_searches_titles_and_orders(client: APIClient, owner: User) -> None:
    now = timezone.now()
    early = frozen_run(owner, title="train model", started_at=now - timedelta(hours=2))
    late = frozen_run(owner, title="Train again", started_at=now - timedelta(hours=1))
    frozen_run(owner, title="evaluate", started_at=now)
    assert ids(client.get("/api/v1/runs/", {"search": "train"})) == [late.pk, early.pk]
    assert ids(client.get("/api/v1/runs/", {"search": "train", "ordering": "started_at"})) == [early.pk, late.pk]
    assert ids(client.get("/api/v1/runs/", {"search": "train", "ordering": "created_at"})) == [early.pk, late.pk]


def test_list_pages_with_limit_and_offset(client: APIClient, owner: User) -> None:
    runs = [frozen_run(owner) for _ in range(5)]
    response = client.get("/api/v1/runs/", {"limit": 2, "offset": 1})
    assert response.json()["count"] == 5
    assert ids(response) == [runs[3].pk, runs[2].pk]


def test_list_shows_top_level_runs_and_children_on_request(client: APIClient, owner: User) -> None:
    outer = frozen_run(owner)
    child = RunFactory(author=owner, kind="composite", parent_node_run=node_of(outer))
    assert ids(client.get("/api/v1/runs/")) == [outer.pk]
    assert ids(client.get("/api/v1/runs/", {"parent_run": outer.pk})) == [child.pk]
    detail = client.get(f"/api/v1/runs/{child.pk}/").json()
    assert (detail["parent_run"], detail["parent_node"]) == (outer.pk, node_of(outer).node_id)
    nodes = client.get(f"/api/v1/runs/{outer.pk}/nodes/").json()["results"]
    assert [node["child_run"] for node in nodes] == [child.pk, None]


def test_list_refuses_an_unknown_status(client: APIClient, owner: User) -> None:
    frozen_run(owner)
    response = client.get("/api/v1/runs/", {"status": "SLEEPING"})
    assert response.status_code == 400
    assert "SLEEPING" in str(response.json()["status"])


def test_list_reads_a_fixed_number_of_queries(
    client: APIClient, owner: User, django_assert_max_num_queries: Any
) -> None:
    for index in range(30):
        frozen_run(UserFactory() if index % 2 else owner, node_statuses=())
    with django_assert_max_num_queries(2):  # count, page (authors joined)
        response = client.get("/api/v1/runs/", {"limit": 50})
    assert response.json()["count"] == 30
    assert len({item["author"] for item in response.json()["results"]}) == 16


# --- retrieve --------------------------------------------------------------------------------


def test_retrieve_shows_header_timings_and_node_counts(client: APIClient, owner: User) -> None:
    run = frozen_run(owner, node_statuses=(S.SUCCESS, S.SUCCESS, S.FAILED, S.CANCELED))
    run.started_at = timezone.now() - timedelta(seconds=90)
    run.finished_at = run.started_at + timedelta(seconds=75)
    run.save()
    body = client.get(f"/api/v1/runs/{run.pk}/").json()
    assert body["id"] == run.pk
    assert body["status"] == "FAILED"
    assert body["graph"]["title"] == "frozen run"
    assert body["duration"] == 75.0
    assert body["node_counts"] == {"SUCCESS": 2, "FAILED": 1, "CANCELED": 1}
    assert body["author"] == "owner"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/runs/{unknown}/", "/api/v1/runs/not-an-id/", "/api/v1/runs/{unknown}/cancel/"],
    ids=["unknown", "malformed", "unknown-cancel"],
)
def test_unknown_runs_are_not_found(client: APIClient, path: str) -> None:
    method = client.post if path.endswith("cancel/") else client.get
    assert method(path.format(unknown="a" * 24)).status_code == 404


# --- start -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "workflow"),
        ({"workflow": "zzz"}, "workflow"),
        ({"workflow": 12}, "workflow"),
        ({"workflow": ["a" * 24]}, "workflow"),
        ({"workflow": "a" * 24}, "workflow"),
        ({"workflow": None}, "workflow"),
        ({"workflow": "a" * 24, "priority": 1}, "priority"),
    ],
    ids=["missing", "malformed", "number", "list", "unknown", "null", "unknown-field"],
)
def test_start_refuses_bad_input(client: APIClient, body: dict[str, Any], field: str) -> None:
    response = client.post("/api/v1/runs/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Run.objects.count() == 0


def test_start_refuses_malformed_json(client: APIClient) -> None:
    response = client.post("/api/v1/runs/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert Run.objects.count() == 0


def test_start_refuses_an_operation(client: APIClient, owner: User) -> None:
    operation = NodeFactory(kind="python", author=owner)
    response = client.post("/api/v1/runs/", {"workflow": operation.pk}, format="json")
    assert response.status_code == 400
    assert Run.objects.count() == 0


def test_start_returns_the_validation_tree(client: APIClient, owner: User) -> None:
    needy = bash("needy", "cat {{ inputs.in }}", inputs=[inp("in")])
    flow = workflow(owner, needy)
    response = client.post("/api/v1/runs/", {"workflow": flow.pk}, format="json")
    assert response.status_code == 400
    tree = response.json()["validation_error"]
    assert tree["target"] == "GRAPH"
    assert tree["children"][0]["object_id"] == needy["_id"]
    assert tree["children"][0]["children"][0]["validation_code"] == "MISSING_INPUT"
    assert Run.objects.count() == 0


def test_start_freezes_the_workflow_and_queues_its_nodes(client: APIClient, owner: User) -> None:
    first = bash("first", "echo 1 > {{ outputs.out }}", outputs=[out("out")])
    flow = workflow(owner, first, title="my flow")
    response = client.post("/api/v1/runs/", {"workflow": flow.pk}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["workflow"], body["status"]) == ("my flow", flow.pk, "RUNNING")
    assert body["node_counts"] == {"IN_QUEUE": 1}
    assert NodeRun.objects.get(run_id=body["id"]).spec["_id"] == first["_id"]


# --- cancel ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["SUCCESS", "FAILED", "CANCELED"])
def test_cancel_of_a_finished_run_returns_it_unchanged(client: APIClient, owner: User, status: str) -> None:
    run = frozen_run(owner, status=status, node_statuses=("SUCCESS",))
    before = Run.objects.values().get(pk=run.pk)
    response = client.post(f"/api/v1/runs/{run.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == status
    assert response.json()["cancel_requested_at"] is None
    assert Run.objects.values().get(pk=run.pk) == before


def test_cancel_is_idempotent(client: APIClient, owner: User) -> None:
    run = frozen_run(owner, status=GraphRunningStatus.RUNNING, node_statuses=(S.IN_QUEUE,))
    first = client.post(f"/api/v1/runs/{run.pk}/cancel/").json()
    second = client.post(f"/api/v1/runs/{run.pk}/cancel/").json()
    assert first["status"] == second["status"] == "CANCELED"
    assert first["cancel_requested_at"] == second["cancel_requested_at"]


# --- re-run from failure ---------------------------------------------------------------------


@pytest.mark.parametrize("status", ["SUCCESS", "RUNNING", "READY", "FAILED_WAITING"])
def test_rerun_failed_needs_a_failed_or_canceled_run(client: APIClient, owner: User, status: str) -> None:
    run = frozen_run(owner, status=status, node_statuses=("SUCCESS",))
    response = client.post(f"/api/v1/runs/{run.pk}/rerun_failed/")
    assert response.status_code == 409
    assert status in response.json()["detail"]
    assert Run.objects.count() == 1


def test_rerun_failed_and_clone_refuse_a_composite_child_run(client: APIClient, owner: User) -> None:
    outer = frozen_run(owner)
    child = frozen_run(owner, parent_node_run=node_of(outer))
    for verb in ("rerun_failed", "clone"):
        response = client.post(f"/api/v1/runs/{child.pk}/{verb}/")
        assert response.status_code == 409
        assert "composite" in response.json()["detail"]
    assert Run.objects.count() == 2
    assert Node.objects.count() == 0


def test_rerun_failed_runs_the_same_frozen_graph_again(client: APIClient, owner: User) -> None:
    flow = NodeFactory(kind="workflow", author=owner, nodes=[])
    run = frozen_run(owner, workflow=flow, node_statuses=(S.SUCCESS, S.FAILED, S.CANCELED))
    response = client.post(f"/api/v1/runs/{run.pk}/rerun_failed/")
    assert response.status_code == 201
    new_run = Run.objects.get(pk=response.json()["id"])
    assert new_run.workflow == flow
    old_specs = list(run.node_runs.order_by("id").values_list("spec", flat=True))
    assert list(new_run.node_runs.order_by("id").values_list("spec", flat=True)) == old_specs
    # Nothing of these was cached (they never ran for real): every node is queued again.
    assert response.json()["node_counts"] == {"IN_QUEUE": 3}
    run.refresh_from_db()
    assert run.status == GraphRunningStatus.FAILED


# --- clone -----------------------------------------------------------------------------------


def test_clone_makes_an_editable_workflow_of_the_frozen_graph(
    client_as: Callable[[str], APIClient], owner: User
) -> None:
    flow = NodeFactory(kind="workflow", author=owner, nodes=[], title="edited since")
    run = frozen_run(owner, workflow=flow)
    response = client_as("other").post(f"/api/v1/runs/{run.pk}/clone/")
    assert response.status_code == 201
    clone = Node.objects.get(pk=response.json()["workflow"])
    assert (clone.kind, clone.title, clone.node_status) == ("workflow", "frozen run", "CREATED")
    assert clone.author.username == "other"
    assert clone.parent_node == flow
    assert [node["_id"] for node in clone.nodes] == list(run.node_runs.order_by("id").values_list("node_id", flat=True))
    assert clone.nodes[0]["parameters"] == node_of(run).spec["parameters"]
    clone.full_clean()


# --- nodes -----------------------------------------------------------------------------------


def test_nodes_list_shows_state_outputs_logs_and_cache_origin(client: APIClient, owner: User) -> None:
    run = frozen_run(owner, node_statuses=(S.RESTORED, S.FAILED))
    source = frozen_run(owner, status="SUCCESS", node_statuses=("SUCCESS",))
    entry = NodeCacheFactory(run=source, node_id=node_of(source).node_id)
    restored = node_of(run)
    restored.outputs, restored.logs, restored.restored_from = {"out": "b" * 24}, {"stdout": "c" * 24}, entry
    restored.worker_id = "w1@host"
    restored.save()
    nodes = client.get(f"/api/v1/runs/{run.pk}/nodes/").json()["results"]
    assert nodes[0]["id"] == restored.node_id
    assert nodes[0]["status"] == "RESTORED"
    assert nodes[0]["outputs"] == [{"name": "out", "file_type": "file", "resource_id": "b" * 24}]
    assert nodes[0]["logs"] == {"stdout": "c" * 24}
    assert nodes[0]["restored_from"] == {"cache_entry": entry.pk, "run": source.pk, "node_id": entry.node_id}
    assert nodes[0]["worker"] == "w1@host"
    assert nodes[1]["error"] == "exit code 1"
    assert nodes[1]["outputs"] == [{"name": "out", "file_type": "file", "resource_id": None}]
    assert "spec" not in nodes[0]
    assert client.get(f"/api/v1/runs/{run.pk}/nodes/", {"status": "FAILED"}).json()["count"] == 1


def test_node_detail_has_the_frozen_document(client: APIClient, owner: User) -> None:
    run = frozen_run(owner)
    node = node_of(run, 1)
    body = client.get(f"/api/v1/runs/{run.pk}/nodes/{node.node_id}/").json()
    assert body["spec"] == node.spec
    assert body["title"] == "step 1"


def test_nodes_list_gives_every_frozen_document_on_request(
    client: APIClient, owner: User, django_assert_max_num_queries: Any
) -> None:
    run = frozen_run(owner, node_statuses=(S.SUCCESS,) * 30)
    with django_assert_max_num_queries(3):  # the run, the count, the page: still one read of the nodes
        body = client.get(f"/api/v1/runs/{run.pk}/nodes/", {"documents": "true"}).json()
    specs = {node.node_id: node.spec for node in run.node_runs.all()}
    assert body["count"] == 30
    assert {node["id"]: node["spec"] for node in body["results"]} == specs
    assert "spec" not in client.get(f"/api/v1/runs/{run.pk}/nodes/", {"documents": "false"}).json()["results"][0]


def test_nodes_list_refuses_a_documents_flag_that_is_not_a_boolean(client: APIClient, owner: User) -> None:
    run = frozen_run(owner)
    response = client.get(f"/api/v1/runs/{run.pk}/nodes/", {"documents": "maybe"})
    assert response.status_code == 400
    assert response.json() == {"documents": ["Must be true or false."]}


def test_node_attempts_are_listed_in_order(client: APIClient, owner: User) -> None:
    run = frozen_run(owner)
    node = node_of(run, 1)
    now = timezone.now()
    NodeRunAttempt.objects.create(node_run=node, attempt=2, worker_id="w2", outcome="FAILED", started_at=now)
    NodeRunAttempt.objects.create(
        node_run=node, attempt=1, worker_id="w1", outcome="LOST", started_at=now, finished_at=now + timedelta(seconds=2)
    )
    body = client.get(f"/api/v1/runs/{run.pk}/nodes/{node.node_id}/attempts/").json()
    assert [(a["attempt"], a["worker"], a["outcome"], a["duration"]) for a in body] == [
        (1, "w1", "LOST", 2.0),
        (2, "w2", "FAILED", None),
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/runs/{run}/nodes/{unknown}/",
        "/api/v1/runs/{run}/nodes/{unknown}/logs/stdout/",
        "/api/v1/runs/{run}/nodes/{unknown}/attempts/",
        "/api/v1/runs/{unknown}/nodes/",
        "/api/v1/runs/{unknown}/nodes/{node}/",
        "/api/v1/runs/{run}/nodes/{node}/logs/secrets/",
        "/api/v1/runs/{run}/nodes/{node}/logs/../",
    ],
)
def test_unknown_nodes_and_logs_are_not_found(client: APIClient, owner: User, path: str) -> None:
    run = frozen_run(owner)
    url = path.format(run=run.pk, node=node_of(run).node_id, unknown="a" * 24)
    assert client.get(url).status_code == 404


def test_nodes_list_reads_a_fixed_number_of_queries(
    client: APIClient, owner: User, django_assert_max_num_queries: Any
) -> None:
    run = frozen_run(owner, node_statuses=(S.SUCCESS,) * 40)
    child = RunFactory(author=owner, parent_node_run=node_of(run, 3))
    with django_assert_max_num_queries(3):  # the run, the count, the page
        response = client.get(f"/api/v1/runs/{run.pk}/nodes/")
    body = response.json()
    assert body["count"] == 40
    assert [node["child_run"] for node in body["results"]].count(child.pk) == 1


def test_rerun_failed_of_a_graph_that_can_no_longer_run_returns_the_validation_tree(
    client: APIClient, owner: User
) -> None:
    run = frozen_run(owner, node_statuses=(S.FAILED,))
    gone = NodeFactory(author=owner, node_status="MANDATORY_DEPRECATED")
    node = node_of(run)
    node.spec = {**node.spec, "original_node_id": gone.pk}
    node.save()
    response = client.post(f"/api/v1/runs/{run.pk}/rerun_failed/")
    assert response.status_code == 400
    problem = response.json()["validation_error"]["children"][0]
    assert problem["object_id"] == node.node_id
    assert [leaf["validation_code"] for leaf in problem["children"]] == ["DEPRECATED_NODE"]
    assert Run.objects.count() == 1


def test_retrieve_reads_a_fixed_number_of_queries(
    client: APIClient, owner: User, django_assert_max_num_queries: Any
) -> None:
    run = frozen_run(owner, node_statuses=(S.SUCCESS,) * 20)
    with django_assert_max_num_queries(2):  # the run with its author, the node counts
        assert client.get(f"/api/v1/runs/{run.pk}/").json()["node_counts"] == {"SUCCESS": 20}
