"""Starting, advancing, finishing and canceling runs: the one shell around the pure engine.

Every write that moves a run forward happens with the run's row locked (``select_for_update``),
so two nodes finishing at once never both release a shared successor; each node transition is
also a conditional update on its expected status and attempt, so a duplicated or late message
changes nothing. Tasks are sent after commit.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from apps.graphs import engine
from apps.graphs.choices import GraphRunningStatus, NodeRunningStatus
from apps.graphs.conversion import engine_graph, engine_node
from apps.graphs.models import NodeCache, NodeRun, Run
from apps.graphs.services.cache import node_cache_lookup, node_cache_store
from apps.graphs.services.dispatch import Dispatch, revoke_after_commit, send_after_commit, task_id_for
from apps.graphs.services.run_parameters import (
    parameter_reference_problems,
    workflow_parameters_apply,
    workflow_parameters_override,
    workflow_parameters_parse,
)
from apps.nodes.documents import SUB_NODES, Parameter, SubNode, dump_list, parse_list
from apps.nodes.executors.registry import executor_for_kind
from apps.nodes.models import Node
from apps.nodes.parameters import CACHEABLE, DEFAULT_TIMEOUT_SECONDS, TIMEOUT
from apps.resources.models import Resource
from apps.users.models import User
from plynx_site import sql

logger = logging.getLogger(__name__)
S = engine.NodeState


class RunValidationFailed(Exception):
    """The graph cannot run; ``error`` is the validation tree."""

    def __init__(self, error: engine.ValidationError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass(frozen=True)
class ResolvedInput:
    """One slot of an input, resolved to a stored resource or a raw value."""

    resource_id: str | None
    value: Any
    file_type: str
    sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        if self.resource_id is None:
            return {"value": self.value, "file_type": self.file_type}
        return {"resource_id": self.resource_id, "file_type": self.file_type, "sha256": self.sha256}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResolvedInput:
        return cls(data.get("resource_id"), data.get("value"), data["file_type"], data.get("sha256", ""))


# --- helpers ---------------------------------------------------------------------------------


def _static_kinds() -> set[str]:
    return {o.kind for o in settings.PLYNX_PLUGINS.operations if o.is_static}


def _parameter(spec: SubNode, name: str, default: Any) -> Any:
    return next((p.value for p in spec.parameters if p.name == name), default)


def _timeout_seconds(spec: SubNode) -> int:
    timeout = int(_parameter(spec, TIMEOUT, DEFAULT_TIMEOUT_SECONDS))
    return max(1, min(timeout, settings.PLYNX_MAX_NODE_TIMEOUT_SECONDS))


def _cacheable(spec: SubNode) -> bool:
    return bool(_parameter(spec, CACHEABLE, True))


def _spec(row: NodeRun) -> SubNode:
    parsed = getattr(row, "_parsed_spec", None)
    if parsed is None:
        parsed = SubNode.model_validate(row.spec)
        row._parsed_spec = parsed  # type: ignore[attr-defined]
    return parsed


def _engine_node(row: NodeRun) -> engine.Node:
    return engine_node(_spec(row), static=row.status == NodeRunningStatus.STATIC)


def _state(row: NodeRun) -> engine.NodeState:
    return engine.NodeState(row.status)


# What resolving a child's inputs reads of its parents (their documents can be large).
_PARENT_FIELDS = ("id", "run_id", "node_id", "title", "status", "outputs")


def _load_rows(run: Run, node_ids: Iterable[str], *, parents_only: bool = False) -> dict[str, NodeRun]:
    rows = NodeRun.objects.filter(run=run, node_id__in=set(node_ids))
    if parents_only:
        rows = rows.only(*_PARENT_FIELDS)
    return {row.node_id: row for row in rows}


Resources = Mapping[str, tuple[str, str]]


def _resources(ids: Iterable[str], known: Resources | None = None) -> dict[str, tuple[str, str]]:
    """Resource id → (file type, sha256); ``known`` ones (just created by the caller) are not read again."""
    wanted = set(ids)
    found = {pk: known[pk] for pk in wanted & known.keys()} if known else {}
    missing = wanted - found.keys()
    if missing:
        found.update(
            (pk, (file_type, sha256))
            for pk, file_type, sha256 in Resource.objects.filter(pk__in=missing).values_list(
                "pk", "file_type", "sha256"
            )
        )
    return found


def _resolve_inputs(
    spec: SubNode, rows: Mapping[str, NodeRun], resources: Mapping[str, tuple[str, str]]
) -> dict[str, list[ResolvedInput]]:
    """Each input's slots as resources or values, from the upstream rows' outputs."""
    resolved: dict[str, list[ResolvedInput]] = {}
    for port in spec.inputs:
        slots = []
        for value in port.values:
            if value.node_id is not None:
                upstream = rows[value.node_id]
                resource_id = upstream.outputs.get(value.output_id or "")
                if resource_id is None:
                    raise LookupError(
                        f"input {port.name!r}: node {upstream.title or upstream.node_id!r} "
                        f"produced no output {value.output_id!r}"
                    )
                file_type, sha256 = resources.get(resource_id, ("", ""))
                slots.append(ResolvedInput(resource_id, None, file_type, sha256))
            elif value.resource_id is not None:
                file_type, sha256 = resources.get(value.resource_id, ("", ""))
                slots.append(ResolvedInput(value.resource_id, None, file_type, sha256))
            else:
                slots.append(ResolvedInput(None, value.value, port.file_types[0]))
        resolved[port.name] = slots
    return resolved


def _upstream_resource_ids(specs: Iterable[SubNode], rows: Mapping[str, NodeRun]) -> set[str]:
    ids: set[str] = set()
    for spec in specs:
        for port in spec.inputs:
            for value in port.values:
                if value.node_id is not None and value.node_id in rows:
                    resource_id = rows[value.node_id].outputs.get(value.output_id or "")
                    if resource_id:
                        ids.add(resource_id)
                elif value.resource_id is not None:
                    ids.add(value.resource_id)
    return ids


def _cache_key(row: NodeRun, inputs: Mapping[str, list[ResolvedInput]]) -> engine.CacheKey:
    spec = _spec(row)
    parameters: dict[str, Any] = {p.name: p.value for p in spec.parameters}
    if spec.nodes:
        parameters["__nodes__"] = [node.model_dump(mode="json", by_alias=True) for node in spec.nodes]
    return engine.cache_key(
        kind=spec.kind,
        executor_version=executor_for_kind(spec.kind).version,
        parameters=parameters,
        outputs=[(o.name, o.file_type) for o in spec.outputs],
        inputs=[
            (port.name, [slot.sha256 if slot.resource_id else f"value:{slot.value!r}" for slot in inputs[port.name]])
            for port in spec.inputs
        ],
    )


# --- creating and starting runs --------------------------------------------------------------


def _validation_problems(
    docs: Sequence[SubNode],
    graph: engine.Graph,
    resources: Mapping[str, tuple[str, str]],
    bound: Iterable[str],
    parameters: Mapping[str, Parameter] | None,
) -> list[engine.ValidationError]:
    """Problems the engine cannot see: references to resources that do not exist, unbound files,
    and (given the workflow's ``parameters``) references to workflow parameters that do not fit."""
    problems = []
    bound_outputs = set(bound)
    for doc in docs:
        node_problems = []
        if parameters is not None:
            node_problems.extend(parameter_reference_problems(doc=doc, parameters=parameters))
        for port in doc.inputs:
            for value in port.values:
                if value.resource_id is not None and value.resource_id not in resources:
                    node_problems.append(
                        engine.ValidationError(
                            engine.ValidationTarget.INPUT,
                            port.name,
                            engine.ValidationCode.INVALID_VALUE,
                            message=(
                                f"input {port.name!r} of {doc.title!r} names a missing resource {value.resource_id}"
                            ),
                        )
                    )
        if graph.by_id[doc.id].static:
            for output in doc.outputs:
                if doc.id == engine.COMPOSITE_INPUT_ID and output.name in bound_outputs:
                    continue
                if output.resource_id is None or output.resource_id not in resources:
                    node_problems.append(
                        engine.ValidationError(
                            engine.ValidationTarget.PROPERTY,
                            output.name,
                            engine.ValidationCode.MISSING_INPUT,
                            message=f"file node {doc.title!r} has no uploaded resource for output {output.name!r}",
                        )
                    )
        if node_problems:
            problems.append(engine.node_problems(doc.id, doc.title, node_problems))
    return problems


def graph_validate(
    *,
    docs: Sequence[SubNode],
    graph_id: str = "",
    bound_inputs: Iterable[str] = (),
    parameters: Sequence[Parameter] | None = None,
) -> tuple[engine.Graph, engine.ValidationError | None]:
    """The engine graph of ``docs`` and every problem keeping it from running (None if none).

    With the workflow's ``parameters``, node parameters that refer to them are checked with the
    values they take (a reference to a missing name or of another type is a problem).
    """
    by_name = None
    if parameters is not None:
        docs = workflow_parameters_apply(docs=docs, parameters=parameters)
        by_name = {parameter.name: parameter for parameter in parameters}
    resource_ids = {v.resource_id for d in docs for p in d.inputs for v in p.values if v.resource_id}
    resource_ids |= {o.resource_id for d in docs for o in d.outputs if o.resource_id}
    resources = _resources(resource_ids)
    originals = {d.original_node_id for d in docs if d.original_node_id}
    statuses = dict(Node.objects.filter(pk__in=originals).values_list("pk", "node_status"))
    graph = engine_graph(
        docs,
        graph_id=graph_id,
        static_kinds=_static_kinds(),
        node_statuses=statuses,
        resource_types={pk: file_type for pk, (file_type, _) in resources.items()},
    )
    special = {d.kind for d in docs if d.id in (engine.COMPOSITE_INPUT_ID, engine.COMPOSITE_OUTPUT_ID)}
    error = engine.validate(graph, known_kinds={*settings.PLYNX_PLUGINS.operation_kinds, *special})
    extra = _validation_problems(docs, graph, resources, bound_inputs, by_name)
    if extra:
        error = engine.graph_problems(graph_id, (*(error.children if error else ()), *extra))
    return graph, error


def run_create(*, workflow: Node, author: User, parameters: Mapping[str, Any] | None = None) -> Run:
    """Freeze ``workflow`` into a new run and start it. Raises RunValidationFailed if it cannot run.

    ``parameters`` (name → value) override the workflow's parameters for this run only; an unknown
    name or a value of the wrong type raises ``ValidationError`` on ``parameters``. Node parameters
    that refer to workflow parameters take their (overridden) values in the frozen graph, and the
    run's header records the values the run used (``parameters``) and the overrides.
    """
    docs = parse_list(SUB_NODES, workflow.nodes, "nodes")
    effective: Any = workflow.parameters
    if parameters:
        declared = workflow_parameters_parse(workflow.parameters)
        effective = dump_list(workflow_parameters_override(parameters=declared, overrides=parameters))
    header = {
        "title": workflow.title,
        "description": workflow.description,
        "kind": workflow.kind,
        "parameters": effective,
        "workflow_id": workflow.id,
    }
    if parameters:
        by_name = {item["name"]: item["value"] for item in effective}
        header["parameter_overrides"] = {name: by_name[name] for name in parameters}
    with transaction.atomic():
        return _run_create(header=header, docs=docs, author=author, workflow=workflow)


def run_create_from_docs(
    *, header: dict[str, Any], docs: Sequence[SubNode], author: User, workflow: Node | None = None
) -> Run:
    """Start a run of ``docs`` (a frozen graph, e.g. an earlier run's) with the run fields of ``header``.

    ``header`` holds title, description, kind and parameters; ``workflow`` is the workflow the run
    belongs to, if any. Raises RunValidationFailed if the graph cannot run.
    """
    with transaction.atomic():
        return _run_create(header=header, docs=docs, author=author, workflow=workflow)


def _run_create(
    *,
    header: dict[str, Any],
    docs: Sequence[SubNode],
    author: User,
    workflow: Node | None = None,
    parent_node_run: NodeRun | None = None,
    input_bindings: Mapping[str, str] | None = None,
) -> Run:
    bindings = dict(input_bindings or {})
    parameters = workflow_parameters_parse(header.get("parameters"))
    docs = workflow_parameters_apply(docs=docs, parameters=parameters)
    graph, error = graph_validate(
        docs=docs, graph_id=workflow.id if workflow else "", bound_inputs=bindings, parameters=parameters
    )
    if error is not None:
        raise RunValidationFailed(error)
    run = Run.objects.create(
        workflow=workflow,
        author=author,
        kind=header["kind"],
        title=header["title"][:255],
        description=header.get("description", ""),
        graph=header,
        status=GraphRunningStatus.READY,
        parent_node_run=parent_node_run,
    )
    rows = []
    for doc in docs:
        outputs: dict[str, str] = {}
        status = NodeRunningStatus.CREATED
        if doc.id == engine.COMPOSITE_INPUT_ID:
            status, outputs = NodeRunningStatus.STATIC, bindings
        elif graph.by_id[doc.id].static:
            status = NodeRunningStatus.STATIC
            outputs = {o.name: o.resource_id for o in doc.outputs if o.resource_id}
        rows.append(
            NodeRun(
                run=run,
                node_id=doc.id,
                kind=doc.kind,
                title=doc.title,
                spec=doc.model_dump(mode="json", by_alias=True),
                downstream=sorted(graph.downstream[doc.id]),
                status=status,
                outputs=outputs,
            )
        )
    states = {row.node_id: _state(row) for row in rows}
    counts = engine.waiting_counts(graph, states)
    by_id = {row.node_id: row for row in rows}
    for row, doc in zip(rows, docs, strict=True):
        row._parsed_spec = doc  # type: ignore[attr-defined]
    ready = _restore_before_insert(by_id, counts, states, now=timezone.now())
    for row in rows:
        row.waiting_for = counts[row.node_id]
    NodeRun.objects.bulk_create(rows, batch_size=500)
    run = Run.objects.select_for_update().get(pk=run.pk)
    _dispatch_ready(run, ready, by_id)
    _refresh_run_state(run)
    logger.info("run created run=%s nodes=%d ready=%d", run.pk, len(rows), len(ready))
    return run


def _restore_before_insert(
    rows: dict[str, NodeRun], counts: dict[str, int], states: dict[str, engine.NodeState], *, now: Any
) -> list[NodeRun]:
    """Answer what the cache can before the run's rows are written, so restored nodes are inserted
    restored (no update per node); return the ready nodes the cache could not answer.

    ``rows``, ``counts`` and ``states`` are updated in place as nodes are restored.
    """
    pending = [rows[node_id] for node_id in engine.ready_by_count(counts, states)]
    left: list[NodeRun] = []
    while pending:
        keyed, failed = _resolve_batch(pending, rows)
        left.extend(row for row, _ in failed)
        hits = _cache_hits(keyed)
        restored = []
        for row, _, key in keyed:
            hit = hits.get(row.node_id)
            if hit is None or key is None:
                left.append(row)
                continue
            _restore(row, key, hit, now=now)
            states[row.node_id] = engine.NodeState.RESTORED
            restored.append(row)
        released = []
        for row in restored:
            for child in row.downstream:
                counts[child] -= 1
                if counts[child] == 0 and states[child] is engine.NodeState.CREATED:
                    released.append(rows[child])
        pending = released
    return left


_Keyed = tuple[NodeRun, dict[str, list[ResolvedInput]], engine.CacheKey | None]


def _resolve_batch(
    pending: list[NodeRun], known: dict[str, NodeRun], known_resources: Resources | None = None
) -> tuple[list[_Keyed], list[tuple[NodeRun, str]]]:
    """Resolve the inputs and compute the cache key of each pending node (the ones that cannot, fail)."""
    specs = [_spec(row) for row in pending]
    resources = _resources(_upstream_resource_ids(specs, known), known_resources)
    keyed: list[_Keyed] = []
    failed: list[tuple[NodeRun, str]] = []
    for row, spec in zip(pending, specs, strict=True):
        try:
            inputs = _resolve_inputs(spec, known, resources)
        except LookupError as error:
            failed.append((row, str(error)))
            continue
        key = _cache_key(row, inputs) if row.node_id != engine.COMPOSITE_OUTPUT_ID else None
        keyed.append((row, inputs, key))
    return keyed, failed


def _cache_hits(keyed: list[_Keyed]) -> dict[str, NodeCache]:
    """Node id → the cache entry that answers for it, for the cacheable nodes the cache can answer."""
    wanted = {row.node_id: key.key for row, _, key in keyed if key is not None and _cacheable(_spec(row))}
    entries = node_cache_lookup(keys=wanted.values())
    return {node_id: entries[key] for node_id, key in wanted.items() if key in entries}


def _restore(row: NodeRun, key: engine.CacheKey, hit: NodeCache, *, now: Any) -> None:
    """Mark ``row`` RESTORED from ``hit`` (in memory; the caller stores it)."""
    row.cache_key, row.cache_key_parts, row.restored_from = key.key, key.parts, hit
    _finish_in_control_plane(row, NodeRunningStatus.RESTORED, outputs=hit.outputs, logs=hit.logs, now=now, save=False)


def _dispatch_ready(
    run: Run, ready: list[NodeRun], known: dict[str, NodeRun], *, known_resources: Resources | None = None
) -> None:
    """Start the ready nodes: from the cache when it can answer, else by sending them to workers.

    Restoring a node releases its children, which are handled in the next round. A queued node
    keeps its resolved inputs and cache key: its worker runs exactly what was looked up.
    """
    if run.cancel_requested_at is not None:
        return
    now = timezone.now()
    dispatches: list[Dispatch] = []
    pending = ready
    while pending:
        keyed, failed = _resolve_batch(pending, known, known_resources)
        hits = _cache_hits(keyed)
        released: list[NodeRun] = []
        queued: list[tuple[NodeRun, dict[str, list[ResolvedInput]], engine.CacheKey | None]] = []
        for row, error in failed:
            _finish_in_control_plane(row, NodeRunningStatus.FAILED, error=error, now=now)
        for row, inputs, key in keyed:
            spec = _spec(row)
            hit = hits.get(row.node_id)
            if row.node_id == engine.COMPOSITE_OUTPUT_ID:
                outputs = {
                    name: slots[0].resource_id for name, slots in inputs.items() if slots and slots[0].resource_id
                }
                _finish_in_control_plane(row, NodeRunningStatus.SUCCESS, outputs=outputs, now=now, save=False)
                released.append(row)
            elif hit is not None and key is not None:
                _restore(row, key, hit, now=now)
                released.append(row)
            elif executor_for_kind(spec.kind).runs_in_control_plane:
                if key is not None:
                    row.cache_key, row.cache_key_parts = key.key, key.parts
                _start_composite(run, row, inputs, now=now)
            else:
                row.status = NodeRunningStatus.IN_QUEUE
                row.attempt += 1
                row.queued_at = now
                queued.append((row, inputs, key))
        if queued:
            _mark_queued(queued, now=now)
            dispatches.extend(Dispatch(row.pk, row.attempt, row.kind, run.pk, row.node_id) for row, _, _ in queued)
        for row in released:
            # One plain UPDATE per row: far cheaper to build than a bulk CASE over ten fields.
            NodeRun.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in _CONTROL_PLANE_FIELDS})
        pending, _ = _released_children(run, released, known)
    send_after_commit(dispatches)


