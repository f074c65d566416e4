"""Input and output shapes of the users API: input serializers only validate, services act."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.http import QueryDict
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.serializers import TokenRefreshSerializer as SimpleJWTTokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from apps.users.models import USER_SETTINGS_PAGE_SIZE_MAX, Theme, User
from apps.users.policies import IAMPolicy


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses keys it does not know, so a misspelt or read-only field is a 400, not silently ignored.

    HTML forms of the browsable API carry extra keys (the CSRF token), so only JSON objects are checked.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping) and not isinstance(data, QueryDict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key) for key in data if key not in writable)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A JSON string only: a number is not silently turned into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# Longer is a mistake or an attack: every login would hash the whole of it.
PASSWORD_MAX_LENGTH = 4096


def password_field(*, allow_blank: bool = False) -> StrictCharField:
    return StrictCharField(
        allow_blank=allow_blank,
        max_length=PASSWORD_MAX_LENGTH,
        trim_whitespace=False,
        write_only=True,
        style={"input_type": "password"},
    )


class StrictBooleanField(serializers.BooleanField):
    """A JSON ``true`` or ``false`` only: ``"yes"`` or ``1`` in a settings object is a mistake."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON whole number only, not a string or a fraction."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class UserSettingsSerializer(serializers.Serializer[Any]):
    """A user's preferences for the web client, every key with its value (stored or default)."""

    theme = serializers.ChoiceField(choices=Theme.choices, read_only=True)
    auto_run = serializers.BooleanField(read_only=True, help_text="Start a run of a workflow as soon as it is saved.")
    page_size = serializers.IntegerField(read_only=True, help_text="Rows per page in lists.")


class UserSettingsUpdateSerializer(StrictSerializer):
    """Preferences to change; only these keys exist, and a key left out keeps its value."""

    theme = serializers.ChoiceField(choices=Theme.choices, required=False)
    auto_run = StrictBooleanField(required=False, help_text="Start a run of a workflow as soon as it is saved.")
    page_size = StrictIntegerField(
        required=False, min_value=1, max_value=USER_SETTINGS_PAGE_SIZE_MAX, help_text="Rows per page in lists."
    )


class PoliciesField(serializers.ListField):
    """A list of IAM policy names, each at most once."""

    child = serializers.ChoiceField(choices=IAMPolicy.choices)

    def to_internal_value(self, data: Any) -> list[str]:
        policies: list[str] = super().to_internal_value(data)
        if len(set(policies)) != len(policies):
            raise serializers.ValidationError("A policy is listed twice.")
        return policies


class MeSerializer(serializers.ModelSerializer[User]):
    """The current user, as the user sees themselves."""

    policies = serializers.ListField(child=serializers.ChoiceField(choices=IAMPolicy.choices), read_only=True)
    is_admin = serializers.BooleanField(read_only=True)
    settings = UserSettingsSerializer(source="effective_settings", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "display_name", "picture", "policies", "is_admin", "settings"]
        read_only_fields = fields


class MeUpdateSerializer(StrictSerializer, serializers.ModelSerializer[User]):
    """What a user may change about themselves. ``settings`` is merged key by key into the stored ones."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
    }
    settings = UserSettingsUpdateSerializer(required=False)

    class Meta:
        model = User
        fields = ["display_name", "picture", "settings"]
        extra_kwargs = {"display_name": {"required": False}, "picture": {"required": False}}


class PasswordChangeSerializer(StrictSerializer):
    old_password = password_field(allow_blank=True)
    new_password = password_field()


class UserSerializer(serializers.ModelSerializer[User]):
    """A user as administrators see them."""

    policies = serializers.ListField(child=serializers.ChoiceField(choices=IAMPolicy.choices), read_only=True)
    is_admin = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "display_name",
            "picture",
            "policies",
            "is_admin",
            "is_active",
            "last_login",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class UserCreateSerializer(StrictSerializer):
    """A new user. Without ``policies`` the user gets the configured default policies."""

    username = StrictCharField(max_length=150)
    password = password_field(allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    policies = PoliciesField(required=False)


class UserUpdateSerializer(StrictSerializer):
    """What an administrator may change about a user."""

    policies = PoliciesField(required=False)
    is_active = serializers.BooleanField(required=False)
    display_name = StrictCharField(max_length=150, required=False, allow_blank=True)


class SessionLoginSerializer(StrictSerializer):
    username = StrictCharField(max_length=150)
    password = password_field()


class TokenRefreshSerializer(SimpleJWTTokenRefreshSerializer):
    """simplejwt's refresh, answering 401 (not 500) for a token whose user no longer exists."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        try:
            validated = super().validate(attrs)
        except get_user_model().DoesNotExist:
            raise AuthenticationFailed(self.error_messages["no_active_account"], "no_active_account") from None
        if not jwt_settings.CHECK_REVOKE_TOKEN:
            return validated
        # A refresh token issued before a password change gives no new access token.
        refresh = self.token_class(attrs["refresh"])
        user = get_user_model().objects.filter(pk=refresh.get(jwt_settings.USER_ID_CLAIM)).first()
        if user is None or refresh.get(jwt_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
            raise AuthenticationFailed("The token was revoked by a password change.", "token_revoked")
        return validated
