"""Routes of the graphs app under /api/v1/: register viewsets on ``router``; other views go in ``urlpatterns``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from apps.graphs.api.views import OBJECT_ID_REGEX, NodeRunViewSet, RunViewSet, WorkerViewSet

router = SimpleRouter()
router.register("runs", RunViewSet, basename="run")
router.register(rf"runs/(?P<run_id>{OBJECT_ID_REGEX})/nodes", NodeRunViewSet, basename="run-node")
router.register("workers", WorkerViewSet, basename="worker")

urlpatterns: list[URLPattern | URLResolver] = []
