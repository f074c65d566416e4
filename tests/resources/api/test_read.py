"""Reading resources through the v1 API: who may, the list, metadata, downloads and thumbnails."""

from __future__ import annotations

import hashlib
import io
import struct
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from rest_framework.test import APIClient

from apps.resources.models import Resource
from apps.resources.services import resource_create_from_path
from apps.resources.storage import CHUNK_SIZE
from apps.users.models import User
from plynx_site.plugins import load_plugins
from tests.factories import ResourceFactory
from tests.resources.api.conftest import PERSONAS, named_file, stored

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user")]

CSV = b"x,y\n1,2\n"
# persona → expected status, for reading the owner's resource.
READ = {"owner": 200, "other": 200, "loner": 404, "admin": 200, "anonymous": 401}
READ_PATHS = {
    "metadata": "/api/v1/resources/{id}/",
    "download": "/api/v1/resources/{id}/download/",
    "preview": "/api/v1/resources/{id}/preview/",
    "thumbnail": "/api/v1/resources/{id}/thumbnail/",
}
LARGE_SIZE = 50 * 1024 * 1024
# As in the storage tests: a read holds one chunk at a time locally; boto3 buffers a little more.
PEAK_MEMORY_LIMITS = {"local": 4 * 1024 * 1024, "s3": 20 * 1024 * 1024}


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that only claims its size: what a decompression bomb looks like before decoding."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def streamed(response: Any) -> bytes:
    # Reading to the end closes the response, as a WSGI server would (closing it again would
    # fire request_finished and close the test's database connection).
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", list(READ_PATHS.values()), ids=list(READ_PATHS))
def test_reading_an_owners_resource(
    local_storage: Path, client_as: Callable[[str], APIClient], owner: User, persona: str, path: str
) -> None:
    resource = stored(png(4, 4), "image", "red.png", owner)
    response = client_as(persona).get(path.format(id=resource.pk))
    assert response.status_code == READ[persona]
    if getattr(response, "streaming", False):
        streamed(response)


@pytest.mark.parametrize(("persona", "expected"), [("owner", 1), ("other", 0), ("loner", 0), ("admin", 2)])
def test_the_list_holds_ones_own_resources_and_everything_for_admins(
    client_as: Callable[[str], APIClient], owner: User, users: dict[str, User | None], persona: str, expected: int
) -> None:
    mine = ResourceFactory(author=owner)
    ResourceFactory(author=users["admin"])
    response = client_as(persona).get("/api/v1/resources/")
    assert response.status_code == 200
    assert response.json()["count"] == expected
    if persona == "owner":
        assert [item["id"] for item in response.json()["results"]] == [mine.pk]


def test_the_list_needs_credentials(client_as: Callable[[str], APIClient], owner: User) -> None:
    ResourceFactory(author=owner)
    response = client_as("anonymous").get("/api/v1/resources/")
    assert response.status_code == 401


def test_the_list_filters_orders_and_pages(client_as: Callable[[str], APIClient], owner: User) -> None:
    small = ResourceFactory(author=owner, file_type="csv", size=1)
    large = ResourceFactory(author=owner, file_type="csv", size=300)
    medium = ResourceFactory(author=owner, file_type="json", size=20)
    client = client_as("owner")

    by_type = client.get("/api/v1/resources/", {"file_type": "csv", "ordering": "size"}).json()
    assert [item["id"] for item in by_type["results"]] == [small.pk, large.pk]

    by_size = client.get("/api/v1/resources/", {"ordering": "-size"}).json()
    assert [item["id"] for item in by_size["results"]] == [large.pk, medium.pk, small.pk]

    page = client.get("/api/v1/resources/", {"ordering": "size", "limit": 1, "offset": 1}).json()
    assert (page["count"], [item["id"] for item in page["results"]]) == (3, [medium.pk])
    assert page["next"] == "http://testserver/api/v1/resources/?limit=1&offset=2&ordering=size"

    # The newest first by default.
    newest = client.get("/api/v1/resources/").json()
    assert [item["id"] for item in newest["results"]] == [medium.pk, large.pk, small.pk]


