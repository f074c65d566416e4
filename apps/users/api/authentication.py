"""Authentication of the API faces beyond DRF's own (JWT, HTTP basic, session)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from apps.users.services import user_ensure_default


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
