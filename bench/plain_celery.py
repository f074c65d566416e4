"""The baseline: plain Celery tasks doing the same subprocess work as a no-op node, no platform around them.

Started as its own worker: ``celery -A bench.plain_celery worker -c 2``.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from celery import Celery

broker = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
app = Celery("plain", broker=broker, backend=broker)
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_reject_on_worker_lost=True,
)

SCRIPT = "true\n"


@app.task(name="bench.noop")
def noop(*_: object) -> str:
    """What a no-op node costs at its core: a fresh directory, a script file, a bash process."""
    with tempfile.TemporaryDirectory(prefix="plain-") as tmp:
        script = Path(tmp) / "script.sh"
        script.write_text(SCRIPT)
        out = Path(tmp) / "out"
        out.touch()
        env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "LANG": "C.UTF-8"}
        subprocess.run(["bash", str(script)], cwd=tmp, env=env, check=True, start_new_session=True)
    return "ok"