_MARK_QUEUED = (
    f"UPDATE {NodeRun._meta.db_table} SET status = %s, attempt = attempt + 1, queued_at = %s, updated_at = %s, "
    "cache_key = %s, cache_key_parts = %s, inputs_resolved = %s WHERE id = %s AND status = %s"
)


def _mark_queued(
    queued: Sequence[tuple[NodeRun, Mapping[str, list[ResolvedInput]], engine.CacheKey | None]], *, now: Any
) -> None:
    """IN_QUEUE under the next attempt, with what the worker needs (one pipelined statement)."""
    at = sql.datetime_param(now)
    sql.execute_many(
        _MARK_QUEUED,
        [
            (
                NodeRunningStatus.IN_QUEUE,
                at,
                at,
                key.key if key else "",
                sql.json_param(key.parts if key else {}),
                sql.json_param({name: [slot.to_json() for slot in slots] for name, slots in inputs.items()}),
                row.pk,
                NodeRunningStatus.CREATED,
            )
            for row, inputs, key in queued
        ],
    )


def _linked_parents(row: NodeRun) -> set[str]:
    """The ids of the nodes linked to ``row``'s inputs, read from the stored document as it is."""
    return {
        value["node_id"]
        for port in row.spec.get("inputs", ())
        for value in port.get("values", ())
        if "node_id" in value
    }


