"""Builders of workflow documents for execution tests, and waiting for runs."""

from __future__ import annotations

import time
from typing import Any

from apps.graphs import engine
from apps.graphs.models import NodeRun, Run
from apps.nodes.models import Node
from plynx_site.ids import new_object_id


def link(node: dict[str, Any], output: str) -> dict[str, str]:
    return {"node_id": node["_id"], "output_id": output}


def inp(
    name: str, *values: dict[str, Any], types: tuple[str, ...] = ("file",), min_count: int = 1, max_count: int = 1
) -> dict[str, Any]:
    return {
        "name": name,
        "file_types": list(types),
        "values": list(values),
        "min_count": min_count,
        "max_count": max_count,
    }


def out(name: str, file_type: str = "file") -> dict[str, Any]:
    return {"name": name, "file_type": file_type}


def param(name: str, parameter_type: str, value: Any) -> dict[str, Any]:
    return {"name": name, "parameter_type": parameter_type, "value": value}


def operation(
    kind: str,
    title: str,
    cmd: str,
    *,
    inputs: list[dict[str, Any]] | None = None,
    outputs: list[dict[str, Any]] | None = None,
    params: list[dict[str, Any]] | None = None,
    timeout: int | None = None,
    cacheable: bool | None = None,
) -> dict[str, Any]:
    parameters = [param("cmd", "code", {"value": cmd, "mode": "python" if kind == "python" else "sh"})]
    if timeout is not None:
        parameters.append(param("_timeout", "int", timeout))
    if cacheable is not None:
        parameters.append(param("cacheable", "bool", cacheable))
    return {
        "_id": new_object_id(),
        "kind": kind,
        "title": title,
        "inputs": inputs or [],
        "outputs": outputs or [],
        "parameters": parameters + (params or []),
    }


def bash(title: str, cmd: str, **fields: Any) -> dict[str, Any]:
    return operation("bash_jinja2", title, cmd, **fields)


def python(title: str, code: str, **fields: Any) -> dict[str, Any]:
    return operation("python", title, code, **fields)


def file_node(resource_id: str, file_type: str = "file", title: str = "file") -> dict[str, Any]:
    return {
        "_id": new_object_id(),
        "kind": "file",
        "title": title,
        "outputs": [{"name": "out", "file_type": file_type, "resource_id": resource_id}],
    }


def workflow(author: Any, *nodes: dict[str, Any], title: str = "test workflow") -> Node:
    return Node.objects.create(kind="workflow", title=title, author=author, nodes=list(nodes))


def wait_for_run(run: Run, timeout: float = 60) -> Run:
    """Poll until the run has finished; return it fresh."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in {state.value for state in engine.RUN_FINISHED}:
            return run
        time.sleep(0.05)
    states = dict(NodeRun.objects.filter(run=run).values_list("title", "status"))
    raise AssertionError(f"run {run.pk} still {run.status} after {timeout} s: {states}")


def node_run(run: Run, node: dict[str, Any]) -> NodeRun:
    return NodeRun.objects.get(run=run, node_id=node["_id"])
