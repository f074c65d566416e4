"""Hubs: the catalogs of operations the editor offers (``hubs:`` of the plugin configuration).

Each entry names a hub class by dotted path and gives it ``args``; one instance per entry is
made when first asked for (and checked at start-up by the system check below):

- ``DatabaseHub`` serves the approved operations stored in the database, one group per
  operation kind. ``args: {operations: [kind, ...]}`` limits the kinds (default: all).
- ``StaticListHub`` serves operations defined in Python with ``plynx.node`` (the seed's
  ``make_operations_meta``), grouped as their code groups them. ``args: {module: plynx.demo}``
  names a module with a ``COLLECTION`` (or a dotted path to a list of groups, or one Group).
  Its operations live in memory: they are read-only, and a workflow node made from one keeps
  the whole operation (code included), as every node does, so it runs like any other.

A hub lists its groups (``groups``) and finds operations (``search``); a group's ``key`` is
what ``search`` takes as ``group``.
"""

from __future__ import annotations

import importlib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.nodes.choices import NodeStatus
from apps.nodes.documents import INPUTS, LOGS, OUTPUTS, PARAMETERS, dump_list, parse_list
from apps.nodes.executors.python import PythonExecutor
from apps.nodes.models import Node
from apps.nodes.parameters import CMD
from apps.nodes.selectors import hub_operations, search_apply, search_parse
from apps.users.models import User
from apps.users.permissions import can_view
from plynx_site.plugins import HubPlugin, PluginsConfig

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class HubGroup:
    """A group of a hub's operations: ``key`` selects it in a search, ``kind`` is its operations' kind."""

    key: str
    kind: str
    title: str
    icon: str
    color: str
    count: int


@dataclass(frozen=True)
class HubQuery:
    """What a search asks a hub for; ``text`` is the seed's search string, parsed by the caller."""

    text: str = ""
    kind: str = ""
    group: str = ""
    input_file_type: str = ""
    output_file_type: str = ""


class BaseHub(ABC):
    """A catalog of operations, made from its plugin entry."""

    def __init__(self, plugin: HubPlugin, plugins: PluginsConfig) -> None:
        self.plugin = plugin
        self.plugins = plugins

    @property
    def kind(self) -> str:
        return self.plugin.kind

    @abstractmethod
    def groups(self, *, user: Any, counts: Callable[[], Mapping[str, int]]) -> tuple[HubGroup, ...]:
        """The hub's groups with how many operations ``user`` finds in each.

        ``counts()`` gives the number of approved stored operations by kind, read once for all hubs.
        """

    @abstractmethod
    def search(self, *, user: Any, query: HubQuery) -> QuerySet[Node] | list[Node]:
        """The operations ``user`` finds with ``query``, in the hub's order.

        Raises ``ValidationError`` naming the field for a group the hub does not have.
        """

    def _group_color(self, kind: str) -> tuple[str, str]:
        plugin = self.plugins.operation(kind)
        return (plugin.icon, plugin.color) if plugin is not None else ("", "#ffffff")


class DatabaseHub(BaseHub):
    """Approved (or merely deprecated) operations stored in the database, grouped by kind."""

    def __init__(self, plugin: HubPlugin, plugins: PluginsConfig) -> None:
        super().__init__(plugin, plugins)
        configured = plugin.args.get("operations")
        if configured is None:
            self.operation_kinds = plugins.operation_kinds
        elif isinstance(configured, list | tuple) and all(isinstance(kind, str) for kind in configured):
            unknown = sorted(set(configured) - set(plugins.operation_kinds))
            if unknown:
                raise ImproperlyConfigured(f"hubs.{plugin.kind}: unknown operation kinds {', '.join(unknown)}")
            self.operation_kinds = tuple(configured)
        else:
            raise ImproperlyConfigured(f"hubs.{plugin.kind}: args.operations must be a list of operation kinds")
        unknown_args = sorted(set(plugin.args) - {"operations"})
        if unknown_args:
            raise ImproperlyConfigured(f"hubs.{plugin.kind}: unknown args {', '.join(unknown_args)}; use operations")

    def groups(self, *, user: Any, counts: Callable[[], Mapping[str, int]]) -> tuple[HubGroup, ...]:
        found = counts()
        groups = []
        for kind in self.operation_kinds:
            plugin = self.plugins.operation(kind)
            assert plugin is not None  # checked when the hub was made
            groups.append(HubGroup(kind, kind, plugin.title, plugin.icon, plugin.color, found.get(kind, 0)))
        return tuple(groups)

    def search(self, *, user: Any, query: HubQuery) -> QuerySet[Node]:
        if query.group and query.group not in self.operation_kinds:
            raise ValidationError({"group": f"hub {self.kind!r} has no group {query.group!r}"}, code="invalid")
        return stored_operations_search(
            user=user, query=query, kinds=(query.group,) if query.group else self.operation_kinds
        )


