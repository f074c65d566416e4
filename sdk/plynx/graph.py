"""Workflows in code: operations as node classes, instances linked output to input, a graph to save and run."""

from __future__ import annotations

import copy
import json
import math
import os
import re
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from plynx.client import Client

FINISHED = ("SUCCESS", "FAILED", "CANCELED")
_DOCUMENT_KEYS = ("kind", "title", "description", "inputs", "outputs", "parameters", "logs", "nodes")


PARAMETER_TYPES = ("str", "int", "float", "bool", "text", "enum", "list_str", "list_int", "list_node", "code", "color")
# What the server accepts as a parameter name (``Name`` of the node documents).
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}")
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


class GraphFailed(Exception):
    """A run ended FAILED or CANCELED; ``failed`` names the nodes that did not succeed."""

    def __init__(self, status: str, failed: Sequence[str]) -> None:
        super().__init__(f"the run ended {status}" + (f"; failed: {', '.join(failed)}" if failed else ""))
        self.status = status
        self.failed = list(failed)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Per scalar and list type: whether a value fits, and its canonical form.
_FITS: dict[str, Any] = {
    "str": lambda v: isinstance(v, str),
    "text": lambda v: isinstance(v, str),
    "int": _is_int,
    "float": lambda v: (_is_int(v) or isinstance(v, float)) and math.isfinite(v),
    "bool": lambda v: isinstance(v, bool),
    "color": lambda v: isinstance(v, str) and _COLOR.fullmatch(v) is not None,
    "list_str": lambda v: isinstance(v, list | tuple) and all(isinstance(item, str) for item in v),
    "list_int": lambda v: isinstance(v, list | tuple) and all(_is_int(item) for item in v),
    "list_node": lambda v: isinstance(v, dict) and set(v) == {"value"} and isinstance(v["value"], list),
}
_CANONICAL: dict[str, Any] = {"float": float, "color": str.lower, "list_str": list, "list_int": list}
_EMPTY: dict[str, Any] = {"str": "", "text": "", "int": 0, "float": 0.0, "bool": False, "color": "#000000"}


def _enum_fits(value: Any) -> bool:
    if not (isinstance(value, dict) and set(value) == {"values", "index"} and _is_int(value["index"])):
        return False
    values, index = value["values"], value["index"]
    if not (isinstance(values, list) and all(isinstance(v, str) for v in values) and len(set(values)) == len(values)):
        return False
    return bool(0 <= index < len(values) or index == 0 == len(values))


def parameter_value(parameter_type: str, value: Any, *, where: str, choices: Sequence[str] | None = None) -> Any:
    """``value`` in the server's form for ``parameter_type``; ``ValueError`` naming ``where`` if it does not fit.

    None is the type's empty value. Shorthands: a ``code`` value may be its text (mode python),
    an ``enum`` the list of its choices (the first selected) or, given the ``choices`` of the
    parameter it overrides, the name of one of them.
    """
    if parameter_type not in PARAMETER_TYPES:
        raise ValueError(f"{where}: unknown parameter type {parameter_type!r}; use one of {', '.join(PARAMETER_TYPES)}")
    if parameter_type == "code":
        if value is None or isinstance(value, str):
            value = {"value": value or "", "mode": "python"}
        fits = isinstance(value, dict) and set(value) == {"value", "mode"} and isinstance(value["value"], str)
        fits = fits and value["mode"] in ("python", "sh")
    elif parameter_type == "enum":
        if isinstance(value, str) and choices is not None:
            if value not in choices:
                raise ValueError(
                    f"{where}: expected one of {', '.join(map(repr, choices)) or 'no values'}, got {value!r}"
                )
            value = {"values": list(choices), "index": list(choices).index(value)}
        elif value is None or isinstance(value, list | tuple):
            value = {"values": list(value or []), "index": 0}
        fits = _enum_fits(value)
    elif value is None:
        return {"value": []} if parameter_type == "list_node" else copy.copy(_EMPTY.get(parameter_type, []))
    else:
        fits = _FITS[parameter_type](value)
        value = _CANONICAL.get(parameter_type, lambda v: v)(value) if fits else value
    if not fits:
        raise ValueError(f"{where}: the value {value!r} does not fit the type {parameter_type}")
    return value


