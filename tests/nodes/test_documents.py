"""Structure of the JSON documents inside operations and workflows."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from apps.nodes.documents import (
    INPUTS,
    LOGS,
    PARAMETERS,
    SUB_NODES,
    dump_list,
    parse_list,
    validate_inputs,
    validate_logs,
    validate_outputs,
    validate_parameters,
    validate_sub_nodes,
)

NODE_A = "5d27e3bd0f432b5e3693314c"
NODE_B = "5d27e3bd0f432b5e3693314d"


def error_of(validator: Any, value: Any) -> str:
    with pytest.raises(ValidationError) as raised:
        validator(value)
    return " ".join(raised.value.messages)


def test_input_defaults_follow_the_seed() -> None:
    [parsed] = parse_list(INPUTS, [{"name": "input", "file_types": ["file"]}], "inputs")
    assert dump_list([parsed]) == [
        {"name": "input", "file_types": ["file"], "values": [], "min_count": 1, "max_count": 1}
    ]


@pytest.mark.parametrize(
    "value",
    [
        {"node_id": NODE_A, "output_id": "out"},
        {"resource_id": NODE_B},
        {"value": 3},
        {"value": "text"},
        {"value": None},
    ],
    ids=["link", "resource", "int", "str", "explicit-null"],
)
def test_input_value_forms(value: dict[str, Any]) -> None:
    validate_inputs([{"name": "x", "file_types": ["int"], "values": [value]}])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({}, "give exactly one of"),
        ({"node_id": NODE_A}, "a link needs both node_id and output_id"),
        ({"node_id": NODE_A, "output_id": "out", "value": 1}, "give exactly one of"),
        ({"resource_id": "../../etc/passwd"}, "inputs: 0.values.0.resource_id"),
        ({"node_id": NODE_A, "output_id": "o", "extra": 1}, "Extra inputs are not permitted"),
    ],
    ids=["empty", "half-link", "two-sources", "bad-id", "unknown-field"],
)
def test_input_value_rejects(value: dict[str, Any], message: str) -> None:
    assert message in error_of(validate_inputs, [{"name": "x", "file_types": ["file"], "values": [value]}])


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"name": "x", "file_types": []}, "file_types"),
        ({"name": "x", "file_types": ["file"], "min_count": -1}, "min_count"),
        ({"name": "x", "file_types": ["file"], "min_count": 3, "max_count": 2}, "max_count 2 is below min_count 3"),
        ({"name": "x", "file_types": ["file"], "min_count": 0, "max_count": 0}, "max_count 0 is below"),
        ({"name": "../x", "file_types": ["file"]}, "inputs: 0.name"),
        ({"name": "", "file_types": ["file"]}, "inputs: 0.name"),
        ({"name": "x", "file_types": ["CSV File"]}, "file_types.0"),
    ],
    ids=["no-types", "negative-min", "max-below-min", "zero-max", "path-name", "empty-name", "bad-type"],
)
def test_input_rejects(item: dict[str, Any], message: str) -> None:
    assert message in error_of(validate_inputs, [item])


def test_unlimited_inputs() -> None:
    validate_inputs([{"name": "x", "file_types": ["file"], "min_count": 0, "max_count": -1}])


def test_names_are_unique_per_list() -> None:
    two = [{"name": "a", "file_types": ["file"]}, {"name": "a", "file_types": ["csv"]}]
    assert "inputs: two inputs are named 'a'" in error_of(validate_inputs, two)
    assert "two outputs are named 'o'" in error_of(
        validate_outputs, [{"name": "o", "file_type": "file"}, {"name": "o", "file_type": "file"}]
    )
    assert "two logs are named 'stdout'" in error_of(validate_logs, [{"name": "stdout"}, {"name": "stdout"}])


def test_outputs_and_logs() -> None:
    validate_outputs([{"name": "out", "file_type": "csv", "resource_id": None}])
    assert dump_list(parse_list(LOGS, [{"name": "stdout"}], "logs")) == [
        {"name": "stdout", "file_type": "file", "resource_id": None}
    ]
    assert "outputs: 0.file_type" in error_of(validate_outputs, [{"name": "out"}])


def test_parameter_values_are_checked_against_their_type() -> None:
    validate_parameters(
        [
            {"name": "cmd", "parameter_type": "code", "value": {"value": "echo", "mode": "sh"}},
            {"name": "rate", "parameter_type": "float", "value": 0.5, "widget": {"alias": "Rate"}},
            {"name": "color", "parameter_type": "color", "value": "#00FF00"},
        ]
    )
    message = error_of(validate_parameters, [{"name": "seed", "parameter_type": "int", "value": "7"}])
    assert "parameter 'seed' (int): expected an integer, got '7'" in message
    assert "parameters: 0.parameter_type" in error_of(
        validate_parameters, [{"name": "p", "parameter_type": "tensor", "value": 1}]
    )


def test_parameter_value_is_stored_canonically() -> None:
    [parameter] = parse_list(PARAMETERS, [{"name": "c", "parameter_type": "color", "value": "#ABCDEF"}], "parameters")
    assert parameter.value == "#abcdef"
    assert dump_list([parameter])[0] == {
        "name": "c",
        "parameter_type": "color",
        "value": "#abcdef",
        "mutable_type": True,
        "removable": True,
        "publicable": True,
        "widget": None,
        "reference": None,
    }


def sub_node(node_id: str, **fields: Any) -> dict[str, Any]:
    return {"_id": node_id, "kind": "python", **fields}


def test_sub_nodes_keep_the_seed_id_field() -> None:
    nodes = parse_list(SUB_NODES, [sub_node(NODE_A, title="Sum")], "nodes")
    dumped = dump_list(nodes)[0]
    assert dumped["_id"] == NODE_A
    assert dumped["title"] == "Sum"
    assert "id" not in dumped


def test_sub_nodes_reject_duplicates_and_nested_problems() -> None:
    assert f"nodes: two nodes have the id {NODE_A}" in error_of(
        validate_sub_nodes, [sub_node(NODE_A), sub_node(NODE_A)]
    )
    nested = sub_node(NODE_A, kind="composite", nodes=[sub_node(NODE_B), sub_node(NODE_B)])
    assert f"two nodes have the id {NODE_B}" in error_of(validate_sub_nodes, [nested])
    assert "nodes: 0._id" in error_of(validate_sub_nodes, [sub_node("xyz")])
    assert "nodes: 0.kind" in error_of(validate_sub_nodes, [{"_id": NODE_A}])
