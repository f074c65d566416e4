"""The resources API: upload, metadata, download, preview, thumbnail, and the configured kinds.

Who may read what is the selectors' rule (``apps.resources.selectors``): a resource nobody
lets the caller read answers 404, as a missing one does.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from apps.resources.api.serializers import (
    ResourceKindSerializer,
    ResourcePreviewSerializer,
    ResourceSerializer,
    ResourceUploadSerializer,
    resource_urls,
)
from apps.resources.api.uploads import FormFieldsTooLarge, LimitedTemporaryFileUploadHandler
from apps.resources.kinds import (
    CSV,
    PDF,
    TSV,
    Directory,
    Image,
    Json,
    ResourceKind,
    UnknownResourceKind,
    resource_kind,
)
from apps.resources.models import Resource
from apps.resources.previews import THUMBNAIL_SIZE, ThumbnailError, resource_preview, resource_thumbnail
from apps.resources.selectors import resource_kind_list, resource_list, resource_list_readable
from apps.resources.services import ResourceError, ResourceErrorCode, resource_create_from_upload, resource_open
from apps.resources.storage import CHUNK_SIZE
from apps.users.models import User

# The bytes behind an id never change (content-addressed), so a client may keep a thumbnail.
THUMBNAIL_MAX_AGE_SECONDS = 24 * 3600
# Downloads of these kinds (and of kinds built on them) are served with these types; anything
# else is application/octet-stream.
_CONTENT_TYPES: tuple[tuple[type[ResourceKind], str], ...] = (
    (CSV, "text/csv"),
    (TSV, "text/tab-separated-values"),
    (Json, "application/json"),
    (PDF, "application/pdf"),
    (Directory, "application/zip"),
)
# SVG is left out on purpose: it is a document that can run scripts, not a picture.
_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"}
_ERROR_FIELDS = {
    ResourceErrorCode.UNKNOWN_FILE_TYPE: "file_type",
    ResourceErrorCode.INVALID_NAME: "original_name",
    ResourceErrorCode.INVALID_CONTENT: "data",
}
_MISSING_BYTES = "The bytes of this resource are missing from storage."


class _AnyMediaRenderer(BaseRenderer):
    """Lets a client ask for a download with any Accept header; errors still come as JSON."""

    media_type = "*/*"
    format = "bin"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return JSONRenderer().render(data)


class _BlobResponse(FileResponse):
    block_size = CHUNK_SIZE


def _kind(file_type: str) -> type[ResourceKind] | None:
    try:
        return resource_kind(file_type)
    except UnknownResourceKind:
        return None


def download_name(resource: Resource) -> str:
    """The name a download is saved as: the original name made harmless, or the id."""
    name = "".join(c if c.isprintable() and c not in '"\\/' else "_" for c in resource.original_name).strip()
    if name in ("", ".", ".."):
        name = resource.pk
    kind = _kind(resource.file_type)
    if kind is not None and issubclass(kind, Directory) and PurePosixPath(name).suffix.lower() != ".zip":
        name += ".zip"
    return name


def download_content_type(resource: Resource) -> str:
    kind = _kind(resource.file_type)
    if kind is not None and kind.raw:
        return "text/plain; charset=utf-8"
    if kind is not None and issubclass(kind, Image):
        guessed, _ = mimetypes.guess_type(resource.original_name or "")
        return guessed if guessed in _IMAGE_TYPES else "application/octet-stream"
    if kind is not None:
        for base, content_type in _CONTENT_TYPES:
            if issubclass(kind, base):
                return content_type
    return "application/octet-stream"


def _not_modified(request: Request, etag: str) -> HttpResponseNotModified | None:
    """A 304 when the client holds ``etag`` already: a resource's bytes never change."""
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    return None


def _open_or_404(resource: Resource) -> Any:
    try:
        return resource_open(resource)
    except FileNotFoundError:
        raise NotFound(_MISSING_BYTES) from None


