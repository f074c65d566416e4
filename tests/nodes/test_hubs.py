"""Hubs: the database's catalog and catalogs of operations defined in Python (StaticListHub), through the API."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from plynx.demo import COLLECTION as DEMO
from plynx.node import Group, input, make_operations_meta, operation, output, param
from rest_framework.test import APIClient

from apps.nodes.choices import NodeStatus
from apps.nodes.hubs import DatabaseHub, StaticListHub, check_hubs, configured_hubs
from apps.nodes.models import Node
from plynx_site.plugins import load_plugins
from tests.nodes.api.conftest import make_operation, owner, users  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("multi_user")]


@input(name="rows", var_type="csv", is_array=True)
@output(name="count", var_type=int)
@operation(title="Count rows")
def count_rows(rows: list[str]) -> dict[str, int]:
    return {"count": len(rows)}


@param(name="size", var_type=int, default=3)
@output(name="table", var_type="csv")
@operation(title="Make table", description="A table of size rows.")
def make_table(size: int) -> dict[str, bytes]:
    return {"table": "".join(f"{n}\n" for n in range(size)).encode()}


@output(name="data", var_type=dict)
@operation(title="Loose one")
def loose() -> dict[str, Any]:
    return {"data": {}}


COLLECTION = [
    Group(title="Tables", items=[make_table, Group(title="Counting & more", items=[count_rows])]),
    loose,
]


@output(name="frame", var_type="parquet")
@operation(title="Unknown type")
def unknown_type() -> dict[str, bytes]:
    return {"frame": b""}


BAD_TYPE = [Group(title="Bad", items=[unknown_type])]


@operation(title="Shell", kind="bash_jinja2")
def shell() -> None:
    print("not a shell script")


NOT_PYTHON = [shell]


def plugins_with(tmp_path: Path, hubs: str) -> Any:
    path = tmp_path / "plugins.yaml"
    path.write_text(f"hubs:\n{hubs}")
    return load_plugins(path)


@pytest.fixture
def custom_hub(settings: Any, tmp_path: Path) -> None:
    settings.PLYNX_PLUGINS = plugins_with(
        tmp_path,
        "  - {kind: mine, title: My operations, icon: star, cls: apps.nodes.hubs.StaticListHub,"
        " args: {module: tests.nodes.test_hubs.COLLECTION}}\n",
    )


def test_the_demo_hub_lists_the_seed_groups(client_as: Callable[[str], APIClient]) -> None:
    database, demo = client_as("owner").get("/api/v1/hubs/").json()
    assert database["kind"] == "database"
    python = {"kind": "python", "icon": "code", "color": "#283593"}
    assert demo == {
        "kind": "demo",
        "title": "Demo operations",
        "icon": "box",
        "groups": [
            {"key": "hello_world", "title": "Hello World", "count": 2, **python},
            {"key": "python_built_in_types", "title": "Python built-in types", "count": 9, **python},
            {"key": "basic_functions", "title": "Basic functions", "count": 7, **python},
        ],
    }
    # Who may not view others' operations finds none of the hub's either.
    counts = [group["count"] for group in client_as("loner").get("/api/v1/hubs/").json()[1]["groups"]]
    assert counts == [0, 0, 0]


def test_a_group_of_the_demo_hub_is_searched(client_as: Callable[[str], APIClient]) -> None:
    api = client_as("owner")
    response = api.get("/api/v1/hubs/search/?hub=demo&group=hello_world")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    get_name, print_message = body["results"]
    expected = make_operations_meta(DEMO)[0]["items"]
    assert [get_name["id"], print_message["id"]] == [item["_id"] for item in expected]
    assert get_name["title"] == "Get name"
    assert get_name["node_status"] == "READY"
    assert get_name["kind"] == "python"
    assert (get_name["author"], get_name["author_name"], get_name["readonly"]) == (None, "demo", True)
    as_admin = client_as("admin").get("/api/v1/hubs/search/?hub=demo&group=hello_world").json()["results"][0]
    assert as_admin["readonly"] is True  # not stored, so not changed by anyone
    assert get_name["outputs"] == [{"name": "name", "file_type": "str", "resource_id": None}]
    assert [p["name"] for p in get_name["parameters"]] == ["cmd", "your_name", "cacheable", "_timeout"]
    assert get_name["parameters"][0]["value"]["value"] == expected[0]["parameters"][0]["value"]["value"]
    assert print_message["inputs"] == [
        {"name": "name", "file_types": ["str"], "values": [], "min_count": 1, "max_count": 1}
    ]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("q=print&group=python_built_in_types", ["Print int value", "Print str value", "Print dict value"]),
        ("q=make", ["Produce values", "Make integer", "Make choice"]),  # "Make one value of each basic type"
        ("q=sleep timeout", ["Sleep"]),
        ("input_file_type=json", ["Print dict value", "File to dict", "Dict to file"]),
        ("output_file_type=color", ["Produce values"]),
        ("kind=python&q=id:none", []),
        ("q=status:CREATED", []),
        ("q=author:demo greeting", ["Print message"]),
        ("q=author:owner", []),
        ("kind=bash_jinja2", []),
    ],
)
def test_the_demo_hub_is_searched_by_text_and_types(
    client_as: Callable[[str], APIClient], query: str, titles: list[str]
) -> None:
    response = client_as("owner").get(f"/api/v1/hubs/search/?hub=demo&limit=3&{query}")
    assert response.status_code == 200, response.content
    assert [item["title"] for item in response.json()["results"]] == titles


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("hub=demo&group=nope", {"group": ["hub 'demo' has no group 'nope'"]}),
        ("hub=database&group=nope", {"group": ["hub 'database' has no group 'nope'"]}),
        ("group=hello_world", {"group": ["a group is searched within a hub: give hub too"]}),
        (
            "hub=demo&q=color:red",
            {"search": ["unknown search key 'color'; use one of author, kind, status, starred, id"]},
        ),
    ],
)
def test_bad_searches_name_the_field(client_as: Callable[[str], APIClient], query: str, error: Any) -> None:
    response = client_as("owner").get(f"/api/v1/hubs/search/?{query}")
    assert response.status_code == 400
    assert response.json() == error


def test_the_database_hub_searches_by_group(client_as: Callable[[str], APIClient], owner: Any) -> None:  # noqa: F811
    split = make_operation(owner, status=NodeStatus.READY)
    make_operation(owner, status=NodeStatus.READY, kind="bash_jinja2", title="Sort")
    found = client_as("owner").get("/api/v1/hubs/search/?hub=database&group=python").json()
    assert [item["id"] for item in found["results"]] == [split.pk]
    everything = client_as("owner").get("/api/v1/hubs/search/").json()
    assert everything["count"] == 2  # without a hub: the stored operations only


@pytest.mark.usefixtures("custom_hub")
def test_nested_groups_of_a_configured_module(client_as: Callable[[str], APIClient]) -> None:
    *_, hub = client_as("owner").get("/api/v1/hubs/").json()
    assert hub["kind"] == "mine"
    assert [(g["key"], g["title"], g["count"]) for g in hub["groups"]] == [
        ("operations", "My operations", 1),
        ("tables", "Tables", 1),
        ("tables/counting_more", "Tables / Counting & more", 1),
    ]

    def titles(query: str) -> list[str]:
        response = client_as("owner").get(f"/api/v1/hubs/search/?hub=mine&{query}")
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["results"]]

    assert titles("group=tables") == ["Make table", "Count rows"]
    assert titles("group=tables/counting_more") == ["Count rows"]
    assert titles("") == ["Loose one", "Make table", "Count rows"]
    assert titles("q=rows") == ["Make table", "Count rows"]  # a description matches too


def test_a_hub_operation_makes_a_workflow_node_that_validates(client_as: Callable[[str], APIClient]) -> None:
    api = client_as("owner")
    found = api.get("/api/v1/hubs/search/?hub=demo&group=hello_world").json()["results"]
    get_name, print_message = found

    def node(operation: dict[str, Any], node_id: str, links: list[dict[str, str]]) -> dict[str, Any]:
        keys = ("kind", "title", "description", "inputs", "outputs", "parameters", "logs")
        doc = {key: operation[key] for key in keys}
        doc["inputs"] = [{**port, "values": links} for port in doc["inputs"]]
        return {**doc, "_id": node_id, "original_node_id": operation["id"]}

    nodes = [
        node(get_name, "6c0000000000000000000001", []),
        node(print_message, "6c0000000000000000000002", [{"node_id": "6c0000000000000000000001", "output_id": "name"}]),
    ]
    created = api.post("/api/v1/workflows/", {"kind": "workflow", "title": "hello", "nodes": nodes}, format="json")
    assert created.status_code == 201, created.content
    validated = api.post(f"/api/v1/workflows/{created.json()['id']}/validate/").json()
    assert validated == {"valid": True, "validation_error": None}
    assert Node.objects.filter(pk=get_name["id"]).count() == 0  # the hub's operations stay in memory


def test_hubs_are_made_once_per_configuration() -> None:
    hubs = configured_hubs()
    assert list(hubs) == ["database", "demo"]
    assert isinstance(hubs["database"], DatabaseHub)
    assert isinstance(hubs["demo"], StaticListHub)
    assert configured_hubs()["demo"] is hubs["demo"]
    assert hubs["demo"].operation(make_operations_meta(DEMO)[2]["items"][0]["_id"]).title == "Make integer"
    assert hubs["demo"].operation("0" * 24) is None


@pytest.mark.parametrize(
    ("hubs", "message"),
    [
        (
            "  - {kind: x, title: X, cls: apps.nodes.hubs.StaticListHub, args: {module: no.such.module}}\n",
            "hubs.x: cannot import 'no.such.module': No module named 'no'",
        ),
        (
            "  - {kind: x, title: X, cls: apps.nodes.hubs.StaticListHub, args: {module: plynx.node}}\n",
            "hubs.x: the module 'plynx.node' has no COLLECTION",
        ),
        (
            "  - {kind: x, title: X, cls: apps.nodes.hubs.StaticListHub, args: {}}\n",
            "hubs.x: args.module must name a module such as plynx.demo",
        ),
        (
            "  - {kind: x, title: X, cls: apps.nodes.hubs.StaticListHub,"
            " args: {module: tests.nodes.test_hubs.BAD_TYPE}}\n",
            "hubs.x: operation tests.nodes.test_hubs:unknown_type: 'frame' has the file type 'parquet', which python "
            "operations do not take",
        ),
        (
            "  - {kind: x, title: X, cls: apps.nodes.hubs.StaticListHub,"
            " args: {module: tests.nodes.test_hubs.NOT_PYTHON}}\n",
            "hubs.x: operation tests.nodes.test_hubs:shell: bash_jinja2 operations do not run Python code (their "
            "executor is 'apps.nodes.executors.bash_jinja2.BashJinja2Executor')",
        ),
        (
            "  - {kind: x, title: X, cls: apps.nodes.hubs.DatabaseHub, args: {operations: [python, spark]}}\n",
            "hubs.x: unknown operation kinds spark",
        ),
        (
            "  - {kind: x, title: X, cls: apps.nodes.hubs.DatabaseHub, args: {operation: [python]}}\n",
            "hubs.x: unknown args operation; use operations",
        ),
        (
            "  - {kind: x, title: X, cls: apps.nodes.models.Node}\n",
            "hubs.x: 'apps.nodes.models.Node' is not a subclass of apps.nodes.hubs.BaseHub",
        ),
    ],
    ids=[
        "no-module",
        "no-collection",
        "no-args",
        "bad-file-type",
        "not-python",
        "unknown-kind",
        "unknown-arg",
        "not-a-hub",
    ],
)
def test_a_broken_hub_is_named_at_start(settings: Any, tmp_path: Path, hubs: str, message: str) -> None:
    settings.PLYNX_PLUGINS = plugins_with(tmp_path, hubs)
    errors = check_hubs()
    assert [error.id for error in errors] == ["nodes.E001"]
    assert errors[0].msg.startswith(message)
    with pytest.raises(ImproperlyConfigured, match=r"^hubs\.x: "):
        configured_hubs()


def test_the_default_hubs_pass_the_check() -> None:
    assert check_hubs() == []


# --- storing code-defined operations (manage.py load_operations) -----------------------------------


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_operations", *args, stdout=out)
    return out.getvalue()


def test_load_operations_stores_them_once(client_as: Callable[[str], APIClient], owner: Any) -> None:  # noqa: F811
    target = "tests.nodes.test_hubs.COLLECTION"
    assert load(target, "--author", "owner") == (
        f"{target}: 3 operations by owner: 3 new, 0 unchanged, 0 approved again, 0 older versions deprecated\n"
    )
    ids = [item["_id"] for item in make_operations_meta(COLLECTION)[0]["items"][:1]]
    stored = Node.objects.get(pk=ids[0])
    assert (stored.title, stored.node_status, stored.author, stored.kind) == ("Make table", "READY", owner, "python")
    assert Node.objects.filter(author=owner).count() == 3
    api = client_as("owner")
    assert api.get(f"/api/v1/operations/{stored.pk}/").json()["parameters"] == stored.parameters
    found = api.get("/api/v1/hubs/search/?hub=database&q=table").json()["results"]
    assert [item["id"] for item in found] == [stored.pk]

    assert load(target, "--author", "owner") == (
        f"{target}: 3 operations by owner: 0 new, 3 unchanged, 0 approved again, 0 older versions deprecated\n"
    )
    assert Node.objects.filter(author=owner).count() == 3


def test_load_operations_deprecates_older_versions(owner: Any) -> None:  # noqa: F811
    current = {item["title"]: item for item in make_operations_meta([make_table, count_rows])}
    older_cmd = "# Operation 'Make table', defined in Python as tests.nodes.test_hubs:make_table.\nprint('v1')\n"
    older = make_operation(
        owner,
        status=NodeStatus.READY,
        title="Make table",
        parameters=[{"name": "cmd", "parameter_type": "code", "value": {"value": older_cmd, "mode": "python"}}],
    )
    unrelated = make_operation(owner, status=NodeStatus.READY, title="Split")
    retired = make_operation(owner, status=NodeStatus.DEPRECATED, title="Count rows")
    Node.objects.filter(pk=retired.pk).update(id=current["Count rows"]["_id"])

    out = load("tests.nodes.test_hubs.COLLECTION", "--author", "owner")

    assert out.endswith(": 3 operations by owner: 2 new, 0 unchanged, 1 approved again, 1 older versions deprecated\n")
    older.refresh_from_db()
    assert (older.node_status, older.successor_node_id) == ("DEPRECATED", current["Make table"]["_id"])
    assert Node.objects.get(pk=current["Count rows"]["_id"]).node_status == "READY"
    unrelated.refresh_from_db()
    assert unrelated.node_status == "READY"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plynx.demo", "--author", "nobody"], "--author: no user 'nobody'"),
        (["no.such", "--author", "owner"], "no.such: cannot import 'no.such': No module named 'no'"),
        (["tests.nodes.test_hubs.BAD_TYPE", "--author", "owner"], "tests.nodes.test_hubs.BAD_TYPE: operation "),
    ],
    ids=["author", "module", "declaration"],
)
def test_load_operations_names_mistakes(owner: Any, args: list[str], message: str) -> None:  # noqa: F811
    with pytest.raises(CommandError) as error:
        load(*args)
    assert str(error.value).startswith(message)
    assert Node.objects.count() == 0
