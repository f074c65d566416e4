"""How the OpenAPI schema describes this project's own authentication classes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class SingleUserAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Single-user mode needs no credentials at all: an empty security requirement says so."""

    target_class = "apps.users.api.authentication.SingleUserAuthentication"
    name: list[str] = []

    def get_security_requirement(self, auto_schema: AutoSchema) -> Any:
        return None if settings.PLYNX_MULTI_USER else {}

    def get_security_definition(self, auto_schema: AutoSchema) -> list[dict[str, Any]]:
        return []


class SingleUserBasicAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """``-u default:`` is HTTP basic authentication, which DRF's basic class already declares."""

    target_class = "apps.users.api.authentication.SingleUserBasicAuthentication"
    name: list[str] = []

    def get_security_requirement(self, auto_schema: AutoSchema) -> Any:
        return None

    def get_security_definition(self, auto_schema: AutoSchema) -> list[dict[str, Any]]:
        return []
