"""POST /api/v1/resources/: streamed uploads, their checks and their size limit."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.resources.models import Resource
from apps.resources.storage import blob_key
from apps.users.models import User
from tests.factories import UserFactory
from tests.resources.api.conftest import named_file
from tests.resources.conftest import stored_keys

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user", "upload_dir")]

URL = "/api/v1/resources/"
CSV = b"x,y\n1,2\n"
CSV_SHA256 = hashlib.sha256(CSV).hexdigest()


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name in names:
            bundle.writestr(name, b"content")
    return buffer.getvalue()


def test_an_upload_is_stored_and_described(
    storage: str, client_as: Callable[[str], APIClient], owner: User, upload_dir: Path
) -> None:
    response = client_as("owner").post(
        URL, {"data": named_file(CSV, "upload.csv"), "file_type": "csv", "original_name": "points.csv"}
    )
    assert response.status_code == 201, response.content
    resource = Resource.objects.get()
    base = f"http://testserver/api/v1/resources/{resource.pk}/"
    assert response.json() == {
        "id": resource.pk,
        "sha256": CSV_SHA256,
        "size": len(CSV),
        "file_type": "csv",
        "original_name": "points.csv",
        "author": "owner",
        "created_at": response.json()["created_at"],
        "urls": {"self": base, "download": f"{base}download/", "preview": f"{base}preview/", "thumbnail": None},
    }
    assert response["Location"] == base
    assert (resource.sha256, resource.size, resource.author, resource.storage_key) == (
        CSV_SHA256,
        len(CSV),
        owner,
        blob_key(CSV_SHA256),
    )
    assert stored_keys(storage) == [blob_key(CSV_SHA256)]
    # The spooled upload is gone once the request is over.
    assert list(upload_dir.iterdir()) == []


def test_without_original_name_the_files_own_name_is_kept(
    local_storage: Path, client_as: Callable[[str], APIClient]
) -> None:
    response = client_as("owner").post(URL, {"data": named_file(CSV, "points.csv"), "file_type": "csv"})
    assert response.status_code == 201
    assert response.json()["original_name"] == "points.csv"


def test_an_image_upload_has_a_thumbnail_url(local_storage: Path, client_as: Callable[[str], APIClient]) -> None:
    response = client_as("owner").post(URL, {"data": named_file(b"\x89PNG", "a.png"), "file_type": "image"})
    assert response.status_code == 201
    assert (
        response.json()["urls"]["thumbnail"] == f"http://testserver/api/v1/resources/{response.json()['id']}/thumbnail/"
    )


@pytest.mark.parametrize(
    ("file_type", "data"),
    [("int", b"42\n"), ("float", b"-1.5e3"), ("str", b""), ("bool", b"true\n"), ("color", b"#ff8800\n")],
    ids=["int", "float", "str", "bool", "color"],
)
def test_a_raw_value_that_parses_is_accepted(
    local_storage: Path, client_as: Callable[[str], APIClient], file_type: str, data: bytes
) -> None:
    response = client_as("owner").post(URL, {"data": named_file(data, "value"), "file_type": file_type})
    assert response.status_code == 201, response.content
    assert Resource.objects.get().file_type == file_type


def test_a_zip_is_accepted_as_a_directory(local_storage: Path, client_as: Callable[[str], APIClient]) -> None:
    response = client_as("owner").post(URL, {"data": named_file(_zip(["a.txt"]), "d.zip"), "file_type": "directory"})
    assert response.status_code == 201


REFUSALS = {
    "unknown file type": (
        {"file_type": "spreadsheet"},
        "file_type",
        "Unknown file type 'spreadsheet'; expected one of: file, csv, tsv, json, image, pdf, directory, "
        "executable, int, float, str, bool, color.",
    ),
    "slash in the name": (
        {"original_name": "../etc/passwd"},
        "original_name",
        "A file name must not contain path separators, NUL, or be '.' or '..'.",
    ),
    "backslash in the name": (
        {"original_name": "a\\b.csv"},
        "original_name",
        "A file name must not contain path separators, NUL, or be '.' or '..'.",
    ),
    "dot dot": (
        {"original_name": ".."},
        "original_name",
        "A file name must not contain path separators, NUL, or be '.' or '..'.",
    ),
    "not an int": (
        {"file_type": "int", "data": named_file(b"forty-two\n", "v")},
        "data",
        "Not a valid int: expected an integer, got 'forty-two\\n'",
    ),
    "int too long for python": (
        {"file_type": "int", "data": named_file(b"9" * 5000, "v")},
        "data",
        "Not a valid int: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; "
        "use sys.set_int_max_str_digits() to increase the limit",
    ),
    "not a bool": (
        {"file_type": "bool", "data": named_file(b"maybe", "v")},
        "data",
        "Not a valid bool: expected true, false, 1 or 0, got 'maybe'",
    ),
    "raw value not utf-8": (
        {"file_type": "str", "data": named_file(b"\xff\xfe", "v")},
        "data",
        "Not a valid str: not UTF-8 text: invalid start byte at byte 0",
    ),
    "directory not a zip": (
        {"file_type": "directory", "data": named_file(b"plain text", "d.zip")},
        "data",
        "Not a valid directory: a directory is uploaded as a zip archive; this is not one",
    ),
    "no file": ({"data": None}, "data", "No file was submitted."),
    "no file type": ({"file_type": None}, "file_type", "This field is required."),
    "name too long": (
        {"original_name": "a" * 256},
        "original_name",
        "Ensure this field has no more than 255 characters.",
    ),
}


@pytest.mark.parametrize(("fields", "field", "message"), list(REFUSALS.values()), ids=list(REFUSALS))
def test_bad_uploads_are_refused_and_store_nothing(
    local_storage: Path,
    upload_dir: Path,
    client_as: Callable[[str], APIClient],
    fields: dict[str, Any],
    field: str,
    message: str,
) -> None:
    form = {"data": named_file(CSV, "points.csv"), "file_type": "csv", **fields}
    response = client_as("owner").post(URL, {key: value for key, value in form.items() if value is not None})
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert Resource.objects.count() == 0
    assert stored_keys("local") == []
    assert list(upload_dir.iterdir()) == []


def test_a_path_in_the_multipart_file_name_is_reduced_to_its_last_part(
    local_storage: Path, client_as: Callable[[str], APIClient]
) -> None:
    response = client_as("owner").post(URL, {"data": named_file(CSV, "../../etc/points.csv"), "file_type": "csv"})
    assert response.status_code == 201
    assert response.json()["original_name"] == "points.csv"


@pytest.mark.parametrize(
    ("setting", "field", "count"),
    [("DATA_UPLOAD_MAX_NUMBER_FILES", "extra", 3), ("DATA_UPLOAD_MAX_NUMBER_FIELDS", "note", 3)],
    ids=["files", "fields"],
)
def test_too_many_parts_are_refused(
    local_storage: Path,
    upload_dir: Path,
    settings: Any,
    client_as: Callable[[str], APIClient],
    setting: str,
    field: str,
    count: int,
) -> None:
    setattr(settings, setting, 2)
    parts: list[Any] = [named_file(b"x", f"{i}.txt") for i in range(count)] if field == "extra" else ["a"] * count
    response = client_as("owner").post(URL, {"data": named_file(CSV, "points.csv"), "file_type": "csv", field: parts})
    assert response.status_code == 400
    assert response.json() == {"detail": "Too many form fields or files."}
    assert Resource.objects.count() == 0
    assert list(upload_dir.iterdir()) == []


def test_a_large_form_field_is_refused(
    local_storage: Path, settings: Any, client_as: Callable[[str], APIClient]
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client_as("owner").post(
        URL, {"data": named_file(CSV, "points.csv"), "file_type": "csv", "original_name": "n" * 200}
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The form's fields other than files are too large."}
    assert Resource.objects.count() == 0


def test_a_body_that_is_not_multipart_is_refused(local_storage: Path, client_as: Callable[[str], APIClient]) -> None:
    response = client_as("owner").post(URL, {"file_type": "csv"}, format="json")
    assert response.status_code == 415
    assert Resource.objects.count() == 0


@pytest.mark.parametrize(("size", "expected"), [(1000, 201), (1001, 413)], ids=["at the limit", "one byte over"])
def test_the_upload_limit(
    local_storage: Path,
    upload_dir: Path,
    settings: Any,
    client_as: Callable[[str], APIClient],
    size: int,
    expected: int,
) -> None:
    settings.PLYNX_MAX_UPLOAD_BYTES = 1000
    response = client_as("owner").post(URL, {"data": named_file(b"x" * size, "big.txt"), "file_type": "file"})
    assert response.status_code == expected
    if expected == 413:
        assert response.json() == {
            "detail": "The upload is larger than the limit of 1000 bytes (PLYNX_MAX_UPLOAD_BYTES)."
        }
        assert Resource.objects.count() == 0
        assert stored_keys("local") == []
    assert list(upload_dir.iterdir()) == []


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(
    local_storage: Path, settings: Any, client_as: Callable[[str], APIClient]
) -> None:
    settings.PLYNX_MAX_UPLOAD_BYTES = 1000
    response = client_as("owner").post(URL, {"data": named_file(b"x" * 200_000, "big.txt"), "file_type": "file"})
    assert response.status_code == 413
    assert Resource.objects.count() == 0


def test_anonymous_uploads_are_refused_in_multi_user_mode(
    local_storage: Path, client_as: Callable[[str], APIClient]
) -> None:
    response = client_as("anonymous").post(URL, {"data": named_file(CSV, "points.csv"), "file_type": "csv"})
    assert response.status_code == 401
    assert Resource.objects.count() == 0
    assert stored_keys("local") == []


@pytest.mark.parametrize("persona", ["other", "loner", "admin"])
def test_any_authenticated_user_may_upload(
    local_storage: Path, client_as: Callable[[str], APIClient], users: dict[str, User | None], persona: str
) -> None:
    response = client_as(persona).post(URL, {"data": named_file(CSV, "points.csv"), "file_type": "csv"})
    assert response.status_code == 201
    assert Resource.objects.get().author == users[persona]


def test_an_upload_with_http_basic_credentials(local_storage: Path) -> None:
    user = UserFactory(username="basic")
    user.save(update_fields=["password"])
    client = APIClient()
    token = base64.b64encode(b"basic:correct horse battery staple").decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    response = client.post(URL, {"data": named_file(CSV, "points.csv"), "file_type": "csv"})
    assert response.status_code == 201
    assert response.json()["author"] == "basic"


def test_an_upload_in_a_logged_in_session_needs_the_csrf_token(local_storage: Path, settings: Any) -> None:
    user = UserFactory(username="session")
    user.save(update_fields=["password"])
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    refused = client.post(URL, {"data": named_file(CSV, "points.csv"), "file_type": "csv"})
    assert refused.status_code == 403
    assert Resource.objects.count() == 0
    # Any page with a form hands out the token.
    client.get("/admin/login/")
    token = client.cookies.get(settings.CSRF_COOKIE_NAME)
    assert token is not None
    accepted = client.post(
        URL, {"data": named_file(CSV, "points.csv"), "file_type": "csv"}, HTTP_X_CSRFTOKEN=token.value
    )
    assert accepted.status_code == 201
    assert accepted.json()["author"] == "session"


def test_single_user_mode_uploads_as_default_without_credentials(local_storage: Path, settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False
    response = APIClient().post(URL, {"data": named_file(CSV, "points.csv"), "file_type": "csv"})
    assert response.status_code == 201
    assert response.json()["author"] == "default"
