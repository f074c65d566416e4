"""Migration operations that only apply to PostgreSQL (the embedded SQLite default skips them)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


class RunSQLOnPostgres(migrations.RunSQL):
    """``RunSQL`` that does nothing on other databases, for PostgreSQL-only indexes and extensions."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index_sql(table: str, column: str) -> tuple[str, str]:
    """Forward and reverse SQL of a trigram index serving Django's ``icontains`` on ``column``.

    Django compiles ``icontains`` on PostgreSQL to ``UPPER(column::text) LIKE UPPER(pattern)``,
    so the index is on that expression.
    """
    name = f"{table}_{column}_trgm"
    return (
        f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops);',
        f"DROP INDEX IF EXISTS {name};",
    )
