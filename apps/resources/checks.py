"""System check: every configured resource class imports and is a ResourceKind of the right sort."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from apps.resources.kinds import load_resource_kind_class


@register()
def check_resource_kinds(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for plugin in settings.PLYNX_PLUGINS.resources:
        try:
            cls = load_resource_kind_class(plugin.cls)
        except ImproperlyConfigured as error:
            errors.append(
                Error(
                    f"resources.{plugin.kind}: {error}",
                    hint="Point cls at a subclass of apps.resources.kinds.ResourceKind.",
                    id="resources.E001",
                )
            )
            continue
        if cls.raw != plugin.raw:
            errors.append(
                Error(
                    f"resources.{plugin.kind}: raw is {str(plugin.raw).lower()} in the plugin configuration "
                    f"but {plugin.cls}.raw is {cls.raw}",
                    hint="Make raw in the plugin configuration match the class.",
                    id="resources.E002",
                )
            )
    return errors
