"""Authentication of the API faces beyond DRF's own (JWT, HTTP basic, session)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from rest_framework.authentication import BaseAuthentication, get_authorization_header
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


class SingleUserAuthentication(BaseAuthentication):
    """Single-user mode (no secret key): a request without credentials acts as the user ``default``.

    The platform then listens on loopback only (see ARCHITECTURE.md), as the seed did: ``curl -u
    default: ...`` and a bare ``curl ...`` both act as ``default``. In multi-user mode this does
    nothing and credentials are required.
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        if settings.PLYNX_MULTI_USER:
            return None
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
        return user_ensure_default(), None
