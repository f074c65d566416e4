"""Workflows in code: operations as node classes, instances linked output to input, a graph to save and run."""

from __future__ import annotations

import copy
import json
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from plynx.client import Client

FINISHED = ("SUCCESS", "FAILED", "CANCELED")
_DOCUMENT_KEYS = ("kind", "title", "description", "inputs", "outputs", "parameters", "logs", "nodes")


class GraphFailed(Exception):
    """A run ended FAILED or CANCELED; ``failed`` names the nodes that did not succeed."""

    def __init__(self, status: str, failed: Sequence[str]) -> None:
        super().__init__(f"the run ended {status}" + (f"; failed: {', '.join(failed)}" if failed else ""))
        self.status = status
        self.failed = list(failed)


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
        self.params: dict[str, Any] = dict(params or {})
        input_names = {_pyname(port["name"]): port["name"] for port in self.document["inputs"]}
        param_names = {_pyname(p["name"]): p["name"] for p in self.document["parameters"]}
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
        unknown = sorted(set(self.params) - set(param_names.values()))
        if unknown:
            raise TypeError(f"{self.title!r} has no parameter {', '.join(map(repr, unknown))}")
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
                if parameter["parameter_type"] == "code" and isinstance(value, str):
                    value = {**parameter["value"], "value": value}
                parameter["value"] = value
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
    """A workflow made of the nodes ``targets`` need (they and everything upstream of them)."""

    def __init__(
        self,
        client: Client,
        *,
        title: str = "Title",
        description: str = "",
        targets: Iterable[NodeInstance] = (),
        id: str | None = None,
    ) -> None:
        self.client = client
        self.title = title
        self.description = description
        self.targets = list(targets)
        self.id = id
        self.run_id: str | None = None

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

    def document(self) -> dict[str, Any]:
        return {"title": self.title, "description": self.description, "nodes": [n.to_document() for n in self.nodes()]}

    def save(self) -> Graph:
        """Store the workflow (created the first time, replaced after)."""
        if self.id is None:
            self.id = self.client.post("/workflows/", {"kind": "workflow", **self.document()})["id"]
        else:
            self.client.put(f"/workflows/{self.id}/", self.document())
        return self

    def run(self) -> Graph:
        """Save, then start a run of the workflow."""
        self.save()
        self.run_id = self.client.post(f"/workflows/{self.id}/run/")["run_id"]
        return self

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
