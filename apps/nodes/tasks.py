"""Celery tasks that run nodes on workers."""

from __future__ import annotations

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from apps.nodes import workers  # noqa: F401 - connects the worker-state signal handlers
from apps.nodes.services import node_execute


@shared_task(
    name="plynx.execute_node",
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=True,
)
def execute_node(self: Task[..., None], node_run_id: int, attempt: int, run_id: str = "", node_id: str = "") -> None:
    """Run node ``node_run_id`` under ``attempt`` (``run_id`` and ``node_id`` are for monitoring).

    Safe to run twice: the node is claimed with a conditional update on its status and attempt,
    so a redelivered, retried or duplicated message finds nothing to claim.
    """
    node_execute(
        node_run_id=node_run_id,
        attempt=attempt,
        worker_id=self.request.hostname or "worker",
        task_id=self.request.id or "",
    )
