"""Artifact collection: what is referenced survives, what nobody uses goes once past the grace period."""

from __future__ import annotations

import fcntl
import io
import itertools
import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from apps.graphs.choices import GraphRunningStatus, NodeRunningStatus
from apps.graphs.models import NodeCache, Run
from apps.graphs.services import run_create
from apps.nodes.choices import NodeStatus
from apps.nodes.documents import validate_inputs, validate_logs, validate_outputs, validate_sub_nodes
from apps.resources import gc
from apps.resources.gc import CollectResult, artifacts_collect
from apps.resources.models import Resource
from apps.resources.services import resource_create_from_stream, resource_store_path, resources_record
from apps.resources.storage import blob_exists, blob_put_stream, live_log_key, live_put_path
from tests.factories import NodeCacheFactory, NodeFactory, NodeRunFactory, RunFactory, UserFactory
from tests.graphs.workflows import bash, file_node, inp, link, out, python, wait_for_run, workflow
from tests.live import live_environment, worker
from tests.resources.conftest import S3_BUCKET, S3_LOCATION, s3_client, stored_keys

pytestmark = pytest.mark.django_db

_payloads = itertools.count()
DAY = timedelta(days=1)


def _bytes() -> bytes:
    return f"artifact {next(_payloads)}\n".encode()


def _resource(data: bytes | None = None) -> Resource:
    return resource_create_from_stream(stream=io.BytesIO(data or _bytes()), file_type="file")


def _later(**options: Any) -> CollectResult:
    """Collect as if two days had passed: everything written so far is past the default grace period."""
    return artifacts_collect(now=timezone.now() + 2 * DAY, **options)


def _age(root: Path, *resources: Resource, by: timedelta = 2 * DAY) -> None:
    """Make rows and their local blobs look written ``by`` ago (what the management command sees)."""
    then = timezone.now() - by
    Resource.objects.filter(pk__in=[r.pk for r in resources]).update(created_at=then)
    for resource in resources:
        os.utime(root / resource.storage_key, (then.timestamp(), then.timestamp()))


def _alive(resource: Resource) -> tuple[bool, bool]:
    return Resource.objects.filter(pk=resource.pk).exists(), blob_exists(resource.storage_key)


def _figures(result: CollectResult) -> tuple[int, int, int, int, int]:
    return result.rows, result.blobs, result.blob_bytes, result.live_logs, result.incomplete


def _keys(storage: str) -> list[str]:
    """The stored objects, but the lock a local collection holds in the storage's root."""
    return [key for key in stored_keys(storage) if key != gc.LOCK_NAME]


# ---------------------------------------------------------------------------------------------
# Each place a resource can be referenced from keeps it.


def _sub_node(node_id: str, **documents: Any) -> dict[str, Any]:
    return {"_id": node_id, "kind": "python", "title": "step", **documents}


def _input(resource_id: str) -> list[dict[str, Any]]:
    return [{"name": "data", "file_types": ["file"], "values": [{"resource_id": resource_id}]}]


def _output(resource_id: str) -> list[dict[str, Any]]:
    return [{"name": "out", "file_type": "file", "resource_id": resource_id}]


def _log(resource_id: str) -> list[dict[str, Any]]:
    return [{"name": "stdout", "file_type": "file", "resource_id": resource_id}]


def _operation_input(rid: str) -> None:
    validate_inputs(_input(rid))
    NodeFactory(inputs=_input(rid))


def _file_operation_output(rid: str) -> None:
    validate_outputs(_output(rid))
    NodeFactory(kind="file", outputs=_output(rid), node_status=NodeStatus.READY)


def _operation_log(rid: str) -> None:
    validate_logs(_log(rid))
    NodeFactory(logs=_log(rid))


def _deprecated_operation_version(rid: str) -> None:
    successor = NodeFactory(kind="file", node_status=NodeStatus.READY)
    NodeFactory(kind="file", outputs=_output(rid), node_status=NodeStatus.DEPRECATED, successor_node=successor)


def _workflow_sub_node_input(rid: str) -> None:
    nodes = [_sub_node("a" * 24, inputs=_input(rid))]
    validate_sub_nodes(nodes)
    NodeFactory(kind="workflow", nodes=nodes)


