"""The seed's v0 API, changing a graph: update and graphs/{id}/nodes/{action}, as in its curl examples."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.nodes.models import Node
from apps.users.policies import DEFAULT_POLICIES, IAMPolicy
from tests.api_v0.test_read import PASSWORD, V0, basic, person
from tests.factories import NodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def single_user(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False


def grep_operation(author: Any) -> Node:
    return NodeFactory(
        kind="bash_jinja2",
        title="Grep",
        author=author,
        node_status="READY",
        inputs=[{"name": "input", "file_types": ["file"], "values": [], "min_count": 1, "max_count": 1}],
        outputs=[{"name": "out", "file_type": "file"}],
        parameters=[{"name": "template", "parameter_type": "str", "value": "5"}],
    )


def empty_graph(author: Any) -> Node:
    return NodeFactory(kind="workflow", title="Title", description="Description", author=author, nodes=[])


def post(path: str, data: dict[str, Any], **headers: str) -> Any:
    return APIClient().post(f"{V0}/{path}", data, format="json", **headers)


def test_the_seed_examples_build_a_graph(single_user: None) -> None:
    client = APIClient()
    owner = client.get(f"{V0}/token").wsgi_request.user
    operation = grep_operation(owner)
    graph = empty_graph(owner)

    patched = client.patch(
        f"{V0}/graphs/{graph.id}/update", {"title": "Custom title", "description": "Custom Description"}, format="json"
    ).json()
    assert patched["status"] == "SUCCESS"
    assert (patched["graph"]["title"], patched["graph"]["description"]) == ("Custom title", "Custom Description")

    first = post(f"graphs/{graph.id}/nodes/insert_node", {"node_id": operation.id, "x": 100, "y": 100}).json()
    second = post(f"graphs/{graph.id}/nodes/insert_node", {"node_id": operation.id}).json()
    a, b = first["node"]["_id"], second["node"]["_id"]
    assert (first["node"]["x"], first["node"]["y"], second["node"]["x"]) == (100, 100, 0)
    assert first["node"]["parent_node"] == operation.id

    linked = post(
        f"graphs/{graph.id}/nodes/create_link",
        {"from": {"node_id": a, "resource": "out"}, "to": {"node_id": b, "resource": "input"}},
    ).json()
    assert linked["status"] == "SUCCESS"
    changed = post(
        f"graphs/{graph.id}/nodes/change_parameter",
        {"node_id": b, "parameter_name": "template", "parameter_value": "abc"},
    ).json()
    assert changed["status"] == "SUCCESS"

    listed = client.get(f"{V0}/graphs/{graph.id}/nodes/list_nodes").json()["nodes"]
    assert [node["_id"] for node in listed] == [a, b]
    assert listed[1]["inputs"][0]["values"] == [{"node_id": a, "output_id": "out"}]
    assert listed[1]["parameters"][0]["value"] == "abc"

    unlinked = post(
        f"graphs/{graph.id}/nodes/remove_link",
        {"from": {"node_id": a, "resource": "out"}, "to": {"node_id": b, "resource": "input"}},
    ).json()
    assert unlinked["graph"]["nodes"][1]["inputs"][0]["values"] == []
    removed = post(f"graphs/{graph.id}/nodes/remove_node", {"node_id": a}).json()
    assert [node["_id"] for node in removed["graph"]["nodes"]] == [b]
    graph.refresh_from_db()
    assert [doc["_id"] for doc in graph.nodes] == [b]
    assert graph.title == "Custom title"


@pytest.mark.parametrize(
    ("action", "body", "message"),
    [
        ("insert_node", {}, "Missing field(s): node_id."),
        ("insert_node", {"node_id": "65f0c0ffee0000000000dead"}, "was not found"),
        ("insert_node", {"node_id": "OPERATION", "x": "left"}, "`x` and `y` must be integers."),
        ("remove_node", {"node_id": "65f0c0ffee0000000000dead"}, "no node"),
        ("create_link", {"from": "a", "to": {}}, "`from` must be an object"),
        ("change_parameter", {"node_id": "x", "parameter_name": "p"}, "Missing field(s): parameter_value."),
        ("explode", {}, "Unknown action `explode`."),
    ],
    ids=["no-id", "unknown-operation", "bad-x", "unknown-node", "bad-link", "missing-value", "unknown-action"],
)
def test_bad_edits_get_a_clear_4xx_and_change_nothing(
    single_user: None, action: str, body: dict[str, Any], message: str
) -> None:
    owner = APIClient().get(f"{V0}/token").wsgi_request.user
    operation = grep_operation(owner)
    graph = empty_graph(owner)
    if body.get("node_id") == "OPERATION":
        body = {**body, "node_id": operation.id}
    response = post(f"graphs/{graph.id}/nodes/{action}", body)
    assert response.status_code in (400, 404)
    assert response.json()["status"] == "FAILED"
    assert message in response.json()["message"]
    graph.refresh_from_db()
    assert graph.nodes == []


def test_malformed_json_and_unknown_update_fields(single_user: None) -> None:
    owner = APIClient().get(f"{V0}/token").wsgi_request.user
    graph = empty_graph(owner)
    client = APIClient()
    malformed = client.patch(f"{V0}/graphs/{graph.id}/update", "{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert malformed.json()["status"] == "FAILED"
    unknown = client.patch(f"{V0}/graphs/{graph.id}/update", {"author": 1}, format="json")
    assert unknown.status_code == 400
    assert "Unknown field(s): author" in unknown.json()["message"]
    too_long = client.patch(f"{V0}/graphs/{graph.id}/update", {"title": "x" * 300}, format="json")
    assert too_long.status_code == 400
    assert "title" in too_long.json()["message"]
    graph.refresh_from_db()
    assert graph.title == "Title"


def test_others_graphs_are_read_only(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = True
    owner = person()
    graph = empty_graph(owner)
    operation = grep_operation(owner)
    reader = person(
        IAMPolicy.CAN_VIEW_WORKFLOWS,
        IAMPolicy.CAN_VIEW_OTHERS_WORKFLOWS,
        IAMPolicy.CAN_VIEW_OPERATIONS,
        IAMPolicy.CAN_VIEW_OTHERS_OPERATIONS,
    )
    refused = post(
        f"graphs/{graph.id}/nodes/insert_node", {"node_id": operation.id}, **basic(reader.username, PASSWORD)
    )
    assert refused.status_code == 403
    assert refused.json()["message"] == "This graph is read-only for you."
    listed = APIClient().get(f"{V0}/graphs/{graph.id}/nodes/list_nodes", **basic(reader.username, PASSWORD))
    assert listed.status_code == 200
    # Someone allowed to change others' workflows may.
    editor = person(*DEFAULT_POLICIES)
    done = post(f"graphs/{graph.id}/nodes/insert_node", {"node_id": operation.id}, **basic(editor.username, PASSWORD))
    assert done.status_code == 200
    graph.refresh_from_db()
    assert len(graph.nodes) == 1
