"""Workflow parameters in the Python API: declare, link node parameters to them, override them per run, load.

The first tests need no server (they check documents and mistakes); the last ones run against a
live server and a real worker.
"""

from __future__ import annotations

from typing import Any

import pytest
from plynx import ApiError, Client, Graph, Node
from plynx.graph import WorkflowParameter

from apps.graphs.models import Run
from apps.nodes.models import Node as NodeRow
from tests.graphs.conftest import celery_worker, clean_broker, live_env, storage_dir  # noqa: F401 - fixtures
from tests.live import Process

CMD = "seq 1 {{ params.step }} {{ params['last-n'] }} > {{ outputs.out }}"
SEQ = {
    "kind": "bash_jinja2",
    "title": "Seq",
    "inputs": [],
    "outputs": [{"name": "out", "file_type": "file"}],
    "parameters": [
        {"name": "cmd", "parameter_type": "code", "value": {"value": CMD, "mode": "sh"}},
        {"name": "last-n", "parameter_type": "int", "value": 1},
        {"name": "step", "parameter_type": "int", "value": 1},
        {"name": "label", "parameter_type": "str", "value": ""},
    ],
}


def offline() -> Graph:
    return Graph(Client("http://127.0.0.1:9"), title="numbers")


def by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {parameter["name"]: parameter for parameter in document["parameters"]}


def test_a_linked_node_parameter_refers_to_the_workflow_parameter_and_shows_its_value() -> None:
    graph = offline()
    count = graph.parameter("count", "int", 5)
    label = graph.parameter("label", "str", "five", alias="Label")
    Seq = Node(document=SEQ)
    first = Seq(title="first", last_n=count)  # as a keyword argument
    second = Seq(title="second")
    second.params.last_n = count  # as an attribute, "-" written "_"
    graph.link_parameter(second, "label", "label")  # by names
    second.params["step"] = 2
    graph.targets = [first, second]

    document = graph.document()
    assert document["parameters"] == [
        {
            "name": "count",
            "parameter_type": "int",
            "value": 5,
            "mutable_type": False,
            "removable": True,
            "publicable": True,
            "widget": {"alias": "count"},
            "reference": None,
        },
        {
            "name": "label",
            "parameter_type": "str",
            "value": "five",
            "mutable_type": False,
            "removable": True,
            "publicable": True,
            "widget": {"alias": "Label"},
            "reference": None,
        },
    ]
    first_doc, second_doc = (by_name(doc) for doc in document["nodes"])
    assert (first_doc["last-n"]["reference"], first_doc["last-n"]["value"]) == ("count", 5)
    assert "reference" not in first_doc["step"]
    assert (second_doc["last-n"]["reference"], second_doc["label"]["reference"]) == ("count", "label")
    assert (second_doc["step"]["value"], second_doc["label"]["value"]) == (2, "five")
    assert second.references() == {"last-n": count, "label": label}

    # A value of its own unlinks a parameter; the workflow's value is what the node shows.
    count.value = 7
    graph.unlink_parameter(second, "label")
    second_doc = by_name(graph.document()["nodes"][1])
    assert (second_doc["last-n"]["value"], second_doc["label"]["value"]) == (7, "five")
    assert second_doc["label"].get("reference") is None


def test_workflow_parameters_nodes_link_to_are_part_of_the_workflow_even_undeclared() -> None:
    threshold = WorkflowParameter("threshold", "int", 3, alias=None)
    node = Node(document=SEQ)(step=threshold)
    graph = Graph(Client("http://127.0.0.1:9"), targets=[node])
    assert [p["name"] for p in graph.document()["parameters"]] == ["threshold"]
    assert graph.document()["parameters"][0]["widget"] is None
    other = Node(document=SEQ)(step=WorkflowParameter("threshold", "int", 4))
    graph.targets.append(other)
    with pytest.raises(
        ValueError, match="parameter 'step' of 'Seq' is linked to a workflow parameter 'threshold' other"
    ):
        graph.document()


