"""Operations defined as Python functions: the seed's ``plynx.node`` API.

    import plynx.node

    @plynx.node.input(name="name", var_type=str)
    @plynx.node.output(name="message", var_type=str)
    @plynx.node.param(name="greeting", var_type=str, default="Hello")
    @plynx.node.operation(title="Print message")
    def print_message(name, greeting):
        return {"message": f"{greeting} {name}!"}

    GROUP = plynx.node.Group(title="Hello World", items=[print_message])

``make_operations_meta([GROUP])`` gives the groups with the operation documents a hub serves
(``apps.nodes.hubs.StaticListHub`` reads a module's ``COLLECTION``); ``Node(document=fn)`` of
``plynx.graph`` makes workflow nodes of one directly.

An operation is a ``python`` operation whose ``cmd`` is the function's own source (decorators
left out), what it needs from its module (imports, helper functions, constants) and a short
wrapper. On a worker the wrapper calls the function with the node's inputs and parameters as
keyword arguments and writes the outputs from the dictionary it returns:

- ``int``, ``float``, ``str``, ``bool`` (and ``"color"``) travel as values;
- ``dict`` and ``list`` travel as JSON files, loaded before the call and written after it;
- any other file type (``"file"``, ``"csv"``, ``"image"``, ``"directory"``, ...) arrives as the
  path of the downloaded file, and is returned as the path of a file (or directory) the
  function made, or as ``bytes``.

An input with ``is_array=True`` gives a list. Mistakes in a declaration raise
``OperationDeclarationError`` naming the function and the field.

What the function uses from its module travels with it: modules it names are imported again
(so a worker needs the same packages installed), functions and classes of the module are copied,
constants (numbers, strings, and lists, tuples and dicts of them) are written out. Anything else
(an open file, a lock, a variable of an enclosing function) is refused with its name: create it
inside the function instead. A class whose instances are callable works too: one instance is
made for the node, then called.
"""

from __future__ import annotations

import ast
import builtins
import dis
import hashlib
import inspect
import json
import math
import re
import textwrap
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "Group",
    "InputItem",
    "OperationDeclarationError",
    "OutputItem",
    "ParamItem",
    "PlynxParams",
    "code_location",
    "input",
    "make_operations_meta",
    "operation",
    "operation_document",
    "output",
    "param",
    "parameter",
]

# The server's defaults for a new python operation (apps.nodes.defaults).
DEFAULT_TIMEOUT_SECONDS = 600
DEFAULT_KIND = "python"
CMD, CACHEABLE, TIMEOUT = "cmd", "cacheable", "_timeout"
LOG_NAMES = ("stderr", "stdout", "worker")
RESERVED_PARAMETERS = frozenset({CMD, CACHEABLE, TIMEOUT})

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}")
_KIND = re.compile(r"[a-z][a-z0-9_\-]{0,63}")
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# File types whose files hold one value; scripts see the value, not a path.
RAW_FILE_TYPES = frozenset({"int", "float", "str", "bool", "color"})
_PYTHON_FILE_TYPES: dict[Any, str] = {int: "int", float: "float", str: "str", bool: "bool", dict: "json", list: "json"}
PARAMETER_TYPES = ("str", "int", "float", "bool", "text", "enum", "list_str", "list_int", "code", "color")
_PYTHON_PARAMETER_TYPES: dict[Any, str] = {int: "int", float: "float", str: "str", bool: "bool", list: "list_str"}


_T = TypeVar("_T")


class OperationDeclarationError(ValueError):
    """A decorator or a Group was given something an operation cannot be made of."""


# --- declarations ----------------------------------------------------------------------------


@dataclass
class InputItem:
    """An input: its name, file type, and how many values it takes."""

    name: str
    file_type: str
    is_array: bool = False
    min_count: int = 1
    # Python's dict / list: the JSON file is loaded before the call.
    decode_json: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file_types": [self.file_type],
            "values": [],
            "min_count": self.min_count,
            "max_count": -1 if self.is_array else 1,
        }


