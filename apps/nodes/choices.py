"""Statuses of operations and workflows."""

from django.db import models


class NodeStatus(models.TextChoices):
    """The permanent lifecycle of an operation or workflow (the seed's Node Status)."""

    CREATED = "CREATED", "Created (editable)"
    READY = "READY", "Ready (approved)"
    DEPRECATED = "DEPRECATED", "Deprecated"
    MANDATORY_DEPRECATED = "MANDATORY_DEPRECATED", "Mandatory deprecated"
