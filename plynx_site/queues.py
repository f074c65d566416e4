"""Celery queue names, in one place.

Each executor kind has its own queue so that workers can be scaled per kind; the control
queue carries run bookkeeping (starting runs, advancing them, sweeping expired leases).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from plynx_site.plugins import PluginsConfig


class Queue(StrEnum):
    CONTROL = "plynx.control"
    BASH_JINJA2 = "plynx.bash_jinja2"
    PYTHON = "plynx.python"
    COMPOSITE = "plynx.composite"


def queue_for_kind(kind: str, plugins: PluginsConfig | None = None) -> str:
    """The queue nodes of operation ``kind`` are sent to: the configured one, else ``plynx.<kind>``."""
    plugin = (plugins or settings.PLYNX_PLUGINS).operation(kind)
    if plugin is not None and plugin.queue:
        return plugin.queue
    return f"plynx.{kind}"


def all_queues(plugins: PluginsConfig) -> list[str]:
    """Every queue a worker serving all kinds consumes: the enum's plus any configured ones."""
    names = [q.value for q in Queue]
    for plugin in plugins.operations:
        if plugin.is_static:
            continue
        name = queue_for_kind(plugin.kind, plugins)
        if name not in names:
            names.append(name)
    return names