def test_the_list_does_not_query_per_resource(
    client_as: Callable[[str], APIClient], owner: User, django_assert_num_queries: Any
) -> None:
    client = client_as("admin")
    for _ in range(5):
        ResourceFactory(author=owner)
    # The count, then the page with its authors.
    with django_assert_num_queries(2):
        assert client.get("/api/v1/resources/").status_code == 200


def test_metadata(client_as: Callable[[str], APIClient], owner: User) -> None:
    resource = ResourceFactory(author=owner, file_type="json", original_name="doc.json", size=7)
    response = client_as("other").get(f"/api/v1/resources/{resource.pk}/")
    base = f"http://testserver/api/v1/resources/{resource.pk}/"
    assert response.json() == {
        "id": resource.pk,
        "sha256": resource.sha256,
        "size": 7,
        "file_type": "json",
        "original_name": "doc.json",
        "author": "owner",
        "created_at": resource.created_at.isoformat().replace("+00:00", "Z"),
        "urls": {"self": base, "download": f"{base}download/", "preview": f"{base}preview/", "thumbnail": None},
    }


def test_a_resource_without_author_is_read_by_those_who_see_others(client_as: Callable[[str], APIClient]) -> None:
    resource = ResourceFactory(author=None)
    assert client_as("other").get(f"/api/v1/resources/{resource.pk}/").json()["author"] is None
    assert client_as("loner").get(f"/api/v1/resources/{resource.pk}/").status_code == 404


@pytest.mark.parametrize("resource_id", ["65f0c0ffee0000000000a001", "not-an-id", "65F0C0FFEE0000000000A001"], ids=str)
def test_unknown_or_malformed_ids_are_not_found(client_as: Callable[[str], APIClient], resource_id: str) -> None:
    for suffix in ("", "download/", "preview/", "thumbnail/"):
        assert client_as("admin").get(f"/api/v1/resources/{resource_id}/{suffix}").status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_resources_are_not_changed_through_the_api(
    client_as: Callable[[str], APIClient], owner: User, method: str
) -> None:
    resource = ResourceFactory(author=owner)
    response = getattr(client_as("owner"), method)(f"/api/v1/resources/{resource.pk}/")
    assert response.status_code == 405
    assert Resource.objects.get().sha256 == resource.sha256


def test_the_configured_kinds(client_as: Callable[[str], APIClient]) -> None:
    response = client_as("loner").get("/api/v1/resources/kinds/")
    assert response.status_code == 200
    kinds = response.json()
    assert [kind["kind"] for kind in kinds] == [
        "file", "csv", "tsv", "json", "image", "pdf", "directory", "executable", "int", "float", "str", "bool", "color",
    ]  # fmt: skip
    assert kinds[1] == {
        "kind": "csv",
        "title": "CSV file",
        "extensions": [".csv"],
        "color": "#2e7d32",
        "icon": "table",
        "is_raw": False,
    }
    assert kinds[8] == {
        "kind": "int",
        "title": "Integer",
        "extensions": [],
        "color": "#00838f",
        "icon": "hash",
        "is_raw": True,
    }
    assert client_as("anonymous").get("/api/v1/resources/kinds/").status_code == 401


# Downloads


