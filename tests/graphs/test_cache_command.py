"""``manage.py cache list|clean`` with time ranges, confirmation and protected entries."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.graphs.models import NodeCache
from tests.cli import manage
from tests.factories import NodeCacheFactory, RunFactory

pytestmark = pytest.mark.django_db


def entry_at(moment: str, **fields: object) -> NodeCache:
    entry = NodeCacheFactory(**fields)
    NodeCache.objects.filter(pk=entry.pk).update(created_at=datetime.fromisoformat(moment).replace(tzinfo=UTC))
    entry.refresh_from_db()
    return entry


@pytest.fixture
def entries() -> dict[str, NodeCache]:
    run = RunFactory()
    return {
        "march": entry_at("2024-03-10T08:00:00", run=run, outputs={"out": "5d27e3bd0f432b5e3693314c"}),
        "may": entry_at("2024-05-01T12:00:00", protected=True),
        "june": entry_at("2024-06-30T23:59:00"),
        "gone": entry_at("2024-05-02T00:00:00", removed=True),
    }


def run_cache(*args: str) -> str:
    out = StringIO()
    call_command("cache", *args, stdout=out)
    return out.getvalue()


def listed(*args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(StringIO(run_cache("list", *args))))


def test_list_everything_live_oldest_first(entries: dict[str, NodeCache]) -> None:
    rows = listed()
    assert [int(row["id"]) for row in rows] == [entries["march"].pk, entries["may"].pk, entries["june"].pk]
    march = rows[0]
    assert march["key"] == entries["march"].key
    assert march["run_id"] == entries["march"].run_id
    assert json.loads(march["outputs"]) == {"out": "5d27e3bd0f432b5e3693314c"}
    assert march["created_at"] == "2024-03-10T08:00:00+00:00"
    assert [row["protected"] for row in rows] == ["no", "yes", "no"]


def test_list_by_range(entries: dict[str, NodeCache]) -> None:
    assert [int(r["id"]) for r in listed("--start-datetime", "2024-04-01")] == [entries["may"].pk, entries["june"].pk]
    # A date as the end means the end of that day.
    assert [int(r["id"]) for r in listed("--end-datetime", "2024-06-30")] == [
        entries["march"].pk,
        entries["may"].pk,
        entries["june"].pk,
    ]
    assert [
        int(r["id"]) for r in listed("--start-datetime", "2024-05-01T12:00:00", "--end-datetime", "2024-05-01T12:00:00")
    ] == [entries["may"].pk]
    assert [
        int(r["id"])
        for r in listed("--start-datetime", "2024-05-01T14:00:00+02:00", "--end-datetime", "2024-05-01T14:00:00+02:00")
    ] == [entries["may"].pk]


def test_clean_deletes_unprotected_entries_in_range(entries: dict[str, NodeCache]) -> None:
    output = run_cache("clean", "--start-datetime", "2024-04-01", "--yes")
    assert output == "Deleted 1 cache entries; kept 1 protected.\n"
    assert set(NodeCache.objects.values_list("pk", flat=True)) == {
        entries["march"].pk,
        entries["may"].pk,
        entries["gone"].pk,
    }


def test_clean_everything(entries: dict[str, NodeCache]) -> None:
    assert run_cache("clean", "-y") == "Deleted 2 cache entries; kept 1 protected.\n"
    assert set(NodeCache.objects.values_list("pk", flat=True)) == {entries["may"].pk, entries["gone"].pk}


def test_clean_without_yes_and_without_a_terminal_refuses(entries: dict[str, NodeCache]) -> None:
    with pytest.raises(CommandError, match="Refusing to delete 2 cache entries without --yes"):
        run_cache("clean")
    assert NodeCache.objects.count() == 4


def test_clean_asks_on_a_terminal(entries: dict[str, NodeCache], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert run_cache("clean") == "Nothing deleted.\n"
    assert NodeCache.objects.count() == 4
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert run_cache("clean") == "Deleted 2 cache entries; kept 1 protected.\n"
    assert NodeCache.objects.count() == 2


def test_clean_an_empty_range(entries: dict[str, NodeCache]) -> None:
    assert run_cache("clean", "--end-datetime", "2020-01-01", "--yes") == (
        "No unprotected cache entries in that range.\n"
    )
    assert NodeCache.objects.count() == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start-datetime", "yesterday"], "--start-datetime: invalid date/time 'yesterday'"),
        (["--end-datetime", "2024-13-01"], "--end-datetime: invalid date/time '2024-13-01'"),
        (
            ["--start-datetime", "2024-06-01", "--end-datetime", "2024-05-01"],
            "--start-datetime is after --end-datetime",
        ),
    ],
)
@pytest.mark.parametrize("mode", ["list", "clean"])
def test_bad_ranges(entries: dict[str, NodeCache], mode: str, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run_cache(mode, *args)
    assert NodeCache.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_real_command_line() -> None:
    entry_at("2024-03-10T08:00:00")
    listing = manage("cache", "list")
    assert listing.returncode == 0, listing.stderr
    assert len(listing.stdout.splitlines()) == 2
    refused = manage("cache", "clean", stdin="")
    assert refused.returncode == 1
    assert "Refusing to delete 1 cache entries without --yes" in refused.stderr
    bad = manage("cache", "list", "--start-datetime", "soon")
    assert bad.returncode == 1
    assert "invalid date/time 'soon'" in bad.stderr
    cleaned = manage("cache", "clean", "--yes")
    assert cleaned.stdout == "Deleted 1 cache entries; kept 0 protected.\n"
    assert NodeCache.objects.count() == 0
