"""Parameter types: defaults, good values (with their canonical form) and bad values."""

from __future__ import annotations

from typing import Any

import pytest

from apps.nodes.parameters import ParameterType, ParameterValueError, default_value, validate_value

T = ParameterType

GOOD: list[tuple[ParameterType, Any, Any]] = [
    (T.STR, "abc", "abc"),
    (T.STR, "", ""),
    (T.TEXT, "line 1\nline 2", "line 1\nline 2"),
    (T.INT, 42, 42),
    (T.INT, -7, -7),
    (T.FLOAT, 0.25, 0.25),
    (T.FLOAT, 3, 3.0),
    (T.BOOL, True, True),
    (T.BOOL, False, False),
    (T.ENUM, {"values": ["a", "b"], "index": 1}, {"values": ["a", "b"], "index": 1}),
    (T.ENUM, {"values": [], "index": 0}, {"values": [], "index": 0}),
    (T.LIST_STR, ["x", "y"], ["x", "y"]),
    (T.LIST_STR, [], []),
    (T.LIST_INT, [1, 2, 3], [1, 2, 3]),
    (T.LIST_NODE, {"value": [{"_id": "5d27e3bd0f432b5e3693314c"}]}, {"value": [{"_id": "5d27e3bd0f432b5e3693314c"}]}),
    (T.CODE, {"value": "print(1)", "mode": "python"}, {"value": "print(1)", "mode": "python"}),
    (T.CODE, {"value": "set -e", "mode": "sh"}, {"value": "set -e", "mode": "sh"}),
    (T.COLOR, "#1E88E5", "#1e88e5"),
    (T.COLOR, "#fff", "#fff"),
]

BAD: list[tuple[ParameterType, Any, str]] = [
    (T.STR, 5, "expected a string, got int"),
    (T.TEXT, None, "expected a string, got NoneType"),
    (T.INT, "5", "expected an integer"),
    (T.INT, 1.5, "expected an integer"),
    (T.INT, True, "expected an integer"),
    (T.FLOAT, "0.5", "expected a number"),
    (T.FLOAT, False, "expected a number"),
    (T.FLOAT, float("nan"), "expected a finite number"),
    (T.FLOAT, float("inf"), "expected a finite number"),
    (T.BOOL, 1, "expected true or false"),
    (T.BOOL, "true", "expected true or false"),
    (T.ENUM, "a", "expected an object with index, values"),
    (T.ENUM, {"values": ["a"]}, "expected exactly the keys index, values"),
    (T.ENUM, {"values": ["a", "b"], "index": 2}, "enum index 2 is out of range for 2 values"),
    (T.ENUM, {"values": ["a", "b"], "index": -1}, "enum index -1 is out of range"),
    (T.ENUM, {"values": ["a", "a"], "index": 0}, "lists a value twice"),
    (T.ENUM, {"values": [1], "index": 0}, "values to be a list of strings"),
    (T.ENUM, {"values": [], "index": 3}, "without values must have index 0"),
    (T.ENUM, {"values": ["a"], "index": "0"}, "index to be an integer"),
    (T.LIST_STR, "a,b", "expected a list of strings"),
    (T.LIST_STR, ["a", 1], "expected a list of strings"),
    (T.LIST_INT, [1, "2"], "expected a list of integers"),
    (T.LIST_INT, [True], "expected a list of integers"),
    (T.LIST_NODE, [], "expected an object with value"),
    (T.LIST_NODE, {"value": [{"title": "no id"}]}, "node objects with an _id"),
    (T.CODE, "print(1)", "expected an object with mode, value"),
    (T.CODE, {"value": 1, "mode": "python"}, "code to be a string"),
    (T.CODE, {"value": "x", "mode": "ruby"}, "mode to be one of python, sh"),
    (T.COLOR, "red", "expected a color such as #1e88e5"),
    (T.COLOR, "#12345", "expected a color"),
    (T.COLOR, 0xFF0000, "expected a color"),
]


@pytest.mark.parametrize(("parameter_type", "value", "canonical"), GOOD, ids=lambda v: str(v)[:30])
def test_good_values(parameter_type: ParameterType, value: Any, canonical: Any) -> None:
    assert validate_value(parameter_type, value) == canonical


@pytest.mark.parametrize(("parameter_type", "value", "message"), BAD, ids=lambda v: str(v)[:30])
def test_bad_values(parameter_type: ParameterType, value: Any, message: str) -> None:
    with pytest.raises(ParameterValueError) as raised:
        validate_value(parameter_type, value)
    assert message in str(raised.value)


@pytest.mark.parametrize("parameter_type", list(ParameterType), ids=str)
def test_every_default_is_valid_and_fresh(parameter_type: ParameterType) -> None:
    value = default_value(parameter_type)
    assert validate_value(parameter_type, value) == value
    # Mutable defaults are new objects, so editing one node's parameter never edits another's.
    if isinstance(value, (list, dict)):
        assert default_value(parameter_type) is not value


def test_every_type_has_good_and_bad_examples() -> None:
    assert {t for t, _, _ in GOOD} == set(ParameterType)
    assert {t for t, _, _ in BAD} == set(ParameterType)


def test_canonical_form_copies_containers() -> None:
    values = ["a"]
    result = validate_value(T.LIST_STR, values)
    assert result == values
    assert result is not values
