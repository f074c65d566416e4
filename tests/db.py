"""Helpers for asserting database constraints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, models, transaction


def assert_violates(constraint: str, write: Callable[[], Any], model: type[models.Model]) -> None:
    """``write`` fails with an IntegrityError naming ``constraint`` and leaves ``model``'s rows as they were."""
    before = model._default_manager.count()
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        write()
    assert constraint in str(raised.value)
    assert model._default_manager.count() == before
