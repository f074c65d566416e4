"""The OpenAPI schema describes the users face as it behaves, and the browsable API renders it."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.users.api.conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(settings: Any) -> dict[str, Any]:
    settings.PLYNX_MULTI_USER = True
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return dict(response.json())


def test_every_users_route_and_method_is_in_the_schema(schema: dict[str, Any]) -> None:
    routes = {
        path: sorted(method for method in item if method != "parameters")
        for path, item in schema["paths"].items()
        if path.startswith(("/api/v1/users/", "/api/v1/auth/"))
    }
    assert routes == {
        "/api/v1/auth/session/login/": ["get", "post"],
        "/api/v1/auth/session/logout/": ["post"],
        "/api/v1/auth/token/": ["post"],
        "/api/v1/auth/token/refresh/": ["post"],
        "/api/v1/auth/token/verify/": ["post"],
        "/api/v1/users/": ["get", "post"],
        "/api/v1/users/me/": ["get", "patch"],
        "/api/v1/users/me/password/": ["post"],
        "/api/v1/users/{username}/": ["get", "patch"],
    }


def test_the_schema_names_the_inputs_outputs_and_errors(schema: dict[str, Any]) -> None:
    paths, components = schema["paths"], schema["components"]["schemas"]

    def body(operation: dict[str, Any]) -> str:
        return str(operation["requestBody"]["content"]["application/json"]["schema"]["$ref"])

    me = paths["/api/v1/users/me/"]
    assert body(me["patch"]) == "#/components/schemas/PatchedMeUpdate"
    assert sorted(me["patch"]["responses"]) == ["200", "400", "401"]
    assert sorted(components["PatchedMeUpdate"]["properties"]) == ["display_name", "picture", "settings"]
    assert sorted(components["UserSettingsUpdate"]["properties"]) == ["auto_run", "page_size", "theme"]
    assert components["Me"]["properties"]["policies"]["items"] == {"$ref": "#/components/schemas/PoliciesEnum"}
    assert sorted(components["Me"]["required"]) == sorted(components["Me"]["properties"])

    users = paths["/api/v1/users/"]
    assert sorted(users["get"]["responses"]) == ["200", "401", "403"]
    assert {p["name"] for p in users["get"]["parameters"]} == {"limit", "offset", "ordering", "search"}
    assert body(users["post"]) == "#/components/schemas/UserCreate"
    assert sorted(users["post"]["responses"]) == ["201", "400", "401", "403"]
    one = paths["/api/v1/users/{username}/"]
    assert body(one["patch"]) == "#/components/schemas/PatchedUserUpdate"
    assert sorted(one["patch"]["responses"]) == ["200", "400", "401", "403", "404"]
    assert sorted(components["PatchedUserUpdate"]["properties"]) == ["display_name", "is_active", "policies"]
    assert body(paths["/api/v1/users/me/password/"]["post"]) == "#/components/schemas/PasswordChange"

    # Multi-user mode: no operation of the users face is open without credentials.
    for path in ("/api/v1/users/", "/api/v1/users/me/"):
        assert {} not in paths[path]["get"]["security"]


def test_the_browsable_api_renders_the_users_pages(settings: Any, admin: Any) -> None:
    settings.PLYNX_MULTI_USER = True
    client = bearer(admin)
    for url in ("/api/v1/users/", "/api/v1/users/me/", "/api/v1/users/root/", "/api/v1/users/me/password/"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 405), url
        assert response["Content-Type"].startswith("text/html")
    login = APIClient().get("/api/v1/auth/session/login/", HTTP_ACCEPT="text/html")
    assert login.status_code == 200
    assert 'name="password"' in login.content.decode()
