"""What workers call: claim a queued node, renew its lease, report how it ended.

These run once per node and are the platform's per-node overhead, so each is a few
hand-written statements (see ``plynx_site.sql``):

- a claim is one conditional ``UPDATE ... RETURNING`` that also refuses nodes of canceled runs
  and hands back the node's document and the inputs resolved when it was queued;
- a finish is one transaction: lock the run, end the node (conditional on its status and
  attempt), record the attempt, the node's new resources and its cache entry, then release
  and queue its children; their tasks are sent after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.graphs import engine
from apps.graphs.choices import NodeRunningStatus
from apps.graphs.models import NodeRun, NodeRunAttempt, Run
from apps.graphs.services.cache import node_cache_put
from apps.graphs.services.dispatch import task_id_for
from apps.graphs.services.runs import ResolvedInput, _after_node_finished, _cacheable, _timeout_seconds
from apps.nodes.documents import SubNode
from apps.resources.services import StoredBlob, resources_record
from plynx_site import sql

logger = logging.getLogger(__name__)
S = engine.NodeState

_NODE_RUN = NodeRun._meta.db_table
_RUN = Run._meta.db_table
_ATTEMPT = NodeRunAttempt._meta.db_table


@dataclass(frozen=True)
class ClaimedNode:
    """A node a worker now owns (status RUNNING under ``attempt``), with its inputs resolved."""

    node_run_id: int
    run_id: str
    node_id: str
    attempt: int
    spec: SubNode
    inputs: dict[str, list[ResolvedInput]]
    timeout_seconds: int
    # The run's author: the node's new resources are theirs.
    author_id: int | None
    # Whether a success is remembered in the cache (the node's ``cacheable`` parameter).
    cacheable: bool


_CLAIM = (
    f"UPDATE {_NODE_RUN} SET status = %s, started_at = %s, worker_id = %s, celery_task_id = %s, "
    "lease_expires_at = %s, updated_at = %s "
    "WHERE id = %s AND attempt = %s AND status = %s "
    f"AND EXISTS (SELECT 1 FROM {_RUN} WHERE {_RUN}.id = {_NODE_RUN}.run_id AND {_RUN}.cancel_requested_at IS NULL) "
    f"RETURNING run_id, node_id, spec, inputs_resolved, (SELECT author_id FROM {_RUN} WHERE {_RUN}.id = run_id)"
)


def node_run_claim(*, node_run_id: int, attempt: int, worker_id: str, task_id: str = "") -> ClaimedNode | None:
    """Take a queued node for this worker, or None if it is not (any more) this attempt's to run.

    A duplicate or late message, a canceled run, or an attempt superseded by a re-dispatch all
    find nothing to claim.
    """
    now = timezone.now()
    at = sql.datetime_param(now)
    lease = sql.datetime_param(now + timedelta(seconds=settings.PLYNX_NODE_LEASE_SECONDS))
    claimed = sql.fetch(
        _CLAIM,
        [
            NodeRunningStatus.RUNNING,
            at,
            worker_id,
            task_id or task_id_for(node_run_id, attempt),
            lease,
            at,
            node_run_id,
            attempt,
            NodeRunningStatus.IN_QUEUE,
        ],
    )
    if not claimed:
        return None
    run_id, node_id, spec_json, inputs_json, author_id = claimed[0]
    spec = SubNode.model_validate(sql.json_value(spec_json))
    resolved = sql.json_value(inputs_json)
    missing = [port.name for port in spec.inputs if port.name not in resolved]
    if missing:
        node_run_finish(
            node_run_id=node_run_id,
            attempt=attempt,
            status=S.FAILED,
            error=f"the inputs {', '.join(map(repr, missing))} were not resolved when the node was queued",
            run_id=run_id,
        )
        return None
    return ClaimedNode(
        node_run_id=node_run_id,
        run_id=run_id,
        node_id=node_id,
        attempt=attempt,
        spec=spec,
        inputs={port.name: [ResolvedInput.from_json(slot) for slot in resolved[port.name]] for port in spec.inputs},
        timeout_seconds=_timeout_seconds(spec),
        author_id=author_id,
        cacheable=_cacheable(spec),
    )


def node_run_heartbeat(*, node_run_id: int, attempt: int) -> bool:
    """Renew the lease of a running node; False when the node is no longer this attempt's."""
    now = timezone.now()
    return bool(
        NodeRun.objects.filter(pk=node_run_id, attempt=attempt, status=NodeRunningStatus.RUNNING).update(
            lease_expires_at=now + timedelta(seconds=settings.PLYNX_NODE_LEASE_SECONDS)
        )
    )


