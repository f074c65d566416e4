"""The platform's configuration, computed from the environment in one place.

``read_config`` is a pure function of an environment mapping: ``settings.py`` calls it with
``os.environ`` and the tests call it with hand-made mappings. Every variable is documented in
the README and in ``compose/.env.example``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from plynx_site.env import env_bool, env_choice, env_int, env_list, env_str, env_url

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
# Django's own deployment check (security.W009) asks for at least 50 characters.
MIN_SECRET_KEY_LENGTH = 50
# SQLite waits this long for a lock before "database is locked": web and workers share the file.
SQLITE_BUSY_TIMEOUT_SECONDS = 20
# Uploads stream to disk, so the limit guards the disk, not memory; 1 GiB suits one machine.
DEFAULT_MAX_UPLOAD_BYTES = 1024**3


@dataclass(frozen=True)
class StorageConfig:
    """Where artifacts live: a local directory or an S3 bucket (with an optional key prefix)."""

    backend: Literal["local", "s3"]
    location: str  # local: absolute directory; s3: key prefix inside the bucket ("" for none)
    bucket: str | None = None
    endpoint_url: str | None = None
    region: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None


@dataclass(frozen=True)
class PlynxConfig:
    """Everything the settings module needs from the environment."""

    base_dir: Path
    var_dir: Path
    debug: bool
    secret_key: str | None
    database: dict[str, Any]
    redis_url: str
    storage: StorageConfig
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    https: bool
    host: str
    port: int
    flower_port: int
    plugins_path: Path | None
    log_level: str
    worker_concurrency: int
    node_lease_seconds: int
    node_max_attempts: int
    requeue_after_seconds: int
    sweep_interval_seconds: int
    max_upload_bytes: int
    login_max_failures: int
    login_lockout_seconds: int
    trusted_proxies: int

    @property
    def multi_user(self) -> bool:
        """Multi-user mode is on exactly when a secret key is configured."""
        return self.secret_key is not None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _database(environ: Mapping[str, str], var_dir: Path) -> dict[str, Any]:
    url = env_str(environ, "DATABASE_URL", f"sqlite:///{var_dir / 'plynx.sqlite3'}")
    assert url is not None
    scheme = urlsplit(url).scheme
    if scheme not in ("postgres", "postgresql", "pgsql", "sqlite"):
        raise ImproperlyConfigured(
            f"DATABASE_URL: expected a postgres://, postgresql:// or sqlite:/// URL, got {url!r}"
        )
    try:
        database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL: {error} ({url!r})") from None
    if scheme == "sqlite":
        if not database.get("NAME") or database["NAME"] == ":memory:":
            raise ImproperlyConfigured(
                f"DATABASE_URL: an SQLite database must be a file shared by web and workers, got {url!r}"
            )
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = {
            # WAL lets the web server read while a worker writes; IMMEDIATE avoids
            # lock upgrades failing half-way through a transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
        }
    elif not database.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL: the URL names no database, got {url!r}")
    return database


def _storage(environ: Mapping[str, str], base_dir: Path, var_dir: Path) -> StorageConfig:
    url = env_str(environ, "PLYNX_STORAGE_URL")
    endpoint_url = env_url(environ, "PLYNX_S3_ENDPOINT_URL", None, schemes=("http", "https"))
    region = env_str(environ, "PLYNX_S3_REGION")
    access_key_id = env_str(environ, "AWS_ACCESS_KEY_ID")
    secret_access_key = env_str(environ, "AWS_SECRET_ACCESS_KEY")
    if (access_key_id is None) != (secret_access_key is None):
        raise ImproperlyConfigured("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together")

    if url is None:
        return StorageConfig(backend="local", location=str(var_dir / "artifacts"))
    parts = urlsplit(url)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ImproperlyConfigured(f"PLYNX_STORAGE_URL: an s3:// URL must name a bucket, got {url!r}")
        return StorageConfig(
            backend="s3",
            location=parts.path.strip("/"),
            bucket=parts.netloc,
            endpoint_url=endpoint_url,
            region=region,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
        )
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ImproperlyConfigured(f"PLYNX_STORAGE_URL: expected file:///absolute/path, got {url!r}")
        return StorageConfig(backend="local", location=parts.path)
    if parts.scheme:
        raise ImproperlyConfigured(
            f"PLYNX_STORAGE_URL: expected a directory, file:///path or s3://bucket/prefix, got {url!r}"
        )
    return StorageConfig(backend="local", location=str((base_dir / url).resolve()))


def _origins(environ: Mapping[str, str]) -> list[str]:
    origins = env_list(environ, "PLYNX_CSRF_TRUSTED_ORIGINS", [])
    for origin in origins:
        if urlsplit(origin).scheme not in ("http", "https"):
            raise ImproperlyConfigured(f"PLYNX_CSRF_TRUSTED_ORIGINS: {origin!r} must start with http:// or https://")
    return origins


def read_config(environ: Mapping[str, str], base_dir: Path) -> PlynxConfig:
    """Compute the configuration from ``environ``; raise ``ImproperlyConfigured`` on any bad value."""
    var_dir = base_dir / "var"
    secret_key = env_str(environ, "PLYNX_SECRET_KEY")
    if secret_key is not None and (len(secret_key) < MIN_SECRET_KEY_LENGTH or len(set(secret_key)) < 5):
        raise ImproperlyConfigured(
            f"PLYNX_SECRET_KEY: must be at least {MIN_SECRET_KEY_LENGTH} random characters "
            f"(got {len(secret_key)}); generate one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    multi_user = secret_key is not None

    host = env_str(environ, "PLYNX_HOST", "127.0.0.1")
    assert host is not None
    if not multi_user and not _is_loopback(host):
        raise ImproperlyConfigured(
            f"PLYNX_HOST: single-user mode (no PLYNX_SECRET_KEY) listens on loopback only, got {host!r}; "
            "set PLYNX_SECRET_KEY to serve other machines"
        )

    allowed_hosts = env_list(environ, "PLYNX_ALLOWED_HOSTS", list(LOOPBACK_HOSTS))
    if not multi_user:
        outside = [h for h in allowed_hosts if not _is_loopback(h.strip("[]"))]
        if outside:
            raise ImproperlyConfigured(
                f"PLYNX_ALLOWED_HOSTS: single-user mode serves loopback only, got {', '.join(outside)}"
            )

    redis_url = env_url(environ, "REDIS_URL", DEFAULT_REDIS_URL, schemes=("redis", "rediss", "unix"))
    assert redis_url is not None

    plugins_path_raw = env_str(environ, "PLYNX_CONFIG_PATH")
    plugins_path = None
    if plugins_path_raw is not None:
        plugins_path = (base_dir / plugins_path_raw).resolve()
        if not plugins_path.is_file():
            raise ImproperlyConfigured(f"PLYNX_CONFIG_PATH: no such file {plugins_path_raw!r}")

    return PlynxConfig(
        base_dir=base_dir,
        var_dir=var_dir,
        debug=env_bool(environ, "PLYNX_DEBUG", default=False),
        secret_key=secret_key,
        database=_database(environ, var_dir),
        redis_url=redis_url,
        storage=_storage(environ, base_dir, var_dir),
        allowed_hosts=allowed_hosts,
        csrf_trusted_origins=_origins(environ),
        https=env_bool(environ, "PLYNX_HTTPS", default=False),
        host=host,
        port=env_int(environ, "PLYNX_PORT", 8000, minimum=1, maximum=65535),
        flower_port=env_int(environ, "PLYNX_FLOWER_PORT", 5555, minimum=1, maximum=65535),
        plugins_path=plugins_path,
        log_level=env_choice(environ, "PLYNX_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
        worker_concurrency=env_int(environ, "PLYNX_WORKER_CONCURRENCY", 4, minimum=1, maximum=256),
        node_lease_seconds=env_int(environ, "PLYNX_NODE_LEASE_SECONDS", 20, minimum=3, maximum=3600),
        node_max_attempts=env_int(environ, "PLYNX_NODE_MAX_ATTEMPTS", 3, minimum=1, maximum=100),
        requeue_after_seconds=env_int(environ, "PLYNX_REQUEUE_AFTER_SECONDS", 15, minimum=1, maximum=86400),
        sweep_interval_seconds=env_int(environ, "PLYNX_SWEEP_INTERVAL_SECONDS", 5, minimum=1, maximum=3600),
        max_upload_bytes=env_int(environ, "PLYNX_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, minimum=1),
        login_max_failures=env_int(environ, "PLYNX_LOGIN_MAX_FAILURES", 10, minimum=1, maximum=10_000),
        login_lockout_seconds=env_int(environ, "PLYNX_LOGIN_LOCKOUT_SECONDS", 900, minimum=1, maximum=86_400),
        trusted_proxies=env_int(environ, "PLYNX_TRUSTED_PROXIES", 0, minimum=0, maximum=10),
    )