def test_a_download_streams_the_bytes_as_an_attachment(
    storage: str, client_as: Callable[[str], APIClient], owner: User
) -> None:
    resource = stored(CSV, "csv", "points.csv", owner)
    response = client_as("other").get(f"/api/v1/resources/{resource.pk}/download/")
    assert response.status_code == 200
    assert response.streaming
    assert streamed(response) == CSV
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="points.csv"'
    assert response["Content-Length"] == str(len(CSV))
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("file_type", "original_name", "content_type", "disposition"),
    [
        ("json", "doc.json", "application/json", 'attachment; filename="doc.json"'),
        ("image", "photo.JPG", "image/jpeg", 'attachment; filename="photo.JPG"'),
        ("image", "drawing.svg", "application/octet-stream", 'attachment; filename="drawing.svg"'),
        ("image", "page.html", "application/octet-stream", 'attachment; filename="page.html"'),
        ("directory", "tree", "application/zip", 'attachment; filename="tree.zip"'),
        ("directory", "tree.zip", "application/zip", 'attachment; filename="tree.zip"'),
        ("int", "n", "text/plain; charset=utf-8", 'attachment; filename="n"'),
        ("file", 'a"b\r\n<c>.txt', "application/octet-stream", 'attachment; filename="a_b__<c>.txt"'),
        (
            "file",
            "r\u00e9sum\u00e9.txt",
            "application/octet-stream",
            "attachment; filename*=utf-8''r%C3%A9sum%C3%A9.txt",
        ),
        ("executable", "", "application/octet-stream", 'attachment; filename="{id}"'),
        ("pdf", " ", "application/pdf", 'attachment; filename="{id}"'),
    ],
    ids=["json", "jpeg", "svg", "html image", "directory", "zip", "raw", "unsafe name", "unicode", "no name", "blank"],
)
def test_download_types_and_names(
    local_storage: Path,
    client_as: Callable[[str], APIClient],
    owner: User,
    file_type: str,
    original_name: str,
    content_type: str,
    disposition: str,
) -> None:
    # Stored without the model's checks, as an old or imported row might be.
    resource = stored(b"1\n", "file", "", owner)
    Resource.objects.filter(pk=resource.pk).update(file_type=file_type, original_name=original_name)
    response = client_as("owner").get(f"/api/v1/resources/{resource.pk}/download/")
    assert streamed(response) == b"1\n"
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == disposition.format(id=resource.pk)


