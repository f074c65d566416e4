"""Reading resources: which ones a user lists, and which ones a user may read.

A resource is read by its author, by administrators, and by anyone who may view other people's
workflows (``CAN_VIEW_OTHERS_WORKFLOWS``): resources are what workflows and runs consume and
produce, and a workflow is viewed together with its files. The list shows one's own resources
only (everything for administrators), so nobody browses other people's files by accident.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from apps.resources.models import Resource
from apps.users.permissions import is_admin
from apps.users.policies import IAMPolicy
from plynx_site.plugins import ResourcePlugin


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def resource_list(*, user: Any) -> QuerySet[Resource]:
    """The resources ``user`` lists: their own, or every resource for an administrator."""
    if not _authenticated(user):
        return Resource.objects.none()
    resources = Resource.objects.select_related("author")
    return resources if is_admin(user) else resources.filter(author=user)


def resource_list_readable(*, user: Any) -> QuerySet[Resource]:
    """Every resource ``user`` may read (see the module's docstring)."""
    if not _authenticated(user):
        return Resource.objects.none()
    resources = Resource.objects.select_related("author")
    if user.has_policy(IAMPolicy.CAN_VIEW_OTHERS_WORKFLOWS):
        return resources
    return resources.filter(author=user)


def resource_get(*, user: Any, resource_id: str) -> Resource | None:
    """The resource ``resource_id`` if ``user`` may read it, else None (missing or not allowed)."""
    return resource_list_readable(user=user).filter(pk=resource_id).first()


def resource_kind_list() -> tuple[ResourcePlugin, ...]:
    """The configured resource kinds, in configuration order."""
    return settings.PLYNX_PLUGINS.resources
