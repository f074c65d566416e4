"""The seed's JSON shapes (Internal data structures): Graph and Node, as the v0 API reads and writes them.

A v0 Graph is a workflow; its ``graph_running_status`` and its nodes' ``node_running_status``
and output/log resources come from the workflow's latest run. A v0 Node is an operation (or a
file), or a node inside a graph. Ids are strings; ``author`` is the author's id; ``_readonly``
says whether the caller may change the object.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from apps.graphs.models import NodeRun, Run
from apps.nodes.models import Node
from apps.users.permissions import can_modify


def v0_date(value: datetime | None) -> str | None:
    """``%Y-%m-%d %H:%M:%S.%LZ`` (milliseconds, UTC), the seed's date format."""
    if value is None:
        return None
    utc = value.astimezone(UTC)
    return f"{utc:%Y-%m-%d %H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def is_workflow_kind(kind: str) -> bool:
    return kind in {w.kind for w in settings.PLYNX_PLUGINS.workflows}


def _static_kinds() -> set[str]:
    return {o.kind for o in settings.PLYNX_PLUGINS.operations if o.is_static}


def resources_dict() -> dict[str, dict[str, Any]]:
    """The configured resource kinds (the seed's ``resources_dict``)."""
    return {
        r.kind: {
            "kind": r.kind,
            "title": r.title,
            "icon": r.icon,
            "color": r.color,
            "extensions": list(r.extensions),
            "display_raw": r.raw,
        }
        for r in settings.PLYNX_PLUGINS.resources
    }


def _with_resources(items: list[dict[str, Any]], resources: Mapping[str, str] | None) -> list[dict[str, Any]]:
    if resources is None:
        return [dict(item) for item in items]
    return [{**item, "resource_id": resources.get(item["name"], item.get("resource_id"))} for item in items]


def operation_v0(node: Node, *, user: Any) -> dict[str, Any]:
    """An operation or file (a saved Node that is not a workflow) in the seed's Node shape."""
    static = node.kind in _static_kinds()
    return {
        "_id": node.id,
        "title": node.title,
        "description": node.description,
        "base_node_name": node.kind,
        "author": str(node.author_id),
        "parent_node": node.parent_node_id,
        "successor_node": node.successor_node_id,
        "inputs": list(node.inputs),
        "outputs": list(node.outputs),
        "parameters": list(node.parameters),
        "logs": list(node.logs),
        "node_running_status": "STATIC" if static else "CREATED",
        "node_status": node.node_status,
        "cache_url": "",
        "x": node.x,
        "y": node.y,
        "starred": node.starred,
        "insertion_date": v0_date(node.created_at),
        "update_date": v0_date(node.updated_at),
        "_readonly": not can_modify(user, author_id=node.author_id, workflow=False),
    }


def _sub_node_v0(doc: Mapping[str, Any], *, author_id: int, row: NodeRun | None, static: bool) -> dict[str, Any]:
    status = row.status if row is not None else ("STATIC" if static else "CREATED")
    return {
        "_id": doc["_id"],
        "title": doc.get("title", ""),
        "description": doc.get("description", ""),
        "base_node_name": doc["kind"],
        "author": str(author_id),
        "parent_node": doc.get("original_node_id"),
        "successor_node": None,
        "inputs": list(doc.get("inputs", [])),
        "outputs": _with_resources(list(doc.get("outputs", [])), row.outputs if row is not None else None),
        "parameters": list(doc.get("parameters", [])),
        "logs": _with_resources(list(doc.get("logs", [])), row.logs if row is not None else None),
        "node_running_status": status,
        "node_status": "READY",
        "cache_url": "",
        "x": doc.get("x", 0),
        "y": doc.get("y", 0),
        "starred": False,
    }


def latest_run(workflow: Node) -> Run | None:
    return Run.objects.filter(workflow=workflow, parent_node_run__isnull=True).order_by("-created_at").first()


def latest_runs(workflows: list[Node]) -> dict[str, Run]:
    """Each workflow's latest (top-level) run, in one query."""
    latest: dict[str, Run] = {}
    runs = Run.objects.filter(workflow__in=workflows, parent_node_run__isnull=True).order_by(
        "workflow_id", "-created_at"
    )
    for run in runs.only("id", "workflow_id", "status", "created_at", "author_id"):
        assert run.workflow_id is not None
        latest.setdefault(run.workflow_id, run)
    return latest


