from django.contrib import admin

from apps.resources.models import Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin[Resource]):
    list_display = ["id", "original_name", "file_type", "size", "author", "created_at"]
    list_filter = ["file_type", "created_at"]
    search_fields = ["id", "original_name", "sha256", "author__username"]
    list_select_related = ["author"]
    raw_id_fields = ["author"]
    readonly_fields = ["id", "sha256", "size", "storage_key", "created_at", "updated_at"]
    date_hierarchy = "created_at"
