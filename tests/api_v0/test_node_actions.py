"""The seed's v0 API, node actions: POST nodes with SAVE, APPROVE, VALIDATE, DEPRECATE, ... and PREVIEW_CMD."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.nodes.models import Node
from tests.api_v0.test_read import PASSWORD, V0, basic, person

pytestmark = pytest.mark.django_db

NODE_ID = "5d27b8dd50e56dbbce063449"


@pytest.fixture
def single_user(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False


def bash_node(cmd: str = "grep {{ params.pattern | quote }} {{ inputs.input }} > {{ outputs.out }}") -> dict[str, Any]:
    return {
        "_id": NODE_ID,
        "title": "Grep",
        "description": "keep matching lines",
        "base_node_name": "bash_jinja2",
        "inputs": [{"name": "input", "file_types": ["file"], "values": [], "min_count": 1, "max_count": 1}],
        "outputs": [{"name": "out", "file_type": "file", "resource_id": None}],
        "parameters": [
            {"name": "cmd", "parameter_type": "code", "value": {"value": cmd, "mode": "sh"}},
            {"name": "pattern", "parameter_type": "str", "value": "5"},
        ],
        "logs": [{"name": "stdout", "file_type": "file", "resource_id": None}],
        "node_running_status": "CREATED",
        "node_status": "CREATED",
        "starred": False,
    }


def post(body: dict[str, Any], **headers: str) -> Any:
    return APIClient().post(f"{V0}/nodes", body, format="json", **headers)


def test_save_then_approve_then_deprecate_with_a_successor(single_user: None) -> None:
    saved = post({"node": bash_node(), "action": "SAVE"}).json()
    assert saved["status"] == "SUCCESS"
    node = Node.objects.get(pk=NODE_ID)
    assert (node.kind, node.title, node.node_status) == ("bash_jinja2", "Grep", "CREATED")
    approved = post({"node": saved["node"], "action": "APPROVE"}).json()
    assert approved["node"]["node_status"] == "READY"
    successor = post({"node": {**bash_node(), "_id": None, "title": "Grep v2"}, "actions": ["SAVE", "APPROVE"]}).json()
    successor_id = successor["node"]["_id"]
    deprecated = post({"node": {"_id": NODE_ID, "successor_node": successor_id}, "action": "DEPRECATE"}).json()
    assert deprecated["status"] == "SUCCESS"
    node.refresh_from_db()
    assert (node.node_status, node.successor_node_id) == ("DEPRECATED", successor_id)
    post({"node": {"_id": NODE_ID}, "action": "MANDATORY_DEPRECATE"})
    node.refresh_from_db()
    assert node.node_status == "MANDATORY_DEPRECATED"


def test_preview_cmd_renders_the_exact_script(single_user: None) -> None:
    body = post({"node": bash_node(), "action": "PREVIEW_CMD"}).json()
    assert body["status"] == "SUCCESS"
    assert body["preview_text"].startswith("grep 5 ")
    assert "inputs/" in body["preview_text"]
    assert not Node.objects.exists()


def test_validate_names_the_problem(single_user: None) -> None:
    body = post({"node": bash_node(cmd="{% if %}"), "action": "VALIDATE"}).json()
    assert body["status"] == "VALIDATION_FAILED"
    assert body["validation_error"]["object_id"] == NODE_ID
    (problem,) = body["validation_error"]["children"]
    assert (problem["target"], problem["object_id"]) == ("PARAMETER", "cmd")
    assert "template syntax error" in problem["message"]
    approved = post({"node": bash_node(cmd="{% if %}"), "action": "APPROVE"}).json()
    assert approved["status"] == "VALIDATION_FAILED"
    assert Node.objects.get(pk=NODE_ID).node_status == "CREATED"


def test_an_approved_operation_cannot_be_saved_and_others_are_read_only(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = True
    owner, other = person(), person()
    post({"node": bash_node(), "actions": ["SAVE", "APPROVE"]}, **basic(owner.username, PASSWORD))
    again = post({"node": {**bash_node(), "title": "changed"}, "action": "SAVE"}, **basic(owner.username, PASSWORD))
    assert again.status_code == 400
    assert "only a CREATED operation can be changed" in again.json()["message"]
    refused = post({"node": {"_id": NODE_ID}, "action": "DEPRECATE"}, **basic(other.username, PASSWORD))
    assert refused.status_code == 403
    assert refused.json() == {"status": "FAILED", "message": "This node is read-only for you."}
    assert Node.objects.get(pk=NODE_ID).node_status == "READY"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"node": bash_node()}, "`action` must be one or a list of"),
        ({"node": bash_node(), "action": "FLY"}, "`action` must be one or a list of"),
        ({"node": {**bash_node(), "base_node_name": "cobol"}, "action": "SAVE"}, "`base_node_name` must be one of"),
        ({"node": {**bash_node(), "_id": "x"}, "action": "SAVE"}, "24 hexadecimal digits"),
        ({"node": {**bash_node(), "parameters": [{"name": "n"}]}, "action": "SAVE"}, "parameters"),
        ({"node": bash_node(), "action": "DEPRECATE"}, "Only a stored node can be deprecated."),
        ({"node": []}, "`action` must be one or a list of"),
    ],
    ids=["no-action", "unknown-action", "unknown-kind", "bad-id", "bad-parameter", "deprecate-new", "node-list"],
)
def test_bad_requests_store_nothing(single_user: None, body: dict[str, Any], message: str) -> None:
    response = post(body)
    assert response.status_code == 400
    assert response.json()["status"] == "FAILED"
    assert message in response.json()["message"]
    assert not Node.objects.exists()
