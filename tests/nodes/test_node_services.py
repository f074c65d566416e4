"""Services of operations and workflows (apps.nodes.node_services)."""

from __future__ import annotations

import tempfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from apps.graphs.models import Run
from apps.nodes import node_services as services
from apps.nodes.choices import NodeStatus
from apps.nodes.models import Node
from tests.factories import NodeFactory, UserFactory
from tests.graphs.workflows import bash, inp, link, out, python
from tests.nodes.api.conftest import chain, make_operation, make_workflow, operation_fields, snapshot, sub_node

pytestmark = pytest.mark.django_db


def _codes(tree: dict[str, Any]) -> list[str]:
    if not tree["children"]:
        return [tree["validation_code"]]
    return [code for child in tree["children"] for code in _codes(child)]


def test_documents_are_stored_in_canonical_form() -> None:
    node = services.node_create(
        author=UserFactory(),
        workflow=False,
        data={"kind": "python", "parameters": [{"name": "n", "parameter_type": "float", "value": 1}]},
    )
    node.refresh_from_db()
    assert node.parameters == [
        {
            "name": "n",
            "parameter_type": "float",
            "value": 1.0,
            "mutable_type": True,
            "removable": True,
            "publicable": True,
            "widget": None,
            "reference": None,
        }
    ]


def test_document_errors_name_the_node_and_the_field() -> None:
    good = python("fine", "pass\n")
    bad = python("Broken", "pass\n", inputs=[{"name": "in", "file_types": []}])
    with pytest.raises(ValidationError) as caught:
        services.node_documents_parse(data={"nodes": [good, bad, {"kind": "python"}, good], "outputs": [{"name": 1}]})
    assert caught.value.message_dict == {
        "outputs": [
            "outputs: 0.name: Input should be a valid string; 0.file_type: Field required",
        ],
        "nodes": [
            f"node 'Broken' ({bad['_id']}): inputs.0.file_types: "
            "List should have at least 1 item after validation, not 0",
            "node #2: _id: Field required",
            f"node 'fine' ({good['_id']}): another node has the id {good['_id']}",
        ],
    }


