"""Runs of workflows, the state of each node in a run, and the node cache."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from apps.graphs.choices import GRAPH_FINISHED_STATUSES, NODE_FINISHED_STATUSES, GraphRunningStatus, NodeRunningStatus
from plynx_site.ids import object_id_field, validate_object_id


class Run(models.Model):
    """One execution of a workflow.

    A run is a frozen copy of the workflow as it was started: ``graph`` holds the workflow's own
    fields (title, description, kind, parameters) and each node is a ``NodeRun`` row holding the
    node's frozen document (``spec``) and its live state, so later edits of the workflow never
    change what a run was and a status change rewrites one small row.
    ``cancel_requested_at`` is the authoritative cancel flag: workers check it before and while
    they run a node. A composite operation runs as a child run of the node that uses it.
    """

    id = object_id_field()
    workflow = models.ForeignKey("nodes.Node", on_delete=models.SET_NULL, null=True, blank=True, related_name="runs")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="runs")
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    status = models.CharField(max_length=32, choices=GraphRunningStatus.choices, default=GraphRunningStatus.CREATED)
    graph = models.JSONField(default=dict)
    parent_node_run = models.ForeignKey(
        "NodeRun",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="child_runs",
        help_text="For the run of a composite operation: the node of the outer run it serves.",
    )
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="graphs_run_author_created"),
            models.Index(fields=["workflow", "-created_at"], name="graphs_run_workflow_created"),
            models.Index(fields=["status", "-created_at"], name="graphs_run_status_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=GraphRunningStatus.values), name="graphs_run_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=GRAPH_FINISHED_STATUSES) | models.Q(finished_at__isnull=False),
                name="graphs_run_finished_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True)
                | models.Q(started_at__isnull=True)
                | models.Q(finished_at__gte=models.F("started_at")),
                name="graphs_run_finished_after_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status} {self.id})"


class NodeCache(models.Model):
    """A finished node's results, found again by its cache key (see ARCHITECTURE.md, Cache).

    At most one live (not removed) entry exists per key; a protected entry is never removed.
    """

    key = models.CharField(max_length=64)
    run = models.ForeignKey(Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="cache_entries")
    node_id = models.CharField(max_length=24, validators=[validate_object_id])
    outputs = models.JSONField(default=dict, blank=True, help_text="Output name → resource id.")
    logs = models.JSONField(default=dict, blank=True, help_text="Log name → resource id.")
    removed = models.BooleanField(default=False)
    protected = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "node cache entries"
        indexes = [models.Index(fields=["-created_at"], name="graphs_nodecache_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(removed=False), name="graphs_nodecache_live_key_unique"
            ),
            models.CheckConstraint(condition=Exact(Length("key"), 64), name="graphs_nodecache_key_length"),
            models.CheckConstraint(
                condition=~models.Q(removed=True, protected=True), name="graphs_nodecache_protected_not_removed"
            ),
        ]

    def __str__(self) -> str:
        return f"cache {self.key[:12]} (node {self.node_id})"


class NodeRun(models.Model):
    """The state of one node in one run.

    Every transition is a conditional update on ``status`` (and ``attempt``), so a duplicated
    or late message finds nothing to claim. ``lease_expires_at`` is renewed by the running
    worker's heartbeat; an expired lease means the worker is gone.
    """

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="node_runs")
    node_id = models.CharField(max_length=24, validators=[validate_object_id])
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=255, blank=True, default="")
    spec = models.JSONField(default=dict, help_text="The node's frozen document (apps.nodes.documents.SubNode).")
    downstream = models.JSONField(default=list, blank=True, help_text="Ids of the nodes this one feeds.")
    waiting_for = models.PositiveIntegerField(
        default=0, help_text="How many of the nodes feeding this one have not succeeded yet; 0 means ready."
    )
    status = models.CharField(max_length=32, choices=NodeRunningStatus.choices, default=NodeRunningStatus.CREATED)
    attempt = models.PositiveIntegerField(default=0, help_text="Dispatches so far; the current one's token.")
    outputs = models.JSONField(default=dict, blank=True, help_text="Output name → resource id.")
    logs = models.JSONField(default=dict, blank=True, help_text="Log name → resource id.")
    inputs_resolved = models.JSONField(
        default=dict,
        blank=True,
        help_text="Each input's slots as resolved when the node was queued: resource id, file type and "
        "sha256, or a raw value. The worker runs exactly these.",
    )
    cache_key = models.CharField(max_length=64, blank=True, default="")
    cache_key_parts = models.JSONField(default=dict, blank=True, help_text="Digest of each part of the key.")
    restored_from = models.ForeignKey(
        NodeCache, on_delete=models.SET_NULL, null=True, blank=True, related_name="restored_node_runs"
    )
    worker_id = models.CharField(max_length=255, blank=True, default="")
    celery_task_id = models.CharField(max_length=255, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["run", "id"]
        indexes = [
            models.Index(fields=["status", "lease_expires_at"], name="graphs_noderun_status_lease"),
            models.Index(fields=["run", "status"], name="graphs_noderun_run_status"),
            models.Index(fields=["cache_key"], name="graphs_noderun_cache_key"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["run", "node_id"], name="graphs_noderun_node_once_per_run"),
            models.CheckConstraint(
                condition=models.Q(status__in=NodeRunningStatus.values), name="graphs_noderun_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=NODE_FINISHED_STATUSES) | models.Q(finished_at__isnull=False),
                name="graphs_noderun_finished_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=NodeRunningStatus.RUNNING) | models.Q(started_at__isnull=False),
                name="graphs_noderun_running_has_start",
            ),
            models.CheckConstraint(
                condition=models.Q(cache_key="") | Exact(Length("cache_key"), 64),  # type: ignore[arg-type]
                name="graphs_noderun_cache_key_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.node_id} in run {self.run_id} ({self.status})"


class NodeRunAttempt(models.Model):
    """One dispatch of a node to a worker: who ran it, when, and how it ended.

    Written when the attempt ends (the worker's finish, or the sweeper finding it lost); while
    it runs, the node run itself holds its worker and start time.
    """

    class Outcome(models.TextChoices):
        RUNNING = "RUNNING"
        SUCCESS = "SUCCESS"
        FAILED = "FAILED"
        CANCELED = "CANCELED"
        LOST = "LOST", "Lost (worker gone)"

    node_run = models.ForeignKey(NodeRun, on_delete=models.CASCADE, related_name="attempts")
    attempt = models.PositiveIntegerField()
    worker_id = models.CharField(max_length=255)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    error = models.TextField(blank=True, default="")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["node_run", "attempt"]
        constraints = [
            models.UniqueConstraint(fields=["node_run", "attempt"], name="graphs_noderunattempt_once"),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["RUNNING", "SUCCESS", "FAILED", "CANCELED", "LOST"]),
                name="graphs_noderunattempt_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"attempt {self.attempt} of {self.node_run_id} on {self.worker_id} ({self.outcome})"
