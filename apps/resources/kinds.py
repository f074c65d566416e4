"""Resource kinds: how each file type is prepared for a node's script and stored afterwards.

The plugin configuration (``resources`` in ``default_plugins.yaml``) names a class of this module
for every kind. An executor uses it around a node's script:

- before: ``prepare_output(path)`` for every output; ``prepare_input(blob, target)`` for every
  downloaded input (a raw input's value is written with ``format_value``);
- after: ``validate_output(path)`` (a malformed output fails the node), then
  ``postprocess_output(path)`` gives the file to upload.

A directory travels as a zip built by ``pack_directory``: the same tree gives the same bytes, so
the cache recognises an unchanged output. Symbolic links are refused, inside a directory output
or as an output itself: following them could store files from outside the node's workspace.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from apps.resources.storage import CHUNK_SIZE

# The earliest time a zip entry can carry: entries say nothing about when they were made.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# A raw value is a number, a colour or a short text; a bigger file is a mistake, not a value.
RAW_MAX_BYTES = 1024 * 1024
# Parsing JSON needs memory several times the document's size; larger outputs are stored unchecked.
JSON_VALIDATE_MAX_BYTES = 256 * 1024 * 1024


class ResourceValueError(ValueError):
    """A file or value that does not fit its resource kind; the message says what is wrong."""


class UnknownResourceKind(LookupError):
    """A resource kind that the plugin configuration does not declare."""


def _refuse_symlink(path: Path) -> None:
    if path.is_symlink():
        raise ResourceValueError(f"{path.name} is a symbolic link; outputs must be regular files or directories")


class ResourceKind:
    """A file type. The base class handles a plain file, stored as it is."""

    raw: ClassVar[bool] = False

    @classmethod
    def prepare_output(cls, path: Path) -> None:
        """Create the empty file the script writes the output into."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")

    @classmethod
    def validate_output(cls, path: Path) -> None:
        """Raise ResourceValueError when the script left something unfit to store at ``path``."""
        _refuse_symlink(path)
        if not path.is_file():
            raise ResourceValueError(f"{path.name} is missing or is not a regular file")

    @classmethod
    def postprocess_output(cls, path: Path) -> Path:
        """The file to upload for the output at ``path``."""
        return path

    @classmethod
    def prepare_input(cls, blob_path: Path, target: Path) -> Path:
        """Turn the downloaded blob into what the script reads at ``target``; the blob is consumed."""
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(blob_path, target)
        return target

    @classmethod
    def parse_value(cls, text: str) -> Any:
        """The value a raw kind's file holds (``"42\\n"`` is 42); ResourceValueError on bad text."""
        raise TypeError(f"{cls.__name__} carries a file, not a value")

    @classmethod
    def format_value(cls, value: Any) -> str:
        """The text of a raw kind's file holding ``value``; the inverse of ``parse_value``."""
        raise TypeError(f"{cls.__name__} carries a file, not a value")

    @classmethod
    def read_value(cls, path: Path) -> Any:
        """The value held by the file at ``path`` (at most RAW_MAX_BYTES), for raw kinds."""
        with path.open("rb") as handle:
            data = handle.read(RAW_MAX_BYTES + 1)
        if len(data) > RAW_MAX_BYTES:
            raise ResourceValueError(f"{path.name} is larger than {RAW_MAX_BYTES} bytes; not a {cls.__name__} value")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ResourceValueError(f"{path.name} is not UTF-8 text: {error.reason} at byte {error.start}") from None
        try:
            return cls.parse_value(text)
        except ResourceValueError as error:
            raise ResourceValueError(f"{path.name}: {error}") from None


class File(ResourceKind):
    pass


class CSV(ResourceKind):
    pass


class TSV(ResourceKind):
    pass


class Image(ResourceKind):
    pass


class PDF(ResourceKind):
    pass


class Json(ResourceKind):
    @classmethod
    def validate_output(cls, path: Path) -> None:
        super().validate_output(path)
        if path.stat().st_size > JSON_VALIDATE_MAX_BYTES:
            return
        try:
            with path.open(encoding="utf-8") as handle:
                json.load(handle)
        except UnicodeDecodeError as error:
            raise ResourceValueError(f"{path.name} is not UTF-8 text ({error.reason})") from None
        except json.JSONDecodeError as error:
            problem = "the file is empty" if error.doc.strip() == "" else error.msg
            raise ResourceValueError(
                f"{path.name} is not valid JSON: {problem} (line {error.lineno}, column {error.colno})"
            ) from None


