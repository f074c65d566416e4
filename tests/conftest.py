"""Shared fixtures. Database tests run on real PostgreSQL (``make test`` sets DATABASE_URL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Hashing strength is Django's concern, not these tests'; PBKDF2 would slow every user creation.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _require_postgresql(request: pytest.FixtureRequest) -> None:
    """Service and model tests must talk to PostgreSQL, not the embedded SQLite default."""
    if "django_db_setup" in request.fixturenames and connection.vendor != "postgresql":
        pytest.fail("Database tests need PostgreSQL: set DATABASE_URL=postgres://... (make test does).")


# The S3-compatible server is shared by the storage tests and the execution tests.
from tests.resources.conftest import s3_endpoint  # noqa: E402, F401
