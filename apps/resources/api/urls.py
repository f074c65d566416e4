"""Routes of the resources app under /api/v1/: register viewsets on ``router``; other views go in ``urlpatterns``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from apps.resources.api.views import ResourceViewSet

router = SimpleRouter()
router.register("resources", ResourceViewSet, basename="resource")

urlpatterns: list[URLPattern | URLResolver] = []
