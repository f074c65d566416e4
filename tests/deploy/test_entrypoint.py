"""The image's entry point (compose/docker/entrypoint.sh), run here with the checkout's virtualenv.

The image runs it from /app with its own virtualenv first on PATH; the tests run it from the
checkout with this interpreter's, against the test database, the test broker and a real
S3-compatible server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.conf import settings

from tests.cli import ROOT, test_database_url
from tests.live import wait_until
from tests.resources.conftest import S3_CREDENTIALS, _free_port

ENTRYPOINT = ROOT / "compose" / "docker" / "entrypoint.sh"
SECRET_KEY = "k3Xv9-entrypoint-test-secret-key-that-is-long-enough-Qw7Zr2Lp5"


def environment(**extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PLYNX_", "AWS_", "FLOWER_")) and name not in ("DATABASE_URL", "REDIS_URL")
    }
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    return {**env, **extra}


def entrypoint(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ENTRYPOINT), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_flower_refuses_to_start_without_basic_authentication() -> None:
    result = entrypoint("flower", env=environment())
    assert result.returncode == 64
    assert result.stderr == (
        "error: FLOWER_BASIC_AUTH is not set (user:password): Flower can revoke tasks and stop workers\n"
    )


def test_migrate_creates_the_missing_bucket_once(transactional_db: None, s3_endpoint: str) -> None:
    bucket = f"plynx-{uuid.uuid4().hex[:12]}"
    env = environment(
        DATABASE_URL=test_database_url(),
        PLYNX_STORAGE_URL=f"s3://{bucket}/artifacts",
        PLYNX_S3_ENDPOINT_URL=s3_endpoint,
        PLYNX_S3_REGION=S3_CREDENTIALS["region_name"],
        AWS_ACCESS_KEY_ID=S3_CREDENTIALS["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=S3_CREDENTIALS["aws_secret_access_key"],
    )
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, **S3_CREDENTIALS)
    assert bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}

    first = entrypoint("migrate", env=env)
    assert first.returncode == 0, first.stderr
    assert "No migrations to apply." in first.stdout
    assert first.stdout.endswith(f"bucket {bucket} created\n")
    assert bucket in {b["Name"] for b in s3.list_buckets()["Buckets"]}

    again = entrypoint("migrate", env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.endswith(f"bucket {bucket} exists\n")


def test_migrate_stops_on_a_bad_configuration() -> None:
    result = entrypoint("migrate", env=environment(PLYNX_LOG_LEVEL="LOUD"))
    assert result.returncode != 0
    assert "PLYNX_LOG_LEVEL: expected one of DEBUG, INFO, WARNING, ERROR, got 'LOUD'" in result.stderr


@pytest.fixture
def web_env(transactional_db: None, tmp_path: Path) -> dict[str, str]:
    """A multi-user web server answering only to plynx.example.com, as behind an Ingress."""
    return environment(
        DATABASE_URL=test_database_url(),
        REDIS_URL=settings.CELERY_BROKER_URL,
        PLYNX_STORAGE_URL=str(tmp_path / "artifacts"),
        PLYNX_SECRET_KEY=SECRET_KEY,
        PLYNX_ALLOWED_HOSTS="plynx.example.com",
        PLYNX_HTTPS="true",
        PLYNX_PORT=str(_free_port()),
        PLYNX_WEB_WORKERS="1",
    )


@pytest.fixture
def web(web_env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    log = tmp_path / "web.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [str(ENTRYPOINT), "web"],
            cwd=ROOT,
            env=web_env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(
            lambda: "Booting worker" in log.read_text() or process.poll() is not None, timeout=60, what="gunicorn"
        )
        assert process.poll() is None, log.read_text()
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        print(f"--- web log ---\n{log.read_text()[-10000:]}")


def test_health_asks_the_web_server_as_its_allowed_host(web: subprocess.Popen[bytes], web_env: dict[str, str]) -> None:
    wait_until(lambda: entrypoint("health", env=web_env).returncode == 0, timeout=30, interval=0.5, what="/health")

    os.killpg(web.pid, signal.SIGTERM)
    web.wait(timeout=30)
    result = entrypoint("health", env=web_env)
    assert result.returncode == 1
    assert result.stderr.startswith("unhealthy: ")
