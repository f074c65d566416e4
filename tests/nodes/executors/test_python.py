from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from apps.nodes.documents import Parameter, SubNode
from apps.nodes.executors.base import ExecutionResult, InputItem, PreparedNode, pythonize_parameters
from apps.nodes.executors.python import PythonExecutor
from apps.nodes.parameters import ParameterType
from tests.nodes.executors.conftest import MakeNode
from tests.nodes.executors.helpers import never
from tests.seed_examples import SPLIT

# The seed documentation's `split` operation, verbatim.


def run_split(make_node: MakeNode, tmp_path: Path, *, seed: int, name: str) -> tuple[list[str], list[str]]:
    files = []
    for index, count in enumerate((120, 80)):
        path = tmp_path / f"data{index}.csv"
        path.write_text("".join(f"{index},{row}\n" for row in range(count)))
        files.append(InputItem(path=path, value=None, file_type="csv"))
    params = pythonize_parameters(
        [
            Parameter(name="seed", parameter_type=ParameterType.INT, value=seed),
            Parameter(name="rate", parameter_type=ParameterType.FLOAT, value=0.25),
        ]
    )
    node = make_node(
        SPLIT,
        kind="python",
        name=name,
        inputs={"data.csv": tuple(files)},
        input_is_list={"data.csv": True},
        outputs={"a.csv": "csv", "b.csv": "csv"},
        params=params,
    )

    assert PythonExecutor().run(node, should_cancel=never) == ExecutionResult("SUCCESS", "")
    return (
        node.outputs["a.csv"].path.read_text().splitlines(),
        node.outputs["b.csv"].path.read_text().splitlines(),
    )


def test_the_seed_split_example(make_node: MakeNode, tmp_path: Path) -> None:
    a, b = run_split(make_node, tmp_path, seed=7, name="first")
    again = run_split(make_node, tmp_path, seed=7, name="again")
    other = run_split(make_node, tmp_path, seed=8, name="other")

    assert len(a) + len(b) == 200
    assert sorted(a + b) == sorted([f"0,{row}" for row in range(120)] + [f"1,{row}" for row in range(80)])
    assert 0 < len(a) < len(b)
    assert again == (a, b)
    assert other != (a, b)


def test_script_is_a_preamble_then_the_user_code(make_node: MakeNode) -> None:
    node = make_node("print('hi')\n", kind="python")

    script = PythonExecutor().script(node)

    assert script.argv == (sys.executable, str(node.workdir / "_plynx_script.py"))
    assert script.filename == "_plynx_script.py"
    assert script.text.endswith("\n# User code starts here\nprint('hi')\n")
    assert str(node.workdir / "_plynx_context.json") in script.text


def test_user_code_sees_inputs_outputs_params_and_logs(make_node: MakeNode, tmp_path: Path) -> None:
    node = make_node(
        "import json\nprint(json.dumps({'inputs': inputs, 'outputs': outputs, 'params': params, 'logs': logs}))\n",
        kind="python",
        inputs={
            "file": (InputItem(path=tmp_path / "in.txt", value=None, file_type="file"),),
            "n": (InputItem(path=None, value=5, file_type="int"),),
            "flags": (
                InputItem(path=None, value=True, file_type="bool"),
                InputItem(path=None, value="x y", file_type="str"),
            ),
        },
        input_is_list={"file": False, "n": False, "flags": True},
        outputs={"out": "file"},
        params={"rate": 0.5, "names": ["a", "b"], "mode": "fast"},
    )

    assert PythonExecutor().run(node, should_cancel=never) == ExecutionResult("SUCCESS", "")
    assert json.loads(node.logs.stdout.read_text()) == {
        "inputs": {"file": str(tmp_path / "in.txt"), "n": 5, "flags": [True, "x y"]},
        "outputs": {"out": str(node.workdir / "o_out")},
        "params": {"rate": 0.5, "names": ["a", "b"], "mode": "fast"},
        "logs": {"stdout": str(node.logs.stdout), "stderr": str(node.logs.stderr), "worker": str(node.logs.worker)},
    }


def test_the_preamble_imports_nothing_of_the_project(make_node: MakeNode) -> None:
    node = make_node(
        "import sys\nprint(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'apps', 'plynx_site'}))\n",
        kind="python",
    )

    assert PythonExecutor().run(node, should_cancel=never) == ExecutionResult("SUCCESS", "")
    assert node.logs.stdout.read_text() == "[]\n"


def test_an_exception_fails_the_node_with_its_traceback(make_node: MakeNode) -> None:
    node: PreparedNode = make_node("print('before')\nraise ValueError('boom')\n", kind="python")

    assert PythonExecutor().run(node, should_cancel=never) == ExecutionResult("FAILED", "exit code 1")
    stderr = node.logs.stderr.read_text()
    assert stderr.startswith("Traceback (most recent call last):\n")
    assert stderr.endswith("ValueError: boom\n")
    assert node.logs.stdout.read_text() == "before\n"
    assert node.logs.worker.read_text().splitlines()[-1].endswith(": exit code 1")


def test_secrets_of_the_worker_are_not_visible(make_node: MakeNode, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "PLYNX_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "REDIS_URL"):
        monkeypatch.setenv(name, "secret-value")
    node = make_node("import os\nprint(sorted(os.environ))\n", kind="python")

    assert PythonExecutor().run(node, should_cancel=never) == ExecutionResult("SUCCESS", "")
    assert node.logs.stdout.read_text() == "['HOME', 'LANG', 'LC_ALL', 'PATH', 'PYTHONUNBUFFERED', 'TMPDIR']\n"


@pytest.mark.parametrize(
    ("cmd", "problems"),
    [
        pytest.param("print(params['x'])\n", [], id="valid"),
        pytest.param("def f(:\n    pass\n", ["cmd: syntax error on line 1: invalid syntax"], id="syntax"),
        pytest.param(None, ["the parameter 'cmd' is missing"], id="missing"),
    ],
)
def test_validate(cmd: str | None, problems: list[str]) -> None:
    parameters = (
        [] if cmd is None else [{"name": "cmd", "parameter_type": "code", "value": {"value": cmd, "mode": "python"}}]
    )
    document = SubNode.model_validate({"_id": "5e4d3c2b1a00112233445566", "kind": "python", "parameters": parameters})

    assert PythonExecutor().validate(document) == problems