_CONTROL_PLANE_FIELDS = [
    "status",
    "outputs",
    "logs",
    "error",
    "started_at",
    "finished_at",
    "cache_key",
    "cache_key_parts",
    "restored_from",
    "updated_at",
]


def _released_children(run: Run, finished: list[NodeRun], known: dict[str, NodeRun]) -> tuple[list[NodeRun], bool]:
    """The children of ``finished`` (all succeeded) that are now ready, and whether any other child
    still waits for a parent; loads what the ready ones need into ``known``.

    Each child's ``waiting_for`` count drops by the number of its parents among ``finished``;
    the children it brings to 0 are ready. The run's lock makes this exact under concurrency.
    """
    drops = Counter(child for row in finished for child in row.downstream)
    if not drops:
        return [], False
    by_amount: dict[int, list[str]] = {}
    for child, amount in drops.items():
        by_amount.setdefault(amount, []).append(child)
    ready: list[NodeRun] = []
    waiting = False
    for amount, children in by_amount.items():
        changed = sql.fetch(
            f"UPDATE {NodeRun._meta.db_table} SET waiting_for = waiting_for - %s "
            f"WHERE run_id = %s AND node_id IN ({sql.placeholders(children)}) "
            # A child still waiting (a fan-in's join, its document as large as its fan-in) sends back
            # no document: only a ready child's is needed.
            "RETURNING id, node_id, kind, title, CASE WHEN waiting_for = 0 THEN spec END, "
            "CASE WHEN waiting_for = 0 THEN downstream END, status, waiting_for, attempt",
            [amount, run.pk, *children],
        )
        counts = {node_id: waiting for _, node_id, _, _, _, _, _, waiting, _ in changed}
        states = {node_id: engine.NodeState(status) for _, node_id, _, _, _, _, status, _, _ in changed}
        ready_ids = set(engine.ready_by_count(counts, states))
        waiting = waiting or any(count > 0 for count in counts.values())
        ready += [
            NodeRun(
                id=pk,
                run_id=run.pk,
                node_id=node_id,
                kind=kind,
                title=title,
                spec=sql.json_value(spec),
                downstream=sql.json_value(downstream),
                status=status,
                waiting_for=waiting,
                attempt=attempt,
            )
            for pk, node_id, kind, title, spec, downstream, status, waiting, attempt in changed
            if node_id in ready_ids
        ]
    known.update({row.node_id: row for row in ready})
    # Ready children resolve their inputs from their parents' outputs.
    needed = {parent for row in ready for parent in _linked_parents(row)} - known.keys()
    if needed:
        known.update(_load_rows(run, needed, parents_only=True))
    return ready, waiting


