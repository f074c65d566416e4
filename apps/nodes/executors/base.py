"""What an executor gets, what it returns, and the base class that runs a script.

The caller (the worker's task) prepares a node: it downloads the inputs into a fresh working
directory, creates the empty outputs and the log files, and describes all of it as a
``PreparedNode`` of local paths. An executor renders the node's script, runs it as a subprocess
(``process.run_process``) and says how it went; the caller uploads the outputs and logs. No
executor touches the database or the artifact storage.
"""

from __future__ import annotations

import signal
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from apps.nodes.documents import Parameter, SubNode
from apps.nodes.executors.process import ProcessOutcome, ProcessStartError, clean_environment, run_process
from apps.nodes.parameters import CMD, ParameterType

Status = Literal["SUCCESS", "FAILED", "CANCELED"]

_BANNER = "#" * 72


class ScriptError(ValueError):
    """The node's script cannot be produced (a template error, a node that is never executed)."""


@dataclass(frozen=True, slots=True)
class InputItem:
    """One value of an input: a local file (or directory) for file kinds, a Python value for raw kinds."""

    path: Path | None
    value: Any
    file_type: str

    def for_script(self) -> Any:
        """What scripts see: the path as a string, or the raw value."""
        return str(self.path) if self.path is not None else self.value


@dataclass(frozen=True, slots=True)
class OutputSlot:
    """Where the script writes an output; the caller created it (empty) beforehand."""

    path: Path
    file_type: str


@dataclass(frozen=True, slots=True)
class LogPaths:
    stdout: Path
    stderr: Path
    worker: Path


@dataclass(frozen=True, slots=True)
class PreparedNode:
    """A node ready to run: everything is local, ``params`` are already pythonized."""

    node_id: str
    title: str
    kind: str
    workdir: Path
    inputs: Mapping[str, tuple[InputItem, ...]]
    # False when the input takes one value (max_count == 1): scripts then see the value, not a list.
    input_is_list: Mapping[str, bool]
    outputs: Mapping[str, OutputSlot]
    params: Mapping[str, Any]
    cmd: str
    timeout_seconds: int
    logs: LogPaths

    def __post_init__(self) -> None:
        if self.timeout_seconds <= 0:
            raise ValueError(f"timeout_seconds must be positive, got {self.timeout_seconds}")
        if set(self.inputs) != set(self.input_is_list):
            raise ValueError("inputs and input_is_list must name the same inputs")


@dataclass(frozen=True, slots=True)
class ExecutionResult:
    status: Status
    # Empty on success; otherwise one line for people ("exit code 3", "timed out after 2 s").
    error: str = ""


@dataclass(frozen=True, slots=True)
class Script:
    """What would be run: the file's text, the command line, and the file's name in the workdir."""

    text: str
    argv: tuple[str, ...]
    filename: str


def pythonize_parameters(parameters: Sequence[Parameter]) -> dict[str, Any]:
    """Parameter values as scripts see them in ``params``, keyed by name (every parameter, ``cmd`` too).

    An enum gives its selected value (the index clamped to the values, "" without values), code
    gives its text, list_int gives ints; every other type is passed as it is.
    """
    params: dict[str, Any] = {}
    for parameter in parameters:
        value = parameter.value
        match parameter.parameter_type:
            case ParameterType.ENUM:
                values = value["values"]
                value = values[max(0, min(len(values) - 1, value["index"]))] if values else ""
            case ParameterType.CODE:
                value = value["value"]
            case ParameterType.LIST_INT:
                value = [int(item) for item in value]
            case ParameterType.INT:
                value = int(value)
            case ParameterType.FLOAT:
                value = float(value)
        params[parameter.name] = value
    return params


def script_context(node: PreparedNode) -> dict[str, Any]:
    """``inputs``, ``outputs``, ``params`` and ``logs`` as scripts see them (JSON-serializable)."""
    inputs: dict[str, Any] = {}
    for name, items in node.inputs.items():
        values = [item.for_script() for item in items]
        if node.input_is_list[name]:
            inputs[name] = values
        elif len(values) > 1:
            raise ScriptError(f"input {name!r} takes one value, got {len(values)}")
        else:
            inputs[name] = values[0] if values else None
    return {
        "inputs": inputs,
        "outputs": {name: str(slot.path) for name, slot in node.outputs.items()},
        "params": dict(node.params),
        "logs": {"stdout": str(node.logs.stdout), "stderr": str(node.logs.stderr), "worker": str(node.logs.worker)},
    }


