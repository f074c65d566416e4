"""Routes of the users app under /api/v1/: register viewsets on ``router``; other views go in ``urlpatterns``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from apps.users.api import schema  # noqa: F401 - registers the schema's authentication extensions
from apps.users.api.views import (
    SessionLoginView,
    SessionLogoutView,
    TokenObtainPairView,
    TokenRefreshView,
    TokenVerifyView,
    UserViewSet,
)

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenObtainPairView.as_view(), name="token-obtain"),
    path("auth/token/refresh/", TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/token/verify/", TokenVerifyView.as_view(), name="token-verify"),
    # Log in and out of the browsable API with a session.
    path("auth/session/login/", SessionLoginView.as_view(), name="session-login"),
    path("auth/session/logout/", SessionLogoutView.as_view(), name="session-logout"),
]
