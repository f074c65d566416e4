"""Resource kinds: preparing and checking node files, directories as zips, raw values, the registry."""

from __future__ import annotations

import os
import shutil
import stat
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from apps.resources.checks import check_resource_kinds
from apps.resources.kinds import (
    CSV,
    PDF,
    TSV,
    Directory,
    Executable,
    File,
    Image,
    Json,
    RawBool,
    RawColor,
    RawFloat,
    RawInt,
    RawResourceKind,
    RawStr,
    ResourceKind,
    ResourceValueError,
    UnknownResourceKind,
    resource_kind,
)
from apps.resources.storage import blob_download_to, blob_put_path
from plynx_site.plugins import load_plugins

FILE_KINDS = [File, CSV, TSV, Json, Image, PDF, Executable]
RAW_KINDS = [RawInt, RawFloat, RawStr, RawBool, RawColor]


class NotAKind:
    """Importable, but not a resource kind."""


def _tree(path: Path) -> dict[str, tuple[str, int, bytes | None]]:
    """Every entry under ``path``: its type, permission bits and, for files, content."""
    entries: dict[str, tuple[str, int, bytes | None]] = {}
    for item in sorted(path.rglob("*")):
        mode = stat.S_IMODE(item.lstat().st_mode)
        if item.is_dir():
            entries[item.relative_to(path).as_posix()] = ("dir", mode, None)
        else:
            entries[item.relative_to(path).as_posix()] = ("file", mode, item.read_bytes())
    return entries


def _build_tree(root: Path, *, reverse: bool = False, mtime: float | None = None) -> Path:
    """A small tree with nesting, an empty directory, an executable and non-ASCII names."""
    files = [
        ("a.txt", b"alpha\n", 0o644),
        ("b/c.csv", b"x,y\n1,2\n", 0o600),
        ("b/d/run.sh", b"#!/bin/sh\necho hi\n", 0o755),
        ("b/ünïcode.txt", "é".encode() * 1000, 0o644),
        ("z.bin", bytes(range(256)) * 64, 0o640),
    ]
    root.mkdir(parents=True)
    (root / "empty").mkdir()
    for name, content, mode in reversed(files) if reverse else files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        path.chmod(mode)
    if mtime is not None:
        for item in root.rglob("*"):
            os.utime(item, (mtime, mtime))
    return root


def _zip(entries: dict[str, bytes], path: Path, *, mode: int | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name)
            if mode is not None:
                info.external_attr = mode << 16
            bundle.writestr(info, content)
    return path


@pytest.mark.parametrize("kind", FILE_KINDS + RAW_KINDS, ids=lambda k: k.__name__)
def test_prepare_output_creates_an_empty_file(kind: type[ResourceKind], tmp_path: Path) -> None:
    path = tmp_path / "outputs" / "out"
    kind.prepare_output(path)
    assert path.is_file()
    assert path.read_bytes() == b""


def test_directory_prepare_output_creates_an_empty_directory(tmp_path: Path) -> None:
    path = tmp_path / "outputs" / "out"
    Directory.prepare_output(path)
    assert path.is_dir()
    assert list(path.iterdir()) == []


