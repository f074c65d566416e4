"""Mapping stored node documents to the engine's types (the only place that does it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from apps.graphs import engine
from apps.nodes.documents import SubNode


def engine_sources(doc: SubNode, resource_types: Mapping[str, str]) -> dict[str, tuple[engine.Source, ...]]:
    sources: dict[str, tuple[engine.Source, ...]] = {}
    for port in doc.inputs:
        items = []
        for value in port.values:
            if value.node_id is not None and value.output_id is not None:
                items.append(engine.Source.link(value.node_id, value.output_id))
            elif value.resource_id is not None:
                items.append(engine.Source.resource(value.resource_id, resource_types.get(value.resource_id, "")))
            else:
                items.append(engine.Source.raw(value.value))
        sources[port.name] = tuple(items)
    return sources


def engine_node(
    doc: SubNode,
    *,
    static: bool,
    node_status: str = "READY",
    resource_types: Mapping[str, str] | None = None,
) -> engine.Node:
    sources = engine_sources(doc, resource_types or {})
    return engine.Node(
        id=doc.id,
        kind=doc.kind,
        title=doc.title,
        inputs=tuple(
            engine.InputSpec(
                name=port.name,
                file_types=tuple(port.file_types),
                min_count=port.min_count,
                max_count=port.max_count,
                sources=sources[port.name],
            )
            for port in doc.inputs
        ),
        outputs=tuple(engine.OutputSpec(name=o.name, file_type=o.file_type) for o in doc.outputs),
        parameters=tuple(
            engine.ParameterSpec(name=p.name, parameter_type=p.parameter_type.value, value=p.value)
            for p in doc.parameters
        ),
        node_status=node_status,
        static=static,
    )


def engine_graph(
    docs: Sequence[SubNode],
    *,
    graph_id: str,
    static_kinds: Iterable[str],
    node_statuses: Mapping[str, str] | None = None,
    resource_types: Mapping[str, str] | None = None,
) -> engine.Graph:
    """The engine graph of ``docs``. ``node_statuses`` maps an operation id to its permanent status,
    so sub-nodes made from a mandatory-deprecated operation are reported."""
    static = set(static_kinds)
    statuses = node_statuses or {}
    return engine.Graph(
        id=graph_id,
        nodes=tuple(
            engine_node(
                doc,
                static=doc.kind in static or doc.id == engine.COMPOSITE_INPUT_ID,
                node_status=statuses.get(doc.original_node_id or "", "READY"),
                resource_types=resource_types,
            )
            for doc in docs
        ),
    )
