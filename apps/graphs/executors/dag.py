"""The DAG workflow executor: a workflow's nodes run as Celery tasks, each as soon as its inputs are ready.

Scheduling lives in the control plane (``apps.graphs.services``) around the pure engine; this
class gives the workflow kind its place in the executor registry. A workflow is never run as a
script on a worker.
"""

from __future__ import annotations

from typing import ClassVar

from apps.nodes.executors.base import ControlPlaneExecutor


class DagExecutor(ControlPlaneExecutor):
    version: ClassVar[str] = "1"
    no_script_reason: ClassVar[str] = "a workflow is scheduled node by node; it has no script of its own"
