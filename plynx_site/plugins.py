"""The plugin configuration: resources, executors, operations, hubs and workflows.

The seed's ``config.yaml`` plugin section, as a YAML file named by ``PLYNX_CONFIG_PATH``.
Built-in defaults come from ``default_plugins.yaml`` beside this module; a user file adds
entries, and an entry whose ``kind`` (or executor name) already exists replaces the default.
Dotted paths are only checked for their form here; the registries import them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from apps.users.policies import DEFAULT_POLICIES, IAMPolicy

DEFAULTS_PATH = Path(__file__).with_name("default_plugins.yaml")
_KIND = r"^[a-z][a-z0-9_\-]{0,63}$"
_DOTTED_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_COLOR = r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"


def _check_dotted_path(value: str) -> str:
    if not _DOTTED_PATH.match(value):
        raise ValueError(f"{value!r} is not a dotted Python path such as 'package.module.Class'")
    return value


class _Plugin(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResourcePlugin(_Plugin):
    """A file type that inputs and outputs can carry."""

    kind: str = Field(pattern=_KIND)
    title: str
    cls: str
    icon: str = ""
    color: str = Field(default="#ffffff", pattern=_COLOR)
    extensions: tuple[str, ...] = ()
    # Raw resources (int, str, ...) carry a value instead of a stored file.
    raw: bool = False

    _check_cls = field_validator("cls")(_check_dotted_path)


class OperationPlugin(_Plugin):
    """A kind of operation, run by an executor on a queue."""

    kind: str = Field(pattern=_KIND)
    title: str
    executor: str
    icon: str = ""
    color: str = Field(default="#ffffff", pattern=_COLOR)
    resources: tuple[str, ...] = ()
    # Static operations (files) are never executed: their outputs exist beforehand.
    is_static: bool = False
    # The Celery queue its nodes are sent to; by default the kind's own queue.
    queue: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.\-]{1,128}$")


class HubPlugin(_Plugin):
    """A catalog of operations shown in the editor."""

    kind: str = Field(pattern=_KIND)
    title: str
    cls: str
    icon: str = ""
    args: dict[str, Any] = Field(default_factory=dict)

    _check_cls = field_validator("cls")(_check_dotted_path)


class WorkflowPlugin(_Plugin):
    """A kind of workflow: which executor runs it, which hubs and operations it offers."""

    kind: str = Field(pattern=_KIND)
    title: str
    executor: str
    hubs: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()


class PluginsConfig(_Plugin):
    """The whole plugin section, cross-checked: every reference names a declared entry."""

    default_policies: tuple[IAMPolicy, ...] = tuple(IAMPolicy(p) for p in DEFAULT_POLICIES)
    resources: tuple[ResourcePlugin, ...]
    executors: dict[str, str]
    operations: tuple[OperationPlugin, ...]
    hubs: tuple[HubPlugin, ...]
    workflows: tuple[WorkflowPlugin, ...]

    @field_validator("executors")
    @classmethod
    def _executor_paths(cls, value: dict[str, str]) -> dict[str, str]:
        for name, path in value.items():
            if not re.match(_KIND, name):
                raise ValueError(f"executor name {name!r} must match {_KIND}")
            _check_dotted_path(path)
        return value

    @model_validator(mode="after")
    def _references(self) -> PluginsConfig:
        resource_kinds = {r.kind for r in self.resources}
        hub_kinds = {h.kind for h in self.hubs}
        operation_kinds = {o.kind for o in self.operations}
        for section in ("resources", "operations", "hubs", "workflows"):
            kinds = [item.kind for item in getattr(self, section)]
            duplicates = sorted({k for k in kinds if kinds.count(k) > 1})
            if duplicates:
                raise ValueError(f"{section}: duplicate kind {', '.join(duplicates)}")
        clash = operation_kinds & {w.kind for w in self.workflows}
        if clash:
            raise ValueError(f"kind {', '.join(sorted(clash))} is both an operation and a workflow")
        for operation in self.operations:
            if operation.executor not in self.executors:
                raise ValueError(f"operations.{operation.kind}: unknown executor {operation.executor!r}")
            unknown = set(operation.resources) - resource_kinds
            if unknown:
                raise ValueError(f"operations.{operation.kind}: unknown resources {', '.join(sorted(unknown))}")
        for workflow in self.workflows:
            if workflow.executor not in self.executors:
                raise ValueError(f"workflows.{workflow.kind}: unknown executor {workflow.executor!r}")
            if set(workflow.hubs) - hub_kinds:
                raise ValueError(
                    f"workflows.{workflow.kind}: unknown hubs {', '.join(sorted(set(workflow.hubs) - hub_kinds))}"
                )
            if set(workflow.operations) - operation_kinds:
                missing = ", ".join(sorted(set(workflow.operations) - operation_kinds))
                raise ValueError(f"workflows.{workflow.kind}: unknown operations {missing}")
        if not self.workflows:
            raise ValueError("workflows: at least one workflow kind is required")
        return self

    def resource(self, kind: str) -> ResourcePlugin | None:
        return next((r for r in self.resources if r.kind == kind), None)

    def operation(self, kind: str) -> OperationPlugin | None:
        return next((o for o in self.operations if o.kind == kind), None)

    def workflow(self, kind: str) -> WorkflowPlugin | None:
        return next((w for w in self.workflows if w.kind == kind), None)

    @property
    def workflow_kinds(self) -> tuple[str, ...]:
        return tuple(w.kind for w in self.workflows)

    @property
    def operation_kinds(self) -> tuple[str, ...]:
        return tuple(o.kind for o in self.operations)

    @property
    def resource_kinds(self) -> tuple[str, ...]:
        return tuple(r.kind for r in self.resources)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ImproperlyConfigured(f"PLYNX_CONFIG_PATH: cannot read {path}: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ImproperlyConfigured(f"PLYNX_CONFIG_PATH: {path} must hold a mapping at the top level")
    return data


def _merge_by_kind(defaults: list[dict[str, Any]], extra: Any, section: str) -> list[dict[str, Any]]:
    if not isinstance(extra, list):
        raise ImproperlyConfigured(f"PLYNX_CONFIG_PATH: {section} must be a list")
    merged = {item["kind"]: item for item in defaults}
    for item in extra:
        if not isinstance(item, dict) or "kind" not in item:
            raise ImproperlyConfigured(f"PLYNX_CONFIG_PATH: every entry of {section} needs a kind")
        merged[item["kind"]] = item
    return list(merged.values())


def load_plugins(path: Path | None) -> PluginsConfig:
    """The built-in plugin configuration, extended by the file at ``path`` when given."""
    data = _read_yaml(DEFAULTS_PATH)
    if path is not None:
        user = _read_yaml(path)
        unknown = set(user) - {"default_policies", "resources", "executors", "operations", "hubs", "workflows"}
        if unknown:
            raise ImproperlyConfigured(f"PLYNX_CONFIG_PATH: unknown sections {', '.join(sorted(unknown))}")
        for section in ("resources", "operations", "hubs", "workflows"):
            if section in user:
                data[section] = _merge_by_kind(data[section], user[section], section)
        if "executors" in user:
            if not isinstance(user["executors"], dict):
                raise ImproperlyConfigured("PLYNX_CONFIG_PATH: executors must be a mapping of name to class")
            data["executors"] = {**data["executors"], **user["executors"]}
        if "default_policies" in user:
            data["default_policies"] = user["default_policies"]
    try:
        return PluginsConfig.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}" for e in error.errors())
        raise ImproperlyConfigured(f"plugin configuration: {problems}") from None
