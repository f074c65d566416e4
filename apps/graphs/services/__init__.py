"""Services of runs and the node cache."""

from apps.graphs.services.cache import CacheCleanResult, node_cache_clean, node_cache_lookup, node_cache_store
from apps.graphs.services.node_runs import ClaimedNode, node_run_claim, node_run_finish, node_run_heartbeat
from apps.graphs.services.run_actions import RunActionRefused, run_clone, run_rerun_failed
from apps.graphs.services.run_parameters import (
    parameter_reference_messages,
    workflow_parameters_apply,
    workflow_parameters_override,
    workflow_parameters_parse,
)
from apps.graphs.services.runs import ResolvedInput, RunValidationFailed, graph_validate, run_cancel, run_create
from apps.graphs.services.sweep import SweepResult, runs_sweep

__all__ = [
    "CacheCleanResult",
    "ClaimedNode",
    "ResolvedInput",
    "RunActionRefused",
    "RunValidationFailed",
    "SweepResult",
    "graph_validate",
    "node_cache_clean",
    "node_cache_lookup",
    "node_cache_store",
    "node_run_claim",
    "node_run_finish",
    "node_run_heartbeat",
    "parameter_reference_messages",
    "run_cancel",
    "run_clone",
    "run_create",
    "run_rerun_failed",
    "runs_sweep",
    "workflow_parameters_apply",
    "workflow_parameters_override",
    "workflow_parameters_parse",
]