@dataclass
class OutputItem:
    """An output: its name and file type."""

    name: str
    file_type: str
    encode_json: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "file_type": self.file_type, "resource_id": None}


@dataclass
class ParamItem:
    """A parameter: name, type, default value, and the label the editor shows (None: hidden)."""

    name: str
    parameter_type: str
    value: Any
    widget: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "parameter_type": self.parameter_type,
            "value": self.value,
            "mutable_type": False,
            "removable": False,
            "publicable": True,
            "widget": None if self.widget is None else {"alias": self.widget},
            "reference": None,
        }


@dataclass
class PlynxParams:
    """What the decorators declared about one function."""

    title: str
    description: str
    kind: str
    node_type: str = "python-code-operation"
    auto_run_enabled: bool = True
    cacheable: bool = True
    timeout: int = DEFAULT_TIMEOUT_SECONDS
    inputs: list[InputItem] = field(default_factory=list)
    params: list[ParamItem] = field(default_factory=list)
    outputs: list[OutputItem] = field(default_factory=list)


@dataclass
class Group:
    """A titled collection of operations (and of other groups), as the editor's catalog shows it."""

    title: str
    items: list[Any]

    def __post_init__(self) -> None:
        if not isinstance(self.title, str) or not self.title.strip():
            raise OperationDeclarationError(f"Group: the title must be a non-empty string, got {self.title!r}")
        for item in self.items:
            if not isinstance(item, Group) and not hasattr(item, "plynx_params"):
                raise OperationDeclarationError(
                    f"Group {self.title!r}: {_describe(item)} is neither a Group nor decorated with @operation"
                )

    def to_dict(self) -> dict[str, Any]:
        """The group with its items' documents: ``{"_type": "Group", "title", "items"}``."""
        return {"_type": "Group", "title": self.title, "items": [func_or_group_to_dict(item) for item in self.items]}


def _describe(obj: Any) -> str:
    return getattr(obj, "__qualname__", None) or repr(obj)


def _fail(target: Any, message: str) -> OperationDeclarationError:
    return OperationDeclarationError(f"{_describe(target)}: {message}")


def _check_name(target: Any, what: str, name: Any) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise _fail(target, f"{what} name {name!r} must be 1-64 letters, digits, '_', '.' or '-'")
    return name


def _file_type(target: Any, what: str, var_type: Any) -> tuple[str, bool]:
    """The file type of ``var_type`` and whether values are JSON-converted (dict, list)."""
    if var_type in _PYTHON_FILE_TYPES:
        file_type = _PYTHON_FILE_TYPES[var_type]
        return file_type, file_type == "json"
    if isinstance(var_type, str) and _KIND.fullmatch(var_type):
        return var_type, False
    raise _fail(
        target,
        f"{what}: var_type {var_type!r} is not a file type; use int, float, str, bool, dict, list "
        "or the name of a file type such as 'file', 'csv' or 'image'",
    )


def _pending(target: Any) -> tuple[list[InputItem], list[ParamItem], list[OutputItem]]:
    """Where a declaration goes: the operation's lists, or (before @operation is applied) pending ones."""
    params: PlynxParams | None = getattr(target, "plynx_params", None)
    if params is not None:
        return params.inputs, params.params, params.outputs
    pending = target.__dict__.get("_plynx_pending")
    if pending is None:
        pending = ([], [], [])
        target._plynx_pending = pending
    return pending  # type: ignore[no-any-return]


def _declare(target: Any, kind: str, item: InputItem | ParamItem | OutputItem) -> None:
    inputs, params, outputs = _pending(target)
    if kind == "output":
        if any(other.name == item.name for other in outputs):
            raise _fail(target, f"two outputs are named {item.name!r}")
        outputs.insert(0, item)  # type: ignore[arg-type]
        return
    others: list[InputItem | ParamItem] = [*inputs, *params]
    for other in others:
        if other.name == item.name:
            other_kind = "input" if isinstance(other, InputItem) else "parameter"
            raise _fail(target, f"the {kind} {item.name!r} has the same name as a declared {other_kind}")
    if kind == "input":
        inputs.insert(0, item)  # type: ignore[arg-type]
    else:
        params.insert(0, item)  # type: ignore[arg-type]