def stored_operations_search(*, user: Any, query: HubQuery, kinds: Sequence[str]) -> QuerySet[Node]:
    """Approved stored operations of ``kinds`` that ``user`` finds with ``query`` (its group aside)."""
    queryset = hub_operations(user=user).filter(kind__in=kinds)
    if query.kind:
        queryset = queryset.filter(kind=query.kind)
    if query.input_file_type:
        queryset = queryset.filter(inputs__contains=[{"file_types": [query.input_file_type]}])
    if query.output_file_type:
        queryset = queryset.filter(outputs__contains=[{"file_type": query.output_file_type}])
    if query.text.strip():
        queryset = search_apply(queryset, search_parse(query.text))
    return queryset.select_related("author").order_by("-starred", "title", "pk")


def _slug(title: str) -> str:
    return _SLUG.sub("_", title.lower()).strip("_") or "group"


@dataclass(frozen=True)
class _Entry:
    group: str
    operation: Node
    location: str


def _locate(target: str, where: str) -> Any:
    """The collection at ``target``: a module's ``COLLECTION``, or the object a dotted path names."""
    try:
        module = importlib.import_module(target)
    except ImportError as module_error:
        try:
            return import_string(target)
        except ImportError:
            raise ImproperlyConfigured(f"{where}: cannot import {target!r}: {module_error}") from None
    if not hasattr(module, "COLLECTION"):
        raise ImproperlyConfigured(f"{where}: the module {target!r} has no COLLECTION")
    return module.COLLECTION


class CodeCollection:
    """The operations a collection of Python code defines (``plynx.node``), checked and grouped.

    ``target`` is a module with a ``COLLECTION`` or a dotted path to a list of groups (or one
    Group). Each operation becomes an unsaved ``Node`` by ``author``; a group's key is the path
    of its titles as slugs (``tables/counting``), loose operations are in the group ``operations``.
    Every mistake raises ``ImproperlyConfigured`` starting with ``where``.
    """

    def __init__(self, target: str, *, where: str, title: str, author: User, plugins: PluginsConfig) -> None:
        from plynx.node import OperationDeclarationError, make_operations_meta

        self.where = where
        self.title = title
        self.author = author
        self.plugins = plugins
        try:
            tree = make_operations_meta(_locate(target, where))
        except OperationDeclarationError as error:
            raise ImproperlyConfigured(f"{where}: {error}") from None
        self.entries: list[_Entry] = []
        self.group_list: list[tuple[str, str, str]] = []  # key, title, kind
        self._walk(tree, (), ())

    def _walk(self, items: Sequence[Mapping[str, Any]], keys: tuple[str, ...], titles: tuple[str, ...]) -> None:
        loose = [item for item in items if item["_type"] != "Group"]
        if loose:
            key = "/".join(keys) or "operations"
            self.group_list.append((key, " / ".join(titles) or self.title, loose[0]["kind"]))
            self.entries.extend(_Entry(key, self._operation(item), item["code_function_location"]) for item in loose)
        taken: set[str] = set()
        for item in items:
            if item["_type"] == "Group":
                slug = _slug(item["title"])
                if slug in taken:
                    raise ImproperlyConfigured(f"{self.where}: two groups are titled {item['title']!r}")
                taken.add(slug)
                self._walk(item["items"], (*keys, slug), (*titles, item["title"]))

    def _operation(self, item: Mapping[str, Any]) -> Node:
        where = f"{self.where}: operation {item['code_function_location']}"
        plugin = self.plugins.operation(item["kind"])
        if plugin is None or plugin.is_static:
            raise ImproperlyConfigured(f"{where}: {item['kind']!r} is not an executable operation kind")
        executor = self.plugins.executors.get(plugin.executor, "")
        try:
            runs_python = issubclass(import_string(executor), PythonExecutor)
        except ImportError:
            runs_python = False
        if not runs_python:
            raise ImproperlyConfigured(
                f"{where}: {item['kind']} operations do not run Python code (their executor is {executor!r}); "
                "use a kind run by the python executor"
            )
        for port in [*item["inputs"], *item["outputs"]]:
            for file_type in port.get("file_types", [port.get("file_type")]):
                if file_type not in plugin.resources:
                    raise ImproperlyConfigured(
                        f"{where}: {port['name']!r} has the file type {file_type!r}, which {item['kind']} "
                        f"operations do not take; use one of {', '.join(plugin.resources)}"
                    )
        try:
            documents = {
                name: dump_list(parse_list(adapter, item[name], name))
                for name, adapter in (
                    ("inputs", INPUTS),
                    ("outputs", OUTPUTS),
                    ("parameters", PARAMETERS),
                    ("logs", LOGS),
                )
            }
        except ValidationError as error:
            raise ImproperlyConfigured(f"{where}: {'; '.join(error.messages)}") from None
        return Node(
            id=item["_id"],
            kind=item["kind"],
            title=item["title"],
            description=item["description"],
            node_status=NodeStatus.READY,
            author=self.author,
            **documents,
        )


