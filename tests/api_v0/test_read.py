"""The seed's v0 API, reading: token, graphs/{id}, nodes/{id}, master_state."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.graphs.models import NodeRun
from apps.nodes.models import WorkerState
from apps.users.models import User
from apps.users.policies import DEFAULT_POLICIES, IAMPolicy
from plynx_site.api_v0.formats import v0_date
from tests.factories import NodeFactory, RunFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
V0 = "/plynx/api/v0"
OID = "65f0c0ffee0000000000b002"


@pytest.fixture
def multi_user(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = True


def basic(username: str, password: str = "") -> dict[str, str]:
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {credentials}"}


def person(*policies: str) -> User:
    user = UserFactory(policies=list(policies or DEFAULT_POLICIES))
    user.save()  # the factory sets the password after saving
    return user


def workflow_of(author: User) -> Any:
    doc = {
        "_id": OID,
        "kind": "bash_jinja2",
        "title": "hello",
        "description": "",
        "inputs": [],
        "outputs": [{"name": "out", "file_type": "file"}],
        "parameters": [],
        "logs": [{"name": "stdout", "file_type": "file"}],
        "x": 10,
        "y": 20,
    }
    return NodeFactory(kind="workflow", title="wf", author=author, nodes=[doc])


def test_v0_date_is_the_seed_format() -> None:
    assert v0_date(datetime(2019, 7, 2, 18, 4, 5, 123456, tzinfo=UTC)) == "2019-07-02 18:04:05.123Z"


def test_single_user_token_with_default_and_no_password(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False
    client = APIClient()
    for headers in ({}, basic("default")):
        body = client.get(f"{V0}/token", **headers).json()
        assert body["status"] == "SUCCESS"
        assert body["access_token"].count(".") == 2
        assert body["refresh_token"].count(".") == 2


def test_tokens_work_as_the_basic_user_name_and_refresh_only_at_token(multi_user: None) -> None:
    user = person()
    client = APIClient()
    tokens = client.get(f"{V0}/token", **basic(user.username, PASSWORD)).json()
    workflow = workflow_of(user)
    # An access token as the user name opens any endpoint.
    assert client.get(f"{V0}/graphs/{workflow.id}", **basic(tokens["access_token"])).status_code == 200
    # A refresh token only exchanges for a new access token.
    refused = client.get(f"{V0}/graphs/{workflow.id}", **basic(tokens["refresh_token"]))
    assert refused.status_code == 401
    assert refused.json()["status"] == "FAILED"
    renewed = client.get(f"{V0}/token", **basic(tokens["refresh_token"])).json()
    assert renewed["status"] == "SUCCESS"
    assert renewed["refresh_token"] == tokens["refresh_token"]
    assert client.get(f"{V0}/graphs/{workflow.id}", **basic(renewed["access_token"])).status_code == 200


def test_wrong_credentials_and_none_are_refused_in_multi_user_mode(multi_user: None) -> None:
    user = person()
    client = APIClient()
    assert client.get(f"{V0}/token").status_code == 401
    wrong = client.get(f"{V0}/token", **basic(user.username, "nope"))
    assert wrong.status_code == 401
    assert wrong.json()["status"] == "FAILED"
    assert client.get(f"{V0}/token", **basic("a.b.c")).status_code == 401


def test_a_graph_with_its_latest_runs_state(multi_user: None) -> None:
    author = person()
    workflow = workflow_of(author)
    ended = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    run = RunFactory(workflow=workflow, author=author, status="SUCCESS", started_at=ended, finished_at=ended)
    NodeRun.objects.create(
        run=run,
        node_id=OID,
        kind="bash_jinja2",
        status="SUCCESS",
        outputs={"out": "65f0c0ffee0000000000c003"},
        logs={"stdout": "65f0c0ffee0000000000c004"},
        started_at=run.created_at,
        finished_at=run.created_at,
    )
    body = APIClient().get(f"{V0}/graphs/{workflow.id}", **basic(author.username, PASSWORD)).json()
    assert body["status"] == "SUCCESS"
    assert set(body["resources_dict"]) >= {"file", "csv", "directory", "int"}
    graph = body["data"]
    assert (graph["_id"], graph["title"], graph["graph_running_status"]) == (workflow.id, "wf", "SUCCESS")
    assert graph["author"] == str(author.pk)
    assert graph["_readonly"] is False
    (node,) = graph["nodes"]
    assert node["base_node_name"] == "bash_jinja2"
    assert node["node_running_status"] == "SUCCESS"
    assert node["outputs"] == [{"name": "out", "file_type": "file", "resource_id": "65f0c0ffee0000000000c003"}]
    assert node["logs"] == [{"name": "stdout", "file_type": "file", "resource_id": "65f0c0ffee0000000000c004"}]
    assert (node["x"], node["y"]) == (10, 20)


def test_others_graphs_are_readonly_or_hidden_by_policy(multi_user: None) -> None:
    workflow = workflow_of(person())
    viewer = person(IAMPolicy.CAN_VIEW_WORKFLOWS, IAMPolicy.CAN_VIEW_OTHERS_WORKFLOWS)
    body = APIClient().get(f"{V0}/graphs/{workflow.id}", **basic(viewer.username, PASSWORD)).json()
    assert body["data"]["_readonly"] is True
    assert body["data"]["graph_running_status"] == "CREATED"
    blind = person(IAMPolicy.CAN_VIEW_WORKFLOWS)
    refused = APIClient().get(f"{V0}/graphs/{workflow.id}", **basic(blind.username, PASSWORD))
    assert refused.status_code == 403
    assert refused.json()["status"] == "FAILED"


def test_a_new_graph_is_a_default_one_and_not_saved(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False
    body = APIClient().get(f"{V0}/graphs/new", **basic("default")).json()
    graph = body["data"]
    assert (graph["graph_running_status"], graph["nodes"], graph["_readonly"]) == ("CREATED", [], False)
    assert len(graph["_id"]) == 24
    from apps.nodes.models import Node

    assert not Node.objects.filter(pk=graph["_id"]).exists()


@pytest.mark.parametrize("kind", ["python", "bash_jinja2", "file"])
def test_a_base_node_name_gives_a_default_operation(settings: Any, kind: str) -> None:
    settings.PLYNX_MULTI_USER = False
    body = APIClient().get(f"{V0}/nodes/{kind}").json()
    node = body["data"]
    assert body["status"] == "SUCCESS"
    assert node["base_node_name"] == kind
    assert node["node_status"] == "CREATED"
    names = [p["name"] for p in node["parameters"]]
    if kind == "file":
        assert node["node_running_status"] == "STATIC"
        assert names == []
    else:
        assert names == ["cmd", "cacheable", "_timeout"]
        assert [log["name"] for log in node["logs"]] == ["stderr", "stdout", "worker"]


def test_a_saved_operation_and_unknown_ids(multi_user: None) -> None:
    author = person()
    operation = NodeFactory(kind="python", title="Sum", author=author, node_status="READY")
    client = APIClient()
    body = client.get(f"{V0}/nodes/{operation.id}", **basic(author.username, PASSWORD)).json()
    assert (body["data"]["_id"], body["data"]["title"], body["data"]["node_status"]) == (operation.id, "Sum", "READY")
    for path in (f"nodes/{OID}", "nodes/no_such_kind", f"graphs/{OID}", f"graphs/{operation.id}"):
        missing = client.get(f"{V0}/{path}", **basic(author.username, PASSWORD))
        assert missing.status_code == 404, path
        assert missing.json()["status"] == "FAILED"


def test_master_state_lists_the_workers(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    WorkerState.objects.create(
        worker_id="celery@a", host="a", kinds=["python"], queues=["plynx.python"], started_at=now, last_heartbeat=now
    )
    body = APIClient().get(f"{V0}/master_state").json()
    assert body["status"] == "SUCCESS"
    assert body["master_state"]["workers"] == [
        {
            "worker_id": "celery@a",
            "host": "a",
            "kinds": ["python"],
            "queues": ["plynx.python"],
            "concurrency": 1,
            "runs": [],
            "started_at": "2026-01-02 03:04:05.000Z",
            "last_heartbeat": "2026-01-02 03:04:05.000Z",
        }
    ]


def test_changing_the_password_revokes_the_tokens_issued_before(multi_user: None) -> None:
    user = person()
    client = APIClient()
    tokens = client.get(f"{V0}/token", **basic(user.username, PASSWORD)).json()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/users/me/", **bearer).status_code == 200
    assert client.get(f"{V0}/token", **basic(tokens["access_token"])).status_code == 200
    user.set_password("another horse battery staple")
    user.save()
    assert client.get("/api/v1/users/me/", **bearer).status_code == 401
    assert client.get(f"{V0}/token", **basic(tokens["access_token"])).status_code == 401
    assert client.get(f"{V0}/token", **basic(tokens["refresh_token"])).status_code == 401


def test_a_refresh_token_from_before_a_password_change_gives_no_new_access_token(multi_user: None) -> None:
    user = person()
    client = APIClient()
    tokens = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json").json()
    assert client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json").status_code == 200
    user.set_password("another horse battery staple")
    user.save()
    refused = client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "The token was revoked by a password change."
