"""``/api/v1/users/``: administrators list, read, create and change users."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.users.models import User, default_policies
from apps.users.policies import DEFAULT_POLICIES, IAMPolicy
from apps.users.services import UserError, UserErrorCode, user_update
from tests.factories import UserFactory
from tests.users.api.conftest import PASSWORD, bearer

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users/"
NEW_PASSWORD = "a much longer passphrase 42"


def snapshot() -> list[tuple[Any, ...]]:
    """Every user's changeable state, to show that a refused request changed nothing."""
    return list(
        User.objects.order_by("pk").values_list(
            "username", "email", "display_name", "policies", "is_active", "password"
        )
    )


def user_json(user: User) -> dict[str, Any]:
    user.refresh_from_db()
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "picture": user.picture,
        "policies": user.policies,
        "is_admin": user.is_admin,
        "is_active": user.is_active,
        "last_login": None,
        "created_at": user.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": user.updated_at.isoformat().replace("+00:00", "Z"),
    }


# Who may do what


def _requests(target: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("get", USERS, None),
        ("get", f"{USERS}{target}/", None),
        ("post", USERS, {"username": "eve", "password": NEW_PASSWORD}),
        ("patch", f"{USERS}{target}/", {"policies": list(IAMPolicy.values)}),
        ("patch", f"{USERS}{target}/", {"is_active": False}),
    ]


REQUEST_IDS = ["list", "retrieve", "create", "grant-policies", "deactivate"]


@pytest.mark.usefixtures("multi_user")
@pytest.mark.parametrize("index", range(5), ids=REQUEST_IDS)
def test_a_non_admin_is_refused_with_403_and_nothing_changes(member: User, other: User, index: int) -> None:
    before = snapshot()
    for target in ("bob", "ada"):  # another user, and the user themselves
        method, url, body = _requests(target)[index]
        response = getattr(bearer(member), method)(url, body, format="json")
        assert response.status_code == 403
        assert response.json() == {"detail": "Only administrators may manage users."}
    assert snapshot() == before


@pytest.mark.usefixtures("multi_user")
@pytest.mark.parametrize("index", range(5), ids=REQUEST_IDS)
def test_anonymous_is_refused_with_401_and_nothing_changes(member: User, index: int) -> None:
    before = snapshot()
    method, url, body = _requests("ada")[index]
    response = getattr(APIClient(), method)(url, body, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert snapshot() == before


@pytest.mark.usefixtures("multi_user")
@pytest.mark.parametrize(("index", "status"), [(0, 200), (1, 200), (2, 201), (3, 200), (4, 200)], ids=REQUEST_IDS)
def test_an_admin_is_allowed(admin: User, member: User, index: int, status: int) -> None:
    method, url, body = _requests("ada")[index]
    assert getattr(bearer(admin), method)(url, body, format="json").status_code == status


@pytest.mark.usefixtures("multi_user")
def test_a_deactivated_admin_is_refused(admin: User, member: User) -> None:
    client = bearer(admin)
    User.objects.filter(pk=admin.pk).update(is_active=False)
    assert client.get(USERS).status_code == 401


@pytest.mark.usefixtures("multi_user")
def test_an_admin_by_basic_authentication(admin: User, member: User) -> None:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION="Basic " + __import__("base64").b64encode(f"root:{PASSWORD}".encode()).decode()
    )
    assert [u["username"] for u in client.get(USERS).json()["results"]] == ["ada", "root"]


@pytest.mark.usefixtures("single_user")
def test_single_user_mode_default_is_the_admin() -> None:
    UserFactory(username="zed")
    response = APIClient().get(USERS)
    assert response.status_code == 200
    assert [u["username"] for u in response.json()["results"]] == ["default", "zed"]


# Listing


