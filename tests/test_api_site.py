"""The API faces' common ground: single-user entry, the schema and its interactive docs."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_single_user_mode_acts_as_default_without_credentials(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False
    response = APIClient().get("/api/v1/")
    assert response.status_code == 200


def test_multi_user_mode_requires_credentials(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = True
    response = APIClient().get("/api/v1/")
    assert response.status_code == 401
    assert "credentials" in response.json()["detail"].lower()


def test_the_schema_and_docs_are_served_without_outside_assets(settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False
    client = APIClient()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "PLynx API"
    for page in ("/api/docs/", "/api/redoc/"):
        html = client.get(page).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn." not in html
        assert "unpkg" not in html
