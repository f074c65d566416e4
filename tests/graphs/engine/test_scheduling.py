"""Order, readiness and run state (pure, no services)."""

from __future__ import annotations

import random

import pytest

from apps.graphs.engine import (
    CycleError,
    NodeState,
    RunState,
    find_cycle,
    is_ready,
    ready_by_count,
    ready_nodes,
    run_state,
    topological_order,
    waiting_counts,
)
from tests.graphs.engine.builders import graph, node_id, op

S = NodeState


def ids(*names: str) -> tuple[str, ...]:
    return tuple(node_id(n) for n in names)


DIAMOND = graph(op("a"), op("b", "a"), op("c", "a"), op("d", "b", "c"))


def test_topological_order_keeps_declared_order_among_ties() -> None:
    assert topological_order(DIAMOND) == ids("a", "b", "c", "d")
    reversed_declaration = graph(op("d", "b", "c"), op("c", "a"), op("b", "a"), op("a"))
    assert topological_order(reversed_declaration) == ids("a", "c", "b", "d")


def test_cycles_are_found() -> None:
    cyclic = graph(op("a", "c"), op("b", "a"), op("c", "b"), op("x"))
    assert find_cycle(cyclic) is not None
    assert set(find_cycle(cyclic) or ()) == set(ids("a", "b", "c"))
    with pytest.raises(CycleError) as raised:
        topological_order(cyclic)
    assert set(raised.value.nodes) == set(ids("a", "b", "c"))
    assert find_cycle(DIAMOND) is None
    assert find_cycle(graph(op("self", "self"))) == ids("self")


def random_dag(rng: random.Random, size: int) -> list[tuple[str, tuple[str, ...]]]:
    names = [f"n{i}" for i in range(size)]
    return [(name, tuple(rng.sample(names[:i], k=min(i, rng.randint(0, 3))))) for i, name in enumerate(names)]


@pytest.mark.parametrize("seed", range(20))
def test_topological_order_of_random_dags(seed: int) -> None:
    rng = random.Random(seed)
    spec = random_dag(rng, 40)
    rng.shuffle(spec)
    dag = graph(*(op(name, *parents) for name, parents in spec))
    order = topological_order(dag)
    position = {n: i for i, n in enumerate(order)}
    assert sorted(order) == sorted(n.id for n in dag.nodes)
    for node in dag.nodes:
        for parent in dag.upstream[node.id]:
            assert position[parent] < position[node.id]


def test_ready_nodes() -> None:
    states = {n.id: S.CREATED for n in DIAMOND.nodes}
    assert ready_nodes(DIAMOND, states) == ids("a")
    states[node_id("a")] = S.RESTORED
    assert ready_nodes(DIAMOND, states) == ids("b", "c")
    states[node_id("b")] = S.SUCCESS
    states[node_id("c")] = S.RUNNING
    assert ready_nodes(DIAMOND, states) == ()
    states[node_id("c")] = S.FAILED
    assert ready_nodes(DIAMOND, states) == ()


def test_static_parents_count_as_succeeded() -> None:
    dag = graph(op("file"), op("use", "file"))
    assert ready_nodes(dag, {node_id("file"): S.STATIC, node_id("use"): S.CREATED}) == ids("use")


def test_waiting_counts_and_ready_by_count() -> None:
    states = {n.id: S.CREATED for n in DIAMOND.nodes}
    counts = waiting_counts(DIAMOND, states)
    assert counts == {node_id("a"): 0, node_id("b"): 1, node_id("c"): 1, node_id("d"): 2}
    assert ready_by_count(counts, states) == ids("a")
    states[node_id("a")] = S.SUCCESS
    assert waiting_counts(DIAMOND, states)[node_id("b")] == 0
    assert ready_by_count(waiting_counts(DIAMOND, states), states) == ids("b", "c")
    file_first = graph(op("file"), op("use", "file"))
    assert waiting_counts(file_first, {node_id("file"): S.STATIC, node_id("use"): S.CREATED})[node_id("use")] == 0


@pytest.mark.parametrize("seed", range(30))
def test_simulated_runs_start_each_node_once_after_its_parents(seed: int) -> None:
    """Finish nodes in random order, lowering counts as the shell does: each node starts once, after its parents."""
    rng = random.Random(seed)
    dag = graph(*(op(name, *parents) for name, parents in random_dag(rng, 30)))
    states = {n.id: S.CREATED for n in dag.nodes}
    counts = waiting_counts(dag, states)
    started: list[str] = []
    active = list(ready_by_count(counts, states))
    assert active == list(ready_nodes(dag, states))
    for n in active:
        states[n] = S.IN_QUEUE
    while active:
        current = active.pop(rng.randrange(len(active)))
        assert all(states[p] in (S.SUCCESS, S.RESTORED) for p in dag.upstream[current])
        started.append(current)
        states[current] = rng.choice([S.SUCCESS, S.RESTORED])
        for child in dag.downstream[current]:
            counts[child] -= 1
        released = ready_by_count({c: counts[c] for c in dag.downstream[current]}, states)
        assert set(released) == {c for c in dag.downstream[current] if is_ready(dag, c, states)}
        for child in released:
            states[child] = S.IN_QUEUE
            active.append(child)
    assert sorted(started) == sorted(n.id for n in dag.nodes)
    assert len(started) == len(set(started))
    assert run_state({s: list(states.values()).count(s) for s in set(states.values())}, cancel_requested=False) is (
        RunState.SUCCESS
    )


@pytest.mark.parametrize(
    ("counts", "cancel", "expected"),
    [
        ({S.STATIC: 1, S.SUCCESS: 2, S.RESTORED: 1}, False, RunState.SUCCESS),
        ({S.SUCCESS: 2, S.RUNNING: 1, S.CREATED: 3}, False, RunState.RUNNING),
        ({S.SUCCESS: 2, S.CREATED: 3}, False, RunState.RUNNING),
        ({S.FAILED: 1, S.RUNNING: 1, S.CREATED: 3}, False, RunState.FAILED_WAITING),
        ({S.FAILED: 1, S.IN_QUEUE: 1}, False, RunState.FAILED_WAITING),
        ({S.FAILED: 1, S.SUCCESS: 2, S.CREATED: 3}, False, RunState.FAILED),
        ({S.RUNNING: 2, S.CANCELED: 3}, True, RunState.RUNNING),
        ({S.CANCELED: 3, S.SUCCESS: 1}, True, RunState.CANCELED),
        ({S.SUCCESS: 4}, True, RunState.CANCELED),
        ({S.CANCELED: 1, S.SUCCESS: 1}, False, RunState.FAILED),
    ],
    ids=[
        "all-succeeded",
        "running",
        "between-dispatches",
        "failed-waiting-running",
        "failed-waiting-queued",
        "failed",
        "canceling",
        "canceled",
        "cancel-after-success",
        "canceled-node-without-request",
    ],
)
def test_run_state(counts: dict[NodeState, int], cancel: bool, expected: RunState) -> None:
    assert run_state(counts, cancel_requested=cancel) is expected