@pytest.mark.parametrize(
    ("declare", "error", "message"),
    [
        (("count", "integer", 1), ValueError, "workflow parameter 'count': unknown parameter type 'integer'; use one"),
        (("count", "int", "5"), ValueError, "workflow parameter 'count': the value '5' does not fit the type int"),
        (("count", "int", True), ValueError, "workflow parameter 'count': the value True does not fit the type int"),
        (("count", "float", float("nan")), ValueError, "the value nan does not fit the type float"),
        (("two words", "str", ""), ValueError, "workflow parameter name 'two words': use 1 to 64 letters"),
        (("used", "int", 1), ValueError, "the workflow already has a parameter named 'used'"),
    ],
    ids=["unknown-type", "str-for-int", "bool-for-int", "nan", "bad-name", "twice"],
)
def test_declaring_mistakes_are_named(declare: tuple[str, str, Any], error: type[Exception], message: str) -> None:
    graph = offline()
    graph.parameter("used", "str", "x")
    with pytest.raises(error, match=message.replace("(", r"\(")):
        graph.parameter(*declare)
    assert list(graph.parameters) == ["used"]


def test_values_take_the_server_form() -> None:
    graph = offline()
    assert graph.parameter("rate", "float", 1).value == 1.0
    assert graph.parameter("mode", "enum", ["fast", "slow"]).value == {"values": ["fast", "slow"], "index": 0}
    assert graph.parameter("script", "code", "print(1)").value == {"value": "print(1)", "mode": "python"}
    assert graph.parameter("colour", "color", "#ABCDEF").value == "#abcdef"
    assert graph.parameter("empty", "list_int").value == []


@pytest.mark.parametrize(
    "document",
    [
        {"name": "picked", "parameter_type": "list_node", "value": {"value": [{"_id": "6b0000000000000000000001"}]}},
        {"name": "mode", "parameter_type": "enum", "value": {"values": ["a", "b"], "index": 1}, "mutable_type": True},
        {"name": "script", "parameter_type": "code", "value": {"value": "ls", "mode": "sh"}, "removable": False},
    ],
    ids=["list_node", "enum", "code"],
)
def test_a_stored_workflow_parameter_reads_back_as_it_was(document: dict[str, Any]) -> None:
    stored = {
        "mutable_type": False,
        "removable": True,
        "publicable": False,
        "widget": {"alias": "Shown"},
        "reference": None,
        **document,
    }
    assert WorkflowParameter.from_document(stored).to_document() == stored


def test_a_changed_value_is_checked_too() -> None:
    count = offline().parameter("count", "int", 5)
    count.value = 8
    with pytest.raises(ValueError, match="workflow parameter 'count': the value 'eight' does not fit the type int"):
        count.value = "eight"
    assert count.value == 8


def test_linking_mistakes_name_the_node_and_the_parameter() -> None:
    graph = offline()
    count = graph.parameter("count", "int", 5)
    name = graph.parameter("name", "str", "x")
    node = Node(document=SEQ)(title="numbers")
    with pytest.raises(AttributeError, match="'numbers' has no parameter 'colour'; it has cmd, last-n, step, label"):
        node.params.colour = count
    with pytest.raises(KeyError, match="'numbers' has no parameter 'colour'"):
        graph.link_parameter(node, "colour", count)
    with pytest.raises(
        TypeError, match="parameter 'label' of 'numbers' is of type str and cannot take its value from "
    ):
        node.params.label = count
    with pytest.raises(TypeError, match=r"parameter 'step' of 'Seq' is of type int .* 'name' of type str"):
        Node(document=SEQ)(step=name)
    with pytest.raises(KeyError, match="the workflow has no parameter 'size'; it has count, name"):
        graph.link_parameter(node, "step", "size")
    assert node.references() == {}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"size": 3, "other": 1}, "unknown workflow parameter(s) 'other', 'size'; the workflow has count, mode"),
        ({"count": "3"}, "workflow parameter 'count': the value '3' does not fit the type int"),
        ({"count": None}, "workflow parameter 'count': give a value of type int, not None"),
        ({"mode": "medium"}, "workflow parameter 'mode': expected one of 'fast', 'slow', got 'medium'"),
    ],
    ids=["unknown", "wrong-type", "none", "not-a-choice"],
)
def test_run_overrides_are_checked_before_anything_is_sent(overrides: dict[str, Any], message: str) -> None:
    graph = offline()  # nothing answers there: a request would fail with ApiError
    graph.parameter("count", "int", 5)
    graph.parameter("mode", "enum", ["fast", "slow"])
    graph.targets = [Node(document=SEQ)()]
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        graph.run(parameters=overrides)
    assert (graph.id, graph.run_id) == (None, None)


