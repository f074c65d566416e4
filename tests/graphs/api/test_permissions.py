"""Who may do what with runs, their nodes and workers: every endpoint for every persona."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.graphs.choices import GraphRunningStatus
from apps.graphs.models import Run
from apps.nodes.models import Node, WorkerState
from apps.users.models import User
from tests.factories import WorkerStateFactory
from tests.graphs.api.conftest import PERSONAS, READ_PATHS, frozen_run, node_of
from tests.graphs.workflows import bash, out, workflow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user")]

# persona → expected status, for reading an owner's run (and its nodes, attempts and logs).
READ = {"owner": 200, "other": 200, "loner": 404, "admin": 200, "anonymous": 401}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", list(READ_PATHS.values()), ids=list(READ_PATHS))
def test_reading_a_run_and_its_nodes(
    client_as: Callable[[str], APIClient], owner: User, persona: str, path: str
) -> None:
    run = frozen_run(owner)
    response = client_as(persona).get(path.format(run=run.pk, node=node_of(run).node_id))
    assert response.status_code == READ[persona]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("owner", 1), ("other", 1), ("loner", 0), ("admin", 1)],
)
def test_the_runs_list_holds_only_visible_runs(
    client_as: Callable[[str], APIClient], owner: User, persona: str, expected: int
) -> None:
    run = frozen_run(owner)
    response = client_as(persona).get("/api/v1/runs/")
    assert response.status_code == 200
    assert response.json()["count"] == expected
    assert [item["id"] for item in response.json()["results"]] == [run.pk] * expected


def test_the_runs_list_needs_credentials(client_as: Callable[[str], APIClient], owner: User) -> None:
    frozen_run(owner)
    assert client_as("anonymous").get("/api/v1/runs/").status_code == 401


@pytest.mark.parametrize(
    ("persona", "readonly"), [("owner", False), ("other", True), ("admin", False)], ids=["owner", "other", "admin"]
)
def test_others_runs_are_shown_read_only(
    client_as: Callable[[str], APIClient], owner: User, persona: str, readonly: bool
) -> None:
    run = frozen_run(owner)
    assert client_as(persona).get(f"/api/v1/runs/{run.pk}/").json()["readonly"] is readonly


@pytest.mark.parametrize(
    ("persona", "expected"), [("owner", 200), ("other", 403), ("loner", 404), ("admin", 200), ("anonymous", 401)]
)
def test_cancel(client_as: Callable[[str], APIClient], owner: User, persona: str, expected: int) -> None:
    run = frozen_run(owner, status=GraphRunningStatus.RUNNING, node_statuses=("SUCCESS", "CREATED"))
    response = client_as(persona).post(f"/api/v1/runs/{run.pk}/cancel/")
    assert response.status_code == expected
    run.refresh_from_db()
    if expected == 200:
        assert response.json()["status"] == "CANCELED"
        assert response.json()["node_counts"] == {"SUCCESS": 1, "CANCELED": 1}
        assert run.status == GraphRunningStatus.CANCELED
    else:
        assert run.status == GraphRunningStatus.RUNNING
        assert run.cancel_requested_at is None
        assert sorted(run.node_runs.values_list("status", flat=True)) == ["CREATED", "SUCCESS"]


@pytest.mark.parametrize(
    ("persona", "expected"), [("owner", 201), ("other", 403), ("loner", 404), ("admin", 201), ("anonymous", 401)]
)
def test_rerun_failed(client_as: Callable[[str], APIClient], owner: User, persona: str, expected: int) -> None:
    run = frozen_run(owner)
    response = client_as(persona).post(f"/api/v1/runs/{run.pk}/rerun_failed/")
    assert response.status_code == expected
    if expected == 201:
        new_run = Run.objects.get(pk=response.json()["id"])
        assert new_run.author.username == persona
        assert new_run.graph["rerun_of"] == run.pk
        assert Run.objects.count() == 2
    else:
        assert Run.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "expected"), [("owner", 201), ("other", 201), ("loner", 404), ("admin", 201), ("anonymous", 401)]
)
def test_clone(client_as: Callable[[str], APIClient], owner: User, persona: str, expected: int) -> None:
    run = frozen_run(owner)
    response = client_as(persona).post(f"/api/v1/runs/{run.pk}/clone/")
    assert response.status_code == expected
    if expected == 201:
        clone = Node.objects.get(pk=response.json()["workflow"])
        assert clone.author.username == persona
    else:
        assert Node.objects.count() == 0


def test_clone_needs_the_create_policy(client_as: Callable[[str], APIClient], owner: User, users: Any) -> None:
    run = frozen_run(owner)
    users["other"].policies = [p for p in users["other"].policies if p != "CAN_CREATE_WORKFLOWS"]
    users["other"].save()
    response = client_as("other").post(f"/api/v1/runs/{run.pk}/clone/")
    assert response.status_code == 403
    assert Node.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "expected"), [("owner", 201), ("other", 201), ("loner", 400), ("admin", 201), ("anonymous", 401)]
)
def test_starting_a_run(client_as: Callable[[str], APIClient], owner: User, persona: str, expected: int) -> None:
    flow = workflow(owner, bash("one", "echo 1 > {{ outputs.out }}", outputs=[out("out")]))
    response = client_as(persona).post("/api/v1/runs/", {"workflow": flow.pk}, format="json")
    assert response.status_code == expected
    if expected == 201:
        run = Run.objects.get()
        assert response.json()["id"] == run.pk
        assert run.author.username == persona
        assert run.workflow == flow
    else:
        assert Run.objects.count() == 0


def test_starting_needs_the_run_policy(client_as: Callable[[str], APIClient], owner: User) -> None:
    owner.policies = [p for p in owner.policies if p != "CAN_RUN_WORKFLOWS"]
    owner.save()
    flow = workflow(owner, bash("one", "echo 1 > {{ outputs.out }}", outputs=[out("out")]))
    response = client_as("owner").post("/api/v1/runs/", {"workflow": flow.pk}, format="json")
    assert response.status_code == 403
    assert Run.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "expected"), [("owner", 200), ("other", 200), ("loner", 200), ("admin", 200), ("anonymous", 401)]
)
def test_workers_are_listed_for_any_authenticated_user(
    client_as: Callable[[str], APIClient], persona: str, expected: int
) -> None:
    WorkerStateFactory(worker_id="w1@host")
    response = client_as(persona).get("/api/v1/workers/")
    assert response.status_code == expected
    if expected == 200:
        assert [w["worker_id"] for w in response.json()["results"]] == ["w1@host"]
    assert client_as(persona).get("/api/v1/workers/w1@host/").status_code == expected


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_workers_are_read_only(client_as: Callable[[str], APIClient], method: str) -> None:
    WorkerStateFactory(worker_id="w1@host", concurrency=3)
    response = getattr(client_as("admin"), method)("/api/v1/workers/w1@host/", {"concurrency": 9}, format="json")
    assert response.status_code == 405
    assert WorkerState.objects.get().concurrency == 3


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_runs_cannot_be_edited_or_deleted(client_as: Callable[[str], APIClient], owner: User, method: str) -> None:
    run = frozen_run(owner, title="kept")
    response = getattr(client_as("owner"), method)(f"/api/v1/runs/{run.pk}/", {"title": "changed"}, format="json")
    assert response.status_code == 405
    run.refresh_from_db()
    assert run.title == "kept"


def with_password(user: User) -> User:
    user.set_password("correct horse battery staple")
    user.save(update_fields=["password"])
    return user


def test_http_basic_credentials_are_accepted_and_wrong_ones_refused(owner: User) -> None:
    run = frozen_run(with_password(owner))
    good = APIClient()
    good.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"owner:correct horse battery staple").decode())
    assert good.get(f"/api/v1/runs/{run.pk}/").status_code == 200
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"owner:wrong").decode())
    assert bad.post(f"/api/v1/runs/{run.pk}/cancel/").status_code == 401
    run.refresh_from_db()
    assert run.cancel_requested_at is None


def test_the_browsable_api_renders_for_a_session(owner: User) -> None:
    run = frozen_run(with_password(owner))
    client = APIClient()
    client.force_login(owner)
    WorkerStateFactory(worker_id="w9@host")
    expected = {
        "/api/v1/runs/": b"frozen run",
        f"/api/v1/runs/{run.pk}/": b"frozen run",
        f"/api/v1/runs/{run.pk}/nodes/": b"step 0",
        "/api/v1/workers/": b"w9@host",
    }
    for path, text in expected.items():
        response = client.get(path, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert text in response.content
    # The start form asks for the workflow.
    assert b'name="workflow"' in client.get("/api/v1/runs/", HTTP_ACCEPT="text/html").content
