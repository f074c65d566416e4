"""Every v0 endpoint for the owner, another user, a read-only viewer, an administrator and anonymous.

Multi-user mode. The objects belong to the owner; a refusal is checked to change nothing.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.graphs.models import Run
from apps.nodes.models import Node
from apps.resources.models import Resource
from apps.users.policies import IAMPolicy
from tests.api_v0.test_read import PASSWORD, V0, basic, person
from tests.factories import NodeFactory, RunFactory

pytestmark = pytest.mark.django_db

P = IAMPolicy
PERSONAS = ("owner", "other", "viewer", "admin", "anonymous")


@dataclass
class World:
    users: dict[str, Any]
    workflow: Node
    operation: Node
    run: Run
    ids: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> World:
    settings.PLYNX_MULTI_USER = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "storage")},
        },
    }
    viewer_policies = (
        P.CAN_VIEW_WORKFLOWS,
        P.CAN_VIEW_OTHERS_WORKFLOWS,
        P.CAN_VIEW_OPERATIONS,
        P.CAN_VIEW_OTHERS_OPERATIONS,
    )
    users = {"owner": person(), "other": person(), "viewer": person(*viewer_policies), "admin": person(P.IS_ADMIN)}
    owner = users["owner"]
    operation = NodeFactory(
        kind="bash_jinja2",
        title="Grep",
        author=owner,
        node_status="READY",
        inputs=[{"name": "in", "file_types": ["file"], "values": [], "min_count": 0, "max_count": 1}],
        outputs=[{"name": "out", "file_type": "file"}],
        parameters=[{"name": "cmd", "parameter_type": "code", "value": {"value": "true", "mode": "sh"}}],
    )
    workflow = NodeFactory(kind="workflow", title="Title", description="Description", author=owner, nodes=[])
    started = datetime(2026, 1, 1, tzinfo=UTC)
    run = RunFactory(workflow=workflow, author=owner, status="RUNNING", started_at=started)
    data = io.BytesIO(b"a,b\n1,2\n")
    data.name = "a.csv"
    uploaded = APIClient().post(
        f"{V0}/upload_file", {"data": data, "file_type": "csv"}, format="multipart", **basic(owner.username, PASSWORD)
    )
    world = World(users=users, workflow=workflow, operation=operation, run=run)
    world.ids = {"W": workflow.id, "O": operation.id, "R": uploaded.json()["resource_id"]}
    return world


def call(world: World, persona: str, method: str, path: str, body: Any = None) -> Any:
    headers = {} if persona == "anonymous" else basic(world.users[persona].username, PASSWORD)
    text = json.dumps(body)
    for name, value in world.ids.items():
        path = path.replace(f"<{name}>", value)
        text = text.replace(f"<{name}>", value)
    body = json.loads(text)
    client = APIClient()
    if method == "upload":
        data = io.BytesIO(b"x")
        data.name = "x.txt"
        return client.post(f"{V0}/{path}", {"data": data}, format="multipart", **headers)
    return getattr(client, method)(f"{V0}/{path}", body, format="json", **headers)


def snapshot(world: World) -> tuple[Any, ...]:
    workflow = Node.objects.get(pk=world.workflow.id)
    operation = Node.objects.get(pk=world.operation.id)
    return (
        workflow.title,
        workflow.nodes,
        operation.node_status,
        Node.objects.count(),
        Run.objects.count(),
        Run.objects.get(pk=world.run.id).status,
        Resource.objects.count(),
    )


OK, RO, NO, GONE, WHO = 200, 200, 403, 404, 401
# (endpoint, method, path, body, expected status per persona in PERSONAS order)
MATRIX: list[tuple[str, str, str, Any, tuple[int, ...]]] = [
    ("token", "get", "token", None, (OK, OK, OK, OK, WHO)),
    ("graph", "get", "graphs/<W>", None, (OK, OK, RO, OK, WHO)),
    ("new-graph", "get", "graphs/new", None, (OK, OK, NO, OK, WHO)),
    ("node", "get", "nodes/<O>", None, (OK, OK, OK, OK, WHO)),
    ("base-node", "get", "nodes/python", None, (OK, OK, NO, OK, WHO)),
    ("search-graphs", "post", "search_graphs", {}, (OK, OK, OK, OK, WHO)),
    ("search-nodes", "post", "search_nodes", {}, (OK, OK, OK, OK, WHO)),
    ("master-state", "get", "master_state", None, (OK, OK, OK, OK, WHO)),
    ("resource", "get", "resources/<R>?preview=true", None, (OK, OK, OK, OK, WHO)),
    ("upload", "upload", "upload_file", None, (OK, OK, NO, OK, WHO)),
    ("update", "patch", "graphs/<W>/update", {"title": "changed"}, (OK, OK, NO, OK, WHO)),
    ("list-nodes", "get", "graphs/<W>/nodes/list_nodes", None, (OK, OK, OK, OK, WHO)),
    ("insert-node", "post", "graphs/<W>/nodes/insert_node", {"node_id": "<O>"}, (OK, OK, NO, OK, WHO)),
    ("validate", "post", "graphs/<W>/validate", None, (OK, OK, OK, OK, WHO)),
    ("generate-code", "post", "graphs/<W>/generate_code", None, (OK, OK, OK, OK, WHO)),
    ("rearrange", "post", "graphs/<W>/rearrange", None, (OK, OK, NO, OK, WHO)),
    ("clone", "post", "graphs/<W>/clone", None, (OK, OK, NO, OK, WHO)),
    ("cancel", "post", "graphs/<W>/cancel", None, (OK, OK, NO, OK, WHO)),
    ("deprecate", "post", "nodes", {"node": {"_id": "<O>"}, "action": "DEPRECATE"}, (OK, NO, NO, OK, WHO)),
    ("preview-cmd", "post", "nodes", {"node": {"_id": "<O>"}, "action": "PREVIEW_CMD"}, (OK, OK, OK, OK, WHO)),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("endpoint", "method", "path", "body", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(
    world: World, persona: str, endpoint: str, method: str, path: str, body: Any, expected: tuple[int, ...]
) -> None:
    before = snapshot(world)
    response = call(world, persona, method, path, body)
    status = expected[PERSONAS.index(persona)]
    assert response.status_code == status, (endpoint, persona, response.content[:300])
    payload = response.json() if response["Content-Type"] == "application/json" else {}
    if status >= 400:
        assert payload["status"] == "FAILED"
        assert payload["message"]
        assert snapshot(world) == before
    elif endpoint == "graph":
        assert payload["data"]["_readonly"] is (persona == "viewer")
    elif endpoint == "node":
        assert payload["data"]["_readonly"] is (persona not in ("owner", "admin"))