def input(  # the seed's name, shadowing the builtin on purpose
    name: str | None = None, var_type: Any = None, is_array: bool = False, min_count: int = 1
) -> Callable[[_T], _T]:
    """Declare an input: its value (or path, or list with ``is_array``) is passed as argument ``name``."""

    def decorator(target: _T) -> _T:
        checked = _check_name(target, "input", name)
        file_type, decode = _file_type(target, f"input {checked!r}", var_type)
        if not isinstance(is_array, bool):
            raise _fail(target, f"input {checked!r}: is_array must be True or False, got {is_array!r}")
        if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 0:
            raise _fail(target, f"input {checked!r}: min_count must be a whole number >= 0, got {min_count!r}")
        if not is_array and min_count > 1:
            raise _fail(target, f"input {checked!r}: min_count {min_count} needs is_array=True (one value at most)")
        _declare(target, "input", InputItem(checked, file_type, is_array, min_count, decode))
        return target

    return decorator


def output(name: str | None = None, var_type: Any = None) -> Callable[[_T], _T]:
    """Declare an output: the function returns its value under the key ``name``."""

    def decorator(target: _T) -> _T:
        checked = _check_name(target, "output", name)
        file_type, encode = _file_type(target, f"output {checked!r}", var_type)
        _declare(target, "output", OutputItem(checked, file_type, encode))
        return target

    return decorator


