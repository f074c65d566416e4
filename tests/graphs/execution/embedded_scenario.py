"""The seed's examples on the embedded default (SQLite, local storage), run as a separate process.

Usage: python -m tests.graphs.execution.embedded_scenario (with DATABASE_URL and PLYNX_STORAGE_URL set).
Prints one JSON line with what each run produced.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plynx_site.settings")
django.setup()

from apps.graphs.services import run_create  # noqa: E402
from apps.resources.models import Resource  # noqa: E402
from apps.resources.services import resource_create_from_path  # noqa: E402
from apps.resources.storage import blob_open  # noqa: E402
from apps.users.models import User  # noqa: E402
from tests.graphs.workflows import bash, file_node, inp, link, out, param, python, wait_for_run, workflow  # noqa: E402
from tests.seed_examples import SPLIT  # noqa: E402


def content(resource_id: str) -> str:
    with blob_open(Resource.objects.get(pk=resource_id).storage_key) as handle:
        return handle.read().decode()


def main() -> None:
    author, _ = User.objects.get_or_create(username="embedded")
    results = {}
    for round_ in range(3):
        seq = bash("seq", "seq 1 100 > {{ outputs.out }}", outputs=[out("out")], cacheable=False)
        grep = bash(
            "grep",
            "grep 5 {{ inputs.in }} > {{ outputs.out }}",
            inputs=[inp("in", link(seq, "out"))],
            outputs=[out("out")],
            cacheable=False,
        )
        total = python(
            "sum",
            "open(outputs['sum'], 'w').write(str(sum(int(x) for x in open(inputs['n']))))",
            inputs=[inp("n", link(grep, "out"))],
            outputs=[out("sum", "int")],
            cacheable=False,
        )
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data.csv"
            data.write_text("".join(f"{i},{i}\n" for i in range(500)))
            resource = resource_create_from_path(path=data, file_type="csv", author=author)
        source = file_node(resource.pk, "csv")
        split = python(
            "split",
            SPLIT,
            inputs=[inp("data.csv", link(source, "out"), types=("csv",), max_count=-1)],
            outputs=[out("a.csv", "csv"), out("b.csv", "csv")],
            params=[param("seed", "int", round_), param("rate", "float", 0.5)],
            cacheable=False,
        )
        runs = [
            run_create(workflow=workflow(author, seq, grep, total), author=author),
            run_create(workflow=workflow(author, source, split), author=author),
        ]
        done = [wait_for_run(run, timeout=120) for run in runs]
        rows = {row.title: row for run in done for row in run.node_runs.all()}
        lines = sum(len(content(rows["split"].outputs[name]).splitlines()) for name in ("a.csv", "b.csv"))
        results[round_] = {
            "statuses": [run.status for run in done],
            "sum": content(rows["sum"].outputs["sum"]).strip(),
            "split_lines": lines,
        }
    print(json.dumps(results))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
