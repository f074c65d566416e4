"""The engine's view of a graph: frozen dataclasses, built from the stored JSON by the shell."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

UNLIMITED = -1
# The fixed ids of the special nodes inside a composite operation (the seed's values): the
# Input node's outputs are the composite's inputs, the Output node's inputs its outputs.
COMPOSITE_INPUT_ID = "2419f9500000000000000000"
COMPOSITE_OUTPUT_ID = "56274ccc0000000000000000"


class NodeState(StrEnum):
    STATIC = "STATIC"
    CREATED = "CREATED"
    IN_QUEUE = "IN_QUEUE"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    RESTORED = "RESTORED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


class RunState(StrEnum):
    CREATED = "CREATED"
    READY = "READY"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    FAILED_WAITING = "FAILED_WAITING"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


SUCCEEDED: frozenset[NodeState] = frozenset({NodeState.STATIC, NodeState.SUCCESS, NodeState.RESTORED})
ACTIVE: frozenset[NodeState] = frozenset({NodeState.IN_QUEUE, NodeState.RUNNING})
FINISHED: frozenset[NodeState] = frozenset(
    {NodeState.SUCCESS, NodeState.RESTORED, NodeState.FAILED, NodeState.CANCELED}
)
RUN_FINISHED: frozenset[RunState] = frozenset({RunState.SUCCESS, RunState.FAILED, RunState.CANCELED})


class SourceKind(StrEnum):
    LINK = "link"
    RESOURCE = "resource"
    VALUE = "value"


@dataclass(frozen=True)
class Source:
    """What feeds one slot of an input: another node's output, a stored resource, or a raw value."""

    kind: SourceKind
    node_id: str = ""
    output: str = ""
    resource_id: str = ""
    # The file type of a resource source, when the shell knows it ("" when unknown).
    file_type: str = ""
    value: Any = None

    @classmethod
    def link(cls, node_id: str, output: str) -> Source:
        return cls(SourceKind.LINK, node_id=node_id, output=output)

    @classmethod
    def resource(cls, resource_id: str, file_type: str = "") -> Source:
        return cls(SourceKind.RESOURCE, resource_id=resource_id, file_type=file_type)

    @classmethod
    def raw(cls, value: Any) -> Source:
        return cls(SourceKind.VALUE, value=value)


@dataclass(frozen=True)
class InputSpec:
    name: str
    file_types: tuple[str, ...]
    min_count: int = 1
    max_count: int = 1
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class OutputSpec:
    name: str
    file_type: str


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    parameter_type: str
    value: Any


@dataclass(frozen=True)
class Node:
    id: str
    kind: str
    title: str = "Title"
    inputs: tuple[InputSpec, ...] = ()
    outputs: tuple[OutputSpec, ...] = ()
    parameters: tuple[ParameterSpec, ...] = ()
    # The permanent status of the operation the node was made from (CREATED, READY, DEPRECATED, ...).
    node_status: str = "READY"
    # Static nodes (files, a composite's Input node) never run: their outputs exist beforehand.
    static: bool = False

    def input(self, name: str) -> InputSpec | None:
        return next((i for i in self.inputs if i.name == name), None)

    def output(self, name: str) -> OutputSpec | None:
        return next((o for o in self.outputs if o.name == name), None)

    def parameter(self, name: str) -> ParameterSpec | None:
        return next((p for p in self.parameters if p.name == name), None)


@dataclass(frozen=True)
class Graph:
    """A DAG of nodes; edges are the links in the nodes' inputs."""

    nodes: tuple[Node, ...]
    id: str = ""

    @cached_property
    def by_id(self) -> dict[str, Node]:
        return {node.id: node for node in self.nodes}

    @cached_property
    def upstream(self) -> dict[str, frozenset[str]]:
        """Node id → ids of the (known) nodes that feed it."""
        known = self.by_id
        return {
            node.id: frozenset(
                source.node_id
                for port in node.inputs
                for source in port.sources
                if source.kind is SourceKind.LINK and source.node_id in known
            )
            for node in self.nodes
        }

    @cached_property
    def downstream(self) -> dict[str, frozenset[str]]:
        """Node id → ids of the nodes it feeds."""
        children: dict[str, set[str]] = {node.id: set() for node in self.nodes}
        for node_id, parents in self.upstream.items():
            for parent in parents:
                children[parent].add(node_id)
        return {node_id: frozenset(ids) for node_id, ids in children.items()}
