"""Collecting artifacts nobody refers to: Resource rows, the blobs they share, stale live logs.

A mark and sweep, safe to run while workers run:

1. **Mark.** Every resource id referenced anywhere is collected (``REFERENCES``): the documents of
   operations and workflows (every version, deprecated ones too), every node run's frozen document,
   resolved inputs, outputs and logs, and the live cache entries. Rows are read in batches of
   ``BATCH_SIZE``; only the set of ids stays in memory.
2. **Sweep rows.** A Resource row that is unreferenced and older than the grace period is
   deleted. Before each group of deletes, the rows written since the last mark are marked again
   (``written_since`` in ``REFERENCES``), so a workflow saved, a run started or a node cached
   meanwhile keeps what it names.
3. **Sweep blobs.** A blob no remaining row uses, written (or written again: storage touches a
   blob it reuses) before the grace period, is deleted. In local storage it is first renamed
   aside, then checked again (its time, its rows) and put back if a writer got to it meanwhile;
   on S3 its LastModified and rows are checked again just before the delete.
4. **Sweep live logs** of node attempts that are no longer running, once past the grace period
   (a worker deletes them when its node ends; one that died cannot).

The grace period is what protects an upload or a node finishing right now: its blob is young,
and its row is either young or not yet written (a worker records its outputs' rows when the node
ends). Nothing is deleted in a dry run; the same figures are reported. On a local storage one
collection runs at a time (``LOCK_NAME``).
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models
from django.utils import timezone
from storages.backends.s3 import S3Storage
from storages.utils import safe_join

from apps.graphs.choices import GRAPH_FINISHED_STATUSES, GraphRunningStatus, NodeRunningStatus
from apps.graphs.models import NodeCache, NodeRun, Run
from apps.nodes.models import Node
from apps.resources.models import Resource

logger = logging.getLogger(__name__)

# Rows read, blobs listed and rows deleted per round trip: large enough that round trips do not
# dominate, small enough that a batch of node documents (a few KiB each) stays a few MiB.
BATCH_SIZE = 1000
DEFAULT_GRACE = timedelta(hours=24)
# Candidates gathered before marking again and deleting them: marking again costs a few queries,
# the deletes that follow it (in batches) take a moment, in which nothing new is seen.
CANDIDATES_PER_REMARK = 10
# Rows written since the mark began are marked again before each delete. Their updated_at comes
# from the clock of whichever machine wrote them: this margin covers clocks a little apart.
CLOCK_SKEW = timedelta(minutes=5)

_SHA256 = r"[0-9a-f]{64}"
_BLOB_NAME_RE = re.compile(_SHA256)
_QUARANTINE_RE = re.compile(rf"\.gc-({_SHA256})-[0-9a-f]+")
# In the root of a local storage: held by the collection running there.
LOCK_NAME = ".gc.lock"
# What storage's local writes leave beside their key if the writer was killed mid-copy.
_INCOMING_PREFIX = ".incoming-"
_LIVE_RE = re.compile(r"live/([0-9a-f]{24})/([0-9a-f]{24})/([0-9]{1,6})/[a-z0-9][a-z0-9_.\-]{0,63}")


class CollectError(Exception):
    """The collection cannot run (such as a storage backend it does not know how to list)."""


@dataclass
class CollectResult:
    """What a collection freed (or, in a dry run, would free)."""

    dry_run: bool
    grace: timedelta
    referenced: int = 0
    rows: int = 0
    row_bytes: int = 0
    blobs: int = 0
    blob_bytes: int = 0
    incomplete: int = 0
    incomplete_bytes: int = 0
    live_logs: int = 0
    live_log_bytes: int = 0

    @property
    def freed_bytes(self) -> int:
        return self.blob_bytes + self.incomplete_bytes + self.live_log_bytes


# ---------------------------------------------------------------------------------------------
# Mark


def _document_ids(value: Any, found: set[str]) -> None:
    """Every ``resource_id`` in a node document (``apps.nodes.documents``): inputs' values, outputs,
    logs, sub-nodes at any depth; also the slots of ``NodeRun.inputs_resolved``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "resource_id":
                if isinstance(item, str) and item:
                    found.add(item)
            else:
                _document_ids(item, found)
    elif isinstance(value, list):
        for item in value:
            _document_ids(item, found)


