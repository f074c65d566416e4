"""Reading operations and workflows: what a user may see, the seed's search string, the hubs.

Every query here starts from ``node_visible``, which applies the IAM viewing rules of
``apps.users.permissions`` as a filter, so a list never shows what a retrieve would refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet

from apps.nodes.choices import NodeStatus
from apps.nodes.models import Node
from apps.users.permissions import can_view
from apps.users.policies import IAMPolicy

if TYPE_CHECKING:
    from apps.nodes.hubs import HubGroup

# `key:value` tokens of the seed's search string (`author:default kind:python hello`).
_TOKEN = re.compile(r"(?<!\S)([A-Za-z_]+):(\S+)")
SEARCH_KEYS = ("author", "kind", "status", "starred", "id")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
# Statuses of operations a hub offers for new nodes: approved, or deprecated but still allowed.
HUB_STATUSES = (NodeStatus.READY, NodeStatus.DEPRECATED)
_DEPRECATED = (NodeStatus.DEPRECATED, NodeStatus.MANDATORY_DEPRECATED)


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search string: ``key:value`` filters (a value may list alternatives with commas) and words."""

    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    words: tuple[str, ...] = ()


def search_parse(text: str) -> SearchQuery:
    """Split the seed's search string into filters and free-text words.

    ``author:default kind:python,bash_jinja2 status:READY starred:true split csv`` gives the
    filters ``author``, ``kind`` (two alternatives), ``status`` and ``starred`` and the words
    ``split`` and ``csv``. A key the platform does not know raises ``ValidationError``.
    """
    filters: dict[str, tuple[str, ...]] = {}
    for match in _TOKEN.finditer(text):
        key, value = match.group(1).lower(), match.group(2)
        if key not in SEARCH_KEYS:
            raise ValidationError(
                {"search": f"unknown search key {key!r}; use one of {', '.join(SEARCH_KEYS)}"}, code="invalid"
            )
        values = tuple(item for item in value.split(",") if item)
        filters[key] = filters.get(key, ()) + values
    words = tuple(_TOKEN.sub(" ", text).split())
    return SearchQuery(filters=filters, words=words)


def _starred(values: tuple[str, ...]) -> bool:
    value = values[-1].lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationError({"search": f"starred takes true or false, got {values[-1]!r}"}, code="invalid")


def search_apply(queryset: QuerySet[Node], query: SearchQuery) -> QuerySet[Node]:
    """``queryset`` narrowed by a parsed search: every filter and every word must match."""
    filters = query.filters
    if "author" in filters:
        author = Q()
        for username in filters["author"]:
            author |= Q(author__username__iexact=username)
        queryset = queryset.filter(author)
    if "kind" in filters:
        queryset = queryset.filter(kind__in=filters["kind"])
    if "status" in filters:
        statuses = [value.upper() for value in filters["status"]]
        unknown = sorted(set(statuses) - set(NodeStatus.values))
        if unknown:
            raise ValidationError(
                {"search": f"unknown status {', '.join(unknown)}; use one of {', '.join(NodeStatus.values)}"},
                code="invalid",
            )
        queryset = queryset.filter(node_status__in=statuses)
    if "starred" in filters:
        queryset = queryset.filter(starred=_starred(filters["starred"]))
    if "id" in filters:
        queryset = queryset.filter(pk__in=filters["id"])
    for word in query.words:
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return queryset


def node_visible(*, user: Any, workflow: bool) -> QuerySet[Node]:
    """The operations (``workflow=False``) or workflows ``user`` may view, by the IAM rules."""
    kinds = settings.PLYNX_PLUGINS.workflow_kinds
    queryset = Node.objects.filter(kind__in=kinds) if workflow else Node.objects.exclude(kind__in=kinds)
    if not can_view(user, author_id=getattr(user, "pk", None), workflow=workflow):
        return queryset.none()
    others = IAMPolicy.CAN_VIEW_OTHERS_WORKFLOWS if workflow else IAMPolicy.CAN_VIEW_OTHERS_OPERATIONS
    if not user.has_policy(others):
        queryset = queryset.filter(author=user)
    return queryset


