"""Changing runs and the node cache."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from apps.graphs.selectors import node_cache_list


@dataclass(frozen=True)
class CacheCleanResult:
    deleted: int
    protected_kept: int


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
