"""Edits of a workflow's node documents: insert or remove a node, link or unlink, set a parameter.

Pure functions over the documents (the ``nodes`` list of a workflow, each a ``SubNode`` as a
dict); each returns a new list and raises ``EditError`` with a message naming the node and the
field when the edit cannot be made. Saving, and checking the result as a whole, is the caller's.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from apps.nodes.parameters import ParameterType, ParameterValueError, validate_value
from plynx_site.ids import new_object_id

Docs = list[dict[str, Any]]


class EditError(ValueError):
    """The edit cannot be made; the message says why."""


def _find(docs: Sequence[Mapping[str, Any]], node_id: str) -> dict[str, Any]:
    for doc in docs:
        if doc.get("_id") == node_id:
            return dict(doc)
    raise EditError(f"no node {node_id!r} in this workflow")


def _named(items: Sequence[Mapping[str, Any]], name: str, what: str, node: Mapping[str, Any]) -> dict[str, Any]:
    for item in items:
        if item.get("name") == name:
            return dict(item)
    raise EditError(f"node {node.get('title') or node['_id']!r} has no {what} {name!r}")


def _replace(docs: Sequence[Mapping[str, Any]], changed: Mapping[str, Any]) -> Docs:
    return [dict(changed) if doc.get("_id") == changed["_id"] else dict(doc) for doc in docs]


def insert_node(docs: Sequence[Mapping[str, Any]], operation: Mapping[str, Any], *, x: int = 0, y: int = 0) -> Docs:
    """Add an instance of ``operation`` (its documents as a dict: kind, title, inputs, ...) at (x, y).

    The instance gets a new id and no input values; it remembers the operation it came from.
    """
    inputs = [{**item, "values": []} for item in copy.deepcopy(list(operation.get("inputs", [])))]
    node = {
        "_id": new_object_id(),
        "title": operation.get("title", "Title"),
        "description": operation.get("description", ""),
        "kind": operation["kind"],
        "original_node_id": operation.get("_id") or operation.get("id"),
        "inputs": inputs,
        "outputs": copy.deepcopy(list(operation.get("outputs", []))),
        "parameters": copy.deepcopy(list(operation.get("parameters", []))),
        "logs": copy.deepcopy(list(operation.get("logs", []))),
        "x": int(x),
        "y": int(y),
    }
    if operation.get("nodes"):
        node["nodes"] = copy.deepcopy(list(operation["nodes"]))
    return [*(dict(doc) for doc in docs), node]


def remove_node(docs: Sequence[Mapping[str, Any]], node_id: str) -> Docs:
    """Remove the node and every link from it."""
    _find(docs, node_id)
    kept: Docs = []
    for doc in docs:
        if doc.get("_id") == node_id:
            continue
        inputs = [
            {**item, "values": [v for v in item.get("values", []) if v.get("node_id") != node_id]}
            for item in doc.get("inputs", [])
        ]
        kept.append({**doc, "inputs": inputs})
    return kept


def create_link(
    docs: Sequence[Mapping[str, Any]], *, from_node: str, from_output: str, to_node: str, to_input: str
) -> Docs:
    """Link output ``from_output`` of ``from_node`` to input ``to_input`` of ``to_node``.

    The output's type must be one the input takes, the input must have room (its ``max_count``)
    and the same link must not exist already. Cycles are the workflow validation's to report.
    """
    source, target = _find(docs, from_node), _find(docs, to_node)
    if from_node == to_node:
        raise EditError(f"node {target.get('title') or to_node!r} cannot feed itself")
    output = _named(source.get("outputs", []), from_output, "output", source)
    inputs = [dict(item) for item in target.get("inputs", [])]
    port = _named(inputs, to_input, "input", target)
    if output["file_type"] not in port.get("file_types", []):
        raise EditError(
            f"output {from_output!r} ({output['file_type']}) cannot feed input {to_input!r} of "
            f"{target.get('title') or to_node!r}, which takes {', '.join(port.get('file_types', []))}"
        )
    values = list(port.get("values", []))
    link = {"node_id": from_node, "output_id": from_output}
    if link in values:
        raise EditError(f"output {from_output!r} already feeds input {to_input!r}")
    max_count = port.get("max_count", 1)
    if max_count != -1 and len(values) >= max_count:
        raise EditError(f"input {to_input!r} of {target.get('title') or to_node!r} takes at most {max_count} value(s)")
    for item in inputs:
        if item["name"] == to_input:
            item["values"] = [*values, link]
    return _replace(docs, {**target, "inputs": inputs})


def remove_link(
    docs: Sequence[Mapping[str, Any]], *, from_node: str, from_output: str, to_node: str, to_input: str
) -> Docs:
    target = _find(docs, to_node)
    inputs = [dict(item) for item in target.get("inputs", [])]
    port = _named(inputs, to_input, "input", target)
    link = {"node_id": from_node, "output_id": from_output}
    if link not in port.get("values", []):
        raise EditError(f"output {from_output!r} of {from_node!r} does not feed input {to_input!r}")
    for item in inputs:
        if item["name"] == to_input:
            item["values"] = [v for v in item.get("values", []) if v != link]
    return _replace(docs, {**target, "inputs": inputs})


def change_parameter(docs: Sequence[Mapping[str, Any]], *, node_id: str, name: str, value: Any) -> Docs:
    """Set parameter ``name`` of the node, checked against its type (a code parameter takes its text)."""
    node = _find(docs, node_id)
    parameters = [dict(item) for item in node.get("parameters", [])]
    parameter = _named(parameters, name, "parameter", node)
    parameter_type = ParameterType(parameter["parameter_type"])
    if parameter_type is ParameterType.CODE and isinstance(value, str):
        value = {**parameter["value"], "value": value}
    try:
        checked = validate_value(parameter_type, value)
    except ParameterValueError as error:
        raise EditError(f"parameter {name!r} of {node.get('title') or node_id!r}: {error}") from None
    for item in parameters:
        if item["name"] == name:
            item["value"] = checked
    return _replace(docs, {**node, "parameters": parameters})
