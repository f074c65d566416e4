"""Storage fixtures: a temporary local directory, and a real S3-compatible server (moto's)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.storage import storages

S3_BUCKET = "plynx-test"
S3_LOCATION = "prefix"
S3_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
# Importing moto and starting its server takes a few seconds on a cold machine.
S3_START_TIMEOUT_SECONDS = 60


def reset_storages() -> None:
    """Forget the storage instances Django built from the previous STORAGES."""
    storages._storages = {}
    storages._backends = None
    storages.__dict__.pop("backends", None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + S3_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the S3 test server exited with code {process.returncode} before answering")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the S3 test server did not answer on port {port} within {S3_START_TIMEOUT_SECONDS} s")


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of a moto S3 server running in its own process for the whole test run."""
    try:
        import moto.server  # noqa: F401
    except ImportError:
        pytest.fail("S3 tests need moto[server]: install requirements-dev.txt")
    port = _free_port()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        _wait_for_port(port, process)
        endpoint = f"http://127.0.0.1:{port}"
        boto3.client("s3", endpoint_url=endpoint, **S3_CREDENTIALS).create_bucket(Bucket=S3_BUCKET)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def s3_client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, **S3_CREDENTIALS)


def s3_keys(endpoint: str) -> list[str]:
    """Every key in the test bucket, sorted."""
    pages = s3_client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=S3_BUCKET)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def _empty_bucket(endpoint: str) -> None:
    client = s3_client(endpoint)
    for key in s3_keys(endpoint):
        client.delete_object(Bucket=S3_BUCKET, Key=key)


def _local_storage(root: Path) -> dict[str, Any]:
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "file_permissions_mode": 0o644},
    }


def _s3_storage(endpoint: str) -> dict[str, Any]:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": endpoint,
            "access_key": "testing",
            "secret_key": "testing",
            "region_name": "us-east-1",
            "file_overwrite": False,
            "location": S3_LOCATION,
        },
    }


def _set_default_storage(settings: Any, default: dict[str, Any]) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": default}
    reset_storages()


@pytest.fixture
def local_storage(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """The default storage is a fresh local directory, which this fixture yields."""
    root = tmp_path / "artifacts"
    _set_default_storage(settings, _local_storage(root))
    yield root
    reset_storages()


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> Iterator[str]:
    """The default storage is a fresh local directory, then an empty bucket on the S3 server."""
    if request.param == "local":
        _set_default_storage(settings, _local_storage(tmp_path / "artifacts"))
    else:
        endpoint = request.getfixturevalue("s3_endpoint")
        _empty_bucket(endpoint)
        _set_default_storage(settings, _s3_storage(endpoint))
    yield request.param
    reset_storages()


def stored_keys(backend: str) -> list[str]:
    """The keys of every object in the current default storage, relative to its root, sorted."""
    storage = storages["default"]
    if backend == "s3":
        prefix = f"{S3_LOCATION}/"
        keys = s3_keys(storage.endpoint_url)
        assert all(key.startswith(prefix) for key in keys)
        return [key.removeprefix(prefix) for key in keys]
    root = Path(storage.location)
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
