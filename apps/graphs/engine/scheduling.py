"""Order, readiness and the state of a run, as pure functions of a graph and node states."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping

from apps.graphs.engine.types import ACTIVE, SUCCEEDED, Graph, NodeState, RunState


class CycleError(ValueError):
    """The graph has a cycle; ``nodes`` lists the ids on one of them, in order."""

    def __init__(self, nodes: tuple[str, ...]) -> None:
        super().__init__(f"cycle through {' → '.join(nodes)}")
        self.nodes = nodes


def find_cycle(graph: Graph) -> tuple[str, ...] | None:
    """The ids on one cycle (first repeated at the end omitted), or None for a DAG."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph.by_id, white)
    for start in graph.by_id:
        if colour[start] != white:
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterable[str]]] = [(start, iter(sorted(graph.downstream[start])))]
        colour[start] = grey
        path.append(start)
        while stack:
            node_id, children = stack[-1]
            child = next(iter(children), None)
            if child is None:
                colour[node_id] = black
                stack.pop()
                path.pop()
            elif colour[child] == grey:
                return tuple(path[path.index(child) :])
            elif colour[child] == white:
                colour[child] = grey
                path.append(child)
                stack.append((child, iter(sorted(graph.downstream[child]))))
    return None


def topological_order(graph: Graph) -> tuple[str, ...]:
    """Every node after all that feed it; ties keep the order of ``graph.nodes``. Raises CycleError."""
    position = {node.id: index for index, node in enumerate(graph.nodes)}
    waiting = {node_id: len(parents) for node_id, parents in graph.upstream.items()}
    queue = deque(node.id for node in graph.nodes if waiting[node.id] == 0)
    order: list[str] = []
    while queue:
        node_id = queue.popleft()
        order.append(node_id)
        for child in sorted(graph.downstream[node_id], key=position.__getitem__):
            waiting[child] -= 1
            if waiting[child] == 0:
                queue.append(child)
    if len(order) != len(graph.nodes):
        raise CycleError(find_cycle(graph) or tuple(n for n in waiting if waiting[n] > 0))
    return tuple(order)


def is_ready(graph: Graph, node_id: str, states: Mapping[str, NodeState]) -> bool:
    """A CREATED node whose every upstream node has succeeded."""
    if states.get(node_id) is not NodeState.CREATED:
        return False
    return all(states.get(parent) in SUCCEEDED for parent in graph.upstream[node_id])


def ready_nodes(graph: Graph, states: Mapping[str, NodeState]) -> tuple[str, ...]:
    """Every node that may start now, in graph order."""
    return tuple(node.id for node in graph.nodes if is_ready(graph, node.id, states))


def waiting_counts(graph: Graph, states: Mapping[str, NodeState]) -> dict[str, int]:
    """For each node, how many of the nodes that feed it have not succeeded yet.

    The shell keeps these counts per node and lowers a node's children's counts when it
    succeeds: a node whose count reaches 0 is ready (a chord-like join, cheap for any fan-in).
    """
    return {
        node.id: sum(1 for parent in graph.upstream[node.id] if states.get(parent) not in SUCCEEDED)
        for node in graph.nodes
    }


def ready_by_count(counts: Mapping[str, int], states: Mapping[str, NodeState]) -> tuple[str, ...]:
    """The nodes that may start: still CREATED and waiting for no one (see ``waiting_counts``)."""
    return tuple(
        node_id for node_id, count in counts.items() if count == 0 and states.get(node_id) is NodeState.CREATED
    )


def run_state(counts: Mapping[NodeState, int], *, cancel_requested: bool) -> RunState:
    """The state of a run from how many of its nodes are in each state.

    A canceled run and a failed one wait for their active nodes before they end. A failure
    stops only its descendants (they never become ready): other branches run to the end.
    """
    tally = Counter({state: count for state, count in counts.items() if count})
    active = sum(tally[state] for state in ACTIVE)
    total = sum(tally.values())
    if cancel_requested:
        return RunState.RUNNING if active else RunState.CANCELED
    if tally[NodeState.FAILED] or tally[NodeState.CANCELED]:
        return RunState.FAILED_WAITING if active else RunState.FAILED
    if sum(tally[state] for state in SUCCEEDED) == total:
        return RunState.SUCCESS
    return RunState.RUNNING
