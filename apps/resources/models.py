"""Artifacts: files uploaded by users or produced by nodes, stored by content hash."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from plynx_site.ids import object_id_field

validate_sha256 = RegexValidator(r"^[0-9a-f]{64}\Z", "Enter a SHA-256 digest of 64 lowercase hexadecimal digits.")


def validate_original_name(value: str) -> None:
    """A user-supplied name is metadata only: refuse anything that could pass for a path."""
    if "/" in value or "\\" in value or "\x00" in value or value in (".", ".."):
        raise ValidationError("A file name must not contain path separators, NUL, or be '.' or '..'.")


class Resource(models.Model):
    """One artifact. Its bytes live in storage under ``storage_key``, derived from ``sha256``.

    Several resources may share one blob (the same bytes uploaded twice, or a node that
    produced what another already did); each keeps its own name, type and author.
    """

    id = object_id_field()
    sha256 = models.CharField(max_length=64, validators=[validate_sha256])
    size = models.PositiveBigIntegerField()
    file_type = models.CharField(max_length=64, default="file")
    storage_key = models.CharField(max_length=255)
    original_name = models.CharField(max_length=255, blank=True, default="", validators=[validate_original_name])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="resources"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["sha256"], name="resources_sha256"),
            models.Index(fields=["author", "-created_at"], name="resources_author_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Exact(Length("sha256"), 64), name="resources_sha256_length"),
            models.CheckConstraint(condition=~models.Q(storage_key=""), name="resources_storage_key_not_empty"),
            models.CheckConstraint(condition=~models.Q(file_type=""), name="resources_file_type_not_empty"),
            models.CheckConstraint(
                condition=~models.Q(original_name__contains="/")
                & ~models.Q(original_name__contains="\\")
                & ~models.Q(original_name__in=[".", ".."]),
                name="resources_original_name_not_a_path",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name or self.id} ({self.file_type}, {self.size} bytes)"