def _workflow_composite_inner_output(rid: str) -> None:
    inner = _sub_node("c" * 24, kind="file", outputs=_output(rid))
    nodes = [_sub_node("b" * 24, kind="composite", nodes=[inner])]
    validate_sub_nodes(nodes)
    NodeFactory(kind="workflow", nodes=nodes)


def _node_run_spec(rid: str) -> None:
    spec = _sub_node("d" * 24, inputs=_input(rid))
    validate_sub_nodes([spec])
    NodeRunFactory(spec=spec)


def _node_run_inputs_resolved(rid: str) -> None:
    sha256 = Resource.objects.get(pk=rid).sha256
    NodeRunFactory(inputs_resolved={"data": [{"resource_id": rid, "file_type": "file", "sha256": sha256}]})


def _node_run_output(rid: str) -> None:
    NodeRunFactory(outputs={"out": rid}, status=NodeRunningStatus.SUCCESS, finished_at=timezone.now())


def _node_run_log(rid: str) -> None:
    NodeRunFactory(logs={"stderr": rid}, status=NodeRunningStatus.FAILED, finished_at=timezone.now())


def _cache_entry_output(rid: str) -> None:
    NodeCacheFactory(outputs={"out": rid})


def _cache_entry_log(rid: str) -> None:
    NodeCacheFactory(logs={"stdout": rid}, protected=True)


REFERENCE_KINDS: dict[str, Callable[[str], None]] = {
    "operation-input": _operation_input,
    "file-operation-output": _file_operation_output,
    "operation-log": _operation_log,
    "deprecated-operation-version": _deprecated_operation_version,
    "workflow-sub-node-input": _workflow_sub_node_input,
    "workflow-composite-inner-output": _workflow_composite_inner_output,
    "node-run-spec": _node_run_spec,
    "node-run-inputs-resolved": _node_run_inputs_resolved,
    "node-run-output": _node_run_output,
    "node-run-log": _node_run_log,
    "cache-entry-output": _cache_entry_output,
    "cache-entry-log": _cache_entry_log,
}


@pytest.mark.parametrize("refer", REFERENCE_KINDS.values(), ids=REFERENCE_KINDS.keys())
def test_a_referenced_resource_survives(local_storage: Path, refer: Callable[[str], None]) -> None:
    kept, unused = _resource(), _resource()
    refer(kept.pk)
    result = _later()
    assert _alive(kept) == (True, True)
    assert _alive(unused) == (False, False)
    assert (result.rows, result.blobs, result.blob_bytes) == (1, 1, unused.size)


def test_a_removed_cache_entry_keeps_nothing(local_storage: Path) -> None:
    resource = _resource()
    NodeCacheFactory(outputs={"out": resource.pk}, removed=True)
    _later()
    assert _alive(resource) == (False, False)


# ---------------------------------------------------------------------------------------------
# Sweeping rows and blobs, on a local directory and on S3.


def test_unreferenced_old_artifacts_are_collected(storage: str) -> None:
    first, second = _resource(b"one\n"), _resource(b"second\n")
    result = _later()
    assert not Resource.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert _keys(storage) == []
    assert _figures(result) == (2, 2, 4 + 7, 0, 0)
    assert (result.row_bytes, result.freed_bytes) == (11, 11)


def test_young_artifacts_survive(storage: str) -> None:
    young = _resource()
    # A blob a worker stored for an output it has not recorded yet: no row names it.
    pending = blob_put_stream(io.BytesIO(b"being recorded\n"))
    result = artifacts_collect()
    assert _alive(young) == (True, True)
    assert _keys(storage) == sorted([young.storage_key, pending.key])
    assert _figures(result) == (0, 0, 0, 0, 0)


def test_a_young_row_keeps_an_old_blob(storage: str) -> None:
    resource = _resource()
    Resource.objects.filter(pk=resource.pk).update(created_at=timezone.now() + 2 * DAY - timedelta(hours=1))
    result = _later()
    assert _alive(resource) == (True, True)
    assert _figures(result) == (0, 0, 0, 0, 0)


