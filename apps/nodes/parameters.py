"""Parameter types, their default values and the validation of values (pure Python).

The seed's types: str, int, float, bool, text, enum, list_str, list_int, list_node, code, color.
``validate_value`` returns the value in canonical form or raises ``ParameterValueError`` with a
message that says what was expected.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from typing import Any


class ParameterType(StrEnum):
    STR = "str"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    TEXT = "text"
    ENUM = "enum"
    LIST_STR = "list_str"
    LIST_INT = "list_int"
    LIST_NODE = "list_node"
    CODE = "code"
    COLOR = "color"


# Parameters every executable operation has. `cmd` is the script; `cacheable` lets the cache
# answer for the node; `_timeout` is the most seconds the node may run.
CMD = "cmd"
CACHEABLE = "cacheable"
TIMEOUT = "_timeout"
DEFAULT_TIMEOUT_SECONDS = 600

CODE_MODES = ("python", "sh")
_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class ParameterValueError(ValueError):
    """A value that does not fit its parameter type."""


def default_value(parameter_type: ParameterType) -> Any:
    """A fresh default value for ``parameter_type`` (mutable values are new objects)."""
    defaults: dict[ParameterType, Any] = {
        ParameterType.STR: "",
        ParameterType.TEXT: "",
        ParameterType.INT: 0,
        ParameterType.FLOAT: 0.0,
        ParameterType.BOOL: False,
        ParameterType.ENUM: {"values": [], "index": 0},
        ParameterType.LIST_STR: [],
        ParameterType.LIST_INT: [],
        ParameterType.LIST_NODE: {"value": []},
        ParameterType.CODE: {"value": "", "mode": "python"},
        ParameterType.COLOR: "#ff0000",
    }
    return defaults[parameter_type]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _exact_keys(value: Any, keys: set[str], what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ParameterValueError(f"expected an object with {', '.join(sorted(keys))} for {what}")
    if set(value) != keys:
        raise ParameterValueError(
            f"expected exactly the keys {', '.join(sorted(keys))} for {what}, got {', '.join(sorted(value)) or 'none'}"
        )
    return value


def validate_value(parameter_type: ParameterType, value: Any) -> Any:  # noqa: C901 - one branch per type
    """Check ``value`` against ``parameter_type`` and return it in canonical form."""
    match parameter_type:
        case ParameterType.STR | ParameterType.TEXT:
            if not isinstance(value, str):
                raise ParameterValueError(f"expected a string, got {type(value).__name__}")
            return value
        case ParameterType.INT:
            if not _is_int(value):
                raise ParameterValueError(f"expected an integer, got {value!r}")
            return value
        case ParameterType.FLOAT:
            if not (_is_int(value) or isinstance(value, float)):
                raise ParameterValueError(f"expected a number, got {value!r}")
            if not math.isfinite(value):
                raise ParameterValueError(f"expected a finite number, got {value!r}")
            return float(value)
        case ParameterType.BOOL:
            if not isinstance(value, bool):
                raise ParameterValueError(f"expected true or false, got {value!r}")
            return value
        case ParameterType.ENUM:
            enum = _exact_keys(value, {"values", "index"}, "an enum")
            values, index = enum["values"], enum["index"]
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ParameterValueError("expected the enum's values to be a list of strings")
            if len(set(values)) != len(values):
                raise ParameterValueError("the enum lists a value twice")
            if not _is_int(index):
                raise ParameterValueError(f"expected the enum's index to be an integer, got {index!r}")
            if values and not 0 <= index < len(values):
                raise ParameterValueError(f"enum index {index} is out of range for {len(values)} values")
            if not values and index != 0:
                raise ParameterValueError("an enum without values must have index 0")
            return {"values": list(values), "index": index}
        case ParameterType.LIST_STR:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ParameterValueError("expected a list of strings")
            return list(value)
        case ParameterType.LIST_INT:
            if not isinstance(value, list) or not all(_is_int(v) for v in value):
                raise ParameterValueError("expected a list of integers")
            return list(value)
        case ParameterType.LIST_NODE:
            nodes = _exact_keys(value, {"value"}, "a list of nodes")["value"]
            if not isinstance(nodes, list) or not all(isinstance(n, dict) and "_id" in n for n in nodes):
                raise ParameterValueError("expected the list of nodes to hold node objects with an _id")
            return {"value": list(nodes)}
        case ParameterType.CODE:
            code = _exact_keys(value, {"value", "mode"}, "code")
            if not isinstance(code["value"], str):
                raise ParameterValueError("expected the code to be a string")
            if code["mode"] not in CODE_MODES:
                raise ParameterValueError(f"expected the code mode to be one of {', '.join(CODE_MODES)}")
            return {"value": code["value"], "mode": code["mode"]}
        case ParameterType.COLOR:
            if not isinstance(value, str) or not _COLOR_RE.match(value):
                raise ParameterValueError(f"expected a color such as #1e88e5, got {value!r}")
            return value.lower()
    raise ParameterValueError(f"unknown parameter type {parameter_type!r}")  # pragma: no cover - enum is closed
