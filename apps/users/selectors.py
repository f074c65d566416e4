"""Reading users."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.users.models import User


def user_list() -> QuerySet[User]:
    return User.objects.order_by("username")


def user_get(*, username: str) -> User | None:
    """The user called ``username``, regardless of case (usernames are unique regardless of case)."""
    return User.objects.filter(username__iexact=username).first()
