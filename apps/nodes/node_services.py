"""Changing operations and workflows: save, approve, deprecate, clone, lay out, upgrade, run.

Both API faces call these; none of them checks permissions (the caller asks
``apps.users.permissions``). Problems a user can fix raise Django's ``ValidationError`` with a
message per field; a failed graph or operation validation raises ``NodeValidationFailed`` with
the engine's validation tree. Status transitions are conditional updates, so two concurrent
requests cannot both approve, or save an operation that was approved meanwhile.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from apps.graphs import engine
from apps.graphs.conversion import engine_node
from apps.graphs.models import Run
from apps.graphs.services import (
    RunValidationFailed,
    graph_validate,
    parameter_reference_messages,
    run_create,
    workflow_parameters_parse,
)
from apps.nodes.choices import NodeStatus
from apps.nodes.documents import (
    INPUTS,
    LOGS,
    OUTPUTS,
    PARAMETERS,
    Input,
    InputValue,
    Parameter,
    SubNode,
    describe_errors,
    dump_list,
    parse_list,
)
from apps.nodes.executors.base import InputItem, LogPaths, OutputSlot, PreparedNode, ScriptError, find_cmd
from apps.nodes.executors.base import pythonize_parameters as _pythonize
from apps.nodes.executors.registry import UnknownExecutor, executor_for_kind
from apps.nodes.models import Node
from apps.nodes.parameters import CMD, DEFAULT_TIMEOUT_SECONDS, TIMEOUT
from apps.nodes.selectors import node_latest_version
from apps.resources.kinds import resource_kind

DOCUMENT_FIELDS = ("inputs", "outputs", "parameters", "logs", "nodes")
EDITABLE_FIELDS = ("title", "description", "x", "y", *DOCUMENT_FIELDS)
_ADAPTERS: dict[str, TypeAdapter[Any]] = {"inputs": INPUTS, "outputs": OUTPUTS, "parameters": PARAMETERS, "logs": LOGS}
_DEPRECATED = (NodeStatus.DEPRECATED, NodeStatus.MANDATORY_DEPRECATED)
# At most this many problems of the sub-nodes are reported: enough to fix, short enough to read.
MAX_REPORTED_PROBLEMS = 20
# The layout of `workflow_rearrange`, in editor pixels: a node is about 200 px wide and
# 100 px tall, so these steps leave a gap for the links between layers and between rows.
LAYOUT_LEFT, LAYOUT_TOP, LAYOUT_X_STEP, LAYOUT_Y_STEP = 20, 20, 300, 160


class NodeValidationFailed(Exception):
    """An operation or a workflow did not pass validation; ``error`` is the validation tree."""

    def __init__(self, error: engine.ValidationError) -> None:
        super().__init__(error.message)
        self.error = error


# --- documents -------------------------------------------------------------------------------


def _parse_sub_nodes(value: Any) -> list[SubNode]:
    """The sub-nodes of a workflow; each problem names the node (title and id) and the field."""
    if not isinstance(value, list):
        raise ValidationError({"nodes": [f"expected a list of nodes, got {type(value).__name__}"]}, code="invalid")
    parsed: list[SubNode] = []
    problems: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        title, node_id = (item.get("title"), item.get("_id")) if isinstance(item, dict) else (None, None)
        if title and node_id:
            name = f"node {title!r} ({node_id})"
        else:
            name = f"node {node_id}" if node_id else f"node #{index}"
        try:
            node = SubNode.model_validate(item)
        except PydanticValidationError as error:
            problems.append(f"{name}: {describe_errors(error)}")
            continue
        if node.id in seen:
            problems.append(f"{name}: another node has the id {node.id}")
        seen.add(node.id)
        parsed.append(node)
    if problems:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        if len(problems) > len(shown):
            shown.append(f"... and {len(problems) - len(shown)} more problem(s)")
        raise ValidationError({"nodes": shown}, code="invalid")
    return parsed


def node_documents_parse(*, data: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The documents present in ``data``, validated and in canonical JSON form.

    Raises ``ValidationError`` mapping each bad field to its messages (for ``nodes``, one per
    node, naming it).
    """
    parsed: dict[str, list[dict[str, Any]]] = {}
    errors: dict[str, list[str]] = {}
    for name in DOCUMENT_FIELDS:
        if name not in data:
            continue
        try:
            items: Sequence[Any] = (
                _parse_sub_nodes(data[name]) if name == "nodes" else parse_list(_ADAPTERS[name], data[name], name)
            )
        except ValidationError as error:
            errors[name] = error.message_dict[name] if hasattr(error, "error_dict") else error.messages
            continue
        parsed[name] = dump_list(items)
    if errors:
        raise ValidationError(errors, code="invalid")
    return parsed