def graphs_v0(workflows: list[Node], *, user: Any) -> list[dict[str, Any]]:
    """Many workflows as Graphs with their latest runs' states, in three queries whatever their number."""
    latest = latest_runs(workflows)
    rows: dict[str, dict[str, NodeRun]] = {}
    for row in NodeRun.objects.filter(run__in=latest.values()).only("run_id", "node_id", "status", "outputs", "logs"):
        rows.setdefault(row.run_id, {})[row.node_id] = row
    return [
        graph_v0(
            workflow,
            user=user,
            run=latest.get(workflow.id),
            rows=rows.get(latest[workflow.id].id, {}) if workflow.id in latest else {},
            saved=False,
        )
        for workflow in workflows
    ]


def graph_v0(
    workflow: Node,
    *,
    user: Any,
    run: Run | None = None,
    saved: bool = True,
    rows: Mapping[str, NodeRun] | None = None,
) -> dict[str, Any]:
    """A workflow in the seed's Graph shape, with the state of ``run`` (its latest run by default)."""
    if run is None and saved:
        run = latest_run(workflow)
    if rows is None:
        rows = {}
        if run is not None:
            rows = {row.node_id: row for row in run.node_runs.only("node_id", "status", "outputs", "logs")}
    static = _static_kinds()
    return {
        "_id": workflow.id,
        "title": workflow.title,
        "description": workflow.description,
        "author": str(workflow.author_id),
        "graph_running_status": run.status if run is not None else "CREATED",
        "insertion_date": v0_date(workflow.created_at),
        "update_date": v0_date(workflow.updated_at),
        "nodes": [
            _sub_node_v0(doc, author_id=workflow.author_id, row=rows.get(doc["_id"]), static=doc["kind"] in static)
            for doc in workflow.nodes
        ],
        "_readonly": not can_modify(user, author_id=workflow.author_id, workflow=True),
    }


# What a seed client may send in a Graph's node that this platform keeps elsewhere or derives.
_NODE_STATE_KEYS = {
    "base_node_name",
    "parent_node",
    "successor_node",
    "node_running_status",
    "node_status",
    "cache_url",
    "author",
    "starred",
    "insertion_date",
    "update_date",
    "_readonly",
    "_id",
}
_INPUT_VALUE_KEYS = ("node_id", "output_id", "resource_id", "value")


def _input_from_v0(item: Mapping[str, Any]) -> dict[str, Any]:
    values = []
    for value in item.get("values", []):
        if not isinstance(value, Mapping):
            values.append(value)  # left for the document validation to name
            continue
        values.append({key: value[key] for key in _INPUT_VALUE_KEYS if value.get(key) is not None})
    return {**item, "values": values}


def sub_node_from_v0(node: Mapping[str, Any]) -> dict[str, Any]:
    """A Graph's node (the seed's Node shape) as a workflow's node document.

    ``base_node_name`` becomes ``kind`` and ``parent_node`` the operation it came from; running
    state and the resources a run produced are not part of the document (outputs keep theirs only
    for files, whose outputs are uploaded resources).
    """
    kind = node.get("base_node_name", node.get("kind"))
    static = kind in _static_kinds()
    doc = {key: value for key, value in node.items() if key not in _NODE_STATE_KEYS and key != "kind"}
    doc["_id"] = node.get("_id")
    doc["kind"] = kind
    if node.get("parent_node") and "original_node_id" not in doc:
        doc["original_node_id"] = node["parent_node"]
    doc["inputs"] = [_input_from_v0(item) if isinstance(item, Mapping) else item for item in node.get("inputs", [])]
    if not static:
        doc["outputs"] = [
            {k: v for k, v in item.items() if k != "resource_id"} if isinstance(item, Mapping) else item
            for item in node.get("outputs", [])
        ]
        doc["logs"] = [
            {k: v for k, v in item.items() if k != "resource_id"} if isinstance(item, Mapping) else item
            for item in node.get("logs", [])
        ]
    return doc
