"""Password guessing is refused after too many failures, on every sign-in path, with a clear 429."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.users.models import LoginFailure, User
from tests.users.api.conftest import PASSWORD, make_user

# Addresses are loopback ones: the test settings run in single-user mode, which serves loopback only.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user")]

TOKEN = "/api/v1/auth/token/"
SESSION_LOGIN = "/api/v1/auth/session/login/"
ME = "/api/v1/users/me/"
LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings: Any) -> None:
    settings.PLYNX_LOGIN_MAX_FAILURES = LIMIT
    settings.PLYNX_LOGIN_LOCKOUT_SECONDS = 600


@pytest.fixture
def ada() -> User:
    return make_user(username="ada")


def token(username: str, password: str, ip: str = "127.0.0.11") -> Any:
    return APIClient(REMOTE_ADDR=ip).post(TOKEN, {"username": username, "password": password}, format="json")


def fail(times: int, username: str = "ada", ip: str = "127.0.0.11") -> None:
    for _ in range(times):
        assert token(username, "wrong", ip).status_code == 401


def test_the_right_password_is_refused_with_429_after_too_many_failures(ada: User) -> None:
    fail(LIMIT)
    response = token("ada", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    assert "10 minutes" in response.json()["detail"]
    assert 0 < int(response["Retry-After"]) <= 600


def test_fewer_failures_than_the_limit_do_not_lock_and_a_success_forgives_them(ada: User) -> None:
    fail(LIMIT - 1)
    assert token("ada", PASSWORD).status_code == 200
    assert not LoginFailure.objects.filter(username="ada").exists()
    fail(LIMIT - 1)
    assert token("ada", PASSWORD).status_code == 200


def test_the_lock_is_per_address_so_a_guesser_cannot_lock_the_user_out_elsewhere(ada: User) -> None:
    fail(LIMIT, ip="127.0.0.66")
    assert token("ada", PASSWORD, ip="127.0.0.66").status_code == 429
    assert token("ada", PASSWORD, ip="127.0.0.12").status_code == 200


def test_user_names_differing_in_case_count_together(ada: User) -> None:
    fail(1, username="ADA")
    fail(1, username="Ada")
    fail(1, username="ada")
    assert token("aDa", PASSWORD).status_code == 429


def test_failures_age_out_of_the_window(ada: User) -> None:
    fail(LIMIT)
    LoginFailure.objects.update(at=timezone.now() - timedelta(seconds=601))
    assert token("ada", PASSWORD).status_code == 200


def test_one_address_trying_many_names_is_refused_too(ada: User) -> None:
    for number in range(LIMIT * 5):
        assert token(f"guess{number}", "wrong").status_code == 401
    assert token("ada", PASSWORD).status_code == 429
    assert token("ada", PASSWORD, ip="127.0.0.12").status_code == 200


def test_session_login_and_basic_auth_are_guarded(ada: User) -> None:
    fail(LIMIT)
    client = APIClient(REMOTE_ADDR="127.0.0.11")
    session = client.post(SESSION_LOGIN, {"username": "ada", "password": PASSWORD}, format="json")
    assert session.status_code == 429
    encoded = base64.b64encode(f"ada:{PASSWORD}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {encoded}")
    assert client.get(ME).status_code == 429
    v0 = client.get("/plynx/api/v0/token")
    assert v0.status_code == 429


def test_basic_auth_failures_count(ada: User) -> None:
    client = APIClient(REMOTE_ADDR="127.0.0.11")
    encoded = base64.b64encode(b"ada:wrong").decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {encoded}")
    for _ in range(LIMIT):
        assert client.get(ME).status_code == 401
    assert token("ada", PASSWORD).status_code == 429


def test_behind_trusted_proxies_the_forwarded_client_address_counts(ada: User, settings: Any) -> None:
    settings.PLYNX_TRUSTED_PROXIES = 1

    def via_proxy(password: str, client: str, spoofed: str = "") -> int:
        forwarded = f"{spoofed}, {client}" if spoofed else client
        api = APIClient(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        return int(api.post(TOKEN, {"username": "ada", "password": password}, format="json").status_code)

    for _ in range(LIMIT):
        assert via_proxy("wrong", "203.0.113.7") == 401
    assert via_proxy(PASSWORD, "203.0.113.7") == 429
    # Another client behind the same proxy is not locked out.
    assert via_proxy(PASSWORD, "203.0.113.8") == 200
    # A client cannot escape by writing its own X-Forwarded-For: the proxy's entry is the last one.
    assert via_proxy(PASSWORD, "203.0.113.7", spoofed="198.51.100.1") == 429
    assert LoginFailure.objects.filter(ip="203.0.113.7").count() == LIMIT


def test_the_admin_login_form_answers_429_not_500(ada: User) -> None:
    fail(LIMIT)
    response = Client(REMOTE_ADDR="127.0.0.11").post("/admin/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]
