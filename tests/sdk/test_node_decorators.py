"""plynx.node: operations declared with decorators, their documents, and their code run by the python executor."""

from __future__ import annotations

import io
import json
import os.path as osp
from math import sqrt
from pathlib import Path
from typing import Any

import pytest
from plynx.demo import COLLECTION
from plynx.graph import Node, Progress, decode_value
from plynx.node import (
    Group,
    OperationDeclarationError,
    code_location,
    input,
    make_operations_meta,
    operation,
    operation_document,
    output,
    param,
)

from apps.nodes.documents import INPUTS, LOGS, OUTPUTS, PARAMETERS, dump_list, parse_list
from apps.nodes.executors.base import ExecutionResult, InputItem, pythonize_parameters
from apps.nodes.executors.python import PythonExecutor
from apps.resources.kinds import resource_kind
from tests.nodes.executors.conftest import MakeNode, make_node  # noqa: F401 - fixture
from tests.nodes.executors.helpers import never

SCALE = 3
SEPARATOR = ", "


def _label(number: float) -> str:
    return f"#{number:g}"


@input(name="xs", var_type=int, is_array=True, min_count=0)
@input(name="config", var_type=dict)
@param(name="offset", var_type=float, default=0.5)
@param(name="mode", var_type="enum", default=["sum", "max"], widget="Mode")
@output(name="total", var_type=float)
@output(name="report", var_type=dict)
@output(name="text", var_type="file")
@operation(title="Summarize", description="Sum or max of xs, scaled.", timeout=30)
def summarize(xs: list[int], config: dict[str, Any], offset: float, mode: str) -> dict[str, Any]:
    assert isinstance(xs, list)  # pytest rewrites asserts with globals of its own, which stay out of the code
    picked = sum(xs) if mode == "sum" else max(xs)
    total = picked * SCALE * config["factor"] + offset
    labels = SEPARATOR.join(_label(value) for value in (total, sqrt(16)))
    return {"total": total, "report": {"mode": mode, "n": len(xs)}, "text": labels.encode()}


@input(name="path", var_type="csv")
@output(name="copy", var_type="csv")
@output(name="name", var_type=str)
@output(name="ok", var_type=bool)
@operation(title="Copy file")
def copy_file(path: str) -> dict[str, Any]:
    return {"copy": path, "name": osp.basename(path), "ok": True}


