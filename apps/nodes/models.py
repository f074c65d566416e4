"""Operations and workflows (the seed's "templates"), and the state workers report."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.nodes.choices import NodeStatus
from apps.nodes.documents import (
    validate_inputs,
    validate_logs,
    validate_outputs,
    validate_parameters,
    validate_sub_nodes,
)
from plynx_site.ids import object_id_field


class Node(models.Model):
    """An operation or a workflow, in the seed's Node structure.

    ``kind`` selects the plugin: operation kinds (``python``, ``bash_jinja2``, ``file``,
    ``composite``) and workflow kinds (``workflow``) are declared in the plugin configuration.
    Inputs, outputs, parameters and logs are JSON documents (``apps.nodes.documents``); a
    workflow's or composite operation's sub-nodes live in ``nodes``, each a frozen copy of the
    operation it was made from, linked to one another through their inputs' values.
    """

    id = object_id_field()
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=255, default="Title")
    description = models.TextField(blank=True, default="")
    node_status = models.CharField(max_length=32, choices=NodeStatus.choices, default=NodeStatus.CREATED)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nodes")
    parent_node = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text="The node this one was cloned or derived from (its previous version).",
    )
    successor_node = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text="For a deprecated node: the node that replaces it.",
    )
    original_node = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        help_text="The operation this node is an instance of.",
    )
    starred = models.BooleanField(default=False)
    inputs = models.JSONField(default=list, blank=True, validators=[validate_inputs])
    outputs = models.JSONField(default=list, blank=True, validators=[validate_outputs])
    parameters = models.JSONField(default=list, blank=True, validators=[validate_parameters])
    logs = models.JSONField(default=list, blank=True, validators=[validate_logs])
    nodes = models.JSONField(default=list, blank=True, validators=[validate_sub_nodes])
    x = models.IntegerField(default=0)
    y = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="nodes_node_author_created"),
            models.Index(fields=["kind", "node_status"], name="nodes_node_kind_status"),
            models.Index(fields=["node_status", "-created_at"], name="nodes_node_status_created"),
            models.Index(fields=["-starred", "-created_at"], name="nodes_node_starred_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(node_status__in=NodeStatus.values), name="nodes_node_status_valid"
            ),
            models.CheckConstraint(condition=~models.Q(kind=""), name="nodes_node_kind_not_empty"),
            models.CheckConstraint(
                condition=~models.Q(successor_node=models.F("id")), name="nodes_node_not_own_successor"
            ),
            models.CheckConstraint(condition=~models.Q(parent_node=models.F("id")), name="nodes_node_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.kind} {self.id})"

    @property
    def is_workflow(self) -> bool:
        return self.kind in settings.PLYNX_PLUGINS.workflow_kinds


class OperationManager(models.Manager["Operation"]):
    def get_queryset(self) -> models.QuerySet[Operation]:
        return super().get_queryset().exclude(kind__in=settings.PLYNX_PLUGINS.workflow_kinds)


class WorkflowManager(models.Manager["Workflow"]):
    def get_queryset(self) -> models.QuerySet[Workflow]:
        return super().get_queryset().filter(kind__in=settings.PLYNX_PLUGINS.workflow_kinds)


class Operation(Node):
    """Nodes of operation kinds (files included), as the seed's ``operations`` virtual collection."""

    objects = OperationManager()  # type: ignore[misc]  # a proxy narrows its manager

    class Meta:
        proxy = True


class Workflow(Node):
    """Nodes of workflow kinds, as the seed's ``workflows`` virtual collection."""

    objects = WorkflowManager()  # type: ignore[misc]  # a proxy narrows its manager

    class Meta:
        proxy = True


class WorkerState(models.Model):
    """What a Celery worker last reported: where it runs, what it serves and what it is running.

    Workers update their row on every heartbeat; a row whose heartbeat is old belongs to a
    worker that is gone.
    """

    worker_id = models.CharField(max_length=255, unique=True, help_text="The Celery node name.")
    host = models.CharField(max_length=255)
    kinds = models.JSONField(default=list, blank=True, help_text="Operation kinds the worker runs.")
    queues = models.JSONField(default=list, blank=True)
    concurrency = models.PositiveIntegerField(default=1)
    current_runs = models.JSONField(
        default=list, blank=True, help_text='Nodes being run: [{"run_id": ..., "node_id": ...}].'
    )
    started_at = models.DateTimeField()
    last_heartbeat = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["worker_id"]
        indexes = [models.Index(fields=["-last_heartbeat"], name="nodes_worker_heartbeat")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(worker_id=""), name="nodes_workerstate_id_not_empty"),
            models.CheckConstraint(
                condition=models.Q(last_heartbeat__gte=models.F("started_at")),
                name="nodes_workerstate_heartbeat_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.worker_id
