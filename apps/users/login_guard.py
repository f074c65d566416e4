"""Password-guessing protection for every sign-in path.

All password checks (session login, token obtain, HTTP basic auth on both APIs, the admin) go
through Django's ``authenticate``, so the guard sits there: ``GuardedModelBackend`` refuses to
check a password for a user name and address that failed too often within the lockout window,
and the ``user_login_failed`` / ``user_logged_in`` signals record and clear failures.

Only failures count, so a correct password is never slowed down by traffic, and locking is per
(user name, address) pair — somebody guessing cannot lock the real user out from elsewhere — with
a wider per-address limit against trying many user names. Failures live in the database, so the
limit holds across every web process and needs no extra service.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, user_login_failed
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from rest_framework.exceptions import Throttled

from apps.users.models import LoginFailure

# An address may fail this many times more than one pair before all its sign-ins are refused.
ADDRESS_FACTOR = 5


class LoginLocked(Throttled):
    """Too many failed sign-ins: DRF answers 429 with Retry-After; other views get the middleware's 429."""

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        minutes = max(1, math.ceil(wait_seconds / 60))
        super().__init__(
            wait=wait_seconds,
            detail=(
                "Too many failed sign-in attempts from this address. "
                f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
            ),
        )


def client_address(request: HttpRequest | None) -> str:
    """The address a sign-in came from: the peer's, or, behind ``PLYNX_TRUSTED_PROXIES`` proxies,
    the one the outermost of them put in X-Forwarded-For (what the client itself wrote there,
    further left, is not trusted)."""
    if request is None:
        return ""
    address = str(request.META.get("REMOTE_ADDR") or "")
    proxies = settings.PLYNX_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return address[:45]


def _name(username: object) -> str:
    # User names match regardless of case, so their failures count together; a NUL, which no
    # user name holds and PostgreSQL text cannot store, is kept as a replacement character.
    return str(username).lower().replace("\x00", "\ufffd")[:150]


def _window_start(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.PLYNX_LOGIN_LOCKOUT_SECONDS)


def lockout_wait(username: str, ip: str, *, now: datetime | None = None) -> tuple[float, bool]:
    """Seconds until ``username`` may try a password again from ``ip`` (0 when it may now), and
    whether that pair has recent failures at all. One query."""
    now = now or timezone.now()
    since = _window_start(now)
    limit = settings.PLYNX_LOGIN_MAX_FAILURES
    recent = list(
        LoginFailure.objects.filter(ip=ip, at__gte=since)
        .order_by("-at")
        .values_list("username", "at")[: limit * ADDRESS_FACTOR]
    )
    pair = [at for name, at in recent if name == username]
    waits = []
    # Locked while the window holds ``allowed`` failures: until the oldest of them ages out.
    for failures, allowed in ((pair, limit), ([at for _, at in recent], limit * ADDRESS_FACTOR)):
        if len(failures) >= allowed:
            waits.append((failures[allowed - 1] - since).total_seconds())
    return max(waits, default=0.0), bool(pair)


class GuardedModelBackend(ModelBackend):
    """Django's username/password backend, refusing to check passwords for a locked-out pair."""

    def authenticate(  # type: ignore[override]  # the same signature, spelled out
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> AbstractBaseUser | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        ip = client_address(request)
        wait, failed_before = lockout_wait(_name(username), ip)
        if wait > 0:
            raise LoginLocked(wait)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and failed_before:
            # The right password: earlier mistakes of this user from here are forgiven.
            LoginFailure.objects.filter(username=_name(username), ip=ip).delete()
        return user


@receiver(user_login_failed, dispatch_uid="plynx-login-failure")
def _record_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = credentials.get("username")
    if not username:
        return
    now = timezone.now()
    ip = client_address(request)
    # Failures older than the window no longer count: drop this address's, so the table stays small.
    LoginFailure.objects.filter(ip=ip, at__lt=_window_start(now)).delete()
    LoginFailure.objects.create(username=_name(username), ip=ip, at=now)


class LoginLockedMiddleware:
    """Answer 429 when a non-DRF view (the admin's login form) meets a locked-out sign-in."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)  # type: ignore[no-any-return]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, LoginLocked):
            return None
        response = JsonResponse({"detail": str(exception.detail)}, status=429)
        response["Retry-After"] = str(math.ceil(exception.wait_seconds))
        return response
