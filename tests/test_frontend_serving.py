"""The React app served from the API's origin: built files, index.html for the app's paths, no build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

INDEX = (
    b'<!doctype html><html><body><div id="root"></div><script src="/assets/index-AbCd_12-.js"></script></body></html>'
)
BUNDLE = b"console.log('plynx');"


@pytest.fixture
def dist(tmp_path: Path, settings: Any) -> Path:
    """A built app in a temporary directory, served as frontend/dist would be."""
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_bytes(INDEX)
    (root / "assets" / "index-AbCd_12-.js").write_bytes(BUNDLE)
    (root / "favicon.svg").write_text("<svg/>")
    settings.PLYNX_FRONTEND_DIST = root
    settings.WHITENOISE_ROOT = root
    return root


@pytest.fixture
def no_dist(tmp_path: Path, settings: Any) -> None:
    settings.PLYNX_FRONTEND_DIST = tmp_path / "missing"
    settings.WHITENOISE_ROOT = None


@pytest.mark.parametrize("path", ["/", "/workflows", "/workflows/6a1f/", "/runs?status=RUNNING", "/login"])
def test_the_app_pages_answer_index_html(dist: Path, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.content == INDEX
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # The app sends this cookie's value back with its first POST (the session log-in).
    assert response.cookies["csrftoken"].value


def test_hashed_assets_are_served_and_cached_for_ever(dist: Path, client: Client) -> None:
    response = client.get("/assets/index-AbCd_12-.js")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == BUNDLE
    assert "immutable" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/javascript")


def test_unhashed_files_at_the_root_are_served_briefly_cached(dist: Path, client: Client) -> None:
    response = client.get("/favicon.svg")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]


@pytest.mark.parametrize(
    "path", ["/assets/index-Missing1.js", "/assets", "/static/missing.css", "/plynx/nothing", "/api", "/api/nothing"]
)
def test_unknown_paths_of_the_server_are_not_the_app(dist: Path, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.content != INDEX


def test_unknown_admin_paths_stay_with_the_admin(dist: Path, client: Client) -> None:
    response = client.get("/admin/nothing/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/nothing/"


@pytest.mark.django_db
def test_the_server_paths_keep_working_beside_the_app(dist: Path, client: Client) -> None:
    assert client.get("/health").json()["status"] == "ok"
    assert client.get("/api/v1/users/me/").json()["username"] == "default"
    assert client.get("/api/v1/").status_code == 200
    assert client.post("/plynx/api/v0/search_graphs", {}, content_type="application/json").json()["status"] == "SUCCESS"
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/api/schema/").status_code == 200


def test_the_app_page_only_answers_reads(dist: Path, client: Client) -> None:
    response = client.post("/workflows", {})
    assert response.status_code == 405
    assert response.content != INDEX


@pytest.mark.parametrize("path", ["/", "/workflows/6a1f"])
def test_without_a_build_a_page_says_how_to_make_one(no_dist: None, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert b"npm ci &amp;&amp; npm run build" in response.content
    assert b"make up" in response.content
    assert response["Cache-Control"] == "no-cache"


def test_without_a_build_assets_are_not_found(no_dist: None, client: Client) -> None:
    assert client.get("/assets/index-AbCd_12-.js").status_code == 404
