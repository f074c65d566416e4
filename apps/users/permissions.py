"""Who may do what, from the seed's IAM policies: one place every API face asks.

- Viewing: one's own operations and workflows with ``CAN_VIEW_OPERATIONS`` /
  ``CAN_VIEW_WORKFLOWS``; other people's also need ``CAN_VIEW_OTHERS_OPERATIONS`` /
  ``CAN_VIEW_OTHERS_WORKFLOWS``. A run is viewed like the workflow kind it belongs to.
- Creating needs ``CAN_CREATE_OPERATIONS`` / ``CAN_CREATE_WORKFLOWS``.
- Changing: one's own with the create policy of its kind; other people's workflows with
  ``CAN_MODIFY_OTHERS_WORKFLOWS``; other people's operations only as an administrator.
- Running (starting, canceling, re-running) a workflow one may view needs ``CAN_RUN_WORKFLOWS``;
  canceling someone else's run also needs ``CAN_MODIFY_OTHERS_WORKFLOWS``.
- ``IS_ADMIN`` holds every policy. An inactive or anonymous user holds none.

Everything someone may view but not change is shown read-only (``_readonly`` in the v0 API).
"""

from __future__ import annotations

from typing import Any

from apps.users.policies import IAMPolicy


def _policy(user: Any, policy: IAMPolicy) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.has_policy(policy))


def _own(user: Any, author_id: int | None) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and author_id is not None and user.pk == author_id


def can_view(user: Any, *, author_id: int | None, workflow: bool) -> bool:
    """May ``user`` see a workflow (``workflow=True``, runs too) or an operation by ``author_id``."""
    if workflow:
        base, others = IAMPolicy.CAN_VIEW_WORKFLOWS, IAMPolicy.CAN_VIEW_OTHERS_WORKFLOWS
    else:
        base, others = IAMPolicy.CAN_VIEW_OPERATIONS, IAMPolicy.CAN_VIEW_OTHERS_OPERATIONS
    if not _policy(user, base):
        return False
    return _own(user, author_id) or _policy(user, others)


def can_create(user: Any, *, workflow: bool) -> bool:
    return _policy(user, IAMPolicy.CAN_CREATE_WORKFLOWS if workflow else IAMPolicy.CAN_CREATE_OPERATIONS)


def can_modify(user: Any, *, author_id: int | None, workflow: bool) -> bool:
    """May ``user`` change (save, approve, deprecate, delete) a workflow or an operation by ``author_id``."""
    if _policy(user, IAMPolicy.IS_ADMIN):
        return True
    if _own(user, author_id):
        return can_create(user, workflow=workflow)
    return (
        workflow
        and _policy(user, IAMPolicy.CAN_MODIFY_OTHERS_WORKFLOWS)
        and can_view(user, author_id=author_id, workflow=True)
    )


def can_run(user: Any, *, author_id: int | None) -> bool:
    """May ``user`` start a run of a workflow by ``author_id``."""
    return _policy(user, IAMPolicy.CAN_RUN_WORKFLOWS) and can_view(user, author_id=author_id, workflow=True)


def can_control_run(user: Any, *, author_id: int | None) -> bool:
    """May ``user`` cancel or re-run a run started by ``author_id``."""
    if not can_run(user, author_id=author_id):
        return False
    return _own(user, author_id) or _policy(user, IAMPolicy.CAN_MODIFY_OTHERS_WORKFLOWS)


def is_admin(user: Any) -> bool:
    return _policy(user, IAMPolicy.IS_ADMIN)
