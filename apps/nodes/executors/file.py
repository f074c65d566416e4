"""Files: static nodes whose only output was uploaded beforehand; nothing is ever executed."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from apps.nodes.executors.base import ExecutionResult, Executor, PreparedNode, Script, ScriptError


class FileExecutor(Executor):
    version: ClassVar[str] = "1"
    is_static: ClassVar[bool] = True

    def script(self, node: PreparedNode) -> Script:
        raise ScriptError("file nodes are never executed")

    def run(
        self,
        node: PreparedNode,
        *,
        should_cancel: Callable[[], bool],
        on_tick: Callable[[], None] | None = None,
    ) -> ExecutionResult:
        return ExecutionResult("SUCCESS")
