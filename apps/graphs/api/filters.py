"""Query filters of the runs list."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from apps.graphs.choices import GraphRunningStatus
from apps.graphs.models import Run


class RunFilter(filters.FilterSet):  # type: ignore[misc]  # django-filter ships no types
    """Filters of ``/runs/``. Without ``parent_run`` only top-level runs are listed: the run of a
    composite operation is reached from its node (``child_run``) or with ``parent_run``."""

    status = filters.MultipleChoiceFilter(choices=GraphRunningStatus.choices)
    workflow = filters.CharFilter(field_name="workflow_id", help_text="The id of the workflow the runs started from.")
    author = filters.CharFilter(field_name="author__username", lookup_expr="iexact", help_text="A username.")
    author_id = filters.NumberFilter(field_name="author_id")
    parent_run = filters.CharFilter(
        field_name="parent_node_run__run_id", help_text="List the runs of the composite nodes of this run."
    )

    class Meta:
        model = Run
        fields = ["status", "workflow", "author", "author_id", "parent_run"]

    def filter_queryset(self, queryset: QuerySet[Run]) -> QuerySet[Run]:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("parent_run"):
            queryset = queryset.filter(parent_node_run__isnull=True)
        return queryset
