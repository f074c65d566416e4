"""The ``plynx`` command: log in, find workflows and runs, start runs with parameter overrides,
follow them, read node logs and download outputs.

Exit codes are distinct per kind of problem, so scripts can tell them apart (``plynx --help``
lists them). Messages go to stderr as one line each; listings and node status lines to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

from plynx.client import DEFAULT_ENDPOINT, ApiError, Client

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_AUTH = 4
EXIT_FORBIDDEN = 5
EXIT_NOT_FOUND = 6
EXIT_INVALID = 7
EXIT_RUN_CANCELED = 8
EXIT_SERVER = 9
EXIT_INTERRUPTED = 130  # the shell's convention for a command ended by Ctrl-C (128 + SIGINT)

EXIT_CODES = f"""exit codes:
  {EXIT_OK}    success (a followed run ended SUCCESS)
  {EXIT_RUN_FAILED}    the run ended FAILED
  {EXIT_USAGE}    bad command line
  {EXIT_UNREACHABLE}    the server cannot be reached
  {EXIT_AUTH}    bad credentials, or not logged in
  {EXIT_FORBIDDEN}    permission denied
  {EXIT_NOT_FOUND}    no such workflow, run, node or resource
  {EXIT_INVALID}    the server refused the request (the message says why)
  {EXIT_RUN_CANCELED}    the run ended CANCELED
  {EXIT_SERVER}    the server failed
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
"""

FINISHED = ("SUCCESS", "FAILED", "CANCELED")
SUCCEEDED = ("SUCCESS", "RESTORED")
NODE_ENDED = ("SUCCESS", "RESTORED", "FAILED", "CANCELED")
LOGS = ("stdout", "stderr", "worker")
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
# Lines of a failed node's stderr shown when a followed run fails: enough to see the error.
FAILURE_TAIL_LINES = 15
# Bytes read from the end of a log to find its last lines (a line is rarely longer than 1 KiB).
TAIL_BYTES_PER_LINE = 1024
# The largest page the runs list and the nodes list answer.
RUNS_PAGE, NODES_PAGE = 200, 5000


class CliError(Exception):
    """A problem to report in one line, ending the command with ``code``."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- configuration ---------------------------------------------------------------------------


def config_path() -> Path:
    """``$PLYNX_CONFIG``, else ``plynx/config.json`` in the user's configuration directory."""
    if os.environ.get("PLYNX_CONFIG"):
        return Path(os.environ["PLYNX_CONFIG"])
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "plynx" / "config.json"


def config_load() -> dict[str, Any]:
    path = config_path()
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read the configuration {path}: {error}", EXIT_USAGE) from None
    return data if isinstance(data, dict) else {}


def config_save(data: Mapping[str, Any]) -> Path:
    """Write the configuration readable by its owner only (it holds refresh tokens)."""
    path = config_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkstemp creates the file readable and writable by its owner only (0600), before anything is written.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".json")
    try:
        with os.fdopen(descriptor, "w") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def _normalized(url: str) -> str:
    url = url.strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+", url):
        raise CliError(f"not a server address: {url!r} (expected http://host:port or https://host)", EXIT_USAGE)
    return url


def server_of(args: argparse.Namespace, config: Mapping[str, Any]) -> str:
    """``--server``, else ``$PLYNX_ENDPOINT``, else the server logged in to last, else the local default."""
    return _normalized(args.server or os.environ.get("PLYNX_ENDPOINT") or config.get("server") or DEFAULT_ENDPOINT)


def client_for(args: argparse.Namespace) -> Client:
    """A client of the chosen server with the stored credentials for it (``$PLYNX_TOKEN`` first)."""
    config = config_load()
    server = server_of(args, config)
    token = os.environ.get("PLYNX_TOKEN") or config.get("servers", {}).get(server, {}).get("refresh_token")
    return Client(server, token=token or None, timeout=args.timeout)


# --- errors ----------------------------------------------------------------------------------