def test_a_blob_shared_by_a_referenced_and_an_unreferenced_row_survives(storage: str) -> None:
    data = _bytes()
    kept, unused = _resource(data), _resource(data)
    assert kept.storage_key == unused.storage_key
    NodeRunFactory(outputs={"out": kept.pk})
    result = _later()
    assert list(Resource.objects.values_list("pk", flat=True)) == [kept.pk]
    assert _keys(storage) == [kept.storage_key]
    assert _figures(result) == (1, 0, 0, 0, 0)


def test_a_dry_run_deletes_nothing_and_reports_what_a_real_run_frees(storage: str) -> None:
    data = _bytes()
    kept, shared, alone = _resource(data), _resource(data), _resource(b"alone\n")
    NodeCacheFactory(outputs={"out": kept.pk})
    keys_before = _keys(storage)
    dry = _later(dry_run=True)
    assert Resource.objects.count() == 3
    assert _keys(storage) == keys_before
    assert (dry.dry_run, *_figures(dry), dry.blob_bytes) == (True, 2, 1, 6, 0, 0, 6)
    real = _later()
    assert (real.dry_run, *_figures(real)) == (False, *_figures(dry))
    assert sorted(Resource.objects.values_list("pk", flat=True)) == [kept.pk]
    assert _keys(storage) == [kept.storage_key]
    assert not Resource.objects.filter(pk__in=[shared.pk, alone.pk]).exists()


def test_a_dry_run_counts_a_blob_whose_every_row_would_go(local_storage: Path) -> None:
    data = _bytes()
    _resource(data), _resource(data)
    dry = _later(dry_run=True)
    assert _figures(dry) == (2, 1, len(data), 0, 0)
    assert Resource.objects.count() == 2


def test_the_work_is_done_in_batches(local_storage: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gc, "BATCH_SIZE", 2)
    resources = [_resource() for _ in range(7)]
    for resource in resources[::3]:
        NodeRunFactory(outputs={"out": resource.pk})
    result = _later()
    kept = {r.pk for r in resources[::3]}
    assert set(Resource.objects.values_list("pk", flat=True)) == kept
    assert sorted(_keys("local")) == sorted(r.storage_key for r in resources if r.pk in kept)
    assert _figures(result)[:2] == (4, 4)


# ---------------------------------------------------------------------------------------------
# Safety while workers and users keep working.


def _save_workflow(rid: str) -> None:
    NodeFactory(kind="workflow", nodes=[_sub_node("e" * 24, inputs=_input(rid))])


def _start_run(rid: str) -> None:
    # A run started from the frozen documents of an earlier run, not from a stored workflow.
    NodeRunFactory(spec=_sub_node("f" * 24, kind="file", outputs=_output(rid)))


def _store_cache_entry(rid: str) -> None:
    NodeCacheFactory(outputs={"out": rid})


CONCURRENT_WRITES = {"workflow-saved": _save_workflow, "run-started": _start_run, "cache-entry": _store_cache_entry}


@pytest.mark.parametrize("write", CONCURRENT_WRITES.values(), ids=CONCURRENT_WRITES.keys())
def test_a_resource_referenced_during_the_collection_survives(
    local_storage: Path, monkeypatch: pytest.MonkeyPatch, write: Callable[[str], None]
) -> None:
    resource, unused = _resource(), _resource()
    real_mark = gc.resources_referenced
    calls = []

    def mark_then_write(**options: Any) -> set[str]:
        found = real_mark(**options)
        if not calls:
            # Someone names the resource right after the full mark.
            write(resource.pk)
        calls.append(options.get("since"))
        return found

    monkeypatch.setattr(gc, "resources_referenced", mark_then_write)
    result = _later()
    assert _alive(resource) == (True, True)
    assert _alive(unused) == (False, False)
    # The full mark, then the mark of what was written since, before the delete.
    assert calls[0] is None
    assert calls[1] is not None
    assert result.rows == 1


