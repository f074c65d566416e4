"""Receiving uploads: every file goes to a temporary file on disk, within a size limit."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest
from rest_framework import status
from rest_framework.exceptions import APIException

# Room for the form's other fields and the multipart boundaries around the file.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class UploadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "upload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"The upload is larger than the limit of {limit} bytes (PLYNX_MAX_UPLOAD_BYTES).")


class FormFieldsTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "form_fields_too_large"
    default_detail = "The form's fields other than files are too large."


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Spools every uploaded file to disk (never to memory) and stops at ``max_bytes`` of files.

    A request whose declared length is already too large is refused before its body is read;
    otherwise the bytes are counted as they arrive, so a wrong or missing length changes nothing.
    """

    def __init__(self, request: HttpRequest, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0

    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: str, encoding: str | None = None
    ) -> None:
        if content_length > self.max_bytes + MULTIPART_OVERHEAD_BYTES:
            raise UploadTooLarge(self.max_bytes)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            # Closing the temporary file deletes it: nothing of a refused upload stays on disk.
            self.file.close()
            raise UploadTooLarge(self.max_bytes)
        return super().receive_data_chunk(raw_data, start)
