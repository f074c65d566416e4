"""Python scripts (the seed's Python operations), run by the worker's interpreter.

The user code sees module-level ``inputs``, ``outputs``, ``params`` and ``logs``, loaded from a
JSON file written beside the script by a short preamble that imports only ``json``.
"""

from __future__ import annotations

import json
import sys
from typing import ClassVar

from apps.nodes.documents import SubNode
from apps.nodes.executors.base import Executor, PreparedNode, Script, find_cmd, script_context
from apps.nodes.parameters import CMD

SCRIPT_FILENAME = "_plynx_script.py"
CONTEXT_FILENAME = "_plynx_context.json"
USER_CODE_MARKER = "# User code starts here"

_PREAMBLE = """\
import json as _plynx_json

with open({path!r}, encoding="utf-8") as _plynx_file:
    _plynx_context = _plynx_json.load(_plynx_file)
inputs = _plynx_context["inputs"]
outputs = _plynx_context["outputs"]
params = _plynx_context["params"]
logs = _plynx_context["logs"]
del _plynx_json, _plynx_file, _plynx_context

"""


class PythonExecutor(Executor):
    version: ClassVar[str] = "1"

    def script(self, node: PreparedNode) -> Script:
        preamble = _PREAMBLE.format(path=str(node.workdir / CONTEXT_FILENAME))
        text = f"{preamble}{USER_CODE_MARKER}\n{node.cmd}"
        return Script(
            text=text,
            argv=(sys.executable, str(node.workdir / SCRIPT_FILENAME)),
            filename=SCRIPT_FILENAME,
        )

    def prepare(self, node: PreparedNode) -> None:
        context = json.dumps(script_context(node), ensure_ascii=False, indent=2)
        (node.workdir / CONTEXT_FILENAME).write_text(context, encoding="utf-8")

    def validate(self, document: SubNode) -> list[str]:
        cmd = find_cmd(document)
        if cmd is None:
            return [f"the parameter {CMD!r} is missing"]
        try:
            compile(cmd, CMD, "exec", dont_inherit=True)
        except SyntaxError as error:
            return [f"{CMD}: syntax error on line {error.lineno}: {error.msg}"]
        except ValueError as error:  # a null byte in the source
            return [f"{CMD}: {error}"]
        return []
