"""GENERATE_CODE: the code it returns, run with the plynx package against a live server, recreates an equal workflow."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.nodes.documents import PARAMETERS, SUB_NODES, dump_list, parse_list
from apps.nodes.models import Node
from tests.cli import ROOT
from tests.factories import NodeFactory

pytestmark = pytest.mark.django_db(transaction=True)

IDS = ["6b0000000000000000000001", "6b0000000000000000000002", "6b0000000000000000000003"]


def bash(node_id: str, title: str, cmd: str, **extra: Any) -> dict[str, Any]:
    return {
        "_id": node_id,
        "kind": "bash_jinja2",
        "title": title,
        "description": f"{title}, described",
        "inputs": extra.pop("inputs", []),
        "outputs": [{"name": "out", "file_type": "file"}],
        "parameters": [
            {"name": "cmd", "parameter_type": "code", "value": {"value": cmd, "mode": "sh"}},
            {"name": "n", "parameter_type": "int", "value": extra.pop("n", 1)},
        ],
        "logs": [{"name": "stdout", "file_type": "file"}],
        **extra,
    }


def join(node_id: str, title: str, **extra: Any) -> dict[str, Any]:
    """A node joining the outputs of the nodes IDS[0] and IDS[1]."""
    joined = {"name": "in", "file_types": ["file"], "min_count": 1, "max_count": -1}
    joined["values"] = [{"node_id": IDS[0], "output_id": "out"}, {"node_id": IDS[1], "output_id": "out"}]
    return bash(node_id, title, "cat {{ inputs.in | join(' ') }} > {{ outputs.out }}", inputs=[joined], **extra)


def workflow(author: Any) -> Node:
    operation = NodeFactory(kind="bash_jinja2", title="Seq", author=author, node_status="READY")
    nodes = [
        # Deliberately not in topological order, with an inline-edited node and a two-way join.
        join(IDS[2], "join", x=400, y=50),
        bash(
            IDS[0],
            "seq 'one'",
            "seq 1 {{ params.n }} > {{ outputs.out }}",
            n=5,
            x=10,
            y=20,
            original_node_id=operation.id,
        ),
        bash(IDS[1], "seq", "seq 1 3 > {{ outputs.out }}", x=10, y=200),
    ]
    return NodeFactory(
        kind="workflow", title='numbers "joined"', description="two sources, one join", author=author, nodes=nodes
    )


def workflow_with_parameters(author: Any) -> Node:
    """Workflow parameters of several kinds (as the editor and as the API make them), two nodes linked to one."""
    parameters = [
        {"name": "count", "parameter_type": "int", "value": 4, "mutable_type": False, "widget": {"alias": "count"}},
        {"name": "mode", "parameter_type": "enum", "value": {"values": ["fast", "slow"], "index": 1}},
        {
            "name": "label",
            "parameter_type": "str",
            "value": "numbers",
            "mutable_type": False,
            "widget": {"alias": "Label"},
        },
        {"name": "script", "parameter_type": "code", "value": {"value": "seq 1 2 > {{ outputs.out }}", "mode": "sh"}},
    ]
    first = bash(IDS[0], "seq", "seq 1 {{ params.n }} > {{ outputs.out }}", n=4, x=10, y=20)
    first["parameters"][1]["reference"] = "count"
    second = bash(IDS[1], "seq", "seq 1 {{ params.n }} > {{ outputs.out }}", n=4, x=10, y=200)
    second["parameters"][1]["reference"] = "count"
    second["parameters"][0]["reference"] = "script"
    second["parameters"][0]["value"] = parameters[3]["value"]
    third = join(IDS[2], "count", n=7, x=400)  # the title of a node named like a workflow parameter
    return NodeFactory(
        kind="workflow", title="parametrised", author=author, parameters=parameters, nodes=[first, second, third]
    )


def comparable(node: Node) -> tuple[Any, ...]:
    """The workflow in canonical form, node ids replaced by the node's rank by title (then height)."""
    docs = dump_list(parse_list(SUB_NODES, node.nodes, "nodes"))
    docs.sort(key=lambda doc: (doc["title"], doc["y"]))
    index = {doc["_id"]: number for number, doc in enumerate(docs)}
    normal = []
    for doc in docs:
        doc = {**doc, "_id": index[doc["_id"]]}
        doc["inputs"] = [
            {**port, "values": [{**v, "node_id": index[v["node_id"]]} if "node_id" in v else v for v in port["values"]]}
            for port in doc["inputs"]
        ]
        normal.append(doc)
    return node.title, node.description, dump_list(parse_list(PARAMETERS, node.parameters, "parameters")), normal


def run_code(code: str, endpoint: str) -> str:
    env = {**os.environ, "PLYNX_ENDPOINT": endpoint}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("face", ["v1", "v0"])
def test_generated_code_recreates_an_equal_workflow(live_server: Any, settings: Any, face: str) -> None:
    settings.PLYNX_MULTI_USER = False
    client = APIClient()
    owner = client.get("/plynx/api/v0/token").wsgi_request.user
    original = workflow(owner)
    if face == "v1":
        code = client.post(f"/api/v1/workflows/{original.id}/generate_code/").json()["code"]
    else:
        code = client.post(f"/plynx/api/v0/graphs/{original.id}/generate_code").json()["code"]
    compile(code, "generated.py", "exec")
    new_id = run_code(code, live_server.url)
    assert new_id != original.id
    recreated = Node.objects.get(pk=new_id)
    assert comparable(recreated) == comparable(original)
    assert {doc["_id"] for doc in recreated.nodes}.isdisjoint(IDS)
    # The code of the copy is the same code, but for nothing.
    again = client.post(f"/api/v1/workflows/{new_id}/generate_code/").json()["code"]
    assert again == code


@pytest.mark.parametrize("face", ["v1", "v0"])
def test_generated_code_recreates_workflow_parameters_and_the_links_to_them(
    live_server: Any, settings: Any, face: str
) -> None:
    settings.PLYNX_MULTI_USER = False
    client = APIClient()
    owner = client.get("/plynx/api/v0/token").wsgi_request.user
    original = workflow_with_parameters(owner)
    if face == "v1":
        code = client.post(f"/api/v1/workflows/{original.id}/generate_code/").json()["code"]
    else:
        code = client.post(f"/plynx/api/v0/graphs/{original.id}/generate_code").json()["code"]
    # The parameters are variables the nodes link to; the node titled like one does not shadow it.
    assert "count = WorkflowParameter('count', 'int', 4)\n" in code
    assert (
        "mode = WorkflowParameter('mode', 'enum', {'values': ['fast', 'slow'], 'index': 1}, alias=None, "
        "mutable_type=True)\n" in code
    )
    assert "label = WorkflowParameter('label', 'str', 'numbers', alias='Label')\n" in code
    assert "    params={'cmd': script, 'n': count},\n" in code
    assert "count_2 = Node(" in code
    assert "parameters=[count, mode, label, script]" in code
    new_id = run_code(code, live_server.url)
    recreated = Node.objects.get(pk=new_id)
    assert comparable(recreated) == comparable(original)
    linked = {(doc["_id"], p["name"]): p["reference"] for doc in recreated.nodes for p in doc["parameters"]}
    assert sorted(filter(None, linked.values())) == ["count", "count", "script"]
    again = client.post(f"/api/v1/workflows/{new_id}/generate_code/").json()["code"]
    assert again == code