@extend_schema_view(
    list=extend_schema(summary="Your resources (every resource for administrators)"),
    retrieve=extend_schema(summary="A resource's metadata"),
)
class ResourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Resource]):
    """Files uploaded by users or produced by nodes. Resources never change; they are not edited."""

    serializer_class = ResourceSerializer
    parser_classes = [MultiPartParser]
    lookup_value_regex = "[0-9a-f]{24}"
    filterset_fields = ["file_type"]
    ordering_fields = ["created_at", "size", "original_name", "file_type"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[Resource]:
        if getattr(self, "swagger_fake_view", False):
            # The schema generator asks for the model only; there is no user to ask about.
            return Resource.objects.none()
        if self.action == "list":
            return resource_list(user=self.request.user)
        return resource_list_readable(user=self.request.user)

    def get_serializer_class(self) -> type[ResourceSerializer] | type[ResourceUploadSerializer]:
        # The browsable API's upload form and OPTIONS describe the upload (a POST) from this.
        return ResourceUploadSerializer if self.request.method == "POST" else ResourceSerializer

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Before anything reads the body (authentication's CSRF check may): files go to disk.
        request.upload_handlers = [
            LimitedTemporaryFileUploadHandler(request, max_bytes=settings.PLYNX_MAX_UPLOAD_BYTES)
        ]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        summary="Upload a file",
        request={"multipart/form-data": ResourceUploadSerializer},
        responses={
            201: ResourceSerializer,
            400: OpenApiResponse(description="Unknown file type, a name that is a path, content not of the kind."),
            413: OpenApiResponse(description="Larger than PLYNX_MAX_UPLOAD_BYTES."),
        },
    )
    def create(self, request: Request) -> Response:
        try:
            data = request.data
        except RequestDataTooBig:
            # Django's own bound (DATA_UPLOAD_MAX_MEMORY_SIZE) on what the form holds besides files.
            raise FormFieldsTooLarge() from None
        except (TooManyFieldsSent, TooManyFilesSent):
            raise ParseError("Too many form fields or files.") from None
        upload = ResourceUploadSerializer(data=data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["data"]
        original_name = upload.validated_data.get("original_name", file.name or "")
        try:
            resource = resource_create_from_upload(
                upload=file,
                file_type=upload.validated_data["file_type"],
                original_name=original_name,
                author=cast(User, request.user),
            )
        except ResourceError as error:
            raise ValidationError({_ERROR_FIELDS.get(error.code, "data"): [error.message]}) from None
        output = ResourceSerializer(resource, context=self.get_serializer_context()).data
        return Response(output, status=status.HTTP_201_CREATED, headers={"Location": output["urls"]["self"]})

    @extend_schema(
        summary="The resource's bytes, as an attachment",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: None},
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, _AnyMediaRenderer])
    def download(self, request: Request, pk: str | None = None) -> HttpResponse | FileResponse:
        resource = self.get_object()
        etag = f'"{resource.sha256}"'
        if (not_modified := _not_modified(request, etag)) is not None:
            return not_modified
        response = _BlobResponse(
            _open_or_404(resource),
            as_attachment=True,
            filename=download_name(resource),
            content_type=download_content_type(resource),
        )
        response["Content-Length"] = str(resource.size)
        response["X-Content-Type-Options"] = "nosniff"
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        return response

    @extend_schema(summary="A size-bounded preview, as JSON", responses={200: ResourcePreviewSerializer, 404: None})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        resource = self.get_object()
        try:
            preview = resource_preview(resource)
        except FileNotFoundError:
            raise NotFound(_MISSING_BYTES) from None
        if preview["kind"] == "image":
            preview["thumbnail_url"] = resource_urls(resource, request)["thumbnail"]
        return Response(preview)

    @extend_schema(
        summary="A small PNG of an image resource",
        responses={(200, "image/png"): OpenApiTypes.BINARY, 404: None},
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, _AnyMediaRenderer])
    def thumbnail(self, request: Request, pk: str | None = None) -> HttpResponse:
        resource = self.get_object()
        etag = f'"{resource.sha256}-thumbnail-{THUMBNAIL_SIZE}"'
        if (not_modified := _not_modified(request, etag)) is not None:
            return not_modified
        try:
            png = resource_thumbnail(resource)
        except FileNotFoundError:
            raise NotFound(_MISSING_BYTES) from None
        except ThumbnailError as error:
            raise NotFound(f"No thumbnail: {error}.") from None
        response = HttpResponse(png, content_type="image/png")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = f"private, max-age={THUMBNAIL_MAX_AGE_SECONDS}"
        response["ETag"] = etag
        return response

    @extend_schema(summary="The configured resource kinds", responses={200: ResourceKindSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def kinds(self, request: Request) -> Response:
        return Response(ResourceKindSerializer(resource_kind_list(), many=True).data)