@pytest.mark.parametrize("kind", FILE_KINDS, ids=lambda k: k.__name__)
def test_a_file_is_uploaded_as_it_is(kind: type[ResourceKind], tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_text('{"a": 1}')
    kind.validate_output(path)
    assert kind.postprocess_output(path) == path


@pytest.mark.parametrize(
    ("kind", "make", "message"),
    [
        (File, lambda p: None, "out is missing or is not a regular file"),
        (File, lambda p: p.mkdir(), "out is missing or is not a regular file"),
        (File, lambda p: p.symlink_to("/etc/passwd"), "out is a symbolic link"),
        (Directory, lambda p: None, "out is missing or is not a directory"),
        (Directory, lambda p: p.write_text("x"), "out is missing or is not a directory"),
        (Directory, lambda p: p.symlink_to("/etc"), "out is a symbolic link"),
    ],
    ids=["file-missing", "file-is-dir", "file-symlink", "dir-missing", "dir-is-file", "dir-symlink"],
)
def test_validate_output_refuses_the_wrong_thing(
    kind: type[ResourceKind], make: Any, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "out"
    make(path)
    with pytest.raises(ResourceValueError, match=message):
        kind.validate_output(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "out is not valid JSON: the file is empty (line 1, column 1)"),
        (b'{"a": 1', "out is not valid JSON: Expecting ',' delimiter (line 1, column 8)"),
        (b'{"a": 1,}', "out is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 9)"),
        (b"[1]\n[2]", "out is not valid JSON: Extra data (line 2, column 1)"),
        (b'"\xff"', "out is not UTF-8 text (invalid start byte)"),
    ],
    ids=["empty", "truncated", "trailing-comma", "two-documents", "not-utf8"],
)
def test_json_output_must_parse(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_bytes(content)
    with pytest.raises(ResourceValueError) as raised:
        Json.validate_output(path)
    assert str(raised.value) == message


@pytest.mark.parametrize("content", [b"{}", b'[1, "two", null]', b"42", b'{"\xc3\xa9": true}\n'])
def test_json_output_that_parses_is_accepted(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_bytes(content)
    Json.validate_output(path)


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        (RawInt, "42\n", 42),
        (RawInt, "  -7 ", -7),
        (RawInt, "+0", 0),
        (RawFloat, "3.5\n", 3.5),
        (RawFloat, "-1e-3", -0.001),
        (RawFloat, "2", 2.0),
        (RawFloat, ".5", 0.5),
        (RawStr, "hello\n", "hello"),
        (RawStr, "two lines\n\n", "two lines\n"),
        (RawStr, "  spaced  ", "  spaced  "),
        (RawStr, "", ""),
        (RawBool, "true\n", True),
        (RawBool, "FALSE", False),
        (RawBool, "1", True),
        (RawBool, " 0 \n", False),
        (RawColor, "#fff\n", "#fff"),
        (RawColor, "#A0b1C2", "#A0b1C2"),
    ],
    ids=[
        "int",
        "int-spaces",
        "int-plus",
        "float",
        "float-exponent",
        "float-integer",
        "float-leading-dot",
        "str",
        "str-one-newline-only",
        "str-spaces-kept",
        "str-empty",
        "bool-true",
        "bool-upper",
        "bool-1",
        "bool-0",
        "color-short",
        "color-long",
    ],
)
def test_parse_value(kind: type[RawResourceKind], text: str, value: Any) -> None:
    parsed = kind.parse_value(text)
    assert parsed == value
    assert type(parsed) is type(value)


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (RawInt, "", "expected an integer, got ''"),
        (RawInt, "4.2", "expected an integer, got '4.2'"),
        (RawInt, "1_000", "expected an integer, got '1_000'"),
        (RawInt, "forty-two", "expected an integer, got 'forty-two'"),
        (RawFloat, "nan", "expected a number, got 'nan'"),
        (RawFloat, "1e999", "expected a finite number, got '1e999'"),
        (RawFloat, "1,5", "expected a number, got '1,5'"),
        (RawBool, "yes", "expected true, false, 1 or 0, got 'yes'"),
        (RawBool, "", "expected true, false, 1 or 0, got ''"),
        (RawColor, "red", "expected a colour as #rgb or #rrggbb, got 'red'"),
        (RawColor, "#abcd", "expected a colour as #rgb or #rrggbb, got '#abcd'"),
        (RawColor, "#ggg", "expected a colour as #rgb or #rrggbb, got '#ggg'"),
        (RawInt, "9" * 49 + "x", f"expected an integer, got '{'9' * 40}...'"),
    ],
    ids=[
        "int-empty",
        "int-float",
        "int-underscore",
        "int-word",
        "float-nan",
        "float-inf",
        "float-comma",
        "bool-yes",
        "bool-empty",
        "color-name",
        "color-4-digits",
        "color-not-hex",
        "long-text-shortened",
    ],
)
def test_parse_value_refuses_bad_text(kind: type[RawResourceKind], text: str, message: str) -> None:
    with pytest.raises(ResourceValueError) as raised:
        kind.parse_value(text)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("kind", "value", "text"),
    [
        (RawInt, 42, "42\n"),
        (RawInt, -3, "-3\n"),
        (RawFloat, 0.1, "0.1\n"),
        (RawFloat, 2, "2.0\n"),
        (RawFloat, 1e-20, "1e-20\n"),
        (RawStr, "hello", "hello\n"),
        (RawStr, "ends with newline\n", "ends with newline\n\n"),
        (RawBool, True, "true\n"),
        (RawBool, False, "false\n"),
        (RawColor, "#123abc", "#123abc\n"),
    ],
    ids=[
        "int",
        "int-negative",
        "float",
        "float-from-int",
        "float-small",
        "str",
        "str-newline",
        "true",
        "false",
        "color",
    ],
)
def test_format_value_is_the_inverse_of_parse_value(kind: type[RawResourceKind], value: Any, text: str) -> None:
    assert kind.format_value(value) == text
    assert kind.parse_value(text) == value


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (RawInt, True, "expected an integer, got True"),
        (RawInt, 1.5, "expected an integer, got 1.5"),
        (RawInt, "42", "expected an integer, got '42'"),
        (RawFloat, float("inf"), "expected a finite number, got inf"),
        (RawFloat, 10**400, "expected a finite number, got 1" + "0" * 400),
        (RawFloat, "1.5", "expected a number, got '1.5'"),
        (RawStr, 5, "expected a string, got 5"),
        (RawBool, 1, "expected a boolean, got 1"),
        (RawColor, "#12", "expected a colour as #rgb or #rrggbb, got '#12'"),
    ],
    ids=[
        "int-bool",
        "int-float",
        "int-str",
        "float-inf",
        "float-huge-int",
        "float-str",
        "str-int",
        "bool-int",
        "color",
    ],
)
def test_format_value_refuses_bad_values(kind: type[RawResourceKind], value: Any, message: str) -> None:
    with pytest.raises(ResourceValueError) as raised:
        kind.format_value(value)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        (RawInt, b"", "out: expected an integer, got ''"),
        (RawBool, b"maybe\n", "out: expected true, false, 1 or 0, got 'maybe\\n'"),
        (RawStr, b"\xff", "out is not UTF-8 text: invalid start byte at byte 0"),
        (RawStr, b"x" * (1024 * 1024 + 1), "out is larger than 1048576 bytes; not a RawStr value"),
    ],
    ids=["int-empty", "bool-word", "str-not-utf8", "str-too-large"],
)
def test_raw_output_must_hold_a_value(
    kind: type[RawResourceKind], content: bytes, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "out"
    path.write_bytes(content)
    with pytest.raises(ResourceValueError) as raised:
        kind.validate_output(path)
    assert str(raised.value) == message


@pytest.mark.parametrize("kind", [*FILE_KINDS, Directory], ids=lambda k: k.__name__)
def test_only_raw_kinds_carry_values(kind: type[ResourceKind]) -> None:
    assert kind.raw is False
    with pytest.raises(TypeError, match=f"{kind.__name__} carries a file, not a value"):
        kind.parse_value("42")
    with pytest.raises(TypeError, match=f"{kind.__name__} carries a file, not a value"):
        kind.format_value(42)


def test_raw_output_value_is_read_back(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_text("17\n")
    RawInt.validate_output(path)
    assert RawInt.read_value(path) == 17


@pytest.mark.parametrize(("kind", "executable"), [(File, False), (Executable, True)], ids=["file", "executable"])
def test_prepare_input_moves_the_blob_into_place(kind: type[ResourceKind], executable: bool, tmp_path: Path) -> None:
    blob = tmp_path / "blob"
    blob.write_bytes(b"#!/bin/sh\n")
    blob.chmod(0o644)
    target = tmp_path / "inputs" / "script"
    assert kind.prepare_input(blob, target) == target
    assert not blob.exists()
    assert target.read_bytes() == b"#!/bin/sh\n"
    assert stat.S_IMODE(target.stat().st_mode) == (0o755 if executable else 0o644)
    assert os.access(target, os.X_OK) is executable


def test_directory_round_trip_through_storage(storage: str, tmp_path: Path) -> None:
    source = _build_tree(tmp_path / "work" / "out")
    Directory.validate_output(source)
    archive = Directory.postprocess_output(source)
    assert archive.parent == source.parent
    assert archive.suffix == ".zip"
    info = blob_put_path(archive)

    blob = tmp_path / "downloaded"
    blob_download_to(info.key, blob)
    target = tmp_path / "inputs" / "data"
    assert Directory.prepare_input(blob, target) == target
    assert not blob.exists()
    assert _tree(target) == _tree(source)
    assert _tree(target)["b/d/run.sh"] == ("file", 0o755, b"#!/bin/sh\necho hi\n")
    assert _tree(target)["empty"] == ("dir", stat.S_IMODE(source.joinpath("empty").stat().st_mode), None)


def test_identical_trees_give_identical_zips(tmp_path: Path) -> None:
    first = _build_tree(tmp_path / "one" / "out", mtime=1_000_000_000)
    second = _build_tree(tmp_path / "two" / "other-name", reverse=True, mtime=time.time())
    first_bytes = Directory.postprocess_output(first).read_bytes()
    assert Directory.postprocess_output(second).read_bytes() == first_bytes

    (second / "a.txt").write_bytes(b"changed\n")
    assert Directory.postprocess_output(second).read_bytes() != first_bytes


def test_zip_entries_carry_nothing_but_names_content_and_modes(tmp_path: Path) -> None:
    archive = Directory.postprocess_output(_build_tree(tmp_path / "out"))
    with zipfile.ZipFile(archive) as bundle:
        infos = bundle.infolist()
        assert [i.filename for i in infos] == [
            "a.txt",
            "b/",
            "b/c.csv",
            "b/d/",
            "b/d/run.sh",
            "b/ünïcode.txt",
            "empty/",
            "z.bin",
        ]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.extra for i in infos} == {b""}
        assert {i.create_system for i in infos} == {3}
        assert stat.S_IMODE(bundle.getinfo("b/d/run.sh").external_attr >> 16) == 0o755
        assert stat.S_IMODE(bundle.getinfo("b/c.csv").external_attr >> 16) == 0o600
        assert bundle.comment == b""


def test_an_empty_directory_round_trips(tmp_path: Path) -> None:
    source = tmp_path / "out"
    Directory.prepare_output(source)
    archive = Directory.postprocess_output(source)
    target = tmp_path / "in"
    Directory.prepare_input(archive, target)
    assert target.is_dir()
    assert list(target.iterdir()) == []


def test_a_symlink_inside_a_directory_output_is_refused(tmp_path: Path) -> None:
    source = _build_tree(tmp_path / "out")
    (source / "b" / "link").symlink_to("/etc/passwd")
    with pytest.raises(ResourceValueError, match="b/link in directory out is a symbolic link; refused"):
        Directory.postprocess_output(source)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_special_file_inside_a_directory_output_is_refused(tmp_path: Path) -> None:
    source = _build_tree(tmp_path / "out")
    os.mkfifo(source / "b" / "pipe")
    with pytest.raises(ResourceValueError, match="b/pipe in directory out is not a regular file; refused"):
        Directory.postprocess_output(source)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.txt", "points outside the directory"),
        ("a/../../evil.txt", "points outside the directory"),
        ("/tmp/evil.txt", "has an absolute path"),
        ("C:/evil.txt", "has an absolute path"),
        ("..\\evil.txt", "points outside the directory"),
    ],
    ids=["parent", "nested-parent", "absolute", "drive", "backslash"],
)
def test_zip_slip_is_refused(name: str, message: str, tmp_path: Path) -> None:
    archive = _zip({"good.txt": b"fine", name: b"evil"}, tmp_path / "blob.zip")
    target = tmp_path / "work" / "inputs" / "data"
    with pytest.raises(ResourceValueError, match=message):
        Directory.prepare_input(archive, target)
    assert not target.exists()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "blob.zip",
        "work",
        "work/inputs",
    ]


