"""Query counts: lists and retrieves cost the same few queries whatever their size (no N+1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.nodes.choices import NodeStatus
from apps.users.models import User
from bench.workflow_api import workflow_nodes
from tests.factories import UserFactory
from tests.nodes.api.conftest import chain, make_operation, make_workflow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user")]

# A page: the count and the rows (authors joined). The user is authenticated without a query here.
LIST_QUERIES = 2


@pytest.fixture
def api(client_as: Callable[[str], APIClient]) -> APIClient:
    return client_as("owner")


def _fill(owner: User, count: int) -> None:
    authors = [owner, *(UserFactory() for _ in range(3))]
    for index in range(count):
        make_operation(authors[index % 4], status=NodeStatus.READY, title=f"op {index}")
        make_workflow(authors[index % 4], chain(3), title=f"flow {index}")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/operations/",
        "/api/v1/operations/?search=author:owner op status:READY&ordering=title",
        "/api/v1/workflows/",
        "/api/v1/workflows/?starred=false&ordering=-updated_at",
        "/api/v1/hubs/search/?q=op&input_file_type=csv",
    ],
)
@pytest.mark.parametrize("rows", [1, 20])
def test_a_list_costs_two_queries(
    api: APIClient, owner: User, django_assert_max_num_queries: Any, path: str, rows: int
) -> None:
    _fill(owner, rows)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = api.get(path)
    assert response.status_code == 200
    assert len(response.json()["results"]) >= 1


def test_hubs_cost_one_query(api: APIClient, owner: User, django_assert_max_num_queries: Any) -> None:
    _fill(owner, 10)
    with django_assert_max_num_queries(1):
        assert api.get("/api/v1/hubs/").status_code == 200


@pytest.mark.parametrize("collection", ["operations", "workflows"])
def test_a_retrieve_costs_one_query(
    api: APIClient, owner: User, django_assert_max_num_queries: Any, collection: str
) -> None:
    node = make_operation(owner) if collection == "operations" else make_workflow(owner, chain(50))
    with django_assert_max_num_queries(1):
        assert api.get(f"/api/v1/{collection}/{node.pk}/").status_code == 200


def test_saving_a_workflow_costs_two_queries(api: APIClient, owner: User, django_assert_max_num_queries: Any) -> None:
    workflow = make_workflow(owner, chain(50))
    with django_assert_max_num_queries(2):
        response = api.put(f"/api/v1/workflows/{workflow.pk}/", {"nodes": chain(60)}, format="json")
    assert response.status_code == 200
    assert len(response.json()["nodes"]) == 60


def test_a_thousand_node_workflow_loads_and_saves_in_the_same_queries(
    api: APIClient, owner: User, django_assert_max_num_queries: Any
) -> None:
    workflow = make_workflow(owner, workflow_nodes(1000, 50))
    with django_assert_max_num_queries(1):
        loaded = api.get(f"/api/v1/workflows/{workflow.pk}/").json()
    for node in loaded["nodes"]:
        node["y"] += 1
    with django_assert_max_num_queries(2):
        saved = api.put(f"/api/v1/workflows/{workflow.pk}/", loaded, format="json")
    assert saved.status_code == 200
    workflow.refresh_from_db()
    assert [node["y"] for node in workflow.nodes] == [node["y"] for node in loaded["nodes"]]
    assert api.post(f"/api/v1/workflows/{workflow.pk}/validate/").json() == {"valid": True, "validation_error": None}