def test_a_reused_old_blob_is_spared_until_its_new_row_is_recorded(local_storage: Path) -> None:
    data = _bytes()
    old = _resource(data)
    _age(local_storage, old)
    Resource.objects.filter(pk=old.pk).delete()
    # A worker stores an output with the same bytes: the blob exists already and is only touched.
    stored = resource_store_path(path=_write(local_storage.parent / "output", data), file_type="file")
    result = artifacts_collect()
    assert blob_exists(stored.blob.key)
    assert _figures(result) == (0, 0, 0, 0, 0)
    resources_record(stored=[stored], author_id=None)
    assert Resource.objects.get(pk=stored.id).storage_key == stored.blob.key


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("storage", ["s3"], indirect=True)
def test_s3_a_reused_blob_gets_a_new_modification_time(storage: str) -> None:
    data = _bytes()
    first = blob_put_stream(io.BytesIO(data))
    key = f"{S3_LOCATION}/{first.key}"
    client = s3_client(storages["default"].endpoint_url)
    before = client.head_object(Bucket=S3_BUCKET, Key=key)
    # LastModified has a resolution of one second.
    time.sleep(1.1)
    blob_put_stream(io.BytesIO(data))
    after = client.head_object(Bucket=S3_BUCKET, Key=key)
    assert after["LastModified"] > before["LastModified"]
    assert (after["ContentType"], after["ContentLength"]) == ("application/octet-stream", len(data))
    assert _keys(storage) == [first.key]


def test_a_blob_touched_between_listing_and_deletion_is_put_back(local_storage: Path) -> None:
    data = _bytes()
    blob = blob_put_stream(io.BytesIO(data))
    path = local_storage / blob.key
    then = (timezone.now() - 2 * DAY).timestamp()
    os.utime(path, (then, then))
    store = gc._LocalStore(storages["default"])
    (listed,) = list(store.list("sha256"))
    os.utime(path)  # a writer reuses the blob after it was listed
    collection = gc._Collection(grace=gc.DEFAULT_GRACE, dry_run=False, now=timezone.now())
    assert store.delete_blob_if(listed, collection._still_unused(blob.sha256)) is False
    assert sorted(p.name for p in path.parent.iterdir()) == [blob.sha256]
    assert path.read_bytes() == data


def test_a_blob_recorded_between_listing_and_deletion_stays(storage: str) -> None:
    data = _bytes()
    blob = blob_put_stream(io.BytesIO(data))
    store = gc._store(storages["default"])
    (listed,) = list(store.list("sha256"))
    # An upload of the same bytes records its row after the blob was listed as unused.
    resource = _resource(data)
    collection = gc._Collection(grace=gc.DEFAULT_GRACE, dry_run=False, now=timezone.now() + 2 * DAY)
    assert store.delete_blob_if(listed, collection._still_unused(blob.sha256)) is False
    assert _alive(resource) == (True, True)
    assert _keys(storage) == [blob.key]


def test_leftovers_of_interrupted_writes_are_collected(local_storage: Path) -> None:
    kept = _resource()
    directory = (local_storage / kept.storage_key).parent
    live = local_storage / "live" / ("a" * 24) / ("b" * 24) / "1"
    live.mkdir(parents=True)
    abandoned = [_write(directory / ".incoming-abc123", b"half a bl"), _write(live / ".incoming-ghi789", b"std")]
    writing = _write(directory / ".incoming-def456", b"still writing")
    then = (timezone.now() - 2 * DAY).timestamp()
    for path in abandoned:
        os.utime(path, (then, then))
    NodeCacheFactory(outputs={"out": kept.pk})
    result = artifacts_collect()
    assert (result.incomplete, result.incomplete_bytes) == (2, 9 + 3)
    assert sorted(p.name for p in directory.iterdir()) == sorted([kept.sha256, writing.name])
    assert list(live.iterdir()) == []


def test_a_blob_left_aside_by_a_stopped_collection_is_restored_when_a_row_uses_it(local_storage: Path) -> None:
    kept = _resource()
    NodeCacheFactory(outputs={"out": kept.pk})
    path = local_storage / kept.storage_key
    aside = path.with_name(f".gc-{kept.sha256}-0a1b2c3d")
    os.rename(path, aside)
    artifacts_collect()
    assert _alive(kept) == (True, True)
    assert not aside.exists()


# ---------------------------------------------------------------------------------------------
# Live logs.