def _finish_in_control_plane(
    row: NodeRun,
    status: NodeRunningStatus,
    *,
    now: Any,
    outputs: Mapping[str, str] | None = None,
    logs: Mapping[str, str] | None = None,
    error: str = "",
    save: bool = True,
) -> None:
    """Finish a node that needs no worker (cache hit, composite output, unresolvable input).

    With ``save=False`` the caller stores the row (with others, in one statement).
    """
    row.status = status
    row.outputs = dict(outputs or {})
    row.logs = dict(logs or {})
    row.error = error
    row.started_at = row.started_at or now
    row.finished_at = row.updated_at = now
    if save:
        row.save(update_fields=_CONTROL_PLANE_FIELDS)


def _start_composite(run: Run, row: NodeRun, inputs: Mapping[str, list[ResolvedInput]], *, now: Any) -> None:
    """Run a composite operation as a child run; the node finishes when that run does."""
    spec = _spec(row)
    row.status = NodeRunningStatus.RUNNING
    row.attempt += 1
    row.started_at = row.queued_at = now
    row.save(
        update_fields=["status", "attempt", "started_at", "queued_at", "cache_key", "cache_key_parts", "updated_at"]
    )
    bindings: dict[str, str] = {}
    for name, slots in inputs.items():
        if len(slots) == 1 and slots[0].resource_id:
            bindings[name] = slots[0].resource_id
        elif slots:
            _finish_in_control_plane(
                row,
                NodeRunningStatus.FAILED,
                now=now,
                error=f"input {name!r} of a composite operation takes exactly one resource",
            )
            return
    # The inner graph's nodes refer to the composite node's own parameters (as they stand in this run).
    header = {
        "title": spec.title,
        "description": spec.description,
        "kind": spec.kind,
        "parameters": dump_list(spec.parameters),
    }
    try:
        with transaction.atomic():
            _run_create(header=header, docs=spec.nodes, author=run.author, parent_node_run=row, input_bindings=bindings)
    except RunValidationFailed as failure:
        problems = "; ".join(leaf.message for leaf in failure.error.leaves())
        _finish_in_control_plane(row, NodeRunningStatus.FAILED, now=now, error=f"composite cannot run: {problems}")


