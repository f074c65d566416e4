"""The seed's v0 API, graph actions: POST graphs with a list of actions, and graphs/{id}/{action}."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.graphs.models import Run
from apps.nodes.models import Node
from apps.users.policies import IAMPolicy
from tests.api_v0.test_read import PASSWORD, V0, basic, person
from tests.factories import NodeFactory

pytestmark = pytest.mark.django_db

GRAPH_ID = "5d291e57713b286094d4ad85"
SUM_ID = "5d27e3bd0f432b5e3693314c"
SEQ_ID = "5d27e3bd0f432b5e3693314d"


@pytest.fixture
def single_user(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False


def seed_node(node_id: str, title: str, *, inputs: list[dict[str, Any]], cmd: str) -> dict[str, Any]:
    """A node as the seed's clone example shows it (running state and all)."""
    return {
        "_id": node_id,
        "title": title,
        "description": "Sum values",
        "base_node_name": "bash_jinja2",
        "parent_node": "5d27b8dd50e56dbbce063449",
        "successor_node": None,
        "inputs": inputs,
        "outputs": [{"name": "output", "file_type": "file", "resource_id": None}],
        "parameters": [
            {
                "name": "cmd",
                "parameter_type": "code",
                "value": {"value": cmd, "mode": "sh"},
                "mutable_type": False,
                "removable": False,
                "publicable": False,
                "widget": None,
            },
            {
                "name": "cacheable",
                "parameter_type": "bool",
                "value": True,
                "mutable_type": False,
                "removable": False,
                "publicable": False,
                "widget": None,
            },
        ],
        "logs": [{"name": name, "file_type": "file", "resource_id": None} for name in ("stderr", "stdout", "worker")],
        "node_running_status": "CREATED",
        "node_status": "READY",
        "cache_url": "",
        "x": 190,
        "y": 143,
        "author": "5d0686aa52691468eaef391c",
        "starred": False,
    }


def seed_graph(*, linked: bool = True) -> dict[str, Any]:
    values = [{"node_id": SEQ_ID, "output_id": "output", "resource_id": None}] if linked else []
    return {
        "_id": GRAPH_ID,
        "title": "hello world",
        "description": "Description",
        "graph_running_status": "CREATED",
        "author": "5d0686aa52691468eaef391c",
        "nodes": [
            seed_node(SEQ_ID, "Seq", inputs=[], cmd="seq 1 10 > {{ outputs.output }}"),
            seed_node(
                SUM_ID,
                "Sum",
                inputs=[{"name": "input", "file_types": ["file"], "values": values, "min_count": 1, "max_count": -1}],
                cmd="cat {{ inputs.input | join(' ') }} | paste -sd+ | bc > {{ outputs.output }}",
            ),
        ],
    }


def post(body: dict[str, Any], **headers: str) -> Any:
    return APIClient().post(f"{V0}/graphs", body, format="json", **headers)


def test_save_creates_the_graph_from_the_seed_shape_then_validate_and_approve(single_user: None) -> None:
    saved = post({"graph": seed_graph(), "actions": ["SAVE"]}).json()
    assert saved["status"] == "SUCCESS"
    assert saved["message"] == f"Actions completed with Graph(_id=`{GRAPH_ID}`)"
    assert saved["url"] == f"/graphs/{GRAPH_ID}"
    workflow = Node.objects.get(pk=GRAPH_ID)
    assert [doc["kind"] for doc in workflow.nodes] == ["bash_jinja2", "bash_jinja2"]
    assert workflow.nodes[1]["original_node_id"] == "5d27b8dd50e56dbbce063449"
    assert workflow.nodes[1]["inputs"][0]["values"] == [{"node_id": SEQ_ID, "output_id": "output"}]
    assert "node_running_status" not in workflow.nodes[0]

    assert post({"graph": saved["graph"], "actions": ["VALIDATE"]}).json()["status"] == "SUCCESS"
    approved = post({"graph": saved["graph"], "actions": ["APPROVE"]}).json()
    assert approved["status"] == "SUCCESS"
    run = Run.objects.get(pk=approved["run_id"])
    assert run.workflow_id == GRAPH_ID
    assert approved["graph"]["graph_running_status"] == run.status
    assert {node["node_running_status"] for node in approved["graph"]["nodes"]} <= {"IN_QUEUE", "CREATED"}

    canceled = APIClient().post(f"{V0}/graphs/{GRAPH_ID}/cancel").json()
    assert canceled["status"] == "SUCCESS"
    assert canceled["graph"]["graph_running_status"] == "CANCELED"


