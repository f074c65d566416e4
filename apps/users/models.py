"""Users, their IAM policies and their settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower

from apps.users.policies import IAMPolicy


def default_policies() -> list[str]:
    """The policies a new user gets: the plugin configuration's ``default_policies``."""
    return [str(policy) for policy in django_settings.PLYNX_PLUGINS.default_policies]


def validate_policies(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Policies must be a list of policy names.")
    unknown = sorted(set(value) - set(IAMPolicy.values))
    if unknown:
        raise ValidationError(f"Unknown policies: {', '.join(unknown)}.")
    if len(set(value)) != len(value):
        raise ValidationError("A policy is listed twice.")


class Theme(models.TextChoices):
    LIGHT = "light"
    DARK = "dark"
    SYSTEM = "system"


# A user's preferences for the web client: every key a client may store, with its default.
# The stored object holds only what the user has set; readers merge it over these defaults.
USER_SETTINGS_DEFAULTS: dict[str, Any] = {
    # Colour scheme of the web client; "system" follows the browser.
    "theme": Theme.SYSTEM.value,
    # Whether the editor starts a run of a workflow as soon as it is saved.
    "auto_run": False,
    # Rows per page in the client's lists (DRF's page size is 20; 100 keeps a page quick to render).
    "page_size": 20,
}
USER_SETTINGS_PAGE_SIZE_MAX = 100


def validate_user_settings(value: Any) -> None:
    """A user's settings: an object holding only known keys, each of its type."""
    if not isinstance(value, dict):
        raise ValidationError("Settings must be an object.")
    unknown = sorted(set(value) - set(USER_SETTINGS_DEFAULTS))
    if unknown:
        raise ValidationError(f"Unknown settings: {', '.join(unknown)}.")
    if "theme" in value and value["theme"] not in Theme.values:
        raise ValidationError(f"theme must be one of: {', '.join(Theme.values)}.")
    if "auto_run" in value and not isinstance(value["auto_run"], bool):
        raise ValidationError("auto_run must be true or false.")
    if "page_size" in value:
        size = value["page_size"]
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= USER_SETTINGS_PAGE_SIZE_MAX:
            raise ValidationError(f"page_size must be a whole number from 1 to {USER_SETTINGS_PAGE_SIZE_MAX}.")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Usernames are unique regardless of case; log in regardless of case too.
        if username is not None and "\x00" in username:
            # No username holds a NUL, and PostgreSQL refuses one in a query: say "no such user".
            raise self.model.DoesNotExist
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
    settings = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_user_settings],
        help_text="Preferences of the web client; see USER_SETTINGS_DEFAULTS for the keys.",
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

    @property
    def effective_settings(self) -> dict[str, Any]:
        """The user's settings over the defaults: every known key, with a value."""
        return {**USER_SETTINGS_DEFAULTS, **self.settings}

    def check_password(self, raw_password: str | None) -> bool:
        # Single-user mode's ``default`` has an empty password; once the platform has a secret
        # key, an empty password must not open that account (or any other) any more.
        if not raw_password and django_settings.PLYNX_MULTI_USER:
            return False
        return super().check_password(raw_password)

    def get_full_name(self) -> str:
        return self.display_name or self.username

    def get_short_name(self) -> str:
        return self.username


class LoginFailure(models.Model):
    """A failed password sign-in, kept for the lockout window (apps/users/login_guard.py)."""

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=45, help_text="The client address (REMOTE_ADDR).")
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "ip", "at"], name="login_failure_pair"),
            models.Index(fields=["ip", "at"], name="login_failure_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip} at {self.at:%Y-%m-%d %H:%M:%S}"