def _refresh_run_state(run: Run) -> None:
    """Recompute the run's status from its nodes' and store it if it changed."""
    counts = {
        engine.NodeState(item["status"]): item["n"]
        for item in NodeRun.objects.filter(run=run).values("status").annotate(n=Count("id"))
    }
    state = engine.run_state(counts, cancel_requested=run.cancel_requested_at is not None)
    if state.value == run.status:
        return
    now = timezone.now()
    fields = {"status": state.value, "updated_at": now}
    if run.started_at is None and state is not engine.RunState.READY:
        fields["started_at"] = now
    if state in engine.RUN_FINISHED:
        fields["finished_at"] = now
    Run.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)
    logger.info("run state run=%s status=%s", run.pk, state.value)
    if state in engine.RUN_FINISHED and run.parent_node_run_id is not None:
        _finish_composite_node(run)


def _finish_composite_node(child: Run) -> None:
    """A composite's run ended: finish the node it serves in the outer run and advance that run."""
    assert child.parent_node_run_id is not None
    row = NodeRun.objects.select_related("run").get(pk=child.parent_node_run_id)
    parent = Run.objects.select_for_update().get(pk=row.run_id)
    if child.status == GraphRunningStatus.SUCCESS:
        output_row = NodeRun.objects.filter(run=child, node_id=engine.COMPOSITE_OUTPUT_ID).first()
        status, outputs, error = NodeRunningStatus.SUCCESS, (output_row.outputs if output_row else {}), ""
    elif child.status == GraphRunningStatus.CANCELED:
        status, outputs, error = NodeRunningStatus.CANCELED, {}, "canceled"
    else:
        failed = NodeRun.objects.filter(run=child, status=NodeRunningStatus.FAILED).values_list("title", flat=True)
        status, outputs, error = NodeRunningStatus.FAILED, {}, f"composite failed in: {', '.join(failed)}"
    now = timezone.now()
    updated = NodeRun.objects.filter(pk=row.pk, status=NodeRunningStatus.RUNNING).update(
        status=status, outputs=outputs, error=error, finished_at=now, updated_at=now
    )
    if not updated:
        return
    row.refresh_from_db()
    if status == NodeRunningStatus.SUCCESS and _cacheable(_spec(row)):
        node_cache_store(node_run=row)
    _after_node_finished(parent, row)


