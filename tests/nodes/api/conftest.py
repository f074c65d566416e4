"""Personas and builders for the operations, workflows and hubs API tests."""

from __future__ import annotations

from typing import Any

import pytest

from apps.nodes.choices import NodeStatus
from apps.nodes.models import Node
from apps.users.models import User
from apps.users.policies import DEFAULT_POLICIES, IAMPolicy
from tests.factories import UserFactory
from tests.graphs.workflows import inp, link, out, python

# The platform's default user: views others' operations and workflows, changes neither.
OTHER_POLICIES = [p for p in DEFAULT_POLICIES if p != IAMPolicy.CAN_MODIFY_OTHERS_WORKFLOWS]
# Sees only its own operations and workflows.
LONER_POLICIES = [
    p for p in OTHER_POLICIES if p not in (IAMPolicy.CAN_VIEW_OTHERS_OPERATIONS, IAMPolicy.CAN_VIEW_OTHERS_WORKFLOWS)
]

PERSONAS = ("owner", "other", "loner", "editor", "admin", "anonymous")


@pytest.fixture
def owner() -> User:
    return UserFactory(username="owner", policies=OTHER_POLICIES)


@pytest.fixture
def users(owner: User) -> dict[str, User | None]:
    return {
        "owner": owner,
        "other": UserFactory(username="other", policies=OTHER_POLICIES),
        "loner": UserFactory(username="loner", policies=LONER_POLICIES),
        # May change others' workflows (not their operations).
        "editor": UserFactory(username="editor", policies=list(DEFAULT_POLICIES)),
        "admin": UserFactory(username="admin", policies=[IAMPolicy.IS_ADMIN.value]),
        "anonymous": None,
    }


SPLIT_CMD = "print(params['rate'])\n"


def operation_fields(title: str = "Split", **fields: Any) -> dict[str, Any]:
    """The documents of a valid python operation with one csv input and two csv outputs."""
    doc = python(
        title,
        fields.pop("cmd", SPLIT_CMD),
        inputs=[inp("data.csv", types=("csv",), max_count=-1)],
        outputs=[out("a.csv", "csv"), out("b.csv", "csv")],
        params=[{"name": "rate", "parameter_type": "float", "value": 0.5}],
    )
    del doc["_id"]
    return {**doc, **fields}


def make_operation(author: User, *, status: str = NodeStatus.CREATED, **fields: Any) -> Node:
    return Node.objects.create(author=author, node_status=status, **operation_fields(**fields))


def sub_node(operation: Node, **fields: Any) -> dict[str, Any]:
    """A workflow node made from ``operation``, with a fresh id."""
    doc = python(operation.title, SPLIT_CMD, inputs=[inp("data.csv", types=("csv",), max_count=-1)])
    doc.update(
        kind=operation.kind,
        original_node_id=operation.pk,
        inputs=[{**port, "values": []} for port in operation.inputs],
        outputs=operation.outputs,
        parameters=operation.parameters,
    )
    doc.update(fields)
    return doc


def source_node(title: str = "source", file_type: str = "csv") -> dict[str, Any]:
    """A python node with no inputs and one output."""
    return python(title, "pass\n", outputs=[out("out", file_type)])


def chain(length: int, file_type: str = "csv") -> list[dict[str, Any]]:
    """``length`` python nodes, each feeding the next."""
    nodes = [source_node("n0", file_type)]
    for index in range(1, length):
        nodes.append(
            python(
                f"n{index}",
                "pass\n",
                inputs=[inp("in", link(nodes[-1], "out"), types=(file_type,))],
                outputs=[out("out", file_type)],
            )
        )
    return nodes


def make_workflow(author: User, nodes: list[dict[str, Any]] | None = None, **fields: Any) -> Node:
    return Node.objects.create(
        author=author,
        kind="workflow",
        title=fields.pop("title", "flow"),
        nodes=chain(2) if nodes is None else nodes,
        **fields,
    )


def snapshot(node: Node) -> dict[str, Any]:
    """Every column of ``node`` as stored now: a refused request must leave it equal."""
    return Node.objects.filter(pk=node.pk).values().get()