def _map_ids(value: Any, found: set[str]) -> None:
    """The ids of an ``outputs`` or ``logs`` map of a node run or cache entry (name → resource id)."""
    if isinstance(value, dict):
        found.update(item for item in value.values() if isinstance(item, str) and item)


@dataclass(frozen=True)
class Reference:
    """A model whose rows name resources: which JSON fields, how each names them, and which rows
    may name a resource they did not name when the mark began (``written_since``)."""

    name: str
    rows: Callable[[], models.QuerySet[Any]]
    written_since: Callable[[datetime], models.QuerySet[Any]]
    fields: tuple[tuple[str, Callable[[Any, set[str]], None]], ...]
    # What tells a row changed since it was last read: rows changed in place have a time; the
    # others are written once.
    version: tuple[str, ...] = ()


# What is marked again before each delete must be cheap (it runs once per batch) and complete:
# - operations and workflows change in place, so every one saved since (Node is the smallest of
#   these tables; updated_at has no index, and the scan reads no JSON that is not returned);
# - a node run can name a resource first only when its run is created (its frozen document comes
#   from a workflow or an earlier run, which name it too); later it records resolved inputs (its
#   parents' outputs or its document's resources), its outputs and logs (new resources, or those
#   of a cache entry): nothing that was not named already or is not young;
# - a cache entry names what its node run named, and changes no more once stored.
REFERENCES: tuple[Reference, ...] = (
    # Node's default manager: operations and workflows alike, in every status and version. Parameters
    # hold typed values, never resources; a run's frozen graph is its node runs' ``spec`` (Run.graph
    # holds only the workflow's title, kind and parameters).
    Reference(
        "node",
        lambda: Node.objects.all(),
        lambda since: Node.objects.filter(updated_at__gte=since),
        (
            ("inputs", _document_ids),
            ("outputs", _document_ids),
            ("logs", _document_ids),
            ("nodes", _document_ids),
        ),
        version=("updated_at",),
    ),
    Reference(
        "node_run",
        lambda: NodeRun.objects.all(),
        # Every status spelled out, so that the (status, created_at) index serves the query.
        lambda since: NodeRun.objects.filter(
            run__in=Run.objects.filter(status__in=GraphRunningStatus.values, created_at__gte=since).values("pk")
        ),
        (("spec", _document_ids), ("inputs_resolved", _document_ids), ("outputs", _map_ids), ("logs", _map_ids)),
    ),
    # A removed entry no longer answers for a node (its artifacts were found missing).
    Reference(
        "node_cache",
        lambda: NodeCache.objects.filter(removed=False),
        lambda since: NodeCache.objects.filter(removed=False, created_at__gte=since),
        (("outputs", _map_ids), ("logs", _map_ids)),
    ),
)


def _batched_rows(queryset: models.QuerySet[Any], fields: list[str]) -> Iterator[tuple[Any, ...]]:
    """``fields`` of every row, BATCH_SIZE rows per query, by primary key (no long-lived cursor)."""
    last: Any = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page.values_list("pk", *fields)[:BATCH_SIZE])
        for row in rows:
            yield row[1:]
        if len(rows) < BATCH_SIZE:
            return
        last = rows[-1][0]


def _rows_written_since(
    reference: Reference, since: datetime, fields: list[str], seen: dict[Any, tuple[Any, ...]]
) -> Iterator[tuple[Any, ...]]:
    """``fields`` of the rows ``reference.written_since(since)`` not read before as they are now.

    Marking again runs once per batch of deletions over a window of several minutes: listing the
    window's keys is cheap, reading the documents of each row again every time would not be.
    """
    window = reference.written_since(since).values_list("pk", *reference.version)
    fresh = [row[0] for row in window.iterator(chunk_size=BATCH_SIZE) if seen.get(row[0]) != row[1:]]
    for chunk in _batched(fresh):
        width = 1 + len(reference.version)
        for row in reference.rows().filter(pk__in=chunk).values_list("pk", *reference.version, *fields):
            seen[row[0]] = row[1:width]
            yield row[width:]


