"""Creating resources from files and streams, reading them back, checking their bytes exist."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.utils import timezone

from apps.resources.kinds import RAW_MAX_BYTES, Directory, ResourceValueError, resource_kind
from apps.resources.models import Resource, validate_original_name
from apps.resources.storage import BlobInfo, blob_exists, blob_open, blob_put_path, blob_put_stream
from plynx_site import sql
from plynx_site.ids import new_object_id

if TYPE_CHECKING:
    from apps.users.models import User


class ResourceErrorCode(StrEnum):
    UNKNOWN_FILE_TYPE = "UNKNOWN_FILE_TYPE"
    INVALID_NAME = "INVALID_NAME"
    INVALID_CONTENT = "INVALID_CONTENT"


class ResourceError(Exception):
    """A resource that cannot be created; ``code`` says why, ``message`` says it to a person."""

    def __init__(self, code: ResourceErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _check(file_type: str, original_name: str) -> None:
    if settings.PLYNX_PLUGINS.resource(file_type) is None:
        known = ", ".join(settings.PLYNX_PLUGINS.resource_kinds)
        raise ResourceError(
            ResourceErrorCode.UNKNOWN_FILE_TYPE, f"Unknown file type {file_type!r}; expected one of: {known}."
        )
    max_length = Resource._meta.get_field("original_name").max_length
    assert max_length is not None
    if len(original_name) > max_length:
        raise ResourceError(ResourceErrorCode.INVALID_NAME, f"The file name is longer than {max_length} characters.")
    try:
        validate_original_name(original_name)
    except ValidationError as error:
        raise ResourceError(ResourceErrorCode.INVALID_NAME, " ".join(error.messages)) from None


def _create(blob: BlobInfo, file_type: str, original_name: str, author: User | None) -> Resource:
    return Resource.objects.create(
        sha256=blob.sha256,
        size=blob.size,
        storage_key=blob.key,
        file_type=file_type,
        original_name=original_name,
        author=author,
    )


def resource_create_from_path(
    *, path: Path, file_type: str, original_name: str = "", author: User | None = None
) -> Resource:
    """Store the file at ``path`` (once per content) and record it as a new resource.

    ``original_name`` is kept as metadata only. ResourceError, before anything is stored, for an
    unconfigured ``file_type`` or a name that could pass for a path.
    """
    _check(file_type, original_name)
    return _create(blob_put_path(path), file_type, original_name, author)


@dataclass(frozen=True)
class StoredBlob:
    """Bytes already in storage, waiting to be recorded as resource ``id`` (see ``resources_record``)."""

    id: str
    blob: BlobInfo
    file_type: str
    original_name: str


def resource_store_path(*, path: Path, file_type: str, original_name: str = "", consume: bool = False) -> StoredBlob:
    """Store the file at ``path`` (once per content) for a resource recorded later, in a batch.

    What a worker does with a node's outputs and logs: their rows are then written together
    with the node's result, in one statement. Same checks as ``resource_create_from_path``.
    With ``consume`` the file may be moved into storage (see ``blob_put_path``).
    """
    _check(file_type, original_name)
    return StoredBlob(new_object_id(), blob_put_path(path, consume=consume), file_type, original_name)


_RECORD_COLUMNS = "id, sha256, size, file_type, storage_key, original_name, author_id, created_at, updated_at"


def resources_record(*, stored: Sequence[StoredBlob], author_id: int | None) -> None:
    """Record stored blobs as resources, all in one statement."""
    if not stored:
        return
    now = sql.datetime_param(timezone.now())
    row = f"({sql.placeholders(_RECORD_COLUMNS.split(','))})"
    params: list[object] = []
    for item in stored:
        params += [item.id, item.blob.sha256, item.blob.size, item.file_type, item.blob.key, item.original_name]
        params += [author_id, now, now]
    sql.execute(
        f"INSERT INTO {Resource._meta.db_table} ({_RECORD_COLUMNS}) VALUES {', '.join([row] * len(stored))}", params
    )


def resource_create_from_stream(
    *, stream: IO[bytes], file_type: str, original_name: str = "", author: User | None = None
) -> Resource:
    """Like ``resource_create_from_path`` for the bytes ``stream`` yields (an upload, a download)."""
    _check(file_type, original_name)
    return _create(blob_put_stream(stream), file_type, original_name, author)


def _check_content(file_type: str, path: Path | None, stream: IO[bytes]) -> None:
    """Refuse bytes that cannot be what ``file_type`` says: a raw value that does not parse, a
    directory that is not a zip. Other kinds carry any bytes. ``stream`` is left at its start."""
    kind = resource_kind(file_type)
    try:
        if kind.raw:
            data = stream.read(RAW_MAX_BYTES + 1)
            if len(data) > RAW_MAX_BYTES:
                raise ResourceValueError(f"a {file_type} value is at most {RAW_MAX_BYTES} bytes")
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise ResourceValueError(f"not UTF-8 text: {error.reason} at byte {error.start}") from None
            kind.parse_value(text)
        elif issubclass(kind, Directory) and not zipfile.is_zipfile(path if path is not None else stream):
            raise ResourceValueError("a directory is uploaded as a zip archive; this is not one")
    except ValueError as error:
        # ResourceValueError, or Python's own limit on the digits of an int it converts.
        raise ResourceError(ResourceErrorCode.INVALID_CONTENT, f"Not a valid {file_type}: {error}") from None
    finally:
        stream.seek(0)


def resource_create_from_upload(
    *, upload: UploadedFile[bytes], file_type: str, original_name: str = "", author: User | None = None
) -> Resource:
    """Record an uploaded file as a new resource, after checking that its bytes fit ``file_type``.

    An upload spooled to a temporary file is stored from there, without another copy; one held
    in memory is streamed. ResourceError, before anything is stored, for an unknown
    ``file_type``, a name that could pass for a path, or content that is not of the kind (see
    ``_check_content``).
    """
    _check(file_type, original_name)
    path = Path(upload.temporary_file_path()) if isinstance(upload, TemporaryUploadedFile) else None
    upload.seek(0)
    _check_content(file_type, path, upload)
    blob = blob_put_path(path) if path is not None else blob_put_stream(upload)
    return _create(blob, file_type, original_name, author)


def resource_open(resource: Resource) -> BinaryIO:
    """A streaming reader of the resource's bytes; the caller closes it."""
    return blob_open(resource.storage_key)


def resources_with_artifacts(resource_ids: Iterable[str]) -> set[str]:
    """The ids among ``resource_ids`` whose row exists and whose bytes are in storage.

    One query, and one storage check per distinct blob however many resources share it.
    """
    keys = dict(Resource.objects.filter(id__in=set(resource_ids)).values_list("id", "storage_key"))
    present = {key for key in set(keys.values()) if blob_exists(key)}
    return {resource_id for resource_id, key in keys.items() if key in present}


def resource_artifacts_exist(resource_ids: Iterable[str]) -> bool:
    """Whether every resource exists, and so do its bytes in storage (what a cache hit needs)."""
    wanted = set(resource_ids)
    return resources_with_artifacts(wanted) == wanted
