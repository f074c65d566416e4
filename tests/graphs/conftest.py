"""Fixtures for execution tests: shared artifact storage, and real workers on real Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.live import Process, live_environment, worker
from tests.resources.conftest import reset_storages


@pytest.fixture
def storage_dir(tmp_path: Path, settings) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """Artifacts in a fresh local directory, for this process and the workers alike."""
    directory = tmp_path / "artifacts"
    directory.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(directory)}},
    }
    reset_storages()
    yield directory
    reset_storages()


@pytest.fixture
def clean_broker() -> None:
    """An empty broker database, so no message of another test reaches these workers."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()
    client.close()


@pytest.fixture
def live_env(storage_dir: Path, clean_broker: None, transactional_db: None) -> dict[str, str]:
    return live_environment(storage_dir)


@pytest.fixture
def celery_worker(live_env: dict[str, str], tmp_path: Path) -> Iterator[Process]:
    """One real worker with two processes, serving every queue."""
    with worker(live_env, tmp_path, concurrency=2) as process:
        yield process
    # Shown by pytest only when the test failed.
    print(f"--- worker log ---\n{process.output()[-20000:]}")
