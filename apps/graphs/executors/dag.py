"""The DAG workflow executor: a workflow's nodes run as Celery tasks, each as soon as its inputs are ready.

Scheduling lives in the control plane (``apps.graphs.services``) around the pure engine; this
class gives the workflow kind its place in the executor registry. A workflow is never run as a
script on a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from apps.nodes.executors.base import ExecutionResult, Executor, PreparedNode, Script, ScriptError


class DagExecutor(Executor):
    version: ClassVar[str] = "1"
    runs_in_control_plane: ClassVar[bool] = True

    def script(self, node: PreparedNode) -> Script:
        raise ScriptError("a workflow is scheduled node by node; it has no script of its own")

    def run(
        self,
        node: PreparedNode,
        *,
        should_cancel: Callable[[], bool],
        on_tick: Callable[[], None] | None = None,
    ) -> ExecutionResult:
        return ExecutionResult("FAILED", "workflows are scheduled by the control plane, not run by a worker")
