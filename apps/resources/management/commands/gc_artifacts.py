"""``manage.py gc_artifacts``: delete the artifacts nobody refers to (see ``apps.resources.gc``)."""

from __future__ import annotations

import argparse
import math
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.resources.gc import DEFAULT_GRACE, CollectError, CollectResult, artifacts_collect


def _hours(value: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of hours, got {value!r}") from None
    if not math.isfinite(hours) or hours < 0:
        raise argparse.ArgumentTypeError(f"expected a number of hours of 0 or more, got {value!r}")
    return hours


def _size(count: int) -> str:
    amount = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if amount < 1024 or unit == "TiB":
            return f"{count} bytes" if unit == "bytes" else f"{count} bytes ({amount:.1f} {unit})"
        amount /= 1024
    raise AssertionError("unreachable")


class Command(BaseCommand):
    help = (
        "Delete resources no operation, workflow, run or cache entry refers to, the blobs no resource "
        "uses and the live logs of attempts no longer running, once older than the grace period. "
        "Safe while workers run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace-hours",
            type=_hours,
            metavar="HOURS",
            default=DEFAULT_GRACE.total_seconds() / 3600,
            help="Spare whatever was created or written within this many hours (default: %(default)g). "
            "Keep it far above the longest upload: what is being written is not referenced yet.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would be freed; delete nothing.")

    def handle(self, *args: Any, grace_hours: float, dry_run: bool, **options: Any) -> None:
        try:
            result = artifacts_collect(grace=timedelta(hours=grace_hours), dry_run=dry_run)
        except CollectError as error:
            raise CommandError(str(error)) from None
        self._report(result)

    def _report(self, result: CollectResult) -> None:
        verb = "would be deleted" if result.dry_run else "deleted"
        lines = [
            f"Grace period: {result.grace.total_seconds() / 3600:g} hours",
            f"Referenced resources: {result.referenced}",
            f"Resource rows {verb}: {result.rows}",
            f"Blobs {verb}: {result.blobs}, {_size(result.blob_bytes)}",
            f"Incomplete uploads {verb}: {result.incomplete}, {_size(result.incomplete_bytes)}",
            f"Live logs {verb}: {result.live_logs}, {_size(result.live_log_bytes)}",
            f"{'Would free' if result.dry_run else 'Freed'}: {_size(result.freed_bytes)}",
        ]
        if result.dry_run:
            lines.append("Dry run: nothing was deleted.")
        self.stdout.write("\n".join(lines))
