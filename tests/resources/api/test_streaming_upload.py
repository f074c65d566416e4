"""A large upload through a real HTTP server: the body streams to disk and storage, never into memory."""

from __future__ import annotations

import hashlib
import http.client
import json
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from apps.resources.models import Resource
from apps.resources.storage import CHUNK_SIZE, blob_key
from tests.resources.conftest import stored_keys

pytestmark = pytest.mark.django_db(transaction=True)

LARGE_SIZE = 50 * 1024 * 1024
BOUNDARY = "plynx-test-boundary"
# What a 50 MiB upload may cost beyond a 1 MiB one, far below its size. Locally the server reads
# the body in 64 KiB pieces and hashes the spooled file in 1 MiB chunks. With S3 the upload sends
# 4 parts of 8 MiB at once (see the storage tests). Both uploads pay the same fixed costs, which
# the difference leaves out: the request's thread builds its own S3 client (django-storages keeps
# one per thread; the test server starts a thread per request).
EXTRA_MEMORY_LIMITS = {"local": 2 * 1024 * 1024, "s3": 20 * 1024 * 1024}
CLEANUP_TIMEOUT_SECONDS = 10


def _chunks(count: int) -> Iterator[bytes]:
    for index in range(count):
        yield index.to_bytes(4, "big") * (CHUNK_SIZE // 4)


def _upload(address: Any, name: str, size: int) -> tuple[int, dict[str, Any]]:
    """Upload ``size`` bytes as ``name``, a chunk at a time; the peak traced memory and the reply."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file_type"\r\n\r\nfile\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="data"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        yield from _chunks(size // CHUNK_SIZE)
        yield tail

    connection = http.client.HTTPConnection(address.hostname or "localhost", address.port, timeout=300)
    tracemalloc.start()
    try:
        connection.request(
            "POST",
            "/api/v1/resources/",
            body=body(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Content-Length": str(len(head) + size + len(tail)),
            },
        )
        response = connection.getresponse()
        reply = response.read()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        connection.close()
    assert response.status == 201, reply
    return peak, json.loads(reply)


def _empties(directory: Path) -> bool:
    """Whether ``directory`` is empty, or soon is: the server deletes a spooled upload when it
    closes the request, which may be just after the client has read the reply."""
    deadline = time.monotonic() + CLEANUP_TIMEOUT_SECONDS
    while any(directory.iterdir()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_large_upload_streams_with_flat_memory(storage: str, live_server: Any, settings: Any, tmp_path: Path) -> None:
    settings.PLYNX_MULTI_USER = False
    spool = tmp_path / "uploads"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    digest = hashlib.sha256()
    for chunk in _chunks(LARGE_SIZE // CHUNK_SIZE):
        digest.update(chunk)
    address = urlsplit(live_server.url)
    # The first request imports the URL configuration's modules: not an upload's memory.
    warm_up = http.client.HTTPConnection(address.hostname or "localhost", address.port, timeout=60)
    warm_up.request("GET", "/api/v1/resources/kinds/")
    assert warm_up.getresponse().read().startswith(b"[")
    warm_up.close()

    small_peak, _ = _upload(address, "small.bin", CHUNK_SIZE)
    large_peak, reply = _upload(address, "large.bin", LARGE_SIZE)

    assert (reply["sha256"], reply["size"], reply["original_name"]) == (digest.hexdigest(), LARGE_SIZE, "large.bin")
    assert Resource.objects.get(pk=reply["id"]).storage_key == blob_key(digest.hexdigest())
    assert blob_key(digest.hexdigest()) in stored_keys(storage)
    assert _empties(spool)
    assert large_peak - small_peak < EXTRA_MEMORY_LIMITS[storage], (small_peak, large_peak)
