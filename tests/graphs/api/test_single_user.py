"""Single-user mode: every request without credentials acts as ``default``, who holds every policy."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.graphs.models import Run
from apps.users.models import User
from tests.graphs.api.conftest import READ_PATHS, frozen_run, node_of
from tests.graphs.workflows import bash, out, workflow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("single_user")]


def test_single_user_mode_reads_and_controls_without_credentials(owner: User) -> None:
    run = frozen_run(owner)
    node = node_of(run).node_id
    client = APIClient()
    assert client.get("/api/v1/runs/").json()["count"] == 1
    for path in READ_PATHS.values():
        assert client.get(path.format(run=run.pk, node=node)).status_code == 200
    assert client.get("/api/v1/workers/").status_code == 200
    assert client.post(f"/api/v1/runs/{run.pk}/clone/").status_code == 201
    rerun = client.post(f"/api/v1/runs/{run.pk}/rerun_failed/")
    assert rerun.status_code == 201
    assert rerun.json()["author"] == "default"
    canceled = client.post(f"/api/v1/runs/{rerun.json()['id']}/cancel/")
    assert canceled.status_code == 200
    assert canceled.json()["status"] == "CANCELED"


def test_single_user_mode_starts_a_run_without_credentials(owner: User) -> None:
    flow = workflow(owner, bash("one", "echo 1 > {{ outputs.out }}", outputs=[out("out")]))
    response = APIClient().post("/api/v1/runs/", {"workflow": flow.pk}, format="json")
    assert response.status_code == 201
    assert Run.objects.get().author.username == "default"
