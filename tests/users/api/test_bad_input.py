"""Every input field of the users face, fed every wrong kind of value: a 4xx naming it, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.users.models import USER_SETTINGS_PAGE_SIZE_MAX, User
from tests.users.api.conftest import PASSWORD, bearer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user")]

NEW_PASSWORD = "a much longer passphrase 42"

WRONG_VALUES = [None, 7, 1.5, True, [], {}, ["x"], {"a": 1}, "x" * 10_000, "nul\x00byte"]
WRONG_IDS = ["null", "int", "float", "bool", "empty-list", "empty-object", "list", "object", "huge", "nul"]

# (url, method, a valid body, the fields to spoil, whether the admin or the member calls)
ENDPOINTS: list[tuple[str, str, dict[str, Any], list[str], str]] = [
    (
        "/api/v1/users/",
        "post",
        {"username": "eve", "password": NEW_PASSWORD},
        ["username", "password", "email", "policies"],
        "admin",
    ),
    ("/api/v1/users/ada/", "patch", {}, ["policies", "is_active", "display_name"], "admin"),
    ("/api/v1/users/me/", "patch", {}, ["display_name", "picture", "settings"], "member"),
    (
        "/api/v1/users/me/",
        "patch",
        {"settings": {}},
        ["settings.theme", "settings.auto_run", "settings.page_size"],
        "member",
    ),
    (
        "/api/v1/users/me/password/",
        "post",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        ["old_password", "new_password"],
        "member",
    ),
    ("/api/v1/auth/token/", "post", {"username": "ada", "password": PASSWORD}, ["username", "password"], "anonymous"),
    ("/api/v1/auth/token/refresh/", "post", {"refresh": ""}, ["refresh"], "anonymous"),
    ("/api/v1/auth/token/verify/", "post", {"token": ""}, ["token"], "anonymous"),
    (
        "/api/v1/auth/session/login/",
        "post",
        {"username": "ada", "password": PASSWORD},
        ["username", "password"],
        "anonymous",
    ),
]

CASES = [
    pytest.param(
        url, method, body, field, caller, value, id=f"{method}-{url.strip('/').replace('/', '.')}-{field}-{vid}"
    )
    for url, method, body, fields, caller in ENDPOINTS
    for field in fields
    for value, vid in zip(WRONG_VALUES, WRONG_IDS, strict=True)
]


def accepted(field: str, value: Any) -> bool:
    """Whether ``value`` is in fact a right value for ``field`` (so no error is due)."""
    if field in ("is_active", "settings.auto_run"):
        return isinstance(value, bool)
    if field == "settings.page_size":
        return type(value) is int and 1 <= value <= USER_SETTINGS_PAGE_SIZE_MAX
    return (field, value) in (("settings", {}), ("policies", []))


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        User.objects.order_by("pk").values_list(
            "username", "email", "display_name", "picture", "settings", "policies", "is_active", "password"
        )
    )


def spoil(body: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    spoilt = {key: (dict(item) if isinstance(item, dict) else item) for key, item in body.items()}
    if "." in field:
        outer, inner = field.split(".")
        spoilt[outer][inner] = value
    else:
        spoilt[field] = value
    return spoilt


@pytest.mark.parametrize(("url", "method", "body", "field", "caller", "value"), CASES)
def test_a_wrong_value_is_a_4xx_naming_the_field_and_changes_nothing(
    admin: User, member: User, url: str, method: str, body: dict[str, Any], field: str, caller: str, value: Any
) -> None:
    client = {"admin": bearer(admin), "member": bearer(member), "anonymous": APIClient()}[caller]
    before = snapshot()
    response = getattr(client, method)(url, spoil(body, field, value), format="json")
    if accepted(field, value):
        assert response.status_code < 300
        return
    assert 400 <= response.status_code < 500, response.content
    if response.status_code == 400:
        outer, _, inner = field.partition(".")
        errors = response.json()
        assert outer in errors, errors
        if inner:
            assert inner in errors[outer], errors
    assert snapshot() == before
