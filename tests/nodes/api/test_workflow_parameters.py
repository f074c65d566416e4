"""Workflow parameters in the v1 API: references checked on save, validate and run; run overrides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.graphs.models import NodeRun, Run
from apps.nodes.choices import NodeStatus
from apps.nodes.models import Node
from apps.users.models import User
from tests.graphs.workflows import bash, out, param
from tests.nodes.api.conftest import make_operation, make_workflow, snapshot, sub_node

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user")]


@pytest.fixture
def api(client_as: Callable[[str], APIClient]) -> APIClient:
    return client_as("owner")


def say(reference: str = "greeting", parameter_type: str = "str", value: Any = "") -> dict[str, Any]:
    node = bash("say", "echo {{ params.tag }} > {{ outputs.out }}", outputs=[out("out")])
    node["parameters"].append({**param("tag", parameter_type, value), "reference": reference})
    return node


GREETING = param("greeting", "str", "hello")
COUNT = param("count", "int", 3)


def frozen_tag(run_id: str) -> Any:
    spec = NodeRun.objects.get(run_id=run_id, title="say").spec
    return next(p["value"] for p in spec["parameters"] if p["name"] == "tag")


def test_run_with_overrides_and_without(api: APIClient, owner: User) -> None:
    flow = make_workflow(owner, [say()], parameters=[GREETING, COUNT])
    plain = api.post(f"/api/v1/workflows/{flow.pk}/run/")
    assert plain.status_code == 201
    assert frozen_tag(plain.json()["run_id"]) == "hello"
    overridden = api.post(f"/api/v1/workflows/{flow.pk}/run/", {"parameters": {"greeting": "bye"}}, format="json")
    assert overridden.status_code == 201
    run = Run.objects.get(pk=overridden.json()["run_id"])
    assert overridden.json() == {"run_id": run.pk, "status": run.status}
    assert frozen_tag(run.pk) == "bye"
    assert run.graph["parameter_overrides"] == {"greeting": "bye"}
    detail = api.get(f"/api/v1/runs/{run.pk}/").json()
    assert detail["graph"]["parameters"] == [param("greeting", "str", "bye") | _flags(), COUNT | _flags()]
    empty = api.post(f"/api/v1/workflows/{flow.pk}/run/", {}, format="json")
    assert empty.status_code == 201
    assert frozen_tag(empty.json()["run_id"]) == "hello"


def _flags() -> dict[str, Any]:
    """The fields a stored parameter gets from its defaults."""
    return {"mutable_type": True, "removable": True, "publicable": True, "widget": None, "reference": None}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"parameters": {"greting": "x"}},
            {"parameters": ["unknown workflow parameter(s) 'greting'; the workflow's parameters are: count, greeting"]},
        ),
        ({"parameters": {"count": "3"}}, {"parameters": ["'count' (int): expected an integer, got '3'"]}),
        ({"parameters": ["greeting"]}, {"parameters": ['Expected a dictionary of items but got type "list".']}),
        ({"params": {"greeting": "x"}}, {"params": ["unknown field"]}),
    ],
    ids=["unknown-name", "wrong-type", "not-an-object", "unknown-field"],
)
def test_bad_overrides_are_400_naming_them(
    api: APIClient, owner: User, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    flow = make_workflow(owner, [say()], parameters=[GREETING, COUNT])
    refused = api.post(f"/api/v1/workflows/{flow.pk}/run/", body, format="json")
    assert (refused.status_code, refused.json()) == (400, expected)
    assert Run.objects.count() == 0


def test_only_who_may_run_may_override(client_as: Callable[[str], APIClient], owner: User) -> None:
    flow = make_workflow(owner, [say()], parameters=[GREETING])
    assert (
        client_as("anonymous").post(f"/api/v1/workflows/{flow.pk}/run/", {"parameters": {}}, format="json").status_code
        == 401
    )
    hidden = client_as("loner").post(
        f"/api/v1/workflows/{flow.pk}/run/", {"parameters": {"greeting": "x"}}, format="json"
    )
    assert hidden.status_code == 404
    assert Run.objects.count() == 0


def test_a_broken_reference_is_refused_on_save(api: APIClient, owner: User) -> None:
    created = api.post(
        "/api/v1/workflows/", {"title": "f", "nodes": [say("missing")], "parameters": [GREETING]}, format="json"
    )
    assert created.status_code == 400
    node_id = created.json()["nodes"][0].split("(")[1].split(")")[0]
    assert created.json() == {
        "nodes": [
            f"node 'say' ({node_id}): parameter 'tag' of 'say' refers to the workflow parameter 'missing', "
            "which does not exist"
        ]
    }
    flow = make_workflow(owner, [say()], parameters=[GREETING])
    before = snapshot(flow)
    node = flow.nodes[0]
    # Removing the parameter a node refers to, or changing its type, is refused too.
    for parameters, problem in [
        ([], "refers to the workflow parameter 'greeting', which does not exist"),
        ([param("greeting", "int", 1)], "is of type str but refers to the workflow parameter 'greeting' of type int"),
    ]:
        refused = api.patch(f"/api/v1/workflows/{flow.pk}/", {"parameters": parameters}, format="json")
        assert (refused.status_code, refused.json()) == (
            400,
            {"nodes": [f"node 'say' ({node['_id']}): parameter 'tag' of 'say' {problem}"]},
        )
    assert snapshot(flow) == before
    fixed = api.patch(f"/api/v1/workflows/{flow.pk}/", {"parameters": [param("greeting", "str", "hi")]}, format="json")
    assert fixed.status_code == 200
    assert fixed.json()["parameters"][0]["value"] == "hi"


def test_validate_and_run_report_broken_references_as_a_tree(api: APIClient, owner: User) -> None:
    # Saved before references were checked on save (or by another API face): validation still finds it.
    flow = make_workflow(owner, [say("count")], parameters=[GREETING, COUNT])
    node_id = flow.nodes[0]["_id"]
    validated = api.post(f"/api/v1/workflows/{flow.pk}/validate/").json()
    assert validated["valid"] is False
    assert validated["validation_error"]["children"] == [
        {
            "target": "NODE",
            "object_id": node_id,
            "validation_code": "IN_DEPENDENTS",
            "message": "'say' has 1 problem(s)",
            "children": [
                {
                    "target": "PARAMETER",
                    "object_id": "tag",
                    "validation_code": "TYPE_MISMATCH",
                    "message": "parameter 'tag' of 'say' is of type str but refers to the workflow parameter "
                    "'count' of type int",
                    "children": [],
                }
            ],
        }
    ]
    refused = api.post(f"/api/v1/workflows/{flow.pk}/run/", {"parameters": {"count": 4}}, format="json")
    assert refused.status_code == 400
    assert refused.json()["validation_error"] == validated["validation_error"]
    assert Run.objects.count() == 0


def test_upgrading_a_node_keeps_its_link_to_a_workflow_parameter(api: APIClient, owner: User) -> None:
    old = make_operation(owner, status=NodeStatus.READY)
    new = make_operation(owner, status=NodeStatus.READY, title="Split v2")
    Node.objects.filter(pk=old.pk).update(node_status=NodeStatus.DEPRECATED, successor_node=new)
    node = sub_node(old)
    node["parameters"] = [
        {**p, "value": 0.25, "reference": "rate"} if p["name"] == "rate" else p for p in node["parameters"]
    ]
    flow = make_workflow(owner, [node], parameters=[param("rate", "float", 0.75)])
    upgraded = api.post(f"/api/v1/workflows/{flow.pk}/upgrade_nodes/").json()
    assert upgraded["upgraded_nodes_count"] == 1
    rate = next(p for p in upgraded["workflow"]["nodes"][0]["parameters"] if p["name"] == "rate")
    assert (rate["value"], rate["reference"]) == (0.25, "rate")


def test_the_schema_describes_the_run_body(api: APIClient) -> None:
    schema = api.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/workflows/{id}/run/"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert body["properties"]["parameters"]["type"] == "object"
    assert "for this run only" in body["properties"]["parameters"]["description"]
    assert set(operation["responses"]) == {"201", "400"}
