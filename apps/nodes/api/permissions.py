"""Which IAM rule each action of the operation and workflow viewsets asks (``apps.users.permissions``).

Viewing is enforced by the querysets (what one may not view is not found: 404); this class
answers the rest with 403.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from apps.nodes.models import Node
from apps.users.permissions import can_create, can_modify, can_run

# Actions that change the object itself.
MODIFY_ACTIONS = frozenset(
    {
        "update",
        "partial_update",
        "destroy",
        "approve",
        "deprecate",
        "mandatory_deprecate",
        "rearrange",
        "upgrade_nodes",
        "star",
        "unstar",
    }
)
# Actions that make a new object of the collection.
CREATE_ACTIONS = frozenset({"create", "clone"})


class NodePermission(BasePermission):
    """Create and clone need the create policy; changes need ``can_modify``; a run needs ``can_run``."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(view, "action", None) in CREATE_ACTIONS:
            return can_create(request.user, workflow=view.workflow)
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Node) -> bool:
        action = getattr(view, "action", None)
        if action in MODIFY_ACTIONS:
            return can_modify(request.user, author_id=obj.author_id, workflow=view.workflow)
        if action == "run":
            return can_run(request.user, author_id=obj.author_id)
        return True
