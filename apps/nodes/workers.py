"""Worker state: each Celery worker reports its host, the kinds it runs and its current nodes."""

from __future__ import annotations

import logging
import socket
import threading
from typing import Any

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.graphs.choices import NodeRunningStatus
from apps.graphs.models import NodeRun
from apps.nodes.models import WorkerState
from plynx_site.queues import queue_for_kind

logger = logging.getLogger(__name__)
_stop = threading.Event()


def worker_kinds(queues: list[str]) -> list[str]:
    """The operation kinds whose queues are among ``queues``."""
    return [
        plugin.kind
        for plugin in settings.PLYNX_PLUGINS.operations
        if not plugin.is_static and queue_for_kind(plugin.kind) in queues
    ]


def worker_state_report(*, worker_id: str, queues: list[str], concurrency: int, started_at: Any) -> None:
    """Write this worker's row: what it serves and which nodes it is running now."""
    now = timezone.now()
    running = [
        {"run_id": run_id, "node_id": node_id, "title": title}
        for run_id, node_id, title in NodeRun.objects.filter(
            worker_id=worker_id, status=NodeRunningStatus.RUNNING
        ).values_list("run_id", "node_id", "title")
    ]
    WorkerState.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname(),
            "kinds": worker_kinds(queues),
            "queues": queues,
            "concurrency": concurrency,
            "current_runs": running,
            "started_at": started_at,
            "last_heartbeat": now,
        },
    )


def _report_forever(worker_id: str, queues: list[str], concurrency: int) -> None:
    started_at = timezone.now()
    try:
        while not _stop.is_set():
            try:
                worker_state_report(worker_id=worker_id, queues=queues, concurrency=concurrency, started_at=started_at)
            except Exception:
                logger.exception("worker state report failed worker=%s", worker_id)
                connection.close()
            _stop.wait(settings.PLYNX_WORKER_HEARTBEAT_SECONDS)
    finally:
        connection.close()


@worker_ready.connect
def _on_worker_ready(sender: Any = None, **kwargs: Any) -> None:
    worker_id = sender.hostname
    queues = sorted(q.name for q in sender.app.amqp.queues.consume_from.values())
    concurrency = int(getattr(sender, "concurrency", 1) or 1)
    threading.Thread(
        target=_report_forever, args=(worker_id, queues, concurrency), name="plynx-worker-state", daemon=True
    ).start()


@worker_shutdown.connect
def _on_worker_shutdown(sender: Any = None, **kwargs: Any) -> None:
    _stop.set()
    try:
        WorkerState.objects.filter(worker_id=sender.hostname).delete()
    except Exception:
        logger.exception("could not remove worker state")
    finally:
        connection.close()
