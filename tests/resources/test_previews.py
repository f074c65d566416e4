"""Previews of every resource kind: bounded, plain data, never markup."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from apps.resources.models import Resource
from apps.resources.previews import (
    CELL_MAX_CHARS,
    DIRECTORY_MAX_ENTRIES,
    TABLE_MAX_BYTES,
    TABLE_MAX_COLUMNS,
    TABLE_MAX_ROWS,
    TEXT_MAX_BYTES,
    resource_preview,
)
from apps.resources.services import resource_create_from_stream

pytestmark = pytest.mark.django_db


def preview(data: bytes, file_type: str) -> dict[str, Any]:
    resource = resource_create_from_stream(stream=io.BytesIO(data), file_type=file_type, original_name="x")
    return resource_preview(resource)


def zipped(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name in names:
            bundle.writestr(name, b"" if name.endswith("/") else name.encode())
    return buffer.getvalue()


# Tables


def test_a_csv_is_a_table_of_strings(storage: str) -> None:
    data = b'name,note\n<b>bold</b>,"a, b"\n\xc3\xa9t\xc3\xa9,"two\nlines"\n'
    assert preview(data, "csv") == {
        "kind": "table",
        "columns": ["name", "note"],
        "rows": [["<b>bold</b>", "a, b"], ["\u00e9t\u00e9", "two\nlines"]],
        "truncated": False,
    }


def test_a_tsv_splits_on_tabs(local_storage: Any) -> None:
    assert preview(b"a\tb,c\n1\t2\n", "tsv") == {
        "kind": "table",
        "columns": ["a", "b,c"],
        "rows": [["1", "2"]],
        "truncated": False,
    }


def test_an_empty_table(local_storage: Any) -> None:
    assert preview(b"", "csv") == {"kind": "table", "columns": [], "rows": [], "truncated": False}


def test_a_table_shows_its_first_rows(local_storage: Any) -> None:
    data = b"n\n" + b"".join(f"{i}\n".encode() for i in range(TABLE_MAX_ROWS + 10))
    result = preview(data, "csv")
    assert result["rows"] == [[str(i)] for i in range(TABLE_MAX_ROWS)]
    assert result["truncated"] is True


def test_exactly_the_row_limit_is_not_truncated(local_storage: Any) -> None:
    data = b"n\n" + b"".join(f"{i}\n".encode() for i in range(TABLE_MAX_ROWS))
    assert preview(data, "csv")["truncated"] is False


def test_long_cells_and_wide_rows_are_cut(local_storage: Any) -> None:
    wide = ",".join(str(i) for i in range(TABLE_MAX_COLUMNS + 5)).encode()
    result = preview(wide + b"\n" + b"y" * 1000 + b"\n", "csv")
    assert result["columns"] == [str(i) for i in range(TABLE_MAX_COLUMNS)]
    assert result["rows"] == [["y" * (CELL_MAX_CHARS - 1) + "\u2026"]]
    assert result["truncated"] is True


def test_a_large_table_reads_a_bounded_prefix_of_whole_lines(local_storage: Any) -> None:
    line = b"x" * 99 + b"\n"
    data = b"h\n" + line * (2 * TABLE_MAX_BYTES // len(line))
    result = preview(data, "csv")
    assert len(result["rows"]) == TABLE_MAX_ROWS
    assert result["rows"][0] == ["x" * 99]
    assert result["truncated"] is True


def test_a_field_too_long_for_the_csv_module_shows_as_text(local_storage: Any) -> None:
    data = b'"' + b"z" * (TABLE_MAX_BYTES - 10)
    result = preview(data, "csv")
    assert result["kind"] == "text"
    assert result["truncated"] is True
    assert len(result["text"]) == TEXT_MAX_BYTES


# JSON


def test_json_is_pretty_printed(storage: str) -> None:
    assert preview(b'{"a":[1,2],"b":"<i>x</i>","c":"\xc3\xa9"}', "json") == {
        "kind": "json",
        "text": '{\n  "a": [\n    1,\n    2\n  ],\n  "b": "<i>x</i>",\n  "c": "\u00e9"\n}',
        "truncated": False,
    }


def test_a_lone_surrogate_in_json_stays_escaped(local_storage: Any) -> None:
    assert preview(b'["\\ud800", "\\u00e9"]', "json") == {
        "kind": "json",
        "text": '[\n  "\\ud800",\n  "\u00e9"\n]',
        "truncated": False,
    }


def test_long_json_is_cut(local_storage: Any) -> None:
    result = preview(json.dumps(["v" * 100] * 2000).encode(), "json")
    assert (result["kind"], len(result["text"]), result["truncated"]) == ("json", TEXT_MAX_BYTES, True)
    assert result["text"].endswith("\u2026")


@pytest.mark.parametrize(
    "data",
    [b"{not json", b"[" * 100_000 + b"]" * 100_000, b"1" * 5000, b"\xff\xfe{}"],
    ids=["invalid", "deeply nested", "huge number", "not utf-8"],
)
def test_json_that_does_not_parse_shows_as_text(local_storage: Any, data: bytes) -> None:
    result = preview(data, "json")
    assert result["kind"] == "text"
    assert result["text"] == data[:TEXT_MAX_BYTES].decode("utf-8", errors="replace")


def test_json_too_large_to_parse_shows_as_text(local_storage: Any) -> None:
    data = json.dumps({"k": "v" * 2 * 1024 * 1024}).encode()
    result = preview(data, "json")
    assert (result["kind"], result["text"], result["truncated"]) == (
        "text",
        data[:TEXT_MAX_BYTES].decode(),
        True,
    )


# Text and binary


def test_a_text_file_is_text_with_bad_bytes_replaced(local_storage: Any) -> None:
    assert preview(b"hello \xff <script>\n", "file") == {
        "kind": "text",
        "text": "hello \ufffd <script>\n",
        "truncated": False,
    }


def test_a_long_text_is_cut_without_a_broken_character(local_storage: Any) -> None:
    data = b"a" + "\u00e9".encode() * TEXT_MAX_BYTES
    result = preview(data, "executable")
    assert result["truncated"] is True
    # The prefix ends inside a two-byte character: it is left out, not replaced.
    assert result["text"] == "a" + "\u00e9" * ((TEXT_MAX_BYTES - 1) // 2)


@pytest.mark.parametrize(
    ("data", "file_type"),
    [(b"\x7fELF\x00\x01", "file"), (b"%PDF-1.7\n", "pdf"), (b"PK\x00\x00", "executable")],
    ids=["nul bytes", "pdf", "binary executable"],
)
def test_binary_content(local_storage: Any, data: bytes, file_type: str) -> None:
    assert preview(data, file_type) == {"kind": "binary"}


def test_a_kind_no_longer_configured_shows_as_text(local_storage: Any) -> None:
    resource = resource_create_from_stream(stream=io.BytesIO(b"old"), file_type="file")
    Resource.objects.filter(pk=resource.pk).update(file_type="retired")
    resource.refresh_from_db()
    assert resource_preview(resource) == {"kind": "text", "text": "old", "truncated": False}


# Raw values


@pytest.mark.parametrize(
    ("data", "file_type", "value"),
    [
        (b"42\n", "int", 42),
        (b"-1.5\n", "float", -1.5),
        (b"<b>hi</b>\n", "str", "<b>hi</b>"),
        (b"TRUE", "bool", True),
        (b"#abc\n", "color", "#abc"),
    ],
    ids=["int", "float", "str", "bool", "color"],
)
def test_a_raw_resource_shows_its_value(local_storage: Any, data: bytes, file_type: str, value: Any) -> None:
    assert preview(data, file_type) == {"kind": "value", "value": value, "truncated": False}


def test_a_long_string_value_is_cut(local_storage: Any) -> None:
    result = preview(b"s" * (TEXT_MAX_BYTES + 10), "str")
    assert (result["kind"], len(result["value"]), result["truncated"]) == ("value", TEXT_MAX_BYTES, True)


def test_an_int_too_long_for_python_shows_as_text(local_storage: Any) -> None:
    assert preview(b"9" * 5000, "int") == {"kind": "text", "text": "9" * 5000, "truncated": False}


def test_a_raw_resource_that_does_not_parse_shows_as_text(local_storage: Any) -> None:
    assert preview(b"forty-two", "int") == {"kind": "text", "text": "forty-two", "truncated": False}


# Directories


def test_a_directory_lists_its_entries(storage: str) -> None:
    assert preview(zipped(["a.txt", "sub/", "sub/b.csv"]), "directory") == {
        "kind": "directory",
        "entries": [
            {"name": "a.txt", "size": 5, "is_dir": False},
            {"name": "sub/", "size": 0, "is_dir": True},
            {"name": "sub/b.csv", "size": 9, "is_dir": False},
        ],
        "count": 3,
        "truncated": False,
    }


def test_a_long_listing_is_cut(local_storage: Any) -> None:
    result = preview(zipped([f"f{i}" for i in range(DIRECTORY_MAX_ENTRIES + 1)]), "directory")
    assert (len(result["entries"]), result["count"], result["truncated"]) == (
        DIRECTORY_MAX_ENTRIES,
        DIRECTORY_MAX_ENTRIES + 1,
        True,
    )


def test_a_huge_central_directory_is_not_read(local_storage: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("apps.resources.previews.DIRECTORY_MAX_CENTRAL_DIRECTORY_BYTES", 100)
    result = preview(zipped([f"f{i}" for i in range(10)]), "directory")
    assert result == {"kind": "directory", "entries": [], "count": 10, "truncated": True}


def test_a_zip_too_large_to_fetch_from_s3_is_not_listed(storage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("apps.resources.previews.DIRECTORY_MAX_SPOOL_BYTES", 10)
    result = preview(zipped(["a.txt"]), "directory")
    if storage == "s3":
        assert result == {"kind": "directory", "entries": [], "count": None, "truncated": True}
    else:
        # A local file is read in place, whatever its size.
        assert result["count"] == 1


def _broken_central_directory() -> bytes:
    data = zipped(["a.txt"])
    return data.replace(b"PK\x01\x02", b"XX\x01\x02")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"not a zip at all", {"kind": "binary"}),
        (_broken_central_directory(), {"kind": "binary"}),
        (b"PK\x05\x06" + b"\x00" * 18, {"kind": "directory", "entries": [], "count": 0, "truncated": False}),
        (
            b"PK\x05\x06" + b"\x00" * 4 + b"\xff" * 4 + b"\x00" * 10,
            {"kind": "directory", "entries": [], "count": None, "truncated": True},
        ),
    ],
    ids=["text", "broken central directory", "empty zip", "zip64 count"],
)
def test_zips_that_cannot_be_listed(local_storage: Any, data: bytes, expected: dict[str, Any]) -> None:
    assert preview(data, "directory") == expected


# Images


def test_an_image_previews_as_an_image(local_storage: Any) -> None:
    assert preview(b"\x89PNG", "image") == {"kind": "image"}
