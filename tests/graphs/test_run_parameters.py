"""Workflow parameters: node parameters that refer to them, run overrides, and what the cache key sees."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from apps.graphs.models import NodeRun, Run
from apps.graphs.services import RunValidationFailed, run_cancel, run_create, run_rerun_failed
from apps.nodes.models import Node
from tests.factories import UserFactory
from tests.graphs.workflows import bash, out, param, workflow

pytestmark = pytest.mark.django_db


def ref(name: str, parameter_type: str, value: Any, reference: str) -> dict[str, Any]:
    return {**param(name, parameter_type, value), "reference": reference}


def echo(title: str, *params: dict[str, Any]) -> dict[str, Any]:
    return bash(title, "echo {{ params.tag }} > {{ outputs.out }}", outputs=[out("out")], params=list(params))


def with_parameters(flow: Node, *parameters: dict[str, Any]) -> Node:
    flow.parameters = list(parameters)
    flow.save()
    return flow


def frozen(run: Run, node: dict[str, Any]) -> dict[str, Any]:
    spec = NodeRun.objects.get(run=run, node_id=node["_id"]).spec
    return {p["name"]: p["value"] for p in spec["parameters"]}


def cache_key(run: Run, node: dict[str, Any]) -> str:
    return NodeRun.objects.get(run=run, node_id=node["_id"]).cache_key


def test_a_referring_parameter_takes_the_workflow_value_in_the_frozen_graph() -> None:
    author = UserFactory()
    node = echo("say", ref("tag", "str", "own value", "greeting"), ref("n", "int", 0, "count"))
    flow = with_parameters(
        workflow(author, node), param("greeting", "str", "hello"), param("count", "int", 3), param("unused", "int", 1)
    )
    run = run_create(workflow=flow, author=author)
    assert {name: frozen(run, node)[name] for name in ("tag", "n")} == {"tag": "hello", "n": 3}
    spec = NodeRun.objects.get(run=run, node_id=node["_id"]).spec
    assert [p.get("reference") for p in spec["parameters"] if p["name"] in ("tag", "n")] == ["greeting", "count"]
    assert run.graph["parameters"] == flow.parameters
    assert "parameter_overrides" not in run.graph
    # The workflow itself is left as it was saved.
    assert Node.objects.get(pk=flow.pk).nodes[0]["parameters"][1]["value"] == "own value"


def test_the_cache_key_sees_the_value_a_reference_brings() -> None:
    author = UserFactory()
    referring = echo("say", ref("tag", "str", "ignored", "greeting"))
    flow = with_parameters(workflow(author, referring), param("greeting", "str", "hello"))
    plain = echo("say", param("tag", "str", "hello"))
    plain_flow = workflow(author, plain)
    by_reference = cache_key(run_create(workflow=flow, author=author), referring)
    assert by_reference == cache_key(run_create(workflow=plain_flow, author=author), plain)
    overridden = cache_key(run_create(workflow=flow, author=author, parameters={"greeting": "bye"}), referring)
    assert overridden != by_reference
    assert overridden == cache_key(run_create(workflow=flow, author=author, parameters={"greeting": "bye"}), referring)


def test_overrides_apply_to_the_run_only_and_are_recorded() -> None:
    author = UserFactory()
    node = echo(
        "say",
        ref("tag", "str", "", "greeting"),
        ref("mode", "enum", {"values": ["fast", "slow"], "index": 0}, "mode"),
        ref("rate", "float", 0.0, "rate"),
    )
    flow = with_parameters(
        workflow(author, node),
        param("greeting", "str", "hello"),
        param("mode", "enum", {"values": ["fast", "slow"], "index": 0}),
        param("rate", "float", 0.5),
    )
    run = run_create(workflow=flow, author=author, parameters={"greeting": "bye", "mode": "slow", "rate": 2})
    values = frozen(run, node)
    assert (values["tag"], values["mode"], values["rate"]) == ("bye", {"values": ["fast", "slow"], "index": 1}, 2.0)
    assert run.graph["parameter_overrides"] == {
        "greeting": "bye",
        "mode": {"values": ["fast", "slow"], "index": 1},
        "rate": 2.0,
    }
    assert [p["value"] for p in run.graph["parameters"]] == ["bye", {"values": ["fast", "slow"], "index": 1}, 2.0]
    assert Node.objects.get(pk=flow.pk).parameters == flow.parameters
    again = run_create(workflow=flow, author=author)
    assert frozen(again, node)["tag"] == "hello"


def test_code_overrides_keep_the_workflow_mode() -> None:
    author = UserFactory()
    node = echo("say", param("tag", "str", "x"), ref("script", "code", {"value": "", "mode": "sh"}, "script"))
    flow = with_parameters(workflow(author, node), param("script", "code", {"value": "true", "mode": "sh"}))
    run = run_create(workflow=flow, author=author, parameters={"script": "echo hi"})
    assert frozen(run, node)["script"] == {"value": "echo hi", "mode": "sh"}


@pytest.mark.parametrize(
    ("overrides", "messages"),
    [
        (
            {"colour": "red", "size": 1},
            ["unknown workflow parameter(s) 'colour', 'size'; the workflow's parameters are: count, greeting, mode"],
        ),
        ({"count": "three"}, ["'count' (int): expected an integer, got 'three'"]),
        ({"count": True}, ["'count' (int): expected an integer, got True"]),
        ({"greeting": 5}, ["'greeting' (str): expected a string, got int"]),
        ({"mode": "medium"}, ["'mode' (enum): expected one of 'fast', 'slow', got 'medium'"]),
        (
            {"count": 1.5, "nope": 1},
            [
                "unknown workflow parameter(s) 'nope'; the workflow's parameters are: count, greeting, mode",
                "'count' (int): expected an integer, got 1.5",
            ],
        ),
    ],
    ids=["unknown-names", "int-from-text", "int-from-bool", "str-from-int", "enum-unknown-value", "both"],
)
def test_bad_overrides_are_refused_by_name(overrides: dict[str, Any], messages: list[str]) -> None:
    author = UserFactory()
    flow = with_parameters(
        workflow(author, echo("say", ref("tag", "str", "", "greeting"))),
        param("greeting", "str", "hello"),
        param("count", "int", 3),
        param("mode", "enum", {"values": ["fast", "slow"], "index": 0}),
    )
    with pytest.raises(ValidationError) as refused:
        run_create(workflow=flow, author=author, parameters=overrides)
    assert refused.value.message_dict == {"parameters": messages}
    assert Run.objects.count() == 0


def test_an_override_of_a_workflow_without_parameters_says_so() -> None:
    author = UserFactory()
    flow = workflow(author, echo("say", param("tag", "str", "x")))
    with pytest.raises(ValidationError) as refused:
        run_create(workflow=flow, author=author, parameters={"tag": "y"})
    assert refused.value.message_dict == {
        "parameters": ["unknown workflow parameter(s) 'tag'; the workflow's parameters are: none"]
    }
    assert Run.objects.count() == 0


def test_broken_references_fail_validation_naming_node_and_parameter() -> None:
    author = UserFactory()
    missing = echo("say", ref("tag", "str", "", "greting"))
    mistyped = echo("count", param("tag", "str", "x"), ref("n", "int", 0, "greeting"))
    fine = echo("fine", ref("tag", "str", "", "greeting"))
    flow = with_parameters(workflow(author, missing, mistyped, fine), param("greeting", "str", "hello"))
    with pytest.raises(RunValidationFailed) as failed:
        run_create(workflow=flow, author=author)
    tree = failed.value.error.to_dict()
    nodes = [child for child in tree["children"] if child["target"] == "NODE"]
    assert [
        (n["object_id"], [(c["target"], c["object_id"], c["validation_code"]) for c in n["children"]]) for n in nodes
    ] == [
        (missing["_id"], [("PARAMETER", "tag", "MISSING_PARAMETER")]),
        (mistyped["_id"], [("PARAMETER", "n", "TYPE_MISMATCH")]),
    ]
    assert [leaf.message for leaf in failed.value.error.leaves()] == [
        "parameter 'tag' of 'say' refers to the workflow parameter 'greting', which does not exist",
        "parameter 'n' of 'count' is of type int but refers to the workflow parameter 'greeting' of type str",
    ]
    assert Run.objects.count() == 0


def test_a_rerun_keeps_the_values_its_run_used() -> None:
    author = UserFactory()
    node = echo("say", ref("tag", "str", "", "greeting"))
    flow = with_parameters(workflow(author, node), param("greeting", "str", "hello"))
    run = run_create(workflow=flow, author=author, parameters={"greeting": "bye"})
    run = run_cancel(run=run)
    assert run.status == "CANCELED"
    rerun = run_rerun_failed(run=run, author=author)
    assert frozen(rerun, node)["tag"] == "bye"
    assert rerun.graph["parameter_overrides"] == {"greeting": "bye"}


def test_a_composite_node_passes_its_parameters_to_its_inner_graph() -> None:
    author = UserFactory()
    inner = echo("inner", ref("tag", "str", "", "label"))
    composite = {
        "_id": "c" * 24,
        "kind": "composite",
        "title": "wrapped",
        "parameters": [ref("label", "str", "own", "greeting")],
        "nodes": [inner],
    }
    flow = with_parameters(workflow(author, composite), param("greeting", "str", "hello"))
    run = run_create(workflow=flow, author=author, parameters={"greeting": "from the workflow"})
    child = Run.objects.get(parent_node_run__run=run)
    assert frozen(child, inner)["tag"] == "from the workflow"
