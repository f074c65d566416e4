"""Who may do what with operations, workflows and hubs: every endpoint for every persona.

Personas (see conftest): the owner; ``other`` sees others' objects but changes none; ``loner``
sees only its own; ``editor`` may also change others' workflows; ``admin``; ``anonymous``.
A refused request leaves the object exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from apps.graphs.models import Run
from apps.nodes.choices import NodeStatus
from apps.nodes.models import Node
from apps.users.models import User
from apps.users.services import user_ensure_default
from tests.nodes.api.conftest import PERSONAS, make_operation, make_workflow, operation_fields, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user")]

VIEW = {"owner": 200, "other": 200, "loner": 404, "editor": 200, "admin": 200, "anonymous": 401}
OPERATION_CHANGE = {"owner": 200, "other": 403, "loner": 404, "editor": 403, "admin": 200, "anonymous": 401}
WORKFLOW_CHANGE = {**OPERATION_CHANGE, "editor": 200}
CLONE = {**VIEW, "owner": 201, "other": 201, "editor": 201, "admin": 201}

# (method, path under the object, body, expected status per persona, whether a success changes it)
OPERATION_ENDPOINTS: dict[str, tuple[str, str, dict[str, Any] | None, dict[str, int], bool]] = {
    "retrieve": ("get", "", None, VIEW, False),
    "update": ("put", "", {"title": "changed"}, OPERATION_CHANGE, True),
    "partial_update": ("patch", "", {"description": "changed"}, OPERATION_CHANGE, True),
    "destroy": ("delete", "", None, {**OPERATION_CHANGE, "owner": 204, "admin": 204}, True),
    "approve": ("post", "approve/", None, OPERATION_CHANGE, True),
    "validate": ("post", "validate/", None, VIEW, False),
    "preview_cmd": ("post", "preview_cmd/", None, VIEW, False),
    "clone": ("post", "clone/", None, CLONE, False),
    "star": ("post", "star/", None, OPERATION_CHANGE, True),
    "unstar": ("post", "unstar/", None, OPERATION_CHANGE, False),
}
WORKFLOW_ENDPOINTS: dict[str, tuple[str, str, dict[str, Any] | None, dict[str, int], bool]] = {
    "retrieve": ("get", "", None, VIEW, False),
    "update": ("put", "", {"title": "changed"}, WORKFLOW_CHANGE, True),
    "partial_update": ("patch", "", {"description": "changed"}, WORKFLOW_CHANGE, True),
    "destroy": ("delete", "", None, {**WORKFLOW_CHANGE, "owner": 204, "editor": 204, "admin": 204}, True),
    "validate": ("post", "validate/", None, VIEW, False),
    "run": ("post", "run/", None, CLONE, False),
    "clone": ("post", "clone/", None, CLONE, False),
    "rearrange": ("post", "rearrange/", None, WORKFLOW_CHANGE, True),
    "upgrade_nodes": ("post", "upgrade_nodes/", None, WORKFLOW_CHANGE, False),
    "star": ("post", "star/", None, WORKFLOW_CHANGE, True),
    "unstar": ("post", "unstar/", None, WORKFLOW_CHANGE, False),
}


def _call(client: APIClient, method: str, path: str, body: dict[str, Any] | None) -> Any:
    return getattr(client, method)(path, body, format="json") if body is not None else getattr(client, method)(path)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", list(OPERATION_ENDPOINTS))
def test_operation_endpoints(client_as: Callable[[str], APIClient], owner: User, persona: str, endpoint: str) -> None:
    method, suffix, body, expected, changes = OPERATION_ENDPOINTS[endpoint]
    operation = make_operation(owner)
    before = snapshot(operation)
    response = _call(client_as(persona), method, f"/api/v1/operations/{operation.pk}/{suffix}", body)
    assert response.status_code == expected[persona], response.content
    if response.status_code >= 400 or not changes:
        assert snapshot(operation) == before
    if endpoint == "clone" and response.status_code == 201:
        assert Node.objects.filter(parent_node=operation).count() == 1
    else:
        assert not Node.objects.filter(parent_node=operation).exists()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", list(WORKFLOW_ENDPOINTS))
def test_workflow_endpoints(client_as: Callable[[str], APIClient], owner: User, persona: str, endpoint: str) -> None:
    method, suffix, body, expected, changes = WORKFLOW_ENDPOINTS[endpoint]
    workflow = make_workflow(owner)
    before = snapshot(workflow)
    response = _call(client_as(persona), method, f"/api/v1/workflows/{workflow.pk}/{suffix}", body)
    assert response.status_code == expected[persona], response.content
    if response.status_code >= 400 or not changes:
        assert snapshot(workflow) == before
    assert Run.objects.count() == (1 if endpoint == "run" and response.status_code == 201 else 0)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("owner", 201), ("other", 201), ("loner", 201), ("editor", 201), ("admin", 201), ("anonymous", 401)],
)
@pytest.mark.parametrize("collection", ["operations", "workflows"])
def test_create(client_as: Callable[[str], APIClient], persona: str, expected: int, collection: str) -> None:
    body = operation_fields() if collection == "operations" else {"title": "new flow"}
    response = client_as(persona).post(f"/api/v1/{collection}/", body, format="json")
    assert response.status_code == expected
    assert Node.objects.count() == (1 if expected == 201 else 0)
    if expected == 201:
        assert response.json()["author_name"] == persona
        assert response.json()["readonly"] is False


def test_create_needs_the_create_policy(client_as: Callable[[str], APIClient], users: dict[str, Any]) -> None:
    users["other"].policies = ["CAN_VIEW_OPERATIONS", "CAN_VIEW_WORKFLOWS"]
    users["other"].save()
    for collection, body in (("operations", operation_fields()), ("workflows", {"title": "w"})):
        response = client_as("other").post(f"/api/v1/{collection}/", body, format="json")
        assert response.status_code == 403
    assert Node.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "count", "readonly"),
    [
        ("owner", 1, False),
        ("other", 1, True),
        ("loner", 0, None),
        ("editor", 1, True),
        ("admin", 1, False),
    ],
)
def test_operations_list_shows_what_one_may_view_and_marks_readonly(
    client_as: Callable[[str], APIClient], owner: User, persona: str, count: int, readonly: bool | None
) -> None:
    make_operation(owner)
    response = client_as(persona).get("/api/v1/operations/")
    assert response.status_code == 200
    assert response.json()["count"] == count
    assert [item["readonly"] for item in response.json()["results"]] == ([readonly] if count else [])


@pytest.mark.parametrize(
    ("persona", "count", "readonly"),
    [("owner", 1, False), ("other", 1, True), ("loner", 0, None), ("editor", 1, False), ("admin", 1, False)],
)
def test_workflows_list_shows_what_one_may_view_and_marks_readonly(
    client_as: Callable[[str], APIClient], owner: User, persona: str, count: int, readonly: bool | None
) -> None:
    make_workflow(owner)
    response = client_as(persona).get("/api/v1/workflows/")
    assert response.status_code == 200
    assert response.json()["count"] == count
    assert [item["readonly"] for item in response.json()["results"]] == ([readonly] if count else [])


@pytest.mark.parametrize("collection", ["operations", "workflows", "hubs", "hubs/search"])
def test_lists_need_credentials(client_as: Callable[[str], APIClient], collection: str) -> None:
    assert client_as("anonymous").get(f"/api/v1/{collection}/").status_code == 401


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("owner", 200), ("other", 403), ("loner", 404), ("editor", 403), ("admin", 200), ("anonymous", 401)],
)
@pytest.mark.parametrize("action", ["deprecate", "mandatory_deprecate"])
def test_deprecating(
    client_as: Callable[[str], APIClient], owner: User, persona: str, expected: int, action: str
) -> None:
    operation = make_operation(owner, status=NodeStatus.READY)
    before = snapshot(operation)
    response = client_as(persona).post(f"/api/v1/operations/{operation.pk}/{action}/", {}, format="json")
    assert response.status_code == expected
    if expected != 200:
        assert snapshot(operation) == before
    else:
        operation.refresh_from_db()
        assert operation.node_status == (
            NodeStatus.DEPRECATED if action == "deprecate" else NodeStatus.MANDATORY_DEPRECATED
        )


@pytest.mark.parametrize(
    ("persona", "count"),
    [("owner", 1), ("other", 1), ("loner", 0), ("editor", 1), ("admin", 1)],
)
def test_hubs_offer_what_one_may_view(
    client_as: Callable[[str], APIClient], owner: User, persona: str, count: int
) -> None:
    make_operation(owner, status=NodeStatus.READY)
    hubs = client_as(persona).get("/api/v1/hubs/").json()
    assert {group["kind"]: group["count"] for group in hubs[0]["groups"]}["python"] == count
    found = client_as(persona).get("/api/v1/hubs/search/").json()
    assert found["count"] == count


def test_running_needs_the_run_policy(
    client_as: Callable[[str], APIClient], owner: User, users: dict[str, Any]
) -> None:
    users["other"].policies = ["CAN_VIEW_WORKFLOWS", "CAN_VIEW_OTHERS_WORKFLOWS"]
    users["other"].save()
    workflow = make_workflow(owner)
    response = client_as("other").post(f"/api/v1/workflows/{workflow.pk}/run/")
    assert response.status_code == 403
    assert Run.objects.count() == 0


def test_single_user_mode_acts_as_default(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False
    client = APIClient()
    created = client.post("/api/v1/operations/", operation_fields(), format="json")
    assert created.status_code == 201
    assert created.json()["author_name"] == "default"
    listed = client.get("/api/v1/operations/?search=author:default").json()
    assert [item["id"] for item in listed["results"]] == [created.json()["id"]]
    flow = client.post("/api/v1/workflows/", {"title": "mine"}, format="json").json()
    assert client.patch(f"/api/v1/workflows/{flow['id']}/", {"title": "renamed"}, format="json").status_code == 200
    assert Node.objects.get(pk=flow["id"]).title == "renamed"


def test_real_credentials_basic_and_jwt(owner: User) -> None:
    owner.set_password("correct horse battery staple")
    owner.save()
    operation = make_operation(owner)
    basic = APIClient()
    basic.credentials(HTTP_AUTHORIZATION="Basic b3duZXI6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5IHN0YXBsZQ==")
    assert basic.get(f"/api/v1/operations/{operation.pk}/").json()["readonly"] is False
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Basic b3duZXI6d3Jvbmc=")
    assert wrong.get(f"/api/v1/operations/{operation.pk}/").status_code == 401
    token = str(AccessToken.for_user(owner))
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = bearer.patch(f"/api/v1/operations/{operation.pk}/", {"title": "by token"}, format="json")
    assert response.status_code == 200
    assert Node.objects.get(pk=operation.pk).title == "by token"


@pytest.mark.parametrize(
    ("collection", "endpoint"),
    [("operations", name) for name in OPERATION_ENDPOINTS] + [("workflows", name) for name in WORKFLOW_ENDPOINTS],
)
def test_single_user_mode_every_endpoint_without_credentials(settings: Any, collection: str, endpoint: str) -> None:
    settings.PLYNX_MULTI_USER = False
    default = user_ensure_default()
    endpoints = OPERATION_ENDPOINTS if collection == "operations" else WORKFLOW_ENDPOINTS
    method, suffix, body, expected, _ = endpoints[endpoint]
    node = make_operation(default) if collection == "operations" else make_workflow(default)
    response = _call(APIClient(), method, f"/api/v1/{collection}/{node.pk}/{suffix}", body)
    assert response.status_code == expected["owner"], response.content
