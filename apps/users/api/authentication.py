"""Authentication of the API faces beyond DRF's own (JWT, HTTP basic, session)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from apps.users.services import user_ensure_default


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """The user name and password of an ``Authorization: Basic`` header, or None without a readable one."""
    header = get_authorization_header(request).split()
    if len(header) != 2 or header[0].lower() != b"basic":
        return None
    try:
        decoded = base64.b64decode(header[1], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, _, password = decoded.partition(":")
    return username, password


def refuse_cross_site(request: Request) -> None:
    """Single-user mode: refuse a browser's unsafe request that fails Django's CSRF checks.

    Acting as ``default`` without credentials would otherwise let any web page open in a browser on
    this machine post to the loopback server (a form or a fetch to ``127.0.0.1``) and, say, run a
    workflow: code execution on the user's machine. Browsers mark every request with
    ``Sec-Fetch-Site`` and a cross-origin POST with ``Origin``, which a page cannot remove; such
    requests must then pass the same checks as a session's (same origin, the CSRF token the web
    app sends). Scripts, curl and the SDK send neither header and are not affected.
    """
    if request.method in SAFE_METHODS:
        return
    meta = request._request.META
    if "HTTP_ORIGIN" in meta or "HTTP_SEC_FETCH_SITE" in meta:
        # Raises PermissionDenied ("CSRF Failed: ...", 403) when the checks fail.
        SessionAuthentication().enforce_csrf(request)


class SingleUserAuthentication(BaseAuthentication):
    """Single-user mode (no secret key): a request without credentials acts as the user ``default``.

    The platform then listens on loopback only (see ARCHITECTURE.md), as the seed did: ``curl -u
    default: ...`` and a bare ``curl ...`` both act as ``default``. In multi-user mode this does
    nothing and credentials are required.
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        if settings.PLYNX_MULTI_USER:
            return None
        refuse_cross_site(request)
        return user_ensure_default(), None


class SingleUserBasicAuthentication(BaseAuthentication):
    """Single-user mode: ``-u default:`` (basic, the default user's name, no password) acts as ``default``.

    It works on a fresh database too (the user is created on first use), which a plain basic
    check could not do. Other basic credentials are left to DRF's own basic authentication.
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        if settings.PLYNX_MULTI_USER:
            return None
        if basic_credentials(request) != (settings.PLYNX_DEFAULT_USERNAME, ""):
            return None
        refuse_cross_site(request)
        return user_ensure_default(), None
