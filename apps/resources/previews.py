"""Size-bounded previews of resources, as plain JSON-ready data, and image thumbnails.

A preview is data, never markup: the API returns it as JSON and whoever shows it escapes it.
Every preview reads a bounded prefix of the resource (a zip's central directory, for a
directory), so its cost does not grow with the resource:

- csv / tsv: ``{"kind": "table", "columns", "rows", "truncated"}``, the first rows, cells cut short;
- json: ``{"kind": "json", "text", "truncated"}``, pretty-printed; invalid or too large: text;
- raw kinds (int, float, str, bool, color): ``{"kind": "value", "value", "truncated"}``;
- directory: ``{"kind": "directory", "entries", "count", "truncated"}``, the zip's file list;
- image: ``{"kind": "image"}`` (the API adds where its thumbnail is);
- anything else: ``{"kind": "text", "text", "truncated"}`` when it looks like text, else
  ``{"kind": "binary"}``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import struct
import tempfile
import zipfile
from typing import IO, Any

from django.conf import settings
from PIL import Image

from apps.resources.kinds import (
    CSV,
    PDF,
    RAW_MAX_BYTES,
    TSV,
    Directory,
    Json,
    UnknownResourceKind,
    resource_kind,
)
from apps.resources.kinds import Image as ImageKind
from apps.resources.models import Resource
from apps.resources.services import resource_open
from apps.resources.storage import CHUNK_SIZE

# What a person reads on one screen, and what a browser renders without effort.
TEXT_MAX_BYTES = 64 * 1024
TABLE_MAX_BYTES = 256 * 1024
TABLE_MAX_ROWS = 50
TABLE_MAX_COLUMNS = 100
CELL_MAX_CHARS = 200
# json.loads needs several times the document's size in memory; larger documents show as text.
JSON_PARSE_MAX_BYTES = 1024 * 1024
DIRECTORY_MAX_ENTRIES = 500
ENTRY_NAME_MAX_CHARS = 1024
# zipfile reads the whole central directory into memory (about 46 bytes plus a name per entry):
# 4 MiB lists tens of thousands of entries.
DIRECTORY_MAX_CENTRAL_DIRECTORY_BYTES = 4 * 1024 * 1024
# A zip on a storage that cannot seek (S3) is copied to a temporary file first, up to this size.
DIRECTORY_MAX_SPOOL_BYTES = 64 * 1024 * 1024
THUMBNAIL_SIZE = 256
# The encoded image is read into memory and decoded whole: both are bounded.
THUMBNAIL_MAX_INPUT_BYTES = 16 * 1024 * 1024
THUMBNAIL_MAX_PIXELS = 4096 * 4096
# Pillow decoders of common web formats only: fewer parsers of untrusted bytes.
THUMBNAIL_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")

_ELLIPSIS = "\u2026"
# End of central directory record: signature, 4 disk/count fields, size, offset, comment length.
_EOCD = struct.Struct("<4s4H2LH")
_EOCD_SIGNATURE = b"PK\x05\x06"
_EOCD_MAX_COMMENT = 0xFFFF


class ThumbnailError(Exception):
    """No thumbnail can be made; the message says why."""


def _read_prefix(reader: IO[bytes], limit: int) -> tuple[bytes, bool]:
    """At most ``limit`` bytes, and whether there was more."""
    data = reader.read(limit + 1)
    return data[:limit], len(data) > limit


def _decode(data: bytes, *, cut: bool) -> str:
    # A prefix may end inside a multi-byte character: an incremental decoder leaves it out.
    return codecs.getincrementaldecoder("utf-8-sig")(errors="replace").decode(data, final=not cut)


def _cut(text: str, limit: int) -> tuple[str, bool]:
    return (text, False) if len(text) <= limit else (text[: limit - 1] + _ELLIPSIS, True)


def _text(data: bytes, more: bool) -> dict[str, Any]:
    if b"\x00" in data:
        return {"kind": "binary"}
    data, cut = (data[:TEXT_MAX_BYTES], True) if len(data) > TEXT_MAX_BYTES else (data, more)
    return {"kind": "text", "text": _decode(data, cut=cut), "truncated": cut}


def _table(reader: IO[bytes], delimiter: str) -> dict[str, Any]:
    data, more = _read_prefix(reader, TABLE_MAX_BYTES)
    if more and b"\n" in data:
        # Keep whole lines: a row cut in the middle would show wrong values.
        data = data[: data.rindex(b"\n") + 1]
    truncated = more
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(_decode(data, cut=more), newline=""), delimiter=delimiter):
            if len(rows) > TABLE_MAX_ROWS:
                truncated = True
                break
            if len(row) > TABLE_MAX_COLUMNS:
                row, truncated = row[:TABLE_MAX_COLUMNS], True
            cells = []
            for cell in row:
                text, cut = _cut(cell, CELL_MAX_CHARS)
                truncated |= cut
                cells.append(text)
            rows.append(cells)
    except csv.Error:
        # A field longer than the csv module accepts: not a table worth showing as one.
        return _text(data, more)
    return {"kind": "table", "columns": rows[0] if rows else [], "rows": rows[1:], "truncated": truncated}


def _json(reader: IO[bytes]) -> dict[str, Any]:
    data, more = _read_prefix(reader, JSON_PARSE_MAX_BYTES)
    if more:
        return _text(data, more)
    try:
        document = json.loads(data.decode("utf-8-sig"))
        # A lone surrogate ("\ud800") is valid JSON but cannot be encoded: keep it as its escape.
        pretty = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8", "backslashreplace").decode()
    except (ValueError, RecursionError):
        # Invalid JSON, not UTF-8, too deeply nested, or a number too long to convert.
        return _text(data, more)
    text, truncated = _cut(pretty, TEXT_MAX_BYTES)
    return {"kind": "json", "text": text, "truncated": truncated}


def _value(reader: IO[bytes], kind: Any) -> dict[str, Any]:
    data, more = _read_prefix(reader, RAW_MAX_BYTES)
    if more:
        return _text(data, more)
    try:
        value = kind.parse_value(data.decode("utf-8"))
    except ValueError:
        # Not UTF-8, not of the kind, or an int longer than Python converts.
        return _text(data, more)
    truncated = False
    if isinstance(value, str):
        value, truncated = _cut(value, TEXT_MAX_BYTES)
    return {"kind": "value", "value": value, "truncated": truncated}


def _central_directory(handle: IO[bytes], size: int) -> tuple[int, int] | None:
    """The entry count and central directory size a zip declares, or None if it is not a zip."""
    tail_size = min(size, _EOCD.size + _EOCD_MAX_COMMENT)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(_EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < _EOCD.size:
        return None
    fields = _EOCD.unpack_from(tail, at)
    return fields[4], fields[5]


def _directory_entries(handle: IO[bytes], size: int) -> dict[str, Any]:
    declared = _central_directory(handle, size)
    if declared is None:
        return {"kind": "binary"}
    count, directory_size = declared
    # 0xFFFF / 0xFFFFFFFF: the real values are in ZIP64 records, and they are large.
    if count == 0xFFFF or directory_size > DIRECTORY_MAX_CENTRAL_DIRECTORY_BYTES:
        return {"kind": "directory", "entries": [], "count": None if count == 0xFFFF else count, "truncated": True}
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as bundle:
            members = bundle.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return {"kind": "binary"}
    entries = [
        {"name": _cut(member.filename, ENTRY_NAME_MAX_CHARS)[0], "size": member.file_size, "is_dir": member.is_dir()}
        for member in members[:DIRECTORY_MAX_ENTRIES]
    ]
    return {"kind": "directory", "entries": entries, "count": len(members), "truncated": len(members) > len(entries)}


def _directory(resource: Resource, reader: IO[bytes]) -> dict[str, Any]:
    if reader.seekable():
        return _directory_entries(reader, resource.size)
    if resource.size > DIRECTORY_MAX_SPOOL_BYTES:
        return {"kind": "directory", "entries": [], "count": None, "truncated": True}
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
        shutil.copyfileobj(reader, spool, CHUNK_SIZE)
        return _directory_entries(spool, spool.tell())


def resource_preview(resource: Resource) -> dict[str, Any]:
    """The preview of ``resource`` (see the module's docstring). FileNotFoundError if its bytes are gone."""
    try:
        kind: Any = resource_kind(resource.file_type)
    except UnknownResourceKind:
        # A kind removed from the configuration since: its bytes are still there.
        kind = None
    if kind is not None and issubclass(kind, ImageKind):
        return {"kind": "image"}
    with resource_open(resource) as reader:
        if kind is None:
            return _text(*_read_prefix(reader, TEXT_MAX_BYTES))
        if issubclass(kind, (CSV, TSV)):
            return _table(reader, "\t" if issubclass(kind, TSV) else ",")
        if issubclass(kind, Json):
            return _json(reader)
        if kind.raw:
            return _value(reader, kind)
        if issubclass(kind, Directory):
            return _directory(resource, reader)
        if issubclass(kind, PDF):
            return {"kind": "binary"}
        return _text(*_read_prefix(reader, TEXT_MAX_BYTES))


def resource_thumbnail(resource: Resource) -> bytes:
    """A PNG at most THUMBNAIL_SIZE pixels on a side of the image ``resource``.

    ThumbnailError when the resource is not an image Pillow reads among THUMBNAIL_FORMATS, or
    is larger than THUMBNAIL_MAX_INPUT_BYTES or THUMBNAIL_MAX_PIXELS (a decompression bomb stops
    at its header). FileNotFoundError if its bytes are gone.
    """
    try:
        is_image = issubclass(resource_kind(resource.file_type), ImageKind)
    except UnknownResourceKind:
        is_image = False
    if not is_image:
        raise ThumbnailError(f"a {resource.file_type} resource has no thumbnail")
    if resource.size > THUMBNAIL_MAX_INPUT_BYTES:
        raise ThumbnailError(f"the image is larger than {THUMBNAIL_MAX_INPUT_BYTES} bytes")
    with resource_open(resource) as reader:
        data, more = _read_prefix(reader, THUMBNAIL_MAX_INPUT_BYTES)
    if more:
        raise ThumbnailError(f"the image is larger than {THUMBNAIL_MAX_INPUT_BYTES} bytes")
    try:
        with Image.open(io.BytesIO(data), formats=THUMBNAIL_FORMATS) as image:
            width, height = image.size
            if width * height > THUMBNAIL_MAX_PIXELS:
                raise ThumbnailError(f"the image has more than {THUMBNAIL_MAX_PIXELS} pixels")
            # A JPEG is decoded at a reduced scale directly (thumbnail asks for a draft).
            image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            converted = image.convert("RGBA" if has_alpha else "RGB")
        output = io.BytesIO()
        converted.save(output, format="PNG")
    except ThumbnailError:
        raise
    except Exception as error:
        # Decoders of untrusted bytes fail in many ways (OSError, ValueError, SyntaxError,
        # DecompressionBombError, struct.error, ...): every one means "no thumbnail".
        raise ThumbnailError(f"the image cannot be read: {type(error).__name__}") from None
    return output.getvalue()
