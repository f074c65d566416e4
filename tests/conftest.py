"""Shared fixtures. Database tests run on real PostgreSQL (``make test`` sets DATABASE_URL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Hashing strength is Django's concern, not these tests'; PBKDF2 would slow every user creation.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _require_postgresql(request: pytest.FixtureRequest) -> None:
    """Service and model tests must talk to PostgreSQL, not the embedded SQLite default."""
    if "django_db_setup" in request.fixturenames and connection.vendor != "postgresql":
        pytest.fail("Database tests need PostgreSQL: set DATABASE_URL=postgres://... (make test does).")


@pytest.fixture
def multi_user(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = True


@pytest.fixture
def single_user(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False


@pytest.fixture
def client_as(users: dict[str, Any]) -> Callable[[str], APIClient]:
    """An API client acting as one of the ``users`` personas of the test's package (None: anonymous)."""

    def make(persona: str) -> APIClient:
        client = APIClient()
        user = users[persona]
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


# The S3-compatible server is shared by the storage tests and the execution tests.
from tests.resources.conftest import s3_endpoint  # noqa: E402, F401