class Executable(ResourceKind):
    @classmethod
    def prepare_input(cls, blob_path: Path, target: Path) -> Path:
        target = super().prepare_input(blob_path, target)
        target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return target


def _zip_info(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.create_system = 3  # Unix, so readers honour the permission bits below.
    info.external_attr = (mode & 0xFFFF) << 16
    if stat.S_ISDIR(mode):
        info.external_attr |= 0x10  # The MS-DOS directory flag.
        info.compress_type = zipfile.ZIP_STORED
    else:
        info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _raise(error: OSError) -> None:
    # os.walk skips what it cannot read unless told otherwise; a partial zip would be wrong.
    raise error


def pack_directory(directory: Path, archive: Path) -> None:
    """Zip ``directory`` into ``archive`` deterministically.

    Entries are sorted by path, carry a fixed timestamp and their permission bits only (no owner,
    no extra fields), and are deflated at zlib's default level: the same tree gives the same bytes
    (with the same zlib; another implementation such as zlib-ng may compress differently).
    Empty directories are kept. A symbolic link anywhere in the tree is refused.
    """
    entries: list[tuple[str, Path]] = []
    for root, dirnames, filenames in os.walk(directory, onerror=_raise, followlinks=False):
        for name in dirnames + filenames:
            path = Path(root, name)
            relative = path.relative_to(directory).as_posix()
            if path.is_symlink():
                raise ResourceValueError(f"{relative} in directory {directory.name} is a symbolic link; refused")
            if path.is_dir():
                entries.append((relative + "/", path))
            elif path.is_file():
                entries.append((relative, path))
            else:
                raise ResourceValueError(f"{relative} in directory {directory.name} is not a regular file; refused")
    entries.sort()
    with zipfile.ZipFile(archive, "w") as bundle:
        for name, path in entries:
            status = path.stat()
            # Only the permission bits: setuid/setgid/sticky mean nothing once unpacked elsewhere.
            info = _zip_info(name, stat.S_IFMT(status.st_mode) | (stat.S_IMODE(status.st_mode) & 0o777))
            if name.endswith("/"):
                bundle.writestr(info, b"")
                continue
            # Known in advance, the size lets zipfile choose ZIP64 for big files, the same way each time.
            info.file_size = status.st_size
            with path.open("rb") as source, bundle.open(info, "w") as target:
                shutil.copyfileobj(source, target, CHUNK_SIZE)


def _safe_member_path(target: Path, name: str) -> Path:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise ResourceValueError(f"zip entry {name!r} has an absolute path; refused")
    if ".." in parts:
        raise ResourceValueError(f"zip entry {name!r} points outside the directory; refused")
    path = target.joinpath(*parts)
    if not path.resolve().is_relative_to(target.resolve()):
        raise ResourceValueError(f"zip entry {name!r} points outside the directory; refused")
    return path


def unpack_directory(archive: Path, target: Path) -> None:
    """Extract ``archive`` into the new directory ``target``, refusing entries that escape it."""
    target.mkdir(parents=True)
    try:
        _extract(archive, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


def _extract(archive: Path, target: Path) -> None:
    with zipfile.ZipFile(archive) as bundle:
        members = bundle.infolist()
        # Check every entry before writing anything, so a refused archive leaves nothing behind.
        paths = [_safe_member_path(target, member.filename) for member in members]
        for member in members:
            if stat.S_ISLNK(member.external_attr >> 16):
                raise ResourceValueError(f"zip entry {member.filename!r} is a symbolic link; refused")
        # A small archive may claim to unpack to terabytes: refuse what cannot fit. zipfile never
        # writes more than an entry declares (a longer stream fails its checks), so the declared
        # sizes bound what extraction writes.
        declared = sum(member.file_size for member in members)
        free = shutil.disk_usage(target).free
        if declared > free:
            raise ResourceValueError(
                f"the archive unpacks to {declared} bytes, more than the {free} bytes free here; refused"
            )
        for member, path in zip(members, paths, strict=True):
            mode = stat.S_IMODE(member.external_attr >> 16) & 0o777
            if member.is_dir():
                path.mkdir(parents=True, exist_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(member) as source, path.open("wb") as sink:
                    shutil.copyfileobj(source, sink, CHUNK_SIZE)
            if mode and member.create_system == 3:
                # Owner access is kept so the tree stays readable and removable by the worker.
                path.chmod(mode | (stat.S_IRWXU if member.is_dir() else stat.S_IRUSR | stat.S_IWUSR))


class Directory(ResourceKind):
    """A directory, stored as a deterministic zip (see ``pack_directory``)."""

    @classmethod
    def prepare_output(cls, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)

    @classmethod
    def validate_output(cls, path: Path) -> None:
        _refuse_symlink(path)
        if not path.is_dir():
            raise ResourceValueError(f"{path.name} is missing or is not a directory")

    @classmethod
    def postprocess_output(cls, path: Path) -> Path:
        # A fresh name beside the directory, which no output of the node can already hold.
        descriptor, archive = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".zip")
        os.close(descriptor)
        try:
            pack_directory(path, Path(archive))
        except BaseException:
            Path(archive).unlink(missing_ok=True)
            raise
        return Path(archive)

    @classmethod
    def prepare_input(cls, blob_path: Path, target: Path) -> Path:
        try:
            unpack_directory(blob_path, target)
        except zipfile.BadZipFile as error:
            raise ResourceValueError(f"the directory input is not a valid zip archive: {error}") from None
        blob_path.unlink()
        return target


class RawResourceKind(ResourceKind):
    """A value (number, text, ...) carried as a small text file."""

    raw = True

    @classmethod
    def validate_output(cls, path: Path) -> None:
        super().validate_output(path)
        cls.read_value(path)


def _preview(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


class RawInt(RawResourceKind):
    @classmethod
    def parse_value(cls, text: str) -> int:
        value = text.strip()
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise ResourceValueError(f"expected an integer, got {_preview(text)}")
        return int(value)

    @classmethod
    def format_value(cls, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ResourceValueError(f"expected an integer, got {value!r}")
        return f"{value}\n"


class RawFloat(RawResourceKind):
    _NUMBER: ClassVar[re.Pattern[str]] = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

    @classmethod
    def parse_value(cls, text: str) -> float:
        value = text.strip()
        if not cls._NUMBER.fullmatch(value):
            raise ResourceValueError(f"expected a number, got {_preview(text)}")
        number = float(value)
        if not math.isfinite(number):
            raise ResourceValueError(f"expected a finite number, got {_preview(text)}")
        return number

    @classmethod
    def format_value(cls, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ResourceValueError(f"expected a number, got {value!r}")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise ResourceValueError(f"expected a finite number, got {value!r}")
        return f"{number!r}\n"


class RawStr(RawResourceKind):
    @classmethod
    def parse_value(cls, text: str) -> str:
        return text.removesuffix("\n")

    @classmethod
    def format_value(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise ResourceValueError(f"expected a string, got {value!r}")
        return f"{value}\n"


class RawBool(RawResourceKind):
    _WORDS: ClassVar[dict[str, bool]] = {"true": True, "1": True, "false": False, "0": False}

    @classmethod
    def parse_value(cls, text: str) -> bool:
        try:
            return cls._WORDS[text.strip().lower()]
        except KeyError:
            raise ResourceValueError(f"expected true, false, 1 or 0, got {_preview(text)}") from None

    @classmethod
    def format_value(cls, value: Any) -> str:
        if not isinstance(value, bool):
            raise ResourceValueError(f"expected a boolean, got {value!r}")
        return "true\n" if value else "false\n"


class RawColor(RawResourceKind):
    _COLOR: ClassVar[re.Pattern[str]] = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

    @classmethod
    def parse_value(cls, text: str) -> str:
        value = text.strip()
        if not cls._COLOR.fullmatch(value):
            raise ResourceValueError(f"expected a colour as #rgb or #rrggbb, got {_preview(text)}")
        return value

    @classmethod
    def format_value(cls, value: Any) -> str:
        if not isinstance(value, str) or not cls._COLOR.fullmatch(value):
            raise ResourceValueError(f"expected a colour as #rgb or #rrggbb, got {value!r}")
        return f"{value}\n"


@functools.cache
def load_resource_kind_class(path: str) -> type[ResourceKind]:
    """Import the class at the dotted ``path``; ImproperlyConfigured unless it is a ResourceKind."""
    try:
        cls = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"resource class {path!r} cannot be imported: {error}") from None
    if not isinstance(cls, type) or not issubclass(cls, ResourceKind):
        raise ImproperlyConfigured(f"resource class {path!r} is not a subclass of {ResourceKind.__qualname__}")
    return cls


def resource_kind(kind: str) -> type[ResourceKind]:
    """The class of the configured resource ``kind`` (``csv``, ``directory``, ``int``, ...)."""
    plugin = settings.PLYNX_PLUGINS.resource(kind)
    if plugin is None:
        known = ", ".join(settings.PLYNX_PLUGINS.resource_kinds)
        raise UnknownResourceKind(f"unknown resource kind {kind!r}; configured kinds: {known}")
    return load_resource_kind_class(plugin.cls)
