"""The plugin configuration file: defaults, extension, overrides and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.users.policies import IAMPolicy
from plynx_site.plugins import load_plugins


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plugins.yaml"
    path.write_text(text)
    return path


def test_built_in_defaults() -> None:
    plugins = load_plugins(None)
    assert plugins.operation_kinds == ("file", "bash_jinja2", "python", "composite")
    assert plugins.workflow_kinds == ("workflow",)
    assert plugins.resource_kinds == (
        "file",
        "csv",
        "tsv",
        "json",
        "image",
        "pdf",
        "directory",
        "executable",
        "int",
        "float",
        "str",
        "bool",
        "color",
    )
    assert [r.kind for r in plugins.resources if r.raw] == ["int", "float", "str", "bool", "color"]
    assert plugins.operation("file").is_static is True  # type: ignore[union-attr]
    assert IAMPolicy.IS_ADMIN not in plugins.default_policies
    assert len(plugins.default_policies) == 7


def test_user_file_adds_a_kind_without_code_changes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
executors:
  gpu_python: mycompany.executors.GpuPython
operations:
  - kind: gpu_python
    title: Python on a GPU
    executor: gpu_python
    queue: plynx.gpu
    resources: [file, csv]
resources:
  - {kind: parquet, title: Parquet, cls: mycompany.resources.Parquet, extensions: [.parquet]}
workflows:
  - kind: workflow
    title: Workflow
    executor: dag
    hubs: [database]
    operations: [file, python, gpu_python]
""",
    )
    plugins = load_plugins(path)
    assert plugins.operation("gpu_python").queue == "plynx.gpu"  # type: ignore[union-attr]
    assert plugins.executors["gpu_python"] == "mycompany.executors.GpuPython"
    assert plugins.executors["python"] == "apps.nodes.executors.python.PythonExecutor"
    assert plugins.resource("parquet").extensions == (".parquet",)  # type: ignore[union-attr]
    assert plugins.workflow("workflow").operations == ("file", "python", "gpu_python")  # type: ignore[union-attr]
    assert len(plugins.operations) == 5


def test_user_file_replaces_default_policies(tmp_path: Path) -> None:
    plugins = load_plugins(write(tmp_path, "default_policies: [CAN_VIEW_OPERATIONS, CAN_VIEW_WORKFLOWS]\n"))
    assert plugins.default_policies == (IAMPolicy.CAN_VIEW_OPERATIONS, IAMPolicy.CAN_VIEW_WORKFLOWS)


def test_empty_user_file_keeps_defaults(tmp_path: Path) -> None:
    assert load_plugins(write(tmp_path, "")) == load_plugins(None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("operations:\n  - {kind: x, title: X, executor: nope}\n", "operations.x: unknown executor 'nope'"),
        (
            "operations:\n  - {kind: x, title: X, executor: python, resources: [parquet]}\n",
            "operations.x: unknown resources parquet",
        ),
        (
            "workflows:\n  - {kind: w2, title: W, executor: dag, hubs: [nowhere]}\n",
            "workflows.w2: unknown hubs nowhere",
        ),
        ("workflows:\n  - {kind: python, title: W, executor: dag}\n", "python is both an operation and a workflow"),
        ("executors:\n  python: not-a-path\n", "is not a dotted Python path"),
        ("resources:\n  - {kind: x, title: X, cls: a.B, color: red}\n", "resources.13.color"),
        ("default_policies: [CAN_FLY]\n", "default_policies.0"),
        ("operations:\n  - {kind: Bad Kind, title: X, executor: python}\n", "operations.4.kind"),
        ("operations:\n  - {kind: x, title: X, executor: python, colour: red}\n", "Extra inputs are not permitted"),
        ("queues: []\n", "unknown sections queues"),
        ("operations: {kind: x}\n", "operations must be a list"),
        ("operations:\n  - {title: X}\n", "every entry of operations needs a kind"),
        ("- a\n- b\n", "must hold a mapping"),
        ("operations: [\n", "cannot read"),
    ],
)
def test_bad_files_fail_with_a_message(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message.replace(".", r"\.").replace("(", r"\(")):
        load_plugins(write(tmp_path, text))


def test_queues_cover_every_executable_kind(tmp_path: Path) -> None:
    from plynx_site.queues import all_queues, queue_for_kind

    plugins = load_plugins(
        write(
            tmp_path,
            "operations:\n  - {kind: gpu, title: GPU, executor: python, queue: plynx.gpu}\n"
            "  - {kind: r, title: R, executor: python}\n",
        )
    )
    assert all_queues(plugins) == [
        "plynx.control",
        "plynx.bash_jinja2",
        "plynx.python",
        "plynx.composite",
        "plynx.gpu",
        "plynx.r",
    ]
    assert queue_for_kind("gpu", plugins) == "plynx.gpu"
    assert queue_for_kind("python", plugins) == "plynx.python"
