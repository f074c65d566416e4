"""The seed's REST API under /plynx/api/v0/ (see the REST API section of the PLynx documentation)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
