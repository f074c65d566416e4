"""Reading runs and the node cache."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KeyTransform

from apps.graphs.choices import NODE_FINISHED_STATUSES, NodeRunningStatus
from apps.graphs.models import NodeCache, NodeRun, NodeRunAttempt, Run
from apps.nodes.models import WorkerState, Workflow
from apps.resources.models import Resource
from apps.resources.storage import CHUNK_SIZE, blob_open, live_log_key, live_open
from apps.users.permissions import can_view


def node_cache_list(*, start: datetime | None = None, end: datetime | None = None) -> QuerySet[NodeCache]:
    """Live cache entries created in ``[start, end]`` (either bound optional), oldest first."""
    entries = NodeCache.objects.filter(removed=False)
    if start is not None:
        entries = entries.filter(created_at__gte=start)
    if end is not None:
        entries = entries.filter(created_at__lte=end)
    return entries.order_by("created_at", "id")


def run_cancel_requested(*, run_id: str) -> bool:
    """Whether someone asked to cancel the run (the authoritative flag workers poll)."""
    return Run.objects.filter(pk=run_id, cancel_requested_at__isnull=False).exists()


# --- runs and their nodes, as people see them ------------------------------------------------


def run_list_visible(*, user: Any) -> QuerySet[Run]:
    """The runs ``user`` may see: everyone's with the view-others policy, else only their own.

    A run is seen like a workflow (``can_view(..., workflow=True)`` of its author).
    """
    runs = Run.objects.select_related("author").annotate(
        parent_run=F("parent_node_run__run_id"), parent_node=F("parent_node_run__node_id")
    )
    # No author id is nobody's own: the check passes only through the view-others policy.
    if can_view(user, author_id=None, workflow=True):
        return runs
    if can_view(user, author_id=getattr(user, "pk", None), workflow=True):
        return runs.filter(author=user)
    return runs.none()


def run_node_counts(*, run: Run) -> dict[str, int]:
    """How many of the run's nodes are in each status (statuses with no node are left out)."""
    rows = NodeRun.objects.filter(run=run).values("status").annotate(n=Count("id")).order_by("status")
    return {row["status"]: row["n"] for row in rows}


# What a list of a run's nodes shows: the large documents are left in the database.
_NODE_LIST_DEFERRED = ("spec", "inputs_resolved", "cache_key_parts", "downstream")


def _node_run_annotations() -> dict[str, Any]:
    """Read with a node, in the same query: its declared outputs, the latest child run of a
    composite node, and where a restored node's results came from."""
    child_runs = Run.objects.filter(parent_node_run=OuterRef("pk")).order_by("-created_at").values("pk")[:1]
    return {
        "declared_outputs": KeyTransform("outputs", "spec"),
        "child_run_id": Subquery(child_runs),
        "restored_from_run": F("restored_from__run_id"),
        "restored_from_node": F("restored_from__node_id"),
    }


def node_run_list(*, run: Run, documents: bool = False) -> QuerySet[NodeRun]:
    """The nodes of ``run`` in one query, without their large documents unless ``documents``."""
    deferred = [name for name in _NODE_LIST_DEFERRED if not (documents and name == "spec")]
    return NodeRun.objects.filter(run=run).defer(*deferred).annotate(**_node_run_annotations()).order_by("id")


def node_run_get(*, run: Run, node_id: str) -> NodeRun:
    """One node of ``run`` with its whole document; NodeRun.DoesNotExist if there is none."""
    return NodeRun.objects.filter(run=run, node_id=node_id).annotate(**_node_run_annotations()).get()


def node_run_state_get(*, run: Run, node_id: str) -> NodeRun:
    """Only what reading a node's logs needs (polled often: the document is not read)."""
    return NodeRun.objects.only("id", "run_id", "node_id", "status", "attempt", "logs").get(run=run, node_id=node_id)


def node_run_attempt_list(*, node_run: NodeRun) -> QuerySet[NodeRunAttempt]:
    return NodeRunAttempt.objects.filter(node_run=node_run).order_by("attempt")


def workflow_get(*, workflow_id: str) -> Workflow | None:
    """The workflow with this id (operations are not run on their own), or None."""
    return Workflow.objects.filter(pk=workflow_id).first()


def worker_state_list() -> QuerySet[WorkerState]:
    """What each worker last reported, most recently heard from first."""
    return WorkerState.objects.order_by("-last_heartbeat", "worker_id")


# --- logs of a node --------------------------------------------------------------------------

LOG_NAMES = ("stdout", "stderr", "worker")
# A UTF-8 character is at most four bytes: a cut character is at most three bytes long.
_UTF8_MAX_CUT = 3


@dataclass(frozen=True)
class LogChunk:
    """A piece of a node's log: ``text`` from byte ``start`` up to ``offset`` (where to read next)."""

    text: str
    start: int
    offset: int
    size: int
    complete: bool
    attempt: int
    live: bool