@pytest.mark.parametrize("storage", ["local", "s3"], indirect=True)
def test_stale_live_logs_go_and_those_of_running_attempts_stay(storage: str, tmp_path: Path) -> None:
    finished_run = RunFactory(status=GraphRunningStatus.SUCCESS, finished_at=timezone.now())
    done = NodeRunFactory(run=finished_run, status=NodeRunningStatus.SUCCESS, attempt=1, finished_at=timezone.now())
    active_run = RunFactory(status=GraphRunningStatus.RUNNING)
    running = NodeRunFactory(run=active_run, status=NodeRunningStatus.RUNNING, attempt=2, started_at=timezone.now())
    log = _write(tmp_path / "stdout", b"line\n")
    stale_keys = [
        live_log_key(finished_run.pk, done.node_id, 1, "stdout"),
        # An attempt of the running node that was lost: a later attempt runs now.
        live_log_key(active_run.pk, running.node_id, 1, "stdout"),
    ]
    live_key = live_log_key(active_run.pk, running.node_id, 2, "stdout")
    for key in [*stale_keys, live_key]:
        live_put_path(key, log)
    assert artifacts_collect().live_logs == 0
    result = _later()
    assert (result.live_logs, result.live_log_bytes) == (2, 10)
    assert _keys(storage) == [live_key]
    if storage == "local":
        # The directories of the finished run go too; the running run keeps its own.
        root = Path(storages["default"].location)
        assert sorted(p.relative_to(root).as_posix() for p in (root / "live").rglob("*")) == [
            f"live/{active_run.pk}",
            f"live/{active_run.pk}/{running.node_id}",
            f"live/{active_run.pk}/{running.node_id}/2",
            f"live/{active_run.pk}/{running.node_id}/2/stdout",
        ]


# ---------------------------------------------------------------------------------------------
# The command, and cache clean followed by a collection.


def _gc(*args: str) -> str:
    out = io.StringIO()
    call_command("gc_artifacts", *args, stdout=out)
    return out.getvalue()


def test_cache_clean_then_gc_frees_a_runs_outputs_only_when_nothing_else_uses_them(local_storage: Path) -> None:
    only_run, also_in_workflow = _resource(b"only the run\n"), _resource(b"the workflow too\n")
    run = RunFactory(status=GraphRunningStatus.SUCCESS, finished_at=timezone.now())
    node_run = NodeRunFactory(
        run=run,
        status=NodeRunningStatus.SUCCESS,
        finished_at=timezone.now(),
        outputs={"a": only_run.pk, "b": also_in_workflow.pk},
    )
    NodeCacheFactory(run=run, node_id=node_run.node_id, outputs=node_run.outputs)
    NodeFactory(kind="file", outputs=_output(also_in_workflow.pk), node_status=NodeStatus.READY)
    _age(local_storage, only_run, also_in_workflow)

    out = io.StringIO()
    call_command("cache", "clean", "--yes", stdout=out)
    assert out.getvalue() == "Deleted 1 cache entries; kept 0 protected.\n"
    assert "Resource rows deleted: 0\n" in _gc()
    assert _alive(only_run) == _alive(also_in_workflow) == (True, True)

    # The run is deleted (as from the admin): only the workflow still uses one of its outputs.
    Run.objects.filter(pk=run.pk).delete()
    report = _gc()
    assert _alive(only_run) == (False, False)
    assert _alive(also_in_workflow) == (True, True)
    assert "Resource rows deleted: 1\n" in report
    assert "Blobs deleted: 1, 13 bytes\n" in report
    assert "Freed: 13 bytes" in report
    assert NodeCache.objects.count() == 0


def test_the_command_dry_run_reports_and_deletes_nothing(local_storage: Path) -> None:
    resource = _resource(b"x" * 2048)
    _age(local_storage, resource)
    report = _gc("--dry-run", "--grace-hours", "36")
    assert report.splitlines() == [
        "Grace period: 36 hours",
        "Referenced resources: 0",
        "Resource rows would be deleted: 1",
        "Blobs would be deleted: 1, 2048 bytes (2.0 KiB)",
        "Incomplete uploads would be deleted: 0, 0 bytes",
        "Live logs would be deleted: 0, 0 bytes",
        "Would free: 2048 bytes (2.0 KiB)",
        "Dry run: nothing was deleted.",
    ]
    assert _alive(resource) == (True, True)
    # Two days old: a grace period of 72 hours spares it.
    assert "Resource rows deleted: 0\n" in _gc("--grace-hours", "72")
    assert _alive(resource) == (True, True)


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "inf"])
def test_the_command_refuses_a_bad_grace_period(local_storage: Path, value: str) -> None:
    resource = _resource()
    _age(local_storage, resource)
    with pytest.raises(CommandError, match="--grace-hours: expected a number of hours"):
        _gc("--grace-hours", value)
    assert _alive(resource) == (True, True)


