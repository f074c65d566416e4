"""Tokens (obtain, refresh, verify), HTTP basic and session login in multi-user mode."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from apps.users.models import User
from apps.users.services import user_ensure_default
from tests.factories import UserFactory
from tests.users.api.conftest import PASSWORD, bearer, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user")]

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
VERIFY = "/api/v1/auth/token/verify/"
SESSION_LOGIN = "/api/v1/auth/session/login/"
SESSION_LOGOUT = "/api/v1/auth/session/logout/"
ME = "/api/v1/users/me/"


def with_bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def basic(username: str, password: str) -> APIClient:
    client = APIClient()
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {encoded}")
    return client


def obtain(username: str, password: str) -> dict[str, str]:
    response = APIClient().post(TOKEN, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_a_password_gives_an_access_and_a_refresh_token_and_the_access_token_authenticates(member: User) -> None:
    tokens = obtain("ada", PASSWORD)
    assert sorted(tokens) == ["access", "refresh"]
    response = with_bearer(tokens["access"]).get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "ada"


def test_the_username_is_matched_regardless_of_case(member: User) -> None:
    assert sorted(obtain("ADA", PASSWORD)) == ["access", "refresh"]


@pytest.mark.parametrize(
    ("username", "password"),
    [("ada", "wrong password"), ("nobody", PASSWORD)],
    ids=["wrong-password", "unknown-user"],
)
def test_wrong_credentials_get_no_token(member: User, username: str, password: str) -> None:
    response = APIClient().post(TOKEN, {"username": username, "password": password}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "No active account found with the given credentials"}


def test_an_inactive_user_gets_no_token() -> None:
    make_user(username="gone", is_active=False)
    response = APIClient().post(TOKEN, {"username": "gone", "password": PASSWORD}, format="json")
    assert response.status_code == 401
    assert "access" not in response.json()


def test_missing_credentials_are_named() -> None:
    response = APIClient().post(TOKEN, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"username": ["This field is required."], "password": ["This field is required."]}


def test_a_refresh_token_gives_a_new_access_token(member: User) -> None:
    tokens = obtain("ada", PASSWORD)
    response = APIClient().post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    assert sorted(response.json()) == ["access"]
    assert with_bearer(response.json()["access"]).get(ME).json()["username"] == "ada"


def test_an_access_token_cannot_be_refreshed(member: User) -> None:
    tokens = obtain("ada", PASSWORD)
    response = APIClient().post(REFRESH, {"refresh": tokens["access"]}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Token has wrong type", "code": "token_not_valid"}


def test_a_refresh_token_is_refused_as_a_bearer_token(member: User) -> None:
    tokens = obtain("ada", PASSWORD)
    response = with_bearer(tokens["refresh"]).get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_a_deactivated_users_refresh_token_gives_nothing(member: User) -> None:
    refresh = str(RefreshToken.for_user(member))
    User.objects.filter(pk=member.pk).update(is_active=False)
    response = APIClient().post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "No active account found for the given token."}


def test_a_deleted_users_refresh_token_gives_nothing() -> None:
    user = UserFactory()
    refresh = str(RefreshToken.for_user(user))
    user.delete()
    response = APIClient().post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "No active account found for the given token."}


def test_a_deactivated_users_access_token_is_refused(member: User) -> None:
    client = bearer(member)
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert client.get(ME).status_code == 401


def test_verify_accepts_valid_tokens_of_both_types_and_refuses_others(member: User) -> None:
    tokens = obtain("ada", PASSWORD)
    for token in (tokens["access"], tokens["refresh"]):
        response = APIClient().post(VERIFY, {"token": token}, format="json")
        assert (response.status_code, response.json()) == (200, {})
    response = APIClient().post(VERIFY, {"token": tokens["access"][:-2] + "xx"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert APIClient().post(VERIFY, {}, format="json").json() == {"token": ["This field is required."]}


def test_http_basic_authentication_with_a_password(member: User) -> None:
    assert basic("ada", PASSWORD).get(ME).json()["username"] == "ada"
    assert basic("ada", "wrong").get(ME).status_code == 401


def test_an_empty_password_opens_nothing_in_multi_user_mode() -> None:
    # The user left by an earlier single-user deployment has an empty password.
    user_ensure_default()
    response = basic("default", "").get(ME)
    assert response.status_code == 401
    token = APIClient().post(TOKEN, {"username": "default", "password": ""}, format="json")
    assert token.status_code == 400
    assert token.json() == {"password": ["This field may not be blank."]}


def test_without_credentials_the_api_answers_401(member: User) -> None:
    response = APIClient().get(ME)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_session_login_and_logout_for_the_browsable_api(member: User) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(SESSION_LOGIN, HTTP_ACCEPT="application/json")
    assert page.status_code == 200
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        SESSION_LOGIN,
        {"username": "ada", "password": PASSWORD},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 200
    assert response.json()["username"] == "ada"
    assert client.get(ME, HTTP_ACCEPT="application/json").json()["username"] == "ada"
    # Logged in by session, an unsafe request needs the (rotated) CSRF token too.
    assert client.post(SESSION_LOGOUT).status_code == 403
    assert client.post(SESSION_LOGOUT, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value).status_code == 204
    assert client.get(ME, HTTP_ACCEPT="application/json").status_code == 401


def test_session_login_needs_the_csrf_token(member: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(SESSION_LOGIN, {"username": "ada", "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert "sessionid" not in client.cookies


@pytest.mark.parametrize(
    ("username", "password", "active"),
    [("ada", "wrong", True), ("ada", PASSWORD, False)],
    ids=["wrong-password", "inactive"],
)
def test_session_login_refuses_wrong_credentials_and_inactive_users(username: str, password: str, active: bool) -> None:
    make_user(username="ada", is_active=active)
    client = Client()
    response = client.post(SESSION_LOGIN, {"username": username, "password": password}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": ["Wrong username or password."]}
    assert "sessionid" not in client.cookies


def test_session_login_names_missing_fields() -> None:
    response = APIClient().post(SESSION_LOGIN, {"username": "ada"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}


def test_a_username_holding_a_nul_is_refused_not_a_crash(member: User) -> None:
    # PostgreSQL refuses a NUL in a query; each way in must answer with a 4xx instead of a 500.
    assert basic("a\x00da", PASSWORD).get(ME).status_code == 401
    credentials = {"username": "a\x00da", "password": PASSWORD}
    token = APIClient().post(TOKEN, credentials, format="json")
    assert (token.status_code, token.json()) == (400, {"username": ["Null characters are not allowed."]})
    session = APIClient().post(SESSION_LOGIN, credentials, format="json")
    assert (session.status_code, session.json()) == (400, {"username": ["Null characters are not allowed."]})