def _kind_check(kind: str, *, workflow: bool) -> None:
    plugins = settings.PLYNX_PLUGINS
    kinds = plugins.workflow_kinds if workflow else plugins.operation_kinds
    if kind not in kinds:
        what = "workflow" if workflow else "operation"
        raise ValidationError({"kind": [f"unknown {what} kind {kind!r}; use one of {', '.join(kinds)}"]})


def node_create(*, author: Any, workflow: bool, data: Mapping[str, Any]) -> Node:
    """A new operation (``workflow=False``) or workflow by ``author`` from the fields in ``data``."""
    kind = data.get("kind") or (settings.PLYNX_PLUGINS.workflow_kinds[0] if workflow else "")
    if not kind:
        raise ValidationError({"kind": ["an operation needs a kind, such as python or bash_jinja2"]})
    _kind_check(kind, workflow=workflow)
    fields = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    fields.update(node_documents_parse(data=data))
    if workflow:
        _check_parameter_references(fields.get("nodes", []), fields.get("parameters", []))
    return Node.objects.create(author=author, kind=kind, **fields)


def _check_parameter_references(nodes: Sequence[Mapping[str, Any]], parameters: Any) -> None:
    """Refuse node parameters that refer to a workflow parameter that is missing or of another type."""
    referring = [
        SubNode.model_validate(node) for node in nodes if any(p.get("reference") for p in node.get("parameters", ()))
    ]
    if referring:
        messages = parameter_reference_messages(docs=referring, parameters=workflow_parameters_parse(parameters))
        if messages:
            raise ValidationError({"nodes": messages})


def node_update(*, node: Node, data: Mapping[str, Any]) -> Node:
    """Change the editable fields of ``node`` given in ``data`` (the kind stays).

    An operation is changed only while it is CREATED: an approved one is used in workflows, its
    next version is a clone.
    """
    if "kind" in data and data["kind"] != node.kind:
        raise ValidationError({"kind": [f"the kind cannot be changed (it is {node.kind!r})"]})
    fields: dict[str, Any] = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    fields.update(node_documents_parse(data=data))
    if not fields:
        return node
    if node.is_workflow and ("nodes" in fields or "parameters" in fields):
        # A field the request replaces is deferred: the stored one is read only when it is kept.
        nodes = fields["nodes"] if "nodes" in fields else node.nodes  # noqa: SIM401
        parameters = fields["parameters"] if "parameters" in fields else node.parameters  # noqa: SIM401
        _check_parameter_references(nodes, parameters)
    fields["updated_at"] = timezone.now()
    rows = Node.objects.filter(pk=node.pk)
    if not node.is_workflow:
        rows = rows.filter(node_status=NodeStatus.CREATED)
    if rows.update(**fields) != 1:
        status = Node.objects.filter(pk=node.pk).values_list("node_status", flat=True).first()
        raise ValidationError(
            {"node_status": [f"the operation is {status}: only a CREATED operation can be changed; clone it"]}
        )
    for name, value in fields.items():
        setattr(node, name, value)
    return node


def node_delete(*, node: Node) -> None:
    """Delete ``node``. An operation others may use (approved or deprecated) is deprecated instead."""
    rows = Node.objects.filter(pk=node.pk)
    if not node.is_workflow:
        rows = rows.filter(node_status=NodeStatus.CREATED)
    deleted, _ = rows.delete()
    if not deleted:
        raise ValidationError(
            {"node_status": [f"the operation is {node.node_status}: deprecate it instead of deleting it"]}
        )


def node_clone(*, node: Node, author: Any) -> Node:
    """An editable copy of ``node`` owned by ``author``; ``parent_node`` points at the original."""
    return Node.objects.create(
        kind=node.kind,
        title=node.title,
        description=node.description,
        author=author,
        node_status=NodeStatus.CREATED,
        parent_node=node,
        original_node_id=node.original_node_id,
        inputs=node.inputs,
        outputs=node.outputs,
        parameters=node.parameters,
        logs=node.logs,
        nodes=node.nodes,
        x=node.x,
        y=node.y,
    )


