"""The embedded default of `make up` (SQLite, local storage) with a two-process worker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import redis
from django.conf import settings

from tests.cli import ROOT
from tests.live import worker


def test_seed_examples_on_sqlite_without_database_is_locked(tmp_path: Path) -> None:
    broker = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/13"
    redis.Redis.from_url(broker).flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'plynx.sqlite3'}",
        "PLYNX_STORAGE_URL": str(tmp_path / "artifacts"),
        "REDIS_URL": broker,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PLYNX_SECRET_KEY", None)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    with worker(env, tmp_path, concurrency=2) as process:
        scenario = subprocess.run(
            [sys.executable, "-m", "tests.graphs.execution.embedded_scenario"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        log = process.output()
    assert scenario.returncode == 0, scenario.stderr[-5000:]
    results = json.loads(scenario.stdout.strip().splitlines()[-1])
    expected_sum = str(sum(n for n in range(1, 101) if "5" in str(n)))
    assert results == {
        str(round_): {"statuses": ["SUCCESS", "SUCCESS"], "sum": expected_sum, "split_lines": 500}
        for round_ in range(3)
    }
    assert "database is locked" not in log
    assert "database is locked" not in scenario.stderr
    assert "ERROR" not in log, log[-5000:]