def resources_referenced(
    *, since: datetime | None = None, into: set[str] | None = None, seen: dict[str, dict[Any, Any]] | None = None
) -> set[str]:
    """The ids of every resource some row refers to.

    With ``since``, only in the rows that may have come to name another one since then (see
    ``REFERENCES``), and of those only the ones not in ``seen`` as they are now (``seen`` is
    updated: pass the same one to each call).
    """
    found = set() if into is None else into
    seen = {} if seen is None else seen
    for reference in REFERENCES:
        names = [name for name, _ in reference.fields]
        if since is None:
            rows = _batched_rows(reference.rows(), names)
        else:
            rows = _rows_written_since(reference, since, names, seen.setdefault(reference.name, {}))
        for values in rows:
            for (_, extract), value in zip(reference.fields, values, strict=True):
                extract(value, found)
    return found


# ---------------------------------------------------------------------------------------------
# Storage listing and deletion, local directory or S3


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: datetime


class _Store:
    """Listing and careful deletion on one backend; keys are relative to the storage's root."""

    def list(self, prefix: str) -> Iterator[StoredObject]:
        raise NotImplementedError

    def delete_blob_if(self, obj: StoredObject, still_unused: Callable[[datetime], bool]) -> bool:
        """Delete the blob if ``still_unused(its modification time)`` says so, checked at the last moment."""
        raise NotImplementedError

    def delete(self, key: str) -> None:
        raise NotImplementedError

    def forget_directories(self, key: str, levels: int) -> None:
        """Remove the now empty directories of ``key``, ``levels`` deep (local storage only)."""

    def exclusive(self) -> AbstractContextManager[None]:
        """Held for the whole collection: one at a time where collections could trip over each other."""
        return nullcontext()


def _timestamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


class _LocalStore(_Store):
    def __init__(self, storage: FileSystemStorage) -> None:
        self.root = Path(storage.location)

    def list(self, prefix: str) -> Iterator[StoredObject]:
        # os.walk reads one directory at a time: a million blobs are never listed at once.
        top = self.root / prefix
        for directory, _, files in os.walk(top):
            for name in files:
                path = Path(directory, name)
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue
                key = path.relative_to(self.root).as_posix()
                yield StoredObject(key, stat.st_size, _timestamp(stat.st_mtime))

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        # A collection renames blobs aside for a moment; another one would take them for leftovers.
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / LOCK_NAME).open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise CollectError("another artifact collection is running on this storage") from None
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def delete_blob_if(self, obj: StoredObject, still_unused: Callable[[datetime], bool]) -> bool:
        path = self.root / obj.key
        aside = path.with_name(f".gc-{path.name}-{secrets.token_hex(4)}")
        try:
            # After the rename no writer can touch the blob under its key: one that finds it gone
            # uploads it again. Its time now says whether a writer touched it before.
            os.rename(path, aside)
        except FileNotFoundError:
            return False
        if still_unused(_timestamp(aside.stat().st_mtime)):
            aside.unlink()
            return True
        os.replace(aside, path)
        return False

    def delete(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)

    def restore(self, key: str, blob: str) -> None:
        os.replace(self.root / key, self.root / blob)

    def forget_directories(self, key: str, levels: int) -> None:
        directory = (self.root / key).parent
        for _ in range(levels):
            try:
                directory.rmdir()
            except OSError:
                return
            directory = directory.parent


