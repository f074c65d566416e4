"""The users face of the v1 API: tokens, the current user, and users for administrators."""

from __future__ import annotations

from typing import Any, NoReturn

from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.db.models import QuerySet
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView as SimpleJWTTokenObtainPairView
from rest_framework_simplejwt.views import TokenRefreshView as SimpleJWTTokenRefreshView
from rest_framework_simplejwt.views import TokenVerifyView as SimpleJWTTokenVerifyView

from apps.users.api.serializers import (
    MeSerializer,
    MeUpdateSerializer,
    PasswordChangeSerializer,
    SessionLoginSerializer,
    TokenRefreshSerializer,
    UserCreateSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from apps.users.models import User
from apps.users.permissions import is_admin
from apps.users.selectors import user_get, user_list
from apps.users.services import (
    UserError,
    UserErrorCode,
    user_change_password,
    user_create,
    user_update,
    user_update_profile,
)

# Error answers, as the schema documents them. A 400's keys name the fields (``detail`` when the
# error is about the request as a whole), each with a list of messages.
_INVALID = OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: each key names a field, with its messages.")
_UNAUTHENTICATED = OpenApiResponse(OpenApiTypes.OBJECT, description="No valid credentials (multi-user mode).")
_FORBIDDEN = OpenApiResponse(OpenApiTypes.OBJECT, description="The user is not an administrator.")
_NOT_FOUND = OpenApiResponse(OpenApiTypes.OBJECT, description="No user with this username.")
_ADMIN_ERRORS = {401: _UNAUTHENTICATED, 403: _FORBIDDEN}


class IsAdmin(BasePermission):
    """Holds ``IS_ADMIN`` (an anonymous request is refused as unauthenticated, hence 401)."""

    message = "Only administrators may manage users."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_admin(request.user)


class SearchFilter(filters.SearchFilter):
    """DRF's search, with a refused search term reported under the ``search`` parameter's name."""

    def get_search_terms(self, request: Request) -> list[str]:
        try:
            return list(super().get_search_terms(request))
        except ValidationError as error:
            raise ValidationError({self.search_param: error.detail}) from None


def _raise_for(error: UserError) -> NoReturn:
    """A service's refusal as the API's answer: 404, 403, or 400 naming the field."""
    if error.code == UserErrorCode.USER_NOT_FOUND:
        raise NotFound(error.message)
    if error.code == UserErrorCode.NOT_ADMIN:
        raise PermissionDenied(error.message)
    raise ValidationError({error.field or "detail": [error.message]}, code=error.code.lower())


@extend_schema(tags=["auth"], summary="Obtain an access and a refresh token")
class TokenObtainPairView(SimpleJWTTokenObtainPairView):
    """Takes a username and password; an inactive user gets no token."""


@extend_schema(tags=["auth"], summary="Exchange a refresh token for a new access token")
class TokenRefreshView(SimpleJWTTokenRefreshView):
    """Takes a refresh token and returns a new access token. An access token is refused here."""

    serializer_class = TokenRefreshSerializer


@extend_schema(tags=["auth"], summary="Check that a token is valid")
class TokenVerifyView(SimpleJWTTokenVerifyView):
    """Takes a token (access or refresh) and answers 200 if it is valid, 401 if not."""


class SessionLoginView(GenericAPIView[User]):
    """Log in with a session cookie, for the browsable API and browser clients.

    The request must carry the CSRF token (the browsable API's form does; a script reads the
    ``csrftoken`` cookie set by a GET here), so no other site can log a browser in.
    """

    serializer_class = SessionLoginSerializer
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @method_decorator(ensure_csrf_cookie)
    @extend_schema(
        tags=["auth"],
        summary="How to log in with a session (sets the CSRF cookie)",
        responses={200: OpenApiResponse(description="A short instruction.")},
    )
    def get(self, request: Request) -> Response:
        return Response({"detail": "POST a username and password here to log in with a session."})

    @extend_schema(
        tags=["auth"],
        summary="Log in with a session",
        responses={
            200: MeSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Wrong username or password, or a missing field."),
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="The CSRF token is missing or wrong."),
        },
    )
    def post(self, request: Request) -> Response:
        SessionAuthentication().enforce_csrf(request)
        data = _valid(SessionLoginSerializer, request)
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            # Also for an inactive user: Django's backend does not authenticate one.
            raise ValidationError({"detail": ["Wrong username or password."]}, code="invalid_credentials")
        login(request._request, user)
        return Response(MeSerializer(user).data)


