"""Run overrides of workflow parameters on a real worker: the script sees them, the cache keys on them."""

from __future__ import annotations

import pytest

from apps.graphs.choices import GraphRunningStatus, NodeRunningStatus
from apps.graphs.services import run_create
from apps.resources.models import Resource
from apps.resources.storage import blob_open
from tests.factories import UserFactory
from tests.graphs.greetings import greeting_workflow
from tests.graphs.workflows import node_run, wait_for_run

pytestmark = pytest.mark.usefixtures("celery_worker")
S = NodeRunningStatus


def content(resource_id: str) -> str:
    with blob_open(Resource.objects.get(pk=resource_id).storage_key) as handle:
        return handle.read().decode()


def test_overrides_run_what_changed_and_restore_what_did_not() -> None:
    author = UserFactory()
    flow, greet, shout = greeting_workflow(author)

    first = wait_for_run(run_create(workflow=flow, author=author))
    assert first.status == GraphRunningStatus.SUCCESS
    assert content(node_run(first, shout).outputs["out"]) == "HELLO\n"

    # Overriding with the value the workflow has changes no key: everything is restored.
    same = wait_for_run(run_create(workflow=flow, author=author, parameters={"greeting": "hello"}), timeout=20)
    assert (node_run(same, greet).status, node_run(same, shout).status) == (S.RESTORED, S.RESTORED)

    other = wait_for_run(run_create(workflow=flow, author=author, parameters={"greeting": "bye"}))
    assert other.status == GraphRunningStatus.SUCCESS
    assert (node_run(other, greet).status, node_run(other, shout).status) == (S.SUCCESS, S.SUCCESS)
    assert content(node_run(other, shout).outputs["out"]) == "BYE\n"
    assert node_run(other, greet).cache_key != node_run(first, greet).cache_key

    # The override was for that run only; and the overridden value is now cached too.
    back = wait_for_run(run_create(workflow=flow, author=author), timeout=20)
    assert content(node_run(back, shout).outputs["out"]) == "HELLO\n"
    assert node_run(back, greet).status == S.RESTORED
    again = wait_for_run(run_create(workflow=flow, author=author, parameters={"greeting": "bye"}), timeout=20)
    assert node_run(again, greet).status == S.RESTORED
    assert content(node_run(again, shout).outputs["out"]) == "BYE\n"