def test_validation_failures_come_with_the_seed_tree(single_user: None) -> None:
    body = post({"graph": seed_graph(linked=False), "actions": ["SAVE", "VALIDATE"]}).json()
    assert body["status"] == "VALIDATION_FAILED"
    tree = body["validation_error"]
    assert tree["validation_code"] == "IN_DEPENDENTS"
    leaves = []

    def walk(node: dict[str, Any]) -> None:
        if not node["children"]:
            leaves.append((node["target"], node["object_id"], node["validation_code"]))
        for child in node["children"]:
            walk(child)

    walk(tree)
    assert leaves == [("INPUT", "input", "MISSING_INPUT")]
    # SAVE went through before VALIDATE said no; APPROVE runs nothing.
    assert Node.objects.filter(pk=GRAPH_ID).exists()
    approved = APIClient().post(f"{V0}/graphs/{GRAPH_ID}/approve").json()
    assert approved["status"] == "VALIDATION_FAILED"
    assert not Run.objects.exists()


def test_clone_makes_an_editable_copy(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = True
    owner, other = person(), person()
    post({"graph": seed_graph(), "actions": ["SAVE"]}, **basic(owner.username, PASSWORD))
    cloned = APIClient().post(f"{V0}/graphs/{GRAPH_ID}/clone", **basic(other.username, PASSWORD)).json()
    assert cloned["status"] == "SUCCESS"
    copy = Node.objects.get(pk=cloned["new_graph_id"])
    assert (copy.author_id, copy.parent_node_id, copy.title) == (other.pk, GRAPH_ID, "hello world")
    assert cloned["graph"]["_id"] == copy.id
    assert cloned["graph"]["_readonly"] is False
    assert copy.nodes == Node.objects.get(pk=GRAPH_ID).nodes


def test_saving_someone_elses_graph_needs_the_modify_policy(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = True
    owner = person()
    post({"graph": seed_graph(), "actions": ["SAVE"]}, **basic(owner.username, PASSWORD))
    reader = person(IAMPolicy.CAN_VIEW_WORKFLOWS, IAMPolicy.CAN_VIEW_OTHERS_WORKFLOWS, IAMPolicy.CAN_CREATE_WORKFLOWS)
    changed = {**seed_graph(), "title": "mine now"}
    refused = post({"graph": changed, "actions": ["SAVE"]}, **basic(reader.username, PASSWORD))
    assert refused.status_code == 403
    assert refused.json() == {"status": "FAILED", "message": "This graph is read-only for you."}
    assert Node.objects.get(pk=GRAPH_ID).title == "hello world"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"graph": seed_graph()}, "`actions` must be a non-empty list"),
        ({"graph": seed_graph(), "actions": ["EXPLODE"]}, "Unknown action(s): EXPLODE"),
        ({"graph": seed_graph(), "actions": ["REARRANGE"]}, "REARRANGE works on a stored graph: put SAVE before it."),
        ({"graph": {**seed_graph(), "_id": "../etc"}, "actions": ["SAVE"]}, "24 hexadecimal digits"),
        ({"graph": {**seed_graph(), "title": 5}, "actions": ["SAVE"]}, "`graph.title` must be a string."),
        ({"graph": {**seed_graph(), "nodes": [{"_id": SUM_ID}]}, "actions": ["SAVE"]}, "nodes: 0.kind"),
        ({"actions": ["SAVE"]}, "Missing field(s): graph."),
    ],
    ids=["no-actions", "unknown", "unsaved", "bad-id", "bad-title", "bad-node", "no-graph"],
)
def test_bad_requests_are_refused_and_store_nothing(single_user: None, body: dict[str, Any], message: str) -> None:
    response = post(body)
    assert response.status_code == 400
    assert response.json()["status"] == "FAILED"
    assert message in response.json()["message"]
    assert not Node.objects.exists()


def test_rearrange_lays_the_graph_out_by_topology(single_user: None) -> None:
    graph = seed_graph()
    for node in graph["nodes"]:
        node["x"] = node["y"] = 7
    body = post({"graph": graph, "actions": ["SAVE", "REARRANGE"]}).json()
    assert body["status"] == "SUCCESS"
    placed = {node["_id"]: (node["x"], node["y"]) for node in body["graph"]["nodes"]}
    assert placed[SEQ_ID][0] < placed[SUM_ID][0]
    stored = {doc["_id"]: doc["x"] for doc in Node.objects.get(pk=GRAPH_ID).nodes}
    assert stored == {node_id: xy[0] for node_id, xy in placed.items()}


def test_upgrade_nodes_replaces_deprecated_operations_and_reports_the_count(single_user: None) -> None:
    owner = APIClient().get(f"{V0}/token").wsgi_request.user
    newer = NodeFactory(kind="bash_jinja2", title="Sum v2", author=owner, node_status="READY")
    older = NodeFactory(
        kind="bash_jinja2", id="5d27b8dd50e56dbbce063449", author=owner, node_status="DEPRECATED", successor_node=newer
    )
    body = post({"graph": seed_graph(), "actions": ["SAVE", "UPGRADE_NODES"]}).json()
    assert body["status"] == "SUCCESS"
    assert body["upgraded_nodes_count"] == 2
    assert {node["parent_node"] for node in body["graph"]["nodes"]} == {newer.id}
    assert older.id not in {doc.get("original_node_id") for doc in Node.objects.get(pk=GRAPH_ID).nodes}