@pytest.mark.django_db(transaction=True)
def test_save_load_and_run_with_overrides(live_server: Any, celery_worker: Process, settings: Any) -> None:  # noqa: F811
    settings.PLYNX_MULTI_USER = False
    client = Client(live_server.url)
    graph = Graph(client, title="counting", description="how far is a parameter")
    count = graph.parameter("count", "int", 5)
    graph.parameter("mode", "enum", ["fast", "slow"])
    Seq = Node(document=SEQ)
    numbers = Seq(title="numbers", last_n=count, x=10, y=20)
    evens = Seq(title="evens", last_n=count, step=2, x=10, y=200)
    graph.targets = [numbers, evens]
    graph.save()

    stored = NodeRow.objects.get(pk=graph.id)
    assert [p["name"] for p in stored.parameters] == ["count", "mode"]
    references = {(doc["title"], p["name"]): p["reference"] for doc in stored.nodes for p in doc["parameters"]}
    assert {key: ref for key, ref in references.items() if ref} == {
        ("numbers", "last-n"): "count",
        ("evens", "last-n"): "count",
    }

    loaded = Graph.load(client, graph.id)
    assert loaded.parameters["count"].value == 5
    assert loaded.parameters["mode"].value == {"values": ["fast", "slow"], "index": 0}
    by_title = {node.title: node for node in loaded.nodes()}
    assert by_title["evens"].references() == {"last-n": loaded.parameters["count"]}
    # What it would store is what is stored.
    assert loaded.document()["parameters"] == stored.parameters
    ours = sorted(({"original_node_id": None, **doc} for doc in loaded.document()["nodes"]), key=lambda d: d["_id"])
    assert ours == sorted(stored.nodes, key=lambda d: d["_id"])
    before = (stored.parameters, stored.nodes)
    loaded.save()  # the same workflow, stored again
    stored.refresh_from_db()
    assert (stored.parameters, stored.nodes) == before

    # The workflow's value, then an override for one run; the workflow keeps its value.
    loaded.run().wait(timeout=60, interval=0.2, progress=False)
    assert loaded.read_output(by_title["numbers"], "out") == b"1\n2\n3\n4\n5\n"
    loaded.run(parameters={"count": 3, "mode": "slow"}).wait(timeout=60, interval=0.2, progress=False)
    assert loaded.read_output(by_title["numbers"], "out") == b"1\n2\n3\n"
    assert loaded.read_output(by_title["evens"], "out") == b"1\n3\n"
    run = Run.objects.get(pk=loaded.run_id)
    assert run.graph["parameter_overrides"] == {"count": 3, "mode": {"values": ["fast", "slow"], "index": 1}}
    stored.refresh_from_db()
    assert stored.parameters[0]["value"] == 5

    # A reference the workflow cannot satisfy is refused by the server, naming the node and the parameter.
    broken = Seq(title="broken")
    broken.document["parameters"][2]["reference"] = "missing"
    with pytest.raises(ApiError, match="parameter 'step' of 'broken' refers to the workflow parameter 'missing'"):
        Graph(client, title="broken", targets=[broken]).save()
    assert not NodeRow.objects.filter(title="broken").exists()
