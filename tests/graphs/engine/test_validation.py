"""Validation into the seed's error tree (pure, no services)."""

from __future__ import annotations

from apps.graphs.engine import (
    Graph,
    InputSpec,
    Node,
    OutputSpec,
    ParameterSpec,
    Source,
    ValidationCode,
    ValidationTarget,
    validate,
)
from tests.graphs.engine.builders import graph, node_id, op

C = ValidationCode


def codes(dag: Graph, **kwargs: object) -> list[tuple[str, str, str]]:
    error = validate(dag, **kwargs)  # type: ignore[arg-type]
    assert error is not None
    return [(leaf.target.value, leaf.object_id, leaf.validation_code.value) for leaf in error.leaves()]


def test_a_valid_graph_has_no_error() -> None:
    assert validate(graph(op("a"), op("b", "a"), op("c", "a", "b"))) is None


def test_empty_graph() -> None:
    error = validate(Graph(nodes=(), id="e" * 24))
    assert error is not None
    assert error.to_dict() == {
        "target": "GRAPH",
        "object_id": "e" * 24,
        "validation_code": "IN_DEPENDENTS",
        "message": "the workflow has 1 problem(s)",
        "children": [
            {
                "target": "GRAPH",
                "object_id": "e" * 24,
                "validation_code": "EMPTY_GRAPH",
                "message": "the workflow has no nodes",
                "children": [],
            }
        ],
    }


def test_cycle() -> None:
    error = validate(graph(op("a", "b"), op("b", "a")))
    assert error is not None
    [cycle] = error.children
    assert cycle.validation_code is C.CYCLE
    assert {child.object_id for child in cycle.children} == {node_id("a"), node_id("b")}
    assert cycle.message in ("the workflow has a cycle: a → b → a", "the workflow has a cycle: b → a → b")


def test_missing_and_too_many_inputs() -> None:
    needs_two = Node(
        id=node_id("x"), kind="python", title="x", inputs=(InputSpec("in", ("file",), min_count=2, max_count=2),)
    )
    assert codes(graph(needs_two)) == [("INPUT", "in", "MISSING_INPUT")]
    three = tuple(Source.link(node_id(n), "out") for n in ("a", "b", "c"))
    takes_one = Node(id=node_id("y"), kind="python", title="y", inputs=(InputSpec("in", ("file",), sources=three),))
    assert codes(graph(op("a"), op("b"), op("c"), takes_one)) == [("INPUT", "in", "TOO_MANY_INPUTS")]
    optional = Node(id=node_id("z"), kind="python", title="z", inputs=(InputSpec("in", ("file",), min_count=0),))
    assert validate(graph(optional)) is None


def test_type_mismatch_names_both_ends() -> None:
    error = validate(graph(op("a", file_type="image"), op("b", "a", accepts=("csv", "tsv"))))
    assert error is not None
    [leaf] = error.leaves()
    assert (leaf.target, leaf.object_id, leaf.validation_code) == (ValidationTarget.INPUT, "in", C.TYPE_MISMATCH)
    assert leaf.message == "output 'out' of 'a' is image, but input 'in' of 'b' takes csv, tsv"
    assert error.children[0].object_id == node_id("b")


def test_links_to_missing_nodes_or_outputs() -> None:
    orphan = Node(
        id=node_id("b"),
        kind="python",
        title="b",
        inputs=(
            InputSpec(
                "in", ("file",), sources=(Source.link(node_id("ghost"), "out"), Source.link(node_id("a"), "nope"))
            ),
        ),
    )
    assert codes(graph(op("a"), orphan)) == [
        ("INPUT", "in", "TOO_MANY_INPUTS"),
        ("INPUT", "in", "UNKNOWN_SOURCE"),
        ("INPUT", "in", "UNKNOWN_SOURCE"),
    ]


def test_resource_and_raw_value_sources() -> None:
    def taking(*sources: Source, types: tuple[str, ...] = ("csv",)) -> Graph:
        return graph(Node(id=node_id("n"), kind="python", title="n", inputs=(InputSpec("in", types, sources=sources),)))

    assert validate(taking(Source.resource("a" * 24, "csv"))) is None
    assert validate(taking(Source.resource("a" * 24))) is None
    assert codes(taking(Source.resource("a" * 24, "image"))) == [("INPUT", "in", "TYPE_MISMATCH")]
    assert validate(taking(Source.raw(3), types=("int",))) is None
    assert validate(taking(Source.raw(3), types=("float",))) is None
    assert validate(taking(Source.raw("#fff"), types=("color",))) is None
    assert codes(taking(Source.raw(True), types=("int",))) == [("INPUT", "in", "INVALID_VALUE")]
    assert codes(taking(Source.raw("3"), types=("int",))) == [("INPUT", "in", "INVALID_VALUE")]
    assert codes(taking(Source.raw(3), types=("csv",))) == [("INPUT", "in", "INVALID_VALUE")]


def test_parameters() -> None:
    bad = op(
        "p",
        parameters=(
            ParameterSpec("n", "int", "three"),
            ParameterSpec("_timeout", "int", 0),
            ParameterSpec("mode", "tensor", 1),
            ParameterSpec("ok", "float", 0.5),
        ),
    )
    assert codes(graph(bad)) == [
        ("PARAMETER", "n", "INVALID_VALUE"),
        ("PARAMETER", "_timeout", "INVALID_VALUE"),
        ("PARAMETER", "mode", "INVALID_VALUE"),
    ]


def test_title_kind_and_deprecation() -> None:
    untitled = Node(id=node_id("u"), kind="python", title=" ")
    deprecated = Node(id=node_id("d"), kind="python", title="d", node_status="MANDATORY_DEPRECATED")
    soft = Node(id=node_id("s"), kind="python", title="s", node_status="DEPRECATED")
    alien = Node(id=node_id("k"), kind="spark", title="k")
    assert codes(graph(untitled, deprecated, soft, alien), known_kinds={"python"}) == [
        ("PROPERTY", "title", "MISSING_PARAMETER"),
        ("NODE", node_id("d"), "DEPRECATED_NODE"),
        ("PROPERTY", "kind", "UNKNOWN_KIND"),
    ]


def test_static_nodes_need_no_inputs() -> None:
    file = Node(
        id=node_id("f"),
        kind="file",
        title="f",
        inputs=(InputSpec("in", ("file",)),),
        outputs=(OutputSpec("out", "csv"),),
        static=True,
    )
    assert validate(graph(file)) is None


def test_every_problem_is_reported_at_once() -> None:
    dag = graph(op("a", "b"), op("b", "a"), Node(id=node_id("x"), kind="python", title=""))
    assert [c.validation_code for c in (validate(dag) or validate(dag)).children] == [C.CYCLE, C.IN_DEPENDENTS]  # type: ignore[union-attr]
