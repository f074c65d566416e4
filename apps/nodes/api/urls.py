"""Routes of the nodes app under /api/v1/: register viewsets on ``router``; other views go in ``urlpatterns``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from apps.nodes.api.views import HubSearchViewSet, HubViewSet, OperationViewSet, WorkflowViewSet

router = SimpleRouter()
router.register("operations", OperationViewSet, basename="operation")
router.register("workflows", WorkflowViewSet, basename="workflow")
router.register("hubs/search", HubSearchViewSet, basename="hub-search")
router.register("hubs", HubViewSet, basename="hub")

urlpatterns: list[URLPattern | URLResolver] = []
