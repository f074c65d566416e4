"""Operations, workflows and worker state: defaults, validation and constraints."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from apps.nodes.choices import NodeStatus
from apps.nodes.models import Node, Operation, WorkerState, Workflow
from plynx_site.ids import is_object_id
from tests.db import assert_violates
from tests.factories import NodeFactory, UserFactory, WorkerStateFactory

pytestmark = pytest.mark.django_db


def test_node_defaults() -> None:
    author = UserFactory()
    node = Node.objects.create(kind="python", author=author)
    node.refresh_from_db()
    assert is_object_id(node.id)
    assert node.title == "Title"
    assert node.description == ""
    assert node.node_status == NodeStatus.CREATED
    assert node.starred is False
    assert (node.inputs, node.outputs, node.parameters, node.logs, node.nodes) == ([], [], [], [], [])
    assert (node.x, node.y) == (0, 0)
    assert (node.parent_node, node.successor_node, node.original_node) == (None, None, None)
    assert node.is_workflow is False


def test_operations_and_workflows_are_told_apart_by_kind() -> None:
    operation = NodeFactory(kind="bash_jinja2")
    file = NodeFactory(kind="file")
    workflow = NodeFactory(kind="workflow")
    assert set(Operation.objects.values_list("id", flat=True)) == {operation.id, file.id}
    assert list(Workflow.objects.values_list("id", flat=True)) == [workflow.id]
    assert workflow.is_workflow is True


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inputs", [{"name": "in", "file_types": []}], "inputs: 0.file_types"),
        ("outputs", [{"name": "a b", "file_type": "csv"}], "outputs: 0.name"),
        ("parameters", [{"name": "n", "parameter_type": "int", "value": "x"}], "expected an integer"),
        ("logs", [{"name": "stdout", "resource_id": "nope"}], "logs: 0.resource_id"),
        ("nodes", [{"_id": "5d27e3bd0f432b5e3693314c"}], "nodes: 0.kind"),
    ],
)
def test_documents_are_validated(field: str, value: object, message: str) -> None:
    node = NodeFactory.build(author=UserFactory(), **{field: value})
    with pytest.raises(ValidationError) as raised:
        node.full_clean()
    assert message in " ".join(raised.value.message_dict[field])


def test_a_valid_workflow_passes_full_clean() -> None:
    source, target = "5d27e3bd0f432b5e3693314c", "5d27e3bd0f432b5e3693314d"
    workflow = NodeFactory.build(
        kind="workflow",
        author=UserFactory(),
        nodes=[
            {"_id": source, "kind": "file", "outputs": [{"name": "out", "file_type": "csv"}]},
            {
                "_id": target,
                "kind": "python",
                "inputs": [{"name": "in", "file_types": ["csv"], "values": [{"node_id": source, "output_id": "out"}]}],
            },
        ],
    )
    workflow.full_clean()


def test_status_must_be_a_known_value() -> None:
    author = UserFactory()
    assert_violates(
        "nodes_node_status_valid", lambda: Node.objects.create(kind="python", author=author, node_status="DONE"), Node
    )


def test_kind_must_not_be_empty() -> None:
    author = UserFactory()
    assert_violates("nodes_node_kind_not_empty", lambda: Node.objects.create(kind="", author=author), Node)


def test_a_node_cannot_succeed_or_parent_itself() -> None:
    node = NodeFactory()
    assert_violates(
        "nodes_node_not_own_successor", lambda: Node.objects.filter(pk=node.pk).update(successor_node=node.pk), Node
    )
    assert_violates(
        "nodes_node_not_own_parent", lambda: Node.objects.filter(pk=node.pk).update(parent_node=node.pk), Node
    )
    node.refresh_from_db()
    assert (node.successor_node_id, node.parent_node_id) == (None, None)


def test_lineage_survives_deletion_of_relatives() -> None:
    old = NodeFactory()
    new = NodeFactory(parent_node=old)
    old.successor_node = new
    old.save()
    copy = NodeFactory(original_node=old)
    old.delete()
    new.refresh_from_db()
    copy.refresh_from_db()
    assert (new.parent_node, copy.original_node) == (None, None)


def test_authors_with_nodes_cannot_be_deleted() -> None:
    node = NodeFactory()
    with pytest.raises(ProtectedError):
        node.author.delete()


def test_worker_state_defaults_and_constraints() -> None:
    worker = WorkerStateFactory()
    worker.refresh_from_db()
    assert (worker.kinds, worker.queues, worker.current_runs, worker.concurrency) == ([], [], [], 1)
    assert_violates(
        "nodes_workerstate_worker_id_key",
        lambda: WorkerStateFactory(worker_id=worker.worker_id),
        WorkerState,
    )
    assert_violates("nodes_workerstate_id_not_empty", lambda: WorkerStateFactory(worker_id=""), WorkerState)
    assert_violates(
        "nodes_workerstate_heartbeat_after_start",
        lambda: WorkerStateFactory(last_heartbeat=worker.started_at - timedelta(seconds=1)),
        WorkerState,
    )