class _S3Store(_Store):
    def __init__(self, storage: S3Storage) -> None:
        self.storage = storage
        self.location = str(storage.location or "").strip("/")

    def _object_key(self, key: str) -> str:
        return str(safe_join(self.storage.location, key))

    def list(self, prefix: str) -> Iterator[StoredObject]:
        # The resource pages through the listing 1,000 keys per request.
        for summary in self.storage.bucket.objects.filter(Prefix=self._object_key(prefix) + "/"):
            key = summary.key[len(self.location) + 1 :] if self.location else summary.key
            yield StoredObject(key, int(summary.size), summary.last_modified)

    def delete_blob_if(self, obj: StoredObject, still_unused: Callable[[datetime], bool]) -> bool:
        item = self.storage.bucket.Object(self._object_key(obj.key))
        try:
            item.load()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return False
            raise
        if not still_unused(item.last_modified):
            return False
        item.delete()
        return True

    def delete(self, key: str) -> None:
        self.storage.bucket.Object(self._object_key(key)).delete()


def _store(storage: Storage) -> _Store:
    if isinstance(storage, FileSystemStorage):
        return _LocalStore(storage)
    if isinstance(storage, S3Storage):
        return _S3Store(storage)
    raise CollectError(
        f"cannot collect artifacts in a storage of class {type(storage).__name__}: "
        "only a local directory and S3 are supported"
    )


