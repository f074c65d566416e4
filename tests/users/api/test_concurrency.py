"""Two requests about the same users at the same moment, on real PostgreSQL connections."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from apps.users.models import User
from apps.users.services import UserError, user_update, user_update_profile
from tests.users.api.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` in threads released together; each result is a return value or a UserError's code."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except UserError as error:
            results[index] = str(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_admins_demoting_each_other_at_once_leave_one_admin() -> None:
    first = make_user(username="first", policies=["IS_ADMIN"])
    second = make_user(username="second", policies=["IS_ADMIN"])
    results = at_once(
        lambda: user_update(actor=first, user=second, policies=[]).username,
        lambda: user_update(actor=second, user=first, policies=[]).username,
    )
    assert sorted(results) in (["NOT_ADMIN", "first"], ["NOT_ADMIN", "second"])
    assert User.objects.filter(policies__contains=["IS_ADMIN"]).count() == 1


def test_settings_saved_at_once_by_two_clients_are_both_kept() -> None:
    user = make_user(username="ada")
    at_once(
        lambda: user_update_profile(user=user, settings={"theme": "dark"}),
        lambda: user_update_profile(user=user, settings={"page_size": 50}),
    )
    user.refresh_from_db()
    assert user.settings == {"theme": "dark", "page_size": 50}
