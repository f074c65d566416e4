"""GENERATE_CODE: Python code that recreates a workflow with the platform's Python API (``plynx``).

The code carries each node's document as it is in the workflow (so running it gives an equal
workflow, whatever was edited in the nodes) and links the nodes through Python variables, parents
first. The workflow's own parameters come first, as ``WorkflowParameter`` variables, and a node
parameter that refers to one is linked to its variable (``params={name: variable}``). Running the
code saves a new workflow and prints its id.
"""

from __future__ import annotations

import keyword
import pprint
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError

from apps.nodes.documents import PARAMETERS, SUB_NODES, dump_list, parse_list

_NODE_KEYS = ("kind", "title", "description", "inputs", "outputs", "parameters", "logs", "nodes")
_RESERVED = {"client", "graph", "plynx", "Client", "Node", "Graph", "WorkflowParameter"}


def _identifier(title: str, taken: set[str]) -> str:
    base = re.sub(r"\W+", "_", title.strip().lower()).strip("_") or "node"
    if base[0].isdigit() or keyword.iskeyword(base) or base in _RESERVED:
        base = f"node_{base}"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}_{number}", number + 1
    taken.add(name)
    return name


def _ordered(docs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Parents before children (the documents' own order where links allow it)."""
    by_id = {doc["_id"]: doc for doc in docs}
    ordered: list[Mapping[str, Any]] = []
    placed: set[str] = set()

    def place(doc: Mapping[str, Any], path: tuple[str, ...]) -> None:
        if doc["_id"] in placed or doc["_id"] in path:
            return
        for port in doc.get("inputs", []):
            for value in port.get("values", []):
                parent = by_id.get(value.get("node_id", ""))
                if parent is not None:
                    place(parent, (*path, doc["_id"]))
        placed.add(doc["_id"])
        ordered.append(doc)

    for doc in docs:
        place(doc, ())
    return ordered


def _literal(value: Any, indent: int) -> str:
    text = pprint.pformat(value, width=100 - indent, sort_dicts=False)
    return text.replace("\n", "\n" + " " * indent)


def _canonical(docs: Sequence[Mapping[str, Any]]) -> Sequence[Mapping[str, Any]]:
    """The documents as the workflow would store them (defaults filled in), so equal workflows give equal code."""
    try:
        return dump_list(parse_list(SUB_NODES, list(docs), "nodes"))
    except DjangoValidationError:
        return docs  # the code then carries them as they are: saving it reports what is wrong


def _canonical_parameters(parameters: Sequence[Mapping[str, Any]]) -> Sequence[Mapping[str, Any]]:
    try:
        return dump_list(parse_list(PARAMETERS, list(parameters), "parameters"))
    except DjangoValidationError:
        return parameters


def _workflow_parameter(variable: str, parameter: Mapping[str, Any]) -> str:
    """``variable = WorkflowParameter(...)`` for a workflow parameter, naming only what differs from the defaults."""
    args = [repr(parameter["name"]), repr(parameter["parameter_type"]), _literal(parameter.get("value"), 4)]
    widget = parameter.get("widget")
    alias = widget.get("alias") if isinstance(widget, Mapping) else None
    if alias != parameter["name"]:
        args.append(f"alias={alias!r}")
    for flag, default in (("mutable_type", False), ("removable", True), ("publicable", True)):
        if bool(parameter.get(flag, default)) != default:
            args.append(f"{flag}={not default}")
    return f"{variable} = WorkflowParameter({', '.join(args)})"


def workflow_code(
    *, title: str, description: str, docs: Sequence[Mapping[str, Any]], parameters: Sequence[Mapping[str, Any]] = ()
) -> str:
    """The code that recreates a workflow of node documents ``docs`` and workflow ``parameters``, titled ``title``."""
    docs = _canonical(docs)
    parameters = _canonical_parameters(parameters or [])
    names: dict[str, str] = {}
    taken: set[str] = set()
    lines = [
        f'"""The workflow {title!r}, recreated with the PLynx Python API.',
        "",
        "Run it with a PLynx server at $PLYNX_ENDPOINT (default http://127.0.0.1:8000), with $PLYNX_TOKEN",
        "(a refresh token) if the server has users. It saves a new workflow and prints its id.",
        '"""',
        "",
        "from plynx import Client, Graph, Node",
        *(["from plynx.graph import WorkflowParameter"] if parameters else []),
        "",
        "client = Client()",
        "",
    ]
    variables: dict[str, str] = {}
    types: dict[str, str] = {}
    for parameter in parameters:
        variable = variables[parameter["name"]] = _identifier(str(parameter["name"]), taken)
        types[parameter["name"]] = parameter["parameter_type"]
        lines.append(_workflow_parameter(variable, parameter))
    if parameters:
        lines.append("")
    for doc in _ordered(docs):
        name = names[doc["_id"]] = _identifier(str(doc.get("title", "node")), taken)
        document = {key: doc[key] for key in _NODE_KEYS if key in doc}
        document["inputs"] = [
            {**port, "values": [v for v in port.get("values", []) if "node_id" not in v]}
            for port in doc.get("inputs", [])
        ]
        # A reference that names no workflow parameter of its type stays in the document: saving reports it.
        node_parameters = [p for p in doc.get("parameters", []) if isinstance(p, Mapping)]
        linked = {
            p["name"]: variables[p["reference"]]
            for p in node_parameters
            if p.get("reference") in variables and types[p["reference"]] == p.get("parameter_type") and "name" in p
        }
        if linked:
            document["parameters"] = [
                {**p, "reference": None} if p.get("name") in linked else p for p in node_parameters
            ]
        links = {
            port["name"]: [names[v["node_id"]] + f".outputs[{v['output_id']!r}]" for v in port.get("values", [])]
            for port in doc.get("inputs", [])
            if any("node_id" in v for v in port.get("values", []))
        }
        original = doc.get("original_node_id")
        lines.append(f"{name} = Node(")
        lines.append(f"    id={original!r}," if original else "    id=None,")
        lines.append(f"    document={_literal(document, 4)},")
        lines.append(")(")
        lines.append(f"    title={doc.get('title', '')!r},")
        lines.append(f"    description={doc.get('description', '')!r},")
        lines.append(f"    x={int(doc.get('x', 0))},")
        lines.append(f"    y={int(doc.get('y', 0))},")
        if links:
            rendered = ", ".join(f"{port!r}: [{', '.join(refs)}]" for port, refs in links.items())
            lines.append(f"    inputs={{{rendered}}},")
        if linked:
            rendered = ", ".join(f"{parameter!r}: {variable}" for parameter, variable in linked.items())
            lines.append(f"    params={{{rendered}}},")
        lines.append(")")
        lines.append("")
    targets = ", ".join(names[doc["_id"]] for doc in _ordered(docs))
    declared = f" parameters=[{', '.join(variables.values())}]," if parameters else ""
    lines.append(f"graph = Graph(client, title={title!r}, description={description!r},{declared} targets=[{targets}])")
    lines.append("graph.save()")
    lines.append("print(graph.id)")
    return "\n".join(lines) + "\n"
