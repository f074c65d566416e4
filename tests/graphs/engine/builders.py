"""Small builders for engine graphs in tests."""

from __future__ import annotations

from apps.graphs.engine import Graph, InputSpec, Node, OutputSpec, ParameterSpec, Source


def node_id(name: str) -> str:
    """A stable 24-hex id for a readable name."""
    return name.encode().hex().ljust(24, "0")[:24]


def op(
    name: str,
    *parents: str,
    file_type: str = "file",
    accepts: tuple[str, ...] = ("file",),
    parameters: tuple[ParameterSpec, ...] = (),
    **fields: object,
) -> Node:
    """An operation ``name`` with output ``out`` and one input ``in`` linked to each parent's ``out``."""
    inputs = (
        (
            InputSpec(
                "in", accepts, min_count=1, max_count=-1, sources=tuple(Source.link(node_id(p), "out") for p in parents)
            ),
        )
        if parents
        else ()
    )
    return Node(
        id=node_id(name),
        kind="python",
        title=name,
        inputs=inputs,
        outputs=(OutputSpec("out", file_type),),
        parameters=parameters,
        **fields,  # type: ignore[arg-type]
    )


def graph(*nodes: Node) -> Graph:
    return Graph(nodes=nodes, id="f" * 24)