@pytest.mark.parametrize(
    ("workflow", "kind", "message"),
    [
        (False, "", "an operation needs a kind, such as python or bash_jinja2"),
        (False, "workflow", "unknown operation kind 'workflow'; use one of file, bash_jinja2, python, composite"),
        (True, "python", "unknown workflow kind 'python'; use one of workflow"),
    ],
)
def test_create_checks_the_kind(workflow: bool, kind: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.node_create(author=UserFactory(), workflow=workflow, data={"kind": kind})
    assert caught.value.message_dict == {"kind": [message]}
    assert Node.objects.count() == 0


def test_an_approved_operation_is_not_changed_or_deleted() -> None:
    operation = make_operation(UserFactory(), status=NodeStatus.READY)
    before = snapshot(operation)
    with pytest.raises(ValidationError, match="only a CREATED operation can be changed; clone it"):
        services.node_update(node=operation, data={"title": "new"})
    with pytest.raises(ValidationError, match="deprecate it instead of deleting it"):
        services.node_delete(node=operation)
    with pytest.raises(ValidationError, match="the kind cannot be changed"):
        services.node_update(node=operation, data={"kind": "bash_jinja2"})
    assert snapshot(operation) == before


def test_approve_validates_first() -> None:
    operation = make_operation(UserFactory(), cmd="def broken(:\n")
    with pytest.raises(services.NodeValidationFailed) as caught:
        services.operation_approve(operation=operation)
    tree = caught.value.error.to_dict()
    assert tree["object_id"] == operation.pk
    assert [child["message"] for child in tree["children"]] == ["cmd: syntax error on line 1: invalid syntax"]
    operation.refresh_from_db()
    assert operation.node_status == NodeStatus.CREATED


def test_approve_then_deprecate_with_a_successor() -> None:
    author = UserFactory()
    operation = services.operation_approve(operation=make_operation(author))
    assert Node.objects.get(pk=operation.pk).node_status == NodeStatus.READY
    with pytest.raises(ValidationError, match="only a CREATED operation can be approved; it is READY"):
        services.operation_approve(operation=operation)
    successor = make_operation(author, status=NodeStatus.READY)
    services.operation_deprecate(operation=operation, successor=successor)
    operation.refresh_from_db()
    assert (operation.node_status, operation.successor_node_id) == (NodeStatus.DEPRECATED, successor.pk)
    services.operation_deprecate(operation=operation, mandatory=True)
    operation.refresh_from_db()
    assert (operation.node_status, operation.successor_node_id) == (NodeStatus.MANDATORY_DEPRECATED, successor.pk)


@pytest.mark.parametrize(
    ("successor_of", "message"),
    [
        ("self", "an operation cannot succeed itself"),
        ("workflow", "is a workflow, not an operation"),
        ("deprecated", "is deprecated itself"),
    ],
)
def test_deprecate_refuses_a_bad_successor(successor_of: str, message: str) -> None:
    author = UserFactory()
    operation = make_operation(author, status=NodeStatus.READY)
    successor = {
        "self": operation,
        "workflow": make_workflow(author),
        "deprecated": make_operation(author, status=NodeStatus.DEPRECATED),
    }[successor_of]
    before = snapshot(operation)
    with pytest.raises(ValidationError, match=message):
        services.operation_deprecate(operation=operation, successor=successor)
    assert snapshot(operation) == before


def test_deprecating_a_created_operation_is_refused() -> None:
    operation = make_operation(UserFactory())
    with pytest.raises(ValidationError, match="it can become DEPRECATED only from READY"):
        services.operation_deprecate(operation=operation)
    assert Node.objects.get(pk=operation.pk).node_status == NodeStatus.CREATED


def test_preview_cmd_renders_the_bash_script_with_placeholder_paths() -> None:
    doc = bash(
        "Sort",
        "sort {{ inputs['in'] | quote }} -k {{ params['column'] }} > {{ outputs.out }}\n",
        inputs=[inp("in", types=("csv",))],
        outputs=[out("out", "csv")],
        params=[{"name": "column", "parameter_type": "int", "value": 3}],
    )
    del doc["_id"]
    operation = Node.objects.create(author=UserFactory(), **doc)
    text = services.operation_preview_cmd(operation=operation)
    workdir = f"{tempfile.gettempdir()}/plynx-node-preview"
    assert text == f"sort {workdir}/inputs/0_in -k 3 > {workdir}/outputs/out\n"


def test_preview_cmd_of_python_shows_the_preamble_and_the_code() -> None:
    operation = make_operation(UserFactory(), cmd="print(params['rate'])\n")
    text = services.operation_preview_cmd(operation=operation)
    assert text.endswith("# User code starts here\nprint(params['rate'])\n")
    assert text.startswith("import json as _plynx_json\n")


@pytest.mark.parametrize(
    ("kind", "cmd", "message"),
    [
        ("file", None, "file nodes are never executed"),
        (
            "bash_jinja2",
            "{{ params['missing'] }}",
            "template error on line 1: 'dict object' has no attribute 'missing'",
        ),
    ],
)
def test_preview_cmd_explains_why_there_is_no_script(kind: str, cmd: str | None, message: str) -> None:
    parameters = (
        [] if cmd is None else [{"name": "cmd", "parameter_type": "code", "value": {"value": cmd, "mode": "sh"}}]
    )
    operation = Node.objects.create(author=UserFactory(), kind=kind, parameters=parameters)
    with pytest.raises(ValidationError) as caught:
        services.operation_preview_cmd(operation=operation)
    assert caught.value.message_dict == {"cmd": [message]}


def test_clone_is_an_editable_copy_owned_by_the_caller() -> None:
    original = make_operation(UserFactory(), status=NodeStatus.READY, starred=True)
    me = UserFactory()
    copy = services.node_clone(node=original, author=me)
    copy.refresh_from_db()
    assert copy.pk != original.pk
    assert (copy.author, copy.parent_node, copy.node_status, copy.starred) == (me, original, NodeStatus.CREATED, False)
    assert (copy.inputs, copy.outputs, copy.parameters, copy.title) == (
        original.inputs,
        original.outputs,
        original.parameters,
        original.title,
    )


def test_rearrange_places_nodes_by_layer_and_order() -> None:
    # a → b → d, a → c → d, e alone, and f fed by b.
    a = python("a", "pass\n", outputs=[out("out")])
    b = python("b", "pass\n", inputs=[inp("in", link(a, "out"))], outputs=[out("out")])
    c = python("c", "pass\n", inputs=[inp("in", link(a, "out"))], outputs=[out("out")])
    d = python("d", "pass\n", inputs=[inp("in", link(b, "out"), link(c, "out"), max_count=-1)])
    e = python("e", "pass\n")
    f = python("f", "pass\n", inputs=[inp("in", link(b, "out"))])
    workflow = make_workflow(UserFactory(), [d, f, c, b, e, a])
    services.workflow_rearrange(workflow=workflow)
    workflow.refresh_from_db()
    places = {doc["title"]: (doc["x"], doc["y"]) for doc in workflow.nodes}
    assert places == {
        "e": (20, 20),
        "a": (20, 180),
        "c": (320, 20),
        "b": (320, 180),
        "d": (620, 20),
        "f": (620, 180),
    }
    # Only the positions changed.
    assert [doc["_id"] for doc in workflow.nodes] == [doc["_id"] for doc in (d, f, c, b, e, a)]


def test_rearrange_refuses_a_cycle() -> None:
    a = python("a", "pass\n", outputs=[out("out")])
    b = python("b", "pass\n", inputs=[inp("in", link(a, "out"))], outputs=[out("out")])
    a["inputs"] = [inp("in", link(b, "out"))]
    workflow = make_workflow(UserFactory(), [a, b])
    before = snapshot(workflow)
    with pytest.raises(ValidationError, match="the workflow has a cycle through"):
        services.workflow_rearrange(workflow=workflow)
    assert snapshot(workflow) == before


def test_upgrade_nodes_replaces_deprecated_operations_keeping_links_by_name() -> None:
    author = UserFactory()
    old = make_operation(author, status=NodeStatus.DEPRECATED, title="Split")
    new_fields = operation_fields(title="Split v2", cmd="print('v2')\n")
    # The new version renames output b.csv to rest.csv and adds a parameter.
    new_fields["outputs"] = [{"name": "a.csv", "file_type": "csv"}, {"name": "rest.csv", "file_type": "csv"}]
    new_fields["parameters"].append({"name": "seed", "parameter_type": "int", "value": 7})
    newest = Node.objects.create(author=author, node_status=NodeStatus.READY, **new_fields)
    middle = make_operation(author, status=NodeStatus.DEPRECATED, successor_node=newest)
    Node.objects.filter(pk=old.pk).update(successor_node=middle)
    old.refresh_from_db()
    upstream = python("source", "pass\n", outputs=[out("out", "csv")])
    split = sub_node(old, x=40, y=50)
    split["inputs"][0]["values"] = [link(upstream, "out")]
    split["parameters"][1]["value"] = 0.25
    uses_a = python("uses a", "pass\n", inputs=[inp("in", link(split, "a.csv"), types=("csv",))])
    uses_b = python("uses b", "pass\n", inputs=[inp("in", link(split, "b.csv"), types=("csv",), min_count=0)])
    current = sub_node(make_operation(author, status=NodeStatus.READY))
    workflow = make_workflow(author, [upstream, split, uses_a, uses_b, current])

    result = services.workflow_upgrade_nodes(workflow=workflow)

    assert result.upgraded_nodes_count == 1
    workflow.refresh_from_db()
    docs = {doc["_id"]: doc for doc in workflow.nodes}
    upgraded = docs[split["_id"]]
    assert upgraded["original_node_id"] == newest.pk
    assert (upgraded["title"], upgraded["x"], upgraded["y"]) == ("Split v2", 40, 50)
    assert upgraded["inputs"][0]["values"] == [{"node_id": upstream["_id"], "output_id": "out"}]
    assert {p["name"]: p["value"] for p in upgraded["parameters"]} == {
        "cmd": {"value": "print('v2')\n", "mode": "python"},
        "rate": 0.25,
        "seed": 7,
    }
    assert [o["name"] for o in upgraded["outputs"]] == ["a.csv", "rest.csv"]
    assert docs[uses_a["_id"]]["inputs"][0]["values"] == [{"node_id": split["_id"], "output_id": "a.csv"}]
    assert docs[uses_b["_id"]]["inputs"][0]["values"] == []
    assert docs[current["_id"]] == Node.objects.get(pk=workflow.pk).nodes[4]
    # Nothing left to upgrade.
    assert services.workflow_upgrade_nodes(workflow=workflow).upgraded_nodes_count == 0


def test_upgrade_nodes_leaves_nodes_without_a_usable_successor() -> None:
    author = UserFactory()
    lone = make_operation(author, status=NodeStatus.DEPRECATED)
    draft = make_operation(author, status=NodeStatus.CREATED)
    to_draft = make_operation(author, status=NodeStatus.DEPRECATED, successor_node=draft)
    workflow = make_workflow(author, [sub_node(lone), sub_node(to_draft)])
    before = snapshot(workflow)
    assert services.workflow_upgrade_nodes(workflow=workflow).upgraded_nodes_count == 0
    assert snapshot(workflow) == before


def test_workflow_validate_reports_cycles_and_type_mismatches() -> None:
    a = python("a", "pass\n", outputs=[out("out", "csv")])
    b = python("b", "pass\n", inputs=[inp("in", link(a, "out"), types=("csv",))], outputs=[out("out", "csv")])
    a["inputs"] = [inp("in", link(b, "out"), types=("csv",))]
    image = python("image", "pass\n", inputs=[inp("in", link(a, "out"), types=("image",))])
    workflow = make_workflow(UserFactory(), [a, b, image])
    error = services.workflow_validate(workflow=workflow)
    assert error is not None
    assert sorted(_codes(error.to_dict())) == ["CYCLE", "CYCLE", "TYPE_MISMATCH"]
    assert services.workflow_validate(workflow=make_workflow(UserFactory(), chain(3))) is None


def test_workflow_run_starts_a_run_or_reports_the_tree() -> None:
    author = UserFactory()
    run = services.workflow_run(workflow=make_workflow(author, chain(2)), author=author)
    assert Run.objects.get(pk=run.pk).workflow_id is not None
    broken = make_workflow(author, [python("needs input", "pass\n", inputs=[inp("in")])])
    with pytest.raises(services.NodeValidationFailed) as caught:
        services.workflow_run(workflow=broken, author=author)
    assert _codes(caught.value.error.to_dict()) == ["MISSING_INPUT"]
    assert Run.objects.count() == 1


def test_star_does_not_touch_the_rest() -> None:
    node = NodeFactory()
    before = snapshot(node)
    services.node_star(node=node, starred=True)
    assert snapshot(node) == {**before, "starred": True}


def test_a_stale_copy_cannot_change_an_operation_approved_meanwhile() -> None:
    operation = make_operation(UserFactory())
    stale = Node.objects.get(pk=operation.pk)
    services.operation_approve(operation=operation)
    before = snapshot(operation)
    with pytest.raises(ValidationError, match="the operation is READY: only a CREATED operation can be changed"):
        services.node_update(node=stale, data={"title": "late edit"})
    with pytest.raises(ValidationError, match="the operation is READY; it can become READY only from CREATED"):
        services.operation_approve(operation=stale)
    assert snapshot(operation) == before
