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


def test_the_browsable_api_works_after_logging_in_through_the_admin(settings: Any) -> None:
    from django.test import Client

    from apps.users.policies import IAMPolicy
    from tests.factories import UserFactory

    settings.PLYNX_MULTI_USER = True
    admin = UserFactory(username="root", policies=[IAMPolicy.IS_ADMIN.value])
    admin.save()
    client = Client(enforce_csrf_checks=True)
    login_page = client.get("/admin/login/")
    token = login_page.cookies["csrftoken"].value
    logged_in = client.post(
        "/admin/login/?next=/admin/",
        {"username": "root", "password": "correct horse battery staple", "csrfmiddlewaretoken": token},
    )
    assert logged_in.status_code == 302
    assert logged_in["Location"] == "/admin/"
    page = client.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Api Root" in html
    assert "root" in html  # the logged-in user, in the page's header
    # Without the session the same page asks for credentials.
    assert Client().get("/api/v1/", HTTP_ACCEPT="text/html").status_code == 401
