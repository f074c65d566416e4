"""The seed's v0 API, search: search_graphs and search_nodes with the search string, paging and statuses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.users.policies import IAMPolicy
from tests.api_v0.test_read import PASSWORD, V0, basic, person
from tests.factories import NodeFactory, RunFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(settings: Any) -> tuple[Any, Any]:
    settings.PLYNX_MULTI_USER = True
    alice, bob = person(), person()
    alice.username, bob.username = "alice", "bob"
    alice.save()
    bob.save()
    return alice, bob


def search(path: str, body: dict[str, Any], user: Any) -> Any:
    return APIClient().post(f"{V0}/{path}", body, format="json", **basic(user.username, PASSWORD))


def test_search_graphs_by_author_text_paging_and_running_status(people: tuple[Any, Any]) -> None:
    alice, bob = people
    first = NodeFactory(kind="workflow", title="split report", author=alice)
    second = NodeFactory(kind="workflow", title="other report", author=alice)
    NodeFactory(kind="workflow", title="split", author=bob)
    NodeFactory(kind="python", title="split", author=alice)
    ended = datetime(2026, 1, 2, tzinfo=UTC)
    RunFactory(workflow=first, author=alice, status="SUCCESS", started_at=ended, finished_at=ended)

    body = search("search_graphs", {"per_page": 1, "search": "author:alice"}, alice).json()
    assert body["status"] == "SUCCESS"
    assert body["total_count"] == 2
    assert [item["_id"] for item in body["items"]] == [second.id]
    page_two = search("search_graphs", {"per_page": 1, "offset": 1, "search": "author:alice"}, alice).json()
    assert [item["_id"] for item in page_two["items"]] == [first.id]
    assert page_two["items"][0]["graph_running_status"] == "SUCCESS"

    texts = search("search_graphs", {"search": "author:alice split"}, alice).json()
    assert [item["title"] for item in texts["items"]] == ["split report"]
    succeeded = search("search_graphs", {"status": ["SUCCESS"]}, alice).json()
    assert [item["_id"] for item in succeeded["items"]] == [first.id]
    fresh = search("search_graphs", {"status": "CREATED", "search": "author:alice"}, alice).json()
    assert [item["_id"] for item in fresh["items"]] == [second.id]


def test_search_nodes_by_base_node_names_and_status(people: tuple[Any, Any]) -> None:
    alice, _ = people
    ready = NodeFactory(kind="python", title="Sum", author=alice, node_status="READY")
    NodeFactory(kind="bash_jinja2", title="Grep", author=alice, node_status="READY")
    NodeFactory(kind="python", title="Draft", author=alice)
    NodeFactory(kind="workflow", title="Sum", author=alice)
    body = search("search_nodes", {"base_node_names": ["python"], "status": ["READY"]}, alice).json()
    assert body["status"] == "SUCCESS"
    assert [item["_id"] for item in body["items"]] == [ready.id]
    assert body["total_count"] == 1
    assert "csv" in body["resources_dict"]


def test_search_respects_the_viewing_policies(people: tuple[Any, Any]) -> None:
    alice, _ = people
    NodeFactory(kind="workflow", title="secret", author=alice)
    own_only = person(IAMPolicy.CAN_VIEW_WORKFLOWS)
    body = search("search_graphs", {}, own_only).json()
    assert (body["items"], body["total_count"]) == ([], 0)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"per_page": -1}, "`per_page` must be a whole number from 0 and at most 1000."),
        ({"offset": "a"}, "`offset` must be a whole number from 0."),
        ({"search": 5}, "`search` must be a string."),
        ({"colour": "red"}, "Unknown key(s): colour"),
        ({"status": ["DONE"]}, "Unknown status(es): DONE."),
        ({"search": "flavour:mint"}, "unknown search key 'flavour'"),
    ],
    ids=["per-page", "offset", "search", "key", "status", "search-key"],
)
def test_bad_searches_are_400(people: tuple[Any, Any], body: dict[str, Any], message: str) -> None:
    response = search("search_graphs", body, people[0])
    assert response.status_code == 400
    assert response.json()["status"] == "FAILED"
    assert message in response.json()["message"]


def test_search_graphs_costs_the_same_queries_for_any_number_of_graphs(
    people: tuple[Any, Any], django_assert_max_num_queries: Any
) -> None:
    alice, _ = people
    ended = datetime(2026, 1, 2, tzinfo=UTC)
    for index in range(30):
        workflow = NodeFactory(kind="workflow", title=f"graph {index}", author=alice)
        RunFactory(workflow=workflow, author=alice, status="SUCCESS", started_at=ended, finished_at=ended)
    client = APIClient()
    client.force_authenticate(alice)
    with django_assert_max_num_queries(6):
        body = client.post(f"{V0}/search_graphs", {"per_page": 30}, format="json").json()
    assert len(body["items"]) == 30
