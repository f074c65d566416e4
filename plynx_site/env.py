"""Typed readers for environment variables that fail loudly on bad values.

Every reader takes the mapping to read from, so settings can be computed from any
environment in tests, and raises ``ImproperlyConfigured`` naming the variable and the
offending value.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def env_str(environ: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    """A string; an empty value counts as unset."""
    value = _raw(environ, name)
    return default if value is None else value


def env_bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    """A boolean written as 1/0, true/false, yes/no or on/off (any case)."""
    value = _raw(environ, name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected a boolean (true/false, 1/0, yes/no, on/off), got {value!r}")


def env_int(
    environ: Mapping[str, str],
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """An integer, optionally bounded (inclusive)."""
    value = _raw(environ, name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}: must be at most {maximum}, got {number}")
    return number


def env_list(environ: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blanks around items are ignored, empty items are an error."""
    value = _raw(environ, name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}: empty item in comma-separated list {value!r}")
    return items


def env_choice(environ: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of a fixed set of values (case-insensitive, returned as listed in ``choices``)."""
    value = _raw(environ, name)
    if value is None:
        return default
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    raise ImproperlyConfigured(f"{name}: expected one of {', '.join(choices)}, got {value!r}")


def env_url(
    environ: Mapping[str, str],
    name: str,
    default: str | None,
    *,
    schemes: tuple[str, ...],
) -> str | None:
    """A URL whose scheme is one of ``schemes`` and which names a host (or a path for file-like schemes)."""
    value = _raw(environ, name)
    if value is None:
        return default
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name}: expected a URL starting with {' or '.join(s + '://' for s in schemes)}, got {value!r}"
        )
    if not (parts.netloc or parts.path):
        raise ImproperlyConfigured(f"{name}: URL {value!r} names neither a host nor a path")
    return value
