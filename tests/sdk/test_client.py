"""The plynx package against a live server and a real worker: build from operations, run, wait, read outputs."""

from __future__ import annotations

from typing import Any

import pytest
from plynx import ApiError, Client, Graph, GraphFailed, Node

from tests.factories import NodeFactory
from tests.graphs.conftest import celery_worker, clean_broker, live_env, storage_dir  # noqa: F401 - fixtures
from tests.live import Process

pytestmark = pytest.mark.django_db(transaction=True)


def operation(author: Any, title: str, cmd: str, *, inputs: list[dict[str, Any]] | None = None) -> Any:
    return NodeFactory(
        kind="bash_jinja2",
        title=title,
        author=author,
        node_status="READY",
        inputs=inputs or [],
        outputs=[{"name": "out", "file_type": "file"}],
        parameters=[
            {"name": "cmd", "parameter_type": "code", "value": {"value": cmd, "mode": "sh"}},
            {"name": "template", "parameter_type": "str", "value": "x"},
        ],
    )


def test_build_run_wait_and_read_outputs(live_server: Any, celery_worker: Process, settings: Any) -> None:  # noqa: F811
    settings.PLYNX_MULTI_USER = False
    from apps.users.services import user_ensure_default

    me = user_ensure_default()
    seq = operation(me, "Seq", "seq 1 20 > {{ outputs.out }}")
    grep = operation(
        me,
        "Grep",
        "grep {{ params.template | quote }} {{ inputs.input }} > {{ outputs.out }}",
        inputs=[{"name": "input", "file_types": ["file"], "values": [], "min_count": 1, "max_count": 1}],
    )
    client = Client(live_server.url)
    Seq, Grep = Node(client, id=seq.id), Node(client, id=grep.id)
    numbers = Seq(title="numbers")
    fives = Grep(title="lines with 5", template="5", input=numbers.outputs.out)
    graph = Graph(client, title="numbers", targets=[fives]).run().wait(timeout=60, interval=0.2, progress=False)
    outputs = graph.outputs(fives)
    body = client.session.get(f"{live_server.url}/api/v1/resources/{outputs['out']}/download/").content
    assert body == b"5\n15\n"

    missing = Grep(title="no such line", template="zzz", input=numbers.outputs.out)
    with pytest.raises(GraphFailed) as failed:
        Graph(client, title="fails", targets=[missing]).run().wait(timeout=60, interval=0.2, progress=False)
    assert failed.value.status == "FAILED"
    assert failed.value.failed == ["no such line"]


def test_mistakes_are_named(live_server: Any, settings: Any) -> None:
    settings.PLYNX_MULTI_USER = False
    from apps.users.services import user_ensure_default

    grep = operation(
        user_ensure_default(),
        "Grep",
        "true",
        inputs=[{"name": "input", "file_types": ["file"], "values": [], "min_count": 1, "max_count": 1}],
    )
    client = Client(live_server.url)
    Grep = Node(client, id=grep.id)
    with pytest.raises(TypeError, match="'Grep' has no input or parameter 'colour'; it has cmd, input, template"):
        Grep(colour="red")
    with pytest.raises(AttributeError, match="'Grep' has no output 'nope'; it has out"):
        _ = Grep().outputs.nope
    with pytest.raises(ApiError) as missing:
        Node(client, id="65f0c0ffee0000000000dead")
    assert missing.value.status == 404
    with pytest.raises(ApiError, match=r"cannot reach http://127\.0\.0\.1:9"):
        Client("http://127.0.0.1:9").get("/workflows/")