class SessionLogoutView(APIView):
    """End the session of the browsable API or a browser client."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["auth"], summary="Log out of the session", request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["users"])
@extend_schema_view(
    list=extend_schema(
        summary="List users (administrators)", responses={200: UserSerializer(many=True), **_ADMIN_ERRORS}
    ),
    retrieve=extend_schema(
        summary="A user (administrators)", responses={200: UserSerializer, **_ADMIN_ERRORS, 404: _NOT_FOUND}
    ),
)
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[User]):
    """Users. Administrators list, create and change them; everyone reads and changes ``me``.

    Users are never deleted (they own operations, workflows and runs): deactivate them instead.
    """

    serializer_class = UserSerializer
    permission_classes = [IsAdmin]
    lookup_field = "username"
    lookup_value_regex = r"[\w.@+-]+"
    filter_backends = [SearchFilter, filters.OrderingFilter]
    search_fields = ["username", "display_name"]
    ordering_fields = ["username", "display_name", "created_at", "last_login"]
    ordering = ["username"]

    def get_queryset(self) -> QuerySet[User]:
        return user_list()

    def get_object(self) -> User:
        user = user_get(username=self.kwargs[self.lookup_field])
        if user is None:
            raise NotFound(f"No user {self.kwargs[self.lookup_field]!r}.")
        self.check_object_permissions(self.request, user)
        return user

    @extend_schema(
        summary="Create a user (administrators)",
        request=UserCreateSerializer,
        responses={201: UserSerializer, 400: _INVALID, **_ADMIN_ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = _valid(UserCreateSerializer, request)
        try:
            user = user_create(
                username=data["username"], password=data["password"], email=data["email"], policies=data.get("policies")
            )
        except UserError as error:
            _raise_for(error)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a user's policies, activity or display name (administrators)",
        request=UserUpdateSerializer,
        responses={200: UserSerializer, 400: _INVALID, **_ADMIN_ERRORS, 404: _NOT_FOUND},
    )
    def partial_update(self, request: Request, username: str) -> Response:
        user = self.get_object()
        data = _valid(UserUpdateSerializer, request)
        try:
            user = user_update(actor=request.user, user=user, **data)  # type: ignore[arg-type]
        except UserError as error:
            _raise_for(error)
        return Response(UserSerializer(user).data)

    @extend_schema(methods=["GET"], summary="The current user", responses={200: MeSerializer, 401: _UNAUTHENTICATED})
    @extend_schema(
        methods=["PATCH"],
        summary="Change the current user's display name, picture or settings",
        description="`settings` is merged key by key into the stored settings; unknown keys are refused.",
        request=MeUpdateSerializer,
        responses={200: MeSerializer, 400: _INVALID, 401: _UNAUTHENTICATED},
    )
    @action(detail=False, methods=["get", "patch"], permission_classes=[IsAuthenticated])
    def me(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        if request.method == "PATCH":
            data = _valid(MeUpdateSerializer, request)
            try:
                user = user_update_profile(user=user, **data)
            except UserError as error:
                _raise_for(error)
        return Response(MeSerializer(user).data)

    @extend_schema(
        summary="Change the current user's password",
        description="Multi-user mode only: single-user mode has no passwords.",
        request=PasswordChangeSerializer,
        responses={
            204: OpenApiResponse(description="The password is changed."),
            400: _INVALID,
            401: _UNAUTHENTICATED,
        },
    )
    @action(detail=False, methods=["post"], url_path="me/password", permission_classes=[IsAuthenticated])
    def password(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        data = _valid(PasswordChangeSerializer, request)
        try:
            user_change_password(user=user, old_password=data["old_password"], new_password=data["new_password"])
        except UserError as error:
            _raise_for(error)
        # A browser logged in by session stays logged in after changing its own password.
        update_session_auth_hash(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        # The browsable API renders its forms from these.
        if self.action == "create":
            return UserCreateSerializer
        if self.action == "partial_update":
            return UserUpdateSerializer
        if self.action == "me":
            return MeUpdateSerializer if self.request.method == "PATCH" else MeSerializer
        if self.action == "password":
            return PasswordChangeSerializer
        return UserSerializer


def _valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
