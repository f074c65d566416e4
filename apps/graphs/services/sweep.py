"""The periodic sweeper: no node or run is ever stranded.

- A running node whose lease expired (its worker was killed or its machine is gone) is sent
  again under a new attempt, up to ``PLYNX_NODE_MAX_ATTEMPTS``, then failed; in a canceled run
  it is canceled.
- A queued node nobody claimed for ``PLYNX_REQUEUE_AFTER_SECONDS`` while its queue is empty
  (the broker lost the message, e.g. Redis restarted) is sent again under the same attempt:
  the claim is conditional, so a duplicate does nothing.
- A run left unfinished with no active node is advanced or finished.
- Worker states without a recent heartbeat are dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.graphs import engine
from apps.graphs.choices import GraphRunningStatus, NodeRunningStatus
from apps.graphs.models import NodeRun, NodeRunAttempt, Run
from apps.graphs.services.dispatch import Dispatch, send_after_commit
from apps.graphs.services.runs import _dispatch_ready, _engine_node, _refresh_run_state, _state
from apps.nodes.models import WorkerState
from plynx_site.queues import queue_for_kind

logger = logging.getLogger(__name__)

_ACTIVE = [NodeRunningStatus.IN_QUEUE, NodeRunningStatus.RUNNING]


@dataclass(frozen=True)
class SweepResult:
    requeued_lost: int
    failed_lost: int
    canceled_lost: int
    redispatched: int
    runs_repaired: int
    workers_expired: int


def _expire_leases(now: datetime) -> tuple[int, int, int]:
    requeued = failed = canceled = 0
    expired = NodeRun.objects.filter(status=NodeRunningStatus.RUNNING, lease_expires_at__lt=now).values_list(
        "pk", "run_id", "attempt"
    )
    for node_run_id, run_id, attempt in list(expired):
        with transaction.atomic():
            run = Run.objects.select_for_update().get(pk=run_id)
            row = NodeRun.objects.filter(
                pk=node_run_id, status=NodeRunningStatus.RUNNING, attempt=attempt, lease_expires_at__lt=now
            ).first()
            if row is None:
                continue
            NodeRunAttempt.objects.create(
                node_run=row,
                attempt=attempt,
                worker_id=row.worker_id,
                outcome=NodeRunAttempt.Outcome.LOST,
                error="worker lost (lease expired)",
                started_at=row.started_at or now,
                finished_at=now,
            )
            common = {"lease_expires_at": None, "worker_id": "", "updated_at": now}
            if run.cancel_requested_at is not None:
                NodeRun.objects.filter(pk=row.pk).update(status=NodeRunningStatus.CANCELED, finished_at=now, **common)
                canceled += 1
            elif attempt < settings.PLYNX_NODE_MAX_ATTEMPTS:
                NodeRun.objects.filter(pk=row.pk).update(
                    status=NodeRunningStatus.IN_QUEUE, attempt=attempt + 1, queued_at=now, **common
                )
                send_after_commit([Dispatch(row.pk, attempt + 1, row.kind, run.pk, row.node_id)])
                requeued += 1
            else:
                NodeRun.objects.filter(pk=row.pk).update(
                    status=NodeRunningStatus.FAILED,
                    finished_at=now,
                    error=f"the worker running this node was lost {attempt} time(s)",
                    **common,
                )
                failed += 1
            logger.warning("lease expired run=%s node=%s attempt=%s", run.pk, row.node_id, attempt)
            _refresh_run_state(run)
    return requeued, failed, canceled


def _queue_lengths(queues: set[str]) -> dict[str, int]:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=5)
    try:
        return {queue: int(client.llen(queue)) for queue in queues}
    finally:
        client.close()


def _redispatch_stale(now: datetime) -> int:
    stale = list(
        NodeRun.objects.filter(
            status=NodeRunningStatus.IN_QUEUE,
            queued_at__lt=now - timedelta(seconds=settings.PLYNX_REQUEUE_AFTER_SECONDS),
            run__cancel_requested_at__isnull=True,
        ).only("pk", "run_id", "node_id", "kind", "attempt")
    )
    if not stale:
        return 0
    try:
        lengths = _queue_lengths({queue_for_kind(row.kind) for row in stale})
    except redis.RedisError:
        logger.warning("broker unreachable; %d queued node(s) not checked", len(stale))
        return 0
    again = [row for row in stale if lengths.get(queue_for_kind(row.kind), 0) == 0]
    if not again:
        return 0
    with transaction.atomic():
        NodeRun.objects.filter(pk__in=[row.pk for row in again], status=NodeRunningStatus.IN_QUEUE).update(
            queued_at=now
        )
        send_after_commit([Dispatch(row.pk, row.attempt, row.kind, row.run_id, row.node_id) for row in again])
    logger.warning("re-sent %d queued node(s) whose messages were lost", len(again))
    return len(again)


def _repair_runs(now: datetime) -> int:
    """Unfinished runs with no active node: dispatch what is ready, or settle their state."""
    active = NodeRun.objects.filter(run=OuterRef("pk"), status__in=_ACTIVE)
    idle = Run.objects.filter(
        status__in=[GraphRunningStatus.READY, GraphRunningStatus.RUNNING, GraphRunningStatus.FAILED_WAITING],
        updated_at__lt=now - timedelta(seconds=settings.PLYNX_REQUEUE_AFTER_SECONDS),
    ).exclude(Exists(active))
    repaired = 0
    for run_id in list(idle.values_list("pk", flat=True)):
        with transaction.atomic():
            run = Run.objects.select_for_update().get(pk=run_id)
            rows = {row.node_id: row for row in NodeRun.objects.filter(run=run)}
            if any(row.status in _ACTIVE for row in rows.values()):
                continue
            graph = engine.Graph(nodes=tuple(_engine_node(row) for row in rows.values()))
            ready = engine.ready_nodes(graph, {node_id: _state(row) for node_id, row in rows.items()})
            _dispatch_ready(run, [rows[node_id] for node_id in ready], rows)
            _refresh_run_state(run)
            Run.objects.filter(pk=run.pk).update(updated_at=now)
            repaired += 1
    return repaired


def runs_sweep() -> SweepResult:
    """One pass of the sweeper (beat runs it every ``PLYNX_SWEEP_INTERVAL_SECONDS``)."""
    now = timezone.now()
    requeued, failed, canceled = _expire_leases(now)
    redispatched = _redispatch_stale(now)
    repaired = _repair_runs(now)
    expired_workers, _ = WorkerState.objects.filter(
        last_heartbeat__lt=now - timedelta(seconds=settings.PLYNX_WORKER_EXPIRY_SECONDS)
    ).delete()
    return SweepResult(requeued, failed, canceled, redispatched, repaired, expired_workers)
