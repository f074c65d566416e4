"""The seed's v0 API, files: upload_file (POST and PUT) and resources/{id} with preview and file_type."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.nodes.models import Node
from apps.resources.models import Resource
from tests.api_v0.test_read import PASSWORD, V0, basic, person

pytestmark = pytest.mark.django_db

CSV = b"name,score\n<script>alert(1)</script>,3\nbob,4\n"


@pytest.fixture
def single_user(settings: Any, tmp_path: Any) -> None:
    settings.PLYNX_MULTI_USER = False
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "storage")},
        },
    }


def upload(method: str = "post", **form: Any) -> Any:
    data = {"data": io.BytesIO(CSV), "title": "report", "description": "2019", "file_type": "csv", **form}
    if isinstance(data["data"], io.BytesIO):
        data["data"].name = "a.csv"
    return getattr(APIClient(), method)(f"{V0}/upload_file", data, format="multipart")


@pytest.mark.parametrize("method", ["post", "put"])
def test_the_seed_upload_example_makes_a_file_node(single_user: None, method: str) -> None:
    body = upload(method, node_kind="basic-file").json()
    assert body["status"] == "SUCCESS"
    resource = Resource.objects.get(pk=body["resource_id"])
    assert (resource.file_type, resource.original_name, resource.size) == ("csv", "a.csv", len(CSV))
    node = Node.objects.get(pk=body["node"]["_id"])
    assert (node.kind, node.title, node.description, node.node_status) == ("file", "report", "2019", "READY")
    assert node.outputs == [{"name": "out", "file_type": "csv", "resource_id": resource.id}]
    assert body["node"]["node_running_status"] == "STATIC"


def test_a_resource_downloads_and_previews_escaped(single_user: None) -> None:
    resource_id = upload().json()["resource_id"]
    client = APIClient()
    raw = client.get(f"{V0}/resources/{resource_id}")
    assert raw.status_code == 200
    assert b"".join(raw.streaming_content) == CSV
    assert raw["X-Content-Type-Options"] == "nosniff"
    assert 'filename="a.csv"' in raw["Content-Disposition"]
    preview = client.get(f"{V0}/resources/{resource_id}", {"preview": "true", "file_type": "csv"})
    assert preview["Content-Type"] == "application/json"
    body = preview.json()
    assert body["status"] == "SUCCESS"
    assert body["preview"]["kind"] == "table"
    assert body["preview"]["rows"][0][0] == "<script>alert(1)</script>"
    wrong = client.get(f"{V0}/resources/{resource_id}", {"preview": "true", "file_type": "image"})
    assert wrong.status_code == 400
    assert wrong.json()["message"] == f"Resource `{resource_id}` is a csv, not a image."


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"file_type": "nope"}, "Unknown file type 'nope'"),
        ({"node_kind": "python"}, "`node_kind` must be basic-file or one of file."),
        ({"data": "not a file"}, "Send exactly one file in the form field `data`."),
        ({"file_type": "int"}, "Not a valid int"),
    ],
    ids=["file-type", "node-kind", "no-file", "bad-content"],
)
def test_bad_uploads_are_refused_and_store_nothing(single_user: None, form: dict[str, Any], message: str) -> None:
    response = upload(**form)
    assert response.status_code == 400
    assert response.json()["status"] == "FAILED"
    assert message in response.json()["message"]
    assert not Resource.objects.exists()
    assert not Node.objects.exists()


def test_an_upload_over_the_limit_is_413(single_user: None, settings: Any) -> None:
    settings.PLYNX_MAX_UPLOAD_BYTES = 10
    response = upload()
    assert response.status_code == 413
    assert response.json()["status"] == "FAILED"
    assert not Resource.objects.exists()


def test_resources_of_others_and_unknown_ids(settings: Any, tmp_path: Any) -> None:
    settings.PLYNX_MULTI_USER = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "storage")},
        },
    }
    owner = person()
    data = io.BytesIO(CSV)
    data.name = "a.csv"
    resource_id = (
        APIClient()
        .post(
            f"{V0}/upload_file",
            {"data": data, "file_type": "csv"},
            format="multipart",
            **basic(owner.username, PASSWORD),
        )
        .json()["resource_id"]
    )
    stranger = person("CAN_VIEW_WORKFLOWS")
    hidden = APIClient().get(f"{V0}/resources/{resource_id}", **basic(stranger.username, PASSWORD))
    assert hidden.status_code == 404
    for bad in ("65f0c0ffee0000000000dead", "..%2Fetc"):
        missing = APIClient().get(f"{V0}/resources/{bad}", **basic(owner.username, PASSWORD))
        assert missing.status_code == 404
    assert APIClient().get(f"{V0}/resources/{resource_id}").status_code == 401
