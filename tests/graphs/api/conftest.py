"""Personas and data for the runs API tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from apps.graphs.choices import NODE_FINISHED_STATUSES, GraphRunningStatus, NodeRunningStatus
from apps.graphs.models import NodeRun, Run
from apps.nodes.documents import SubNode
from apps.users.models import User
from apps.users.policies import DEFAULT_POLICIES, IAMPolicy
from tests.factories import NodeRunFactory, RunFactory, UserFactory
from tests.graphs.workflows import bash, out

# Sees others' runs but may not control them: others' runs are read-only to this persona.
VIEWER_POLICIES = [p for p in DEFAULT_POLICIES if p != IAMPolicy.CAN_MODIFY_OTHERS_WORKFLOWS]
# Sees only its own runs.
LONER_POLICIES = [p for p in DEFAULT_POLICIES if p != IAMPolicy.CAN_VIEW_OTHERS_WORKFLOWS]

PERSONAS = ("owner", "other", "loner", "admin", "anonymous")
# What a persona that may see a run may read of it.
READ_PATHS = {
    "run": "/api/v1/runs/{run}/",
    "nodes": "/api/v1/runs/{run}/nodes/",
    "node": "/api/v1/runs/{run}/nodes/{node}/",
    "attempts": "/api/v1/runs/{run}/nodes/{node}/attempts/",
    "log": "/api/v1/runs/{run}/nodes/{node}/logs/stdout/",
}


@pytest.fixture
def owner() -> User:
    return UserFactory(username="owner", policies=list(DEFAULT_POLICIES))


@pytest.fixture
def users(owner: User) -> dict[str, User | None]:
    return {
        "owner": owner,
        "other": UserFactory(username="other", policies=VIEWER_POLICIES),
        "loner": UserFactory(username="loner", policies=LONER_POLICIES),
        "admin": UserFactory(username="admin", policies=[IAMPolicy.IS_ADMIN.value]),
        "anonymous": None,
    }


def frozen_run(
    author: User,
    *,
    status: str = GraphRunningStatus.FAILED,
    node_statuses: tuple[str, ...] = (NodeRunningStatus.SUCCESS, NodeRunningStatus.FAILED),
    **fields: Any,
) -> Run:
    """A run with real frozen node documents (a chain of bash nodes), in the given states."""
    now = timezone.now()
    finished = status in (GraphRunningStatus.SUCCESS, GraphRunningStatus.FAILED, GraphRunningStatus.CANCELED)
    run = RunFactory(
        author=author,
        status=status,
        title=fields.pop("title", "frozen run"),
        graph={"title": "frozen run", "description": "", "kind": "workflow", "parameters": [], "workflow_id": None},
        started_at=fields.pop("started_at", now),
        finished_at=fields.pop("finished_at", now if finished else None),
        **fields,
    )
    for index, node_status in enumerate(node_statuses):
        doc = bash(f"step {index}", f"echo {index} > {{{{ outputs.out }}}}", outputs=[out("out")])
        ended = node_status in NODE_FINISHED_STATUSES
        NodeRunFactory(
            run=run,
            node_id=doc["_id"],
            kind="bash_jinja2",
            title=doc["title"],
            # As a run stores it: the document as parsed, with every default written out.
            spec=SubNode.model_validate(doc).model_dump(mode="json", by_alias=True),
            status=node_status,
            attempt=1 if node_status != NodeRunningStatus.CREATED else 0,
            started_at=now if node_status != NodeRunningStatus.CREATED else None,
            finished_at=now if ended else None,
            error="exit code 1" if node_status == NodeRunningStatus.FAILED else "",
        )
    return run


def node_of(run: Run, index: int = 0) -> NodeRun:
    return run.node_runs.order_by("id")[index]
