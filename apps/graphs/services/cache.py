"""The node cache: finding a finished node's results again, storing them, cleaning them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.graphs.models import NodeCache, NodeRun
from apps.graphs.selectors import node_cache_list
from apps.resources.services import resources_with_artifacts
from plynx_site import sql


@dataclass(frozen=True)
class CacheCleanResult:
    deleted: int
    protected_kept: int


def node_cache_lookup(*, keys: Iterable[str]) -> dict[str, NodeCache]:
    """Live entries for ``keys`` whose artifacts all still exist.

    An entry whose artifacts are gone is marked removed (unless protected) and is a miss.
    Artifacts are checked once each however many entries share them.
    """
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    # Asked for every node a finishing node releases: hand-written (see plynx_site.sql).
    entries = [
        NodeCache(
            id=pk, key=key, run_id=run_id, node_id=node_id, outputs=sql.json_value(outputs), logs=sql.json_value(logs)
        )
        for pk, key, run_id, node_id, outputs, logs in sql.fetch(
            f"SELECT id, key, run_id, node_id, outputs, logs FROM {NodeCache._meta.db_table} "
            f"WHERE removed = %s AND key IN ({sql.placeholders(wanted)})",
            [False, *wanted],
        )
    ]
    if not entries:
        return {}
    present = resources_with_artifacts(
        {resource_id for entry in entries for resource_id in (*entry.outputs.values(), *entry.logs.values())}
    )
    found: dict[str, NodeCache] = {}
    gone = []
    for entry in entries:
        if present.issuperset((*entry.outputs.values(), *entry.logs.values())):
            found[entry.key] = entry
        else:
            gone.append(entry.pk)
    if gone:
        NodeCache.objects.filter(pk__in=gone, protected=False).update(removed=True)
    return found


_STORE_COLUMNS = "key, run_id, node_id, outputs, logs, removed, protected, created_at, updated_at"


def node_cache_put(*, key: str, run_id: str, node_id: str, outputs: Mapping[str, str], logs: Mapping[str, str]) -> None:
    """Remember a successful node's outputs and logs under ``key`` (the first entry for a key wins).

    One hand-written statement: a worker calls this for every node it finishes.
    """
    now = sql.datetime_param(timezone.now())
    sql.execute(
        f"INSERT INTO {NodeCache._meta.db_table} ({_STORE_COLUMNS}) "
        f"VALUES ({sql.placeholders(_STORE_COLUMNS.split(','))}) ON CONFLICT DO NOTHING",
        [key, run_id, node_id, sql.json_param(dict(outputs)), sql.json_param(dict(logs)), False, False, now, now],
    )


def node_cache_store(*, node_run: NodeRun) -> None:
    """Remember a successful node's outputs and logs under its cache key.

    The first entry for a key wins: another run that stored the same key first produced the
    same results by construction, so a conflict is ignored.
    """
    if not node_run.cache_key:
        return
    NodeCache.objects.bulk_create(
        [
            NodeCache(
                key=node_run.cache_key,
                run_id=node_run.run_id,
                node_id=node_run.node_id,
                outputs=node_run.outputs,
                logs=node_run.logs,
            )
        ],
        ignore_conflicts=True,
    )


def node_cache_clean(*, start: datetime | None = None, end: datetime | None = None) -> CacheCleanResult:
    """Delete the cache entries created in ``[start, end]``, except protected ones.

    A deleted entry can no longer answer for a node; the artifacts themselves stay, since runs
    and other entries may share them (artifacts are content-addressed).
    """
    with transaction.atomic():
        entries = node_cache_list(start=start, end=end)
        protected = entries.filter(protected=True).count()
        deleted, _ = entries.filter(protected=False).delete()
    return CacheCleanResult(deleted=deleted, protected_kept=protected)
