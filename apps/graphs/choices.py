"""Running statuses of runs and of the nodes in them (the seed's values)."""

from django.db import models


class GraphRunningStatus(models.TextChoices):
    CREATED = "CREATED"
    READY = "READY"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    FAILED_WAITING = "FAILED_WAITING", "Failed, waiting for running nodes"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


GRAPH_FINISHED_STATUSES = (GraphRunningStatus.SUCCESS, GraphRunningStatus.FAILED, GraphRunningStatus.CANCELED)


class NodeRunningStatus(models.TextChoices):
    STATIC = "STATIC"
    CREATED = "CREATED"
    IN_QUEUE = "IN_QUEUE"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    RESTORED = "RESTORED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


NODE_FINISHED_STATUSES = (
    NodeRunningStatus.SUCCESS,
    NodeRunningStatus.RESTORED,
    NodeRunningStatus.FAILED,
    NodeRunningStatus.CANCELED,
)
