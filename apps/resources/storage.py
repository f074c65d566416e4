"""Artifact bytes in the configured storage (``STORAGES["default"]``).

Two kinds of objects live there:

- **blobs**, immutable and content-addressed: ``sha256/<2 hex>/<2 hex>/<sha256>``. The same bytes
  are stored once, however many resources point at them.
- **live objects**, mutable: the logs of a running node, overwritten as they grow, under
  ``live/<run id>/<node id>/<attempt>/<name>``.

Every key is built here from digests, ids and fixed names, never from a user-supplied name.
Nothing reads a whole file into memory: data moves in chunks of ``CHUNK_SIZE``.

Django's storage API is enough for correctness on any backend. Two backends get a faster or
stronger path: on the local filesystem every write lands in a temporary file beside its key and is
renamed into place (a reader never sees half a blob, a crash never leaves one); on S3 writes go
straight to the key through the storage's own boto3 resource (``file_overwrite=False`` would
otherwise rename a live object instead of replacing it) and reads stream the object's body
(``S3Storage.open`` would first download the whole object into a spooled file, in memory by
default).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import IO, BinaryIO, cast

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from storages.backends.s3 import S3Storage
from storages.utils import safe_join

# Large enough to keep per-call overhead negligible, small enough to keep memory flat.
CHUNK_SIZE = 1024 * 1024

# Applied with fullmatch: "$" would let a trailing newline through.
_SHA256_RE = re.compile(r"[0-9a-f]{64}")
_OBJECT_ID_RE = re.compile(r"[0-9a-f]{24}")
_BLOB_KEY_RE = re.compile(r"sha256/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")
_LIVE_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_.\-]{0,63}")
_LIVE_KEY_RE = re.compile(r"live/[0-9a-f]{24}/[0-9a-f]{24}/[0-9]{1,6}/[a-z0-9][a-z0-9_.\-]{0,63}")
# Attempts are small counters; the bound keeps keys short and matches _LIVE_KEY_RE.
_MAX_ATTEMPT = 999_999


@dataclass(frozen=True)
class BlobInfo:
    """A stored blob: its digest, size in bytes and storage key."""

    sha256: str
    size: int
    key: str


def blob_key(sha256: str) -> str:
    """The storage key of the blob with this digest; two levels of fan-out keep directories small."""
    if not _SHA256_RE.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 digest of 64 lowercase hexadecimal digits: {sha256!r}")
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def live_log_key(run_id: str, node_id: str, attempt: int, name: str) -> str:
    """The key of a live log of one attempt of a node in a run (``name`` such as ``stdout``)."""
    if not _OBJECT_ID_RE.fullmatch(run_id):
        raise ValueError(f"not a run id: {run_id!r}")
    if not _OBJECT_ID_RE.fullmatch(node_id):
        raise ValueError(f"not a node id: {node_id!r}")
    if isinstance(attempt, bool) or not isinstance(attempt, int) or not 0 <= attempt <= _MAX_ATTEMPT:
        raise ValueError(f"attempt must be an integer from 0 to {_MAX_ATTEMPT}, got {attempt!r}")
    if not _LIVE_NAME_RE.fullmatch(name):
        raise ValueError(f"a live object name must match {_LIVE_NAME_RE.pattern}, got {name!r}")
    return f"live/{run_id}/{node_id}/{attempt}/{name}"


def _check_blob_key(key: str) -> str:
    match = _BLOB_KEY_RE.fullmatch(key)
    if not match or not match.group(3).startswith(match.group(1) + match.group(2)):
        raise ValueError(f"not a blob key: {key!r}")
    return key


def _check_live_key(key: str) -> str:
    if not _LIVE_KEY_RE.fullmatch(key):
        raise ValueError(f"not a live object key: {key!r}")
    return key


def _hash_stream(source: IO[bytes], sink: IO[bytes] | None = None) -> tuple[str, int]:
    """Digest and size of what ``source`` yields, copied to ``sink`` on the way when given."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return digest.hexdigest(), size


