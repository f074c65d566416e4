from __future__ import annotations

from django.contrib import admin

from apps.graphs.models import NodeCache, NodeRun, NodeRunAttempt, Run


class NodeRunInline(admin.TabularInline[NodeRun, Run]):
    model = NodeRun
    extra = 0
    fields = ("node_id", "title", "kind", "status", "attempt", "worker_id", "started_at", "finished_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Run)
class RunAdmin(admin.ModelAdmin[Run]):
    list_display = ["id", "title", "kind", "status", "author", "created_at", "finished_at"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["id", "title", "description", "author__username", "workflow__id"]
    list_select_related = ["author"]
    raw_id_fields = ["workflow", "author"]
    readonly_fields = ["id", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [NodeRunInline]


@admin.register(NodeRun)
class NodeRunAdmin(admin.ModelAdmin[NodeRun]):
    list_display = ["node_id", "title", "kind", "status", "attempt", "run", "worker_id", "started_at", "finished_at"]
    list_filter = ["status", "kind", "worker_id"]
    search_fields = ["node_id", "title", "run__id", "celery_task_id", "cache_key"]
    list_select_related = ["run"]
    raw_id_fields = ["run", "restored_from"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(NodeCache)
class NodeCacheAdmin(admin.ModelAdmin[NodeCache]):
    list_display = ["key", "node_id", "run", "removed", "protected", "created_at"]
    list_filter = ["removed", "protected", "created_at"]
    search_fields = ["key", "node_id", "run__id"]
    raw_id_fields = ["run"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"


@admin.register(NodeRunAttempt)
class NodeRunAttemptAdmin(admin.ModelAdmin[NodeRunAttempt]):
    list_display = ["node_run", "attempt", "worker_id", "outcome", "started_at", "finished_at"]
    list_filter = ["outcome", "worker_id"]
    search_fields = ["worker_id", "node_run__node_id", "node_run__run__id"]
    raw_id_fields = ["node_run"]
