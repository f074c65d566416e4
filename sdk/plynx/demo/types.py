"""Types: one value of each basic type, printed; dictionaries to JSON files and back."""

import json
import math
from typing import Any

from plynx.node import Group, input, operation, output


def print_any(value: Any) -> None:
    """Print the type of the value, then the value."""
    print(type(value).__name__)
    print(value)


@output(name="int", var_type=int)
@output(name="str", var_type=str)
@output(name="dict", var_type=dict)
@output(name="float", var_type=float)
@output(name="bool", var_type=bool)
@output(name="color", var_type="color")
@operation(title="Produce values", description="Make one value of each basic type.")
def all_types() -> dict[str, Any]:
    return {
        "int": 42,
        "str": "Hello world",
        "dict": {"foo": "woo"},
        "float": math.pi,
        "bool": True,
        "color": "#1e88e5",
    }


@input(name="value", var_type=int)
@operation(title="Print int value")
def print_int(value: int) -> None:
    print_any(value)


@input(name="value", var_type=str)
@operation(title="Print str value")
def print_str(value: str) -> None:
    print_any(value)


@input(name="value", var_type=dict)
@operation(title="Print dict value")
def print_dict(value: dict[str, Any]) -> None:
    print_any(value)


@input(name="value", var_type=float)
@operation(title="Print float value")
def print_float(value: float) -> None:
    print_any(value)


@input(name="value", var_type=bool)
@operation(title="Print bool value")
def print_bool(value: bool) -> None:
    print_any(value)


@input(name="value", var_type="color")
@operation(title="Print color value")
def print_color(value: str) -> None:
    print_any(value)


@input(name="value", var_type="json")
@output(name="value", var_type=dict)
@operation(title="File to dict", description="Read a JSON file into a dictionary.")
def file_to_dict(value: str) -> dict[str, Any]:
    with open(value, encoding="utf-8") as handle:
        return {"value": json.load(handle)}


@input(name="value", var_type=dict)
@output(name="value", var_type="file")
@operation(title="Dict to file", description="Write a dictionary as a JSON file.")
def dict_to_file(value: dict[str, Any]) -> dict[str, bytes]:
    return {"value": json.dumps(value, indent=2, sort_keys=True).encode("utf-8")}


GROUP = Group(
    title="Python built-in types",
    items=[
        all_types,
        print_int,
        print_str,
        print_dict,
        print_float,
        print_bool,
        print_color,
        file_to_dict,
        dict_to_file,
    ],
)
