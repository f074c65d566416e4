"""What the operation, workflow and hub endpoints answer (as their owner, in multi-user mode)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.graphs.models import Run
from apps.nodes.choices import NodeStatus
from apps.nodes.models import Node
from apps.users.models import User
from tests.graphs.workflows import inp, link, out, python
from tests.nodes.api.conftest import chain, make_operation, make_workflow, operation_fields, snapshot, sub_node

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user")]


@pytest.fixture
def api(client_as: Callable[[str], APIClient]) -> APIClient:
    return client_as("owner")


def test_create_retrieve_update_delete_an_operation(api: APIClient) -> None:
    created = api.post("/api/v1/operations/", operation_fields(title="Split"), format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["kind"], body["title"], body["node_status"], body["author_name"]) == (
        "python",
        "Split",
        "CREATED",
        "owner",
    )
    path = f"/api/v1/operations/{body['id']}/"
    fetched = api.get(path).json()
    assert fetched == {**body, "inputs": fetched["inputs"], "parameters": fetched["parameters"]}
    # A client may send back what it read, read-only fields included.
    fetched["title"] = "Split rows"
    updated = api.put(path, fetched, format="json")
    assert updated.status_code == 200
    assert updated.json()["title"] == "Split rows"
    assert Node.objects.get(pk=body["id"]).title == "Split rows"
    assert api.delete(path).status_code == 204
    assert not Node.objects.filter(pk=body["id"]).exists()


def test_approve_answers_the_validation_tree_when_invalid(api: APIClient, owner: User) -> None:
    operation = make_operation(owner, cmd="def broken(:\n")
    response = api.post(f"/api/v1/operations/{operation.pk}/approve/")
    assert response.status_code == 400
    assert response.json()["detail"] == "'Split' has 1 problem(s)"
    assert (
        response.json()["validation_error"]["children"][0]["message"] == "cmd: syntax error on line 1: invalid syntax"
    )
    assert Node.objects.get(pk=operation.pk).node_status == NodeStatus.CREATED
    fixed = api.patch(
        f"/api/v1/operations/{operation.pk}/",
        {"parameters": operation_fields()["parameters"]},
        format="json",
    )
    assert fixed.status_code == 200
    approved = api.post(f"/api/v1/operations/{operation.pk}/approve/")
    assert approved.json()["node_status"] == "READY"
    # Approved: no longer editable.
    refused = api.patch(f"/api/v1/operations/{operation.pk}/", {"title": "late"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "node_status": ["the operation is READY: only a CREATED operation can be changed; clone it"]
    }


def test_validate_and_preview_an_operation(api: APIClient, owner: User) -> None:
    operation = make_operation(owner)
    assert api.post(f"/api/v1/operations/{operation.pk}/validate/").json() == {
        "valid": True,
        "validation_error": None,
    }
    preview = api.post(f"/api/v1/operations/{operation.pk}/preview_cmd/").json()["preview_text"]
    assert preview.endswith("# User code starts here\nprint(params['rate'])\n")
    broken = make_operation(owner, cmd="x = (")
    result = api.post(f"/api/v1/operations/{broken.pk}/validate/").json()
    assert result["valid"] is False
    assert result["validation_error"]["object_id"] == broken.pk
    assert [c["validation_code"] for c in result["validation_error"]["children"]] == ["INVALID_VALUE"]


def test_deprecate_with_a_successor(api: APIClient, owner: User) -> None:
    operation = make_operation(owner, status=NodeStatus.READY)
    successor = make_operation(owner, status=NodeStatus.READY)
    response = api.post(f"/api/v1/operations/{operation.pk}/deprecate/", {"successor": successor.pk}, format="json")
    assert response.status_code == 200
    assert (response.json()["node_status"], response.json()["successor_node"]) == ("DEPRECATED", successor.pk)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"successor": "0" * 24}, {"successor": ["no operation 000000000000000000000000"]}),
        ({"successor": "../x"}, {"successor": ["This value does not match the required pattern."]}),
        ({"replacement": "x"}, {"replacement": ["unknown field"]}),
    ],
    ids=["unknown-id", "malformed-id", "unknown-field"],
)
def test_deprecate_refuses_bad_bodies(api: APIClient, owner: User, body: dict[str, Any], expected: Any) -> None:
    operation = make_operation(owner, status=NodeStatus.READY)
    before = snapshot(operation)
    response = api.post(f"/api/v1/operations/{operation.pk}/deprecate/", body, format="json")
    assert (response.status_code, response.json()) == (400, expected)
    assert snapshot(operation) == before


def test_clone_an_operation_of_someone_else(client_as: Callable[[str], APIClient], owner: User) -> None:
    operation = make_operation(owner, status=NodeStatus.READY)
    response = client_as("other").post(f"/api/v1/operations/{operation.pk}/clone/")
    assert response.status_code == 201
    body = response.json()
    assert (body["author_name"], body["parent_node"], body["node_status"], body["readonly"]) == (
        "other",
        operation.pk,
        "CREATED",
        False,
    )


def test_operations_list_search_filters_and_ordering(api: APIClient, owner: User) -> None:
    split = make_operation(owner, title="Split", status=NodeStatus.READY)
    join = make_operation(owner, title="Join", status=NodeStatus.CREATED, starred=True)
    make_operation(owner, title="Sort", kind="bash_jinja2", status=NodeStatus.READY)

    def titles(query: str) -> list[str]:
        response = api.get(f"/api/v1/operations/?{query}")
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["results"]]

    assert titles("ordering=title") == ["Join", "Sort", "Split"]
    assert titles("ordering=-title&status=READY") == ["Split", "Sort"]
    assert titles("search=status:READY kind:python") == ["Split"]
    assert titles("search=starred:true") == ["Join"]
    assert titles("search=author:owner spl") == ["Split"]
    assert titles("kind=bash_jinja2") == ["Sort"]
    assert titles("author=OWNER&starred=true") == ["Join"]
    assert titles("ordering=title&limit=1&offset=1") == ["Sort"]
    assert api.get("/api/v1/operations/?search=owner:me").json() == {
        "search": ["unknown search key 'owner'; use one of author, kind, status, starred, id"]
    }
    assert api.get("/api/v1/operations/?status=DONE").status_code == 400
    assert {split.pk, join.pk} <= {item["id"] for item in api.get("/api/v1/operations/").json()["results"]}


def test_workflow_validate_run_and_clone(api: APIClient, owner: User) -> None:
    workflow = make_workflow(owner, chain(3))
    assert api.post(f"/api/v1/workflows/{workflow.pk}/validate/").json() == {"valid": True, "validation_error": None}
    started = api.post(f"/api/v1/workflows/{workflow.pk}/run/")
    assert started.status_code == 201
    run = Run.objects.get()
    assert started.json() == {"run_id": run.pk, "status": run.status}
    assert (run.workflow_id, run.author_id) == (workflow.pk, owner.pk)
    cloned = api.post(f"/api/v1/workflows/{workflow.pk}/clone/").json()
    assert (cloned["parent_node"], cloned["nodes"], cloned["readonly"]) == (workflow.pk, workflow.nodes, False)


def test_a_workflow_that_cannot_run_answers_its_tree(api: APIClient, owner: User) -> None:
    a = python("a", "pass\n", outputs=[out("out", "csv")])
    b = python("b", "pass\n", inputs=[inp("in", link(a, "out"), types=("csv",))], outputs=[out("out", "csv")])
    a["inputs"] = [inp("in", link(b, "out"), types=("csv",))]
    image = python("image", "pass\n", inputs=[inp("in", link(b, "out"), types=("image",))])
    workflow = make_workflow(owner, [a, b, image])
    validated = api.post(f"/api/v1/workflows/{workflow.pk}/validate/").json()
    assert validated["valid"] is False
    children = validated["validation_error"]["children"]
    assert [child["validation_code"] for child in children] == ["CYCLE", "IN_DEPENDENTS"]
    assert children[0]["message"] == "the workflow has a cycle: a → b → a"
    assert children[1]["children"][0]["message"] == (
        "output 'out' of 'b' is csv, but input 'in' of 'image' takes image"
    )
    before = snapshot(workflow)
    refused = api.post(f"/api/v1/workflows/{workflow.pk}/run/")
    assert refused.status_code == 400
    assert refused.json()["validation_error"] == validated["validation_error"]
    assert Run.objects.count() == 0
    rearranged = api.post(f"/api/v1/workflows/{workflow.pk}/rearrange/")
    assert rearranged.status_code == 400
    assert rearranged.json()["nodes"][0].startswith("the workflow has a cycle through")
    assert snapshot(workflow) == before


def test_rearrange_and_upgrade_answer_the_workflow(api: APIClient, owner: User) -> None:
    old = make_operation(owner, status=NodeStatus.READY)
    new = make_operation(owner, status=NodeStatus.READY, title="Split v2")
    Node.objects.filter(pk=old.pk).update(node_status=NodeStatus.DEPRECATED, successor_node=new)
    workflow = make_workflow(owner, [*chain(2), sub_node(old)])
    rearranged = api.post(f"/api/v1/workflows/{workflow.pk}/rearrange/").json()
    assert [(n["x"], n["y"]) for n in rearranged["nodes"]] == [(20, 20), (320, 20), (20, 180)]
    upgraded = api.post(f"/api/v1/workflows/{workflow.pk}/upgrade_nodes/").json()
    assert upgraded["upgraded_nodes_count"] == 1
    assert upgraded["workflow"]["nodes"][2]["original_node_id"] == new.pk
    assert upgraded["workflow"]["nodes"][2]["title"] == "Split v2"
    assert Node.objects.get(pk=workflow.pk).nodes[2]["original_node_id"] == new.pk


def test_star_and_unstar(api: APIClient, owner: User) -> None:
    workflow = make_workflow(owner)
    assert api.post(f"/api/v1/workflows/{workflow.pk}/star/").json()["starred"] is True
    assert [w["id"] for w in api.get("/api/v1/workflows/?starred=true").json()["results"]] == [workflow.pk]
    assert api.post(f"/api/v1/workflows/{workflow.pk}/unstar/").json()["starred"] is False
    assert Node.objects.get(pk=workflow.pk).starred is False


def test_workflows_list_leaves_out_the_graphs(api: APIClient, owner: User) -> None:
    make_workflow(owner, chain(5))
    (item,) = api.get("/api/v1/workflows/").json()["results"]
    assert "nodes" not in item
    assert item["title"] == "flow"


def test_hubs_and_their_search(api: APIClient, owner: User) -> None:
    split = make_operation(owner, status=NodeStatus.READY)
    make_operation(owner, status=NodeStatus.CREATED)
    database, demo = api.get("/api/v1/hubs/").json()
    assert database == {
        "kind": "database",
        "title": "Operations",
        "icon": "database",
        "groups": [
            {"key": "file", "kind": "file", "title": "File", "icon": "file", "color": "#9e9e9e", "count": 0},
            {
                "key": "bash_jinja2",
                "kind": "bash_jinja2",
                "title": "BashJinja2",
                "icon": "terminal",
                "color": "#0277bd",
                "count": 0,
            },
            {"key": "python", "kind": "python", "title": "Python", "icon": "code", "color": "#283593", "count": 1},
            {
                "key": "composite",
                "kind": "composite",
                "title": "Composite",
                "icon": "layers",
                "color": "#4527a0",
                "count": 0,
            },
        ],
    }
    assert demo["kind"] == "demo"  # operations defined in code: tests/nodes/test_hubs.py

    def found(query: str) -> list[str]:
        response = api.get(f"/api/v1/hubs/search/?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["results"]]

    assert found("") == [split.pk]
    assert found("q=spl&kind=python&input_file_type=csv&output_file_type=csv&hub=database") == [split.pk]
    assert found("input_file_type=image") == []
    assert found("q=status:READY") == [split.pk]
    assert api.get("/api/v1/hubs/search/?kind=nope").json() == {
        "kind": ["unknown operation kind 'nope'; use one of file, bash_jinja2, python, composite"]
    }
    assert api.get("/api/v1/hubs/search/?input_file_type=exe").status_code == 400
    assert api.get("/api/v1/hubs/search/?hub=nope").json() == {"hub": ["unknown hub 'nope'; use one of database, demo"]}


def test_the_schema_describes_the_collections(api: APIClient) -> None:
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/operations/",
        "/api/v1/operations/{id}/approve/",
        "/api/v1/operations/{id}/preview_cmd/",
        "/api/v1/workflows/{id}/upgrade_nodes/",
        "/api/v1/hubs/",
        "/api/v1/hubs/search/",
    ):
        assert path in paths
    parameters = {p["name"] for p in paths["/api/v1/operations/"]["get"]["parameters"]}
    assert parameters == {"search", "status", "kind", "author", "starred", "ordering", "limit", "offset"}
    components = schema["components"]["schemas"]
    assert "nodes" not in components["WorkflowList"]["properties"]
    assert components["Workflow"]["properties"]["nodes"]["items"]["required"] == ["_id", "kind"]
    assert components["Workflow"]["properties"]["readonly"] == {"type": "boolean", "readOnly": True}