@pytest.mark.usefixtures("multi_user")
def test_the_list_is_paginated_and_ordered_by_username(admin: User, member: User, other: User) -> None:
    response = bearer(admin).get(USERS, {"limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/v1/users/?limit=2&offset=2"
    assert body["results"] == [user_json(member), user_json(other)]
    assert [u["username"] for u in bearer(admin).get(USERS, {"limit": 2, "offset": 2}).json()["results"]] == ["root"]


@pytest.mark.usefixtures("multi_user")
@pytest.mark.parametrize(
    ("params", "usernames"),
    [
        ({"search": "AD"}, ["ada"]),
        ({"search": "lovelace"}, ["ada"]),
        ({"search": "o"}, ["ada", "bob", "root"]),
        ({"search": "nobody"}, []),
        ({"ordering": "-username"}, ["root", "bob", "ada"]),
        ({"ordering": "display_name"}, ["ada", "bob", "root"]),
        ({"ordering": "-created_at"}, ["bob", "ada", "root"]),
        # An unknown ordering field is ignored, as DRF does, rather than a 500.
        ({"ordering": "password"}, ["ada", "bob", "root"]),
    ],
    ids=["username", "display-name", "several", "none", "desc", "display", "newest", "not-orderable"],
)
def test_search_and_ordering(
    admin: User, member: User, other: User, params: dict[str, str], usernames: list[str]
) -> None:
    response = bearer(admin).get(USERS, params)
    assert response.status_code == 200
    assert [u["username"] for u in response.json()["results"]] == usernames


@pytest.mark.usefixtures("multi_user")
def test_a_search_holding_a_nul_is_a_400(admin: User) -> None:
    response = bearer(admin).get(USERS, {"search": "a\x00b"})
    assert response.status_code == 400
    assert response.json() == {"search": ["Null characters are not allowed."]}


@pytest.mark.usefixtures("multi_user")
def test_the_list_costs_the_same_few_queries_for_many_users(admin: User, django_assert_max_num_queries: Any) -> None:
    UserFactory.create_batch(40)
    client = bearer(admin)
    # The token's user, the count and the page: nothing per user.
    with django_assert_max_num_queries(3):
        response = client.get(USERS, {"limit": 50})
    assert len(response.json()["results"]) == 41


# Reading one


@pytest.mark.usefixtures("multi_user")
def test_an_admin_reads_a_user_by_username_regardless_of_case(admin: User, member: User) -> None:
    for name in ("ada", "ADA"):
        response = bearer(admin).get(f"{USERS}{name}/")
        assert response.status_code == 200
        assert response.json() == user_json(member)


@pytest.mark.usefixtures("multi_user")
def test_an_unknown_user_is_a_404(admin: User) -> None:
    for method, body in (("get", None), ("patch", {"display_name": "X"})):
        response = getattr(bearer(admin), method)(f"{USERS}nobody/", body, format="json")
        assert response.status_code == 404
        assert response.json() == {"detail": "No user 'nobody'."}


@pytest.mark.usefixtures("multi_user")
def test_users_are_not_deleted_or_replaced(admin: User, member: User) -> None:
    before = snapshot()
    assert bearer(admin).delete(f"{USERS}ada/").status_code == 405
    assert bearer(admin).put(f"{USERS}ada/", {"display_name": "X"}, format="json").status_code == 405
    assert snapshot() == before


# Creating


@pytest.mark.usefixtures("multi_user")
def test_an_admin_creates_a_user_with_default_policies(admin: User) -> None:
    response = bearer(admin).post(
        USERS, {"username": "eve", "password": NEW_PASSWORD, "email": "eve@example.com"}, format="json"
    )
    assert response.status_code == 201
    eve = User.objects.get(username="eve")
    assert response.json() == user_json(eve)
    assert (eve.email, eve.policies, eve.is_active) == ("eve@example.com", default_policies(), True)
    assert eve.check_password(NEW_PASSWORD)


@pytest.mark.usefixtures("multi_user")
def test_an_admin_creates_a_user_with_chosen_policies(admin: User) -> None:
    response = bearer(admin).post(
        USERS, {"username": "viewer", "password": NEW_PASSWORD, "policies": ["CAN_VIEW_WORKFLOWS"]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["policies"] == ["CAN_VIEW_WORKFLOWS"]
    assert User.objects.get(username="viewer").policies == ["CAN_VIEW_WORKFLOWS"]


@pytest.mark.usefixtures("multi_user")
@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"username": "ADA", "password": NEW_PASSWORD}, {"username": ["User 'ADA' already exists."]}),
        ({"username": "", "password": NEW_PASSWORD}, {"username": ["This field may not be blank."]}),
        (
            {"username": "a b", "password": NEW_PASSWORD},
            {"username": ["Invalid username 'a b': use letters, digits and @ . + - _ only."]},
        ),
        ({"username": "eve", "password": ""}, {"password": ["A password is required in multi-user mode."]}),
        (
            {"username": "eve", "password": "123"},
            {
                "password": [
                    "This password is too short. It must contain at least 8 characters. "
                    "This password is too common. This password is entirely numeric."
                ]
            },
        ),
        ({"username": "eve", "password": NEW_PASSWORD, "email": "nope"}, {"email": ["Enter a valid email address."]}),
        (
            {"username": "eve", "password": NEW_PASSWORD, "email": "ADA@example.com"},
            {"email": ["Email 'ADA@example.com' is already used by another user."]},
        ),
        (
            {"username": "eve", "password": NEW_PASSWORD, "policies": ["CAN_FLY"]},
            {"policies": {"0": ['"CAN_FLY" is not a valid choice.']}},
        ),
        (
            {"username": "eve", "password": NEW_PASSWORD, "policies": ["IS_ADMIN", "IS_ADMIN"]},
            {"policies": ["A policy is listed twice."]},
        ),
        (
            {"username": "eve", "password": NEW_PASSWORD, "policies": "IS_ADMIN"},
            {"policies": ['Expected a list of items but got type "str".']},
        ),
        ({"username": "Me", "password": NEW_PASSWORD}, {"username": ["The username 'Me' is reserved."]}),
        ({"username": 7, "password": NEW_PASSWORD}, {"username": ["Not a valid string."]}),
        ({"username": "eve", "password": NEW_PASSWORD, "is_admin": True}, {"is_admin": ["Unknown field."]}),
        ({}, {"username": ["This field is required."], "password": ["This field is required."]}),
    ],
    ids=[
        "taken-username",
        "empty-username",
        "invalid-username",
        "empty-password",
        "weak-password",
        "invalid-email",
        "taken-email",
        "unknown-policy",
        "duplicate-policy",
        "policies-not-a-list",
        "reserved-username",
        "username-number",
        "unknown-field",
        "missing",
    ],
)
def test_a_refused_creation_is_a_400_naming_the_field_and_creates_nothing(
    admin: User, member: User, body: dict[str, Any], errors: dict[str, Any]
) -> None:
    before = snapshot()
    response = bearer(admin).post(USERS, body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


@pytest.mark.usefixtures("single_user")
def test_single_user_mode_creates_a_user_without_a_password() -> None:
    response = APIClient().post(USERS, {"username": "eve", "password": ""}, format="json")
    assert response.status_code == 201
    assert response.json()["username"] == "eve"


# Changing


@pytest.mark.usefixtures("multi_user")
def test_an_admin_changes_policies_activity_and_display_name(admin: User, member: User) -> None:
    response = bearer(admin).patch(
        f"{USERS}ada/",
        {"policies": ["CAN_VIEW_WORKFLOWS", "IS_ADMIN"], "is_active": False, "display_name": "Countess"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == user_json(member)
    assert (member.policies, member.is_active, member.display_name) == (
        ["CAN_VIEW_WORKFLOWS", "IS_ADMIN"],
        False,
        "Countess",
    )


@pytest.mark.usefixtures("multi_user")
def test_a_deactivated_user_can_no_longer_get_a_token_and_a_reactivated_one_can(admin: User, member: User) -> None:
    def token_status() -> int:
        return APIClient().post("/api/v1/auth/token/", {"username": "ada", "password": PASSWORD}).status_code

    assert bearer(admin).patch(f"{USERS}ada/", {"is_active": False}, format="json").status_code == 200
    assert token_status() == 401
    assert bearer(admin).patch(f"{USERS}ada/", {"is_active": True}, format="json").status_code == 200
    assert token_status() == 200


@pytest.mark.usefixtures("multi_user")
def test_a_new_admin_can_then_manage_users(admin: User, member: User) -> None:
    assert bearer(member).get(USERS).status_code == 403
    bearer(admin).patch(f"{USERS}ada/", {"policies": [*DEFAULT_POLICIES, "IS_ADMIN"]}, format="json")
    assert bearer(member).get(USERS).status_code == 200


@pytest.mark.usefixtures("multi_user")
@pytest.mark.parametrize(
    ("target", "body", "errors"),
    [
        ("ada", {"policies": ["CAN_FLY"]}, {"policies": {"0": ['"CAN_FLY" is not a valid choice.']}}),
        ("ada", {"policies": ["IS_ADMIN", "IS_ADMIN"]}, {"policies": ["A policy is listed twice."]}),
        ("ada", {"policies": None}, {"policies": ["This field may not be null."]}),
        ("ada", {"is_active": "maybe"}, {"is_active": ["Must be a valid boolean."]}),
        ("ada", {"display_name": "x" * 151}, {"display_name": ["Ensure this field has no more than 150 characters."]}),
        ("ada", {"username": "ada2"}, {"username": ["Unknown field."]}),
        ("ada", {"email": "x@example.com"}, {"email": ["Unknown field."]}),
        ("root", {"is_active": False}, {"is_active": ["An administrator cannot deactivate themselves."]}),
        (
            "root",
            {"policies": list(DEFAULT_POLICIES)},
            {"policies": ["An administrator cannot remove their own IS_ADMIN."]},
        ),
    ],
    ids=[
        "unknown-policy",
        "duplicate-policy",
        "null-policies",
        "not-a-boolean",
        "display-name-too-long",
        "username-read-only",
        "email-read-only",
        "self-deactivation",
        "self-demotion",
    ],
)
def test_a_refused_change_is_a_400_naming_the_field_and_changes_nothing(
    admin: User, member: User, target: str, body: dict[str, Any], errors: dict[str, Any]
) -> None:
    before = snapshot()
    response = bearer(admin).patch(f"{USERS}{target}/", body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


@pytest.mark.usefixtures("multi_user")
def test_an_admin_may_change_their_own_display_name_and_keep_admin(admin: User) -> None:
    response = bearer(admin).patch(
        f"{USERS}root/", {"display_name": "Chief", "policies": ["IS_ADMIN"], "is_active": True}, format="json"
    )
    assert response.status_code == 200
    admin.refresh_from_db()
    assert (admin.display_name, admin.policies, admin.is_active) == ("Chief", ["IS_ADMIN"], True)


@pytest.mark.usefixtures("multi_user")
def test_an_admin_demoted_meanwhile_cannot_change_others(admin: User, member: User) -> None:
    # The request authenticated as an administrator, who lost the rights before the change ran.
    stale = User.objects.get(pk=admin.pk)
    User.objects.filter(pk=admin.pk).update(policies=list(DEFAULT_POLICIES))
    before = snapshot()
    with pytest.raises(UserError) as raised:
        user_update(actor=stale, user=member, policies=list(IAMPolicy.values))
    assert raised.value.code == UserErrorCode.NOT_ADMIN
    assert snapshot() == before
