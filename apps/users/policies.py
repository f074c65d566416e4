"""The seed's IAM policies: what a user may see, create, change and run."""

from __future__ import annotations

from django.db import models


class IAMPolicy(models.TextChoices):
    """Standard role policies. ``IS_ADMIN`` grants every other policy and the admin site."""

    CAN_VIEW_OTHERS_OPERATIONS = "CAN_VIEW_OTHERS_OPERATIONS"
    CAN_VIEW_OTHERS_WORKFLOWS = "CAN_VIEW_OTHERS_WORKFLOWS"
    CAN_VIEW_OPERATIONS = "CAN_VIEW_OPERATIONS"
    CAN_VIEW_WORKFLOWS = "CAN_VIEW_WORKFLOWS"
    CAN_CREATE_OPERATIONS = "CAN_CREATE_OPERATIONS"
    CAN_CREATE_WORKFLOWS = "CAN_CREATE_WORKFLOWS"
    CAN_MODIFY_OTHERS_WORKFLOWS = "CAN_MODIFY_OTHERS_WORKFLOWS"
    CAN_RUN_WORKFLOWS = "CAN_RUN_WORKFLOWS"
    IS_ADMIN = "IS_ADMIN"


# What a new user gets unless the plugin configuration says otherwise. Unlike the seed,
# a new user is not an administrator by default.
DEFAULT_POLICIES: tuple[str, ...] = tuple(p.value for p in IAMPolicy if p is not IAMPolicy.IS_ADMIN)
