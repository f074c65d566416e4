"""Runs, node runs and cache entries: defaults and constraints."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.graphs.choices import GraphRunningStatus, NodeRunningStatus
from apps.graphs.models import NodeCache, NodeRun, Run
from plynx_site.ids import is_object_id
from tests.db import assert_violates
from tests.factories import NodeCacheFactory, NodeFactory, NodeRunFactory, RunFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_run_defaults() -> None:
    run = Run.objects.create(author=UserFactory(), kind="workflow", title="t")
    run.refresh_from_db()
    assert is_object_id(run.id)
    assert run.status == GraphRunningStatus.CREATED
    assert run.graph == {}
    assert (run.workflow, run.cancel_requested_at, run.started_at, run.finished_at) == (None, None, None, None)


def test_run_keeps_its_frozen_graph_when_the_workflow_goes() -> None:
    workflow = NodeFactory(kind="workflow")
    run = RunFactory(workflow=workflow, graph={"nodes": [{"_id": "5d27e3bd0f432b5e3693314c"}]})
    workflow.delete()
    run.refresh_from_db()
    assert run.workflow is None
    assert run.graph == {"nodes": [{"_id": "5d27e3bd0f432b5e3693314c"}]}


def test_run_constraints() -> None:
    now = timezone.now()
    assert_violates("graphs_run_status_valid", lambda: RunFactory(status="DONE"), Run)
    for status in (GraphRunningStatus.SUCCESS, GraphRunningStatus.FAILED, GraphRunningStatus.CANCELED):
        assert_violates("graphs_run_finished_has_time", lambda s=status: RunFactory(status=s), Run)
    assert_violates(
        "graphs_run_finished_after_started",
        lambda: RunFactory(started_at=now, finished_at=now - timedelta(seconds=1)),
        Run,
    )
    finished = RunFactory(status=GraphRunningStatus.SUCCESS, started_at=now, finished_at=now)
    assert finished.status == GraphRunningStatus.SUCCESS


def test_node_run_defaults() -> None:
    node_run = NodeRun.objects.create(run=RunFactory(), node_id="5d27e3bd0f432b5e3693314c", kind="python")
    node_run.refresh_from_db()
    assert node_run.status == NodeRunningStatus.CREATED
    assert node_run.attempt == 0
    assert (node_run.outputs, node_run.logs) == ({}, {})
    assert (node_run.cache_key, node_run.worker_id, node_run.celery_task_id, node_run.error) == ("", "", "", "")
    assert node_run.restored_from is None
    assert (node_run.lease_expires_at, node_run.queued_at, node_run.started_at, node_run.finished_at) == (
        None,
        None,
        None,
        None,
    )


def test_node_runs_go_with_their_run() -> None:
    node_run = NodeRunFactory()
    node_run.run.delete()
    assert not NodeRun.objects.filter(pk=node_run.pk).exists()


def test_node_run_constraints() -> None:
    existing = NodeRunFactory()
    now = timezone.now()
    assert_violates(
        "graphs_noderun_node_once_per_run",
        lambda: NodeRunFactory(run=existing.run, node_id=existing.node_id),
        NodeRun,
    )
    assert_violates("graphs_noderun_status_valid", lambda: NodeRunFactory(status="DONE"), NodeRun)
    for status in (
        NodeRunningStatus.SUCCESS,
        NodeRunningStatus.RESTORED,
        NodeRunningStatus.FAILED,
        NodeRunningStatus.CANCELED,
    ):
        assert_violates("graphs_noderun_finished_has_time", lambda s=status: NodeRunFactory(status=s), NodeRun)
    assert_violates(
        "graphs_noderun_running_has_start", lambda: NodeRunFactory(status=NodeRunningStatus.RUNNING), NodeRun
    )
    assert_violates("graphs_noderun_cache_key_length", lambda: NodeRunFactory(cache_key="abc"), NodeRun)
    assert_violates("attempt", lambda: NodeRunFactory(attempt=-1), NodeRun)
    running = NodeRunFactory(status=NodeRunningStatus.RUNNING, started_at=now, cache_key="f" * 64)
    assert running.cache_key == "f" * 64


def test_cache_entry_defaults() -> None:
    entry = NodeCache.objects.create(key="0" * 64, node_id="5d27e3bd0f432b5e3693314c")
    entry.refresh_from_db()
    assert (entry.outputs, entry.logs, entry.removed, entry.protected, entry.run) == ({}, {}, False, False, None)


def test_one_live_cache_entry_per_key() -> None:
    entry = NodeCacheFactory()
    assert_violates("graphs_nodecache_live_key_unique", lambda: NodeCacheFactory(key=entry.key), NodeCache)
    NodeCache.objects.filter(pk=entry.pk).update(removed=True)
    replacement = NodeCacheFactory(key=entry.key)
    assert NodeCache.objects.filter(key=entry.key).count() == 2
    assert NodeCache.objects.get(key=entry.key, removed=False) == replacement


def test_cache_entry_constraints() -> None:
    assert_violates("graphs_nodecache_key_length", lambda: NodeCacheFactory(key="short"), NodeCache)
    assert_violates(
        "graphs_nodecache_protected_not_removed",
        lambda: NodeCacheFactory(protected=True, removed=True),
        NodeCache,
    )


def test_cache_entries_outlive_their_run() -> None:
    entry = NodeCacheFactory(run=RunFactory())
    restored = NodeRunFactory(restored_from=entry)
    entry.run.delete()
    entry.refresh_from_db()
    assert entry.run is None
    entry.delete()
    restored.refresh_from_db()
    assert restored.restored_from is None
