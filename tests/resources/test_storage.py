"""Blob and live-object storage, on a local directory and on a real S3-compatible server."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from apps.resources.storage import (
    CHUNK_SIZE,
    BlobInfo,
    blob_download_to,
    blob_exists,
    blob_key,
    blob_open,
    blob_put_path,
    blob_put_stream,
    live_delete,
    live_log_key,
    live_open,
    live_put_path,
)
from tests.resources.conftest import S3_LOCATION, reset_storages, s3_keys, stored_keys

HELLO = b"hello, world\n"
HELLO_SHA256 = hashlib.sha256(HELLO).hexdigest()
HELLO_KEY = f"sha256/{HELLO_SHA256[:2]}/{HELLO_SHA256[2:4]}/{HELLO_SHA256}"
RUN_ID = "65f0c0ffee0000000000a001"
NODE_ID = "65f0c0ffee0000000000b002"
LARGE_SIZE = 50 * 1024 * 1024
# Far below the 50 MiB file. Locally a copy holds one 1 MiB chunk at a time. An S3 upload sends
# 4 parts at once, and over plain HTTP boto3 also hashes each part for the signature through
# 1 MiB reads: about 10-12 MiB, the same for a 400 MiB file.
PEAK_MEMORY_LIMITS = {"local": 4 * 1024 * 1024, "s3": 20 * 1024 * 1024}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _read_all(key: str, *, live: bool = False) -> bytes:
    with (live_open if live else blob_open)(key) as reader:
        return reader.read()


def test_blob_key() -> None:
    assert blob_key(HELLO_SHA256) == HELLO_KEY


@pytest.mark.parametrize(
    "digest",
    ["", "a" * 63, "A" * 64, "g" * 64, "../" + "a" * 61, "a" * 64 + "\n"],
    ids=["empty", "short", "uppercase", "not-hex", "path", "newline"],
)
def test_blob_key_refuses_what_is_not_a_digest(digest: str) -> None:
    with pytest.raises(ValueError, match="not a SHA-256 digest"):
        blob_key(digest)


def test_live_log_key() -> None:
    assert live_log_key(RUN_ID, NODE_ID, 2, "stdout") == f"live/{RUN_ID}/{NODE_ID}/2/stdout"


@pytest.mark.parametrize(
    ("run_id", "node_id", "attempt", "name", "message"),
    [
        ("../etc", NODE_ID, 0, "stdout", "not a run id"),
        (RUN_ID, "x" * 24, 0, "stdout", "not a node id"),
        (RUN_ID, NODE_ID, -1, "stdout", "attempt must be"),
        (RUN_ID, NODE_ID, True, "stdout", "attempt must be"),
        (RUN_ID, NODE_ID, 0, "../secret", "a live object name"),
        (RUN_ID, NODE_ID, 0, "a/b", "a live object name"),
        (RUN_ID, NODE_ID, 0, "", "a live object name"),
        (RUN_ID, NODE_ID, 0, "Report.csv", "a live object name"),
    ],
    ids=["run-id", "node-id", "negative-attempt", "bool-attempt", "dotdot", "slash", "empty", "user-name"],
)
def test_live_log_key_refuses_bad_parts(run_id: str, node_id: str, attempt: Any, name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        live_log_key(run_id, node_id, attempt, name)


def test_identical_content_is_stored_once(storage: str, tmp_path: Path) -> None:
    expected = BlobInfo(sha256=HELLO_SHA256, size=len(HELLO), key=HELLO_KEY)
    assert blob_put_path(_write(tmp_path / "a.txt", HELLO)) == expected
    assert blob_put_stream(io.BytesIO(HELLO)) == expected
    assert blob_put_path(_write(tmp_path / "b.txt", HELLO)) == expected
    assert stored_keys(storage) == [HELLO_KEY]


def test_an_existing_blob_is_not_uploaded_again(storage: str, tmp_path: Path) -> None:
    blob_put_path(_write(tmp_path / "a.txt", HELLO))
    # Replace the stored bytes behind the module's back: a second upload would restore them.
    storages["default"].delete(HELLO_KEY)
    assert storages["default"].save(HELLO_KEY, ContentFile(b"marker")) == HELLO_KEY
    assert blob_put_stream(io.BytesIO(HELLO)).key == HELLO_KEY
    assert _read_all(HELLO_KEY) == b"marker"


@pytest.mark.parametrize("storage", ["local"], indirect=True)
def test_a_consumed_file_is_moved_into_local_storage(storage: str, tmp_path: Path) -> None:
    source = _write(tmp_path / "out", HELLO)
    source.chmod(0o700)
    inode = source.stat().st_ino
    assert blob_put_path(source, consume=True).key == HELLO_KEY
    assert not source.exists()
    stored = Path(storages["default"].path(HELLO_KEY))
    assert (stored.stat().st_ino, stored.stat().st_mode & 0o777) == (inode, 0o644)
    assert _read_all(HELLO_KEY) == HELLO


@pytest.mark.parametrize("storage", ["local"], indirect=True)
def test_a_consumed_file_with_another_link_is_copied(storage: str, tmp_path: Path) -> None:
    source = _write(tmp_path / "out", HELLO)
    (tmp_path / "elsewhere").hardlink_to(source)
    blob_put_path(source, consume=True)
    # The stored blob shares no inode with a file someone could still write through.
    stored = Path(storages["default"].path(HELLO_KEY))
    assert stored.stat().st_ino != source.stat().st_ino
    assert (source.read_bytes(), _read_all(HELLO_KEY)) == (HELLO, HELLO)


@pytest.mark.parametrize("storage", ["local"], indirect=True)
def test_a_consumed_symlink_is_copied_not_moved(storage: str, tmp_path: Path) -> None:
    target = _write(tmp_path / "target", HELLO)
    link = tmp_path / "out"
    link.symlink_to(target)
    blob_put_path(link, consume=True)
    assert link.is_symlink()
    assert target.read_bytes() == HELLO
    assert not Path(storages["default"].path(HELLO_KEY)).is_symlink()
    assert _read_all(HELLO_KEY) == HELLO


def test_consuming_a_file_whose_blob_exists_stores_nothing_new(storage: str, tmp_path: Path) -> None:
    blob_put_path(_write(tmp_path / "a.txt", HELLO))
    again = _write(tmp_path / "b.txt", HELLO)
    assert blob_put_path(again, consume=True).key == HELLO_KEY
    assert stored_keys(storage) == [HELLO_KEY]
    assert _read_all(HELLO_KEY) == HELLO


def test_blob_round_trip(storage: str, tmp_path: Path) -> None:
    info = blob_put_stream(io.BytesIO(HELLO))
    assert blob_exists(info.key)
    assert _read_all(info.key) == HELLO
    target = tmp_path / "downloaded"
    blob_download_to(info.key, target)
    assert target.read_bytes() == HELLO


def test_empty_blob(storage: str, tmp_path: Path) -> None:
    info = blob_put_path(_write(tmp_path / "empty", b""))
    assert (info.sha256, info.size) == (hashlib.sha256(b"").hexdigest(), 0)
    assert _read_all(info.key) == b""


def test_a_missing_blob(storage: str, tmp_path: Path) -> None:
    key = blob_key("0" * 64)
    target = tmp_path / "downloaded"
    assert not blob_exists(key)
    with pytest.raises(FileNotFoundError):
        blob_open(key)
    with pytest.raises(FileNotFoundError):
        blob_download_to(key, target)
    assert not target.exists()


@pytest.mark.parametrize(
    "key",
    [
        f"live/{RUN_ID}/{NODE_ID}/0/stdout",
        "../" + HELLO_KEY,
        f"sha256/00/00/{HELLO_SHA256}",
        HELLO_SHA256,
        "sha256/he/ll/hello.csv",
    ],
    ids=["live-key", "dotdot", "wrong-fan-out", "bare-digest", "user-name"],
)
def test_blob_functions_refuse_other_keys(key: str) -> None:
    with pytest.raises(ValueError, match="not a blob key"):
        blob_open(key)
    with pytest.raises(ValueError, match="not a blob key"):
        blob_exists(key)


@pytest.mark.parametrize(
    "key",
    [HELLO_KEY, f"live/{RUN_ID}/{NODE_ID}/0/../../x", f"live/{RUN_ID}/{NODE_ID}/0/"],
    ids=["blob-key", "dotdot", "no-name"],
)
def test_live_functions_refuse_other_keys(key: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a live object key"):
        live_put_path(key, _write(tmp_path / "log", HELLO))
    with pytest.raises(ValueError, match="not a live object key"):
        live_open(key)
    with pytest.raises(ValueError, match="not a live object key"):
        live_delete(key)


def test_live_object_is_overwritten_in_place(storage: str, tmp_path: Path) -> None:
    key = live_log_key(RUN_ID, NODE_ID, 1, "stdout")
    live_put_path(key, _write(tmp_path / "log", b"line 1\n"))
    live_put_path(key, _write(tmp_path / "log", b"line 1\nline 2\n"))
    assert _read_all(key, live=True) == b"line 1\nline 2\n"
    assert stored_keys(storage) == [key]
    live_delete(key)
    assert stored_keys(storage) == []
    with pytest.raises(FileNotFoundError):
        live_open(key)
    live_delete(key)


@pytest.mark.parametrize("storage", ["s3"], indirect=True)
def test_s3_objects_live_under_the_location(storage: str) -> None:
    info = blob_put_stream(io.BytesIO(HELLO))
    assert s3_keys(storages["default"].endpoint_url) == [f"{S3_LOCATION}/{info.key}"]
    # The Django storage API sees the same object.
    with storages["default"].open(info.key) as handle:
        assert handle.read() == HELLO


def _write_large_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        for index in range(LARGE_SIZE // CHUNK_SIZE):
            chunk = index.to_bytes(4, "big") * (CHUNK_SIZE // 4)
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest()


def _peak_memory(action: Any) -> int:
    tracemalloc.start()
    try:
        action()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak


def test_large_files_stream_through_with_flat_memory(storage: str, tmp_path: Path) -> None:
    source = tmp_path / "large.bin"
    sha256 = _write_large_file(source)
    limit = PEAK_MEMORY_LIMITS[storage]
    expected = BlobInfo(sha256=sha256, size=LARGE_SIZE, key=blob_key(sha256))
    # The first request builds the S3 client (megabytes of service model, once per process).
    assert not blob_exists(expected.key)

    infos: list[BlobInfo] = []
    assert _peak_memory(lambda: infos.append(blob_put_path(source))) < limit
    assert infos == [expected]

    # Store nothing new, but hash the whole stream through the spool file.
    with source.open("rb") as stream:
        assert _peak_memory(lambda: infos.append(blob_put_stream(stream))) < limit
    assert infos == [expected, expected]

    target = tmp_path / "downloaded.bin"
    assert _peak_memory(lambda: blob_download_to(expected.key, target)) < limit
    assert target.stat().st_size == LARGE_SIZE

    def read_back() -> None:
        digest = hashlib.sha256()
        with blob_open(expected.key) as reader:
            while chunk := reader.read(CHUNK_SIZE):
                digest.update(chunk)
        assert digest.hexdigest() == sha256

    assert _peak_memory(read_back) < limit


def test_a_stream_is_stored_once_fully_read(storage: str) -> None:
    data = b"x" * (3 * CHUNK_SIZE + 5)
    info = blob_put_stream(io.BytesIO(data))
    assert info == BlobInfo(sha256=hashlib.sha256(data).hexdigest(), size=len(data), key=info.key)
    assert _read_all(info.key) == data


def test_any_django_storage_works_through_its_api(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    reset_storages()
    try:
        info = blob_put_path(_write(tmp_path / "a.txt", HELLO))
        assert info == BlobInfo(sha256=HELLO_SHA256, size=len(HELLO), key=HELLO_KEY)
        assert blob_put_stream(io.BytesIO(HELLO)) == info
        assert _read_all(HELLO_KEY) == HELLO
        blob_download_to(HELLO_KEY, tmp_path / "downloaded")
        assert (tmp_path / "downloaded").read_bytes() == HELLO

        key = live_log_key(RUN_ID, NODE_ID, 0, "stderr")
        live_put_path(key, _write(tmp_path / "log", b"one"))
        live_put_path(key, _write(tmp_path / "log", b"two"))
        assert _read_all(key, live=True) == b"two"
        assert storages["default"].listdir(f"live/{RUN_ID}/{NODE_ID}/0") == ([], ["stderr"])
    finally:
        reset_storages()
