"""What a new operation or workflow starts with, per kind (the seed's default nodes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.nodes.models import Node
from apps.nodes.parameters import CACHEABLE, CMD, DEFAULT_TIMEOUT_SECONDS, TIMEOUT, ParameterType
from plynx_site.ids import new_object_id

LOG_NAMES = ("stderr", "stdout", "worker")
_SCRIPT_MODES = {"python": "python", "bash_jinja2": "sh"}
_SCRIPTS = {
    "python": "# inputs, outputs and params are dictionaries:\n# with open(outputs['out'], 'w') as f: ...\n",
    "bash_jinja2": "# inputs, outputs and params are templated:\n# cat {{ inputs.in | quote }} > {{ outputs.out }}\n",
}


class UnknownKind(LookupError):
    """No operation or workflow kind of that name is configured."""


def _parameter(name: str, parameter_type: ParameterType, value: Any, *, removable: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "parameter_type": parameter_type.value,
        "value": value,
        "mutable_type": False,
        "removable": removable,
        "publicable": False,
        "widget": None,
    }


def _operation_plugin(kind: str) -> Any:
    plugin = next((o for o in settings.PLYNX_PLUGINS.operations if o.kind == kind), None)
    if plugin is None:
        raise UnknownKind(f"no operation kind {kind!r} is configured")
    return plugin


def default_documents(kind: str) -> dict[str, Any]:
    """The inputs, outputs, parameters and logs a new operation of ``kind`` starts with."""
    if _operation_plugin(kind).is_static:
        return {
            "inputs": [],
            "outputs": [{"name": "out", "file_type": "file", "resource_id": None}],
            "parameters": [],
            "logs": [],
        }
    parameters = []
    if kind in _SCRIPT_MODES:
        parameters.append(_parameter(CMD, ParameterType.CODE, {"value": _SCRIPTS[kind], "mode": _SCRIPT_MODES[kind]}))
    parameters += [
        _parameter(CACHEABLE, ParameterType.BOOL, True),
        _parameter(TIMEOUT, ParameterType.INT, DEFAULT_TIMEOUT_SECONDS),
    ]
    return {
        "inputs": [],
        "outputs": [],
        "parameters": parameters,
        "logs": [{"name": name, "file_type": "file", "resource_id": None} for name in LOG_NAMES],
    }


def new_operation(*, kind: str, author: Any) -> Node:
    """An unsaved operation of ``kind`` with its default documents."""
    title = _operation_plugin(kind).title
    return Node(id=new_object_id(), kind=kind, title=title, description="", author=author, **default_documents(kind))


def new_workflow(*, author: Any, kind: str | None = None) -> Node:
    """An unsaved, empty workflow (of the first configured workflow kind unless ``kind`` is given)."""
    kinds = [w.kind for w in settings.PLYNX_PLUGINS.workflows]
    chosen = kind or kinds[0]
    if chosen not in kinds:
        raise UnknownKind(f"no workflow kind {chosen!r} is configured")
    return Node(id=new_object_id(), kind=chosen, title="Title", description="Description", author=author, nodes=[])