class StaticListHub(BaseHub):
    """Operations defined in Python (``plynx.node``), served from memory, grouped as their code groups them."""

    def __init__(self, plugin: HubPlugin, plugins: PluginsConfig) -> None:
        super().__init__(plugin, plugins)
        target = plugin.args.get("module", plugin.args.get("list_module"))
        unknown_args = sorted(set(plugin.args) - {"module", "list_module"})
        if unknown_args:
            raise ImproperlyConfigured(f"hubs.{plugin.kind}: unknown args {', '.join(unknown_args)}; use module")
        if not isinstance(target, str) or not target:
            raise ImproperlyConfigured(f"hubs.{plugin.kind}: args.module must name a module such as plynx.demo")
        # The author shown for the hub's operations is the hub; never saved.
        self.author = User(username=plugin.kind)
        collection = CodeCollection(
            target, where=f"hubs.{plugin.kind}", title=plugin.title, author=self.author, plugins=plugins
        )
        self.entries = collection.entries
        self.group_list = collection.group_list

    def _visible(self, user: Any) -> bool:
        return can_view(user, author_id=None, workflow=False)

    def groups(self, *, user: Any, counts: Callable[[], Mapping[str, int]]) -> tuple[HubGroup, ...]:
        visible = self._visible(user)
        sizes: dict[str, int] = {}
        for entry in self.entries:
            sizes[entry.group] = sizes.get(entry.group, 0) + 1
        return tuple(
            HubGroup(key, kind, title, *self._group_color(kind), sizes[key] if visible else 0)
            for key, title, kind in self.group_list
        )

    def search(self, *, user: Any, query: HubQuery) -> list[Node]:
        if query.group and not any(
            key == query.group or key.startswith(f"{query.group}/") for key, *_ in self.group_list
        ):
            raise ValidationError({"group": f"hub {self.kind!r} has no group {query.group!r}"}, code="invalid")
        parsed = search_parse(query.text)
        if not self._visible(user):
            return []
        found = []
        for entry in self.entries:
            if query.group and entry.group != query.group and not entry.group.startswith(f"{query.group}/"):
                continue
            if self._matches(entry.operation, query, parsed.filters, parsed.words):
                found.append(entry.operation)
        return found

    def _matches(
        self, node: Node, query: HubQuery, filters: Mapping[str, tuple[str, ...]], words: Sequence[str]
    ) -> bool:
        if query.kind and node.kind != query.kind:
            return False
        if query.input_file_type and not any(query.input_file_type in port["file_types"] for port in node.inputs):
            return False
        if query.output_file_type and not any(query.output_file_type == port["file_type"] for port in node.outputs):
            return False
        checks = {
            "author": lambda values: self.author.username.lower() in {value.lower() for value in values},
            "kind": lambda values: node.kind in values,
            "status": lambda values: node.node_status in {value.upper() for value in values},
            "starred": lambda values: values[-1].lower() in ("false", "0", "no"),
            "id": lambda values: node.pk in values,
        }
        if not all(checks[key](values) for key, values in filters.items()):
            return False
        text = f"{node.title}\n{node.description}".lower()
        return all(word.lower() in text for word in words)

    def operation(self, operation_id: str) -> Node | None:
        """The hub's operation ``operation_id``, if it has one."""
        return next((entry.operation for entry in self.entries if entry.operation.pk == operation_id), None)


