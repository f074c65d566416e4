from __future__ import annotations

import dataclasses

import pytest

from apps.nodes.documents import Parameter
from apps.nodes.executors.base import ExecutionResult, PreparedNode, Script, ScriptError, pythonize_parameters
from apps.nodes.executors.bash_jinja2 import BashJinja2Executor
from apps.nodes.executors.file import FileExecutor
from apps.nodes.parameters import ParameterType
from tests.nodes.executors.conftest import MakeNode
from tests.nodes.executors.helpers import never, processes_with

NODE_ID = "5e4d3c2b1a00112233445566"


@pytest.mark.parametrize(
    ("parameter_type", "value", "expected"),
    [
        pytest.param(ParameterType.STR, "a b", "a b", id="str"),
        pytest.param(ParameterType.TEXT, "line\nline", "line\nline", id="text"),
        pytest.param(ParameterType.INT, 7, 7, id="int"),
        pytest.param(ParameterType.FLOAT, 2, 2.0, id="float"),
        pytest.param(ParameterType.BOOL, True, True, id="bool"),
        pytest.param(ParameterType.ENUM, {"values": ["a", "b", "c"], "index": 1}, "b", id="enum"),
        pytest.param(ParameterType.ENUM, {"values": [], "index": 0}, "", id="enum-without-values"),
        pytest.param(ParameterType.LIST_STR, ["x", "y"], ["x", "y"], id="list_str"),
        pytest.param(ParameterType.LIST_INT, [3, 1, 2], [3, 1, 2], id="list_int"),
        pytest.param(
            ParameterType.LIST_NODE, {"value": [{"_id": NODE_ID}]}, {"value": [{"_id": NODE_ID}]}, id="list_node"
        ),
        pytest.param(ParameterType.CODE, {"value": "print(1)\n", "mode": "python"}, "print(1)\n", id="code"),
        pytest.param(ParameterType.COLOR, "#1E88E5", "#1e88e5", id="color"),
    ],
)
def test_pythonize_parameters(parameter_type: ParameterType, value: object, expected: object) -> None:
    parameter = Parameter(name="p", parameter_type=parameter_type, value=value)

    params = pythonize_parameters([parameter])

    assert params == {"p": expected}
    assert type(params["p"]) is type(expected)


def test_pythonize_parameters_keeps_every_parameter_by_name() -> None:
    parameters = [
        Parameter(name="cmd", parameter_type=ParameterType.CODE, value={"value": "echo", "mode": "sh"}),
        Parameter(name="_timeout", parameter_type=ParameterType.INT, value=600),
        Parameter(name="cacheable", parameter_type=ParameterType.BOOL, value=False),
    ]

    assert pythonize_parameters(parameters) == {"cmd": "echo", "_timeout": 600, "cacheable": False}


def test_prepared_node_refuses_a_timeout_that_is_not_positive(make_node: MakeNode) -> None:
    node = make_node("true")

    with pytest.raises(ValueError, match="timeout_seconds must be positive, got 0"):
        dataclasses.replace(node, timeout_seconds=0)


@pytest.mark.parametrize(
    ("cmd", "result", "last_line"),
    [
        pytest.param("exit 0", ExecutionResult("SUCCESS", ""), "JOB SUCCEEDED in ", id="success"),
        pytest.param("exit 3", ExecutionResult("FAILED", "exit code 3"), ": exit code 3", id="exit-code"),
        pytest.param(
            "kill -KILL $$",
            ExecutionResult("FAILED", "killed by signal SIGKILL"),
            ": killed by signal SIGKILL",
            id="signal",
        ),
    ],
)
def test_run_maps_the_exit_status(make_node: MakeNode, cmd: str, result: ExecutionResult, last_line: str) -> None:
    node = make_node(cmd)

    assert BashJinja2Executor().run(node, should_cancel=never) == result

    worker_log = node.logs.worker.read_text().splitlines()
    assert worker_log[1] == f"# Test node (bash_jinja2 {node.node_id})"
    assert worker_log[2] == f"# bash {node.workdir / '_plynx_script.sh'}"
    assert worker_log[4] == cmd
    if result.status == "SUCCESS":
        assert worker_log[-1].startswith(last_line)
    else:
        assert worker_log[-1].startswith("JOB FAILED after ")
        assert worker_log[-1].endswith(last_line)
    assert (node.workdir / "_plynx_script.sh").read_text() == cmd


def test_run_times_out(make_node: MakeNode, marker: str) -> None:
    node = make_node(f"sleep {marker}", timeout_seconds=1)

    assert BashJinja2Executor().run(node, should_cancel=never) == ExecutionResult("FAILED", "timed out after 1 s")

    last_line = node.logs.worker.read_text().splitlines()[-1]
    assert last_line.startswith("JOB FAILED after ")
    assert last_line.endswith(": timed out after 1 s (the _timeout parameter); the process tree was killed")
    assert processes_with(marker) == []


def test_run_is_canceled(make_node: MakeNode, marker: str) -> None:
    node = make_node(f"echo started; sleep {marker}")
    ticks: list[str] = []

    result = BashJinja2Executor().run(
        node,
        should_cancel=lambda: node.logs.stdout.read_text() == "started\n",
        on_tick=lambda: ticks.append("tick"),
    )

    assert result == ExecutionResult("CANCELED", "canceled")
    assert ticks[0] == "tick"
    assert node.logs.worker.read_text().splitlines()[-1].startswith("JOB CANCELED after ")
    assert processes_with(marker) == []


def test_run_canceled_before_it_starts_runs_nothing(make_node: MakeNode) -> None:
    node = make_node("echo ran")

    assert BashJinja2Executor().run(node, should_cancel=lambda: True) == ExecutionResult("CANCELED", "canceled")

    assert node.logs.worker.read_text() == "JOB CANCELED before it started\n"
    assert node.logs.stdout.read_text() == ""
    assert list(node.workdir.iterdir()) == []


def test_run_reports_a_script_error_and_runs_nothing(make_node: MakeNode) -> None:
    node = make_node("echo {{ params['missing'] }}")
    message = "template error on line 1: 'dict object' has no attribute 'missing'"

    assert BashJinja2Executor().run(node, should_cancel=never) == ExecutionResult("FAILED", message)

    assert node.logs.worker.read_text() == f"JOB FAILED: {message}\n"
    assert list(node.workdir.iterdir()) == []


def test_file_nodes_are_never_executed(make_node: MakeNode) -> None:
    node = make_node("echo ran > ran.txt", kind="file")
    executor = FileExecutor()

    assert executor.is_static is True
    with pytest.raises(ScriptError, match=r"^file nodes are never executed$"):
        executor.script(node)
    assert executor.run(node, should_cancel=never) == ExecutionResult("SUCCESS", "")
    assert list(node.workdir.iterdir()) == []
    assert node.logs.worker.read_text() == ""


class MissingProgramExecutor(BashJinja2Executor):
    def script(self, node: PreparedNode) -> Script:
        return Script(text="", argv=("no-such-program",), filename="script")


def test_run_reports_a_program_that_cannot_start(make_node: MakeNode) -> None:
    node = make_node("")
    message = "cannot start no-such-program: No such file or directory"

    assert MissingProgramExecutor().run(node, should_cancel=never) == ExecutionResult("FAILED", message)
    assert node.logs.worker.read_text().splitlines()[-1] == f"JOB FAILED: {message}"