@input(name="x", var_type=int)
@output(name="y", var_type=int)
@operation(title="Counter")
class Counter:
    """Count calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, x: int) -> dict[str, int]:
        self.calls += 1
        return {"y": x + self.calls}


@output(name="y", var_type=int)
@operation(title="Wrong result")
def wrong_result() -> dict[str, Any]:
    return {"y": "many"}


# Decorators below @operation are applied first; the order on the page is kept either way.
@operation(title="Below")
@input(name="a", var_type=str)
@input(name="b", var_type=str)
@param(name="c", var_type=int, default=2)
def below(a: str, b: str, c: int) -> None:
    print(a, b, c)


@input(name="a", var_type=str)
@input(name="b", var_type=str)
@param(name="c", var_type=int, default=2)
@operation(title="Below")
def above(a: str, b: str, c: int) -> None:
    print(a, b, c)


def test_document_of_an_operation() -> None:
    doc = operation_document(summarize)
    assert doc == operation_document(summarize)  # the id comes from the content: the same every time
    assert len(doc["_id"]) == 24
    assert int(doc["_id"], 16) >= 0
    assert {key: doc[key] for key in ("kind", "title", "description")} == {
        "kind": "python",
        "title": "Summarize",
        "description": "Sum or max of xs, scaled.",
    }
    assert doc["inputs"] == [
        {"name": "xs", "file_types": ["int"], "values": [], "min_count": 0, "max_count": -1},
        {"name": "config", "file_types": ["json"], "values": [], "min_count": 1, "max_count": 1},
    ]
    assert doc["outputs"] == [
        {"name": "total", "file_type": "float", "resource_id": None},
        {"name": "report", "file_type": "json", "resource_id": None},
        {"name": "text", "file_type": "file", "resource_id": None},
    ]
    hidden = {"mutable_type": False, "removable": False, "publicable": False, "widget": None, "reference": None}
    cmd, *declared, cacheable, timeout = doc["parameters"]
    assert (cmd["name"], cmd["parameter_type"], cmd["value"]["mode"]) == ("cmd", "code", "python")
    assert declared == [
        {
            "name": "offset",
            "parameter_type": "float",
            "value": 0.5,
            "mutable_type": False,
            "removable": False,
            "publicable": True,
            "widget": {"alias": "offset"},
            "reference": None,
        },
        {
            "name": "mode",
            "parameter_type": "enum",
            "value": {"values": ["sum", "max"], "index": 0},
            "mutable_type": False,
            "removable": False,
            "publicable": True,
            "widget": {"alias": "Mode"},
            "reference": None,
        },
    ]
    assert cacheable == {"name": "cacheable", "parameter_type": "bool", "value": True, **hidden}
    assert timeout == {"name": "_timeout", "parameter_type": "int", "value": 30, **hidden}
    assert [log["name"] for log in doc["logs"]] == ["stderr", "stdout", "worker"]
    # The server accepts every part as it is.
    for name, adapter in (("inputs", INPUTS), ("outputs", OUTPUTS), ("parameters", PARAMETERS), ("logs", LOGS)):
        assert dump_list(parse_list(adapter, doc[name], name)) == doc[name]


def test_the_code_is_the_function_without_decorators_with_what_it_uses() -> None:
    code = operation_document(summarize)["parameters"][0]["value"]["value"]
    assert code.startswith("# Operation 'Summarize', defined in Python as tests.sdk.test_node_decorators:summarize.\n")
    assert " as osp" not in code  # only what this function uses
    assert "from math import sqrt\n" in code
    assert "SCALE = 3\n" in code
    assert "SEPARATOR = ', '\n" in code
    assert "def _label(number):\n" in code  # annotations are left out: the worker never reads them
    assert "def summarize(xs, config, offset, mode):\n" in code
    assert "@" not in code.split("def summarize")[1].split("def _plynx_call")[0]
    # A module is imported under the name the function uses (os.path is posixpath on Linux).
    assert f"import {osp.__name__} as osp\n" in operation_document(copy_file)["parameters"][0]["value"]["value"]


def test_the_code_says_where_it_was_defined() -> None:
    code = operation_document(summarize)["parameters"][0]["value"]["value"]
    assert code_location(code) == "tests.sdk.test_node_decorators:summarize"
    assert code_location("# Operation 'x', written by hand\nprint(1)\n") is None
    assert code_location("print('# Operation x, defined in Python as a:b.')\n") is None


def test_decorators_above_or_below_operation_declare_the_same() -> None:
    first, second = operation_document(below), operation_document(above)
    for key in ("title", "inputs", "outputs", "logs"):
        assert first[key] == second[key]
    assert [p["name"] for p in first["parameters"]] == ["cmd", "c", "cacheable", "_timeout"]
    assert [port["name"] for port in first["inputs"]] == ["a", "b"]


def test_make_operations_meta_keeps_the_groups() -> None:
    inner = Group(title="Inner", items=[copy_file])
    tree = make_operations_meta([Group(title="Outer", items=[summarize, inner]), Counter])
    assert [item["_type"] for item in tree] == ["Group", "Node"]
    outer = tree[0]
    assert outer["title"] == "Outer"
    assert [(item["_type"], item["title"]) for item in outer["items"]] == [("Node", "Summarize"), ("Group", "Inner")]
    assert outer["items"][1]["items"][0]["title"] == "Copy file"
    node = tree[1]
    assert node["code_function_location"] == "tests.sdk.test_node_decorators:Counter"
    assert node["auto_run_enabled"] is True
    assert node["description"] == "Count calls."
    assert make_operations_meta(Group(title="One", items=[Counter]))[0]["items"][0]["_id"] == node["_id"]


def test_the_seeds_names_work() -> None:
    import plynx.node

    assert plynx.node.utils.Group is Group
    assert plynx.node.parameter is param
    assert plynx.node.utils.func_or_group_to_dict(Counter)["title"] == "Counter"


def test_the_demo_collection() -> None:
    tree = make_operations_meta(COLLECTION)
    titles = {group["title"]: [item["title"] for item in group["items"]] for group in tree}
    assert titles == {
        "Hello World": ["Get name", "Print message"],
        "Python built-in types": [
            "Produce values",
            "Print int value",
            "Print str value",
            "Print dict value",
            "Print float value",
            "Print bool value",
            "Print color value",
            "File to dict",
            "Dict to file",
        ],
        "Basic functions": [
            "Make integer",
            "Make choice",
            "Multiple inputs",
            "Sleep",
            "Raise exception",
            "Stateful sum",
            "Auto run disabled",
        ],
    }
    disabled = tree[2]["items"][-1]
    assert disabled["auto_run_enabled"] is False
    failing = tree[2]["items"][4]
    assert [p["value"] for p in failing["parameters"] if p["name"] == "cacheable"] == [False]


def test_a_node_class_from_a_decorated_function() -> None:
    Summarize = Node(document=summarize)
    node = Summarize(title="sum it", offset=1.5)
    doc = node.to_document()
    assert doc["original_node_id"] == operation_document(summarize)["_id"]
    assert [p["value"] for p in doc["parameters"] if p["name"] == "offset"] == [1.5]
    assert doc["title"] == "sum it"


# --- running the code as a worker does ---------------------------------------------------------


def _run(
    make_node: MakeNode,  # noqa: F811 - the fixture's function
    target: Any,
    inputs: dict[str, Any],
    outputs: dict[str, str],
    **params: Any,
) -> Any:
    doc = operation_document(target)
    values = pythonize_parameters(parse_list(PARAMETERS, doc["parameters"], "parameters"))
    values.update(params)
    is_list = {port["name"]: port["max_count"] != 1 for port in doc["inputs"]}
    node = make_node(
        values["cmd"],
        kind="python",
        inputs={name: tuple(items) for name, items in inputs.items()},
        input_is_list=is_list,
        outputs=outputs,
        params=values,
    )
    return node, PythonExecutor().run(node, should_cancel=never)


def test_the_function_runs_with_inputs_and_parameters_and_writes_outputs(
    make_node: MakeNode,  # noqa: F811 - a fixture
    tmp_path: Path,
) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"factor": 2}))
    node, result = _run(
        make_node,
        summarize,
        {
            "xs": [InputItem(None, 1, "int"), InputItem(None, 4, "int")],
            "config": [InputItem(config, None, "json")],
        },
        {"total": "float", "report": "json", "text": "file"},
        offset=0.25,
        mode="max",
    )
    assert result == ExecutionResult("SUCCESS", "")
    assert node.outputs["total"].path.read_text() == "24.25\n"
    assert json.loads(node.outputs["report"].path.read_text()) == {"mode": "max", "n": 2}
    assert node.outputs["text"].path.read_text() == "#24.25, #4"


def test_a_returned_path_is_copied_and_raw_values_are_written(
    make_node: MakeNode,  # noqa: F811 - a fixture
    tmp_path: Path,
) -> None:
    source = tmp_path / "rows.csv"
    source.write_text("a,b\n1,2\n")
    node, result = _run(
        make_node, copy_file, {"path": [InputItem(source, None, "csv")]}, {"copy": "csv", "name": "str", "ok": "bool"}
    )
    assert result == ExecutionResult("SUCCESS", "")
    assert node.outputs["copy"].path.read_text() == "a,b\n1,2\n"
    assert node.outputs["name"].path.read_text() == "rows.csv\n"
    assert node.outputs["ok"].path.read_text() == "true\n"


def test_a_class_operation_is_made_once_then_called(
    make_node: MakeNode,  # noqa: F811 - a fixture
) -> None:
    node, result = _run(make_node, Counter, {"x": [InputItem(None, 41, "int")]}, {"y": "int"})
    assert result == ExecutionResult("SUCCESS", "")
    assert node.outputs["y"].path.read_text() == "42\n"


def test_a_result_of_the_wrong_type_fails_the_node_naming_the_output(
    make_node: MakeNode,  # noqa: F811 - a fixture
) -> None:
    node, result = _run(make_node, wrong_result, {}, {"y": "int"})
    assert result == ExecutionResult("FAILED", "exit code 1")
    assert "TypeError: Wrong result: output 'y' (int) takes a int value, got 'many'" in node.logs.stderr.read_text()
    assert node.outputs["y"].path.read_text() == ""


_SAMPLES: dict[str, Any] = {"int": 2, "float": 1.5, "str": "PLynx", "bool": True, "color": "#1e88e5"}
_DEMO = [item for group in COLLECTION for item in group.items]


@pytest.mark.parametrize("target", _DEMO, ids=[item.__name__ for item in _DEMO])
def test_every_demo_operation_runs(make_node: MakeNode, tmp_path: Path, target: Any) -> None:  # noqa: F811
    doc = operation_document(target)
    inputs: dict[str, list[InputItem]] = {}
    for port in doc["inputs"]:
        (file_type,) = port["file_types"]
        if file_type in _SAMPLES:
            item = InputItem(None, _SAMPLES[file_type], file_type)
        else:
            path = tmp_path / f"{port['name']}.json"
            path.write_text('{"a": 1}')
            item = InputItem(path, None, file_type)
        inputs[port["name"]] = [item, item] if port["max_count"] == -1 else [item]
    outputs = {port["name"]: port["file_type"] for port in doc["outputs"]}
    node, result = _run(make_node, target, inputs, outputs, timeout=0)
    if target.__name__ == "error":
        assert result == ExecutionResult("FAILED", "exit code 1")
        assert "RuntimeError: this operation always fails (x = [2, 2])" in node.logs.stderr.read_text()
        return
    assert result == ExecutionResult("SUCCESS", ""), node.logs.stderr.read_text()
    for name, file_type in outputs.items():
        resource_kind(file_type).validate_output(node.outputs[name].path)  # what the worker checks before storing
        assert node.outputs[name].path.stat().st_size > 0


# --- mistakes ----------------------------------------------------------------------------------


def _declare_bad_var_type() -> None:
    @input(name="x", var_type=object)
    @operation()
    def f(x: Any) -> None: ...


def _declare_bad_name() -> None:
    @output(name="a b", var_type=int)
    @operation()
    def f() -> None: ...


def _declare_twice() -> None:
    @input(name="x", var_type=int)
    @param(name="x", var_type=int)
    @operation()
    def f(x: int) -> None: ...


def _declare_reserved() -> None:
    @param(name="cmd", var_type=str)
    @operation()
    def f(cmd: str) -> None: ...


def _declare_bad_default() -> None:
    @param(name="n", var_type=int, default="three")
    @operation()
    def f(n: int) -> None: ...


def _declare_bad_count() -> None:
    @input(name="x", var_type=int, min_count=2)
    @operation()
    def f(x: int) -> None: ...


def _declare_empty_enum() -> None:
    @param(name="e", var_type="enum", default=[])
    @operation()
    def f(e: str) -> None: ...


def _declare_bad_timeout() -> None:
    @operation(timeout=0)
    def f() -> None: ...


@pytest.mark.parametrize(
    ("declare", "message"),
    [
        (_declare_bad_var_type, "f: input 'x': var_type <class 'object'> is not a file type"),
        (_declare_bad_name, "f: output name 'a b' must be 1-64 letters"),
        (_declare_twice, "f: the input 'x' has the same name as a declared parameter"),
        (_declare_reserved, "f: parameter 'cmd' is reserved"),
        (_declare_bad_default, "f: parameter 'n' (int): the default 'three' does not fit the type"),
        (_declare_bad_count, "f: input 'x': min_count 2 needs is_array=True"),
        (_declare_empty_enum, "f: parameter 'e' (enum): the default must list the distinct choices"),
        (_declare_bad_timeout, "f: timeout must be a positive whole number of seconds, got 0"),
    ],
    ids=["var-type", "name", "twice", "reserved", "default", "min-count", "enum", "timeout"],
)
def test_bad_declarations_name_the_function_and_the_field(declare: Any, message: str) -> None:
    with pytest.raises(OperationDeclarationError) as error:
        declare()
    assert message in str(error.value)
    assert str(error.value).startswith(f"{declare.__name__}.<locals>.f: ")


@input(name="x", var_type=int)
@operation()
def undeclared_argument(x: int, y: int) -> None: ...


@input(name="z", var_type=int)
@operation()
def unknown_argument(x: int = 0) -> None: ...


@output(name="y", var_type=int)
def no_operation() -> None: ...


LOCK = __import__("threading").Lock()


@operation()
def uses_a_lock() -> None:
    with LOCK:
        pass


def _closure() -> Any:
    secret = 3

    @operation()
    def inner() -> int:
        return secret

    return inner


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (undeclared_argument, "undeclared_argument: argument 'y' is neither an input nor a parameter"),
        (unknown_argument, "unknown_argument: input or parameter 'z' is not an argument of the function"),
        (no_operation, "no_operation: has inputs, outputs or parameters but no @operation"),
        (len, "len: is not decorated with @operation"),
        (uses_a_lock, "uses_a_lock: uses_a_lock uses the global 'LOCK' (lock), which cannot be sent to a worker"),
        (_closure(), "_closure.<locals>.inner reads variables of an enclosing function"),
    ],
    ids=["undeclared", "unknown", "no-operation", "builtin", "unshippable-global", "closure"],
)
def test_operations_that_cannot_be_made_are_named(target: Any, message: str) -> None:
    with pytest.raises(OperationDeclarationError) as error:
        operation_document(target)
    assert message in str(error.value)


def test_a_group_refuses_what_is_not_an_operation() -> None:
    with pytest.raises(OperationDeclarationError, match=r"Group 'G': len is neither a Group nor decorated"):
        Group(title="G", items=[len])
    with pytest.raises(OperationDeclarationError, match="Group: the title must be a non-empty string"):
        Group(title=" ", items=[])
    with pytest.raises(OperationDeclarationError, match=r"group 'G': .*:summarize is listed twice"):
        make_operations_meta([Group(title="G", items=[summarize, summarize])])
    with pytest.raises(OperationDeclarationError, match="the collection: two operations are titled 'Below'"):
        make_operations_meta([below, above])


# --- the SDK's progress line and values ------------------------------------------------------------


def test_the_progress_line_counts_nodes_by_state() -> None:
    stream = io.StringIO()
    bar = Progress("numbers", stream, use_tqdm=False)
    assert bar.line("RUNNING", {"STATIC": 1, "SUCCESS": 2, "RUNNING": 1, "IN_QUEUE": 1}) == (
        "numbers: RUNNING [############------------] 2/4 (in_queue 1 running 1 success 2)"
    )
    bar.update("RUNNING", {"SUCCESS": 1, "RUNNING": 2, "CREATED": 1})
    bar.update("SUCCESS", {"SUCCESS": 4})
    bar.close()
    first = "numbers: RUNNING [######------------------] 1/4 (running 2 success 1)"
    second = "numbers: SUCCESS [########################] 4/4 (success 4)"
    assert stream.getvalue() == f"\r{first}\r{second.ljust(len(first))}\n"


@pytest.mark.parametrize(
    ("file_type", "data", "value"),
    [
        ("int", b"42\n", 42),
        ("float", b"2.5\n", 2.5),
        ("bool", b"false\n", False),
        ("str", b"two\nlines\n", "two\nlines"),
        ("color", b"#1e88e5\n", "#1e88e5"),
        ("json", b'{"a": [1]}', {"a": [1]}),
        ("csv", b"a,b\n", b"a,b\n"),
    ],
)
def test_output_values_are_decoded_by_file_type(file_type: str, data: bytes, value: Any) -> None:
    assert decode_value(file_type, data) == value