# --- storing code-defined operations -----------------------------------------------------------


@dataclass(frozen=True)
class StoredOperations:
    """What storing a collection did, by operation id."""

    created: tuple[str, ...]
    unchanged: tuple[str, ...]
    # Stored before, deprecated since, and current again: approved once more.
    restored: tuple[str, ...]
    # Older versions of the same functions, now deprecated with the current one as successor.
    deprecated: tuple[str, ...]


def code_operations_store(*, target: str, author: User) -> StoredOperations:
    """Store the operations ``target`` defines as approved operations by ``author``.

    An operation's id comes from its code and declarations, so storing the same code twice does
    nothing, and a changed function is a new operation: the older version ``author`` stored is
    deprecated with the new one as its successor (workflows offer to upgrade their nodes).
    """
    from plynx.node import code_location

    collection = CodeCollection(target, where=target, title=target, author=author, plugins=settings.PLYNX_PLUGINS)
    current = {entry.location: entry.operation for entry in collection.entries}
    ids = [operation.pk for operation in current.values()]
    with transaction.atomic():
        statuses = dict(Node.objects.select_for_update().filter(pk__in=ids).values_list("pk", "node_status"))
        new = [operation for operation in current.values() if operation.pk not in statuses]
        Node.objects.bulk_create(new, ignore_conflicts=True)  # a concurrent store may add them first
        retired = [pk for pk, node_status in statuses.items() if node_status != NodeStatus.READY]
        Node.objects.filter(pk__in=retired).update(
            node_status=NodeStatus.READY, successor_node=None, updated_at=timezone.now()
        )
        deprecated = []
        older = (
            Node.objects.select_for_update()
            .filter(author=author, node_status=NodeStatus.READY, kind__in={o.kind for o in current.values()})
            .exclude(pk__in=ids)
            .only("pk", "parameters")
        )
        for node in older:
            cmd = next((p.get("value") for p in node.parameters if p.get("name") == CMD), None)
            location = (
                code_location(cmd["value"]) if isinstance(cmd, dict) and isinstance(cmd.get("value"), str) else None
            )
            if location in current:
                Node.objects.filter(pk=node.pk, node_status=NodeStatus.READY).update(
                    node_status=NodeStatus.DEPRECATED, successor_node=current[location].pk, updated_at=timezone.now()
                )
                deprecated.append(node.pk)
    return StoredOperations(
        created=tuple(operation.pk for operation in new),
        unchanged=tuple(pk for pk in statuses if pk not in retired),
        restored=tuple(retired),
        deprecated=tuple(deprecated),
    )


# --- the configured hubs ---------------------------------------------------------------------

_made: dict[int, tuple[PluginsConfig, dict[str, BaseHub]]] = {}


def _make(plugin: HubPlugin, plugins: PluginsConfig) -> BaseHub:
    try:
        cls = import_string(plugin.cls)
    except ImportError as error:
        raise ImproperlyConfigured(f"hubs.{plugin.kind}: cannot import {plugin.cls!r}: {error}") from None
    if not (isinstance(cls, type) and issubclass(cls, BaseHub)):
        raise ImproperlyConfigured(f"hubs.{plugin.kind}: {plugin.cls!r} is not a subclass of apps.nodes.hubs.BaseHub")
    return cls(plugin, plugins)


def configured_hubs() -> dict[str, BaseHub]:
    """The hubs of the plugin configuration by kind, in its order (made once per configuration)."""
    plugins = settings.PLYNX_PLUGINS
    made = _made.get(id(plugins))
    if made is None or made[0] is not plugins:
        made = (plugins, {plugin.kind: _make(plugin, plugins) for plugin in plugins.hubs})
        _made[id(plugins)] = made
    return made[1]


def iter_hubs() -> Iterator[BaseHub]:
    yield from configured_hubs().values()


@register()
def check_hubs(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every configured hub imports and loads its operations (a broken module stops the start)."""
    errors: list[CheckMessage] = []
    for plugin in settings.PLYNX_PLUGINS.hubs:
        try:
            _make(plugin, settings.PLYNX_PLUGINS)
        except ImproperlyConfigured as error:
            errors.append(Error(str(error), hint="Fix the hubs section of the plugin configuration.", id="nodes.E001"))
    return errors