def _after_node_finished(run: Run, row: NodeRun, *, known_resources: Resources | None = None) -> None:
    if row.status in (NodeRunningStatus.SUCCESS, NodeRunningStatus.RESTORED):
        known = {row.node_id: row}
        released, waiting = _released_children(run, [row], known)
        _dispatch_ready(run, released, known, known_resources=known_resources)
        # A running run in which a node succeeded stays RUNNING while another node is active or
        # waiting: no need to count its nodes (what keeps long chains and wide fans cheap).
        if run.status == GraphRunningStatus.RUNNING and run.cancel_requested_at is None:
            if waiting or any(child.status in ACTIVE_STATUSES for child in released):
                return
            if _has_unsucceeded_node(run):
                return
    _refresh_run_state(run)


_SUCCEEDED = sorted(state.value for state in engine.SUCCEEDED)
ACTIVE_STATUSES = (NodeRunningStatus.IN_QUEUE, NodeRunningStatus.RUNNING)


def _has_unsucceeded_node(run: Run) -> bool:
    return bool(
        sql.fetch(
            f"SELECT 1 FROM {NodeRun._meta.db_table} "
            f"WHERE run_id = %s AND status NOT IN ({sql.placeholders(_SUCCEEDED)}) LIMIT 1",
            [run.pk, *_SUCCEEDED],
        )
    )


