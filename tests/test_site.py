"""The web process: health, admin pages for every model, single-user loopback guard, deploy check."""

from __future__ import annotations

import secrets

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from apps.users.models import User
from tests.cli import manage
from tests.factories import (
    NodeCacheFactory,
    NodeFactory,
    NodeRunFactory,
    ResourceFactory,
    UserFactory,
    WorkerStateFactory,
)

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker(client: Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


def test_health_fails_when_the_broker_is_unreachable(client: Client, settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unavailable", "status": "unavailable"}


def test_admin_login_page(client: Client) -> None:
    assert client.get("/admin/login/").status_code == 200


def test_single_user_mode_refuses_other_machines() -> None:
    remote = Client(REMOTE_ADDR="192.0.2.10")
    response = remote.get("/admin/login/")
    assert response.status_code == 403
    assert b"Single-user mode serves this machine only" in response.content
    assert Client(REMOTE_ADDR="::1").get("/admin/login/").status_code == 200


def test_non_admins_cannot_enter_the_admin(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_every_model_is_registered_in_the_admin() -> None:
    from django.apps import apps as django_apps

    ours = [m for m in django_apps.get_models() if m.__module__.startswith("apps.")]
    registered = set(admin.site._registry)
    proxies = {"Node": {"Operation", "Workflow"}}
    for model in ours:
        names = proxies.get(model.__name__, {model.__name__})
        assert any(m.__name__ in names for m in registered), f"{model.__name__} has no admin"


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser(username="root", password="pw"))
    return client


@pytest.mark.parametrize(
    ("model", "make", "query"),
    [
        ("users/user", UserFactory, "?q=user&is_active__exact=1"),
        ("nodes/operation", lambda: NodeFactory(kind="python"), "?q=Operation&node_status__exact=CREATED"),
        ("nodes/workflow", lambda: NodeFactory(kind="workflow"), "?q=Operation&kind=workflow"),
        ("nodes/workerstate", WorkerStateFactory, "?q=celery"),
        ("graphs/run", lambda: NodeRunFactory().run, "?q=Run&status__exact=CREATED"),
        ("graphs/noderun", NodeRunFactory, "?q=0&status__exact=CREATED"),
        ("graphs/nodecache", NodeCacheFactory, "?removed__exact=0&q=a"),
        ("resources/resource", ResourceFactory, "?q=data&file_type=csv"),
    ],
)
def test_admin_pages_render(admin_client: Client, model: str, make, query: str) -> None:
    obj = make()
    changelist = admin_client.get(f"/admin/{model}/{query}")
    assert changelist.status_code == 200
    assert changelist.context_data["cl"].result_count == 1
    app_label, model_name = model.split("/")
    change = admin_client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]))
    assert change.status_code == 200
    assert admin_client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 200


def test_admin_password_change_page(admin_client: Client) -> None:
    user = UserFactory()
    response = admin_client.get(reverse("admin:auth_user_password_change", args=[user.pk]))
    assert response.status_code == 200


def test_deploy_check_passes_with_production_settings() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "PLYNX_SECRET_KEY": secrets.token_urlsafe(50),
            "PLYNX_HTTPS": "true",
            "PLYNX_HOST": "0.0.0.0",
            "PLYNX_ALLOWED_HOSTS": "plynx.example.com",
            "PLYNX_DEBUG": "false",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_bad_configuration_stops_manage_py_with_the_message() -> None:
    result = manage("check", env={"PLYNX_PORT": "eighty"})
    assert result.returncode == 1
    assert "ImproperlyConfigured: PLYNX_PORT: expected an integer, got 'eighty'" in result.stderr


def test_the_wsgi_application_loads_everything_and_freezes_it_out_of_the_collector() -> None:
    import os
    import subprocess
    import sys

    from tests.cli import ROOT

    probe = (
        "import gc, sys, plynx_site.wsgi; "
        "print(gc.get_freeze_count() > 100_000, gc.isenabled(), 'apps.nodes.api.views' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plynx_site.settings"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "True", "True"]
