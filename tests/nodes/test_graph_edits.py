"""Edits of a workflow's node documents (pure functions, no database)."""

from __future__ import annotations

from typing import Any

import pytest

from apps.nodes.documents import SUB_NODES, parse_list
from apps.nodes.graph_edits import EditError, change_parameter, create_link, insert_node, remove_link, remove_node

A, B = "65f0c0ffee0000000000000a", "65f0c0ffee0000000000000b"


def operation(kind: str = "bash_jinja2", *, inputs: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "_id": "65f0c0ffee00000000000001",
        "kind": kind,
        "title": "Grep",
        "inputs": inputs or [],
        "outputs": [{"name": "out", "file_type": "file"}],
        "parameters": [
            {"name": "cmd", "parameter_type": "code", "value": {"value": "true", "mode": "sh"}},
            {"name": "n", "parameter_type": "int", "value": 1},
        ],
        "logs": [{"name": "stdout", "file_type": "file"}],
        **extra,
    }


def graph() -> list[dict[str, Any]]:
    source = {**operation(), "_id": A, "title": "source"}
    sink = {
        **operation(inputs=[{"name": "in", "file_types": ["file", "csv"], "values": [], "max_count": 1}]),
        "_id": B,
        "title": "sink",
    }
    return [source, sink]


def test_insert_node_copies_the_operation_with_a_new_id_and_no_links() -> None:
    op = operation(inputs=[{"name": "in", "file_types": ["file"], "values": [{"node_id": A, "output_id": "out"}]}])
    docs = insert_node([], op, x=100, y=50)
    (node,) = docs
    assert node["_id"] != op["_id"]
    assert len(node["_id"]) == 24
    assert (node["original_node_id"], node["kind"], node["x"], node["y"]) == (op["_id"], "bash_jinja2", 100, 50)
    assert node["inputs"][0]["values"] == []
    assert op["inputs"][0]["values"] == [{"node_id": A, "output_id": "out"}]
    parse_list(SUB_NODES, docs, "nodes")


def test_link_then_unlink() -> None:
    linked = create_link(graph(), from_node=A, from_output="out", to_node=B, to_input="in")
    assert linked[1]["inputs"][0]["values"] == [{"node_id": A, "output_id": "out"}]
    parse_list(SUB_NODES, linked, "nodes")
    unlinked = remove_link(linked, from_node=A, from_output="out", to_node=B, to_input="in")
    assert unlinked == graph()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"from_node": A, "from_output": "nope", "to_node": B, "to_input": "in"}, "node 'source' has no output 'nope'"),
        ({"from_node": A, "from_output": "out", "to_node": B, "to_input": "x"}, "node 'sink' has no input 'x'"),
        ({"from_node": "65f0c0ffee0000000000000f", "from_output": "out", "to_node": B, "to_input": "in"}, "no node"),
        ({"from_node": B, "from_output": "out", "to_node": B, "to_input": "in"}, "cannot feed itself"),
    ],
    ids=["output", "input", "node", "self"],
)
def test_bad_links_are_refused(edit: dict[str, str], message: str) -> None:
    before = graph()
    with pytest.raises(EditError, match=message):
        create_link(before, **edit)
    assert before == graph()


def test_a_link_between_incompatible_types_is_refused() -> None:
    docs = graph()
    docs[0]["outputs"] = [{"name": "out", "file_type": "image"}]
    with pytest.raises(
        EditError, match=r"output 'out' \(image\) cannot feed input 'in' of 'sink', which takes file, csv"
    ):
        create_link(docs, from_node=A, from_output="out", to_node=B, to_input="in")


def test_an_input_takes_no_more_than_its_max_count_and_no_duplicate() -> None:
    linked = create_link(graph(), from_node=A, from_output="out", to_node=B, to_input="in")
    with pytest.raises(EditError, match="already feeds"):
        create_link(linked, from_node=A, from_output="out", to_node=B, to_input="in")
    third = {**operation(), "_id": "65f0c0ffee0000000000000c", "title": "other"}
    with pytest.raises(EditError, match="takes at most 1 value"):
        create_link([*linked, third], from_node=third["_id"], from_output="out", to_node=B, to_input="in")


def test_remove_node_drops_its_links() -> None:
    linked = create_link(graph(), from_node=A, from_output="out", to_node=B, to_input="in")
    remaining = remove_node(linked, A)
    assert [doc["_id"] for doc in remaining] == [B]
    assert remaining[0]["inputs"][0]["values"] == []
    with pytest.raises(EditError, match="no node"):
        remove_node(remaining, A)


def test_change_parameter_checks_the_type_and_takes_a_code_text() -> None:
    changed = change_parameter(graph(), node_id=A, name="n", value=5)
    assert changed[0]["parameters"][1]["value"] == 5
    coded = change_parameter(graph(), node_id=A, name="cmd", value="echo hi")
    assert coded[0]["parameters"][0]["value"] == {"value": "echo hi", "mode": "sh"}
    with pytest.raises(EditError, match="parameter 'n' of 'source'"):
        change_parameter(graph(), node_id=A, name="n", value="five")
    with pytest.raises(EditError, match="node 'source' has no parameter 'm'"):
        change_parameter(graph(), node_id=A, name="m", value=1)
