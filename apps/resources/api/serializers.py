"""Serializers of the resources API: upload input, resource output, previews and kinds."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from apps.resources.kinds import Image, UnknownResourceKind, resource_kind
from apps.resources.models import Resource


@extend_schema_field(OpenApiTypes.BINARY)
class _UploadField(serializers.FileField):
    """A file in a multipart form (documented as binary)."""


class ResourceUploadSerializer(serializers.Serializer[Any]):
    data = _UploadField(  # type: ignore[assignment]  # a field, not Serializer.data
        allow_empty_file=True, use_url=False, help_text="The file's bytes."
    )
    file_type = serializers.CharField(max_length=64, help_text="A configured resource kind (see resources/kinds/).")
    original_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        trim_whitespace=False,
        help_text="The file's name, kept as metadata only; by default the uploaded file's own name. "
        "Path separators and '..' are refused.",
    )


class ResourceUrlsSerializer(serializers.Serializer[Any]):
    self = serializers.URLField()
    download = serializers.URLField()
    preview = serializers.URLField()
    thumbnail = serializers.URLField(allow_null=True, help_text="Images only.")


def _is_image(file_type: str) -> bool:
    try:
        return issubclass(resource_kind(file_type), Image)
    except UnknownResourceKind:
        return False


def resource_urls(resource: Resource, request: Any) -> dict[str, str | None]:
    def url(name: str) -> str:
        return reverse(f"v1:resource-{name}", args=[resource.pk], request=request)

    return {
        "self": url("detail"),
        "download": url("download"),
        "preview": url("preview"),
        "thumbnail": url("thumbnail") if _is_image(resource.file_type) else None,
    }


class ResourceSerializer(serializers.ModelSerializer[Resource]):
    author: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    urls = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        fields = ["id", "sha256", "size", "file_type", "original_name", "author", "created_at", "urls"]
        read_only_fields = fields

    @extend_schema_field(ResourceUrlsSerializer)
    def get_urls(self, resource: Resource) -> dict[str, str | None]:
        return resource_urls(resource, self.context.get("request"))


class DirectoryEntrySerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    size = serializers.IntegerField()
    is_dir = serializers.BooleanField()


class ResourcePreviewSerializer(serializers.Serializer[Any]):
    """The shape of a preview (documentation only); which fields appear depends on ``kind``."""

    kind = serializers.ChoiceField(choices=["table", "json", "text", "value", "directory", "image", "binary"])
    columns = serializers.ListField(child=serializers.CharField(), required=False, help_text="table")
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()), required=False, help_text="table"
    )
    text = serializers.CharField(required=False, help_text="json, text")
    value = serializers.JSONField(required=False, help_text="value: the raw resource's value")
    entries = DirectoryEntrySerializer(many=True, required=False, help_text="directory")
    count = serializers.IntegerField(required=False, allow_null=True, help_text="directory: entries in the zip")
    thumbnail_url = serializers.URLField(required=False, help_text="image")
    truncated = serializers.BooleanField(required=False, help_text="Whether the preview shows only a part.")


class ResourceKindSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    title = serializers.CharField()
    extensions = serializers.ListField(child=serializers.CharField())
    color = serializers.CharField()
    icon = serializers.CharField()
    is_raw = serializers.BooleanField(source="raw")