def _parameter_type(target: Any, name: str, var_type: Any) -> str:
    if var_type in _PYTHON_PARAMETER_TYPES:
        return _PYTHON_PARAMETER_TYPES[var_type]
    if isinstance(var_type, str) and var_type in PARAMETER_TYPES:
        return var_type
    raise _fail(
        target,
        f"parameter {name!r}: var_type {var_type!r} is not a parameter type; use int, float, str, bool, list "
        f"or one of {', '.join(PARAMETER_TYPES)}",
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parameter_value(target: Any, name: str, parameter_type: str, default: Any) -> Any:  # noqa: C901 - one branch per type
    """``default`` in the server's form for ``parameter_type`` (None: the type's empty value)."""
    where = f"parameter {name!r} ({parameter_type})"
    if default is None:
        empty = {"str": "", "text": "", "int": 0, "float": 0.0, "bool": False, "color": "#ff0000"}
        empty_lists: dict[str, Any] = {"list_str": [], "list_int": [], "enum": {"values": [], "index": 0}}
        if parameter_type == "code":
            return {"value": "", "mode": "python"}
        return empty.get(parameter_type, empty_lists.get(parameter_type))
    match parameter_type:
        case "str" | "text":
            ok = isinstance(default, str)
        case "int":
            ok = _is_int(default)
        case "float":
            ok = (_is_int(default) or isinstance(default, float)) and math.isfinite(default)
            default = float(default) if ok else default
        case "bool":
            ok = isinstance(default, bool)
        case "color":
            ok = isinstance(default, str) and bool(_COLOR.fullmatch(default))
            default = default.lower() if ok else default
        case "list_str":
            ok = isinstance(default, list | tuple) and all(isinstance(item, str) for item in default)
            default = list(default) if ok else default
        case "list_int":
            ok = isinstance(default, list | tuple) and all(_is_int(item) for item in default)
            default = list(default) if ok else default
        case "code":
            ok = isinstance(default, str)
            default = {"value": default, "mode": "python"} if ok else default
        case "enum":
            ok = isinstance(default, list | tuple) and len(default) > 0 and all(isinstance(v, str) for v in default)
            ok = ok and len(set(default)) == len(default)
            if not ok:
                raise _fail(target, f"{where}: the default must list the distinct choices, the first one selected")
            return {"values": list(default), "index": 0}
        case _:  # pragma: no cover - PARAMETER_TYPES is closed
            ok = False
    if not ok:
        raise _fail(target, f"{where}: the default {default!r} does not fit the type")
    return default


def param(
    name: str | None = None, var_type: Any = None, default: Any = None, widget: str | None = ""
) -> Callable[[_T], _T]:
    """Declare a parameter, passed as argument ``name``; ``widget`` is its label ("" : the name, None: hidden)."""

    def decorator(target: _T) -> _T:
        checked = _check_name(target, "parameter", name)
        if checked in RESERVED_PARAMETERS:
            raise _fail(target, f"parameter {checked!r} is reserved; every operation has it already")
        parameter_type = _parameter_type(target, checked, var_type)
        value = _parameter_value(target, checked, parameter_type, default)
        if widget is not None and not isinstance(widget, str):
            raise _fail(target, f"parameter {checked!r}: widget must be a label (a string) or None")
        label = None if widget is None else widget or checked
        _declare(target, "parameter", ParamItem(checked, parameter_type, value, label))
        return target

    return decorator


parameter = param  # the seed's alias


def operation(
    node_type: str | None = None,
    title: str | None = None,
    description: str = "",
    kind: str | None = None,
    auto_run_enabled: bool = True,
    cacheable: bool = True,
    timeout: int = DEFAULT_TIMEOUT_SECONDS,
) -> Callable[[_T], _T]:
    """Make a function (or a class whose instances are callable) an operation.

    ``title`` defaults to the function's name and ``description`` to its docstring; ``kind`` is a
    python operation kind (``python`` by default); ``cacheable`` and ``timeout`` (seconds) are the
    defaults of the node's ``cacheable`` and ``_timeout`` parameters. ``node_type`` is the seed's and
    only kept for its code.
    """

    def decorator(target: _T) -> _T:
        obj: Any = target  # a function or a class, given attributes
        if not callable(obj):
            raise _fail(obj, "@operation decorates a function or a class")
        if "plynx_params" in getattr(obj, "__dict__", {}):
            raise _fail(obj, "@operation is applied twice")
        if title is not None and (not isinstance(title, str) or not title.strip()):
            raise _fail(obj, f"the title must be a non-empty string, got {title!r}")
        chosen_kind = kind or DEFAULT_KIND
        if not isinstance(chosen_kind, str) or not _KIND.fullmatch(chosen_kind):
            raise _fail(obj, f"kind {chosen_kind!r} is not an operation kind name")
        if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
            raise _fail(obj, f"timeout must be a positive whole number of seconds, got {timeout!r}")
        doc = description or inspect.getdoc(obj) or ""
        if isinstance(obj, type) and doc == inspect.getdoc(object):
            doc = ""
        pending = obj.__dict__.get("_plynx_pending", ([], [], []))
        obj.plynx_params = PlynxParams(
            title=title or obj.__name__,
            description=doc,
            kind=chosen_kind,
            node_type=node_type or "python-code-operation",
            auto_run_enabled=bool(auto_run_enabled),
            cacheable=bool(cacheable),
            timeout=timeout,
            inputs=list(pending[0]),
            params=list(pending[1]),
            outputs=list(pending[2]),
        )
        if "_plynx_pending" in obj.__dict__:
            del obj._plynx_pending
        return target

    return decorator


# --- shipping the code -----------------------------------------------------------------------


def _callable_of(target: Any) -> Callable[..., Any]:
    """What the wrapper calls: the function, or the instances' ``__call__``."""
    if isinstance(target, type):
        call = target.__dict__.get("__call__")
        if call is None:
            raise _fail(target, "a class operation needs a __call__ method")
        return call  # type: ignore[no-any-return]
    return target  # type: ignore[no-any-return]


def _check_signature(target: Any, params: PlynxParams) -> None:
    function = _callable_of(target)
    signature = inspect.signature(function)
    arguments = list(signature.parameters.values())
    if isinstance(target, type):
        arguments = arguments[1:]  # self
        if inspect.signature(target).parameters:
            raise _fail(target, "a class operation is made without arguments: its __init__ must take none")
    if any(a.kind is inspect.Parameter.VAR_KEYWORD for a in arguments):
        return
    accepted = {a.name for a in arguments if a.kind in (a.POSITIONAL_OR_KEYWORD, a.KEYWORD_ONLY)}
    declared = [item.name for item in params.inputs] + [item.name for item in params.params]
    unknown = [name for name in declared if name not in accepted]
    if unknown:
        raise _fail(target, f"input or parameter {unknown[0]!r} is not an argument of the function")
    required = [
        a.name
        for a in arguments
        if a.default is inspect.Parameter.empty and a.kind is not inspect.Parameter.VAR_POSITIONAL
    ]
    missing = [name for name in required if name not in declared]
    if missing:
        raise _fail(
            target, f"argument {missing[0]!r} is neither an input nor a parameter (declare it or give it a default)"
        )


def _source_node(target: Any) -> tuple[str, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]:
    try:
        lines, _ = inspect.getsourcelines(target)
    except (OSError, TypeError) as error:
        raise _fail(
            target, f"cannot read its source ({error}); define operations in a file or a notebook cell"
        ) from None
    text = textwrap.dedent("".join(lines))
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise _fail(target, f"cannot parse its source: {error}") from None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        raise _fail(target, "only functions and classes defined with def / class can be operations")
    if isinstance(node, ast.AsyncFunctionDef):
        raise _fail(target, "async functions cannot be operations")
    return text, node


def _offset(line_starts: list[int], lineno: int, col: int) -> int:
    return line_starts[lineno - 1] + col


def _strip_signature_annotations(text: str, node: ast.AST) -> str:
    """``text`` without the annotations of the shipped definitions' signatures.

    Annotations are evaluated when ``def`` runs on the worker and often name types the worker
    has no use for (``pathlib.Path``, ``typing.Any``); the wrapper never reads them.
    """
    encoded = text.encode("utf-8")
    line_starts = [0]
    for line in encoded.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    functions = [node] if isinstance(node, ast.FunctionDef) else []
    if isinstance(node, ast.ClassDef):
        functions = [item for item in node.body if isinstance(item, ast.FunctionDef)]
    cuts: list[tuple[int, int]] = []
    for function in functions:
        args = function.args
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None and arg.annotation is not None and arg.end_lineno is not None:
                start = _offset(line_starts, arg.lineno, arg.col_offset) + len(arg.arg.encode())
                cuts.append((start, _offset(line_starts, arg.end_lineno, arg.end_col_offset or 0)))
        returns = function.returns
        if returns is not None and returns.end_lineno is not None:
            end = _offset(line_starts, returns.end_lineno, returns.end_col_offset or 0)
            arrow = encoded.rfind(b"->", 0, _offset(line_starts, returns.lineno, returns.col_offset))
            cuts.append((arrow, end))
    for start, end in sorted(cuts, reverse=True):
        encoded = encoded[:start].rstrip(b" ") + encoded[end:]
    return encoded.decode("utf-8")


def _definition(target: Any) -> tuple[str, str, ast.AST]:
    """The name and the source of ``target``'s definition, decorators and annotations left out."""
    text, node = _source_node(target)
    start = node.lineno - 1  # the `def` / `class` line; decorators come before it
    body = "".join(text.splitlines(keepends=True)[start:])
    shipped = ast.parse(body).body[0]
    assert isinstance(shipped, ast.FunctionDef | ast.ClassDef)  # the same definition, re-parsed
    return shipped.name, _strip_signature_annotations(body, shipped), shipped


def _code_objects(target: Any) -> list[types.CodeType]:
    if isinstance(target, type):
        codes = []
        for value in vars(target).values():
            function = value.__func__ if isinstance(value, staticmethod | classmethod) else value
            if isinstance(function, types.FunctionType):
                codes.append(function.__code__)
        return codes
    return [target.__code__]


def _global_names(code: types.CodeType) -> set[str]:
    names = {ins.argval for ins in dis.get_instructions(code) if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _signature_names(node: ast.AST) -> set[str]:
    """Names the definition's default values (and a class's bases) read when it is executed."""
    functions = [node] if isinstance(node, ast.FunctionDef) else []
    expressions: list[ast.AST] = []
    if isinstance(node, ast.ClassDef):
        functions = [item for item in node.body if isinstance(item, ast.FunctionDef)]
        expressions += [*node.bases, *(keyword.value for keyword in node.keywords)]
        expressions += [item for item in node.body if not isinstance(item, ast.FunctionDef)]
    for function in functions:
        expressions += [*function.args.defaults, *(d for d in function.args.kw_defaults if d is not None)]
        expressions += function.decorator_list
    return {n.id for expr in expressions for n in ast.walk(expr) if isinstance(n, ast.Name)}


def _is_literal(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | str | bytes):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple | set | frozenset):
        return all(_is_literal(item) for item in value)
    if isinstance(value, dict):
        return all(_is_literal(k) and _is_literal(v) for k, v in value.items())
    return False


class _Shipper:
    """Collects the source a function needs on a worker: imports, helpers and constants first."""

    def __init__(self, operation: Any) -> None:
        self.operation = operation
        self.imports: list[str] = []
        self.blocks: list[str] = []
        self.seen: set[int] = set()
        self.bound: set[str] = set()

    def ship(self, target: Any) -> str:
        """Ship ``target`` (and what it uses); the name it is defined under."""
        if id(target) in self.seen:
            return target.__name__  # type: ignore[no-any-return]
        self.seen.add(id(target))
        if getattr(target, "__closure__", None):
            raise _fail(self.operation, f"{_describe(target)} reads variables of an enclosing function; it must not")
        name, source, node = _definition(target)
        module_globals: dict[str, Any] = getattr(_callable_of(target), "__globals__", None) or vars(
            inspect.getmodule(target) or types.ModuleType("empty")
        )
        names = set().union(*(_global_names(code) for code in _code_objects(target))) | _signature_names(node)
        for global_name in sorted(names - {name}):
            self._bind(global_name, module_globals, target)
        self.blocks.append(source.rstrip() + "\n")
        self.bound.add(name)
        return name

    def _bind(self, name: str, module_globals: dict[str, Any], user: Any) -> None:
        if name in self.bound or not name.isidentifier():
            return  # not a name of the source (pytest's assertion rewriting adds such globals)
        if name not in module_globals:
            return  # a builtin, or a name Python would not find either
        value = module_globals[name]
        if hasattr(builtins, name) and getattr(builtins, name) is value:
            return
        self.bound.add(name)
        if isinstance(value, types.ModuleType):
            module = value.__name__
            self.imports.append(f"import {module}" if module == name else f"import {module} as {name}")
            return
        if isinstance(value, types.FunctionType | type) and value.__module__ == getattr(user, "__module__", None):
            self.ship(value)
            if value.__name__ != name:
                self.blocks.append(f"{name} = {value.__name__}\n")
            return
        module_name = getattr(value, "__module__", None)
        qualname = getattr(value, "__qualname__", "")
        if (
            isinstance(value, types.FunctionType | types.BuiltinFunctionType | type)
            and module_name
            and module_name != "__main__"
            and "." not in qualname
        ):
            alias = "" if qualname == name else f" as {name}"
            self.imports.append(f"from {module_name} import {qualname}{alias}")
            return
        if _is_literal(value):
            self.blocks.append(f"{name} = {value!r}\n")
            return
        raise _fail(
            self.operation,
            f"{_describe(user)} uses the global {name!r} ({type(value).__name__}), which cannot be sent to a worker "
            "with the code; import or create it inside the function",
        )


# The wrapper: calls the operation with the node's inputs and parameters, writes its outputs.
# It runs after the python executor's preamble, which defines `inputs`, `outputs` and `params`.
_RUNTIME = """\
def _plynx_call(target, spec):
    import json
    import os
    import shutil

    title = spec["title"]

    def load_json(path):
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    arguments = {}
    for name, decode_json in spec["inputs"]:
        value = inputs[name]
        if decode_json and value is not None:
            value = [load_json(path) for path in value] if isinstance(value, list) else load_json(value)
        arguments[name] = value
    for name in spec["params"]:
        arguments[name] = params[name]
    function = target() if spec["is_class"] else target
    result = function(**arguments)
    names = [name for name, _ in spec["outputs"]]
    if result is None and not names:
        return
    if not isinstance(result, dict):
        raise TypeError(
            f"{title}: the function must return a dict with the outputs {names}, got {type(result).__name__}"
        )
    missing = [name for name in names if name not in result]
    extra = sorted(str(name) for name in result if name not in names)
    if missing or extra:
        raise KeyError(f"{title}: the returned dict lacks the outputs {missing} or has unknown keys {extra}")
    for name, file_type in spec["outputs"]:
        value, path = result[name], outputs[name]
        where = f"{title}: output {name!r} ({file_type})"
        if file_type == "json":
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(value, handle)
        elif file_type in ("int", "float", "bool", "str", "color"):
            kinds = {"int": int, "float": (int, float), "bool": bool, "str": str, "color": str}
            if not isinstance(value, kinds[file_type]) or (isinstance(value, bool) and file_type != "bool"):
                raise TypeError(f"{where} takes a {file_type} value, got {value!r}")
            text = ("true" if value else "false") if file_type == "bool" else str(value)
            if file_type == "float":
                text = repr(float(value))
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text + "\\n")
        elif isinstance(value, (bytes, bytearray)):
            with open(path, "wb") as handle:
                handle.write(value)
        elif isinstance(value, (str, os.PathLike)):
            source = os.fspath(value)
            if not os.path.exists(source):
                raise FileNotFoundError(f"{where}: the returned path {source!r} does not exist")
            if os.path.isdir(source):
                if not os.path.isdir(path):
                    raise IsADirectoryError(f"{where} takes a file, got the directory {source!r}")
                shutil.copytree(source, path, dirs_exist_ok=True)
            elif not os.path.samefile(source, path):
                shutil.copyfile(source, path)
        else:
            raise TypeError(f"{where} takes the path of a file or bytes, got {type(value).__name__}")
"""


def _cmd(target: Any, params: PlynxParams, location: str) -> str:
    shipper = _Shipper(target)
    name = shipper.ship(target)
    spec = {
        "title": params.title,
        "is_class": isinstance(target, type),
        "inputs": [(item.name, item.decode_json) for item in params.inputs],
        "params": [item.name for item in params.params],
        "outputs": [(item.name, "json" if item.encode_json else item.file_type) for item in params.outputs],
    }
    parts = [
        f"# Operation {params.title!r}, {_LOCATION_PREFIX}{location}.\n"
        "# Made by plynx.node: change the function there, not this copy.\n",
    ]
    if shipper.imports:
        parts.append("\n".join(dict.fromkeys(shipper.imports)) + "\n")
    parts.extend(shipper.blocks)
    parts.append(_RUNTIME)
    parts.append(f"_plynx_call({name}, {spec!r})\n")
    return "\n\n".join(part.rstrip("\n") + "\n" for part in parts)


_LOCATION_PREFIX = "defined in Python as "
_LOCATION_LINE = re.compile(r", defined in Python as (\S+)\.$")


def code_location(cmd: str) -> str | None:
    """Where the operation whose ``cmd`` this is was defined (``module:qualname``), or None for other code."""
    first = cmd.split("\n", 1)[0]
    match = _LOCATION_LINE.search(first) if first.startswith("# Operation ") else None
    return match.group(1) if match else None


def _location(target: Any) -> str:
    return f"{getattr(target, '__module__', '?')}:{getattr(target, '__qualname__', _describe(target))}"


def _params_of(target: Any) -> PlynxParams:
    params = getattr(target, "plynx_params", None)
    if not isinstance(params, PlynxParams):
        if "_plynx_pending" in getattr(target, "__dict__", {}):
            raise _fail(target, "has inputs, outputs or parameters but no @operation")
        raise _fail(target, "is not decorated with @operation")
    return params


def operation_document(target: Any) -> dict[str, Any]:
    """The operation document of a decorated function, as the server stores operations.

    Its ``_id`` is derived from the document itself, so the same code gives the same id everywhere.
    """
    params = _params_of(target)
    _check_signature(target, params)
    location = _location(target)
    hidden = {"mutable_type": False, "removable": False, "publicable": False, "widget": None, "reference": None}
    parameters = [
        {
            "name": CMD,
            "parameter_type": "code",
            "value": {"value": _cmd(target, params, location), "mode": "python"},
            **hidden,
        },
        *(item.to_dict() for item in params.params),
        {"name": CACHEABLE, "parameter_type": "bool", "value": params.cacheable, **hidden},
        {"name": TIMEOUT, "parameter_type": "int", "value": params.timeout, **hidden},
    ]
    document: dict[str, Any] = {
        "kind": params.kind,
        "title": params.title,
        "description": params.description,
        "inputs": [item.to_dict() for item in params.inputs],
        "outputs": [item.to_dict() for item in params.outputs],
        "parameters": parameters,
        "logs": [{"name": name, "file_type": "file", "resource_id": None} for name in LOG_NAMES],
    }
    digest = hashlib.sha256(json.dumps([location, document], sort_keys=True).encode("utf-8")).hexdigest()
    return {"_id": digest[:24], **document}


def func_or_group_to_dict(func_or_group: Any) -> dict[str, Any]:
    """A Group as ``{"_type": "Group", "title", "items"}``; an operation as its document with ``"_type": "Node"``."""
    if isinstance(func_or_group, Group):
        return func_or_group.to_dict()
    params = _params_of(func_or_group)
    return {
        "_type": "Node",
        **operation_document(func_or_group),
        "auto_run_enabled": params.auto_run_enabled,
        "code_function_location": _location(func_or_group),
    }


def make_operations_meta(groups: Iterable[Any] | Group) -> list[dict[str, Any]]:
    """The operation documents of a collection (groups and operations), groups kept as the tree they form.

    Every operation is checked; the first mistake raises ``OperationDeclarationError``. An
    operation listed twice, or two operations with the same title in one group, are refused.
    """
    items: Sequence[Any] = [groups] if isinstance(groups, Group) else list(groups)
    tree = [func_or_group_to_dict(item) for item in items]
    _check_tree(tree, "the collection", set())
    return tree


def _check_tree(items: list[dict[str, Any]], where: str, seen: set[str]) -> None:
    titles: set[str] = set()
    for item in items:
        if item["_type"] == "Group":
            _check_tree(item["items"], f"group {item['title']!r}", seen)
            continue
        if item["code_function_location"] in seen:
            raise OperationDeclarationError(f"{where}: {item['code_function_location']} is listed twice")
        seen.add(item["code_function_location"])
        if item["title"] in titles:
            raise OperationDeclarationError(f"{where}: two operations are titled {item['title']!r}")
        titles.add(item["title"])


# The seed's code reads ``plynx.node.utils.Group`` and ``plynx.node.utils.func_or_group_to_dict``.
utils = types.SimpleNamespace(Group=Group, func_or_group_to_dict=func_or_group_to_dict)