def test_a_symlink_entry_is_refused(tmp_path: Path) -> None:
    archive = _zip({"link": b"/etc/passwd"}, tmp_path / "blob.zip", mode=stat.S_IFLNK | 0o777)
    target = tmp_path / "data"
    with pytest.raises(ResourceValueError, match="zip entry 'link' is a symbolic link; refused"):
        Directory.prepare_input(archive, target)
    assert not target.exists()


def test_an_archive_that_would_not_fit_on_the_disk_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A zip bomb in small: more to unpack than the disk has free.
    archive = _zip({"zeros": bytes(1024 * 1024)}, tmp_path / "blob.zip")
    free_space = shutil.disk_usage(tmp_path)._replace(free=512 * 1024)
    monkeypatch.setattr("apps.resources.kinds.shutil.disk_usage", lambda path: free_space)
    target = tmp_path / "data"
    with pytest.raises(ResourceValueError, match="unpacks to 1048576 bytes, more than the 524288 bytes free"):
        Directory.prepare_input(archive, target)
    assert not target.exists()


def test_a_directory_input_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    blob = tmp_path / "blob"
    blob.write_bytes(b"not a zip")
    target = tmp_path / "data"
    with pytest.raises(ResourceValueError, match="the directory input is not a valid zip archive"):
        Directory.prepare_input(blob, target)
    assert not target.exists()


