"""The search string, visibility and hub selectors (apps.nodes.selectors)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.nodes.choices import NodeStatus
from apps.nodes.models import Node
from apps.nodes.selectors import (
    SearchQuery,
    hub_list,
    hub_search,
    node_latest_version,
    node_list,
    node_visible,
    search_parse,
)
from apps.users.policies import DEFAULT_POLICIES, IAMPolicy
from tests.factories import NodeFactory, UserFactory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SearchQuery()),
        ("  ", SearchQuery()),
        ("author:default", SearchQuery(filters={"author": ("default",)})),
        ("author:default ", SearchQuery(filters={"author": ("default",)})),
        (
            "split kind:python,bash_jinja2 csv status:READY",
            SearchQuery(filters={"kind": ("python", "bash_jinja2"), "status": ("READY",)}, words=("split", "csv")),
        ),
        ("Starred:true", SearchQuery(filters={"starred": ("true",)})),
        ("kind:python kind:file", SearchQuery(filters={"kind": ("python", "file")})),
        ("id:6b0000000000000000000000", SearchQuery(filters={"id": ("6b0000000000000000000000",)})),
        # Only a whole token is a filter: a colon inside a word, or a key without a value, is text.
        ("a:b:c", None),
        ("ratio: 2", SearchQuery(words=("ratio:", "2"))),
        ("x-author:me", SearchQuery(words=("x-author:me",))),
    ],
    ids=[
        "empty",
        "blank",
        "author",
        "trailing-space",
        "mixed",
        "key-case",
        "repeated",
        "id",
        "unknown-key",
        "no-value",
        "inside",
    ],
)
def test_search_parse(text: str, expected: SearchQuery | None) -> None:
    if expected is None:
        with pytest.raises(ValidationError, match="unknown search key 'a'"):
            search_parse(text)
        return
    assert search_parse(text) == expected


def test_search_parse_refuses_unknown_keys() -> None:
    with pytest.raises(ValidationError) as caught:
        search_parse("owner:me")
    assert caught.value.message_dict == {
        "search": ["unknown search key 'owner'; use one of author, kind, status, starred, id"]
    }


@pytest.mark.django_db
def test_node_list_applies_every_token_and_word() -> None:
    me, other = UserFactory(username="me"), UserFactory(username="someone")
    match = NodeFactory(author=me, kind="python", title="Split data", node_status=NodeStatus.READY, starred=True)
    NodeFactory(author=me, kind="python", title="Split data", node_status=NodeStatus.READY, starred=False)
    NodeFactory(author=me, kind="bash_jinja2", title="Split data", node_status=NodeStatus.READY, starred=True)
    NodeFactory(author=other, kind="python", title="Split data", node_status=NodeStatus.READY, starred=True)
    NodeFactory(
        author=me, kind="python", title="Join", description="split", node_status=NodeStatus.CREATED, starred=True
    )
    found = node_list(user=me, workflow=False, search="author:ME kind:python status:ready starred:true split DATA")
    assert list(found) == [match]
    by_description = node_list(user=me, workflow=False, search="SPLIT status:CREATED")
    assert [node.title for node in by_description] == ["Join"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("search", "message"),
    [
        ("status:DONE", "unknown status DONE; use one of CREATED, READY, DEPRECATED, MANDATORY_DEPRECATED"),
        ("starred:maybe", "starred takes true or false, got 'maybe'"),
    ],
)
def test_node_list_refuses_bad_values(search: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        list(node_list(user=UserFactory(), workflow=False, search=search))
    assert caught.value.message_dict == {"search": [message]}


@pytest.mark.django_db
def test_node_visible_follows_the_view_policies() -> None:
    me = UserFactory(policies=[IAMPolicy.CAN_VIEW_OPERATIONS.value])
    mine, others = NodeFactory(author=me), NodeFactory()
    flow = NodeFactory(author=me, kind="workflow")
    assert list(node_visible(user=me, workflow=False)) == [mine]
    # Workflows need their own view policy.
    assert list(node_visible(user=me, workflow=True)) == []
    everyone = UserFactory(policies=list(DEFAULT_POLICIES))
    assert set(node_visible(user=everyone, workflow=False)) == {mine, others}
    assert list(node_visible(user=everyone, workflow=True)) == [flow]


@pytest.mark.django_db
def test_hub_search_by_text_kind_and_file_types() -> None:
    user = UserFactory()
    csv_in = NodeFactory(
        title="Sort",
        node_status=NodeStatus.READY,
        inputs=[{"name": "in", "file_types": ["tsv", "csv"], "values": [], "min_count": 1, "max_count": 1}],
        outputs=[{"name": "out", "file_type": "json"}],
    )
    NodeFactory(title="Sort draft", node_status=NodeStatus.CREATED, inputs=csv_in.inputs)
    NodeFactory(title="Gone", node_status=NodeStatus.MANDATORY_DEPRECATED, inputs=csv_in.inputs)
    image = NodeFactory(
        kind="bash_jinja2",
        title="Resize",
        node_status=NodeStatus.DEPRECATED,
        outputs=[{"name": "o", "file_type": "image"}],
    )
    assert set(hub_search(user=user)) == {csv_in, image}
    assert list(hub_search(user=user, input_file_type="csv")) == [csv_in]
    assert list(hub_search(user=user, output_file_type="json")) == [csv_in]
    assert list(hub_search(user=user, output_file_type="csv")) == []
    assert list(hub_search(user=user, kind="bash_jinja2")) == [image]
    assert list(hub_search(user=user, text="sor")) == [csv_in]
    assert list(hub_search(user=user, hub="database", text="resize")) == [image]
    with pytest.raises(ValidationError, match="unknown hub 'nope'"):
        hub_search(user=user, hub="nope")


@pytest.mark.django_db
def test_hub_list_counts_offered_operations_by_kind() -> None:
    user = UserFactory()
    NodeFactory(kind="python", node_status=NodeStatus.READY)
    NodeFactory(kind="python", node_status=NodeStatus.DEPRECATED)
    NodeFactory(kind="python", node_status=NodeStatus.CREATED)
    NodeFactory(kind="file", node_status=NodeStatus.READY)
    hub, demo = hub_list(user=user)
    assert (hub.kind, hub.title) == ("database", "Operations")
    assert demo.kind == "demo"  # operations defined in code (tests/nodes/test_hubs.py)
    assert {group.kind: group.count for group in hub.groups} == {
        "file": 1,
        "bash_jinja2": 0,
        "python": 2,
        "composite": 0,
    }


@pytest.mark.django_db
def test_node_latest_version_follows_successors_to_one_in_use() -> None:
    v3 = NodeFactory(node_status=NodeStatus.READY)
    v2 = NodeFactory(node_status=NodeStatus.DEPRECATED, successor_node=v3)
    v1 = NodeFactory(node_status=NodeStatus.MANDATORY_DEPRECATED, successor_node=v2)
    assert node_latest_version(node_id=v1.pk, known={v1.pk: v1}) == v3
    lone = NodeFactory(node_status=NodeStatus.DEPRECATED)
    assert node_latest_version(node_id=lone.pk, known={lone.pk: lone}) == lone
    # A loop of successors ends where it closes.
    a = NodeFactory(node_status=NodeStatus.DEPRECATED)
    b = NodeFactory(node_status=NodeStatus.DEPRECATED, successor_node=a)
    Node.objects.filter(pk=a.pk).update(successor_node=b)
    a.refresh_from_db()
    assert node_latest_version(node_id=a.pk, known={a.pk: a}) == a