class WorkflowParameter:
    """A parameter of the workflow itself: node parameters of its type may take their value from it.

    Declare one with ``graph.parameter(name, type, value)`` (or make one and pass it in
    ``Graph(parameters=[...])``), and link a node's parameter to it with
    ``node.params.<name> = handle``, ``Op(<name>=handle)`` or ``graph.link_parameter(...)``. A run
    may override its value: ``graph.run(parameters={name: value})``. ``alias`` is the label the
    editor shows (the name by default; None: no label).
    """

    _NO_ALIAS: Any = object()

    def __init__(
        self,
        name: str,
        parameter_type: str = "str",
        value: Any = None,
        *,
        alias: str | None = _NO_ALIAS,
        mutable_type: bool = False,
        removable: bool = True,
        publicable: bool = True,
    ) -> None:
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(
                f"workflow parameter name {name!r}: use 1 to 64 letters, digits, '_', '.' or '-', "
                "not starting with '.' or '-'"
            )
        self.name = name
        self.parameter_type = parameter_type
        self.value = value
        self.alias = name if alias is WorkflowParameter._NO_ALIAS else alias
        self.mutable_type, self.removable, self.publicable = mutable_type, removable, publicable

    @property
    def value(self) -> Any:
        return self._value

    @value.setter
    def value(self, value: Any) -> None:
        """Checked against the type (``ValueError`` naming the parameter) and kept in the server's form."""
        self._value = parameter_value(self.parameter_type, value, where=f"workflow parameter {self.name!r}")

    def __repr__(self) -> str:
        return f"WorkflowParameter({self.name!r}, {self.parameter_type!r}, {self.value!r})"

    def to_document(self) -> dict[str, Any]:
        """The parameter as the workflow stores it."""
        return {
            "name": self.name,
            "parameter_type": self.parameter_type,
            "value": copy.deepcopy(self.value),
            "mutable_type": self.mutable_type,
            "removable": self.removable,
            "publicable": self.publicable,
            "widget": None if self.alias is None else {"alias": self.alias},
            "reference": None,
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> WorkflowParameter:
        """A workflow parameter as the server sends it."""
        widget = document.get("widget")
        return cls(
            document["name"],
            document["parameter_type"],
            document.get("value"),
            alias=widget.get("alias") if isinstance(widget, Mapping) else None,
            mutable_type=bool(document.get("mutable_type", False)),
            removable=bool(document.get("removable", True)),
            publicable=bool(document.get("publicable", True)),
        )


class _Params(dict[str, Any]):
    """A node's parameter values by name: ``params["n"]`` or ``params.n`` (``-`` and ``.`` written ``_``).

    A value may be a ``WorkflowParameter`` of the same type: the parameter then takes its value from it.
    """

    def __init__(self, node: NodeInstance) -> None:
        super().__init__()
        object.__setattr__(self, "_node", node)

    def _types(self) -> dict[str, str]:
        node: NodeInstance = object.__getattribute__(self, "_node")
        return {p["name"]: p["parameter_type"] for p in node.document["parameters"]}

    def _name(self, key: str) -> str:
        types = self._types()
        if key in types:
            return key
        by_pyname = {_pyname(name): name for name in types}
        if key in by_pyname:
            return by_pyname[key]
        node: NodeInstance = object.__getattribute__(self, "_node")
        raise KeyError(f"{node.title!r} has no parameter {key!r}; it has {', '.join(types) or 'none'}")

    def __setitem__(self, key: str, value: Any) -> None:
        name = self._name(key)
        if isinstance(value, WorkflowParameter):
            node_type = self._types()[name]
            if value.parameter_type != node_type:
                node: NodeInstance = object.__getattribute__(self, "_node")
                raise TypeError(
                    f"parameter {name!r} of {node.title!r} is of type {node_type} and cannot take its value from "
                    f"the workflow parameter {value.name!r} of type {value.parameter_type}"
                )
        super().__setitem__(name, value)

    def __getitem__(self, key: str) -> Any:
        return super().__getitem__(self._name(key))

    def __delitem__(self, key: str) -> None:
        super().__delitem__(self._name(key))

    def __contains__(self, key: object) -> bool:
        try:
            return isinstance(key, str) and super().__contains__(self._name(key))
        except KeyError:
            return False

    def update(self, *args: Any, **values: Any) -> None:
        for key, value in dict(*args, **values).items():
            self[key] = value

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError as error:
            raise AttributeError(error.args[0]) from None

    def __setattr__(self, key: str, value: Any) -> None:
        try:
            self[key] = value
        except KeyError as error:
            raise AttributeError(error.args[0]) from None

    def __delattr__(self, key: str) -> None:
        try:
            del self[key]
        except KeyError as error:
            raise AttributeError(error.args[0]) from None


@dataclass(frozen=True)
class Output:
    """Output ``name`` of ``node``: what an input of another node is linked to."""

    node: NodeInstance
    name: str


class _Outputs:
    def __init__(self, node: NodeInstance) -> None:
        self._node = node

    def __getitem__(self, name: str) -> Output:
        names = [output["name"] for output in self._node.document["outputs"]]
        if name not in names:
            raise KeyError(f"{self._node.title!r} has no output {name!r}; it has {', '.join(names) or 'none'}")
        return Output(self._node, name)

    def __getattr__(self, name: str) -> Output:
        try:
            return self[name]
        except KeyError as error:
            raise AttributeError(str(error)) from None


def _pyname(name: str) -> str:
    return name.replace("-", "_").replace(".", "_")


def _new_id() -> str:
    return os.urandom(12).hex()


class NodeInstance:
    """One node of a workflow, made from an operation (see ``Node``).

    Inputs are linked with ``inputs={name: output or [outputs]}`` and parameters set with
    ``params={name: value}``; as keyword arguments, names with ``-`` or ``.`` are written with ``_``.
    A ``WorkflowParameter`` as a parameter's value links the parameter to it. After creation,
    ``node.params.<name> = value`` sets (or links) a parameter.
    """

    document: dict[str, Any] = {}
    operation_id: str | None = None

    def __init__(
        self,
        *,
        title: str | None = None,
        description: str | None = None,
        x: int = 0,
        y: int = 0,
        inputs: Mapping[str, Output | Sequence[Output]] | None = None,
        params: Mapping[str, Any] | None = None,
        **values: Any,
    ) -> None:
        self.document = copy.deepcopy(type(self).document)
        self.id = _new_id()
        self.title = title if title is not None else self.document.get("title", "Title")
        self.description = description if description is not None else self.document.get("description", "")
        self.x, self.y = x, y
        self.inputs: dict[str, list[Output]] = {}
        self.params = _Params(self)
        input_names = {_pyname(port["name"]): port["name"] for port in self.document["inputs"]}
        param_names = {_pyname(p["name"]): p["name"] for p in self.document["parameters"]}
        unknown = sorted(set(params or {}) - set(param_names.values()))
        if unknown:
            raise TypeError(f"{self.title!r} has no parameter {', '.join(map(repr, unknown))}")
        self.params.update(params or {})
        for name, value in (inputs or {}).items():
            self._link(name, value)
        for key, value in values.items():
            if key in input_names:
                self._link(input_names[key], value)
            elif key in param_names:
                self.params[param_names[key]] = value
            else:
                known = ", ".join(sorted({*input_names, *param_names})) or "none"
                raise TypeError(f"{self.title!r} has no input or parameter {key!r}; it has {known}")
        self.outputs = _Outputs(self)

    def _link(self, name: str, value: Output | Sequence[Output]) -> None:
        if name not in {port["name"] for port in self.document["inputs"]}:
            raise TypeError(f"{self.title!r} has no input {name!r}")
        links = [value] if isinstance(value, Output) else list(value)
        if not all(isinstance(link, Output) for link in links):
            raise TypeError(f"input {name!r} of {self.title!r} takes outputs (node.outputs.<name>)")
        self.inputs.setdefault(name, []).extend(links)

    def upstream(self) -> list[NodeInstance]:
        return [link.node for links in self.inputs.values() for link in links]

    def references(self) -> dict[str, WorkflowParameter]:
        """The parameters of this node linked to a workflow parameter: parameter name → workflow parameter."""
        return {name: value for name, value in self.params.items() if isinstance(value, WorkflowParameter)}

    def to_document(self) -> dict[str, Any]:
        """The node as a workflow stores it."""
        doc = {key: copy.deepcopy(self.document[key]) for key in _DOCUMENT_KEYS if key in self.document}
        doc.update({"_id": self.id, "title": self.title, "description": self.description, "x": self.x, "y": self.y})
        if self.operation_id:
            doc["original_node_id"] = self.operation_id
        for port in doc["inputs"]:
            kept = [value for value in port.get("values", []) if "node_id" not in value]
            links = [{"node_id": link.node.id, "output_id": link.name} for link in self.inputs.get(port["name"], [])]
            port["values"] = links + kept
        for parameter in doc["parameters"]:
            if parameter["name"] in self.params:
                value = self.params[parameter["name"]]
                if isinstance(value, WorkflowParameter):
                    # As the editor links them: the node shows the value its runs will take.
                    parameter["reference"] = value.name
                    parameter["value"] = copy.deepcopy(value.value)
                    continue
                if parameter["parameter_type"] == "code" and isinstance(value, str):
                    value = {**parameter["value"], "value": value}
                parameter["value"] = value
                if parameter.get("reference"):
                    parameter["reference"] = None  # a value of its own unlinks it
        return doc


def Node(client: Client | None = None, *, id: str | None = None, document: Any = None) -> type:
    """A node class for an operation: stored on the server (``id``) or given as its ``document``.

    ``document`` may also be a function decorated with ``plynx.node.operation``: its operation,
    made from the code (``id`` is then the operation's own). Each instance is a new node of a
    workflow; its outputs are ``instance.outputs.<name>``.
    """
    if document is not None and hasattr(document, "plynx_params"):
        from plynx.node import operation_document

        document = operation_document(document)
        id = id or document["_id"]
    if document is None:
        if client is None or id is None:
            raise TypeError("Node needs a client and an operation id, or a document")
        document = client.get(f"/operations/{id}/")
    # With both, ``document`` is the node as it was made from operation ``id`` (generated code).
    doc = {key: copy.deepcopy(document[key]) for key in _DOCUMENT_KEYS if key in document}
    for port in doc.setdefault("inputs", []):
        port["values"] = [value for value in port.get("values", []) if "node_id" not in value]
    for key in ("outputs", "parameters", "logs"):
        doc.setdefault(key, [])
    name = "".join(part.capitalize() for part in str(doc.get("title", "Node")).split() if part.isalnum()) or "Node"
    return type(name, (NodeInstance,), {"document": doc, "operation_id": id})


def File(client: Client, *, id: str) -> NodeInstance:
    """A file uploaded to the server, as a node whose output ``out`` is the file."""
    return Node(client, id=id)()  # type: ignore[no-any-return]


class Graph:
    """A workflow made of the nodes ``targets`` need (they and everything upstream of them).

    ``parameters`` are the workflow's own parameters (see ``WorkflowParameter``); those that nodes
    link to are part of the workflow even when not listed.
    """

    def __init__(
        self,
        client: Client,
        *,
        title: str = "Title",
        description: str = "",
        targets: Iterable[NodeInstance] = (),
        parameters: Iterable[WorkflowParameter] = (),
        id: str | None = None,
    ) -> None:
        self.client = client
        self.title = title
        self.description = description
        self.targets = list(targets)
        self.id = id
        self.run_id: str | None = None
        self.parameters: dict[str, WorkflowParameter] = {}
        for parameter in parameters:
            self._declare(parameter)

    @classmethod
    def load(cls, client: Client, id: str) -> Graph:
        """The stored workflow ``id``: its nodes (linked as stored), its parameters and the nodes' links to them.

        Saving it again stores the same workflow; change nodes, parameters and links in between.
        """
        stored = client.get(f"/workflows/{id}/")
        graph = cls(
            client,
            title=stored.get("title", "Title"),
            description=stored.get("description", ""),
            parameters=[WorkflowParameter.from_document(doc) for doc in stored.get("parameters") or []],
            id=id,
        )
        docs = stored.get("nodes") or []
        nodes: dict[str, NodeInstance] = {}
        for doc in docs:
            node = Node(client, id=doc.get("original_node_id"), document=doc)(
                title=doc.get("title"), description=doc.get("description"), x=doc.get("x", 0), y=doc.get("y", 0)
            )
            node.id = doc["_id"]
            nodes[node.id] = node
            for parameter in doc.get("parameters", []):
                found = graph.parameters.get(parameter.get("reference") or "")
                if found is not None and found.parameter_type == parameter["parameter_type"]:
                    node.params[parameter["name"]] = found
        for doc in docs:
            for port in doc.get("inputs", []):
                for value in port.get("values", []):
                    if value.get("node_id") in nodes:
                        nodes[doc["_id"]].inputs.setdefault(port["name"], []).append(
                            Output(nodes[value["node_id"]], value["output_id"])
                        )
        graph.targets = list(nodes.values())
        return graph

    def _declare(self, parameter: WorkflowParameter) -> WorkflowParameter:
        if not isinstance(parameter, WorkflowParameter):
            raise TypeError(f"workflow parameters are WorkflowParameter objects, got {parameter!r}")
        if parameter.name in self.parameters and self.parameters[parameter.name] is not parameter:
            raise ValueError(f"the workflow already has a parameter named {parameter.name!r}")
        self.parameters[parameter.name] = parameter
        return parameter

    def parameter(
        self,
        name: str,
        parameter_type: str = "str",
        value: Any = None,
        *,
        alias: str | None = WorkflowParameter._NO_ALIAS,
    ) -> WorkflowParameter:
        """Declare the workflow parameter ``name`` of ``parameter_type`` (``str``, ``int``, ``float``,
        ``bool``, ``text``, ``enum``, ``list_str``, ``list_int``, ``code``, ``color``) holding
        ``value`` (None: the type's empty value); returns it, to link node parameters to."""
        return self._declare(WorkflowParameter(name, parameter_type, value, alias=alias))

    def link_parameter(self, node: NodeInstance, name: str, parameter: WorkflowParameter | str) -> None:
        """Make parameter ``name`` of ``node`` take its value from the workflow parameter ``parameter`` (or name)."""
        if isinstance(parameter, str):
            if parameter not in self.parameters:
                known = ", ".join(self.parameters) or "none"
                raise KeyError(f"the workflow has no parameter {parameter!r}; it has {known}")
            parameter = self.parameters[parameter]
        node.params[name] = parameter

    def unlink_parameter(self, node: NodeInstance, name: str) -> None:
        """Make parameter ``name`` of ``node`` keep the value it has, whatever the workflow parameters hold."""
        linked = node.params.get(node.params._name(name))
        if isinstance(linked, WorkflowParameter):
            node.params[name] = copy.deepcopy(linked.value)

    def nodes(self) -> list[NodeInstance]:
        """Every node the targets need, each once, parents before children."""
        ordered: list[NodeInstance] = []
        seen: set[str] = set()

        def visit(node: NodeInstance, path: tuple[str, ...]) -> None:
            if node.id in path:
                raise ValueError(f"the nodes form a cycle through {node.title!r}")
            if node.id in seen:
                return
            for parent in node.upstream():
                visit(parent, (*path, node.id))
            seen.add(node.id)
            ordered.append(node)

        for target in self.targets:
            visit(target, ())
        return ordered

    def workflow_parameters(self, nodes: Sequence[NodeInstance] | None = None) -> list[WorkflowParameter]:
        """The declared parameters, then those the nodes link to without their being declared.

        Raises ``ValueError`` naming the node and its parameter when two different workflow
        parameters have the same name.
        """
        found = dict(self.parameters)
        for node in self.nodes() if nodes is None else nodes:
            for name, linked in node.references().items():
                if found.setdefault(linked.name, linked) is not linked:
                    raise ValueError(
                        f"parameter {name!r} of {node.title!r} is linked to a workflow parameter {linked.name!r} "
                        "other than the workflow's own of that name"
                    )
        return list(found.values())

    def document(self) -> dict[str, Any]:
        nodes = self.nodes()
        return {
            "title": self.title,
            "description": self.description,
            "parameters": [parameter.to_document() for parameter in self.workflow_parameters(nodes)],
            "nodes": [n.to_document() for n in nodes],
        }

    def save(self) -> Graph:
        """Store the workflow (created the first time, replaced after)."""
        if self.id is None:
            self.id = self.client.post("/workflows/", {"kind": "workflow", **self.document()})["id"]
        else:
            self.client.put(f"/workflows/{self.id}/", self.document())
        return self

    def run(self, parameters: Mapping[str, Any] | None = None) -> Graph:
        """Save, then start a run of the workflow.

        ``parameters`` (name → value) override workflow parameters for this run only; an enum
        takes the name of one of its choices, code its text. An unknown name or a value that does
        not fit raises ``ValueError`` naming it, and nothing is saved or started.
        """
        overrides = self._overrides(parameters or {})
        self.save()
        self.run_id = self.client.post(f"/workflows/{self.id}/run/", {"parameters": overrides} if overrides else None)[
            "run_id"
        ]
        return self

    def _overrides(self, parameters: Mapping[str, Any]) -> dict[str, Any]:
        declared = {parameter.name: parameter for parameter in self.workflow_parameters()}
        unknown = sorted(set(parameters) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise ValueError(f"unknown workflow parameter(s) {', '.join(map(repr, unknown))}; the workflow has {known}")
        overrides = {}
        for name, value in parameters.items():
            parameter = declared[name]
            if value is None:
                raise ValueError(
                    f"workflow parameter {name!r}: give a value of type {parameter.parameter_type}, not None"
                )
            choices = parameter.value["values"] if parameter.parameter_type == "enum" else None
            if parameter.parameter_type == "code" and isinstance(value, str):
                value = {**parameter.value, "value": value}
            overrides[name] = parameter_value(
                parameter.parameter_type, value, where=f"workflow parameter {name!r}", choices=choices
            )
        return overrides

    approve = run  # the seed's name

    def wait(
        self, *, timeout: float | None = None, interval: float = 1.0, progress: bool | Progress | None = None
    ) -> Graph:
        """Follow the run to its end; raise GraphFailed (naming the failed nodes) unless it succeeded.

        ``progress`` draws a progress bar with the nodes in each state on stderr: by default only
        when stderr is a terminal. It uses tqdm when that is installed, a plain line otherwise; a
        ``Progress`` of one's own draws where and how it was made to.
        """
        if self.run_id is None:
            raise RuntimeError("the graph has not been run: call run() first")
        deadline = None if timeout is None else time.monotonic() + timeout
        if isinstance(progress, Progress):
            bar: Progress | None = progress
        else:
            bar = Progress(self.title) if (sys.stderr.isatty() if progress is None else progress) else None
        try:
            while True:
                run = self.client.get(f"/runs/{self.run_id}/")
                if bar is not None:
                    bar.update(run["status"], run.get("node_counts", {}))
                if run["status"] in FINISHED:
                    break
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError(f"the run {self.run_id} did not end in {timeout} s")
                time.sleep(interval)
        finally:
            if bar is not None:
                bar.close()
        if run["status"] != "SUCCESS":
            failed = [n["title"] for n in self.run_nodes() if n["status"] in ("FAILED", "CANCELED")]
            raise GraphFailed(run["status"], failed)
        return self

    def _run_id(self) -> str:
        if self.run_id is None:
            raise RuntimeError("the graph has not been run: call run() first")
        return self.run_id

    def run_nodes(self) -> list[dict[str, Any]]:
        return list(self.client.get(f"/runs/{self._run_id()}/nodes/", params={"limit": 10000})["results"])

    def outputs(self, node: NodeInstance) -> dict[str, str]:
        """The resources ``node`` produced in the last run: output name → resource id."""
        for row in self.run_nodes():
            if row["id"] == node.id:
                return {output["name"]: output["resource_id"] for output in row["outputs"]}
        raise KeyError(f"{node.title!r} is not part of run {self.run_id}")

    def read_output(self, node: NodeInstance, name: str) -> bytes:
        """The bytes of output ``name`` of ``node`` in the last run (a directory comes as its zip)."""
        outputs = self.outputs(node)
        if outputs.get(name) is None:
            known = ", ".join(sorted(outputs)) or "none"
            raise KeyError(f"{node.title!r} has no output {name!r} in run {self.run_id}; it has {known}")
        return download(self.client, outputs[name])

    def output_value(self, node: NodeInstance, name: str) -> Any:
        """Output ``name`` of ``node`` as a Python value: an int, float, bool or str for those types,
        the decoded document for JSON, the bytes of any other file."""
        file_type = next((o["file_type"] for o in node.document["outputs"] if o["name"] == name), None)
        data = self.read_output(node, name)
        return decode_value(file_type or "file", data)

    def logs(self, node: NodeInstance, name: str = "stdout") -> str:
        """The whole log ``name`` (``stdout``, ``stderr`` or ``worker``) of ``node`` in the last run, so far."""
        path = f"/runs/{self._run_id()}/nodes/{node.id}/logs/{name}/"
        parts: list[str] = []
        offset = 0
        while True:
            chunk = self.client.get(path, params={"offset": offset})
            parts.append(chunk["text"])
            if chunk["offset"] <= offset or chunk["offset"] >= chunk["size"]:
                return "".join(parts)
            offset = chunk["offset"]


def download(client: Client, resource_id: str) -> bytes:
    """The bytes of a stored resource."""
    from plynx.client import ApiError

    url = f"{client.endpoint}/api/v1/resources/{resource_id}/download/"
    try:
        response = client.session.get(url, headers=client._headers(), timeout=client.timeout)
    except OSError as error:
        raise ApiError(0, f"cannot reach {client.endpoint}: {error}") from None
    if response.status_code >= 400:
        raise ApiError(response.status_code, response.text[:500] or response.reason)
    return response.content


def decode_value(file_type: str, data: bytes) -> Any:
    """The Python value a file of ``file_type`` holds (raw kinds and JSON); other kinds stay bytes."""
    text = data.decode("utf-8") if file_type in ("int", "float", "bool", "str", "color", "json") else ""
    if file_type == "int":
        return int(text.strip())
    if file_type == "float":
        return float(text.strip())
    if file_type == "bool":
        return text.strip().lower() in ("true", "1")
    if file_type == "str":
        return text.removesuffix("\n")
    if file_type == "color":
        return text.strip()
    if file_type == "json":
        return json.loads(text)
    return data


# Node states in the order a progress line lists them.
_STATES = ("IN_QUEUE", "RUNNING", "SUCCESS", "RESTORED", "FAILED", "CANCELED")
_DONE = ("SUCCESS", "RESTORED", "FAILED", "CANCELED")


class Progress:
    """A progress bar of a run on stderr: its status, the finished nodes, and how many are in each state."""

    width = 24

    def __init__(self, title: str, stream: TextIO | None = None, *, use_tqdm: bool = True) -> None:
        self.title = title
        self.stream = stream or sys.stderr
        self._shown = 0
        self._tqdm: Any = None
        try:
            from tqdm import tqdm
        except ImportError:
            tqdm = None
        if tqdm is not None and use_tqdm:
            self._tqdm = tqdm(total=0, desc=title, unit="node", file=self.stream, leave=True)

    def line(self, status: str, counts: Mapping[str, int]) -> str:
        """What the bar shows for a run in ``status`` with ``counts`` nodes by state."""
        total = sum(n for state, n in counts.items() if state != "STATIC")
        done = sum(counts.get(state, 0) for state in _DONE)
        filled = self.width * done // total if total else self.width
        states = " ".join(f"{state.lower()} {counts[state]}" for state in _STATES if counts.get(state))
        bar = "#" * filled + "-" * (self.width - filled)
        return f"{self.title}: {status} [{bar}] {done}/{total}" + (f" ({states})" if states else "")

    def update(self, status: str, counts: Mapping[str, int]) -> None:
        if self._tqdm is not None:
            self._tqdm.total = sum(n for state, n in counts.items() if state != "STATIC")
            self._tqdm.n = sum(counts.get(state, 0) for state in _DONE)
            self._tqdm.set_postfix_str(
                " ".join(f"{state.lower()}={counts[state]}" for state in _STATES if counts.get(state)) or status,
                refresh=False,
            )
            self._tqdm.refresh()
            return
        text = self.line(status, counts)
        self.stream.write("\r" + text.ljust(self._shown))
        self.stream.flush()
        self._shown = len(text)

    def close(self) -> None:
        if self._tqdm is not None:
            self._tqdm.close()
        elif self._shown:
            self.stream.write("\n")
            self.stream.flush()
