"""Validation of a graph into the seed's validation-error tree (target, object id, code, children)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from apps.graphs.engine.scheduling import find_cycle
from apps.graphs.engine.types import UNLIMITED, Graph, InputSpec, Node, SourceKind
from apps.nodes.parameters import TIMEOUT, ParameterType, ParameterValueError, validate_value


class ValidationTarget(StrEnum):
    BLOCK = "BLOCK"
    GRAPH = "GRAPH"
    INPUT = "INPUT"
    NODE = "NODE"
    PARAMETER = "PARAMETER"
    PROPERTY = "PROPERTY"


class ValidationCode(StrEnum):
    # The seed's codes.
    IN_DEPENDENTS = "IN_DEPENDENTS"
    MISSING_INPUT = "MISSING_INPUT"
    MISSING_PARAMETER = "MISSING_PARAMETER"
    INVALID_VALUE = "INVALID_VALUE"
    DEPRECATED_NODE = "DEPRECATED_NODE"
    EMPTY_GRAPH = "EMPTY_GRAPH"
    # This platform's additions.
    CYCLE = "CYCLE"
    TYPE_MISMATCH = "TYPE_MISMATCH"
    TOO_MANY_INPUTS = "TOO_MANY_INPUTS"
    UNKNOWN_SOURCE = "UNKNOWN_SOURCE"
    UNKNOWN_KIND = "UNKNOWN_KIND"


@dataclass(frozen=True)
class ValidationError:
    """One problem, or a group of problems (``IN_DEPENDENTS``) about the object ``object_id``."""

    target: ValidationTarget
    object_id: str
    validation_code: ValidationCode
    children: tuple[ValidationError, ...] = ()
    message: str = field(default="")

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target.value,
            "object_id": self.object_id,
            "validation_code": self.validation_code.value,
            "message": self.message,
            "children": [child.to_dict() for child in self.children],
        }

    def leaves(self) -> tuple[ValidationError, ...]:
        """The problems themselves, without the grouping nodes."""
        if not self.children:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.leaves())


# Raw (primitive) resource types and the Python values an inline input value of that type may hold.
_RAW_VALUE_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "color": (str,),
    "bool": (bool,),
}


def _value_fits(value: Any, file_types: Collection[str]) -> bool:
    for file_type in file_types:
        accepted = _RAW_VALUE_TYPES.get(file_type)
        if accepted is None:
            continue
        if isinstance(value, bool) and bool not in accepted:
            continue
        if isinstance(value, accepted):
            return True
    return False


def _problem(target: ValidationTarget, object_id: str, code: ValidationCode, message: str) -> ValidationError:
    return ValidationError(target=target, object_id=object_id, validation_code=code, message=message)


def node_problems(node_id: str, title: str, problems: Sequence[ValidationError]) -> ValidationError:
    """The problems of one node, gathered under it."""
    return ValidationError(
        target=ValidationTarget.NODE,
        object_id=node_id,
        validation_code=ValidationCode.IN_DEPENDENTS,
        children=tuple(problems),
        message=f"{title!r} has {len(problems)} problem(s)",
    )


def graph_problems(graph_id: str, problems: Sequence[ValidationError], *, count: int | None = None) -> ValidationError:
    """The problems of a workflow, gathered under it; ``count`` is the number the message gives
    (by default one per child)."""
    return ValidationError(
        target=ValidationTarget.GRAPH,
        object_id=graph_id,
        validation_code=ValidationCode.IN_DEPENDENTS,
        children=tuple(problems),
        message=f"the workflow has {len(problems) if count is None else count} problem(s)",
    )


def _check_input(graph: Graph, node: Node, port: InputSpec) -> list[ValidationError]:
    problems = []
    count = len(port.sources)
    if count < port.min_count:
        problems.append(
            _problem(
                ValidationTarget.INPUT,
                port.name,
                ValidationCode.MISSING_INPUT,
                f"input {port.name!r} of {node.title!r} needs at least {port.min_count} connection(s), has {count}",
            )
        )
    if port.max_count != UNLIMITED and count > port.max_count:
        problems.append(
            _problem(
                ValidationTarget.INPUT,
                port.name,
                ValidationCode.TOO_MANY_INPUTS,
                f"input {port.name!r} of {node.title!r} takes at most {port.max_count} connection(s), has {count}",
            )
        )
    for source in port.sources:
        if source.kind is SourceKind.LINK:
            upstream = graph.by_id.get(source.node_id)
            output = upstream.output(source.output) if upstream else None
            if upstream is None or output is None:
                problems.append(
                    _problem(
                        ValidationTarget.INPUT,
                        port.name,
                        ValidationCode.UNKNOWN_SOURCE,
                        f"input {port.name!r} of {node.title!r} is linked to a missing output "
                        f"{source.output!r} of node {source.node_id}",
                    )
                )
            elif output.file_type not in port.file_types:
                problems.append(
                    _problem(
                        ValidationTarget.INPUT,
                        port.name,
                        ValidationCode.TYPE_MISMATCH,
                        f"output {output.name!r} of {upstream.title!r} is {output.file_type}, but input "
                        f"{port.name!r} of {node.title!r} takes {', '.join(port.file_types)}",
                    )
                )
        elif source.kind is SourceKind.RESOURCE:
            if source.file_type and source.file_type not in port.file_types:
                problems.append(
                    _problem(
                        ValidationTarget.INPUT,
                        port.name,
                        ValidationCode.TYPE_MISMATCH,
                        f"resource {source.resource_id} is {source.file_type}, but input {port.name!r} of "
                        f"{node.title!r} takes {', '.join(port.file_types)}",
                    )
                )
        elif not _value_fits(source.value, port.file_types):
            problems.append(
                _problem(
                    ValidationTarget.INPUT,
                    port.name,
                    ValidationCode.INVALID_VALUE,
                    f"value {source.value!r} does not fit input {port.name!r} ({', '.join(port.file_types)}) "
                    f"of {node.title!r}",
                )
            )
    return problems


def _check_parameters(node: Node) -> list[ValidationError]:
    problems = []
    for parameter in node.parameters:
        try:
            value = validate_value(ParameterType(parameter.parameter_type), parameter.value)
        except (ParameterValueError, ValueError) as error:
            problems.append(
                _problem(
                    ValidationTarget.PARAMETER,
                    parameter.name,
                    ValidationCode.INVALID_VALUE,
                    f"parameter {parameter.name!r} of {node.title!r}: {error}",
                )
            )
            continue
        if parameter.name == TIMEOUT and not value > 0:
            problems.append(
                _problem(
                    ValidationTarget.PARAMETER,
                    parameter.name,
                    ValidationCode.INVALID_VALUE,
                    f"parameter {TIMEOUT!r} of {node.title!r} must be a positive number of seconds, got {value}",
                )
            )
    return problems


def validate_node(graph: Graph, node: Node, *, known_kinds: Collection[str] | None = None) -> ValidationError | None:
    """The problems of one node inside ``graph``, grouped under the node, or None."""
    problems: list[ValidationError] = []
    if not node.title.strip():
        problems.append(
            _problem(ValidationTarget.PROPERTY, "title", ValidationCode.MISSING_PARAMETER, "the title is empty")
        )
    if known_kinds is not None and node.kind not in known_kinds:
        problems.append(
            _problem(
                ValidationTarget.PROPERTY,
                "kind",
                ValidationCode.UNKNOWN_KIND,
                f"{node.title!r} is of kind {node.kind!r}, which this platform does not run",
            )
        )
    if node.node_status == "MANDATORY_DEPRECATED":
        problems.append(
            _problem(
                ValidationTarget.NODE,
                node.id,
                ValidationCode.DEPRECATED_NODE,
                f"{node.title!r} is deprecated and may no longer be used; upgrade it",
            )
        )
    problems.extend(_check_parameters(node))
    if not node.static:
        for port in node.inputs:
            problems.extend(_check_input(graph, node, port))
    if not problems:
        return None
    return node_problems(node.id, node.title, problems)


def validate(graph: Graph, *, known_kinds: Collection[str] | None = None) -> ValidationError | None:
    """Every problem that keeps ``graph`` from running, as one tree under the graph; None if it can run."""
    problems: list[ValidationError] = []
    if not graph.nodes:
        problems.append(
            _problem(ValidationTarget.GRAPH, graph.id, ValidationCode.EMPTY_GRAPH, "the workflow has no nodes")
        )
    cycle = find_cycle(graph)
    if cycle is not None:
        titles = " → ".join(graph.by_id[node_id].title for node_id in (*cycle, cycle[0]))
        problems.append(
            ValidationError(
                target=ValidationTarget.GRAPH,
                object_id=graph.id,
                validation_code=ValidationCode.CYCLE,
                children=tuple(
                    _problem(ValidationTarget.NODE, node_id, ValidationCode.CYCLE, "on a cycle") for node_id in cycle
                ),
                message=f"the workflow has a cycle: {titles}",
            )
        )
    for node in graph.nodes:
        node_problems = validate_node(graph, node, known_kinds=known_kinds)
        if node_problems is not None:
            problems.append(node_problems)
    if not problems:
        return None
    return graph_problems(graph.id, problems)