def test_a_download_the_client_holds_is_not_sent_again(
    local_storage: Path, client_as: Callable[[str], APIClient], owner: User
) -> None:
    resource = stored(CSV, "csv", "points.csv", owner)
    client = client_as("owner")
    first = client.get(f"/api/v1/resources/{resource.pk}/download/")
    assert streamed(first) == CSV
    assert (first["ETag"], first["Cache-Control"]) == (f'"{resource.sha256}"', "private, no-cache")
    again = client.get(f"/api/v1/resources/{resource.pk}/download/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"])
    other = client.get(f"/api/v1/resources/{resource.pk}/download/", HTTP_IF_NONE_MATCH='"something else"')
    assert streamed(other) == CSV
    # Holding an ETag opens nothing to someone who may not read the resource.
    hidden = client_as("loner").get(f"/api/v1/resources/{resource.pk}/download/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert hidden.status_code == 404


def test_a_download_accepts_any_media_type(
    local_storage: Path, client_as: Callable[[str], APIClient], owner: User
) -> None:
    resource = stored(CSV, "csv", "points.csv", owner)
    response = client_as("owner").get(
        f"/api/v1/resources/{resource.pk}/download/", HTTP_ACCEPT="application/octet-stream"
    )
    assert response.status_code == 200
    assert streamed(response) == CSV


def test_missing_bytes_are_not_found(local_storage: Path, client_as: Callable[[str], APIClient], owner: User) -> None:
    resource = ResourceFactory(author=owner, file_type="csv")
    for suffix in ("download/", "preview/"):
        response = client_as("owner").get(f"/api/v1/resources/{resource.pk}/{suffix}")
        assert response.status_code == 404
        assert response.json() == {"detail": "The bytes of this resource are missing from storage."}


def test_a_large_download_streams_with_flat_memory(
    storage: str, client_as: Callable[[str], APIClient], owner: User, tmp_path: Path
) -> None:
    source = tmp_path / "large.bin"
    digest = hashlib.sha256()
    with source.open("wb") as handle:
        for index in range(LARGE_SIZE // CHUNK_SIZE):
            chunk = index.to_bytes(4, "big") * (CHUNK_SIZE // 4)
            digest.update(chunk)
            handle.write(chunk)
    resource = resource_create_from_path(path=source, file_type="file", original_name="large.bin", author=owner)
    client = client_as("owner")
    # The first request builds URL resolvers, serializers and the S3 client: not the download's memory.
    assert client.get(f"/api/v1/resources/{resource.pk}/").status_code == 200

    received = hashlib.sha256()
    size = 0
    tracemalloc.start()
    try:
        response = client.get(f"/api/v1/resources/{resource.pk}/download/")
        for chunk in response.streaming_content:
            received.update(chunk)
            size += len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (size, received.hexdigest()) == (LARGE_SIZE, digest.hexdigest())
    assert response["Content-Length"] == str(LARGE_SIZE)
    assert peak < PEAK_MEMORY_LIMITS[storage]


# Thumbnails


def test_a_thumbnail_is_a_small_png_keeping_the_aspect_ratio(
    storage: str, client_as: Callable[[str], APIClient], owner: User
) -> None:
    resource = stored(png(600, 300), "image", "wide.png", owner)
    response = client_as("other").get(f"/api/v1/resources/{resource.pk}/thumbnail/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=86400"
    with Image.open(io.BytesIO(response.content)) as thumbnail:
        assert (thumbnail.format, thumbnail.size, thumbnail.mode) == ("PNG", (256, 128), "RGB")
    assert response["ETag"] == f'"{resource.sha256}-thumbnail-256"'
    again = client_as("other").get(f"/api/v1/resources/{resource.pk}/thumbnail/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert (again.status_code, again.content) == (304, b"")


@pytest.mark.parametrize(
    ("mode", "size", "expected"),
    [("RGBA", (40, 80), (40, 80, "RGBA")), ("P", (300, 300), (256, 256, "RGB")), ("L", (10, 10), (10, 10, "RGB"))],
    ids=["transparent", "palette", "grey"],
)
def test_thumbnails_of_other_modes(
    local_storage: Path,
    client_as: Callable[[str], APIClient],
    owner: User,
    mode: str,
    size: tuple[int, int],
    expected: tuple[int, int, str],
) -> None:
    resource = stored(png(*size, mode=mode), "image", "a.png", owner)
    response = client_as("owner").get(f"/api/v1/resources/{resource.pk}/thumbnail/")
    with Image.open(io.BytesIO(response.content)) as thumbnail:
        assert (*thumbnail.size, thumbnail.mode) == expected


NO_THUMBNAIL = {
    "not an image": ("csv", CSV, "No thumbnail: a csv resource has no thumbnail."),
    "corrupt": (
        "image",
        b"\x89PNG\r\n\x1a\nnonsense",
        "No thumbnail: the image cannot be read: OSError.",
    ),
    "svg": (
        "image",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "No thumbnail: the image cannot be read: UnidentifiedImageError.",
    ),
    "too many pixels": ("image", png_header(5000, 5000), "No thumbnail: the image has more than 16777216 pixels."),
    "decompression bomb": (
        "image",
        png_header(100_000, 100_000),
        "No thumbnail: the image cannot be read: DecompressionBombError.",
    ),
}


@pytest.mark.parametrize(("file_type", "data", "message"), list(NO_THUMBNAIL.values()), ids=list(NO_THUMBNAIL))
def test_no_thumbnail_is_not_found(
    local_storage: Path,
    client_as: Callable[[str], APIClient],
    owner: User,
    file_type: str,
    data: bytes,
    message: str,
) -> None:
    resource = stored(data, file_type, "x", owner)
    response = client_as("owner").get(f"/api/v1/resources/{resource.pk}/thumbnail/")
    assert response.status_code == 404
    assert response.json() == {"detail": message}


def test_an_image_larger_than_the_input_bound_has_no_thumbnail(
    local_storage: Path, client_as: Callable[[str], APIClient], owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("apps.resources.previews.THUMBNAIL_MAX_INPUT_BYTES", 100)
    resource = stored(png(300, 300), "image", "a.png", owner)
    response = client_as("owner").get(f"/api/v1/resources/{resource.pk}/thumbnail/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No thumbnail: the image is larger than 100 bytes."}


# Previews through the API (each kind's preview is tested in tests/resources/test_previews.py)


def test_a_preview_is_json_and_carries_markup_as_plain_strings(
    local_storage: Path, client_as: Callable[[str], APIClient], owner: User
) -> None:
    resource = stored(b"name,value\n<script>alert(1)</script>,2\n", "csv", "x.csv", owner)
    response = client_as("other").get(
        f"/api/v1/resources/{resource.pk}/preview/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "kind": "table",
        "columns": ["name", "value"],
        "rows": [["<script>alert(1)</script>", "2"]],
        "truncated": False,
    }


def test_an_image_preview_points_at_its_thumbnail(
    local_storage: Path, client_as: Callable[[str], APIClient], owner: User
) -> None:
    resource = stored(png(4, 4), "image", "a.png", owner)
    response = client_as("owner").get(f"/api/v1/resources/{resource.pk}/preview/")
    assert response.json() == {
        "kind": "image",
        "thumbnail_url": f"http://testserver/api/v1/resources/{resource.pk}/thumbnail/",
    }


# Single-user mode


def test_single_user_mode_reads_without_credentials(local_storage: Path, settings: Any, owner: User) -> None:
    settings.PLYNX_MULTI_USER = False
    resource = stored(CSV, "csv", "points.csv", owner)
    client = APIClient()
    # The user `default` holds every policy, so it lists and reads everything.
    assert [item["id"] for item in client.get("/api/v1/resources/").json()["results"]] == [resource.pk]
    assert streamed(client.get(f"/api/v1/resources/{resource.pk}/download/")) == CSV
    assert client.get(f"/api/v1/resources/{resource.pk}/preview/").json()["rows"] == [["1", "2"]]


def test_the_browsable_api_offers_an_upload_form(client_as: Callable[[str], APIClient]) -> None:
    response = client_as("owner").get("/api/v1/resources/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<input name="data"  type="file"' in html
    assert '<input name="file_type"' in html
    options = client_as("owner").options("/api/v1/resources/").json()
    assert list(options["actions"]["POST"]) == ["data", "file_type", "original_name"]


# Kinds added by the plugin configuration


def test_a_configured_kind_built_on_csv_is_uploaded_previewed_and_downloaded_as_csv(
    local_storage: Path, settings: Any, client_as: Callable[[str], APIClient], tmp_path: Path
) -> None:
    config = tmp_path / "plugins.yaml"
    config.write_text(
        "resources:\n  - {kind: measurements, title: Measurements, cls: apps.resources.kinds.CSV, extensions: [.csv]}\n"
    )
    settings.PLYNX_PLUGINS = load_plugins(config)
    client = client_as("owner")
    assert client.get("/api/v1/resources/kinds/").json()[-1] == {
        "kind": "measurements",
        "title": "Measurements",
        "extensions": [".csv"],
        "color": "#ffffff",
        "icon": "",
        "is_raw": False,
    }
    created = client.post("/api/v1/resources/", {"data": named_file(CSV, "m.csv"), "file_type": "measurements"}).json()
    preview = client.get(created["urls"]["preview"]).json()
    assert preview == {"kind": "table", "columns": ["x", "y"], "rows": [["1", "2"]], "truncated": False}
    download = client.get(created["urls"]["download"])
    assert (streamed(download), download["Content-Type"]) == (CSV, "text/csv")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"file_type": "c\x00sv"}, 400),
        ({"ordering": "\x00"}, 200),
        ({"ordering": "author__password"}, 200),
        ({"limit": "x", "offset": "-1"}, 200),
    ],
    ids=["nul in a filter", "nul in ordering", "ordering by a field not offered", "bad paging"],
)
def test_odd_list_parameters_are_refused_or_ignored(
    client_as: Callable[[str], APIClient], owner: User, query: dict[str, str], expected: int
) -> None:
    resource = ResourceFactory(author=owner)
    response = client_as("owner").get("/api/v1/resources/", query)
    assert response.status_code == expected
    if expected == 400:
        assert response.json() == {"file_type": ["Null characters are not allowed."]}
    else:
        assert [item["id"] for item in response.json()["results"]] == [resource.pk]
