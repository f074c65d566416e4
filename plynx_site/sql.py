"""Hand-written statements for the per-node hot path (claim, finish, release, queue).

A node's life on a worker is a handful of statements; built through the ORM each costs ~0.4 ms
of Python before it reaches the database, more than the round trip itself, and most of a
no-op node's overhead. These statements are plain SQL that PostgreSQL and SQLite (3.35+, for
``RETURNING``) both accept, with the values adapted the way the ORM would adapt them. Everything
else goes through the ORM.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence, Sized
from datetime import datetime
from typing import Any

from django.db import connection


def json_param(value: Any) -> str:
    """A JSON column's value as a statement parameter (both backends take the JSON text)."""
    return json.dumps(value, separators=(",", ":"))


def json_value(value: Any) -> Any:
    """A JSON column read by a hand-written statement (text on both backends) as Python."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def datetime_param(value: datetime | None) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def for_update() -> str:
    """``FOR UPDATE`` where the database has row locks (SQLite serializes writers instead)."""
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def placeholders(values: Sized) -> str:
    return ", ".join(["%s"] * len(values))


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


def execute(sql: str, params: Sequence[Any]) -> int:
    """Run one statement; the number of rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def execute_many(sql: str, rows: Iterable[Sequence[Any]]) -> None:
    """One statement for many parameter rows (pipelined on PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(rows))