def node_star(*, node: Node, starred: bool) -> Node:
    """Mark ``node`` prioritized (or not); a flag, not an edit: ``updated_at`` stays."""
    Node.objects.filter(pk=node.pk).update(starred=starred)
    node.starred = starred
    return node


# --- operations ------------------------------------------------------------------------------


def _operation_doc(operation: Node) -> SubNode:
    """``operation`` as a node document, as it would be placed in a workflow."""
    try:
        return SubNode.model_validate(
            {
                "_id": operation.pk,
                "title": operation.title,
                "description": operation.description,
                "kind": operation.kind,
                "inputs": operation.inputs,
                "outputs": operation.outputs,
                "parameters": operation.parameters,
                "logs": operation.logs,
                "nodes": operation.nodes,
            }
        )
    except PydanticValidationError as error:
        raise ValidationError({"non_field_errors": [describe_errors(error)]}) from None


def _problem(target: engine.ValidationTarget, object_id: str, message: str) -> engine.ValidationError:
    return engine.ValidationError(target, object_id, engine.ValidationCode.INVALID_VALUE, message=message)


def operation_validate(*, operation: Node) -> engine.ValidationError | None:
    """What keeps ``operation`` from being approved: its properties, parameters and script.

    Inputs are not required to be connected: an operation is connected where it is used.
    """
    doc = _operation_doc(operation)
    # A static node's inputs are not checked by the engine: nothing feeds an operation yet.
    node = engine_node(doc, static=True)
    found = engine.validate_node(engine.Graph(nodes=(node,), id=doc.id), node, known_kinds=_operation_kinds())
    problems = list(found.children) if found else []
    try:
        messages = executor_for_kind(doc.kind).validate(doc)
    except UnknownExecutor as error:
        messages = [str(error)]
    problems.extend(_problem(engine.ValidationTarget.PARAMETER, CMD, message) for message in messages)
    if not problems:
        return None
    return engine.node_problems(doc.id, doc.title, problems)


def _operation_kinds() -> tuple[str, ...]:
    return tuple(settings.PLYNX_PLUGINS.operation_kinds)


def operation_approve(*, operation: Node) -> Node:
    """Validate ``operation`` and make it READY, usable in workflows."""
    if operation.node_status != NodeStatus.CREATED:
        raise ValidationError(
            {"node_status": [f"only a CREATED operation can be approved; it is {operation.node_status}"]}
        )
    error = operation_validate(operation=operation)
    if error is not None:
        raise NodeValidationFailed(error)
    return _transition(operation, (NodeStatus.CREATED,), NodeStatus.READY)


def _transition(node: Node, sources: Sequence[NodeStatus], target: NodeStatus, **fields: Any) -> Node:
    now = timezone.now()
    changed = Node.objects.filter(pk=node.pk, node_status__in=sources).update(
        node_status=target, updated_at=now, **fields
    )
    if changed != 1:
        current = Node.objects.filter(pk=node.pk).values_list("node_status", flat=True).first()
        raise ValidationError(
            {"node_status": [f"the operation is {current}; it can become {target} only from {', '.join(sources)}"]}
        )
    node.node_status, node.updated_at = target, now
    for name, value in fields.items():
        setattr(node, name, value)
    return node


def operation_deprecate(*, operation: Node, mandatory: bool = False, successor: Node | None = None) -> Node:
    """Deprecate an approved operation (``mandatory``: it may no longer be used), naming its successor.

    The successor must be another operation that is not deprecated itself.
    """
    fields: dict[str, Any] = {}
    if successor is not None:
        if successor.pk == operation.pk:
            raise ValidationError({"successor": ["an operation cannot succeed itself"]})
        if successor.is_workflow:
            raise ValidationError({"successor": [f"{successor.pk} is a workflow, not an operation"]})
        if successor.node_status in _DEPRECATED:
            raise ValidationError({"successor": [f"the successor {successor.pk} is deprecated itself"]})
        fields["successor_node_id"] = successor.pk
    if mandatory:
        return _transition(
            operation, (NodeStatus.READY, NodeStatus.DEPRECATED), NodeStatus.MANDATORY_DEPRECATED, **fields
        )
    return _transition(operation, (NodeStatus.READY,), NodeStatus.DEPRECATED, **fields)


