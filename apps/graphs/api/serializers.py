"""Input and output shapes of runs, the nodes of a run and workers in the v1 API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.graphs.models import NodeRun, NodeRunAttempt, Run
from apps.nodes.models import WorkerState
from apps.users.api.serializers import StrictCharField, StrictSerializer
from apps.users.permissions import can_control_run
from plynx_site.ids import validate_object_id

# A log is read in pieces: 64 KiB by default keeps a poll light; 1 MiB at most keeps one response bounded.
LOG_DEFAULT_LIMIT = 64 * 1024
LOG_MAX_LIMIT = 1024 * 1024


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds(), 3)


# --- runs ------------------------------------------------------------------------------------


class RunCreateSerializer(StrictSerializer):
    workflow = StrictCharField(
        max_length=24, validators=[validate_object_id], help_text="The id of the workflow to run."
    )


class RunSerializer(serializers.ModelSerializer[Run]):
    """A run in a list: what it is, how it stands, and whether the caller may act on it."""

    author = serializers.CharField(source="author.username", read_only=True)
    duration = serializers.SerializerMethodField(help_text="Seconds from start to end (or to now while it runs).")
    parent_run = serializers.CharField(read_only=True, allow_null=True, help_text="For a composite's run.")
    parent_node = serializers.CharField(read_only=True, allow_null=True, help_text="For a composite's run.")
    readonly = serializers.SerializerMethodField(help_text="True when the caller may not cancel or re-run it.")

    class Meta:
        model = Run
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "workflow",
            "author",
            "author_id",
            "parent_run",
            "parent_node",
            "cancel_requested_at",
            "created_at",
            "started_at",
            "finished_at",
            "duration",
            "readonly",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.FLOAT)
    def get_duration(self, run: Run) -> float | None:
        if run.started_at is None:
            return None
        return _seconds(run.started_at, run.finished_at or timezone.now())

    def get_readonly(self, run: Run) -> bool:
        return not can_control_run(self.context["request"].user, author_id=run.author_id)


class RunDetailSerializer(RunSerializer):
    """A run with its frozen header and how many of its nodes are in each status."""

    node_counts = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Node status → number of nodes."
    )

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "description", "graph", "node_counts"]
        read_only_fields = fields


class WorkflowCreatedSerializer(serializers.Serializer[Any]):
    workflow = serializers.CharField(help_text="The id of the new workflow.")


class ValidationFailedSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    validation_error = serializers.JSONField(help_text="The validation tree: target, object_id, code, children.")


# --- the nodes of a run ----------------------------------------------------------------------


class NodeOutputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    file_type = serializers.CharField(allow_null=True)
    resource_id = serializers.CharField(allow_null=True)


class RestoredFromSerializer(serializers.Serializer[Any]):
    cache_entry = serializers.IntegerField()
    run = serializers.CharField(allow_null=True)
    node_id = serializers.CharField()


class NodeRunSerializer(serializers.ModelSerializer[NodeRun]):
    """A node of a run as a list shows it (its document is left out; see the detail)."""

    id = serializers.CharField(source="node_id", read_only=True)
    duration = serializers.SerializerMethodField(help_text="Seconds from start to end (or to now while it runs).")
    outputs = serializers.SerializerMethodField()
    logs = serializers.DictField(child=serializers.CharField(), read_only=True, help_text="Log name → resource id.")
    restored_from = serializers.SerializerMethodField()
    worker = serializers.CharField(source="worker_id", read_only=True)
    child_run = serializers.CharField(
        source="child_run_id", read_only=True, allow_null=True, help_text="The run of a composite operation."
    )

    class Meta:
        model = NodeRun
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "attempt",
            "queued_at",
            "started_at",
            "finished_at",
            "duration",
            "error",
            "outputs",
            "logs",
            "cache_key",
            "restored_from",
            "worker",
            "child_run",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.FLOAT)
    def get_duration(self, row: NodeRun) -> float | None:
        if row.started_at is None:
            return None
        return _seconds(row.started_at, row.finished_at or timezone.now())

    @extend_schema_field(NodeOutputSerializer(many=True))
    def get_outputs(self, row: NodeRun) -> list[dict[str, Any]]:
        """Each declared output (in order) with the resource it produced, if any, then any other."""
        declared = [(o["name"], o.get("file_type")) for o in (row.declared_outputs or [])]  # type: ignore[attr-defined]
        names = {name for name, _ in declared}
        extra = [(name, None) for name in row.outputs if name not in names]
        return [
            {"name": name, "file_type": file_type, "resource_id": row.outputs.get(name)}
            for name, file_type in [*declared, *extra]
        ]

    @extend_schema_field(RestoredFromSerializer(allow_null=True))
    def get_restored_from(self, row: NodeRun) -> dict[str, Any] | None:
        if row.restored_from_id is None:
            return None
        return {
            "cache_entry": row.restored_from_id,
            "run": row.restored_from_run,  # type: ignore[attr-defined]
            "node_id": row.restored_from_node,  # type: ignore[attr-defined]
        }


class NodeRunWithDocumentSerializer(NodeRunSerializer):
    """A node of a run as a list shows it, with its frozen document (``?documents=true``)."""

    class Meta(NodeRunSerializer.Meta):
        fields = [*NodeRunSerializer.Meta.fields, "spec"]
        read_only_fields = fields


class NodeRunDetailSerializer(NodeRunSerializer):
    """A node of a run with its frozen document, resolved inputs and cache key parts."""

    class Meta(NodeRunSerializer.Meta):
        fields = [*NodeRunSerializer.Meta.fields, "spec", "downstream", "inputs_resolved", "cache_key_parts"]
        read_only_fields = fields


class NodeRunAttemptSerializer(serializers.ModelSerializer[NodeRunAttempt]):
    worker = serializers.CharField(source="worker_id", read_only=True)
    duration = serializers.SerializerMethodField()

    class Meta:
        model = NodeRunAttempt
        fields = ["attempt", "worker", "outcome", "error", "started_at", "finished_at", "duration"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.FLOAT)
    def get_duration(self, attempt: NodeRunAttempt) -> float | None:
        return _seconds(attempt.started_at, attempt.finished_at)


class LogQuerySerializer(serializers.Serializer[Any]):
    offset = serializers.IntegerField(min_value=0, default=0, help_text="Byte to start from (the last `offset`).")
    limit = serializers.IntegerField(
        min_value=1, max_value=LOG_MAX_LIMIT, default=LOG_DEFAULT_LIMIT, help_text="Most bytes to return."
    )
    tail = serializers.IntegerField(
        min_value=0,
        max_value=LOG_MAX_LIMIT,
        required=False,
        help_text="Return the last `tail` bytes instead (`offset` and `limit` are then ignored).",
    )


class LogChunkSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(help_text="The bytes read, decoded as UTF-8 (invalid bytes replaced).")
    start = serializers.IntegerField(help_text="The byte the text starts at.")
    offset = serializers.IntegerField(help_text="Where to read next: pass it back as `offset` to follow the log.")
    size = serializers.IntegerField(help_text="The log's size in bytes so far.")
    complete = serializers.BooleanField(help_text="The node has ended and the whole log was read.")
    attempt = serializers.IntegerField(help_text="The attempt the log belongs to; a retry starts a new log.")
    live = serializers.BooleanField(help_text="Read from the copy of a running node.")


# --- workers ---------------------------------------------------------------------------------


class WorkerStateSerializer(serializers.ModelSerializer[WorkerState]):
    alive = serializers.SerializerMethodField(help_text="It reported recently enough to be considered running.")

    class Meta:
        model = WorkerState
        fields = [
            "worker_id",
            "host",
            "kinds",
            "queues",
            "concurrency",
            "current_runs",
            "started_at",
            "last_heartbeat",
            "alive",
        ]
        read_only_fields = fields

    def get_alive(self, state: WorkerState) -> bool:
        return timezone.now() - state.last_heartbeat < timedelta(seconds=settings.PLYNX_WORKER_EXPIRY_SECONDS)
