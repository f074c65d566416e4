"""What the benchmarks share: a database of their own, created and migrated when needed."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare_database(url: str, env: Mapping[str, str]) -> None:
    """Create the PostgreSQL database of ``url`` if it is missing, then migrate it (``env`` names it)."""
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=dict(env), check=True, capture_output=True
    )