def _is_continuation(byte: int) -> bool:
    return byte & 0b1100_0000 == 0b1000_0000


def _whole_characters(data: bytes, *, at_end: bool) -> bytes:
    """``data`` without a character cut at its end, unless the log ends there (then nothing follows)."""
    if at_end or not data:
        return data
    for back in range(1, min(_UTF8_MAX_CUT, len(data)) + 1):
        byte = data[-back]
        if _is_continuation(byte):
            continue
        if byte >= 0b1100_0000:
            # A lead byte: the character needs 2, 3 or 4 bytes.
            needed = 2 if byte < 0b1110_0000 else 3 if byte < 0b1111_0000 else 4
            if needed > back:
                return data[:-back]
        break
    return data


def _read_at(handle: BinaryIO, start: int, limit: int) -> tuple[bytes, int]:
    """Up to ``limit`` bytes from ``start``, and the object's size; nothing is read whole."""
    if handle.seekable():
        size = handle.seek(0, io.SEEK_END)
        handle.seek(min(start, size))
        return handle.read(max(0, min(limit, size - start))), size
    # A streamed body (S3): skip to ``start``, keep ``limit`` bytes, count the rest.
    position, kept = 0, bytearray()
    while chunk := handle.read(CHUNK_SIZE):
        skip = max(0, start - position)
        if skip < len(chunk) and len(kept) < limit:
            kept += chunk[skip : skip + limit - len(kept)]
        position += len(chunk)
    return bytes(kept), position


def _read_tail(handle: BinaryIO, tail: int) -> tuple[bytes, int, int]:
    """The last ``tail`` bytes, where they start, and the object's size."""
    if handle.seekable():
        size = handle.seek(0, io.SEEK_END)
        start = max(0, size - tail)
        handle.seek(start)
        return handle.read(size - start), start, size
    kept, size = bytearray(), 0
    while chunk := handle.read(CHUNK_SIZE):
        size += len(chunk)
        kept += chunk
        del kept[: max(0, len(kept) - tail)]
    return bytes(kept), size - len(kept), size


def _open_log(node_run: NodeRun, name: str) -> tuple[BinaryIO | None, bool]:
    """A reader of the log (None if there is none yet) and whether it is the live copy."""
    if node_run.status == NodeRunningStatus.RUNNING:
        key = live_log_key(node_run.run_id, node_run.node_id, node_run.attempt, name)
        try:
            return live_open(key), True
        except FileNotFoundError:
            return None, True
    resource_id = node_run.logs.get(name)
    if not resource_id:
        return None, False
    storage_key = Resource.objects.filter(pk=resource_id).values_list("storage_key", flat=True).first()
    if storage_key is None:
        return None, False
    try:
        return blob_open(storage_key), False
    except FileNotFoundError:
        return None, False


def node_run_log_get(*, node_run: NodeRun, name: str, offset: int = 0, limit: int, tail: int | None = None) -> LogChunk:
    """Read a node's log from byte ``offset`` (or its last ``tail`` bytes), at most ``limit`` bytes.

    While the node runs this reads the live copy its worker refreshes about every second; once the
    node has ended, the stored log. Both hold the same bytes, so a client following a node keeps
    its offset across the end. The live copy is deleted right after the node ends: a reader that
    finds it gone reads the node again and takes the stored log. ``complete`` says that the node has
    ended and everything up to the end was returned. Bytes are decoded as UTF-8 (with replacement);
    a character cut by ``limit`` is left for the next read, unless ``limit`` is shorter than the
    character (its bytes are then returned, so a reader always moves on).
    """
    if name not in LOG_NAMES:
        raise ValueError(f"no log named {name!r}: the logs are {', '.join(LOG_NAMES)}")
    handle, live = _open_log(node_run, name)
    if handle is None and live:
        node_run.refresh_from_db(fields=["status", "attempt", "logs"])
        handle, live = _open_log(node_run, name)
    finished = node_run.status in NODE_FINISHED_STATUSES
    if handle is None:
        return LogChunk("", offset, offset, 0, finished and not live, node_run.attempt, live)
    with handle:
        if tail is not None:
            data, offset, size = _read_tail(handle, tail)
            # Start at the first byte of a character.
            skip = 0
            while skip < min(_UTF8_MAX_CUT, len(data)) and _is_continuation(data[skip]):
                skip += 1
            data, offset = data[skip:], offset + skip
        else:
            data, size = _read_at(handle, offset, limit)
    # The live copy may end inside a character its next copy completes; the stored log is whole.
    whole = _whole_characters(data, at_end=not live and offset + len(data) >= size)
    if not whole and offset + len(data) < size:
        # A limit shorter than one character: give its bytes rather than never move on.
        whole = data
    data = whole
    next_offset = offset + len(data)
    return LogChunk(
        text=data.decode("utf-8", errors="replace"),
        start=offset,
        offset=next_offset,
        size=size,
        complete=finished and not live and next_offset >= size,
        attempt=node_run.attempt,
        live=live,
    )
