"""Operations defined as Python functions and the demo hub's, in a workflow built with the SDK, run on a real worker.

Then GENERATE_CODE of that workflow, run as a program, recreates an equal workflow that runs too.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from plynx import Client, Graph, GraphFailed, Node
from plynx.demo.basic_functions import error
from plynx.demo.hello_world import get_name, print_message
from plynx.graph import Progress
from plynx.node import input, operation, operation_document, output, param

from apps.nodes.models import Node as NodeRow
from tests.graphs.conftest import celery_worker, clean_broker, live_env, storage_dir  # noqa: F401 - fixtures
from tests.live import Process
from tests.sdk.test_generate_code import comparable, run_code

pytestmark = pytest.mark.django_db(transaction=True)


@param(name="count", var_type=int, default=3)
@output(name="numbers", var_type="csv")
@output(name="total", var_type=int)
@operation(title="Numbers", description="The numbers 1..count, one per line, and their sum.")
def numbers(count: int) -> dict[str, Any]:
    values = range(1, count + 1)
    return {"numbers": "".join(f"{n}\n" for n in values).encode(), "total": sum(values)}


@input(name="numbers", var_type="csv")
@input(name="total", var_type=int)
@param(name="scale", var_type=float, default=1.0)
@output(name="report", var_type=dict)
@output(name="mean", var_type=float)
@operation(title="Summary", description="Count, scaled total and mean of a column of numbers.")
def summary(numbers: str, total: int, scale: float) -> dict[str, Any]:
    with open(numbers, encoding="utf-8") as handle:
        values = [int(line) for line in handle if line.strip()]
    assert sum(values) == total
    print(f"read {len(values)} numbers")
    return {"report": {"count": len(values), "scaled": total * scale}, "mean": total / len(values)}


def test_code_defined_operations_run_and_generate_code_recreates_the_workflow(
    live_server: Any,
    celery_worker: Process,  # noqa: F811
    settings: Any,
) -> None:
    settings.PLYNX_MULTI_USER = False
    client = Client(live_server.url)
    Numbers, Summary = Node(document=numbers), Node(document=summary)
    source = Numbers(title="numbers", count=5, x=0, y=0)
    report = Summary(title="summary", numbers=source.outputs.numbers, total=source.outputs.total, scale=2.0, x=300)
    # The demo hub's operations, as the editor's catalog finds them.
    found = client.get("/hubs/search/", params={"hub": "demo", "group": "hello_world"})["results"]
    assert [item["id"] for item in found] == [operation_document(f)["_id"] for f in (get_name, print_message)]
    GetName, PrintMessage = (Node(client, id=item["id"], document=item) for item in found)
    name = GetName(title="name", your_name="PLynx", y=200)
    greeting = PrintMessage(title="greeting", name=name.outputs.name, x=300, y=200)
    graph = Graph(client, title="code operations", targets=[report, greeting])
    shown = io.StringIO()
    graph.run().wait(timeout=120, interval=0.2, progress=Progress(graph.title, shown, use_tqdm=False))
    last = shown.getvalue().rsplit("\r", 1)[-1].rstrip()  # the line is padded over a longer one
    assert last == "code operations: SUCCESS [########################] 4/4 (success 4)"

    assert graph.read_output(source, "numbers") == b"1\n2\n3\n4\n5\n"
    assert graph.output_value(source, "total") == 15
    assert graph.output_value(report, "report") == {"count": 5, "scaled": 30.0}
    assert graph.output_value(report, "mean") == 3.0
    assert graph.output_value(greeting, "message") == "Hello PLynx!"
    assert graph.logs(report) == "read 5 numbers\n"
    assert graph.logs(greeting, "stdout") == "Hello PLynx!\n"
    assert "JOB SUCCEEDED" in graph.logs(greeting, "worker")

    # GENERATE_CODE carries the code-defined operations; its program makes an equal workflow.
    assert graph.id is not None
    code = client.post(f"/workflows/{graph.id}/generate_code/")["code"]
    new_id = run_code(code, live_server.url)
    assert new_id != graph.id
    assert comparable(NodeRow.objects.get(pk=new_id)) == comparable(NodeRow.objects.get(pk=graph.id))
    # ... which runs as well: every node is answered by the cache.
    rerun = Graph(client, title="code operations", id=new_id)
    rerun.run_id = client.post(f"/workflows/{new_id}/run/")["run_id"]
    rerun.wait(timeout=120, interval=0.2, progress=False)
    statuses = {row["title"]: row["status"] for row in rerun.run_nodes()}
    assert statuses == dict.fromkeys(["numbers", "summary", "name", "greeting"], "RESTORED")


def test_a_failing_code_operation_names_the_node_and_logs_the_error(
    live_server: Any,
    celery_worker: Process,  # noqa: F811
    settings: Any,
) -> None:
    settings.PLYNX_MULTI_USER = False
    client = Client(live_server.url)
    failing = Node(document=error)(title="always fails")
    graph = Graph(client, title="fails", targets=[failing])
    with pytest.raises(GraphFailed) as failed:
        graph.run().wait(timeout=120, interval=0.2, progress=False)
    assert (failed.value.status, failed.value.failed) == ("FAILED", ["always fails"])
    assert "RuntimeError: this operation always fails (x = [])" in graph.logs(failing, "stderr")