def _cli_error(error: ApiError, *, missing: str = "") -> CliError:
    """The CLI's message and exit code for a refused request; ``missing`` names what a 404 means."""
    if error.status == 0:
        return CliError(error.message, EXIT_UNREACHABLE)
    if error.status == 401:
        return CliError(f"not logged in, or the login expired: {error.message} (run `plynx login`)", EXIT_AUTH)
    if error.status == 403:
        return CliError(f"permission denied: {error.message}", EXIT_FORBIDDEN)
    if error.status == 404:
        return CliError(missing or f"not found: {error.message}", EXIT_NOT_FOUND)
    if error.status >= 500:
        return CliError(f"the server failed ({error.status}): {error.message}", EXIT_SERVER)
    return CliError(error.message, EXIT_INVALID)


@contextlib.contextmanager
def answering(missing: str = "") -> Iterator[None]:
    """Turn the API's errors inside into CliErrors; a 404 becomes ``missing`` when given."""
    try:
        yield
    except ApiError as error:
        raise _cli_error(error, missing=missing) from None


def object_id(value: str, what: str) -> str:
    if not OBJECT_ID.match(value):
        raise CliError(f"{value!r} is not a {what} id (24 hexadecimal characters)", EXIT_NOT_FOUND)
    return value


# --- output ----------------------------------------------------------------------------------


def table(rows: Sequence[Sequence[str]], header: Sequence[str], out: TextIO) -> None:
    """Rows as aligned columns under ``header`` (the last column is not padded)."""
    if not rows:
        return
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)] + [str(row[-1])]
        print("  ".join(cells).rstrip(), file=out)


