"""The user model: defaults, policies and constraints."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.users.models import User
from apps.users.policies import IAMPolicy
from tests.db import assert_violates
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_defaults() -> None:
    user = User.objects.create_user(username="ada", password="pw")
    user.refresh_from_db()
    assert user.is_active is True
    assert user.email == ""
    assert user.display_name == ""
    assert user.picture == ""
    assert user.policies == [
        "CAN_VIEW_OTHERS_OPERATIONS",
        "CAN_VIEW_OTHERS_WORKFLOWS",
        "CAN_VIEW_OPERATIONS",
        "CAN_VIEW_WORKFLOWS",
        "CAN_CREATE_OPERATIONS",
        "CAN_CREATE_WORKFLOWS",
        "CAN_RUN_WORKFLOWS",
    ]
    assert user.is_admin is False
    assert (user.is_staff, user.is_superuser) == (False, False)
    assert user.check_password("pw")
    assert user.created_at is not None
    assert user.updated_at >= user.created_at


def test_default_policies_come_from_the_plugin_configuration(settings) -> None:
    settings.PLYNX_PLUGINS = settings.PLYNX_PLUGINS.model_copy(
        update={"default_policies": (IAMPolicy.CAN_VIEW_OPERATIONS,)}
    )
    assert User.objects.create_user(username="viewer", password="pw").policies == ["CAN_VIEW_OPERATIONS"]


def test_is_admin_is_the_only_source_of_admin_rights() -> None:
    admin = User.objects.create_superuser(username="root", password="pw")
    assert admin.policies == list(IAMPolicy.values)
    assert (admin.is_staff, admin.is_superuser, admin.has_perm("nodes.change_node")) == (True, True, True)
    assert admin.has_module_perms("graphs") is True

    admin.is_active = False
    assert (admin.is_staff, admin.has_perm("nodes.change_node")) == (False, False)
    assert admin.has_policy(IAMPolicy.CAN_RUN_WORKFLOWS) is False


def test_has_policy() -> None:
    user = UserFactory(policies=["CAN_VIEW_OPERATIONS"])
    assert user.has_policy(IAMPolicy.CAN_VIEW_OPERATIONS) is True
    assert user.has_policy(IAMPolicy.CAN_RUN_WORKFLOWS) is False
    user.policies.append("IS_ADMIN")
    assert user.has_policy(IAMPolicy.CAN_RUN_WORKFLOWS) is True


def test_usernames_are_unique_regardless_of_case() -> None:
    UserFactory(username="Grace")
    assert_violates("users_user_username_ci_unique", lambda: User.objects.create(username="grace", password="x"), User)
    assert User.objects.get_by_natural_key("GRACE").username == "Grace"


def test_emails_are_unique_regardless_of_case_but_may_be_blank() -> None:
    UserFactory(email="a@example.com")
    assert_violates(
        "users_user_email_ci_unique",
        lambda: User.objects.create(username="other", email="A@Example.com", password="x"),
        User,
    )
    UserFactory(email="")
    UserFactory(email="")
    assert User.objects.filter(email="").count() == 2


def test_empty_username_is_rejected_by_the_database() -> None:
    assert_violates("users_user_username_not_empty", lambda: User.objects.create(username="", password="x"), User)


@pytest.mark.parametrize(
    ("policies", "message"),
    [
        ("IS_ADMIN", "must be a list"),
        (["CAN_FLY"], "Unknown policies: CAN_FLY"),
        (["IS_ADMIN", "IS_ADMIN"], "listed twice"),
    ],
)
def test_policies_are_validated(policies: object, message: str) -> None:
    user = UserFactory.build(policies=policies)
    with pytest.raises(ValidationError) as raised:
        user.full_clean()
    assert message in str(raised.value.message_dict["policies"])


def test_picture_must_be_a_web_url() -> None:
    user = UserFactory.build(picture="javascript:alert(1)")
    with pytest.raises(ValidationError) as raised:
        user.full_clean()
    assert "picture" in raised.value.message_dict
