"""A workflow whose artifacts live in S3 (a real S3-compatible server), on real workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import redis
from django.conf import settings

from apps.graphs.choices import GraphRunningStatus, NodeRunningStatus
from apps.graphs.services import run_create
from apps.resources.models import Resource
from apps.resources.storage import blob_open
from tests.factories import UserFactory
from tests.graphs.workflows import bash, inp, link, node_run, out, python, wait_for_run, workflow
from tests.live import live_environment, worker
from tests.resources.conftest import S3_BUCKET, S3_CREDENTIALS, reset_storages

PREFIX = "runs"


@pytest.fixture
def s3_storage(s3_endpoint: str, settings, tmp_path: Path) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    """This process and the workers store artifacts in the S3 bucket; yields the workers' environment."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "location": PREFIX,
                "endpoint_url": s3_endpoint,
                "access_key": S3_CREDENTIALS["aws_access_key_id"],
                "secret_key": S3_CREDENTIALS["aws_secret_access_key"],
                "region_name": S3_CREDENTIALS["region_name"],
                "file_overwrite": False,
            },
        },
    }
    reset_storages()
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    yield live_environment(
        tmp_path / "unused",
        PLYNX_STORAGE_URL=f"s3://{S3_BUCKET}/{PREFIX}",
        PLYNX_S3_ENDPOINT_URL=s3_endpoint,
        PLYNX_S3_REGION=S3_CREDENTIALS["region_name"],
        AWS_ACCESS_KEY_ID=S3_CREDENTIALS["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=S3_CREDENTIALS["aws_secret_access_key"],
    )
    reset_storages()


@pytest.mark.usefixtures("transactional_db")
def test_artifacts_in_s3(s3_storage: dict[str, str], s3_endpoint: str, tmp_path: Path) -> None:
    make = bash(
        "make",
        "mkdir -p {{ outputs.dir }}/sub && seq 1 5 > {{ outputs.dir }}/sub/n.txt",
        outputs=[out("dir", "directory")],
    )
    total = python(
        "total",
        "import pathlib\nn = sum(int(x) for x in (pathlib.Path(inputs['d']) / 'sub' / 'n.txt').read_text().split())\n"
        "open(outputs['out'], 'w').write(str(n))",
        inputs=[inp("d", link(make, "dir"), types=("directory",))],
        outputs=[out("out", "int")],
    )
    author = UserFactory()
    with worker(s3_storage, tmp_path, concurrency=2):
        run = wait_for_run(run_create(workflow=workflow(author, make, total), author=author))
    assert run.status == GraphRunningStatus.SUCCESS
    assert node_run(run, total).status == NodeRunningStatus.SUCCESS
    resource = Resource.objects.get(pk=node_run(run, total).outputs["out"])
    with blob_open(resource.storage_key) as handle:
        assert handle.read().strip() == b"15"
    keys = {
        item["Key"]
        for item in boto3.client("s3", endpoint_url=s3_endpoint, **S3_CREDENTIALS)
        .list_objects_v2(Bucket=S3_BUCKET, Prefix=f"{PREFIX}/sha256/")
        .get("Contents", [])
    }
    assert f"{PREFIX}/{resource.storage_key}" in keys
    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