class _Backend:
    """Storage operations on exact keys, through Django's storage API."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def exists(self, key: str) -> bool:
        return self.storage.exists(key)

    def touch(self, key: str) -> bool:
        """Mark the object as just written (see ``_blob_put_hashed``); False if it is gone.

        A backend that cannot say so relies on the object existing, as before.
        """
        return self.storage.exists(key)

    def delete(self, key: str) -> None:
        self.storage.delete(key)

    def put(self, key: str, path: Path) -> None:
        """Store the file at ``path`` under ``key`` exactly, replacing what is there."""
        self.storage.delete(key)
        with path.open("rb") as handle:
            stored = self.storage.save(key, File(handle))
        if stored != key:
            # Someone wrote the key between delete and save and the storage picked another name.
            self.storage.delete(stored)
            raise FileExistsError(f"{key} was written concurrently; the storage stored {stored} instead")

    def open(self, key: str) -> BinaryIO:
        if not self.storage.exists(key):
            raise FileNotFoundError(f"no object in storage under {key}")
        return cast(BinaryIO, self.storage.open(key, "rb"))

    def download_to(self, key: str, path: Path) -> None:
        with self.open(key) as source, path.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK_SIZE)


class _FileSystemBackend(_Backend):
    """Local directory: atomic renames, plain file handles."""

    storage: FileSystemStorage

    def put(self, key: str, path: Path) -> None:
        final = Path(self.storage.path(key))
        final.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=final.parent, prefix=".incoming-")
        os.close(descriptor)
        try:
            shutil.copyfile(path, temporary)
            os.chmod(temporary, self.storage.file_permissions_mode or 0o644)
            os.replace(temporary, final)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def touch(self, key: str) -> bool:
        try:
            os.utime(self.storage.path(key))
        except FileNotFoundError:
            return False
        return True

    def move(self, key: str, path: Path) -> None:
        """Like ``put``, but the file may be renamed into place (it is then gone from ``path``).

        Only a regular file with no other link is moved, and only within one file system;
        anything else is copied.
        """
        final = Path(self.storage.path(key))
        final.parent.mkdir(parents=True, exist_ok=True)
        stat = path.lstat()
        if S_ISREG(stat.st_mode) and stat.st_nlink == 1:
            try:
                os.chmod(path, self.storage.file_permissions_mode or 0o644)
                os.replace(path, final)
                return
            except OSError as error:
                if error.errno != errno.EXDEV:
                    raise
        self.put(key, path)

    def open(self, key: str) -> BinaryIO:
        return Path(self.storage.path(key)).open("rb")

    def download_to(self, key: str, path: Path) -> None:
        shutil.copyfile(self.storage.path(key), path)


# Unless the storage sets its own (AWS_S3_TRANSFER_CONFIG): parts of 8 MiB uploaded 4 at a time,
# each read through 1 MiB buffers. boto3's default of 10 threads doubles the memory for little gain
# when a worker runs several nodes at once.
_TRANSFER_CONFIG = TransferConfig(max_concurrency=4)


def _is_missing(error: ClientError) -> bool:
    # A GET of a missing object says NoSuchKey; a HEAD (before a download) can only say 404.
    return bool(error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"))


class _S3Backend(_Backend):
    """S3: exact keys and streamed bodies through the storage's boto3 resource.

    Downloads stream one GET (the inherited ``download_to`` over ``open``): boto3's parallel
    download queues up to 25 MiB per file in memory when the disk is slower than the network.
    """

    storage: S3Storage

    def _object_key(self, key: str) -> str:
        # The same join S3Storage applies to every name, so the Django API sees these objects too.
        return str(safe_join(self.storage.location, key))

    def _extra_args(self, key: str) -> dict[str, object]:
        extra: dict[str, object] = {"ContentType": "application/octet-stream"}
        extra.update(self.storage.get_object_parameters(self._object_key(key)))
        if self.storage.default_acl and "ACL" not in extra:
            extra["ACL"] = self.storage.default_acl
        return extra

    def put(self, key: str, path: Path) -> None:
        # An S3 upload is atomic: the object appears, or is replaced, only once complete.
        self.storage.bucket.Object(self._object_key(key)).upload_file(
            str(path), ExtraArgs=self._extra_args(key), Config=self.storage.transfer_config or _TRANSFER_CONFIG
        )

    def touch(self, key: str) -> bool:
        # Copying an object onto itself (which S3 allows only with new metadata) renews LastModified.
        # Any failure, such as an object too large for one copy, falls back to uploading it again.
        source = {"Bucket": self.storage.bucket.name, "Key": self._object_key(key)}
        extra = self._extra_args(key)
        try:
            self.storage.bucket.Object(self._object_key(key)).copy_from(
                CopySource=source, MetadataDirective="REPLACE", **extra
            )
        except ClientError:
            return False
        return True

    def open(self, key: str) -> BinaryIO:
        try:
            response = self.storage.bucket.Object(self._object_key(key)).get()
        except ClientError as error:
            if _is_missing(error):
                raise FileNotFoundError(f"no object in storage under {key}") from None
            raise
        return cast(BinaryIO, response["Body"])


def _backend() -> _Backend:
    # Looked up on each call: tests and management commands may swap the storage at run time.
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return _FileSystemBackend(storage)
    if isinstance(storage, S3Storage):
        return _S3Backend(storage)
    return _Backend(storage)


def _blob_put_hashed(path: Path, sha256: str, size: int, *, consume: bool = False) -> BlobInfo:
    info = BlobInfo(sha256=sha256, size=size, key=blob_key(sha256))
    backend = _backend()
    # A blob written again is touched: the artifact collector (apps.resources.gc) spares blobs
    # written within its grace period, and this one is about to be recorded by a new resource.
    if not (backend.exists(info.key) and backend.touch(info.key)):
        if consume and isinstance(backend, _FileSystemBackend):
            backend.move(info.key, path)
        else:
            backend.put(info.key, path)
    return info


def blob_put_path(path: Path, *, consume: bool = False) -> BlobInfo:
    """Store the file at ``path`` as a blob, unless a blob with its content exists already.

    The file is read twice (to hash it, then to upload it) and must not change in between.
    With ``consume`` the caller has no further use for the file: local storage may move it
    into place instead of copying it (a large output is then never copied), so it may be gone.
    """
    with path.open("rb") as handle:
        sha256, size = _hash_stream(handle)
    return _blob_put_hashed(path, sha256, size, consume=consume)


def blob_put_stream(stream: IO[bytes]) -> BlobInfo:
    """Store what ``stream`` yields as a blob; it is spooled to a temporary file while hashed."""
    descriptor, temporary = tempfile.mkstemp(prefix="plynx-blob-", dir=settings.FILE_UPLOAD_TEMP_DIR)
    try:
        with os.fdopen(descriptor, "wb") as spool:
            sha256, size = _hash_stream(stream, spool)
        return _blob_put_hashed(Path(temporary), sha256, size)
    finally:
        Path(temporary).unlink(missing_ok=True)


def blob_exists(key: str) -> bool:
    return _backend().exists(_check_blob_key(key))


def blob_open(key: str) -> BinaryIO:
    """A streaming reader of the blob; the caller closes it. FileNotFoundError if there is none."""
    return _backend().open(_check_blob_key(key))


def blob_download_to(key: str, path: Path) -> None:
    """Copy the blob to the local file ``path`` (replaced if it exists), in chunks."""
    _check_blob_key(key)
    try:
        _backend().download_to(key, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def live_put_path(key: str, path: Path) -> None:
    """Store the file at ``path`` under the live ``key``, replacing the previous version."""
    _backend().put(_check_live_key(key), path)


def live_open(key: str) -> BinaryIO:
    """A streaming reader of the live object; the caller closes it. FileNotFoundError if there is none."""
    return _backend().open(_check_live_key(key))


def live_delete(key: str) -> None:
    """Delete the live object; deleting one that does not exist is not an error."""
    _backend().delete(_check_live_key(key))
