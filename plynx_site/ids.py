"""Identifiers in the seed's format: 24 lowercase hex digits (a MongoDB ObjectId).

Operations, workflows, runs, resources and the nodes inside workflows all use them, so the
seed's API and its clients (which generate node ids themselves) keep working.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import time

from django.core.validators import RegexValidator
from django.db import models

# For pydantic (whose regex engine ends "$" at the very end of the text).
OBJECT_ID_PATTERN = r"^[0-9a-f]{24}$"
_OBJECT_ID_RE = re.compile(r"[0-9a-f]{24}")
_lock = threading.Lock()
_PROCESS_RANDOM: bytes
_counter: itertools.count[int]


def _reseed() -> None:
    """New per-process randomness; forked children (worker pools) must not share the parent's."""
    global _PROCESS_RANDOM, _counter
    _PROCESS_RANDOM = os.urandom(5)
    _counter = itertools.count(int.from_bytes(os.urandom(3), "big"))


_reseed()
os.register_at_fork(after_in_child=_reseed)

# Python's "$" also matches before a trailing newline; "\Z" does not.
validate_object_id = RegexValidator(r"^[0-9a-f]{24}\Z", "Enter an id of 24 lowercase hexadecimal digits.")


def new_object_id() -> str:
    """A new id: 4 bytes of seconds, 5 random bytes per process, a 3-byte counter.

    Ids sort by creation second, and two processes never collide in practice.
    """
    with _lock:
        count = next(_counter) & 0xFFFFFF
    return (int(time.time()).to_bytes(4, "big") + _PROCESS_RANDOM + count.to_bytes(3, "big")).hex()


def is_object_id(value: object) -> bool:
    return isinstance(value, str) and _OBJECT_ID_RE.fullmatch(value) is not None


def object_id_field() -> models.CharField[str, str]:
    """The primary key of operations, workflows, runs and resources: a server-made object id."""
    return models.CharField(
        primary_key=True, max_length=24, default=new_object_id, editable=False, validators=[validate_object_id]
    )
