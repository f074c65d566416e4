"""Settings parsing: every variable, its default, a good value and a bad one."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from plynx_site.conf import read_config

BASE = Path("/srv/plynx")
KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"


def read(**environ: str):
    return read_config(environ, BASE)


def test_defaults_are_the_embedded_single_user_platform() -> None:
    config = read()
    assert config.multi_user is False
    assert config.secret_key is None
    assert config.debug is False
    assert config.database["ENGINE"] == "django.db.backends.sqlite3"
    assert config.database["NAME"] == "/srv/plynx/var/plynx.sqlite3"
    assert config.database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config.redis_url == "redis://127.0.0.1:6379/0"
    assert config.storage.backend == "local"
    assert config.storage.location == "/srv/plynx/var/artifacts"
    assert config.allowed_hosts == ["localhost", "127.0.0.1", "[::1]"]
    assert config.host == "127.0.0.1"
    assert config.port == 8000
    assert config.flower_port == 5555
    assert config.https is False
    assert config.plugins_path is None
    assert config.log_level == "INFO"
    assert config.worker_concurrency == 4
    assert (config.node_lease_seconds, config.node_max_attempts) == (20, 3)
    assert (config.requeue_after_seconds, config.sweep_interval_seconds) == (15, 5)


def test_database_url_postgres() -> None:
    config = read(DATABASE_URL="postgres://plynx:secret@db.internal:5433/plynx")
    assert config.database["ENGINE"] == "django.db.backends.postgresql"
    assert (config.database["HOST"], config.database["PORT"]) == ("db.internal", 5433)
    assert (config.database["NAME"], config.database["USER"], config.database["PASSWORD"]) == (
        "plynx",
        "plynx",
        "secret",
    )
    assert config.database["CONN_MAX_AGE"] == 60


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("mysql://u@h/db", "expected a postgres://"),
        ("postgres://u@h:5432/", "names no database"),
        ("sqlite://:memory:", "must be a file"),
        ("not a url", "expected a postgres://"),
    ],
    ids=["unsupported-engine", "no-database-name", "in-memory-sqlite", "garbage"],
)
def test_database_url_rejects(value: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"DATABASE_URL: .*{message}"):
        read(DATABASE_URL=value)


@pytest.mark.parametrize("value", ["redis://cache:6380/2", "rediss://cache:6380/0", "unix:///run/redis.sock"])
def test_redis_url_accepts(value: str) -> None:
    assert read(REDIS_URL=value).redis_url == value


@pytest.mark.parametrize("value", ["http://cache:6379", "amqp://guest@rabbit//", "redis://"])
def test_redis_url_rejects(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL: "):
        read(REDIS_URL=value)


def test_storage_url_local_forms() -> None:
    assert read(PLYNX_STORAGE_URL="file:///data/artifacts").storage.location == "/data/artifacts"
    assert read(PLYNX_STORAGE_URL="/data/artifacts").storage.location == "/data/artifacts"
    assert read(PLYNX_STORAGE_URL="store").storage.location == "/srv/plynx/store"


def test_storage_url_s3_with_endpoint_and_credentials() -> None:
    storage = read(
        PLYNX_STORAGE_URL="s3://plynx-artifacts/prod/run",
        PLYNX_S3_ENDPOINT_URL="http://127.0.0.1:8333",
        PLYNX_S3_REGION="eu-west-1",
        AWS_ACCESS_KEY_ID="AKIA",
        AWS_SECRET_ACCESS_KEY="secret",
    ).storage
    assert (storage.backend, storage.bucket, storage.location) == ("s3", "plynx-artifacts", "prod/run")
    assert (storage.endpoint_url, storage.region) == ("http://127.0.0.1:8333", "eu-west-1")
    assert (storage.access_key_id, storage.secret_access_key) == ("AKIA", "secret")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PLYNX_STORAGE_URL": "s3:///prefix"}, "PLYNX_STORAGE_URL: an s3:// URL must name a bucket"),
        ({"PLYNX_STORAGE_URL": "gs://bucket/x"}, "PLYNX_STORAGE_URL: expected a directory"),
        ({"PLYNX_STORAGE_URL": "file://host/x"}, "PLYNX_STORAGE_URL: expected file:///absolute/path"),
        ({"PLYNX_S3_ENDPOINT_URL": "ftp://s3"}, "PLYNX_S3_ENDPOINT_URL: expected a URL starting with http://"),
        ({"AWS_ACCESS_KEY_ID": "AKIA"}, "must be set together"),
    ],
    ids=["s3-without-bucket", "unknown-scheme", "file-with-host", "endpoint-scheme", "half-credentials"],
)
def test_storage_rejects(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        read_config(environ, BASE)


def test_secret_key_switches_to_multi_user_mode() -> None:
    config = read(PLYNX_SECRET_KEY=KEY, PLYNX_HOST="0.0.0.0", PLYNX_ALLOWED_HOSTS="plynx.example.com")
    assert config.multi_user is True
    assert config.secret_key == KEY
    assert config.host == "0.0.0.0"
    assert config.allowed_hosts == ["plynx.example.com"]


@pytest.mark.parametrize("value", ["short", "a" * 60], ids=["too-short", "not-random"])
def test_secret_key_rejects_weak_keys(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="PLYNX_SECRET_KEY: must be at least 50 random characters"):
        read(PLYNX_SECRET_KEY=value)


def test_single_user_mode_stays_on_loopback() -> None:
    assert read(PLYNX_HOST="::1").host == "::1"
    with pytest.raises(ImproperlyConfigured, match=r"PLYNX_HOST: single-user mode .* loopback only"):
        read(PLYNX_HOST="0.0.0.0")
    with pytest.raises(ImproperlyConfigured, match="PLYNX_ALLOWED_HOSTS: single-user mode serves loopback only"):
        read(PLYNX_ALLOWED_HOSTS="localhost,plynx.example.com")


@pytest.mark.parametrize(
    ("name", "good", "expected", "bad", "message"),
    [
        ("PLYNX_DEBUG", "Yes", True, "maybe", "expected a boolean"),
        ("PLYNX_HTTPS", "off", False, "2", "expected a boolean"),
        ("PLYNX_PORT", "8080", 8080, "http", "expected an integer"),
        ("PLYNX_PORT", "1", 1, "70000", "must be at most 65535"),
        ("PLYNX_FLOWER_PORT", "5566", 5566, "0", "must be at least 1"),
        ("PLYNX_WORKER_CONCURRENCY", "8", 8, "-1", "must be at least 1"),
        ("PLYNX_LOG_LEVEL", "debug", "DEBUG", "LOUD", "expected one of DEBUG, INFO, WARNING, ERROR"),
        ("PLYNX_NODE_LEASE_SECONDS", "30", 30, "2", "must be at least 3"),
        ("PLYNX_NODE_MAX_ATTEMPTS", "5", 5, "0", "must be at least 1"),
        ("PLYNX_REQUEUE_AFTER_SECONDS", "60", 60, "soon", "expected an integer"),
        ("PLYNX_SWEEP_INTERVAL_SECONDS", "2", 2, "0", "must be at least 1"),
    ],
)
def test_scalar_variables(name: str, good: str, expected: object, bad: str, message: str) -> None:
    attribute = name.removeprefix("PLYNX_").lower()
    assert getattr(read(**{name: good}), attribute) == expected
    with pytest.raises(ImproperlyConfigured, match=f"{name}: {message}"):
        read(**{name: bad})


def test_lists() -> None:
    config = read(PLYNX_CSRF_TRUSTED_ORIGINS="https://a.example.com, https://b.example.com")
    assert config.csrf_trusted_origins == ["https://a.example.com", "https://b.example.com"]
    with pytest.raises(ImproperlyConfigured, match="PLYNX_CSRF_TRUSTED_ORIGINS: empty item"):
        read(PLYNX_CSRF_TRUSTED_ORIGINS="https://a.example.com,,")
    with pytest.raises(ImproperlyConfigured, match=r"PLYNX_CSRF_TRUSTED_ORIGINS: .*must start with http"):
        read(PLYNX_CSRF_TRUSTED_ORIGINS="a.example.com")


def test_config_path_must_exist(tmp_path: Path) -> None:
    path = tmp_path / "plugins.yaml"
    path.write_text("{}\n")
    assert read_config({"PLYNX_CONFIG_PATH": str(path)}, BASE).plugins_path == path
    with pytest.raises(ImproperlyConfigured, match="PLYNX_CONFIG_PATH: no such file"):
        read(PLYNX_CONFIG_PATH=str(tmp_path / "missing.yaml"))


def test_blank_values_count_as_unset() -> None:
    assert read(PLYNX_PORT="  ", PLYNX_SECRET_KEY="").port == 8000
    assert read(PLYNX_SECRET_KEY="").multi_user is False
