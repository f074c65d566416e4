from __future__ import annotations

from typing import Any

import pytest

from apps.nodes.executors.bash_jinja2 import BashJinja2Executor
from apps.nodes.executors.file import FileExecutor
from apps.nodes.executors.python import PythonExecutor
from apps.nodes.executors.registry import UnknownExecutor, executor_for_kind


def with_executors(settings: Any, **executors: str | None) -> None:
    configured = {**settings.PLYNX_PLUGINS.executors, **executors}
    settings.PLYNX_PLUGINS = settings.PLYNX_PLUGINS.model_copy(
        update={"executors": {name: path for name, path in configured.items() if path is not None}}
    )


@pytest.mark.parametrize(
    ("kind", "cls"),
    [
        pytest.param("file", FileExecutor, id="file"),
        pytest.param("bash_jinja2", BashJinja2Executor, id="bash_jinja2"),
        pytest.param("python", PythonExecutor, id="python"),
    ],
)
def test_built_in_kinds(kind: str, cls: type) -> None:
    executor = executor_for_kind(kind)

    assert type(executor) is cls
    assert executor_for_kind(kind) is executor


def test_a_workflow_kind_uses_its_workflow_plugin(settings: Any) -> None:
    with_executors(settings, dag="apps.nodes.executors.python.PythonExecutor")

    assert type(executor_for_kind("workflow")) is PythonExecutor


def test_a_replaced_path_is_used(settings: Any) -> None:
    with_executors(settings, python="apps.nodes.executors.bash_jinja2.BashJinja2Executor")

    assert type(executor_for_kind("python")) is BashJinja2Executor


@pytest.mark.parametrize(
    ("path", "message"),
    [
        pytest.param(
            "apps.nodes.executors.missing.Missing",
            "kind 'python': cannot import 'apps.nodes.executors.missing.Missing': "
            "No module named 'apps.nodes.executors.missing'",
            id="no-module",
        ),
        pytest.param(
            "apps.nodes.executors.python.Missing",
            "kind 'python': cannot import 'apps.nodes.executors.python.Missing': "
            'Module "apps.nodes.executors.python" does not define a "Missing" attribute/class',
            id="no-class",
        ),
        pytest.param(
            "collections.OrderedDict",
            "kind 'python': 'collections.OrderedDict' is not an Executor class",
            id="not-an-executor",
        ),
        pytest.param(
            "apps.nodes.executors.base.Executor",
            "kind 'python': 'apps.nodes.executors.base.Executor' is abstract: it does not implement script",
            id="abstract",
        ),
    ],
)
def test_a_path_that_gives_no_executor(settings: Any, path: str, message: str) -> None:
    with_executors(settings, python=path)

    with pytest.raises(UnknownExecutor) as error:
        executor_for_kind("python")

    assert str(error.value) == message


def test_an_unknown_kind() -> None:
    with pytest.raises(UnknownExecutor) as error:
        executor_for_kind("fortran")

    assert str(error.value) == "unknown kind 'fortran': no operation or workflow of this kind is configured"


def test_an_executor_name_without_a_path(settings: Any) -> None:
    with_executors(settings, python=None)

    with pytest.raises(UnknownExecutor) as error:
        executor_for_kind("python")

    assert str(error.value) == "kind 'python': the executor 'python' is not configured"