def node_list(*, user: Any, workflow: bool, search: str = "") -> QuerySet[Node]:
    """What ``user`` may view of one collection, narrowed by the seed's ``search`` string."""
    queryset = node_visible(user=user, workflow=workflow)
    if search.strip():
        queryset = search_apply(queryset, search_parse(search))
    return queryset


# --- hubs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hub:
    """A configured hub as the editor's catalog shows it: its groups, with what one finds in each."""

    kind: str
    title: str
    icon: str
    groups: tuple[HubGroup, ...]


def hub_operations(*, user: Any) -> QuerySet[Node]:
    """Stored operations a hub may offer to ``user``: visible, approved or merely deprecated."""
    return node_visible(user=user, workflow=False).filter(node_status__in=HUB_STATUSES)


def hub_list(*, user: Any) -> list[Hub]:
    """The configured hubs, each with its groups and what ``user`` finds in them.

    Stored operations are counted by kind in one query, made only if a hub asks for it.
    """
    from apps.nodes.hubs import iter_hubs  # the hubs read operations through this module

    counted: dict[str, int] | None = None

    def counts() -> dict[str, int]:
        nonlocal counted
        if counted is None:
            rows = hub_operations(user=user).order_by().values("kind").annotate(count=Count("pk"))
            counted = {row["kind"]: row["count"] for row in rows}
        return counted

    return [
        Hub(hub.kind, hub.plugin.title, hub.plugin.icon, hub.groups(user=user, counts=counts)) for hub in iter_hubs()
    ]


def hub_search(
    *,
    user: Any,
    text: str = "",
    kind: str = "",
    hub: str = "",
    group: str = "",
    input_file_type: str = "",
    output_file_type: str = "",
) -> QuerySet[Node] | list[Node]:
    """Operations for the editor's catalog: by text (the search string), kind, hub, group and file types.

    Without ``hub``, every approved stored operation ``user`` may view (the database's catalog);
    with it, that hub's, narrowed to ``group`` when given. ``input_file_type`` finds operations with
    an input that accepts that type, ``output_file_type`` those with an output of that type.
    Raises ``ValidationError`` naming the field for an unknown hub or group.
    """
    from apps.nodes.hubs import HubQuery, configured_hubs, stored_operations_search

    query = HubQuery(
        text=text, kind=kind, group=group, input_file_type=input_file_type, output_file_type=output_file_type
    )
    hubs = configured_hubs()
    if not hub:
        if group:
            raise ValidationError({"group": "a group is searched within a hub: give hub too"}, code="invalid")
        return stored_operations_search(user=user, query=query, kinds=settings.PLYNX_PLUGINS.operation_kinds)
    if hub not in hubs:
        raise ValidationError({"hub": f"unknown hub {hub!r}; use one of {', '.join(hubs)}"}, code="invalid")
    return hubs[hub].search(user=user, query=query)


def node_successor_candidate(*, user: Any, successor_id: str) -> Node | None:
    """The operation ``successor_id`` if ``user`` may view it, else None."""
    return node_visible(user=user, workflow=False).filter(pk=successor_id).first()


def node_latest_version(*, node_id: str, known: dict[str, Node]) -> Node | None:
    """Following successors from ``node_id`` (deprecated → successor → ...) to the first one in use.

    ``known`` caches rows already read; a loop of successors stops where it closes.
    """
    seen: set[str] = set()
    current = known.get(node_id)
    while current is not None and current.node_status in _DEPRECATED and current.successor_node_id:
        if current.pk in seen:
            break
        seen.add(current.pk)
        nxt = current.successor_node_id
        if nxt not in known:
            row = Node.objects.filter(pk=nxt).first()
            if row is None:
                break
            known[nxt] = row
        current = known[nxt]
    return current


def is_visible(user: Any, node: Node) -> bool:
    return can_view(user, author_id=node.author_id, workflow=node.is_workflow)
