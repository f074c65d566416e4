from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from apps.nodes.documents import Parameter, SubNode
from apps.nodes.executors.base import ExecutionResult, InputItem, Script, ScriptError
from apps.nodes.executors.bash_jinja2 import BashJinja2Executor, quote
from apps.nodes.parameters import ParameterType
from tests.nodes.executors.conftest import MakeNode
from tests.nodes.executors.helpers import never

# The seed documentation's "Git - checkout directory" operation, verbatim.
GIT_CHECKOUT = """set -e

# clone repo
export DIRECTORY=directory
git clone {{ params['repo'] }} $DIRECTORY
cd $DIRECTORY

# reset to custom commit hash
git reset --hard {{ params['commit'] }}

# build using custom build command
cp -r . {{ outputs.dir }}
"""

TRICKY = 'it\'s a "file" with $(spaces) and `ticks`'


def render(make_node: MakeNode, cmd: str, **options: Any) -> str:
    return BashJinja2Executor().script(make_node(cmd, **options)).text


def test_script_is_the_rendered_template_run_by_bash(make_node: MakeNode) -> None:
    node = make_node("echo {{ params.greeting }}\n", params={"greeting": "hello"})

    assert BashJinja2Executor().script(node) == Script(
        text="echo hello\n", argv=("bash", str(node.workdir / "_plynx_script.sh")), filename="_plynx_script.sh"
    )


def test_inputs_are_a_value_or_a_list(make_node: MakeNode, tmp_path: Path) -> None:
    one = InputItem(path=tmp_path / "one.csv", value=None, file_type="csv")
    many = (
        InputItem(path=tmp_path / "a.csv", value=None, file_type="csv"),
        InputItem(path=tmp_path / "b c.csv", value=None, file_type="csv"),
    )
    number = InputItem(path=None, value=5, file_type="int")

    text = render(
        make_node,
        "{{ inputs.one }}|{{ inputs['many'] | join(',') }}|{{ inputs.many | quote }}"
        "|{{ inputs.n + 1 }}|{{ inputs.none }}",
        inputs={"one": (one,), "many": many, "n": (number,), "none": ()},
        input_is_list={"one": False, "many": True, "n": False, "none": False},
    )

    assert (
        text == f"{tmp_path}/one.csv|{tmp_path}/a.csv,{tmp_path}/b c.csv|{tmp_path}/a.csv '{tmp_path}/b c.csv'|6|None"
    )


def test_an_input_that_takes_one_value_refuses_two(make_node: MakeNode, tmp_path: Path) -> None:
    items = (InputItem(path=tmp_path / "a", value=None, file_type="file"),) * 2
    node = make_node("{{ inputs.x }}", inputs={"x": items}, input_is_list={"x": False})

    with pytest.raises(ScriptError, match=r"^input 'x' takes one value, got 2$"):
        BashJinja2Executor().script(node)


def test_outputs_logs_and_names_shadowing_dict_methods(make_node: MakeNode) -> None:
    node = make_node(
        "{{ outputs.items }} {{ outputs['out'] }} {{ logs.stderr }}", outputs={"items": "file", "out": "csv"}
    )

    assert BashJinja2Executor().script(node).text == f"{node.workdir}/o_items {node.workdir}/o_out {node.logs.stderr}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("plain", "plain", id="plain"),
        pytest.param("two words", "'two words'", id="spaces"),
        pytest.param("it's", "'it'\"'\"'s'", id="single-quote"),
        pytest.param("", "''", id="empty"),
        pytest.param(3, "3", id="number"),
        pytest.param(["a b", "c"], "'a b' c", id="list"),
    ],
)
def test_quote(value: object, expected: str) -> None:
    assert quote(value) == expected


def test_quoted_values_reach_the_script_unchanged(make_node: MakeNode) -> None:
    node = make_node(
        "printf '%s\\n' {{ params.s | quote }} {{ params.l | quote }}\n",
        params={"s": TRICKY, "l": ["one two", "it's"]},
    )

    assert BashJinja2Executor().run(node, should_cancel=never) == ExecutionResult("SUCCESS", "")
    assert node.logs.stdout.read_text() == f"{TRICKY}\none two\nit's\n"


@pytest.mark.parametrize(
    ("cmd", "message"),
    [
        pytest.param(
            "echo ok\necho {{ params['missing'] }}\n",
            "template error on line 2: 'dict object' has no attribute 'missing'",
            id="undefined-key",
        ),
        pytest.param("\n\n{{ nothing }}", "template error on line 3: 'nothing' is undefined", id="undefined-name"),
        pytest.param(
            "echo\n{% if %}\n",
            "template syntax error on line 2: Expected an expression, got 'end of statement block'",
            id="syntax",
        ),
        pytest.param(
            "{{ ''.__class__ }}",
            "template error on line 1: access to attribute '__class__' of 'str' object is unsafe.",
            id="sandbox-attribute",
        ),
        pytest.param(
            "{{ params.__class__.__mro__ }}",
            "template error on line 1: access to attribute '__class__' of 'dict' object is unsafe.",
            id="sandbox-class",
        ),
        pytest.param(
            "{{ 1 + 'a' }}",
            "template error on line 1: unsupported operand type(s) for +: 'int' and 'str'",
            id="type-error",
        ),
    ],
)
def test_template_errors(make_node: MakeNode, cmd: str, message: str) -> None:
    with pytest.raises(ScriptError) as error:
        render(make_node, cmd)

    assert str(error.value) == message


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def test_the_seed_git_checkout_example(make_node: MakeNode, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "--quiet", cwd=repo)
    (repo / "a.txt").write_text("first\n")
    git("add", "a.txt", cwd=repo)
    git("commit", "--quiet", "-m", "first", cwd=repo)
    first = git("rev-parse", "HEAD", cwd=repo)
    (repo / "a.txt").write_text("second\n")
    (repo / "b.txt").write_text("new\n")
    git("add", "a.txt", "b.txt", cwd=repo)
    git("commit", "--quiet", "-m", "second", cwd=repo)
    node = make_node(
        GIT_CHECKOUT,
        params={"repo": str(repo), "commit": first},
        outputs={"dir": "directory"},
        directories=("dir",),
    )

    result = BashJinja2Executor().run(node, should_cancel=never)

    assert result == ExecutionResult("SUCCESS", ""), node.logs.stderr.read_text()
    out = node.outputs["dir"].path
    assert sorted(p.name for p in out.iterdir() if p.name != ".git") == ["a.txt"]
    assert (out / "a.txt").read_text() == "first\n"
    assert node.logs.stdout.read_text() == f"HEAD is now at {first[:7]} first\n"


def _document(cmd: Parameter | None) -> SubNode:
    return SubNode.model_validate(
        {"_id": "5e4d3c2b1a00112233445566", "kind": "bash_jinja2", "parameters": [cmd] if cmd else []}
    )


@pytest.mark.parametrize(
    ("cmd", "problems"),
    [
        pytest.param("echo {{ params.x }}", [], id="valid"),
        pytest.param(
            "{% for %}",
            ["cmd: template syntax error on line 1: Expected an expression, got 'end of statement block'"],
            id="syntax",
        ),
        pytest.param(None, ["the parameter 'cmd' is missing"], id="missing"),
    ],
)
def test_validate(cmd: str | None, problems: list[str]) -> None:
    parameter = (
        None
        if cmd is None
        else Parameter(name="cmd", parameter_type=ParameterType.CODE, value={"value": cmd, "mode": "sh"})
    )

    assert BashJinja2Executor().validate(_document(parameter)) == problems
