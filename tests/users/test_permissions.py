"""The IAM policy rules every API face asks (apps.users.permissions)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.users.models import User
from apps.users.permissions import can_control_run, can_create, can_modify, can_run, can_view, is_admin
from apps.users.policies import DEFAULT_POLICIES, IAMPolicy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

P = IAMPolicy


def user(*policies: IAMPolicy, active: bool = True) -> User:
    return UserFactory(policies=[p.value for p in policies], is_active=active)


def test_a_default_user_views_creates_and_runs_but_changes_only_others_workflows() -> None:
    me, other = UserFactory(policies=list(DEFAULT_POLICIES)), UserFactory()
    for workflow in (True, False):
        assert can_view(me, author_id=me.pk, workflow=workflow)
        assert can_view(me, author_id=other.pk, workflow=workflow)
        assert can_create(me, workflow=workflow)
        assert can_modify(me, author_id=me.pk, workflow=workflow)
    assert can_modify(me, author_id=other.pk, workflow=True)
    assert not can_modify(me, author_id=other.pk, workflow=False)
    assert can_run(me, author_id=other.pk)
    assert can_control_run(me, author_id=other.pk)
    assert not is_admin(me)


@pytest.mark.parametrize("workflow", [True, False], ids=["workflow", "operation"])
def test_viewing_others_needs_the_others_policy(workflow: bool) -> None:
    base = P.CAN_VIEW_WORKFLOWS if workflow else P.CAN_VIEW_OPERATIONS
    others = P.CAN_VIEW_OTHERS_WORKFLOWS if workflow else P.CAN_VIEW_OTHERS_OPERATIONS
    author = UserFactory()
    only_own = user(base)
    assert can_view(only_own, author_id=only_own.pk, workflow=workflow)
    assert not can_view(only_own, author_id=author.pk, workflow=workflow)
    assert can_view(user(base, others), author_id=author.pk, workflow=workflow)
    # The others policy alone does not open anything.
    assert not can_view(user(others), author_id=author.pk, workflow=workflow)


def test_changing_ones_own_needs_the_create_policy_of_its_kind() -> None:
    viewer = user(P.CAN_VIEW_WORKFLOWS, P.CAN_VIEW_OPERATIONS)
    assert not can_modify(viewer, author_id=viewer.pk, workflow=True)
    creator = user(P.CAN_VIEW_WORKFLOWS, P.CAN_CREATE_WORKFLOWS)
    assert can_modify(creator, author_id=creator.pk, workflow=True)
    assert not can_modify(creator, author_id=creator.pk, workflow=False)


def test_others_workflows_are_changed_with_the_modify_policy_and_only_when_visible() -> None:
    author = UserFactory()
    blind = user(P.CAN_VIEW_WORKFLOWS, P.CAN_MODIFY_OTHERS_WORKFLOWS)
    assert not can_modify(blind, author_id=author.pk, workflow=True)
    editor = user(P.CAN_VIEW_WORKFLOWS, P.CAN_VIEW_OTHERS_WORKFLOWS, P.CAN_MODIFY_OTHERS_WORKFLOWS)
    assert can_modify(editor, author_id=author.pk, workflow=True)
    assert not can_modify(editor, author_id=author.pk, workflow=False)


def test_running_and_controlling_runs() -> None:
    author = UserFactory()
    runner = user(P.CAN_VIEW_WORKFLOWS, P.CAN_VIEW_OTHERS_WORKFLOWS, P.CAN_RUN_WORKFLOWS)
    assert can_run(runner, author_id=author.pk)
    assert can_control_run(runner, author_id=runner.pk)
    assert not can_control_run(runner, author_id=author.pk)
    assert not can_run(user(P.CAN_VIEW_WORKFLOWS, P.CAN_VIEW_OTHERS_WORKFLOWS), author_id=author.pk)


def test_an_administrator_may_do_everything_and_an_inactive_one_nothing() -> None:
    author = UserFactory()
    admin = user(P.IS_ADMIN)
    assert is_admin(admin)
    assert can_modify(admin, author_id=author.pk, workflow=False)
    assert can_control_run(admin, author_id=author.pk)
    gone = user(P.IS_ADMIN, active=False)
    assert not is_admin(gone)
    assert not can_view(gone, author_id=gone.pk, workflow=True)


def test_anonymous_may_do_nothing() -> None:
    anonymous = AnonymousUser()
    assert not can_view(anonymous, author_id=None, workflow=True)
    assert not can_create(anonymous, workflow=False)
    assert not can_modify(anonymous, author_id=None, workflow=True)
    assert not can_run(anonymous, author_id=None)
