"""The runs, nodes and workers endpoints in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("single_user")]


def test_the_schema_describes_runs_nodes_and_workers() -> None:
    schema: dict[str, Any] = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/runs/"]) == {"get", "post"}
    for verb in ("cancel", "rerun_failed", "clone"):
        assert set(paths[f"/api/v1/runs/{{id}}/{verb}/"]) == {"post"}
    logs = paths["/api/v1/runs/{run_id}/nodes/{node_id}/logs/{name}/"]["get"]
    parameters = {p["name"]: p for p in logs["parameters"]}
    assert set(parameters) == {"run_id", "node_id", "name", "offset", "limit", "tail"}
    assert sorted(parameters["name"]["schema"]["enum"]) == ["stderr", "stdout", "worker"]
    assert "/api/v1/runs/{run_id}/nodes/{node_id}/attempts/" in paths
    assert set(paths["/api/v1/workers/{worker_id}/"]) == {"get"}
    start = paths["/api/v1/runs/"]["post"]
    assert start["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/RunCreate")
    assert set(start["responses"]) == {"201", "400", "403"}
    node_fields = schema["components"]["schemas"]["NodeRun"]["properties"]
    assert {"outputs", "logs", "restored_from", "worker", "child_run", "duration"} <= set(node_fields)
