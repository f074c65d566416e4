"""Running one node on a worker: prepare its inputs, run its executor, store its results.

This is the worker's side of a node's life. The control plane (``apps.graphs.services``)
decides what runs; this module claims a node, works in a fresh temporary directory, keeps the
node's lease alive, uploads its logs while it runs and reports how it ended.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection

from apps.graphs import engine
from apps.graphs.selectors import run_cancel_requested
from apps.graphs.services import ClaimedNode, node_run_claim, node_run_finish, node_run_heartbeat
from apps.nodes.executors.base import (
    ExecutionResult,
    InputItem,
    LogPaths,
    OutputSlot,
    PreparedNode,
    find_cmd,
    pythonize_parameters,
)
from apps.nodes.executors.registry import executor_for_kind
from apps.resources.kinds import ResourceValueError, resource_kind
from apps.resources.services import StoredBlob, resource_store_path
from apps.resources.storage import blob_download_to, blob_key, live_delete, live_log_key, live_put_path

logger = logging.getLogger(__name__)

# How often a running node's logs are copied to storage for people following them live.
LOG_UPLOAD_INTERVAL_SECONDS = 1.0
# How often the worker looks at the run's cancel flag.
CANCEL_POLL_INTERVAL_SECONDS = 0.5
LOG_NAMES = ("stdout", "stderr", "worker")


class OutputError(Exception):
    """An output the node was to produce is missing or malformed."""


class _Monitor(threading.Thread):
    """Keeps the lease alive, watches the cancel flag and uploads live logs while the node runs."""

    def __init__(self, claimed: ClaimedNode, logs: LogPaths) -> None:
        super().__init__(name=f"plynx-monitor-{claimed.node_run_id}", daemon=True)
        self.claimed = claimed
        self.logs = logs
        self.cancel = threading.Event()
        self.lost = threading.Event()
        self._stop_event = threading.Event()
        self._uploaded: dict[str, tuple[int, int]] = {}

    @property
    def uploaded_logs(self) -> list[str]:
        """The logs copied to their live keys so far."""
        return list(self._uploaded)

    def should_cancel(self) -> bool:
        return self.cancel.is_set() or self.lost.is_set()

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def run(self) -> None:
        # The lease is renewed well before it lapses: a few missed beats are not a lost worker.
        lease_interval = max(1.0, settings.PLYNX_NODE_LEASE_SECONDS / 4)
        last_lease = last_cancel_check = last_upload = time.monotonic()
        try:
            while not self._stop_event.is_set():
                now = time.monotonic()
                if now - last_cancel_check >= CANCEL_POLL_INTERVAL_SECONDS:
                    self._guarded(self._check_cancel)
                    last_cancel_check = now
                if now - last_lease >= lease_interval:
                    self._guarded(self._renew_lease)
                    last_lease = now
                if now - last_upload >= LOG_UPLOAD_INTERVAL_SECONDS:
                    self.upload_live_logs()
                    last_upload = now
                self._stop_event.wait(0.1)
        finally:
            connection.close()

    def _guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception:
            logger.exception("monitor of node_run=%s failed", self.claimed.node_run_id)
            close_old_connections()

    def _check_cancel(self) -> None:
        if run_cancel_requested(run_id=self.claimed.run_id):
            self.cancel.set()

    def _renew_lease(self) -> None:
        if not node_run_heartbeat(node_run_id=self.claimed.node_run_id, attempt=self.claimed.attempt):
            # The sweeper gave this node to another attempt: stop working on it.
            self.lost.set()

    def upload_live_logs(self) -> None:
        for name in LOG_NAMES:
            path: Path = getattr(self.logs, name)
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            signature = (stat.st_size, stat.st_mtime_ns)
            if self._uploaded.get(name) == signature:
                continue
            try:
                live_put_path(live_log_key(self.claimed.run_id, self.claimed.node_id, self.claimed.attempt, name), path)
                self._uploaded[name] = signature
            except Exception:
                logger.exception("live log upload failed node_run=%s log=%s", self.claimed.node_run_id, name)


def _prepare(claimed: ClaimedNode, workdir: Path, logs: LogPaths) -> PreparedNode:
    spec = claimed.spec
    inputs_dir, outputs_dir = workdir / "inputs", workdir / "outputs"
    inputs_dir.mkdir()
    outputs_dir.mkdir()
    inputs: dict[str, tuple[InputItem, ...]] = {}
    for port in spec.inputs:
        items = []
        for index, slot in enumerate(claimed.inputs.get(port.name, [])):
            if slot.resource_id is None:
                items.append(InputItem(path=None, value=slot.value, file_type=port.file_types[0]))
                continue
            kind = resource_kind(slot.file_type)
            blob = inputs_dir / f".{index}_{port.name}.blob"
            blob_download_to(blob_key(slot.sha256), blob)
            if kind.raw:
                items.append(InputItem(path=None, value=kind.parse_value(blob.read_text()), file_type=slot.file_type))
                blob.unlink()
            else:
                path = kind.prepare_input(blob, inputs_dir / f"{index}_{port.name}")
                items.append(InputItem(path=path, value=None, file_type=slot.file_type))
        inputs[port.name] = tuple(items)
    outputs: dict[str, OutputSlot] = {}
    for output in spec.outputs:
        path = outputs_dir / output.name
        resource_kind(output.file_type).prepare_output(path)
        outputs[output.name] = OutputSlot(path=path, file_type=output.file_type)
    return PreparedNode(
        node_id=spec.id,
        title=spec.title,
        kind=spec.kind,
        workdir=workdir,
        inputs=inputs,
        input_is_list={port.name: port.max_count != 1 for port in spec.inputs},
        outputs=outputs,
        params=pythonize_parameters(spec.parameters),
        cmd=find_cmd(spec) or "",
        timeout_seconds=claimed.timeout_seconds,
        logs=logs,
    )


def _upload_outputs(prepared: PreparedNode) -> dict[str, StoredBlob]:
    stored: dict[str, StoredBlob] = {}
    for name, slot in prepared.outputs.items():
        kind = resource_kind(slot.file_type)
        if not slot.path.exists():
            raise OutputError(f"output {name!r} was not created at {slot.path.name}")
        try:
            kind.validate_output(slot.path)
            if kind.raw:
                # One canonical text per value, so equal values are equal artifacts (and cache hits).
                slot.path.write_text(kind.format_value(kind.parse_value(slot.path.read_text())))
        except ResourceValueError as error:
            raise OutputError(f"output {name!r} ({slot.file_type}) is malformed: {error}") from None
        upload = kind.postprocess_output(slot.path)
        # The working directory is deleted next: the file may be moved into storage.
        stored[name] = resource_store_path(path=upload, file_type=slot.file_type, original_name=name, consume=True)
    return stored


def _upload_logs(logs: LogPaths) -> dict[str, StoredBlob]:
    stored: dict[str, StoredBlob] = {}
    for name in LOG_NAMES:
        path: Path = getattr(logs, name)
        if path.exists() and path.stat().st_size > 0:
            stored[name] = resource_store_path(path=path, file_type="file", original_name=name, consume=True)
    return stored


def _append_worker_log(logs: LogPaths, text: str) -> None:
    with logs.worker.open("a", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")


def _run(
    claimed: ClaimedNode, workdir: Path
) -> tuple[ExecutionResult, dict[str, StoredBlob], dict[str, StoredBlob], list[str]]:
    """Run the claimed node in ``workdir``: its result, stored outputs and logs, and live logs copied."""
    (workdir / "_logs").mkdir()
    # The script's output files and the worker log are created by their first write.
    logs = LogPaths(*(workdir / "_logs" / name for name in LOG_NAMES))
    monitor = _Monitor(claimed, logs)
    monitor.start()
    outputs: dict[str, StoredBlob] = {}
    try:
        executor = executor_for_kind(claimed.spec.kind)
        prepared = _prepare(claimed, workdir, logs)
        result = executor.run(prepared, should_cancel=monitor.should_cancel)
        if result.status == "SUCCESS":
            outputs = _upload_outputs(prepared)
    except OutputError as error:
        result = ExecutionResult("FAILED", str(error))
        _append_worker_log(logs, f"JOB FAILED: {error}")
    except Exception as error:
        result = ExecutionResult("FAILED", f"{type(error).__name__}: {error}")
        _append_worker_log(logs, f"JOB FAILED: {result.error}\n{traceback.format_exc()}")
        logger.exception("node failed run=%s node=%s", claimed.run_id, claimed.node_id)
    finally:
        monitor.stop()
    if result.status == "SUCCESS" and monitor.cancel.is_set():
        result = ExecutionResult("CANCELED", "canceled")
    try:
        stored_logs = _upload_logs(logs)
    except Exception as error:
        logger.exception("log upload failed run=%s node=%s", claimed.run_id, claimed.node_id)
        stored_logs = {}
        if result.status == "SUCCESS":
            result = ExecutionResult("FAILED", f"could not store the logs: {error}")
    if result.status != "SUCCESS":
        outputs = {}
    return result, outputs, stored_logs, monitor.uploaded_logs


def node_execute(*, node_run_id: int, attempt: int, worker_id: str, task_id: str = "") -> None:
    """Claim node ``node_run_id`` under ``attempt`` and run it to the end, whatever happens.

    Safe to call twice for the same attempt: the second call finds nothing to claim.
    """
    claimed = node_run_claim(node_run_id=node_run_id, attempt=attempt, worker_id=worker_id, task_id=task_id)
    if claimed is None:
        logger.info("nothing to claim node_run=%s attempt=%s", node_run_id, attempt)
        return
    logger.info("node started run=%s node=%s attempt=%s", claimed.run_id, claimed.node_id, attempt)
    workdir = tempfile.TemporaryDirectory(prefix="plynx-node-")
    uploaded_live: list[str] = []
    try:
        result, outputs, stored_logs, uploaded_live = _run(claimed, Path(workdir.name))
        node_run_finish(
            node_run_id=claimed.node_run_id,
            attempt=claimed.attempt,
            status=engine.NodeState(result.status),
            outputs={name: item.id for name, item in outputs.items()},
            logs={name: item.id for name, item in stored_logs.items()},
            stored=[*outputs.values(), *stored_logs.values()],
            error=result.error,
            run_id=claimed.run_id,
            author_id=claimed.author_id,
            cacheable=claimed.cacheable,
        )
    finally:
        # Cleaning up after the finish: the node's children are already on their way.
        workdir.cleanup()
        # Only what was copied while the node ran (a node shorter than a second has nothing live).
        for name in uploaded_live:
            try:
                live_delete(live_log_key(claimed.run_id, claimed.node_id, claimed.attempt, name))
            except Exception:
                logger.warning("could not delete live log run=%s node=%s log=%s", claimed.run_id, claimed.node_id, name)
    logger.info("node ended run=%s node=%s status=%s", claimed.run_id, claimed.node_id, result.status)
