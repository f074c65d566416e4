"""Creating and changing users."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from apps.users.models import User, default_policies, validate_policies, validate_user_settings
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
    INVALID_PROFILE = "INVALID_PROFILE"
    INVALID_SETTINGS = "INVALID_SETTINGS"
    INVALID_POLICIES = "INVALID_POLICIES"
    WRONG_PASSWORD = "WRONG_PASSWORD"  # noqa: S105 - an error code
    SINGLE_USER_MODE = "SINGLE_USER_MODE"
    SELF_LOCKOUT = "SELF_LOCKOUT"
    NOT_ADMIN = "NOT_ADMIN"


class UserError(Exception):
    """A request about a user that cannot be carried out; ``code`` says why.

    ``field`` names the input the error is about, when there is one (``username``, ``password``,
    ``settings``...), so an API can attach the message to that field.
    """

    def __init__(self, code: UserErrorCode, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


# Names a user cannot take because a URL means something else by them (``/api/v1/users/me/``).
RESERVED_USERNAMES = frozenset({"me"})


def _check_username(username: str) -> str:
    username = username.strip()
    if not username:
        raise UserError(UserErrorCode.EMPTY_USERNAME, "The username is empty.", field="username")
    if username.lower() in RESERVED_USERNAMES:
        raise UserError(UserErrorCode.INVALID_USERNAME, f"The username {username!r} is reserved.", field="username")
    if len(username) > User._meta.get_field("username").max_length:  # type: ignore[operator]
        raise UserError(UserErrorCode.INVALID_USERNAME, "The username is longer than 150 characters.", field="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise UserError(
            UserErrorCode.INVALID_USERNAME,
            f"Invalid username {username!r}: use letters, digits and @ . + - _ only.",
            field="username",
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
            raise UserError(UserErrorCode.INVALID_EMAIL, f"Invalid email address {email!r}.", field="email") from None
    if settings.PLYNX_MULTI_USER:
        if not password:
            raise UserError(
                UserErrorCode.EMPTY_PASSWORD, "A password is required in multi-user mode.", field="password"
            )
        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as error:
            raise UserError(UserErrorCode.WEAK_PASSWORD, " ".join(error.messages), field="password") from None
    chosen = [str(p) for p in policies] if policies is not None else default_policies()
    if admin and IAMPolicy.IS_ADMIN.value not in chosen:
        chosen.append(IAMPolicy.IS_ADMIN.value)

    if User.objects.filter(username__iexact=username).exists():
        raise UserError(UserErrorCode.USERNAME_ALREADY_EXISTS, f"User {username!r} already exists.", field="username")
    if email and User.objects.filter(email__iexact=email).exists():
        raise UserError(
            UserErrorCode.EMAIL_ALREADY_EXISTS, f"Email {email!r} is already used by another user.", field="email"
        )
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, email=email, password=password, policies=chosen)
    except IntegrityError:
        # Another request created the same username or email between the check and the insert.
        raise UserError(
            UserErrorCode.USERNAME_ALREADY_EXISTS,
            f"User {username!r} or email {email!r} already exists.",
            field="username",
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


def _clean_field(name: str, value: Any, code: UserErrorCode) -> Any:
    """``value`` checked by the model field ``name``'s own rules (length, URL scheme...)."""
    try:
        return User._meta.get_field(name).clean(value, None)  # type: ignore[union-attr]
    except ValidationError as error:
        raise UserError(code, " ".join(error.messages), field=name) from None


def user_update_profile(
    *,
    user: User,
    display_name: str | None = None,
    picture: str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> User:
    """Change what a user may change about themselves; ``None`` leaves a part as it is.

    ``settings`` is merged into the stored settings key by key, under a row lock, so two clients
    saving different preferences at once both keep theirs.
    """
    changes: dict[str, Any] = {}
    if display_name is not None:
        changes["display_name"] = _clean_field("display_name", display_name, UserErrorCode.INVALID_PROFILE)
    if picture is not None:
        changes["picture"] = _clean_field("picture", picture, UserErrorCode.INVALID_PROFILE)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if settings is not None:
            merged = {**locked.settings, **settings}
            try:
                validate_user_settings(merged)
            except ValidationError as error:
                raise UserError(UserErrorCode.INVALID_SETTINGS, " ".join(error.messages), field="settings") from None
            changes["settings"] = merged
        if changes:
            for name, value in changes.items():
                setattr(locked, name, value)
            locked.save(update_fields=[*changes, "updated_at"])
    return locked


def user_change_password(*, user: User, old_password: str, new_password: str) -> None:
    """Replace a user's password after checking the old one.

    Single-user mode has no passwords to change: every request acts as ``default`` anyway.
    The new password must pass Django's password validators.
    """
    if not settings.PLYNX_MULTI_USER:
        raise UserError(
            UserErrorCode.SINGLE_USER_MODE,
            "Passwords are not used in single-user mode; configure a secret key to run in multi-user mode.",
        )
    if not user.check_password(old_password):
        raise UserError(UserErrorCode.WRONG_PASSWORD, "The old password is not correct.", field="old_password")
    if not new_password:
        raise UserError(UserErrorCode.EMPTY_PASSWORD, "The new password is empty.", field="new_password")
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise UserError(UserErrorCode.WEAK_PASSWORD, " ".join(error.messages), field="new_password") from None
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])


def user_update(
    *,
    actor: User,
    user: User,
    policies: Sequence[str] | None = None,
    is_active: bool | None = None,
    display_name: str | None = None,
) -> User:
    """An administrator's change to a user's policies, activity or display name.

    ``None`` leaves a part as it is. An administrator cannot deactivate themselves or drop their
    own ``IS_ADMIN``: since only an administrator changes another, at least one always remains.
    Both rows are locked in id order, so two administrators demoting each other at once are
    serialised instead of both succeeding (or deadlocking).
    """
    changes: dict[str, Any] = {}
    if policies is not None:
        try:
            validate_policies(list(policies))
        except ValidationError as error:
            raise UserError(UserErrorCode.INVALID_POLICIES, " ".join(error.messages), field="policies") from None
        changes["policies"] = list(policies)
    if is_active is not None:
        changes["is_active"] = is_active
    if display_name is not None:
        changes["display_name"] = _clean_field("display_name", display_name, UserErrorCode.INVALID_PROFILE)
    with transaction.atomic():
        locked = {u.pk: u for u in User.objects.select_for_update().filter(pk__in={actor.pk, user.pk}).order_by("pk")}
        current_actor, target = locked.get(actor.pk), locked.get(user.pk)
        if current_actor is None or not current_actor.is_active or not current_actor.is_admin:
            raise UserError(UserErrorCode.NOT_ADMIN, "Only an administrator can change other users.")
        if target is None:
            raise UserError(UserErrorCode.USER_NOT_FOUND, f"No user {user.username!r}.")
        if target.pk == current_actor.pk:
            if changes.get("is_active") is False:
                raise UserError(
                    UserErrorCode.SELF_LOCKOUT, "An administrator cannot deactivate themselves.", field="is_active"
                )
            if "policies" in changes and IAMPolicy.IS_ADMIN.value not in changes["policies"]:
                raise UserError(
                    UserErrorCode.SELF_LOCKOUT, "An administrator cannot remove their own IS_ADMIN.", field="policies"
                )
        if changes:
            for name, value in changes.items():
                setattr(target, name, value)
            target.save(update_fields=[*changes, "updated_at"])
    return target
