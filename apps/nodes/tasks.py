"""Celery tasks that run nodes on workers."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from celery.signals import task_prerun
from django.db import InterfaceError, OperationalError, close_old_connections

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


@task_prerun.connect
def _database_hygiene(**kwargs: Any) -> None:
    """Before each task, what Django does before each request: drop a connection that is too old
    or broken (CONN_MAX_AGE, health checks), keep a good one (see CELERY_DB_REUSE_MAX)."""
    close_old_connections()
