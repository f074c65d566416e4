"""Routes of the nodes app under /api/v1/: register viewsets on ``router``; other views go in ``urlpatterns``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns: list[URLPattern | URLResolver] = []
