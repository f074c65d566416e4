"""Composite operations: a graph of operations used as one operation.

A composite never runs on a worker. When one becomes ready, the control plane starts its inner
graph as a child run whose special Input node holds the composite's inputs; when that run ends,
the composite node ends with the outputs linked to the special Output node
(``apps.graphs.services.runs``). This class gives the kind its place in the executor registry:
its version is part of the cache key and it checks the inner graph's shape.
"""

from __future__ import annotations

from typing import ClassVar

from apps.graphs.engine.types import COMPOSITE_INPUT_ID as INPUT_NODE_ID
from apps.graphs.engine.types import COMPOSITE_OUTPUT_ID as OUTPUT_NODE_ID
from apps.nodes.documents import SubNode
from apps.nodes.executors.base import ControlPlaneExecutor


class CompositeExecutor(ControlPlaneExecutor):
    version: ClassVar[str] = "1"
    no_script_reason: ClassVar[str] = "a composite operation runs its inner graph; it has no script of its own"

    def validate(self, document: SubNode) -> list[str]:
        problems = []
        inner = {node.id: node for node in document.nodes}
        inputs, outputs = inner.get(INPUT_NODE_ID), inner.get(OUTPUT_NODE_ID)
        if document.inputs and inputs is None:
            problems.append("the inner graph has no Input node for the composite's inputs")
        if inputs is not None:
            missing = {i.name for i in document.inputs} - {o.name for o in inputs.outputs}
            if missing:
                problems.append(f"the Input node lacks outputs for inputs {', '.join(sorted(missing))}")
        if document.outputs and outputs is None:
            problems.append("the inner graph has no Output node for the composite's outputs")
        if outputs is not None:
            missing = {o.name for o in document.outputs} - {i.name for i in outputs.inputs}
            if missing:
                problems.append(f"the Output node lacks inputs for outputs {', '.join(sorted(missing))}")
        return problems
