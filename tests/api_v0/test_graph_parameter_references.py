"""The v0 SAVE action refuses node parameters that refer to a missing workflow parameter or one of another type."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from apps.graphs.models import Run
from apps.nodes.models import Node
from tests.api_v0.test_graph_actions import GRAPH_ID, SEQ_ID, SUM_ID, post, seed_graph

pytestmark = pytest.mark.django_db

WORKFLOW_PARAMETERS = [
    {"name": "limit", "parameter_type": "int", "value": 10},
    {"name": "fast", "parameter_type": "bool", "value": False},
]


@pytest.fixture
def stored(settings: Any) -> Node:
    """The seed's hello-world graph, saved with workflow parameters by the single user."""
    settings.PLYNX_MULTI_USER = False
    assert post({"graph": seed_graph(), "actions": ["SAVE"]}).json()["status"] == "SUCCESS"
    Node.objects.filter(pk=GRAPH_ID).update(parameters=WORKFLOW_PARAMETERS)
    return Node.objects.get(pk=GRAPH_ID)


def graph_referring(reference: str, *, parameter: str = "cacheable", node_id: str = SEQ_ID) -> dict[str, Any]:
    graph = seed_graph()
    node = next(node for node in graph["nodes"] if node["_id"] == node_id)
    next(p for p in node["parameters"] if p["name"] == parameter)["reference"] = reference
    return graph


def leaves(tree: dict[str, Any], path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    here = (*path, tree["object_id"])
    if not tree["children"]:
        return [(*here, tree["validation_code"])]
    return [leaf for child in tree["children"] for leaf in leaves(child, here)]


@pytest.mark.parametrize(
    ("reference", "code", "why"),
    [
        ("missing", "MISSING_PARAMETER", "refers to the workflow parameter 'missing', which does not exist"),
        ("limit", "TYPE_MISMATCH", "is of type bool but refers to the workflow parameter 'limit' of type int"),
    ],
    ids=["missing", "other-type"],
)
def test_save_refuses_a_broken_reference_and_stores_nothing(stored: Node, reference: str, code: str, why: str) -> None:
    before = copy.deepcopy(stored.nodes)
    body = post({"graph": graph_referring(reference), "actions": ["SAVE"]}).json()
    assert body["status"] == "VALIDATION_FAILED"
    assert body["message"] == (
        f"Graph `{GRAPH_ID}` was not saved: node 'Seq' ({SEQ_ID}): parameter 'cacheable' of 'Seq' {why}"
    )
    assert leaves(body["validation_error"]) == [(GRAPH_ID, SEQ_ID, "cacheable", code)]
    assert body["graph"]["_id"] == GRAPH_ID
    assert Node.objects.get(pk=GRAPH_ID).nodes == before


def test_save_names_every_node_and_parameter_and_runs_no_later_action(stored: Node) -> None:
    graph = graph_referring("missing")
    sum_node = next(node for node in graph["nodes"] if node["_id"] == SUM_ID)
    sum_node["parameters"][0]["reference"] = "fast"  # cmd is code, fast is bool
    body = post({"graph": graph, "actions": ["SAVE", "APPROVE"]}).json()
    assert body["status"] == "VALIDATION_FAILED"
    assert leaves(body["validation_error"]) == [
        (GRAPH_ID, SEQ_ID, "cacheable", "MISSING_PARAMETER"),
        (GRAPH_ID, SUM_ID, "cmd", "TYPE_MISMATCH"),
    ]
    assert "node 'Seq'" in body["message"]
    assert "node 'Sum'" in body["message"]
    assert "run_id" not in body
    assert not Run.objects.exists()


def test_save_keeps_a_reference_to_a_workflow_parameter_of_the_same_type(stored: Node) -> None:
    body = post({"graph": graph_referring("fast"), "actions": ["SAVE"]}).json()
    assert body["status"] == "SUCCESS", body["message"]
    seq = next(doc for doc in Node.objects.get(pk=GRAPH_ID).nodes if doc["_id"] == SEQ_ID)
    assert next(p for p in seq["parameters"] if p["name"] == "cacheable")["reference"] == "fast"


def test_a_new_graph_has_no_workflow_parameters_to_refer_to(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False
    body = post({"graph": graph_referring("limit"), "actions": ["SAVE"]}).json()
    assert body["status"] == "VALIDATION_FAILED"
    assert leaves(body["validation_error"]) == [(GRAPH_ID, SEQ_ID, "cacheable", "MISSING_PARAMETER")]
    assert not Node.objects.filter(pk=GRAPH_ID).exists()
