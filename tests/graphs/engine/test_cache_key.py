"""The cache key (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from apps.graphs.engine import cache_key, explain_miss

BASE: dict[str, Any] = {
    "kind": "python",
    "executor_version": "1",
    "parameters": {"cmd": "print(1)", "rate": 0.5, "_timeout": 600, "cacheable": True},
    "outputs": [("out", "csv")],
    "inputs": [("data", ["a" * 64]), ("extra", [])],
}


def key(**changes: Any) -> Any:
    return cache_key(**{**BASE, **changes})


def test_key_is_stable_and_hex() -> None:
    assert key().key == key().key
    assert len(key().key) == 64
    assert set(key().parts) == {"code", "parameters", "outputs", "inputs"}


@pytest.mark.parametrize(
    ("changes", "part"),
    [
        ({"kind": "bash_jinja2"}, "code"),
        ({"executor_version": "2"}, "code"),
        ({"parameters": {**BASE["parameters"], "cmd": "print(2)"}}, "parameters"),
        ({"parameters": {**BASE["parameters"], "rate": 0.25}}, "parameters"),
        ({"parameters": {**BASE["parameters"], "new": 1}}, "parameters"),
        ({"outputs": [("out", "tsv")]}, "outputs"),
        ({"inputs": [("data", ["b" * 64]), ("extra", [])]}, "inputs"),
        ({"inputs": [("extra", []), ("data", ["a" * 64])]}, "inputs"),
        ({"inputs": [("data", ["a" * 64, "a" * 64]), ("extra", [])]}, "inputs"),
    ],
    ids=[
        "kind",
        "executor",
        "script",
        "parameter",
        "new-parameter",
        "output-type",
        "input-content",
        "input-order",
        "input-count",
    ],
)
def test_every_relevant_change_misses_and_is_explained(changes: dict[str, Any], part: str) -> None:
    changed = key(**changes)
    assert changed.key != key().key
    assert explain_miss(key().parts, changed.parts) == [part]


@pytest.mark.parametrize(
    "parameters",
    [
        {**BASE["parameters"], "_timeout": 5},
        {**BASE["parameters"], "cacheable": False},
        {"cacheable": True, "_timeout": 600, "rate": 0.5, "cmd": "print(1)"},
    ],
    ids=["timeout", "cacheable", "parameter-order"],
)
def test_irrelevant_changes_hit(parameters: dict[str, Any]) -> None:
    assert key(parameters=parameters).key == key().key
