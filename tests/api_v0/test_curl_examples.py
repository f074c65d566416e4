"""Every curl example of the seed's REST API section, run with curl against a live server and a real worker.

The commands are the documentation's, as written, with two substitutions: the address of the test
server for ``http://localhost:5005``, and the ids of the objects made along the way for the
documentation's ids. ``-s`` keeps curl's progress meter out of the output.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.graphs.conftest import celery_worker, clean_broker, live_env, storage_dir  # noqa: F401 - fixtures
from tests.live import Process

pytestmark = pytest.mark.django_db(transaction=True)

GREP_CMD = "grep {{ params.template | quote }} {{ inputs.input }} > {{ outputs.out }} || true"


class Curl:
    def __init__(self, base: str, ids: dict[str, str]) -> None:
        self.base = base
        self.ids = ids

    def __call__(self, command: str) -> dict[str, Any]:
        command = command.replace("http://localhost:5005", self.base)
        for documented, real in self.ids.items():
            command = command.replace(documented, real)
        argv = shlex.split(command.replace("\\\n", " "))
        assert argv[0] == "curl"
        result = subprocess.run([argv[0], "-s", *argv[1:]], capture_output=True, text=True, timeout=60, check=True)
        return json.loads(result.stdout)


def ok(body: dict[str, Any]) -> dict[str, Any]:
    assert body["status"] == "SUCCESS", body
    assert isinstance(body["message"], str)
    return body


def test_the_documented_curl_examples(live_server: Any, celery_worker: Process, tmp_path: Path) -> None:  # noqa: F811
    ids: dict[str, str] = {}
    curl = Curl(live_server.url, ids)
    csv = tmp_path / "a.csv"
    csv.write_text("name\nabc\nxyz\n")
    ids["/tmp/a.csv"] = str(csv)

    # Upload File (the documentation's last -F line lacks its backslash; it is meant as part of the command).
    uploaded = ok(
        curl(
            """curl \\
    -X POST \\
    'http://localhost:5005/plynx/api/v0/upload_file' \\
    -u default: \\
    -H "Content-Type: multipart/form-data" \\
    -F data=@/tmp/a.csv \\
    -F title=report \\
    -F description=2019 \\
    -F file_type=csv \\
    -F node_kind=basic-file"""
        )
    )
    assert uploaded["node"]["title"] == "report"
    assert uploaded["node"]["outputs"][0]["resource_id"] == uploaded["resource_id"]
    ids["5d2fbdf3373d3b7ce6e69043"] = uploaded["node"]["_id"]

    # Default operations for base node names.
    for kind in ("python", "bash_jinja2"):
        default = ok(curl(f"curl 'http://localhost:5005/plynx/api/v0/nodes/{kind}' -u default:"))
        assert default["data"]["base_node_name"] == kind
        assert "csv" in default["resources_dict"]

    # An operation to place in graphs: a bash_jinja2 node with a `template` parameter, saved and approved.
    operation = default["data"]
    operation["title"] = "Grep"
    operation["inputs"] = [
        {"name": "input", "file_types": ["file", "csv"], "values": [], "min_count": 1, "max_count": 1}
    ]
    operation["outputs"] = [{"name": "out", "file_type": "file", "resource_id": None}]
    operation["parameters"][0]["value"]["value"] = GREP_CMD
    operation["parameters"].append({"name": "template", "parameter_type": "str", "value": "x"})
    saved = ok(
        curl(
            "curl -X POST 'http://localhost:5005/plynx/api/v0/nodes' -u default: -H 'Content-Type: application/json' "
            f"-d {shlex.quote(json.dumps({'node': operation, 'action': ['SAVE', 'APPROVE']}))}"
        )
    )
    ids["5d2d4b1dc36682386f559eae"] = ids["5d27b8dd50e56dbbce063449"] = saved["node"]["_id"]

    # Get single Node.
    node = ok(curl("curl 'http://localhost:5005/plynx/api/v0/nodes/5d27b8dd50e56dbbce063449' -u default:"))
    assert (node["data"]["title"], node["data"]["node_status"]) == ("Grep", "READY")

    # A new graph, saved.
    new = ok(curl("curl 'http://localhost:5005/plynx/api/v0/graphs/new' -u default:"))
    assert new["data"]["nodes"] == []
    graph_id = ok(
        curl(
            "curl -X POST 'http://localhost:5005/plynx/api/v0/graphs' -u default: -H 'Content-Type: application/json' "
            f"-d {shlex.quote(json.dumps({'graph': new['data'], 'actions': ['SAVE']}))}"
        )
    )["graph"]["_id"]
    ids["5d292406713b286094d4ad87"] = ids["5d1b8469705c1865e288a664"] = graph_id

    # Modify existing Graphs: the file, two operations (one removed again), a link, a parameter.
    inserted = ok(
        curl(
            """curl -X POST 'http://localhost:5005/plynx/api/v0/graphs/5d292406713b286094d4ad87/nodes/insert_node' \\
    -u default: -H "Content-Type: application/json" \\
    -d '{"node_id": "5d2d4b1dc36682386f559eae", "x": 100, "y": 100}'"""
        )
    )
    ids["5d3081ea99d54c7b6b8ff56b"] = ids["5d30b7eb88fb6a42caf0c565"] = inserted["node"]["_id"]
    spare = ok(
        curl(
            """curl -X POST 'http://localhost:5005/plynx/api/v0/graphs/5d292406713b286094d4ad87/nodes/insert_node' \\
    -u default: -H "Content-Type: application/json" \\
    -d '{"node_id": "5d2d4b1dc36682386f559eae", "x": 100, "y": 100}'"""
        )
    )
    ids["5d27e3bd0f432b5e3693314c"] = spare["node"]["_id"]
    ok(
        curl(
            """curl -X POST 'http://localhost:5005/plynx/api/v0/graphs/5d292406713b286094d4ad87/nodes/remove_node' \\
    -u default: -H "Content-Type: application/json" \\
    -d '{"node_id": "5d27e3bd0f432b5e3693314c"}'"""
        )
    )
    file_node = ok(
        curl(
            "curl -X POST 'http://localhost:5005/plynx/api/v0/graphs/5d292406713b286094d4ad87/nodes/insert_node' "
            "-u default: -H 'Content-Type: application/json' -d '{\"node_id\": \"5d2fbdf3373d3b7ce6e69043\"}'"
        )
    )["node"]
    ids["5d2fbdf3373d3b7ce6e69043"] = file_node["_id"]
    ok(
        curl(
            """curl -X POST 'http://localhost:5005/plynx/api/v0/graphs/5d292406713b286094d4ad87/nodes/create_link' \\
    -u default: -H "Content-Type: application/json" \\
    -d '{"from": {"node_id": "5d2fbdf3373d3b7ce6e69043", "resource": "out"}, "to": {"node_id": "5d3081ea99d54c7b6b8ff56b", "resource": "input"}}'"""  # noqa: E501
        )
    )
    ok(
        curl(
            """curl -X POST 'http://localhost:5005/plynx/api/v0/graphs/5d292406713b286094d4ad87/nodes/change_parameter' \\
    -u default: -H "Content-Type: application/json" \\
    -d '{"node_id": "5d30b7eb88fb6a42caf0c565", "parameter_name": "template", "parameter_value": "abc"}'"""  # noqa: E501
        )
    )

    # Change Title and Description, then get the single Graph.
    ok(
        curl(
            """curl -X PATCH \\
    'http://localhost:5005/plynx/api/v0/graphs/5d1b8469705c1865e288a664/update' \\
    -u default: -H "Content-Type: application/json" \\
    -d '{"title": "Custom title", "description":"Custom Description"}'"""
        )
    )
    graph = ok(curl("curl 'http://localhost:5005/plynx/api/v0/graphs/5d1b8469705c1865e288a664' -u default:"))["data"]
    assert (graph["title"], graph["description"], graph["graph_running_status"]) == (
        "Custom title",
        "Custom Description",
        "CREATED",
    )
    grep = next(n for n in graph["nodes"] if n["_id"] == ids["5d3081ea99d54c7b6b8ff56b"])
    assert grep["inputs"][0]["values"] == [{"node_id": file_node["_id"], "output_id": "out"}]
    assert grep["parameters"][-1]["value"] == "abc"

    # List multiple Graphs and Nodes.
    graphs = ok(
        curl(
            """curl -X POST \\
    'http://localhost:5005/plynx/api/v0/search_graphs' \\
    -u default: -H "Content-Type: application/json" \\
    -d '{"per_page":1, "search":"author:default"}'"""
        )
    )
    assert (len(graphs["items"]), graphs["total_count"]) == (1, 1)
    nodes = ok(
        curl(
            """curl -X POST \\
    'http://localhost:5005/plynx/api/v0/search_nodes' \\
    -u default: -H "Content-Type: application/json" \\
    -d '{"per_page":1, "search":"author:default"}'"""
        )
    )
    assert (len(nodes["items"]), nodes["total_count"]) == (1, 2)
    assert "csv" in nodes["resources_dict"]

    # Clone existing Graph.
    cloned = ok(
        curl(
            """curl -X POST \\
    'http://localhost:5005/plynx/api/v0/graphs/5d1b8469705c1865e288a664/clone' \\
    -u default:"""
        )
    )
    assert cloned["new_graph_id"] == cloned["graph"]["_id"] != graph_id
    assert cloned["graph"]["graph_running_status"] == "CREATED"

    # Execute the Graph, and follow it to the end.
    ok(
        curl(
            """curl -X POST \\
    'http://localhost:5005/plynx/api/v0/graphs/5d1b8469705c1865e288a664/approve' \\
    -u default:"""
        )
    )
    deadline = time.monotonic() + 60
    while True:
        graph = ok(curl("curl 'http://localhost:5005/plynx/api/v0/graphs/5d1b8469705c1865e288a664' -u default:"))[
            "data"
        ]
        if graph["graph_running_status"] in ("SUCCESS", "FAILED", "CANCELED") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert graph["graph_running_status"] == "SUCCESS", graph
    grep = next(n for n in graph["nodes"] if n["_id"] == ids["5d3081ea99d54c7b6b8ff56b"])
    assert grep["node_running_status"] == "SUCCESS"
    output = grep["outputs"][0]["resource_id"]
    result = ok(curl(f"curl 'http://localhost:5005/plynx/api/v0/resources/{output}?preview=true' -u default:"))
    assert result["preview"]["text"] == "abc\n"

    # Get state of the Master: the worker that ran it.
    state = ok(curl("curl 'http://localhost:5005/plynx/api/v0/master_state' -u default:"))
    (worker,) = state["master_state"]["workers"]
    assert worker["worker_id"].startswith(f"{celery_worker.name}@")
    assert "bash_jinja2" in worker["kinds"]
