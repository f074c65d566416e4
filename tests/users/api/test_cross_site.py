"""Single-user mode acts as ``default`` without credentials: a browser page of another site must
not be able to use that (a form or fetch posting to the loopback server), while scripts, curl
and the web app itself keep working."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.nodes.models import Node

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("single_user")]

WORKFLOWS = "/api/v1/workflows/"
V0_GRAPHS = "/plynx/api/v0/graphs"
NEW_WORKFLOW = {"title": "made here", "kind": "workflow"}


def browser(**headers: Any) -> APIClient:
    # enforce_csrf_checks: the test client otherwise tells Django's CSRF checks to stand aside.
    return APIClient(enforce_csrf_checks=True, **headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://evil.example", "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "http://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "null"},
    ],
    ids=["origin-and-fetch-metadata", "origin-only", "fetch-metadata-only", "opaque-origin"],
)
def test_another_site_cannot_write_as_the_default_user(headers: dict[str, str]) -> None:
    for data, form in ((NEW_WORKFLOW, "json"), (NEW_WORKFLOW, "multipart")):
        response = browser(**headers).post(WORKFLOWS, data, format=form)
        assert response.status_code == 403, response.content
        assert "CSRF Failed" in response.json()["detail"]
    assert not Node.objects.filter(title="made here").exists()


def test_another_site_cannot_write_through_the_seeds_basic_default_either() -> None:
    encoded = base64.b64encode(b"default:").decode()
    client = browser(HTTP_ORIGIN="http://evil.example", HTTP_AUTHORIZATION=f"Basic {encoded}")
    response = client.post(V0_GRAPHS, {"action": "SAVE", "graph": {}}, format="json")
    assert response.status_code == 403
    assert response.json()["status"] == "FAILED"
    assert "CSRF Failed" in response.json()["message"]


def test_reads_from_a_browser_still_answer() -> None:
    # Reading is harmless: without a CORS grant another site cannot see the answer.
    response = browser(HTTP_ORIGIN="http://evil.example", HTTP_SEC_FETCH_SITE="cross-site").get(WORKFLOWS)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_the_web_app_writes_with_its_csrf_token_from_its_own_origin() -> None:
    client = browser(HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin")
    assert client.get("/workflows").status_code == 200  # the app's page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(WORKFLOWS, NEW_WORKFLOW, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    # Without the token, even from its own origin, a browser's write is refused.
    refused = client.post(WORKFLOWS, NEW_WORKFLOW, format="json")
    assert refused.status_code == 403


def test_scripts_curl_and_the_sdk_send_no_browser_headers_and_keep_working() -> None:
    response = browser().post(WORKFLOWS, NEW_WORKFLOW, format="json")
    assert response.status_code == 201, response.content
    encoded = base64.b64encode(b"default:").decode()
    basic = browser(HTTP_AUTHORIZATION=f"Basic {encoded}").post(WORKFLOWS, NEW_WORKFLOW, format="json")
    assert basic.status_code == 201, basic.content
