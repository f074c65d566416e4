"""Users, their IAM policies and their settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower

from apps.users.policies import IAMPolicy


def default_policies() -> list[str]:
    """The policies a new user gets: the plugin configuration's ``default_policies``."""
    return [str(policy) for policy in settings.PLYNX_PLUGINS.default_policies]


def validate_policies(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Policies must be a list of policy names.")
    unknown = sorted(set(value) - set(IAMPolicy.values))
    if unknown:
        raise ValidationError(f"Unknown policies: {', '.join(unknown)}.")
    if len(set(value)) != len(value):
        raise ValidationError("A policy is listed twice.")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Usernames are unique regardless of case; log in regardless of case too.
        return self.get(username__iexact=username)

    def create_user(
        self,
        username: str,
        email: str = "",
        password: str | None = None,
        **fields: Any,
    ) -> User:
        user = self.model(username=username, email=self.normalize_email(email or ""), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self,
        username: str,
        email: str = "",
        password: str | None = None,
        **fields: Any,
    ) -> User:
        fields["policies"] = list(IAMPolicy.values)
        return self.create_user(username, email, password, **fields)


class User(AbstractBaseUser):
    """A person using the platform.

    What a user may do is decided by ``policies`` (the seed's IAM policies); ``IS_ADMIN`` is the
    only source of administrator rights (Django's ``is_staff`` and ``is_superuser`` follow it).
    """

    username = models.CharField(max_length=150, unique=True, validators=[UnicodeUsernameValidator()])
    email = models.EmailField(blank=True, default="")
    is_active = models.BooleanField(default=True, help_text="Inactive users cannot log in or use tokens.")
    policies = models.JSONField(default=default_policies, validators=[validate_policies])
    display_name = models.CharField(max_length=150, blank=True, default="")
    picture = models.CharField(
        max_length=500, blank=True, default="", validators=[URLValidator(schemes=["http", "https"])]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="users_user_username_ci_unique"),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="users_user_email_ci_unique",
            ),
            models.CheckConstraint(condition=~models.Q(username=""), name="users_user_username_not_empty"),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def is_admin(self) -> bool:
        return IAMPolicy.IS_ADMIN.value in self.policies

    # Django's admin and permission checks read these two flags.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.is_admin

    @property
    def is_superuser(self) -> bool:
        return self.is_active and self.is_admin

    def has_policy(self, policy: IAMPolicy) -> bool:
        """Whether the user holds ``policy``; administrators hold them all."""
        return self.is_active and (self.is_admin or policy.value in self.policies)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_superuser

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_superuser

    def get_full_name(self) -> str:
        return self.display_name or self.username

    def get_short_name(self) -> str:
        return self.username
