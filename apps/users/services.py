"""Creating and changing users."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from apps.users.models import User, default_policies
from apps.users.policies import IAMPolicy


class UserErrorCode(StrEnum):
    """The seed's registration error codes, plus the ones this platform adds."""

    EMPTY_USERNAME = "EMPTY_USERNAME"
    INVALID_USERNAME = "INVALID_USERNAME"
    EMPTY_PASSWORD = "EMPTY_PASSWORD"  # noqa: S105 - an error code
    WEAK_PASSWORD = "WEAK_PASSWORD"  # noqa: S105 - an error code
    USERNAME_ALREADY_EXISTS = "USERNAME_ALREADY_EXISTS"
    EMAIL_ALREADY_EXISTS = "EMAIL_ALREADY_EXISTS"
    INVALID_EMAIL = "INVALID_EMAIL"
    USER_NOT_FOUND = "USER_NOT_FOUND"


class UserError(Exception):
    """A request about a user that cannot be carried out; ``code`` says why."""

    def __init__(self, code: UserErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _check_username(username: str) -> str:
    username = username.strip()
    if not username:
        raise UserError(UserErrorCode.EMPTY_USERNAME, "The username is empty.")
    if len(username) > User._meta.get_field("username").max_length:  # type: ignore[operator]
        raise UserError(UserErrorCode.INVALID_USERNAME, "The username is longer than 150 characters.")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise UserError(
            UserErrorCode.INVALID_USERNAME,
            f"Invalid username {username!r}: use letters, digits and @ . + - _ only.",
        ) from None
    return username


def user_create(
    *,
    username: str,
    password: str,
    email: str = "",
    admin: bool = False,
    policies: Sequence[IAMPolicy] | None = None,
) -> User:
    """Create an active user.

    An empty password is refused in multi-user mode (in single-user mode nobody logs in with
    one). In multi-user mode the password must also pass Django's password validators.
    """
    username = _check_username(username)
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise UserError(UserErrorCode.INVALID_EMAIL, f"Invalid email address {email!r}.") from None
    if settings.PLYNX_MULTI_USER:
        if not password:
            raise UserError(UserErrorCode.EMPTY_PASSWORD, "A password is required in multi-user mode.")
        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as error:
            raise UserError(UserErrorCode.WEAK_PASSWORD, " ".join(error.messages)) from None
    chosen = [str(p) for p in policies] if policies is not None else default_policies()
    if admin and IAMPolicy.IS_ADMIN.value not in chosen:
        chosen.append(IAMPolicy.IS_ADMIN.value)

    if User.objects.filter(username__iexact=username).exists():
        raise UserError(UserErrorCode.USERNAME_ALREADY_EXISTS, f"User {username!r} already exists.")
    if email and User.objects.filter(email__iexact=email).exists():
        raise UserError(UserErrorCode.EMAIL_ALREADY_EXISTS, f"Email {email!r} is already used by another user.")
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, email=email, password=password, policies=chosen)
    except IntegrityError:
        # Another request created the same username or email between the check and the insert.
        raise UserError(
            UserErrorCode.USERNAME_ALREADY_EXISTS, f"User {username!r} or email {email!r} already exists."
        ) from None


def user_set_active(*, username: str, active: bool) -> User:
    """Activate or deactivate a user; a deactivated user can neither log in nor use tokens."""
    updated = User.objects.filter(username__iexact=username).update(is_active=active)
    if not updated:
        raise UserError(UserErrorCode.USER_NOT_FOUND, f"No user {username!r}.")
    return User.objects.get(username__iexact=username)


def user_ensure_default() -> User:
    """The user ``default`` of single-user mode: created once, with an empty password.

    It is the only user of a single-user platform, so it holds every policy.
    """
    user, created = User.objects.get_or_create(
        username=settings.PLYNX_DEFAULT_USERNAME,
        defaults={"policies": list(IAMPolicy.values), "display_name": "Default user"},
    )
    if created:
        user.set_password("")
        user.save(update_fields=["password"])
    return user