# --- cancel ----------------------------------------------------------------------------------


def run_cancel(*, run: Run) -> Run:
    """Cancel a run: queued and waiting nodes at once, running ones as soon as their worker notices.

    The flag is written first and is authoritative: it works when no worker is online, and a
    worker that picks a message of this run later refuses it.
    """
    with transaction.atomic():
        locked = Run.objects.select_for_update().get(pk=run.pk)
        if locked.status in (s.value for s in engine.RUN_FINISHED):
            return locked
        now = timezone.now()
        if locked.cancel_requested_at is None:
            locked.cancel_requested_at = now
            Run.objects.filter(pk=locked.pk).update(cancel_requested_at=now, updated_at=now)
        waiting = NodeRun.objects.filter(run=locked, status__in=[NodeRunningStatus.CREATED, NodeRunningStatus.IN_QUEUE])
        task_ids = [
            task_id_for(pk, attempt)
            for pk, attempt in waiting.filter(status=NodeRunningStatus.IN_QUEUE).values_list("pk", "attempt")
        ]
        waiting.update(status=NodeRunningStatus.CANCELED, finished_at=now, updated_at=now)
        revoke_after_commit(task_ids)
        children = list(
            Run.objects.filter(parent_node_run__run=locked).exclude(status__in=[s.value for s in engine.RUN_FINISHED])
        )
        _refresh_run_state(locked)
        if children:
            transaction.on_commit(lambda: [run_cancel(run=child) for child in children])
    return locked