def test_the_command_refuses_a_storage_it_cannot_list(settings: Any, local_storage: Path) -> None:
    from tests.resources.conftest import reset_storages

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    reset_storages()
    with pytest.raises(CommandError, match="cannot collect artifacts in a storage of class InMemoryStorage"):
        _gc()


# ---------------------------------------------------------------------------------------------
# On what real workers write.


@pytest.fixture
def live_env(local_storage: Path, transactional_db: None) -> dict[str, str]:
    """Real workers share this test's database and artifact directory, on an empty broker database."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()
    client.close()
    return live_environment(local_storage)


@pytest.mark.django_db(transaction=True)
def test_what_a_real_run_stores_is_kept_until_the_run_and_its_cache_entries_go(
    live_env: dict[str, str], local_storage: Path, tmp_path: Path
) -> None:
    author = UserFactory()
    source = resource_create_from_stream(stream=io.BytesIO(b"3\n4\n"), file_type="file", author=author)
    data = file_node(source.pk, title="data")
    total = python(
        "total",
        "n = sum(int(x) for x in open(inputs['in']))\nprint('summed')\nopen(outputs['out'], 'w').write(str(n))",
        inputs=[inp("in", link(data, "out"))],
        outputs=[out("out", "int")],
    )
    label = bash(
        "label",
        "echo total={{ inputs.n }} > {{ outputs.out }}",
        inputs=[inp("n", link(total, "out"), types=("int",))],
        outputs=[out("out")],
    )
    flow = workflow(author, data, total, label)
    with worker(live_env, tmp_path):
        run = wait_for_run(run_create(workflow=flow, author=author))
    assert run.status == GraphRunningStatus.SUCCESS
    produced = set(Resource.objects.exclude(pk=source.pk).values_list("pk", flat=True))
    outputs = {pk for row in run.node_runs.all() for pk in row.outputs.values()} - {source.pk}
    logs = {pk for row in run.node_runs.all() for pk in row.logs.values()}
    assert len(outputs) == 2
    assert logs
    assert produced == outputs | logs
    assert NodeCache.objects.count() == 2

    # Everything the run stored is referenced by its node runs, its cache entries or the workflow.
    assert _figures(_later()) == (0, 0, 0, 0, 0)
    call_command("cache", "clean", "--yes", stdout=io.StringIO())
    assert _figures(_later()) == (0, 0, 0, 0, 0)

    # A workflow keeps one of the run's outputs as a file of its own.
    kept = Resource.objects.get(pk=run.node_runs.get(title="total").outputs["out"])
    NodeFactory(kind="file", outputs=_output(kept.pk), node_status=NodeStatus.READY)
    Run.objects.filter(pk=run.pk).delete()
    # What goes: each row the run stored except the kept one, and each blob only those rows used.
    gone = Resource.objects.filter(pk__in=produced - {kept.pk})
    blobs = dict(gone.exclude(sha256__in=[source.sha256, kept.sha256]).values_list("sha256", "size"))
    expected = (len(produced) - 1, len(blobs), sum(blobs.values()), 0, 0)
    result = _later()
    assert _figures(result) == expected
    assert set(Resource.objects.values_list("pk", flat=True)) == {source.pk, kept.pk}
    assert sorted(_keys("local")) == sorted({source.storage_key, kept.storage_key})


def test_one_collection_at_a_time_on_local_storage(local_storage: Path) -> None:
    resource = _resource()
    with (local_storage / gc.LOCK_NAME).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(CommandError, match="another artifact collection is running on this storage"):
            _gc("--grace-hours", "0")
        assert _alive(resource) == (True, True)
    assert "Resource rows deleted: 1\n" in _gc("--grace-hours", "0")
    assert _alive(resource) == (False, False)
