"""Filters of the operation and workflow lists: the seed's search string plus plain fields."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from apps.nodes.choices import NodeStatus
from apps.nodes.models import Node
from apps.nodes.selectors import search_apply, search_parse


class NodeFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter has no type hints
    search = django_filters.CharFilter(
        method="filter_search",
        label="The seed's search string: words in the title or description and key:value tokens "
        "(author:default kind:python status:READY starred:true id:<id>).",
    )
    status = django_filters.MultipleChoiceFilter(field_name="node_status", choices=NodeStatus.choices)
    kind = django_filters.CharFilter(field_name="kind")
    author = django_filters.CharFilter(field_name="author__username", lookup_expr="iexact", label="Author's username")
    starred = django_filters.BooleanFilter(field_name="starred")

    class Meta:
        model = Node
        fields = ["search", "status", "kind", "author", "starred"]

    def filter_search(self, queryset: QuerySet[Node], name: str, value: str) -> QuerySet[Node]:
        return search_apply(queryset, search_parse(value))