@pytest.mark.parametrize(
    ("kind", "cls", "raw"),
    [
        ("file", File, False),
        ("csv", CSV, False),
        ("tsv", TSV, False),
        ("json", Json, False),
        ("image", Image, False),
        ("pdf", PDF, False),
        ("directory", Directory, False),
        ("executable", Executable, False),
        ("int", RawInt, True),
        ("float", RawFloat, True),
        ("str", RawStr, True),
        ("bool", RawBool, True),
        ("color", RawColor, True),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_registry_resolves_every_configured_kind(kind: str, cls: type[ResourceKind], raw: bool) -> None:
    assert resource_kind(kind) is cls
    assert cls.raw is raw


def test_registry_refuses_an_unknown_kind() -> None:
    with pytest.raises(UnknownResourceKind) as raised:
        resource_kind("spreadsheet")
    assert str(raised.value) == (
        "unknown resource kind 'spreadsheet'; configured kinds: "
        "file, csv, tsv, json, image, pdf, directory, executable, int, float, str, bool, color"
    )


def _configure(settings: Any, tmp_path: Path, resources: str) -> None:
    path = tmp_path / "plugins.yaml"
    path.write_text(f"resources:\n{resources}")
    settings.PLYNX_PLUGINS = load_plugins(path)


def test_registry_uses_the_configured_class(settings: Any, tmp_path: Path) -> None:
    _configure(settings, tmp_path, "  - {kind: csv, title: CSV, cls: apps.resources.kinds.File}\n")
    assert resource_kind("csv") is File


def test_registry_refuses_a_class_that_is_not_a_kind(settings: Any, tmp_path: Path) -> None:
    _configure(settings, tmp_path, "  - {kind: csv, title: CSV, cls: tests.resources.test_kinds.NotAKind}\n")
    with pytest.raises(ImproperlyConfigured) as raised:
        resource_kind("csv")
    assert str(raised.value) == (
        "resource class 'tests.resources.test_kinds.NotAKind' is not a subclass of ResourceKind"
    )


def test_system_check_passes_on_the_default_configuration() -> None:
    assert check_resource_kinds() == []


def test_system_check_reports_bad_resource_classes(settings: Any, tmp_path: Path) -> None:
    _configure(
        settings,
        tmp_path,
        "  - {kind: csv, title: CSV, cls: apps.resources.kinds.Missing}\n"
        "  - {kind: tsv, title: TSV, cls: tests.resources.test_kinds.NotAKind}\n"
        "  - {kind: int, title: Integer, cls: apps.resources.kinds.RawInt, raw: false}\n",
    )
    errors = [e for e in run_checks() if e.id and e.id.startswith("resources.")]
    assert [(e.id, e.msg) for e in errors] == [
        (
            "resources.E001",
            "resources.csv: resource class 'apps.resources.kinds.Missing' cannot be imported: "
            'Module "apps.resources.kinds" does not define a "Missing" attribute/class',
        ),
        (
            "resources.E001",
            "resources.tsv: resource class 'tests.resources.test_kinds.NotAKind' is not a subclass of ResourceKind",
        ),
        (
            "resources.E002",
            "resources.int: raw is false in the plugin configuration but apps.resources.kinds.RawInt.raw is True",
        ),
    ]