def clip(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def when(stamp: str | None) -> str:
    """An API timestamp as ``YYYY-MM-DD HH:MM`` (UTC as the server gives it)."""
    if not stamp:
        return "-"
    return stamp.replace("T", " ")[:16]


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 60:
        return f"{value:.1f} s"
    minutes, rest = divmod(int(value), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    return f"{minutes // 60} h {minutes % 60} min"


def progress_bar(done: int, total: int, width: int = 30) -> str:
    filled = width if total == 0 else min(width, width * done // total)
    return "[" + "#" * filled + "-" * (width - filled) + f"] {done}/{total}"


def _json_out(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, sort_keys=True)
    out.write("\n")


# --- parameter overrides ---------------------------------------------------------------------

_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


def _listed(text: str) -> list[str]:
    return [item.strip() for item in text.split(",")] if text.strip() else []


def convert_value(parameter_type: str | None, text: str) -> Any:
    """A command-line value as the JSON value of a parameter of ``parameter_type``.

    Text that does not fit is sent as it is: the server names the parameter and what it expects.
    ``@path`` reads a text or code parameter from a file.
    """
    try:
        if parameter_type == "int":
            return int(text)
        if parameter_type == "float":
            return float(text)
        if parameter_type == "bool" and text.lower() in (*_TRUE, *_FALSE):
            return text.lower() in _TRUE
        if parameter_type in ("list_str", "list_int"):
            if text.lstrip().startswith("["):
                return json.loads(text)
            items = _listed(text)
            return [int(item) for item in items] if parameter_type == "list_int" else items
        if parameter_type in ("code", "text") and text.startswith("@"):
            return Path(text[1:]).read_text()
    except ValueError:
        return text
    except OSError as error:
        raise CliError(f"cannot read {text[1:]}: {error.strerror}", EXIT_USAGE) from None
    return text


def parse_overrides(items: Sequence[str], parameters: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``-p`` items (``name=value``, or ``name:=JSON`` for a value given as JSON) as name → value."""
    types = {p.get("name"): p.get("parameter_type") for p in parameters}
    overrides: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CliError(f"-p {item!r}: expected name=value", EXIT_USAGE)
        if name.endswith(":"):
            name = name[:-1]
            try:
                overrides[name] = json.loads(value)
            except ValueError as error:
                raise CliError(f"-p {item!r}: the value after := is not JSON ({error})", EXIT_USAGE) from None
        else:
            overrides[name] = convert_value(types.get(name), value)
    return overrides


def shown_value(value: Any) -> str:
    if isinstance(value, dict) and "values" in value and "index" in value:
        values = value["values"]
        return str(values[value["index"]]) if values else ""
    if isinstance(value, dict) and "mode" in value:
        return clip(str(value.get("value", "")), 40)
    if isinstance(value, str):
        return clip(value, 40)
    return json.dumps(value)


# --- the nodes of a run ----------------------------------------------------------------------


def run_nodes(client: Client, run_id: str) -> list[dict[str, Any]]:
    """Every node of the run (a page at a time)."""
    nodes: list[dict[str, Any]] = []
    while True:
        page = client.get(f"/runs/{run_id}/nodes/", params={"limit": NODES_PAGE, "offset": len(nodes)})
        nodes += page["results"]
        if not page.get("next") or not page["results"]:
            return nodes


def find_node(nodes: Sequence[Mapping[str, Any]], wanted: str, run_id: str) -> Mapping[str, Any]:
    """The node of a run with id ``wanted``, else the one titled so (exactly, then ignoring case)."""
    matches: tuple[Callable[[Mapping[str, Any]], bool], ...] = (
        lambda n: n["id"] == wanted,
        lambda n: n["title"] == wanted,
        lambda n: str(n["title"]).lower() == wanted.lower(),
    )
    for match in matches:
        found = [node for node in nodes if match(node)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            choices = ", ".join(f"{node['id']}" for node in found)
            raise CliError(
                f"{len(found)} nodes of run {run_id} are titled {wanted!r}: give an id ({choices})", EXIT_USAGE
            )
    titles = ", ".join(repr(node["title"]) for node in nodes if node.get("status") != "STATIC") or "none"
    raise CliError(f"run {run_id} has no node {wanted!r}; its nodes are: {titles}", EXIT_NOT_FOUND)


def log_tail(client: Client, run_id: str, node_id: str, name: str, lines: int) -> tuple[list[str], int, int]:
    """The last ``lines`` lines of a node's log, the offset after them and the attempt they belong to."""
    chunk = client.get(f"/runs/{run_id}/nodes/{node_id}/logs/{name}/", params={"tail": lines * TAIL_BYTES_PER_LINE})
    text_lines = chunk["text"].splitlines()
    if chunk["start"] > 0 and text_lines:
        text_lines = text_lines[1:]  # the first line is cut
    return text_lines[-lines:], chunk["offset"], chunk["attempt"]


# --- following a run -------------------------------------------------------------------------


@dataclass
class Follower:
    """Follows a run to its end: one line per node status change, a live bar on a terminal."""

    client: Client
    run_id: str
    out: TextIO
    err: TextIO
    interval: float = 0.5
    bar: bool = False
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self.seen: dict[str, str] = {}
        self._bar_shown = False
        self._counts: Any = None
        self._nodes: list[dict[str, Any]] = []

    def _clear_bar(self) -> None:
        if self._bar_shown:
            self.err.write("\r\x1b[K")
            self.err.flush()  # before the next line goes to stdout, on the same terminal
            self._bar_shown = False

    def _draw_bar(self, run: Mapping[str, Any]) -> None:
        counts = run.get("node_counts") or {}
        total = sum(counts.values()) - counts.get("STATIC", 0)
        done = sum(counts.get(status, 0) for status in NODE_ENDED)
        running = counts.get("RUNNING", 0)
        elapsed = seconds(run.get("duration"))
        self.err.write(f"\r\x1b[K{progress_bar(done, total)} {run['status']} · {running} running · {elapsed}")
        self.err.flush()
        self._bar_shown = True

    def _node_lines(self, nodes: Sequence[Mapping[str, Any]]) -> list[str]:
        lines = []
        for node in nodes:
            status = node["status"]
            if status in ("STATIC", "CREATED") or self.seen.get(node["id"]) == status:
                continue
            self.seen[node["id"]] = status
            line = f"  {status:<9} {node['title']}"
            if status in NODE_ENDED and node.get("duration") is not None:
                line += f"  ({seconds(node['duration'])})"
            if status == "FAILED" and node.get("error"):
                line += f"  {clip(node['error'], 100)}"
            lines.append(line)
        return lines

    def poll(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        with answering(missing=f"no run {self.run_id}"):
            run = self.client.get(f"/runs/{self.run_id}/")
            # Nodes only move forward, so unchanged counts mean unchanged nodes: a large run's node
            # list is read again only when something happened.
            if run.get("node_counts") != self._counts or run["status"] in FINISHED:
                self._nodes = run_nodes(self.client, self.run_id)
                self._counts = run.get("node_counts")
        nodes = self._nodes
        lines = self._node_lines(nodes)
        if lines:
            self._clear_bar()
            for line in lines:
                print(line, file=self.out)
            self.out.flush()
        if self.bar and run["status"] not in FINISHED:
            self._draw_bar(run)
        return run, nodes

    def follow(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        try:
            while True:
                run, nodes = self.poll()
                if run["status"] in FINISHED:
                    return run, nodes
                self.sleep(self.interval)
        finally:
            self._clear_bar()


def report_end(
    client: Client, run: Mapping[str, Any], nodes: Sequence[Mapping[str, Any]], out: TextIO, err: TextIO
) -> int:
    """Say how the run ended (naming failed nodes, with the end of their stderr); the exit code."""
    status = run["status"]
    ended = [node for node in nodes if node["status"] != "STATIC"]
    restored = sum(1 for node in ended if node["status"] == "RESTORED")
    if status == "SUCCESS":
        cached = f", {restored} restored from the cache" if restored else ""
        print(f"Run {run['id']} SUCCESS in {seconds(run.get('duration'))}: {len(ended)} node(s){cached}.", file=out)
        return EXIT_OK
    failed = [node for node in ended if node["status"] == "FAILED"]
    if status == "CANCELED" and not failed:
        print(f"error: run {run['id']} was CANCELED", file=err)
        return EXIT_RUN_CANCELED
    names = ", ".join(f"{node['title']!r} ({node['id']})" for node in failed) or "none"
    print(f"error: run {run['id']} ended {status}; failed node(s): {names}", file=err)
    for node in failed:
        if node.get("error"):
            print(f"--- {node['title']}: {node['error']}", file=err)
        with contextlib.suppress(ApiError):
            lines, _, _ = log_tail(client, run["id"], node["id"], "stderr", FAILURE_TAIL_LINES)
            if lines:
                print(f"--- last lines of the stderr of {node['title']!r}:", file=err)
                for line in lines:
                    print(f"    {line}", file=err)
    return EXIT_RUN_CANCELED if status == "CANCELED" else EXIT_RUN_FAILED


def follow_run(client: Client, args: argparse.Namespace, run_id: str) -> int:
    follower = Follower(client, run_id, sys.stdout, sys.stderr, interval=args.interval, bar=sys.stderr.isatty())
    try:
        run, nodes = follower.follow()
    except KeyboardInterrupt:
        if getattr(args, "cancel_on_interrupt", False):
            with answering(missing=f"no run {run_id}"):
                client.post(f"/runs/{run_id}/cancel/")
            print(f"\ninterrupted: canceled run {run_id}", file=sys.stderr)
        else:
            print(
                f"\ninterrupted: run {run_id} goes on (`plynx runs follow {run_id}`, `plynx runs cancel {run_id}`)",
                file=sys.stderr,
            )
        return EXIT_INTERRUPTED
    return report_end(client, run, nodes, sys.stdout, sys.stderr)


# --- commands --------------------------------------------------------------------------------


def cmd_login(args: argparse.Namespace) -> int:
    config = config_load()
    server = server_of(args, config)
    username = args.username
    if username is None:
        probe = Client(server, timeout=args.timeout)
        probe._refresh = None  # only a server that needs no login answers without credentials
        try:
            me = probe.get("/users/me/")
        except ApiError as error:
            if error.status not in (401, 403):
                raise _cli_error(error) from None
        else:
            config_save({**config, "server": server})
            print(f"{server} is a single-user server: you act as {me['username']!r}, no login needed.")
            return EXIT_OK
        if not sys.stdin.isatty():
            raise CliError(f"{server} needs a login: give --username", EXIT_USAGE)
        username = input("Username: ").strip()
    password = os.environ.get("PLYNX_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise CliError("no password: set PLYNX_PASSWORD or run in a terminal", EXIT_USAGE)
        password = getpass.getpass(f"Password for {username} on {server}: ")
    try:
        client = Client(server, username=username, password=password, timeout=args.timeout)
    except ApiError as error:
        if error.status in (400, 401):
            raise CliError(f"bad credentials for {username!r} on {server}: {error.message}", EXIT_AUTH) from None
        raise _cli_error(error) from None
    servers = dict(config.get("servers", {}))
    servers[server] = {"username": username, "refresh_token": client.refresh_token}
    path = config_save({**config, "server": server, "servers": servers})
    print(f"Logged in to {server} as {username!r} (credentials saved in {path}).")
    return EXIT_OK


def cmd_logout(args: argparse.Namespace) -> int:
    config = config_load()
    server = server_of(args, config)
    servers = dict(config.get("servers", {}))
    if servers.pop(server, None) is None:
        print(f"Not logged in to {server}.")
        return EXIT_OK
    config_save({**config, "servers": servers})
    print(f"Logged out of {server}.")
    return EXIT_OK


def cmd_whoami(args: argparse.Namespace) -> int:
    client = client_for(args)
    with answering():
        me = client.get("/users/me/")
    if args.json:
        _json_out(me, sys.stdout)
        return EXIT_OK
    mode = "" if client.refresh_token else " (single-user server)"
    name = f" ({me['display_name']})" if me.get("display_name") else ""
    admin = ", administrator" if me.get("is_admin") else ""
    print(f"{me['username']}{name} on {client.endpoint}{mode}{admin}")
    return EXIT_OK


def cmd_workflows(args: argparse.Namespace) -> int:
    client = client_for(args)
    params: dict[str, Any] = {"limit": args.limit}
    query = getattr(args, "query", None)
    if query:
        params["search"] = query
    with answering():
        page = client.get("/workflows/", params=params)
    if args.json:
        _json_out(page["results"], sys.stdout)
        return EXIT_OK
    rows = [
        [
            w["id"],
            ("★ " if w.get("starred") else "") + clip(w["title"], 50),
            w.get("author_name", ""),
            when(w["updated_at"]),
        ]
        for w in page["results"]
    ]
    table(rows, ["ID", "TITLE", "AUTHOR", "UPDATED"], sys.stdout)
    _more(page, len(rows), "workflows")
    return EXIT_OK


def cmd_workflows_show(args: argparse.Namespace) -> int:
    client = client_for(args)
    workflow_id = object_id(args.workflow_id, "workflow")
    with answering(missing=f"no workflow {workflow_id} (or you may not see it)"):
        workflow = client.get(f"/workflows/{workflow_id}/")
    if args.json:
        _json_out(workflow, sys.stdout)
        return EXIT_OK
    nodes = workflow.get("nodes") or []
    print(
        f"Workflow {workflow_id}: {workflow['title']!r} by {workflow.get('author_name', '')}, "
        f"updated {when(workflow.get('updated_at'))}, {len(nodes)} node(s)"
    )
    if workflow.get("description"):
        print(clip(workflow["description"], 200))
    users: dict[str, list[str]] = {}
    for node in nodes:
        for parameter in node.get("parameters") or []:
            if parameter.get("reference"):
                users.setdefault(parameter["reference"], []).append(f"{node.get('title', '')}.{parameter['name']}")
    parameters = workflow.get("parameters") or []
    if not parameters:
        print("No workflow parameters.")
        return EXIT_OK
    print(f"Parameters (override with `plynx run {workflow_id} -p NAME=VALUE`):")
    rows = [
        [p["name"], p["parameter_type"], shown_value(p.get("value")), ", ".join(users.get(p["name"], [])) or "-"]
        for p in parameters
    ]
    table(rows, ["NAME", "TYPE", "VALUE", "USED BY"], sys.stdout)
    return EXIT_OK


def _more(page: Mapping[str, Any], shown: int, what: str) -> None:
    count = page.get("count", shown)
    if shown == 0:
        print(f"No {what}.", file=sys.stderr)
    elif count > shown:
        print(f"({shown} of {count} {what}; --limit shows more)", file=sys.stderr)


def cmd_runs_list(args: argparse.Namespace) -> int:
    client = client_for(args)
    params: dict[str, Any] = {"limit": args.limit}
    if args.workflow:
        params["workflow"] = object_id(args.workflow, "workflow")
    if args.status:
        params["status"] = args.status
    with answering():
        page = client.get("/runs/", params=params)
    if args.json:
        _json_out(page["results"], sys.stdout)
        return EXIT_OK
    rows = [
        [r["id"], r["status"], clip(r["title"], 40), r.get("author", ""), when(r["created_at"]), seconds(r["duration"])]
        for r in page["results"]
    ]
    table(rows, ["ID", "STATUS", "TITLE", "AUTHOR", "CREATED", "DURATION"], sys.stdout)
    _more(page, len(rows), "runs")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    client = client_for(args)
    workflow_id = object_id(args.workflow_id, "workflow")
    with answering(missing=f"no workflow {workflow_id} (or you may not see it)"):
        workflow = client.get(f"/workflows/{workflow_id}/")
    overrides = parse_overrides(args.param or [], workflow.get("parameters") or [])
    with answering(missing=f"no workflow {workflow_id} (or you may not see it)"):
        started = client.post(f"/workflows/{workflow_id}/run/", {"parameters": overrides} if overrides else None)
    run_id = started["run_id"]
    shown = ", ".join(f"{name}={shown_value(value)}" for name, value in overrides.items())
    print(f"Started run {run_id} of {workflow['title']!r}" + (f" with {shown}" if shown else "") + ".")
    sys.stdout.flush()
    if not args.follow:
        return EXIT_OK
    return follow_run(client, args, run_id)


def cmd_runs_follow(args: argparse.Namespace) -> int:
    client = client_for(args)
    run_id = object_id(args.run_id, "run")
    with answering(missing=f"no run {run_id} (or you may not see it)"):
        run = client.get(f"/runs/{run_id}/")
    print(f"Following run {run_id} of {run['title']!r} ({run['status']}).")
    sys.stdout.flush()
    return follow_run(client, args, run_id)


def cmd_runs_show(args: argparse.Namespace) -> int:
    client = client_for(args)
    run_id = object_id(args.run_id, "run")
    with answering(missing=f"no run {run_id} (or you may not see it)"):
        run = client.get(f"/runs/{run_id}/")
        nodes = run_nodes(client, run_id)
    if args.json:
        _json_out({**run, "nodes": nodes}, sys.stdout)
        return EXIT_OK
    print(f"Run {run_id}: {run['title']!r} {run['status']}, by {run.get('author', '')}, {when(run['created_at'])}")
    overrides = (run.get("graph") or {}).get("parameter_overrides") or {}
    if overrides:
        print("Overrides: " + ", ".join(f"{name}={shown_value(value)}" for name, value in overrides.items()))
    rows = [
        [n["id"], n["status"], clip(n["title"], 40), seconds(n.get("duration")), clip(n.get("error") or "", 60)]
        for n in nodes
        if n["status"] != "STATIC"
    ]
    table(rows, ["NODE", "STATUS", "TITLE", "DURATION", "ERROR"], sys.stdout)
    return EXIT_OK


def cmd_runs_cancel(args: argparse.Namespace) -> int:
    client = client_for(args)
    run_id = object_id(args.run_id, "run")
    with answering(missing=f"no run {run_id} (or you may not see it)"):
        run = client.post(f"/runs/{run_id}/cancel/")
    if run["status"] == "CANCELED":
        print(f"Canceled run {run_id}.")
    elif run["status"] in FINISHED:
        print(f"Run {run_id} had already ended {run['status']}.")
    else:
        print(f"Canceling run {run_id}: its running nodes are being stopped (`plynx runs follow {run_id}`).")
    return EXIT_OK


def _node_of(client: Client, run_id: str, wanted: str) -> Mapping[str, Any]:
    with answering(missing=f"no run {run_id} (or you may not see it)"):
        return find_node(run_nodes(client, run_id), wanted, run_id)


def cmd_logs(args: argparse.Namespace) -> int:
    client = client_for(args)
    run_id = object_id(args.run_id, "run")
    node = _node_of(client, run_id, args.node)
    path = f"/runs/{run_id}/nodes/{node['id']}/logs/{args.log}/"
    with answering(missing=f"run {run_id} has no node {node['id']}"):
        offset, attempt = 0, None
        if args.tail is not None:
            lines, offset, attempt = log_tail(client, run_id, node["id"], args.log, args.tail)
            for line in lines:
                print(line)
            sys.stdout.flush()
            if not args.follow:
                return EXIT_OK
        while True:
            chunk = client.get(path, params={"offset": offset})
            if attempt is not None and chunk["attempt"] != attempt:
                # A retry writes a new log: start it from its beginning.
                print(f"--- attempt {chunk['attempt']} ---", file=sys.stderr)
                attempt, offset = chunk["attempt"], 0
                continue
            attempt = chunk["attempt"]
            sys.stdout.write(chunk["text"])
            sys.stdout.flush()
            moved, offset = chunk["offset"] != offset, chunk["offset"]
            if chunk["complete"] or (not args.follow and offset >= chunk["size"]):
                return EXIT_OK
            if not moved:
                time.sleep(args.interval)


def _safe_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._ -]+", "_", text).strip(" .") or "node"
    return name[:100]


def cmd_outputs(args: argparse.Namespace) -> int:
    client = client_for(args)
    run_id = object_id(args.run_id, "run")
    with answering(missing=f"no run {run_id} (or you may not see it)"):
        nodes = run_nodes(client, run_id)
    chosen = [find_node(nodes, args.node, run_id)] if args.node else [n for n in nodes if n["status"] != "STATIC"]
    produced = [(node, output) for node in chosen for output in node["outputs"]]
    if args.json and not args.download:
        _json_out([{"node": node["id"], "title": node["title"], **output} for node, output in produced], sys.stdout)
        return EXIT_OK
    if not args.download:
        rows = [
            [clip(node["title"], 40), output["name"], output.get("file_type") or "-", output["resource_id"] or "-"]
            for node, output in produced
        ]
        table(rows, ["NODE", "OUTPUT", "TYPE", "RESOURCE"], sys.stdout)
        if not rows:
            print(f"No outputs in run {run_id}" + (f" for {args.node!r}." if args.node else "."), file=sys.stderr)
        return EXIT_OK
    target = Path(args.download)
    titles = [node["title"] for node in chosen]
    count = 0
    for node, output in produced:
        if not output["resource_id"]:
            continue
        folder = target
        if not args.node:
            folder = target / _safe_name(
                node["title"] if titles.count(node["title"]) == 1 else f"{node['title']}-{node['id']}"
            )
        folder.mkdir(parents=True, exist_ok=True)
        name = _safe_name(output["name"])
        if output.get("file_type") == "directory" and not name.endswith(".zip"):
            name += ".zip"
        with answering(missing=f"the output {output['name']!r} of {node['title']!r} is gone from the server"):
            path = client.download(output["resource_id"], folder / name)
        print(path)
        count += 1
    if count == 0:
        print(
            f"Nothing to download: run {run_id} has no produced outputs"
            + (f" for {args.node!r}." if args.node else "."),
            file=sys.stderr,
        )
    return EXIT_OK


# --- the command line ------------------------------------------------------------------------


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return number


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value!r}")
    return number


def _follow_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--interval", type=_positive, default=0.5, help="seconds between polls (default 0.5)")
    parser.add_argument(
        "--cancel-on-interrupt",
        action="store_true",
        help="cancel the run on Ctrl-C (by default Ctrl-C only stops following)",
    )


def _common_options(*, defaults: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name.

    Only the top level sets their defaults: a subcommand's default would replace a value given
    before the subcommand's name.
    """
    common = argparse.ArgumentParser(add_help=False)
    suppress: dict[str, Any] = {} if defaults else {"default": argparse.SUPPRESS}
    common.add_argument(
        "--server",
        help=f"the server's address (default: $PLYNX_ENDPOINT, the last login's, or {DEFAULT_ENDPOINT})",
        **suppress,
    )
    common.add_argument(
        "--timeout",
        type=_positive,
        help="seconds to wait for an answer (default 60)",
        **(suppress or {"default": 60.0}),
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options(defaults=False)
    # For the commands that show what the server answered.
    shows = argparse.ArgumentParser(add_help=False, parents=[common])
    shows.add_argument("--json", action="store_true", help="print what the server answered, as JSON")
    parser = argparse.ArgumentParser(
        prog="plynx",
        description="Run and follow PLynx workflows from the terminal.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_common_options(defaults=True)],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    login = commands.add_parser(
        "login",
        parents=[common],
        help="log in to a server and keep the login",
        description="Log in and keep a refresh token in the configuration file (readable by you only).\n"
        "The password is read from $PLYNX_PASSWORD or asked for. A single-user server needs no login.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    login.add_argument("--username", "-u", help="your username (asked for if the server needs one)")
    login.set_defaults(handler=cmd_login)
    commands.add_parser("logout", parents=[common], help="forget the login to the server").set_defaults(
        handler=cmd_logout
    )
    commands.add_parser("whoami", parents=[shows], help="who the server takes you for").set_defaults(handler=cmd_whoami)

    workflows = commands.add_parser("workflows", parents=[common], help="list, search and show workflows")
    workflow_commands = workflows.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = workflow_commands.add_parser("list", parents=[shows], help="the workflows you may see, newest first")
    listing.add_argument("query", nargs="?", help="search words and key:value tokens (author:NAME starred:true ...)")
    search = workflow_commands.add_parser("search", parents=[shows], help="workflows matching a search")
    search.add_argument("query", help="search words and key:value tokens (author:NAME starred:true ...)")
    for sub in (listing, search):
        sub.add_argument("--limit", type=_count, default=50, help="most workflows to list (default 50)")
        sub.set_defaults(handler=cmd_workflows)
    show = workflow_commands.add_parser(
        "show", parents=[shows], help="a workflow and its parameters (what `plynx run -p` can override)"
    )
    show.add_argument("workflow_id", metavar="WORKFLOW_ID")
    show.set_defaults(handler=cmd_workflows_show)

    run = commands.add_parser(
        "run",
        parents=[common],
        help="start a run of a workflow, and follow it",
        description="Start a run of a saved workflow, overriding its parameters for this run, and follow it\n"
        "to its end. The exit code says how it ended.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("workflow_id", metavar="WORKFLOW_ID")
    run.add_argument(
        "-p",
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="override a workflow parameter (repeatable); NAME:=JSON gives the value as JSON, "
        "@FILE reads a text or code value from a file",
    )
    run.add_argument(
        "--follow", action=argparse.BooleanOptionalAction, default=True, help="follow the run (default: yes)"
    )
    _follow_options(run)
    run.set_defaults(handler=cmd_run)

    runs = commands.add_parser("runs", parents=[common], help="list, show, follow and cancel runs")
    run_commands = runs.add_subparsers(dest="action", required=True, metavar="ACTION")
    runs_list = run_commands.add_parser("list", parents=[shows], help="runs you may see, newest first")
    runs_list.add_argument("--workflow", metavar="ID", help="only the runs of this workflow")
    runs_list.add_argument(
        "--status",
        action="append",
        choices=["READY", "RUNNING", "SUCCESS", "FAILED_WAITING", "FAILED", "CANCELED"],
        help="only runs in this status (repeatable)",
    )
    runs_list.add_argument(
        "--limit", type=_count, default=50, help=f"most runs to list (default 50, at most {RUNS_PAGE})"
    )
    runs_list.set_defaults(handler=cmd_runs_list)
    for name, handler, text in (
        ("follow", cmd_runs_follow, "follow a run to its end"),
        ("show", cmd_runs_show, "a run and the state of its nodes"),
        ("cancel", cmd_runs_cancel, "cancel a run"),
    ):
        sub = run_commands.add_parser(name, parents=[shows if name == "show" else common], help=text)
        sub.add_argument("run_id", metavar="RUN_ID")
        if name == "follow":
            _follow_options(sub)
        sub.set_defaults(handler=handler)

    logs = commands.add_parser("logs", parents=[common], help="print (and follow) a node's log")
    logs.add_argument("run_id", metavar="RUN_ID")
    logs.add_argument("node", metavar="NODE", help="the node's id or title")
    logs.add_argument("--log", choices=LOGS, default="stdout", help="which log (default stdout)")
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing what the node writes until it ends")
    logs.add_argument("-n", "--tail", type=_count, metavar="LINES", help="only the last LINES lines")
    logs.add_argument("--interval", type=_positive, default=0.5, help="seconds between polls (default 0.5)")
    logs.set_defaults(handler=cmd_logs)

    outputs = commands.add_parser("outputs", parents=[shows], help="list or download a run's outputs")
    outputs.add_argument("run_id", metavar="RUN_ID")
    outputs.add_argument("node", metavar="NODE", nargs="?", help="only this node's (id or title)")
    outputs.add_argument(
        "--download", metavar="DIR", help="save the outputs under DIR (one folder per node unless NODE is given)"
    )
    outputs.set_defaults(handler=cmd_outputs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except CliError as error:
        print(f"plynx: error: {error.message}", file=sys.stderr)
        return error.code
    except ApiError as error:
        failure = _cli_error(error)
        print(f"plynx: error: {failure.message}", file=sys.stderr)
        return failure.code
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (head, less) went away: nothing more to say.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream until exit
        return EXIT_OK
    return code


def run() -> NoReturn:
    """The console script's entry point."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
