"""What people do with a run once it exists: re-run it from its failure, clone its graph.

Both start from the run's frozen node documents (``NodeRun.spec``), never from the workflow it was
started from: the workflow may have been edited or deleted since.
"""

from __future__ import annotations

import logging

from apps.graphs.choices import GraphRunningStatus
from apps.graphs.models import NodeRun, Run
from apps.graphs.services.runs import run_create_from_docs
from apps.nodes.documents import SubNode
from apps.nodes.models import Node
from apps.users.models import User

logger = logging.getLogger(__name__)

# A run can be re-run from its failure once it has ended without succeeding.
RERUNNABLE_STATUSES = (GraphRunningStatus.FAILED, GraphRunningStatus.CANCELED)


class RunActionRefused(Exception):
    """The action does not apply to the run in its present state (the message says why)."""


def _frozen_docs(run: Run) -> list[SubNode]:
    """The run's node documents, in the workflow's order (rows are inserted in that order)."""
    specs = NodeRun.objects.filter(run=run).order_by("id").values_list("spec", flat=True)
    return [SubNode.model_validate(spec) for spec in specs]


def run_rerun_failed(*, run: Run, author: User) -> Run:
    """Start a new run of ``run``'s frozen graph: what succeeded is answered by the cache, the rest runs.

    The new run goes through the same creation path as any run, so the cache decides: a node
    that succeeded and was cacheable is RESTORED from the entry its success stored, and so are its
    descendants whose inputs are unchanged; a failed or canceled node (and any node whose cache
    entry is gone or that is not cacheable) runs again. Raises RunActionRefused for a run that has
    not ended, that succeeded, or that is a composite's child run (re-run the outer run instead),
    and RunValidationFailed if the graph can no longer run (an operation it uses was deprecated).
    """
    if run.parent_node_run_id is not None:
        raise RunActionRefused("this is the run of a composite operation: re-run the run that contains it")
    if run.status not in RERUNNABLE_STATUSES:
        raise RunActionRefused(
            f"only a failed or canceled run can be re-run from its failure; this one is {run.status}"
        )
    docs = _frozen_docs(run)
    header = dict(run.graph)
    header.setdefault("title", run.title)
    header.setdefault("description", run.description)
    header.setdefault("kind", run.kind)
    header.setdefault("parameters", [])
    header["rerun_of"] = run.pk
    new_run = run_create_from_docs(header=header, docs=docs, author=author, workflow=run.workflow)
    logger.info("run re-run from failure run=%s new_run=%s", run.pk, new_run.pk)
    return new_run


def run_clone(*, run: Run, author: User) -> Node:
    """A new editable workflow owned by ``author`` holding ``run``'s frozen graph.

    The clone records the workflow the run was started from as its parent (when it still exists).
    Raises RunActionRefused for a composite's child run (clone the run that contains it).
    """
    if run.parent_node_run_id is not None:
        raise RunActionRefused("this is the run of a composite operation: clone the run that contains it")
    graph = run.graph
    workflow = Node.objects.create(
        kind=graph.get("kind", run.kind),
        title=graph.get("title", run.title)[:255],
        description=graph.get("description", run.description),
        parameters=graph.get("parameters", []),
        nodes=[doc.model_dump(mode="json", by_alias=True) for doc in _frozen_docs(run)],
        author=author,
        parent_node_id=run.workflow_id,
    )
    logger.info("run cloned run=%s workflow=%s", run.pk, workflow.pk)
    return workflow
