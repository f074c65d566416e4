"""Node executors: render a node's script and run it as an isolated subprocess tree."""

from apps.nodes.executors.base import (
    ControlPlaneExecutor,
    ExecutionResult,
    Executor,
    InputItem,
    LogPaths,
    OutputSlot,
    PreparedNode,
    Script,
    ScriptError,
    pythonize_parameters,
    script_context,
)
from apps.nodes.executors.process import ProcessOutcome, ProcessStartError, clean_environment, run_process
from apps.nodes.executors.registry import UnknownExecutor, executor_for_kind

__all__ = [
    "ControlPlaneExecutor",
    "ExecutionResult",
    "Executor",
    "InputItem",
    "LogPaths",
    "OutputSlot",
    "PreparedNode",
    "ProcessOutcome",
    "ProcessStartError",
    "Script",
    "ScriptError",
    "UnknownExecutor",
    "clean_environment",
    "executor_for_kind",
    "pythonize_parameters",
    "run_process",
    "script_context",
]