def _preview_prepared(doc: SubNode) -> PreparedNode:
    """``doc`` prepared the way a worker prepares it, with placeholder paths instead of downloads."""
    workdir = Path(tempfile.gettempdir()) / "plynx-node-preview"
    inputs_dir, outputs_dir, logs_dir = workdir / "inputs", workdir / "outputs", workdir / "_logs"
    inputs: dict[str, tuple[InputItem, ...]] = {}
    for port in doc.inputs:
        raw = resource_kind(port.file_types[0]).raw
        items = [
            InputItem(path=None, value=value.value, file_type=port.file_types[0])
            for value in port.values
            if value.node_id is None and value.resource_id is None
        ]
        for index in range(len(items), max(port.min_count, 1, len(port.values))):
            if raw:
                items.append(InputItem(path=None, value=f"<{port.name}>", file_type=port.file_types[0]))
            else:
                items.append(InputItem(inputs_dir / f"{index}_{port.name}", None, port.file_types[0]))
        inputs[port.name] = tuple(items)
    timeout = next((p.value for p in doc.parameters if p.name == TIMEOUT), DEFAULT_TIMEOUT_SECONDS)
    return PreparedNode(
        node_id=doc.id,
        title=doc.title,
        kind=doc.kind,
        workdir=workdir,
        inputs=inputs,
        input_is_list={port.name: port.max_count != 1 for port in doc.inputs},
        outputs={o.name: OutputSlot(outputs_dir / o.name, o.file_type) for o in doc.outputs},
        params=_pythonize(doc.parameters),
        cmd=find_cmd(doc) or "",
        timeout_seconds=max(1, int(timeout)),
        logs=LogPaths(logs_dir / "stdout", logs_dir / "stderr", logs_dir / "worker"),
    )


def operation_preview_cmd(*, operation: Node) -> str:
    """The exact script a worker would run for ``operation`` with its current parameters.

    Paths of the working directory are placeholders: a worker uses a fresh temporary directory.
    """
    doc = _operation_doc(operation)
    try:
        executor = executor_for_kind(doc.kind)
        return executor.script(_preview_prepared(doc)).text
    except (UnknownExecutor, ScriptError, LookupError) as error:
        raise ValidationError({"cmd": [str(error)]}) from None


# --- workflows -------------------------------------------------------------------------------


def _workflow_docs(workflow: Node) -> list[SubNode]:
    return _parse_sub_nodes(workflow.nodes)


def workflow_validate(*, workflow: Node) -> engine.ValidationError | None:
    """Every problem that keeps ``workflow`` from running, as the seed's validation tree."""
    parameters = workflow_parameters_parse(workflow.parameters)
    _, error = graph_validate(docs=_workflow_docs(workflow), graph_id=workflow.pk, parameters=parameters)
    return error


def workflow_run(*, workflow: Node, author: Any, parameters: Mapping[str, Any] | None = None) -> Run:
    """Start a run of ``workflow``; raises ``NodeValidationFailed`` with the tree if it cannot run.

    ``parameters`` override the workflow's parameters for this run (``ValidationError`` on
    ``parameters`` for unknown names and values of the wrong type).
    """
    # Documents are checked here too, so a broken one is reported by node, as on save.
    _workflow_docs(workflow)
    try:
        return run_create(workflow=workflow, author=author, parameters=parameters)
    except RunValidationFailed as failed:
        raise NodeValidationFailed(failed.error) from None


def _save_docs(workflow: Node, docs: Sequence[SubNode]) -> Node:
    workflow.nodes = dump_list(docs)
    workflow.updated_at = timezone.now()
    Node.objects.filter(pk=workflow.pk).update(nodes=workflow.nodes, updated_at=workflow.updated_at)
    return workflow


