from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.nodes.models import Node, Operation, WorkerState, Workflow


class _NodeAdmin(admin.ModelAdmin[Node]):
    list_display = ["title", "kind", "node_status", "author", "starred", "created_at", "updated_at"]
    list_filter = ["node_status", "kind", "starred", "created_at"]
    search_fields = ["id", "title", "description", "author__username"]
    list_select_related = ["author"]
    raw_id_fields = ["author", "parent_node", "successor_node", "original_node"]
    readonly_fields = ["id", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("id", "title", "description", "kind", "node_status", "author", "starred")}),
        ("Lineage", {"fields": ("parent_node", "successor_node", "original_node")}),
        ("Interface", {"fields": ("inputs", "outputs", "parameters", "logs")}),
        ("Graph", {"fields": ("nodes", "x", "y")}),
        ("Dates", {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Node]:
        return super().get_queryset(request).select_related("author")


@admin.register(Operation)
class OperationAdmin(_NodeAdmin):
    pass


@admin.register(Workflow)
class WorkflowAdmin(_NodeAdmin):
    pass


@admin.register(WorkerState)
class WorkerStateAdmin(admin.ModelAdmin[WorkerState]):
    list_display = ["worker_id", "host", "concurrency", "last_heartbeat", "started_at"]
    list_filter = ["host", "last_heartbeat"]
    search_fields = ["worker_id", "host"]
    readonly_fields = ["created_at", "updated_at"]