def _batched(items: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------------------------------------
# Sweep


class _Collection:
    def __init__(self, *, grace: timedelta, dry_run: bool, now: datetime) -> None:
        self.cutoff = now - grace
        self.dry_run = dry_run
        self.result = CollectResult(dry_run=dry_run, grace=grace)
        self.store = _store(storages["default"])
        self.referenced: set[str] = set()
        self.marked_at = timezone.now()
        # What marking again has read already (see resources_referenced).
        self.seen: dict[str, dict[Any, Any]] = {}
        # A dry run deletes nothing, yet reports the blobs the rows it would delete leave unused.
        self.doomed: set[str] = set()

    def mark(self) -> None:
        self.marked_at = timezone.now()
        resources_referenced(into=self.referenced)
        self.result.referenced = len(self.referenced)

    def _remark(self) -> None:
        started = timezone.now()
        resources_referenced(since=self.marked_at - CLOCK_SKEW, into=self.referenced, seen=self.seen)
        self.marked_at = started

    def sweep_rows(self) -> None:
        old = Resource.objects.filter(created_at__lt=self.cutoff)
        candidates: dict[str, int] = {}
        for batch in _batched(_batched_rows(old, ["id", "size"])):
            candidates.update((pk, size) for pk, size in batch if pk not in self.referenced)
            if len(candidates) >= CANDIDATES_PER_REMARK * BATCH_SIZE:
                self._delete_rows(candidates)
                candidates = {}
        if candidates:
            self._delete_rows(candidates)

    def _delete_rows(self, candidates: dict[str, int]) -> None:
        self._remark()
        for doomed in _batched(sorted(pk for pk in candidates if pk not in self.referenced)):
            if self.dry_run:
                self.doomed.update(doomed)
                count = len(doomed)
            else:
                count, _ = Resource.objects.filter(pk__in=doomed, created_at__lt=self.cutoff).delete()
            self.result.rows += count
            self.result.row_bytes += sum(candidates[pk] for pk in doomed)
            logger.info("artifacts gc rows=%d dry_run=%s", count, self.dry_run)

    def _digests_in_use(self, digests: Iterable[str]) -> set[str]:
        rows = Resource.objects.filter(sha256__in=set(digests)).values_list("id", "sha256")
        return {sha256 for pk, sha256 in rows if pk not in self.doomed}

    def _still_unused(self, sha256: str) -> Callable[[datetime], bool]:
        def check(modified: datetime) -> bool:
            return modified < self.cutoff and not self._digests_in_use([sha256])

        return check

    def sweep_blobs(self) -> None:
        for batch in _batched(self.store.list("sha256")):
            blobs: dict[str, StoredObject] = {}
            for obj in batch:
                name = obj.key.rsplit("/", 1)[-1]
                if _BLOB_NAME_RE.fullmatch(name):
                    if obj.modified < self.cutoff:
                        blobs[name] = obj
                elif name.startswith(_INCOMING_PREFIX):
                    self._sweep_incoming(obj)
                elif match := _QUARANTINE_RE.fullmatch(name):
                    self._sweep_quarantined(obj, match.group(1))
            in_use = self._digests_in_use(blobs)
            for sha256, obj in blobs.items():
                if sha256 in in_use:
                    continue
                if self.dry_run or self.store.delete_blob_if(obj, self._still_unused(sha256)):
                    self.result.blobs += 1
                    self.result.blob_bytes += obj.size

    def _sweep_incoming(self, obj: StoredObject) -> None:
        # A write in progress keeps its file's time fresh; an old one was abandoned.
        if obj.modified >= self.cutoff:
            return
        if not self.dry_run:
            self.store.delete(obj.key)
        self.result.incomplete += 1
        self.result.incomplete_bytes += obj.size

    def _sweep_quarantined(self, obj: StoredObject, sha256: str) -> None:
        """A blob a collection renamed aside and did not finish with (it was stopped)."""
        if self.dry_run or not isinstance(self.store, _LocalStore):
            return
        blob = obj.key.rsplit("/", 1)[0] + "/" + sha256
        if self._digests_in_use([sha256]):
            self.store.restore(obj.key, blob)
        else:
            self.store.delete(obj.key)
            self.result.blobs += 1
            self.result.blob_bytes += obj.size

    def sweep_live_logs(self) -> None:
        for batch in _batched(self.store.list("live")):
            parsed = []
            for obj in batch:
                match = _LIVE_RE.fullmatch(obj.key)
                if match and obj.modified < self.cutoff:
                    parsed.append((obj, match.group(1), match.group(2), int(match.group(3))))
                elif obj.key.rsplit("/", 1)[-1].startswith(_INCOMING_PREFIX):
                    self._sweep_incoming(obj)
            if not parsed:
                continue
            runs = {run_id for _, run_id, _, _ in parsed}
            running = set(
                NodeRun.objects.filter(run_id__in=runs, status=NodeRunningStatus.RUNNING).values_list(
                    "run_id", "node_id", "attempt"
                )
            )
            finished = set(
                Run.objects.filter(pk__in=runs, status__in=GRAPH_FINISHED_STATUSES).values_list("pk", flat=True)
            )
            existing = set(Run.objects.filter(pk__in=runs).values_list("pk", flat=True))
            for obj, run_id, node_id, attempt in parsed:
                # An attempt's key is written only while that attempt runs; a later one gets its own.
                if (run_id, node_id, attempt) in running:
                    continue
                if not self.dry_run:
                    self.store.delete(obj.key)
                    over = run_id in finished or run_id not in existing
                    self.store.forget_directories(obj.key, 3 if over else 1)
                self.result.live_logs += 1
                self.result.live_log_bytes += obj.size


def artifacts_collect(
    *, grace: timedelta = DEFAULT_GRACE, dry_run: bool = False, now: datetime | None = None
) -> CollectResult:
    """Delete the resources, blobs and live logs nobody refers to and older than ``grace``.

    ``now`` is the moment the grace period is counted back from (the current time by default).
    With ``dry_run`` nothing is deleted and the result says what would be. CollectError if the
    storage is neither a local directory nor S3.
    """
    if grace < timedelta(0):
        raise ValueError(f"the grace period must not be negative, got {grace}")
    collection = _Collection(grace=grace, dry_run=dry_run, now=now or timezone.now())
    with collection.store.exclusive():
        collection.mark()
        collection.sweep_rows()
        collection.sweep_blobs()
        collection.sweep_live_logs()
    result = collection.result
    logger.info(
        "artifacts gc done dry_run=%s referenced=%d rows=%d blobs=%d blob_bytes=%d live_logs=%d",
        dry_run,
        result.referenced,
        result.rows,
        result.blobs,
        result.blob_bytes,
        result.live_logs,
    )
    return result
