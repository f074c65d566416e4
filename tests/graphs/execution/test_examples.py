"""The seed's examples, end to end on real workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.graphs.choices import GraphRunningStatus, NodeRunningStatus
from apps.graphs.services import run_create
from apps.resources.models import Resource
from apps.resources.services import resource_create_from_path
from apps.resources.storage import blob_open
from tests.factories import UserFactory
from tests.graphs.workflows import bash, file_node, inp, link, node_run, out, param, python, wait_for_run, workflow
from tests.live import Process
from tests.seed_examples import SPLIT

pytestmark = pytest.mark.usefixtures("celery_worker")


def content(resource_id: str) -> bytes:
    with blob_open(Resource.objects.get(pk=resource_id).storage_key) as handle:
        return handle.read()


def test_seq_grep_sum(celery_worker: Process) -> None:
    seq = bash("seq", "seq 1 100 > {{ outputs.out }}", outputs=[out("out")])
    grep = bash(
        "grep 5",
        "grep 5 {{ inputs.in | quote }} > {{ outputs.out }}",
        inputs=[inp("in", link(seq, "out"))],
        outputs=[out("out")],
    )
    total = python(
        "sum",
        "with open(inputs['numbers']) as f, open(outputs['sum'], 'w') as o:\n"
        "    o.write(str(sum(int(line) for line in f)))\n",
        inputs=[inp("numbers", link(grep, "out"))],
        outputs=[out("sum", "int")],
    )
    run = wait_for_run(run_create(workflow=workflow(UserFactory(), seq, grep, total), author=UserFactory()))
    assert run.status == GraphRunningStatus.SUCCESS, celery_worker.output()[-3000:]
    expected = sum(n for n in range(1, 101) if "5" in str(n))
    assert (
        content(node_run(run, total).outputs["sum"]) == f"{expected}\n".encode()
        or content(node_run(run, total).outputs["sum"]) == str(expected).encode()
    )
    assert {nr.status for nr in run.node_runs.all()} == {NodeRunningStatus.SUCCESS}


def test_split(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("".join(f"{i},{i * i}\n" for i in range(1000)))
    author = UserFactory()
    resource = resource_create_from_path(path=data, file_type="csv", original_name="data.csv", author=author)
    source = file_node(resource.pk, "csv")
    split = python(
        "split",
        SPLIT,
        inputs=[inp("data.csv", link(source, "out"), types=("csv",), max_count=-1)],
        outputs=[out("a.csv", "csv"), out("b.csv", "csv")],
        params=[param("seed", "int", 7), param("rate", "float", 0.3)],
    )
    run = wait_for_run(run_create(workflow=workflow(author, source, split), author=author))
    assert run.status == GraphRunningStatus.SUCCESS
    row = node_run(run, split)
    a, b = content(row.outputs["a.csv"]).decode(), content(row.outputs["b.csv"]).decode()
    assert len(a.splitlines()) + len(b.splitlines()) == 1000
    assert 200 < len(a.splitlines()) < 400
    assert sorted(a.splitlines() + b.splitlines()) == sorted(data.read_text().splitlines())
    assert node_run(run, source).status == NodeRunningStatus.STATIC
