"""The cache key of a node (see the architecture notes, Cache), as a pure function."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from apps.nodes.parameters import CACHEABLE, TIMEOUT

# Parameters that cannot change what a node produces.
IGNORED_PARAMETERS = frozenset({TIMEOUT, CACHEABLE})


@dataclass(frozen=True)
class CacheKey:
    key: str
    # One digest per part, so a miss can be explained by comparing parts.
    parts: dict[str, str]


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def cache_key(
    *,
    kind: str,
    executor_version: str,
    parameters: Mapping[str, Any],
    outputs: Sequence[tuple[str, str]],
    inputs: Sequence[tuple[str, Sequence[str]]],
) -> CacheKey:
    """The key over the operation's kind and code, its parameters (the script ``cmd`` among them)
    except those that cannot change the result, its declared outputs, and the content of its
    inputs in declared order (``inputs``: name → content digests or canonical raw values).
    """
    parts = {
        "code": _digest({"kind": kind, "executor_version": executor_version}),
        "parameters": _digest({k: v for k, v in sorted(parameters.items()) if k not in IGNORED_PARAMETERS}),
        "outputs": _digest([list(output) for output in outputs]),
        "inputs": _digest([[name, list(digests)] for name, digests in inputs]),
    }
    return CacheKey(key=_digest(parts), parts=parts)


def explain_miss(previous: Mapping[str, str], current: Mapping[str, str]) -> list[str]:
    """Which parts of the key differ between two computations (empty when they are equal)."""
    return sorted(name for name in set(previous) | set(current) if previous.get(name) != current.get(name))
