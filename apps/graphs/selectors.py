"""Reading runs and the node cache."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from apps.graphs.models import NodeCache, Run


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
