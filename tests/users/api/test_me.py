"""``/api/v1/users/me/``: the current user, their profile and settings, and their password."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.users.models import User
from apps.users.policies import DEFAULT_POLICIES, IAMPolicy
from apps.users.services import user_ensure_default
from tests.users.api.conftest import PASSWORD, bearer

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me/"
PASSWORD_URL = "/api/v1/users/me/password/"
NEW_PASSWORD = "a much longer passphrase 42"
DEFAULT_SETTINGS = {"theme": "system", "auto_run": False, "page_size": 20}


def snapshot(user: User) -> dict[str, Any]:
    user.refresh_from_db()
    return {
        "display_name": user.display_name,
        "picture": user.picture,
        "settings": user.settings,
        "policies": user.policies,
        "username": user.username,
        "password": user.password,
    }


# Reading


@pytest.mark.usefixtures("multi_user")
def test_a_user_reads_themselves(member: User) -> None:
    response = bearer(member).get(ME)
    assert response.status_code == 200
    assert response.json() == {
        "id": member.pk,
        "username": "ada",
        "email": "ada@example.com",
        "display_name": "Ada Lovelace",
        "picture": "",
        "policies": list(DEFAULT_POLICIES),
        "is_admin": False,
        "settings": DEFAULT_SETTINGS,
    }


@pytest.mark.usefixtures("multi_user")
def test_an_admin_reads_themselves_as_admin(admin: User) -> None:
    body = bearer(admin).get(ME).json()
    assert (body["username"], body["is_admin"], body["policies"]) == ("root", True, list(IAMPolicy.values))


@pytest.mark.usefixtures("multi_user")
def test_anonymous_is_refused_in_multi_user_mode(member: User) -> None:
    before = snapshot(member)
    assert APIClient().get(ME).status_code == 401
    assert APIClient().patch(ME, {"display_name": "X"}, format="json").status_code == 401
    assert APIClient().post(PASSWORD_URL, {"old_password": PASSWORD, "new_password": NEW_PASSWORD}).status_code == 401
    assert snapshot(member) == before


@pytest.mark.usefixtures("single_user")
def test_single_user_mode_acts_as_default_without_credentials() -> None:
    body = APIClient().get(ME).json()
    assert (body["username"], body["display_name"], body["is_admin"]) == ("default", "Default user", True)


@pytest.mark.usefixtures("single_user")
def test_single_user_mode_accepts_basic_default_with_no_password() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"default:").decode())
    assert client.get(ME).json()["username"] == "default"


# Changing the profile and settings


@pytest.mark.usefixtures("multi_user")
def test_a_user_changes_display_name_picture_and_settings(member: User) -> None:
    response = bearer(member).patch(
        ME,
        {
            "display_name": "Countess",
            "picture": "https://example.com/ada.png",
            "settings": {"theme": "dark", "auto_run": True},
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["display_name"], body["picture"]) == ("Countess", "https://example.com/ada.png")
    assert body["settings"] == {"theme": "dark", "auto_run": True, "page_size": 20}
    member.refresh_from_db()
    assert member.settings == {"theme": "dark", "auto_run": True}
    assert (member.display_name, member.picture) == ("Countess", "https://example.com/ada.png")


@pytest.mark.usefixtures("multi_user")
def test_settings_are_merged_key_by_key(member: User) -> None:
    client = bearer(member)
    client.patch(ME, {"settings": {"theme": "dark"}}, format="json")
    response = client.patch(ME, {"settings": {"page_size": 50}}, format="json")
    assert response.json()["settings"] == {"theme": "dark", "auto_run": False, "page_size": 50}
    member.refresh_from_db()
    assert member.settings == {"theme": "dark", "page_size": 50}


@pytest.mark.usefixtures("multi_user")
def test_an_empty_patch_changes_nothing(member: User) -> None:
    before = snapshot(member)
    response = bearer(member).patch(ME, {}, format="json")
    assert response.status_code == 200
    assert response.json()["display_name"] == "Ada Lovelace"
    assert snapshot(member) == before


@pytest.mark.usefixtures("multi_user")
@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"settings": {"colour": "red"}}, {"settings": {"colour": ["Unknown field."]}}),
        ({"settings": {"theme": "blue"}}, {"settings": {"theme": ['"blue" is not a valid choice.']}}),
        ({"settings": {"auto_run": "yes"}}, {"settings": {"auto_run": ["Must be true or false."]}}),
        ({"settings": {"auto_run": 1}}, {"settings": {"auto_run": ["Must be true or false."]}}),
        ({"settings": {"page_size": "5"}}, {"settings": {"page_size": ["A valid integer is required."]}}),
        ({"settings": {"page_size": 2.5}}, {"settings": {"page_size": ["A valid integer is required."]}}),
        (
            {"settings": {"page_size": 0}},
            {"settings": {"page_size": ["Ensure this value is greater than or equal to 1."]}},
        ),
        (
            {"settings": {"page_size": 101}},
            {"settings": {"page_size": ["Ensure this value is less than or equal to 100."]}},
        ),
        (
            {"settings": ["theme"]},
            {"settings": {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}},
        ),
        ({"settings": None}, {"settings": ["This field may not be null."]}),
        ({"picture": "javascript:alert(1)"}, {"picture": ["Enter a valid URL."]}),
        (
            {"picture": "https://" + "a" * 500 + ".com"},
            {"picture": ["Enter a valid URL.", "Ensure this field has no more than 500 characters."]},
        ),
        ({"display_name": "x" * 151}, {"display_name": ["Ensure this field has no more than 150 characters."]}),
        ({"display_name": 7.5}, {"display_name": ["Not a valid string."]}),
        # Read-only or unknown fields are refused, not ignored: nobody grants themselves a policy.
        ({"policies": list(IAMPolicy.values)}, {"policies": ["Unknown field."]}),
        ({"username": "root", "is_admin": True}, {"is_admin": ["Unknown field."], "username": ["Unknown field."]}),
    ],
    ids=[
        "unknown-setting",
        "bad-theme",
        "auto-run-string",
        "auto-run-number",
        "page-size-string",
        "page-size-fraction",
        "page-size-zero",
        "page-size-too-big",
        "settings-list",
        "settings-null",
        "picture-not-http",
        "picture-too-long",
        "display-name-too-long",
        "display-name-number",
        "policies-read-only",
        "username-and-admin-read-only",
    ],
)
def test_bad_profile_input_is_a_400_naming_the_field_and_changes_nothing(
    member: User, body: dict[str, Any], errors: dict[str, Any]
) -> None:
    before = snapshot(member)
    response = bearer(member).patch(ME, body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot(member) == before


@pytest.mark.usefixtures("multi_user")
@pytest.mark.parametrize(
    ("payload", "content_type"),
    [("{not json", "application/json"), ("[1, 2]", "application/json"), ("7", "application/json")],
    ids=["malformed", "list", "number"],
)
def test_a_body_that_is_not_an_object_is_a_400(member: User, payload: str, content_type: str) -> None:
    before = snapshot(member)
    response = bearer(member).generic("PATCH", ME, payload, content_type=content_type)
    assert response.status_code == 400
    assert response.json() in (
        {"detail": "JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"},
        {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]},
        {"non_field_errors": ["Invalid data. Expected a dictionary, but got int."]},
    )
    assert snapshot(member) == before


@pytest.mark.usefixtures("single_user")
def test_single_user_mode_changes_the_default_users_profile() -> None:
    response = APIClient().patch(ME, {"settings": {"theme": "light"}}, format="json")
    assert response.json()["settings"] == {"theme": "light", "auto_run": False, "page_size": 20}
    assert User.objects.get(username="default").settings == {"theme": "light"}


# Changing the password


@pytest.mark.usefixtures("multi_user")
def test_a_user_changes_their_password(member: User) -> None:
    response = bearer(member).post(
        PASSWORD_URL, {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 204
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert not member.check_password(PASSWORD)


@pytest.mark.usefixtures("multi_user")
@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"old_password": "not it", "new_password": NEW_PASSWORD},
            {"old_password": ["The old password is not correct."]},
        ),
        (
            {"old_password": PASSWORD, "new_password": "12345678"},
            {"new_password": ["This password is too common. This password is entirely numeric."]},
        ),
        (
            {"old_password": PASSWORD, "new_password": "short"},
            {"new_password": ["This password is too short. It must contain at least 8 characters."]},
        ),
        ({"old_password": PASSWORD, "new_password": ""}, {"new_password": ["This field may not be blank."]}),
        ({}, {"old_password": ["This field is required."], "new_password": ["This field is required."]}),
        (
            {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            {"confirm": ["Unknown field."]},
        ),
    ],
    ids=["wrong-old", "common-and-numeric", "too-short", "empty", "missing", "unknown-field"],
)
def test_a_refused_password_change_is_a_400_naming_the_field_and_changes_nothing(
    member: User, body: dict[str, Any], errors: dict[str, Any]
) -> None:
    before = snapshot(member)
    response = bearer(member).post(PASSWORD_URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot(member) == before


@pytest.mark.usefixtures("single_user")
def test_single_user_mode_has_no_password_to_change() -> None:
    user = user_ensure_default()
    before = snapshot(user)
    response = APIClient().post(PASSWORD_URL, {"old_password": "", "new_password": NEW_PASSWORD}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": ["Passwords are not used in single-user mode; configure a secret key to run in multi-user mode."]
    }
    assert snapshot(user) == before
