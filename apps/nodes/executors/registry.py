"""Which executor runs a kind: the plugin configuration names it, a dotted path imports it.

``settings.PLYNX_PLUGINS`` maps an operation (or workflow) kind to an executor name and the
name to a class path (``executors:`` in the plugin file). Instances are created once per path.
"""

from __future__ import annotations

import inspect
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from apps.nodes.executors.base import Executor


class UnknownExecutor(LookupError):
    """No usable executor for a kind: the kind, its executor name or its class path is wrong."""


@cache
def _executor_at(path: str) -> Executor:
    try:
        cls = import_string(path)
    except ImportError as error:
        raise UnknownExecutor(f"cannot import {path!r}: {error}") from None
    if not (inspect.isclass(cls) and issubclass(cls, Executor)):
        raise UnknownExecutor(f"{path!r} is not an Executor class")
    if inspect.isabstract(cls):
        raise UnknownExecutor(
            f"{path!r} is abstract: it does not implement {', '.join(sorted(cls.__abstractmethods__))}"
        )
    return cls()


def executor_for_kind(kind: str) -> Executor:
    """The executor of operation or workflow ``kind``; raises ``UnknownExecutor`` with the reason."""
    plugins = settings.PLYNX_PLUGINS
    plugin = plugins.operation(kind) or plugins.workflow(kind)
    if plugin is None:
        raise UnknownExecutor(f"unknown kind {kind!r}: no operation or workflow of this kind is configured")
    path = plugins.executors.get(plugin.executor)
    if path is None:
        raise UnknownExecutor(f"kind {kind!r}: the executor {plugin.executor!r} is not configured")
    try:
        return _executor_at(path)
    except UnknownExecutor as error:
        raise UnknownExecutor(f"kind {kind!r}: {error}") from None