def find_cmd(document: SubNode) -> str | None:
    """The text of the node's ``cmd`` parameter, or None when it has none."""
    for parameter in document.parameters:
        if parameter.name == CMD:
            value = pythonize_parameters([parameter])[CMD]
            return value if isinstance(value, str) else None
    return None


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as log:
        log.write(text)


def _describe_failure(outcome: ProcessOutcome, timeout_seconds: int) -> str:
    if outcome.timed_out:
        return f"timed out after {timeout_seconds} s"
    code = outcome.returncode
    if code is None:
        return "the process could not be waited for"
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class Executor(ABC):
    """Runs nodes of one kind. Subclasses render the script; ``run`` executes it.

    ``version`` is part of the cache key: bump it whenever the same node would produce
    different outputs (a changed preamble, another interpreter, ...).
    """

    version: ClassVar[str]
    # Static nodes (files) are never executed: their outputs exist beforehand.
    is_static: ClassVar[bool] = False
    # Composite operations and workflows are scheduled by the control plane, never sent to a worker.
    runs_in_control_plane: ClassVar[bool] = False

    @abstractmethod
    def script(self, node: PreparedNode) -> Script:
        """The script that runs ``node``; raises ``ScriptError`` when it cannot be produced."""

    def prepare(self, node: PreparedNode) -> None:  # noqa: B027 - an optional hook
        """Write what the script needs besides itself into the working directory (default: nothing)."""

    def validate(self, document: SubNode) -> list[str]:
        """Problems that would stop ``document`` from running, one message each (default: none)."""
        return []

    def run(
        self,
        node: PreparedNode,
        *,
        should_cancel: Callable[[], bool],
        on_tick: Callable[[], None] | None = None,
    ) -> ExecutionResult:
        """Run ``node`` to the end, a timeout or a cancel; the worker log tells what happened."""
        worker_log = node.logs.worker
        if should_cancel():
            _append(worker_log, "JOB CANCELED before it started\n")
            return ExecutionResult("CANCELED", "canceled")
        try:
            script = self.script(node)
            self.prepare(node)
        except ScriptError as error:
            _append(worker_log, f"JOB FAILED: {error}\n")
            return ExecutionResult("FAILED", str(error))
        (node.workdir / script.filename).write_text(script.text, encoding="utf-8")
        text = script.text if script.text.endswith("\n") else f"{script.text}\n"
        _append(
            worker_log,
            f"{_BANNER}\n# {node.title} ({node.kind} {node.node_id})\n# {' '.join(script.argv)}\n{_BANNER}\n"
            f"{text}{_BANNER}\n",
        )
        try:
            outcome = run_process(
                script.argv,
                cwd=node.workdir,
                env=clean_environment(node.workdir),
                stdout_path=node.logs.stdout,
                stderr_path=node.logs.stderr,
                timeout_seconds=node.timeout_seconds,
                should_cancel=should_cancel,
                on_tick=on_tick,
            )
        except ProcessStartError as error:
            _append(worker_log, f"JOB FAILED: {error}\n")
            return ExecutionResult("FAILED", str(error))
        return self._result(node, outcome)

    def _result(self, node: PreparedNode, outcome: ProcessOutcome) -> ExecutionResult:
        took = f"{outcome.duration_seconds:.1f} s"
        if outcome.canceled:
            _append(node.logs.worker, f"JOB CANCELED after {took}: the process tree was killed\n")
            return ExecutionResult("CANCELED", "canceled")
        if outcome.timed_out or outcome.returncode != 0:
            message = _describe_failure(outcome, node.timeout_seconds)
            detail = " (the _timeout parameter); the process tree was killed" if outcome.timed_out else ""
            _append(node.logs.worker, f"JOB FAILED after {took}: {message}{detail}\n")
            return ExecutionResult("FAILED", message)
        _append(node.logs.worker, f"JOB SUCCEEDED in {took}\n")
        return ExecutionResult("SUCCESS")


class ControlPlaneExecutor(Executor):
    """An executor whose nodes the control plane schedules itself (composites, workflows): no worker runs them."""

    runs_in_control_plane: ClassVar[bool] = True
    # What to say if anything ever asks for a script.
    no_script_reason: ClassVar[str] = "this node is scheduled by the control plane; it has no script of its own"

    def script(self, node: PreparedNode) -> Script:
        raise ScriptError(self.no_script_reason)

    def run(
        self,
        node: PreparedNode,
        *,
        should_cancel: Callable[[], bool],
        on_tick: Callable[[], None] | None = None,
    ) -> ExecutionResult:
        return ExecutionResult("FAILED", self.no_script_reason)
