"""Reading a node's logs: the live copy while it runs, the stored log once it has ended."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.graphs import selectors
from apps.graphs.api.serializers import LOG_MAX_LIMIT
from apps.graphs.choices import NodeRunningStatus
from apps.graphs.models import NodeRun
from apps.graphs.selectors import node_run_log_get
from apps.resources.storage import blob_put_path, live_log_key, live_put_path
from apps.users.models import User
from tests.factories import ResourceFactory
from tests.graphs.api.conftest import frozen_run, node_of
from tests.resources.conftest import _empty_bucket, _local_storage, _s3_storage, _set_default_storage, reset_storages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user", "log_storage")]


@pytest.fixture(params=["local", "s3"])
def log_storage(request: pytest.FixtureRequest, settings: Any, tmp_path: Path, monkeypatch: Any) -> Iterator[str]:
    """Logs in a local directory (read by seeking) or in S3 (read as a stream, in tiny chunks here
    so that offsets, limits and tails fall across chunk boundaries)."""
    if request.param == "local":
        _set_default_storage(settings, _local_storage(tmp_path / "artifacts"))
    else:
        endpoint = request.getfixturevalue("s3_endpoint")
        _empty_bucket(endpoint)
        _set_default_storage(settings, _s3_storage(endpoint))
        monkeypatch.setattr(selectors, "CHUNK_SIZE", 3)
    yield request.param
    reset_storages()


S = NodeRunningStatus


@pytest.fixture
def client(client_as: Callable[[str], APIClient]) -> APIClient:
    return client_as("owner")


def stored_log(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "log"
    path.write_bytes(data)
    blob = blob_put_path(path)
    return str(ResourceFactory(sha256=blob.sha256, size=blob.size, storage_key=blob.key, file_type="file").pk)


def live_log(tmp_path: Path, node: NodeRun, data: bytes, name: str = "stdout") -> None:
    path = tmp_path / f"live-{name}"
    path.write_bytes(data)
    live_put_path(live_log_key(node.run_id, node.node_id, node.attempt, name), path)


def running_node(owner: User) -> NodeRun:
    run = frozen_run(owner, status="RUNNING", node_statuses=(S.RUNNING,))
    return node_of(run)


def read(client: APIClient, node: NodeRun, name: str = "stdout", **query: Any) -> dict[str, Any]:
    response = client.get(f"/api/v1/runs/{node.run_id}/nodes/{node.node_id}/logs/{name}/", query)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def test_a_running_node_is_followed_through_its_live_copy(client: APIClient, owner: User, tmp_path: Path) -> None:
    node = running_node(owner)
    live_log(tmp_path, node, b"first\n")
    first = read(client, node)
    assert first == {
        "text": "first\n",
        "start": 0,
        "offset": 6,
        "size": 6,
        "complete": False,
        "attempt": 1,
        "live": True,
    }
    assert read(client, node, offset=6)["text"] == ""
    live_log(tmp_path, node, b"first\nsecond\n")
    second = read(client, node, offset=first["offset"])
    assert (second["text"], second["offset"], second["size"], second["complete"]) == ("second\n", 13, 13, False)


def test_a_finished_node_is_read_from_its_stored_log(client: APIClient, owner: User, tmp_path: Path) -> None:
    run = frozen_run(owner, status="SUCCESS", node_statuses=(S.SUCCESS,))
    node = node_of(run)
    node.logs = {"stdout": stored_log(tmp_path, b"line 1\nline 2\n"), "stderr": stored_log(tmp_path, b"oops\n")}
    node.save()
    assert read(client, node) == {
        "text": "line 1\nline 2\n",
        "start": 0,
        "offset": 14,
        "size": 14,
        "complete": True,
        "attempt": 1,
        "live": False,
    }
    assert read(client, node, "stderr")["text"] == "oops\n"
    partial = read(client, node, offset=2, limit=5)
    assert (partial["text"], partial["start"], partial["offset"], partial["complete"]) == ("ne 1\n", 2, 7, False)
    assert read(client, node, tail=7)["text"] == "line 2\n"
    assert read(client, node, tail=100)["text"] == "line 1\nline 2\n"
    beyond = read(client, node, offset=100)
    assert (beyond["text"], beyond["offset"], beyond["size"], beyond["complete"]) == ("", 100, 14, True)


def test_a_node_without_a_log_gives_an_empty_one(client: APIClient, owner: User) -> None:
    run = frozen_run(owner, status="RUNNING", node_statuses=(S.SUCCESS, S.IN_QUEUE, S.RUNNING))
    finished, queued, running = (node_of(run, index) for index in range(3))
    assert read(client, finished, "worker")["complete"] is True
    assert read(client, queued)["complete"] is False
    # Running for less than a second: nothing was copied yet.
    assert read(client, running) == {
        "text": "",
        "start": 0,
        "offset": 0,
        "size": 0,
        "complete": False,
        "attempt": 1,
        "live": True,
    }


def test_a_character_cut_by_the_limit_is_left_for_the_next_read(client: APIClient, owner: User, tmp_path: Path) -> None:
    node = running_node(owner)
    live_log(tmp_path, node, "añb€".encode())
    first = read(client, node, limit=2)
    assert (first["text"], first["offset"]) == ("a", 1)
    second = read(client, node, offset=1, limit=4)
    assert (second["text"], second["offset"]) == ("ñb", 4)
    # A live copy may end inside a character: it is completed by a later copy.
    live_log(tmp_path, node, "añb€".encode()[:-1])
    assert read(client, node, offset=4)["text"] == ""
    # The last bytes start at the first byte of a character.
    assert read(client, node, tail=2)["text"] == ""
    assert read(client, node, tail=3)["text"] == "b"


def test_invalid_bytes_are_replaced(client: APIClient, owner: User, tmp_path: Path) -> None:
    run = frozen_run(owner, status="FAILED", node_statuses=(S.FAILED,))
    node = node_of(run)
    node.logs = {"stderr": stored_log(tmp_path, b"bad \xff\xfe byte\n")}
    node.save()
    assert read(client, node, "stderr")["text"] == "bad \ufffd\ufffd byte\n"


def test_a_node_that_ends_while_read_is_read_from_its_stored_log(owner: User, tmp_path: Path) -> None:
    node = running_node(owner)
    seen_running = NodeRun.objects.get(pk=node.pk)
    # It ended after the reader loaded it: its live copy is gone, its log is stored.
    NodeRun.objects.filter(pk=node.pk).update(
        status=S.SUCCESS, finished_at=timezone.now(), logs={"stdout": stored_log(tmp_path, b"all\n")}
    )
    chunk = node_run_log_get(node_run=seen_running, name="stdout", offset=0, limit=100)
    assert (chunk.text, chunk.complete, chunk.live) == ("all\n", True, False)


@pytest.mark.parametrize(
    "query",
    [
        {"offset": -1},
        {"offset": "abc"},
        {"limit": 0},
        {"limit": LOG_MAX_LIMIT + 1},
        {"tail": -5},
        {"tail": "x"},
    ],
    ids=["negative-offset", "text-offset", "zero-limit", "huge-limit", "negative-tail", "text-tail"],
)
def test_bad_log_queries_are_refused(client: APIClient, owner: User, query: dict[str, Any]) -> None:
    node = running_node(owner)
    response = client.get(f"/api/v1/runs/{node.run_id}/nodes/{node.node_id}/logs/stdout/", query)
    assert response.status_code == 400
    assert list(response.json()) == list(query)


TEXT = "naïve → 日本語 ok 🙂\nline two ñ\n"


@pytest.mark.parametrize("limit", [4, 5, 6, 7, 64])
def test_reading_in_pieces_gives_back_the_whole_text(
    client: APIClient, owner: User, tmp_path: Path, limit: int
) -> None:
    run = frozen_run(owner, status="SUCCESS", node_statuses=(S.SUCCESS,))
    node = node_of(run)
    node.logs = {"stdout": stored_log(tmp_path, TEXT.encode())}
    node.save()
    offset, text = 0, ""
    for _ in range(len(TEXT.encode())):
        chunk = read(client, node, offset=offset, limit=limit)
        text, offset = text + chunk["text"], chunk["offset"]
        if chunk["complete"]:
            break
    assert text == TEXT
    assert offset == len(TEXT.encode())


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_a_limit_shorter_than_a_character_still_moves_on(
    client: APIClient, owner: User, tmp_path: Path, limit: int
) -> None:
    node = running_node(owner)
    live_log(tmp_path, node, "🙂🙂".encode())
    offsets: list[int] = []
    offset = 0
    for _ in range(8):
        offset = read(client, node, offset=offset, limit=limit)["offset"]
        offsets.append(offset)
        if offset == 8:
            break
    steps = [after - before for before, after in zip([0, *offsets], offsets, strict=False)]
    assert offsets[-1] == 8
    assert all(0 < step <= limit for step in steps)
