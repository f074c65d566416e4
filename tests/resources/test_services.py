"""Resource services: creating resources from files and streams, reading them, checking their bytes."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.storage import storages

from apps.resources.models import Resource
from apps.resources.services import (
    ResourceError,
    ResourceErrorCode,
    resource_artifacts_exist,
    resource_create_from_path,
    resource_create_from_stream,
    resource_open,
)
from apps.resources.storage import blob_key
from tests.factories import ResourceFactory, UserFactory
from tests.resources.conftest import stored_keys

pytestmark = pytest.mark.django_db

DATA = b"x,y\n1,2\n"
DATA_SHA256 = hashlib.sha256(DATA).hexdigest()


def test_create_from_path(storage: str, tmp_path: Path) -> None:
    author = UserFactory()
    path = tmp_path / "upload"
    path.write_bytes(DATA)
    resource = resource_create_from_path(path=path, file_type="csv", original_name="points.csv", author=author)
    resource.refresh_from_db()
    assert (
        resource.sha256,
        resource.size,
        resource.storage_key,
        resource.file_type,
        resource.original_name,
        resource.author,
    ) == (DATA_SHA256, len(DATA), blob_key(DATA_SHA256), "csv", "points.csv", author)
    assert stored_keys(storage) == [blob_key(DATA_SHA256)]
    with resource_open(resource) as reader:
        assert reader.read() == DATA


def test_create_from_stream(storage: str) -> None:
    resource = resource_create_from_stream(stream=io.BytesIO(DATA), file_type="file")
    resource.refresh_from_db()
    assert (resource.sha256, resource.size, resource.file_type, resource.original_name, resource.author) == (
        DATA_SHA256,
        len(DATA),
        "file",
        "",
        None,
    )
    with resource_open(resource) as reader:
        assert reader.read() == DATA


def test_the_same_bytes_make_two_resources_over_one_blob(local_storage: Path) -> None:
    first = resource_create_from_stream(stream=io.BytesIO(DATA), file_type="csv", original_name="a.csv")
    second = resource_create_from_stream(stream=io.BytesIO(DATA), file_type="tsv", original_name="b.tsv")
    assert first.id != second.id
    assert first.storage_key == second.storage_key == blob_key(DATA_SHA256)
    assert Resource.objects.count() == 2
    assert stored_keys("local") == [blob_key(DATA_SHA256)]


@pytest.mark.parametrize(
    ("file_type", "original_name", "code", "message"),
    [
        (
            "spreadsheet",
            "a.xls",
            ResourceErrorCode.UNKNOWN_FILE_TYPE,
            "Unknown file type 'spreadsheet'; expected one of: "
            "file, csv, tsv, json, image, pdf, directory, executable, int, float, str, bool, color.",
        ),
        (
            "csv",
            "../etc/passwd",
            ResourceErrorCode.INVALID_NAME,
            "A file name must not contain path separators, NUL, or be '.' or '..'.",
        ),
        (
            "csv",
            "..",
            ResourceErrorCode.INVALID_NAME,
            "A file name must not contain path separators, NUL, or be '.' or '..'.",
        ),
        (
            "csv",
            "a\\b.csv",
            ResourceErrorCode.INVALID_NAME,
            "A file name must not contain path separators, NUL, or be '.' or '..'.",
        ),
        (
            "csv",
            "nul\x00.csv",
            ResourceErrorCode.INVALID_NAME,
            "A file name must not contain path separators, NUL, or be '.' or '..'.",
        ),
        ("csv", "n" * 256, ResourceErrorCode.INVALID_NAME, "The file name is longer than 255 characters."),
    ],
    ids=["unknown-type", "path", "dotdot", "backslash", "nul", "too-long"],
)
def test_bad_requests_store_nothing(
    local_storage: Path, tmp_path: Path, file_type: str, original_name: str, code: ResourceErrorCode, message: str
) -> None:
    path = tmp_path / "upload"
    path.write_bytes(DATA)
    for create in (
        lambda: resource_create_from_path(path=path, file_type=file_type, original_name=original_name),
        lambda: resource_create_from_stream(stream=io.BytesIO(DATA), file_type=file_type, original_name=original_name),
    ):
        with pytest.raises(ResourceError) as raised:
            create()
        assert (raised.value.code, raised.value.message) == (code, message)
    assert Resource.objects.count() == 0
    assert stored_keys("local") == []


def test_artifacts_exist(storage: str) -> None:
    first = resource_create_from_stream(stream=io.BytesIO(b"one"), file_type="file")
    second = resource_create_from_stream(stream=io.BytesIO(b"two"), file_type="file")
    same_bytes = resource_create_from_stream(stream=io.BytesIO(b"two"), file_type="csv")
    assert resource_artifacts_exist([first.id, second.id, same_bytes.id]) is True
    assert resource_artifacts_exist(iter([first.id, first.id])) is True
    assert resource_artifacts_exist([]) is True


def test_artifacts_do_not_exist_without_the_row(storage: str) -> None:
    resource = resource_create_from_stream(stream=io.BytesIO(b"one"), file_type="file")
    assert resource_artifacts_exist([resource.id, "0" * 24]) is False


def test_artifacts_do_not_exist_when_a_blob_was_deleted(storage: str) -> None:
    kept = resource_create_from_stream(stream=io.BytesIO(b"kept"), file_type="file")
    lost = resource_create_from_stream(stream=io.BytesIO(b"lost"), file_type="file")
    storages["default"].delete(lost.storage_key)
    assert resource_artifacts_exist([kept.id]) is True
    assert resource_artifacts_exist([kept.id, lost.id]) is False
    assert Resource.objects.filter(id=lost.id).exists()


def test_artifacts_do_not_exist_for_a_row_without_bytes(local_storage: Path) -> None:
    resource = ResourceFactory(sha256=DATA_SHA256, storage_key=blob_key(DATA_SHA256))
    assert resource_artifacts_exist([resource.id]) is False
