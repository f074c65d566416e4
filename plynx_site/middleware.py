"""Middleware of the project itself."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden


class LoopbackOnlyMiddleware:
    """In single-user mode every request acts as ``default``: refuse any that is not from this machine.

    The server binds to loopback in that mode; this guards against it being exposed anyway
    (a wrong bind address, a port forward).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = request.META.get("REMOTE_ADDR", "")
        try:
            loopback = ipaddress.ip_address(address).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            return HttpResponseForbidden(
                "Single-user mode serves this machine only. Set PLYNX_SECRET_KEY for multi-user mode.",
                content_type="text/plain",
            )
        return self.get_response(request)
