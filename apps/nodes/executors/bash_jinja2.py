"""Bash scripts written as Jinja2 templates (the seed's BashJinja2 operations).

``cmd`` is rendered in a sandbox with strict undefined names and the context ``inputs``,
``outputs``, ``params`` and ``logs``: ``{{ outputs.dir }}``, ``{{ inputs['in'] | join(' ') }}``,
``{{ params['repo'] | quote }}``. The ``quote`` filter quotes for the shell (a list item by item).
"""

from __future__ import annotations

import functools
import shlex
from collections.abc import Mapping
from types import TracebackType
from typing import Any, ClassVar

from jinja2 import StrictUndefined, Template, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from apps.nodes.documents import SubNode
from apps.nodes.executors.base import Executor, PreparedNode, Script, ScriptError, find_cmd, script_context
from apps.nodes.parameters import CMD

SCRIPT_FILENAME = "_plynx_script.sh"
# The name Jinja2 gives the frames of a template compiled from a string.
_TEMPLATE_FILENAME = "<template>"


def quote(value: Any) -> str:
    """Shell quoting: a string (or number) as one word, a list as one word per item."""
    if isinstance(value, list | tuple):
        return " ".join(shlex.quote(str(item)) for item in value)
    return shlex.quote(str(value))


class _Environment(SandboxedEnvironment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        # `outputs.items` is the output named "items", not the dict's method.
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


@functools.cache
def _environment() -> _Environment:
    """The one environment of this process (rendering with it is thread-safe)."""
    environment = _Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    environment.filters["quote"] = quote
    return environment


@functools.lru_cache(maxsize=256)
def _compile(template: str) -> Template:
    """Compiling costs more than rendering: nodes of one operation share the compiled template."""
    return _environment().from_string(template)


def _template_line(traceback: TracebackType | None) -> int | None:
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == _TEMPLATE_FILENAME:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def render(template: str, context: Mapping[str, Any]) -> str:
    """Render ``template``; any error becomes a ``ScriptError`` naming the line."""
    try:
        compiled = _compile(template)
    except TemplateSyntaxError as error:
        raise ScriptError(f"template syntax error on line {error.lineno}: {error.message}") from None
    try:
        return compiled.render(context)
    except Exception as error:  # a user's template may raise anything (TypeError, ...)
        line = _template_line(error.__traceback__)
        where = f" on line {line}" if line is not None else ""
        raise ScriptError(f"template error{where}: {error}") from None


class BashJinja2Executor(Executor):
    version: ClassVar[str] = "1"

    def script(self, node: PreparedNode) -> Script:
        text = render(node.cmd, script_context(node))
        return Script(text=text, argv=("bash", str(node.workdir / SCRIPT_FILENAME)), filename=SCRIPT_FILENAME)

    def validate(self, document: SubNode) -> list[str]:
        cmd = find_cmd(document)
        if cmd is None:
            return [f"the parameter {CMD!r} is missing"]
        try:
            _environment().parse(cmd)
        except TemplateSyntaxError as error:
            return [f"{CMD}: template syntax error on line {error.lineno}: {error.message}"]
        return []