def _datetime(value: Any) -> datetime | None:
    """A timestamp read by a hand-written statement (SQLite gives text)."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


_END = (
    f"UPDATE {_NODE_RUN} SET status = %s, outputs = %s, logs = %s, error = %s, finished_at = %s, "
    "lease_expires_at = NULL, updated_at = %s WHERE id = %s AND attempt = %s AND status = %s "
    "RETURNING node_id, downstream, cache_key"
)
_RECORD_ATTEMPT = (
    f"INSERT INTO {_ATTEMPT} (node_run_id, attempt, worker_id, outcome, error, started_at, finished_at) "
    f"SELECT id, attempt, worker_id, %s, %s, started_at, finished_at FROM {_NODE_RUN} WHERE id = %s"
)


def node_run_finish(
    *,
    node_run_id: int,
    attempt: int,
    status: engine.NodeState,
    outputs: Mapping[str, str] | None = None,
    logs: Mapping[str, str] | None = None,
    error: str = "",
    run_id: str | None = None,
    stored: Sequence[StoredBlob] = (),
    author_id: int | None = None,
    cacheable: bool = False,
) -> bool:
    """Record how a running node ended and advance its run. False if the node was not ours to finish.

    ``outputs`` and ``logs`` name resources, which may be among ``stored`` (blobs the worker
    stored, recorded here as resources of ``author_id``). A successful ``cacheable`` node is
    remembered in the cache under the key computed when it was queued. Safe to call twice: only
    the first call finds the node RUNNING under ``attempt``.

    The node's own rows are written first; the run is locked only to release the children and
    settle the run's state, so finishes of parallel nodes wait for each other as little as possible.
    """
    assert status in (S.SUCCESS, S.FAILED, S.CANCELED)
    if run_id is None:
        run_id = NodeRun.objects.filter(pk=node_run_id).values_list("run_id", flat=True).first()
        if run_id is None:
            return False
    outputs, logs = dict(outputs or {}), dict(logs or {})
    now = sql.datetime_param(timezone.now())
    with transaction.atomic():
        ended = sql.fetch(
            _END,
            [
                status.value,
                sql.json_param(outputs),
                sql.json_param(logs),
                error,
                now,
                now,
                node_run_id,
                attempt,
                NodeRunningStatus.RUNNING,
            ],
        )
        if not ended:
            logger.info("finish ignored node_run=%s attempt=%s status=%s", node_run_id, attempt, status)
            return False
        node_id, downstream, cache_key = ended[0]
        resources_record(stored=stored, author_id=author_id)
        sql.execute(_RECORD_ATTEMPT, [status.value, error, node_run_id])
        if status is S.SUCCESS and cacheable and cache_key:
            node_cache_put(key=cache_key, run_id=run_id, node_id=node_id, outputs=outputs, logs=logs)
        # Finishes of one run take this lock in turn: each sees the others' committed results.
        run_status, cancel_requested_at, run_author_id, parent_node_run_id, started_at = sql.fetch(
            f"SELECT status, cancel_requested_at, author_id, parent_node_run_id, started_at "
            f"FROM {_RUN} WHERE id = %s{sql.for_update()}",
            [run_id],
        )[0]
        run = Run(
            id=run_id,
            status=run_status,
            cancel_requested_at=_datetime(cancel_requested_at),
            author_id=run_author_id,
            parent_node_run_id=parent_node_run_id,
            started_at=_datetime(started_at),
        )
        row = NodeRun(
            id=node_run_id,
            run_id=run_id,
            node_id=node_id,
            status=status.value,
            attempt=attempt,
            outputs=outputs,
            logs=logs,
            downstream=sql.json_value(downstream),
        )
        _after_node_finished(run, row, known_resources={item.id: (item.file_type, item.blob.sha256) for item in stored})
    logger.info("node finished run=%s node=%s attempt=%s status=%s", run_id, node_id, attempt, status.value)
    return True
