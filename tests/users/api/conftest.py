"""Personas and clients for the users API tests."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from apps.users.models import User
from apps.users.policies import DEFAULT_POLICIES, IAMPolicy
from tests.factories import UserFactory

# The factory's password for every user.
PASSWORD = "correct horse battery staple"


def make_user(**fields: Any) -> User:
    """A user who can log in with ``PASSWORD`` (the factory sets the password but does not save it)."""
    user: User = UserFactory(**fields)
    user.save(update_fields=["password"])
    return user


def bearer(user: User) -> APIClient:
    """A client that sends ``user``'s access token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


@pytest.fixture
def admin() -> User:
    return make_user(username="root", display_name="Root", policies=list(IAMPolicy.values))


@pytest.fixture
def member() -> User:
    return make_user(username="ada", display_name="Ada Lovelace", policies=list(DEFAULT_POLICIES))


@pytest.fixture
def other() -> User:
    return make_user(username="bob", display_name="Bob", policies=list(DEFAULT_POLICIES))
