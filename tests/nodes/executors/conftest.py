"""Building prepared nodes in a temporary directory, and finding processes by a marker."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from apps.nodes.executors.base import InputItem, LogPaths, OutputSlot, PreparedNode

MakeNode = Callable[..., PreparedNode]


@pytest.fixture
def make_node(tmp_path: Path) -> MakeNode:
    """A node with its workdir and logs under tmp_path; outputs are created empty like the caller does."""

    def make(
        cmd: str,
        *,
        kind: str = "bash_jinja2",
        inputs: Mapping[str, tuple[InputItem, ...]] | None = None,
        input_is_list: Mapping[str, bool] | None = None,
        outputs: Mapping[str, str] | None = None,
        directories: tuple[str, ...] = (),
        params: Mapping[str, Any] | None = None,
        timeout_seconds: int = 30,
        name: str = "node",
    ) -> PreparedNode:
        workdir = tmp_path / name / "work"
        logs = tmp_path / name / "logs"
        workdir.mkdir(parents=True)
        logs.mkdir()
        slots = {}
        for output, file_type in (outputs or {}).items():
            path = workdir / f"o_{output}"
            if output in directories:
                path.mkdir()
            else:
                path.touch()
            slots[output] = OutputSlot(path=path, file_type=file_type)
        log_paths = LogPaths(stdout=logs / "stdout", stderr=logs / "stderr", worker=logs / "worker")
        for path in (log_paths.stdout, log_paths.stderr, log_paths.worker):
            path.touch()
        inputs = dict(inputs or {})
        return PreparedNode(
            node_id="0123456789abcdef01234567",
            title="Test node",
            kind=kind,
            workdir=workdir,
            inputs=inputs,
            input_is_list=dict(input_is_list or dict.fromkeys(inputs, False)),
            outputs=slots,
            params=dict(params or {}),
            cmd=cmd,
            timeout_seconds=timeout_seconds,
            logs=log_paths,
        )

    return make


@pytest.fixture
def marker() -> str:
    """A `sleep` duration no other process uses: `sleep 600.<digits>` is found by its argument."""
    return f"600.{uuid.uuid4().int % 10**12:012d}"
