"""Sending node tasks to workers, by task name so the control plane imports no worker code."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from plynx_site.celery import app as celery_app
from plynx_site.queues import queue_for_kind

logger = logging.getLogger(__name__)

EXECUTE_NODE_TASK = "plynx.execute_node"


# Task ids are derived from (node run, attempt): a re-sent message keeps its id, and a cancel can
# revoke queued messages without having stored their ids.
_TASK_ID_NAMESPACE = uuid.UUID("6d1f3c2e-8a4b-4f0e-9c57-2b1d0e3f4a5b")


def task_id_for(node_run_id: int, attempt: int) -> str:
    return str(uuid.uuid5(_TASK_ID_NAMESPACE, f"{node_run_id}:{attempt}"))


@dataclass(frozen=True)
class Dispatch:
    """One message to send: run node ``node_run_id``, attempt ``attempt``, on the queue of ``kind``."""

    node_run_id: int
    attempt: int
    kind: str
    run_id: str
    node_id: str

    @property
    def task_id(self) -> str:
        return task_id_for(self.node_run_id, self.attempt)


def send_after_commit(dispatches: Sequence[Dispatch]) -> None:
    """Send the messages once the transaction that made the nodes IN_QUEUE has committed.

    Sending before commit could let a worker look for a node that is not IN_QUEUE yet; a
    message lost after commit is sent again by the sweeper.
    """
    if dispatches:
        transaction.on_commit(lambda: _send(dispatches))


def _send(dispatches: Iterable[Dispatch]) -> None:
    # One producer (one broker connection) for the whole batch.
    with celery_app.producer_or_acquire() as producer:
        for item in dispatches:
            try:
                celery_app.send_task(
                    EXECUTE_NODE_TASK,
                    args=(item.node_run_id, item.attempt),
                    kwargs={"run_id": item.run_id, "node_id": item.node_id},
                    # What monitoring (Flower, worker logs) shows: the node's kind besides its ids.
                    kwargsrepr=repr({"run_id": item.run_id, "node_id": item.node_id, "kind": item.kind}),
                    queue=queue_for_kind(item.kind),
                    task_id=item.task_id,
                    producer=producer,
                )
            except Exception:
                # The node stays IN_QUEUE; the sweeper sends it again when its queue is empty.
                logger.exception("dispatch failed run=%s node=%s attempt=%s", item.run_id, item.node_id, item.attempt)


def revoke_after_commit(task_ids: Sequence[str]) -> None:
    """Tell workers to drop these queued messages (a claim would refuse them anyway)."""
    ids = [task_id for task_id in task_ids if task_id]
    if ids:
        transaction.on_commit(lambda: _revoke(ids))


def _revoke(task_ids: list[str]) -> None:
    try:
        celery_app.control.revoke(task_ids)
    except Exception:
        logger.exception("revoke failed for %d task(s)", len(task_ids))
