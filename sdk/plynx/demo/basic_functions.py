"""Basic functions: numbers, choices, several inputs, waiting, failing and keeping state."""

import math
import sys
import time

from plynx.node import Group, input, operation, output, param


@param(name="value", var_type=int, default=1)
@output(name="x", var_type=int)
@operation(title="Make integer", description="Pass the integer parameter value on as the output x.")
def make_int(value: int) -> dict[str, int]:
    return {"x": value}


@param(name="value", var_type="enum", default=["alpha", "beta", "gamma"])
@output(name="choice", var_type=str)
@operation(title="Make choice", description="Pass the chosen value of the enum on as the output choice.")
def make_enum(value: str) -> dict[str, str]:
    return {"choice": value}


@input(name="x", var_type=int)
@input(name="y", var_type=int)
@param(name="coef", var_type=int, default=1)
@output(name="res", var_type=float)
@operation(title="Multiple inputs", description="x * coef + y * pi")
def example_func(x: int, y: int, coef: int) -> dict[str, float]:
    print(f"x = {x}, y = {y}, coef = {coef}")
    return {"res": x * coef + y * math.pi}


@input(name="x", var_type=int, is_array=True, min_count=0)
@param(name="timeout", var_type=int, default=3)
@output(name="x", var_type=int)
@operation(title="Sleep", description="Sleep for timeout seconds, then output the sum of x plus 1.")
def sleep(x: list[int], timeout: int) -> dict[str, int]:
    print(f"Sleeping for {timeout} s")
    time.sleep(timeout)
    return {"x": sum(x) + 1}


@input(name="x", var_type=int, is_array=True, min_count=0)
@output(name="x", var_type=int)
@operation(title="Raise exception", description="Always fail: shows how a failed node looks.", cacheable=False)
def error(x: list[int]) -> dict[str, int]:
    raise RuntimeError(f"this operation always fails (x = {x})")


@input(name="x", var_type=int, is_array=True, min_count=0)
@output(name="x", var_type=int)
@operation(title="Stateful sum", description="Add 1 to the sum of x, counting on an instance made for the node.")
class Statefull:
    def __init__(self) -> None:
        self.accum = 0

    def __call__(self, x: list[int]) -> dict[str, int]:
        self.accum += sum(x) + 1
        print(f"x: {x}, accumulated: {self.accum}")
        print("a line on stderr", file=sys.stderr)
        return {"x": self.accum}


@input(name="x", var_type=int, is_array=True, min_count=0)
@output(name="x", var_type=int)
@operation(
    title="Auto run disabled",
    description="Output the sum of x; the editor does not run it on changes.",
    auto_run_enabled=False,
)
def auto_run_disabled(x: list[int]) -> dict[str, int]:
    return {"x": sum(x)}


GROUP = Group(
    title="Basic functions",
    items=[make_int, make_enum, example_func, sleep, error, Statefull, auto_run_disabled],
)