def workflow_rearrange(*, workflow: Node) -> Node:
    """Lay the nodes out by topology: x by layer (longest path from a source), y by order in the layer."""
    with transaction.atomic():
        workflow = Node.objects.select_for_update().get(pk=workflow.pk)
        docs = _workflow_docs(workflow)
        graph = engine.Graph(nodes=tuple(engine_node(doc, static=False) for doc in docs), id=workflow.pk)
        try:
            order = engine.topological_order(graph)
        except engine.CycleError as error:
            raise ValidationError(
                {"nodes": [f"the workflow has a cycle through {', '.join(error.nodes)}; it cannot be laid out"]}
            ) from None
        layer: dict[str, int] = {}
        rows: dict[int, int] = {}
        position: dict[str, tuple[int, int]] = {}
        for node_id in order:
            layer[node_id] = max((layer[parent] + 1 for parent in graph.upstream[node_id]), default=0)
            row = rows.get(layer[node_id], 0)
            rows[layer[node_id]] = row + 1
            position[node_id] = (
                LAYOUT_LEFT + layer[node_id] * LAYOUT_X_STEP,
                LAYOUT_TOP + row * LAYOUT_Y_STEP,
            )
        placed = [doc.model_copy(update=dict(zip(("x", "y"), position[doc.id], strict=True))) for doc in docs]
        return _save_docs(workflow, placed)


@dataclass(frozen=True)
class UpgradeResult:
    workflow: Node
    upgraded_nodes_count: int


def _transplant(doc: SubNode, original: Node, latest: Node) -> SubNode:
    """``doc`` remade from operation ``latest``: same id and place, links and values kept by name."""
    new = _operation_doc(latest)
    old_inputs = {port.name: port for port in doc.inputs}
    old_parameters = {p.name: p for p in doc.parameters}
    inputs = [
        port.model_copy(update={"values": list(old_inputs[port.name].values)}) if port.name in old_inputs else port
        for port in new.inputs
    ]
    parameters: list[Parameter] = []
    for parameter in new.parameters:
        old = old_parameters.get(parameter.name)
        # The script is the operation's own code: it comes from the new version.
        if old is not None and parameter.name != CMD and old.parameter_type == parameter.parameter_type:
            # A link to a workflow parameter is the user's, like the value.
            parameter = parameter.model_copy(update={"value": old.value, "reference": old.reference})
        parameters.append(parameter)
    title = new.title if doc.title == original.title else doc.title
    return new.model_copy(
        update={
            "id": doc.id,
            "title": title,
            "original_node_id": latest.pk,
            "inputs": inputs,
            "parameters": parameters,
            "x": doc.x,
            "y": doc.y,
        }
    )


def workflow_upgrade_nodes(*, workflow: Node) -> UpgradeResult:
    """Replace sub-nodes made from a deprecated operation by the current version of its successor.

    Links into a replaced node are kept for inputs it still has; links out of it are kept for
    outputs it still has. Nodes whose operation has no usable successor are left as they are.
    """
    with transaction.atomic():
        workflow = Node.objects.select_for_update().get(pk=workflow.pk)
        docs = _workflow_docs(workflow)
        originals = {doc.original_node_id for doc in docs if doc.original_node_id}
        known = {node.pk: node for node in Node.objects.filter(pk__in=originals)}
        replaced: dict[str, SubNode] = {}
        for doc in docs:
            original = known.get(doc.original_node_id or "")
            if original is None or original.node_status not in _DEPRECATED:
                continue
            latest = node_latest_version(node_id=original.pk, known=known)
            if latest is None or latest.pk == original.pk or latest.node_status != NodeStatus.READY:
                continue
            replaced[doc.id] = _transplant(doc, original, latest)
        if not replaced:
            return UpgradeResult(workflow, 0)
        outputs = {node_id: {o.name for o in doc.outputs} for node_id, doc in replaced.items()}
        upgraded = []
        for doc in docs:
            doc = replaced.get(doc.id, doc)
            inputs = [port.model_copy(update={"values": _kept(port, outputs)}) for port in doc.inputs]
            upgraded.append(doc.model_copy(update={"inputs": inputs}))
        return UpgradeResult(_save_docs(workflow, upgraded), len(replaced))


def _kept(port: Input, outputs: Mapping[str, set[str]]) -> list[InputValue]:
    """The values of ``port`` without links to outputs a replaced node no longer has."""
    return [
        value
        for value in port.values
        if value.node_id is None or value.node_id not in outputs or value.output_id in outputs[value.node_id]
    ]
