"""Personas, clients and uploads for the resources API tests."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from apps.resources.models import Resource
from apps.resources.services import resource_create_from_stream
from apps.users.models import User
from apps.users.policies import DEFAULT_POLICIES, IAMPolicy
from tests.factories import UserFactory

# Reads others' resources (CAN_VIEW_OTHERS_WORKFLOWS is among the default policies).
OTHER_POLICIES = list(DEFAULT_POLICIES)
# Reads its own resources only.
LONER_POLICIES = [p for p in DEFAULT_POLICIES if p != IAMPolicy.CAN_VIEW_OTHERS_WORKFLOWS]

PERSONAS = ("owner", "other", "loner", "admin", "anonymous")


@pytest.fixture
def upload_dir(settings: Any, tmp_path: Path) -> Path:
    """Where uploads are spooled, so a test can check that nothing is left behind."""
    directory = tmp_path / "uploads"
    directory.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(directory)
    return directory


@pytest.fixture
def owner() -> User:
    return UserFactory(username="owner", policies=list(DEFAULT_POLICIES))


@pytest.fixture
def users(owner: User) -> dict[str, User | None]:
    return {
        "owner": owner,
        "other": UserFactory(username="other", policies=OTHER_POLICIES),
        "loner": UserFactory(username="loner", policies=LONER_POLICIES),
        "admin": UserFactory(username="admin", policies=[IAMPolicy.IS_ADMIN.value]),
        "anonymous": None,
    }


def stored(data: bytes, file_type: str, original_name: str = "", author: User | None = None) -> Resource:
    """A resource holding ``data``, stored without the API's checks."""
    return resource_create_from_stream(
        stream=io.BytesIO(data), file_type=file_type, original_name=original_name, author=author
    )


def named_file(data: bytes, name: str) -> io.BytesIO:
    """A file for a multipart upload, sent under ``name``."""
    handle = io.BytesIO(data)
    handle.name = name
    return handle
