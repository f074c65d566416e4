"""``manage.py cache``: list or clean node cache entries in a time range (the seed's cache CLI)."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from apps.graphs.selectors import node_cache_list
from apps.graphs.services import node_cache_clean


def _parse_moment(value: str | None, option: str, *, end_of_day: bool) -> datetime | None:
    if value is None:
        return None
    moment: datetime | None = None
    try:
        # A bare date is a whole day: its start as a lower bound, its end as an upper bound.
        day = parse_date(value)
        if day is not None:
            moment = datetime.combine(day, datetime.max.time() if end_of_day else datetime.min.time())
        else:
            moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            f"{option}: invalid date/time {value!r}; use ISO 8601 such as 2024-05-01 or 2024-05-01T12:30:00"
        )
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment


class Command(BaseCommand):
    help = "List or clean node cache entries created in a time range (UTC unless an offset is given)."

    def add_arguments(self, parser: CommandParser) -> None:
        modes = parser.add_subparsers(dest="mode", required=True, metavar="MODE")
        for mode, text in (("list", "List cache entries."), ("clean", "Delete unprotected cache entries.")):
            sub = modes.add_parser(mode, help=text)
            sub.add_argument("--start-datetime", help="Only entries created at or after this moment.")
            sub.add_argument(
                "--end-datetime", help="Only entries created at or before this moment (a date means its end)."
            )
            if mode == "clean":
                sub.add_argument("--yes", "-y", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, mode: str, **options: Any) -> None:
        start = _parse_moment(options["start_datetime"], "--start-datetime", end_of_day=False)
        end = _parse_moment(options["end_datetime"], "--end-datetime", end_of_day=True)
        if start is not None and end is not None and start > end:
            raise CommandError("--start-datetime is after --end-datetime")
        if mode == "list":
            self._list(start, end)
        else:
            self._clean(start, end, assume_yes=options["yes"])

    def _list(self, start: datetime | None, end: datetime | None) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["id", "created_at", "key", "run_id", "node_id", "outputs", "logs", "protected"])
        for entry in node_cache_list(start=start, end=end):
            writer.writerow(
                [
                    entry.pk,
                    entry.created_at.isoformat(),
                    entry.key,
                    entry.run_id or "",
                    entry.node_id,
                    json.dumps(entry.outputs, sort_keys=True),
                    json.dumps(entry.logs, sort_keys=True),
                    "yes" if entry.protected else "no",
                ]
            )

    def _clean(self, start: datetime | None, end: datetime | None, *, assume_yes: bool) -> None:
        entries = node_cache_list(start=start, end=end)
        count = entries.filter(protected=False).count()
        if count == 0:
            self.stdout.write("No unprotected cache entries in that range.")
            return
        if not assume_yes:
            if not sys.stdin.isatty():
                raise CommandError(f"Refusing to delete {count} cache entries without --yes.")
            answer = input(f"Delete {count} cache entries? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                self.stdout.write("Nothing deleted.")
                return
        result = node_cache_clean(start=start, end=end)
        self.stdout.write(f"Deleted {result.deleted} cache entries; kept {result.protected_kept} protected.")
