"""A large upload through a real HTTP server: the body streams to disk and storage, never into memory."""

from __future__ import annotations

import hashlib
import http.client
import json
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
# Below the 50 MiB body. The server reads the body in 64 KiB pieces and hashes the spooled file in
# 1 MiB chunks (about 2 MiB in all). With S3 the upload sends 4 parts of 8 MiB at once (see the
# storage tests), and the request's thread builds its own S3 client first (django-storages keeps
# one per thread; the test server starts a thread per request): megabytes that do not grow with
# the file.
PEAK_MEMORY_LIMITS = {"local": 4 * 1024 * 1024, "s3": 32 * 1024 * 1024}


def _chunk(index: int) -> bytes:
    return index.to_bytes(4, "big") * (CHUNK_SIZE // 4)


def _multipart(head: bytes, tail: bytes) -> Iterator[bytes]:
    yield head
    for index in range(LARGE_SIZE // CHUNK_SIZE):
        yield _chunk(index)
    yield tail


def test_a_large_upload_streams_with_flat_memory(storage: str, live_server: Any, settings: Any, tmp_path: Path) -> None:
    settings.PLYNX_MULTI_USER = False
    spool = tmp_path / "uploads"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    digest = hashlib.sha256()
    for index in range(LARGE_SIZE // CHUNK_SIZE):
        digest.update(_chunk(index))
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file_type"\r\n\r\nfile\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="data"; filename="large.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname or "localhost", address.port, timeout=300)

    # The first request imports the URL configuration's modules: not the upload's memory.
    connection.request("GET", "/api/v1/resources/kinds/")
    assert connection.getresponse().read().startswith(b"[")

    tracemalloc.start()
    try:
        connection.request(
            "POST",
            "/api/v1/resources/",
            body=_multipart(head, tail),
            headers={
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Content-Length": str(len(head) + LARGE_SIZE + len(tail)),
            },
        )
        response = connection.getresponse()
        body = response.read()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        connection.close()

    assert response.status == 201, body
    payload = json.loads(body)
    assert (payload["sha256"], payload["size"], payload["original_name"]) == (
        digest.hexdigest(),
        LARGE_SIZE,
        "large.bin",
    )
    assert Resource.objects.get().storage_key == blob_key(digest.hexdigest())
    assert stored_keys(storage) == [blob_key(digest.hexdigest())]
    assert list(spool.iterdir()) == []
    assert peak < PEAK_MEMORY_LIMITS[storage], peak
