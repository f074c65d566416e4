"""The ``plynx`` command: as a real process against a live server and a real worker, and its parts alone."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pty
import signal
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from plynx import cli
from plynx.cli import build_parser, convert_value, find_node, parse_overrides
from plynx.client import ApiError, Client, _message

from apps.users.policies import DEFAULT_POLICIES, IAMPolicy
from tests.factories import UserFactory
from tests.graphs.conftest import celery_worker, clean_broker, live_env, storage_dir  # noqa: F401 - fixtures
from tests.graphs.greetings import greeting_workflow
from tests.graphs.workflows import bash, inp, link, out, param, workflow
from tests.live import Process

PASSWORD = "correct horse battery staple"
MISSING_ID = "65f0c0ffee0000000000dead"

# --- the command as a process ----------------------------------------------------------------


@pytest.fixture
def plynx(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m plynx ARGS`` with a configuration directory of its own; the finished process."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PLYNX_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")

    def run(*args: str, password: str | None = None, console_script: bool = False) -> subprocess.CompletedProcess[str]:
        command = [str(Path(sys.executable).parent / "plynx")] if console_script else [sys.executable, "-m", "plynx"]
        extra = {"PLYNX_PASSWORD": password} if password is not None else {}
        return subprocess.run(
            [*command, *args],
            env={**env, **extra},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def single_user_server(live_server: Any, settings: Any) -> str:
    settings.PLYNX_MULTI_USER = False
    return str(live_server.url)


@pytest.mark.django_db(transaction=True)
def test_run_with_an_override_follow_it_and_read_what_it_made(
    single_user_server: str,
    celery_worker: Process,  # noqa: F811
    plynx: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
) -> None:
    from apps.users.services import user_ensure_default

    flow, _, _ = greeting_workflow(user_ensure_default())
    server = ("--server", single_user_server)
    started = plynx("run", flow.pk, "-p", "greeting=bye", "--interval", "0.2", *server, console_script=True)
    assert started.returncode == 0, started.stderr
    lines = started.stdout.splitlines()
    run_id = lines[0].split()[2]
    assert lines[0] == f"Started run {run_id} of 'greetings' with greeting=bye."
    assert "  SUCCESS   greet" in "\n".join(lines)
    assert [line.split()[:2] for line in lines if line.startswith("  SUCCESS")] == [
        ["SUCCESS", "greet"],
        ["SUCCESS", "shout"],
    ]
    assert lines[-1].startswith(f"Run {run_id} SUCCESS in ")
    assert lines[-1].endswith(": 2 node(s).")

    downloaded = plynx("outputs", run_id, "--download", str(tmp_path / "got"), *server)
    assert downloaded.returncode == 0, downloaded.stderr
    assert (tmp_path / "got" / "shout" / "out").read_text() == "BYE\n"
    assert (tmp_path / "got" / "greet" / "out").read_text() == "bye\n"
    assert sorted(downloaded.stdout.split()) == [str(tmp_path / "got" / n / "out") for n in ("greet", "shout")]
    listed = plynx("outputs", run_id, "shout", *server)
    assert listed.stdout.splitlines()[0].split() == ["NODE", "OUTPUT", "TYPE", "RESOURCE"]
    assert listed.stdout.splitlines()[1].split()[:3] == ["shout", "out", "file"]

    logs = plynx("logs", run_id, "greet", *server)
    assert (logs.returncode, logs.stdout) == (0, "said bye\n")
    assert plynx("logs", run_id, "greet", "-n", "1", "-f", *server).stdout == "said bye\n"

    shown = plynx("runs", "show", run_id, *server).stdout.splitlines()
    assert shown[0].startswith(f"Run {run_id}: 'greetings' SUCCESS, by default, 20")
    assert shown[1:3] == ["Overrides: greeting=bye", "NODE                      STATUS   TITLE  DURATION  ERROR"]
    runs = plynx("runs", "list", "--workflow", flow.pk, "--status", "SUCCESS", *server)
    assert [line.split()[:2] for line in runs.stdout.splitlines()] == [["ID", "STATUS"], [run_id, "SUCCESS"]]
    as_json = json.loads(plynx("runs", "list", "--workflow", flow.pk, "--json", *server).stdout)
    assert [(run["id"], run["status"], run["workflow"]) for run in as_json] == [(run_id, "SUCCESS", flow.pk)]
    described = plynx("workflows", "show", flow.pk, *server).stdout.splitlines()
    assert described[0].startswith(f"Workflow {flow.pk}: 'greetings' by default, updated 20")
    assert described[0].endswith(", 2 node(s)")
    assert described[1:] == [
        f"Parameters (override with `plynx run {flow.pk} -p NAME=VALUE`):",
        "NAME      TYPE  VALUE  USED BY",
        "greeting  str   hello  greet.tag",
        "times     int   1      -",
    ]
    found = plynx("workflows", "search", "greetings", *server)
    assert [line.split()[:2] for line in found.stdout.splitlines()] == [["ID", "TITLE"], [flow.pk, "greetings"]]
    whoami = plynx("whoami", *server).stdout
    assert whoami == f"default (Default user) on {single_user_server} (single-user server), administrator\n"

    # The same again is answered by the cache; without -p the workflow's own value is used.
    again = plynx("run", flow.pk, "--param", "greeting=bye", *server)
    assert again.returncode == 0
    assert again.stdout.splitlines()[-1].endswith(": 2 node(s), 2 restored from the cache.")
    plain = plynx("run", flow.pk, "--no-follow", *server)
    assert plain.returncode == 0
    assert plain.stdout == f"Started run {plain.stdout.split()[2]} of 'greetings'.\n"


@pytest.mark.django_db(transaction=True)
def test_a_failing_workflow_names_its_node_and_its_stderr(
    single_user_server: str,
    celery_worker: Process,  # noqa: F811
    plynx: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    from apps.users.services import user_ensure_default

    ok = bash("fine", "echo fine > {{ outputs.out }}", outputs=[out("out")])
    boom = bash(
        "explode",
        "echo starting\necho 'disk on fire' >&2\nexit 3",
        inputs=[inp("in", link(ok, "out"))],
        outputs=[out("out")],
    )
    flow = workflow(user_ensure_default(), ok, boom, title="doomed")
    failed = plynx("run", flow.pk, "--interval", "0.2", "--server", single_user_server)
    assert failed.returncode == cli.EXIT_RUN_FAILED
    run_id = failed.stdout.split()[2]
    assert f"error: run {run_id} ended FAILED; failed node(s): 'explode' ({boom['_id']})" in failed.stderr
    assert "--- last lines of the stderr of 'explode':\n    disk on fire\n" in failed.stderr
    assert "  FAILED    explode" in failed.stdout

    followed = plynx("runs", "follow", run_id, "--server", single_user_server)
    assert followed.returncode == cli.EXIT_RUN_FAILED
    assert "failed node(s): 'explode'" in followed.stderr


@pytest.mark.django_db(transaction=True)
def test_ctrl_c_leaves_the_run_going_unless_asked_and_cancel_stops_it(
    single_user_server: str,
    celery_worker: Process,  # noqa: F811
    plynx: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
) -> None:
    from apps.graphs.models import Run
    from apps.users.services import user_ensure_default

    slow = bash("nap", "sleep 60\necho > {{ outputs.out }}", outputs=[out("out")])
    flow = workflow(user_ensure_default(), slow, title="slow")
    server = ("--server", single_user_server)

    def interrupted(*args: str) -> tuple[int, str, str]:
        """Follow with ``args``, press Ctrl-C once the node runs; the exit code, stdout and stderr."""
        env = {name: value for name, value in os.environ.items() if not name.startswith("PLYNX_")}
        env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
        process = subprocess.Popen(
            [sys.executable, "-m", "plynx", *args, *server],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        seen = [process.stdout.readline(), process.stdout.readline()]
        while "RUNNING" not in seen[-1]:
            seen.append(process.stdout.readline())
            assert seen[-1], f"the command ended early: {seen}"
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
        return process.returncode, "".join(seen) + stdout, stderr

    started = plynx("run", flow.pk, "--no-follow", *server)
    run_id = started.stdout.split()[2]
    code, stdout, stderr = interrupted("runs", "follow", run_id)
    assert code == cli.EXIT_INTERRUPTED
    assert stdout.startswith(f"Following run {run_id} of 'slow' (")
    assert f"interrupted: run {run_id} goes on (`plynx runs follow {run_id}`, `plynx runs cancel {run_id}`)" in stderr
    assert Run.objects.get(pk=run_id).status == "RUNNING"

    canceled = plynx("runs", "cancel", run_id, *server)
    assert (canceled.returncode, canceled.stdout) == (
        0,
        f"Canceling run {run_id}: its running nodes are being stopped (`plynx runs follow {run_id}`).\n",
    )
    followed = plynx("runs", "follow", run_id, *server)
    assert (followed.returncode, followed.stderr) == (cli.EXIT_RUN_CANCELED, f"error: run {run_id} was CANCELED\n")
    assert followed.stdout.splitlines()[-1].startswith("  CANCELED  nap  (")
    again = plynx("runs", "cancel", run_id, *server)
    assert (again.returncode, again.stdout) == (0, f"Canceled run {run_id}.\n")

    code, stdout, stderr = interrupted("run", flow.pk, "--cancel-on-interrupt")
    second = stdout.split()[2]
    assert code == cli.EXIT_INTERRUPTED
    assert f"interrupted: canceled run {second}" in stderr
    run = Run.objects.get(pk=second)
    assert run.cancel_requested_at is not None

    # A log is followed as the node writes it, to the node's end.
    ticker = bash(
        "ticker", "for i in 1 2 3; do echo tick $i; sleep 1; done\necho > {{ outputs.out }}", outputs=[out("out")]
    )
    ticking = workflow(user_ensure_default(), ticker, title="ticks")
    run_id = plynx("run", ticking.pk, "--no-follow", *server).stdout.split()[2]
    followed_log = plynx("logs", run_id, "ticker", "--follow", "--interval", "0.2", *server)
    assert (followed_log.returncode, followed_log.stdout) == (0, "tick 1\ntick 2\ntick 3\n")
    assert Run.objects.get(pk=run_id).status == "SUCCESS"

    # On a terminal, a progress bar is redrawn under the status lines while the run goes on.
    slowly = workflow(user_ensure_default(), bash("slowly", "sleep 2\necho > {{ outputs.out }}", outputs=[out("out")]))
    terminal, side = pty.openpty()
    env = {name: value for name, value in os.environ.items() if not name.startswith("PLYNX_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "plynx", "run", slowly.pk, "--interval", "0.2", *server],
        env={**env, "XDG_CONFIG_HOME": str(tmp_path / "config")},
        stdout=subprocess.PIPE,
        stderr=side,
        text=True,
    )
    os.close(side)
    drawn = b""
    with contextlib.suppress(OSError):  # the terminal reports EIO once the process has closed it
        while piece := os.read(terminal, 4096):
            drawn += piece
    os.close(terminal)
    stdout, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "  RUNNING   slowly\n  SUCCESS   slowly  (" in stdout
    screen = drawn.decode()
    assert "\r\x1b[K[------------------------------] 0/1 RUNNING · 1 running · " in screen
    assert screen.endswith("\r\x1b[K")


@pytest.mark.django_db(transaction=True)
def test_bad_ids_bad_overrides_and_unreachable_servers_are_said_plainly(
    single_user_server: str, plynx: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    from apps.users.services import user_ensure_default

    flow, _, _ = greeting_workflow(user_ensure_default())
    server = ("--server", single_user_server)
    cases = [
        (("run", MISSING_ID), cli.EXIT_NOT_FOUND, f"no workflow {MISSING_ID} (or you may not see it)"),
        (("run", "nope"), cli.EXIT_NOT_FOUND, "'nope' is not a workflow id (24 hexadecimal characters)"),
        (("runs", "follow", MISSING_ID), cli.EXIT_NOT_FOUND, f"no run {MISSING_ID} (or you may not see it)"),
        (("logs", MISSING_ID, "greet"), cli.EXIT_NOT_FOUND, f"no run {MISSING_ID} (or you may not see it)"),
        (
            ("run", flow.pk, "-p", "greting=x", "-p", "times=many"),
            cli.EXIT_INVALID,
            "parameters: unknown workflow parameter(s) 'greting'; the workflow's parameters are: greeting, times; "
            "parameters: 'times' (int): expected an integer, got 'many'",
        ),
        (("run", flow.pk, "-p", "greeting"), cli.EXIT_USAGE, "-p 'greeting': expected name=value"),
    ]
    for args, code, message in cases:
        done = plynx(*args, *server)
        assert (done.returncode, done.stderr, done.stdout) == (code, f"plynx: error: {message}\n", ""), args
    assert not flow.runs.exists()

    # A single-user server needs no login; logging in only makes it the default server.
    login = plynx("login", *server)
    assert (login.returncode, login.stdout) == (
        0,
        f"{single_user_server} is a single-user server: you act as 'default', no login needed.\n",
    )
    assert plynx("whoami").stdout.startswith(f"default (Default user) on {single_user_server} ")

    unreachable = plynx("run", flow.pk, "--server", "http://127.0.0.1:9")
    assert unreachable.returncode == cli.EXIT_UNREACHABLE
    assert unreachable.stderr == "plynx: error: cannot reach http://127.0.0.1:9: Connection refused\n"
    usage = plynx("runs", "list", "--status", "DONE", *server)
    assert usage.returncode == cli.EXIT_USAGE
    assert "argument --status: invalid choice: 'DONE'" in usage.stderr


@pytest.mark.django_db(transaction=True)
def test_login_whoami_permissions_and_logout_on_a_multi_user_server(
    live_server: Any, settings: Any, plynx: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    settings.PLYNX_MULTI_USER = True
    alice = UserFactory(username="alice", display_name="Alice", policies=list(DEFAULT_POLICIES))
    viewer = [p for p in DEFAULT_POLICIES if p != IAMPolicy.CAN_RUN_WORKFLOWS]
    bob = UserFactory(username="bob", policies=viewer)
    for user in (alice, bob):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    flow, _, _ = greeting_workflow(alice)
    server = ("--server", live_server.url)

    anonymous = plynx("workflows", "list", *server)
    assert anonymous.returncode == cli.EXIT_AUTH
    assert anonymous.stderr.startswith("plynx: error: not logged in, or the login expired: ")
    needs_name = plynx("login", *server)
    assert (needs_name.returncode, needs_name.stderr) == (
        cli.EXIT_USAGE,
        f"plynx: error: {live_server.url} needs a login: give --username\n",
    )
    wrong = plynx("login", *server, "--username", "alice", password="wrong")
    assert wrong.returncode == cli.EXIT_AUTH
    assert wrong.stderr.startswith(f"plynx: error: bad credentials for 'alice' on {live_server.url}: ")

    logged = plynx("login", *server, "-u", "alice", password=PASSWORD)
    config = tmp_path / "config" / "plynx" / "config.json"
    assert logged.returncode == 0, logged.stderr
    assert logged.stdout == f"Logged in to {live_server.url} as 'alice' (credentials saved in {config}).\n"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    stored = json.loads(config.read_text())
    assert stored["server"] == live_server.url
    assert stored["servers"][live_server.url]["username"] == "alice"
    # The last server logged in to is the default.
    assert plynx("whoami").stdout == f"alice (Alice) on {live_server.url}\n"
    listed = plynx("workflows", "list")
    assert [line.split()[:2] for line in listed.stdout.splitlines()] == [["ID", "TITLE"], [flow.pk, "greetings"]]
    assert plynx("logout").stdout == f"Logged out of {live_server.url}.\n"
    assert plynx("whoami").returncode == cli.EXIT_AUTH

    assert plynx("login", "-u", "bob", password=PASSWORD).returncode == 0
    refused = plynx("run", flow.pk, "-p", "greeting=hi")
    assert refused.returncode == cli.EXIT_FORBIDDEN
    assert refused.stderr == "plynx: error: permission denied: You do not have permission to perform this action.\n"
    assert not flow.runs.exists()


# --- the parts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["run", "abc", "-p", "a=1", "--param", "b:=[1]", "--no-follow"],
            {"workflow_id": "abc", "param": ["a=1", "b:=[1]"], "follow": False, "interval": 0.5, "server": None},
        ),
        (["run", "abc"], {"param": None, "follow": True, "cancel_on_interrupt": False, "timeout": 60.0}),
        (["--server", "http://h:1", "runs", "follow", "r"], {"server": "http://h:1", "run_id": "r"}),
        (["runs", "show", "r", "--server", "http://h:1", "--json"], {"server": "http://h:1", "json": True}),
        (["logs", "r", "n", "-f", "-n", "5", "--log", "stderr"], {"follow": True, "tail": 5, "log": "stderr"}),
        (["runs", "list", "--status", "FAILED", "--status", "CANCELED"], {"status": ["FAILED", "CANCELED"]}),
        (["workflows", "list"], {"query": None, "limit": 50, "json": False}),
        (["outputs", "r", "--download", "d"], {"node": None, "download": "d"}),
    ],
    ids=["run-options", "run-defaults", "server-first", "server-last", "logs", "runs-status", "workflows", "outputs"],
)
def test_arguments(argv: list[str], expected: dict[str, Any]) -> None:
    args = vars(build_parser().parse_args(argv))
    assert {name: args[name] for name in expected} == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["run"],
        ["run", "a", "--interval", "0"],
        ["logs", "r", "n", "--log", "debug"],
        ["workflows"],
        ["fly"],
        ["run", "a", "--json"],
    ],
    ids=["no-workflow", "zero-interval", "unknown-log", "no-action", "unknown-command", "json-of-nothing"],
)
def test_bad_arguments_exit_with_the_usage_code(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    assert exited.value.code == cli.EXIT_USAGE
    assert "usage: plynx" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("parameter_type", "text", "value"),
    [
        ("int", "42", 42),
        ("int", "4x", "4x"),
        ("float", "2.5", 2.5),
        ("bool", "yes", True),
        ("bool", "Off", False),
        ("bool", "maybe", "maybe"),
        ("list_str", "a, b,c", ["a", "b", "c"]),
        ("list_str", "", []),
        ("list_int", "1,2", [1, 2]),
        ("list_int", '[3, "4"]', [3, "4"]),
        ("str", "@not-a-file", "@not-a-file"),
        ("enum", "slow", "slow"),
        (None, "7", "7"),
    ],
)
def test_values_are_converted_by_the_parameter_type(parameter_type: str | None, text: str, value: Any) -> None:
    assert convert_value(parameter_type, text) == value


def test_overrides_from_the_command_line(tmp_path: Path) -> None:
    script = tmp_path / "script.sh"
    script.write_text("echo hi\n")
    parameters = [param("n", "int", 0), param("code", "code", {"value": "", "mode": "sh"}), param("s", "str", "")]
    overrides = parse_overrides(["n=3", f"code=@{script}", "s=a=b", 'raw:={"x": [1]}'], parameters)
    assert overrides == {"n": 3, "code": "echo hi\n", "s": "a=b", "raw": {"x": [1]}}
    with pytest.raises(cli.CliError, match=r"the value after := is not JSON") as bad:
        parse_overrides(["n:=three"], parameters)
    assert bad.value.code == cli.EXIT_USAGE
    with pytest.raises(cli.CliError, match=r"cannot read .*missing\.sh: No such file or directory"):
        parse_overrides([f"code=@{tmp_path / 'missing.sh'}"], parameters)


def test_nodes_are_found_by_id_or_title() -> None:
    nodes = [
        {"id": "a" * 24, "title": "Load", "status": "SUCCESS"},
        {"id": "b" * 24, "title": "twin", "status": "SUCCESS"},
        {"id": "c" * 24, "title": "twin", "status": "FAILED"},
        {"id": "d" * 24, "title": "data", "status": "STATIC"},
    ]
    assert find_node(nodes, "b" * 24, "r")["title"] == "twin"
    assert find_node(nodes, "load", "r")["id"] == "a" * 24
    with pytest.raises(cli.CliError) as ambiguous:
        find_node(nodes, "twin", "r")
    assert (ambiguous.value.code, ambiguous.value.message) == (
        cli.EXIT_USAGE,
        f"2 nodes of run r are titled 'twin': give an id ({'b' * 24}, {'c' * 24})",
    )
    with pytest.raises(cli.CliError) as missing:
        find_node(nodes, "save", "r")
    assert (missing.value.code, missing.value.message) == (
        cli.EXIT_NOT_FOUND,
        "run r has no node 'save'; its nodes are: 'Load', 'twin', 'twin'",
    )


def test_formatting() -> None:
    buffer = io.StringIO()
    cli.table([["1", "short", "x"], ["22", "a longer one", "y"]], ["ID", "TITLE", "MORE"], buffer)
    assert buffer.getvalue() == "ID  TITLE         MORE\n1   short         x\n22  a longer one  y\n"
    assert cli.progress_bar(1, 4, width=8) == "[##------] 1/4"
    assert cli.progress_bar(0, 0, width=4) == "[####] 0/0"
    assert [cli.seconds(v) for v in (None, 0.25, 75, 7300)] == ["-", "0.2 s", "1 min 15 s", "2 h 1 min"]
    assert cli.clip("a  very\nlong title", 10) == "a very lo…"
    assert cli.when("2026-11-25T23:01:55.123456Z") == "2026-11-25 23:01"
    assert cli.shown_value({"values": ["fast", "slow"], "index": 1}) == "slow"
    assert cli.shown_value([1, 2]) == "[1, 2]"


class FakeResponse:
    def __init__(self, status: int, body: Any = None, text: str = "") -> None:
        self.status_code, self._body, self.text, self.reason = status, body, text, "Reason"

    def json(self) -> Any:
        if self._body is None:
            raise ValueError("not JSON")
        return self._body


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (FakeResponse(404, {"detail": "No Node matches the given query."}), "No Node matches the given query."),
        (
            FakeResponse(400, {"parameters": ["unknown 'x'", "'n' (int): expected an integer"], "other": "bad"}),
            "parameters: unknown 'x'; parameters: 'n' (int): expected an integer; other: bad",
        ),
        (
            FakeResponse(
                400,
                {
                    "detail": "the workflow has 1 problem(s)",
                    "validation_error": {"children": [{"children": [{"message": "input 'in' of 'b' is not linked"}]}]},
                },
            ),
            "the workflow has 1 problem(s): input 'in' of 'b' is not linked",
        ),
        (FakeResponse(400, {"non_field_errors": ["both given"]}), "both given"),
        (FakeResponse(404, text="<html><h1>Not Found</h1>\n<p>gone</p></html>"), "Not Found gone"),
    ],
    ids=["detail", "fields", "validation-tree", "non-field", "html"],
)
def test_error_answers_read_as_one_line(response: FakeResponse, message: str) -> None:
    assert _message(response)[0] == message  # type: ignore[arg-type]


def test_the_configuration_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLYNX_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    path = cli.config_save({"server": "http://h:1", "servers": {"http://h:1": {"refresh_token": "t"}}})
    assert path == tmp_path / "xdg" / "plynx" / "config.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert cli.config_load()["servers"]["http://h:1"] == {"refresh_token": "t"}
    monkeypatch.setenv("PLYNX_CONFIG", str(tmp_path / "elsewhere.json"))
    assert cli.config_load() == {}
    (tmp_path / "elsewhere.json").write_text("{not json")
    with pytest.raises(cli.CliError, match="cannot read the configuration"):
        cli.config_load()


class ScriptedClient(Client):
    """Answers each GET path with the next of its scripted answers (the server's side of a follow)."""

    def __init__(self, answers: dict[str, list[Any]]) -> None:
        super().__init__("http://server")
        self.answers = answers

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        queue = self.answers[path]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, ApiError):
            raise answer
        return answer


def node(node_id: str, title: str, status: str, **fields: Any) -> dict[str, Any]:
    return {"id": node_id, "title": title, "status": status, "duration": None, "error": "", **fields}


def page(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"count": len(nodes), "next": None, "results": list(nodes)}


@pytest.fixture
def follow_script() -> dict[str, list[Any]]:
    run = {"id": "r", "title": "t", "duration": 3.0}
    return {
        "/runs/r/": [
            {**run, "status": "RUNNING", "node_counts": {"IN_QUEUE": 1, "CREATED": 1, "STATIC": 1}},
            {**run, "status": "RUNNING", "node_counts": {"RUNNING": 1, "CREATED": 1, "STATIC": 1}},
            {**run, "status": "FAILED", "node_counts": {"FAILED": 1, "CANCELED": 1, "STATIC": 1}},
        ],
        "/runs/r/nodes/": [
            page(node("s", "file", "STATIC"), node("a", "first", "IN_QUEUE"), node("b", "second", "CREATED")),
            page(node("s", "file", "STATIC"), node("a", "first", "RUNNING"), node("b", "second", "CREATED")),
            page(
                node("s", "file", "STATIC"),
                node("a", "first", "FAILED", duration=1.25, error="exit code 2"),
                node("b", "second", "CANCELED"),
            ),
        ],
        "/runs/r/nodes/a/logs/stderr/": [
            {"text": "cut line\nTraceback\nValueError: no\n", "start": 10, "offset": 40, "attempt": 1}
        ],
    }


def test_following_prints_each_change_once_and_names_the_failure(follow_script: dict[str, list[Any]]) -> None:
    client = ScriptedClient(follow_script)
    out, err = io.StringIO(), io.StringIO()
    follower = cli.Follower(client, "r", out, err, bar=True, sleep=lambda _: None)
    run, nodes = follower.follow()
    assert out.getvalue() == (
        "  IN_QUEUE  first\n  RUNNING   first\n  FAILED    first  (1.2 s)  exit code 2\n  CANCELED  second\n"
    )
    # The bar is drawn on the terminal while the run goes on, and cleared at the end.
    assert err.getvalue().count("[----------------------------") == 2
    assert "] 0/2 RUNNING · 1 running · 3.0 s" in err.getvalue()
    assert err.getvalue().endswith("\r\x1b[K")
    out, err = io.StringIO(), io.StringIO()
    assert cli.report_end(client, run, nodes, out, err) == cli.EXIT_RUN_FAILED
    assert err.getvalue() == (
        "error: run r ended FAILED; failed node(s): 'first' (a)\n"
        "--- first: exit code 2\n"
        "--- last lines of the stderr of 'first':\n"
        "    Traceback\n"
        "    ValueError: no\n"
    )


def test_the_nodes_are_read_again_only_when_their_counts_change() -> None:
    running = {"id": "r", "status": "RUNNING", "duration": 1.0, "node_counts": {"RUNNING": 1}}
    asked: list[str] = []

    class Counting(ScriptedClient):
        def request(self, method: str, path: str, **kwargs: Any) -> Any:
            asked.append(path)
            return super().request(method, path, **kwargs)

    client = Counting(
        {
            "/runs/r/": [running, running, running, {**running, "status": "SUCCESS", "node_counts": {"SUCCESS": 1}}],
            "/runs/r/nodes/": [page(node("a", "only", "RUNNING")), page(node("a", "only", "SUCCESS"))],
        }
    )
    out = io.StringIO()
    run, nodes = cli.Follower(client, "r", out, io.StringIO(), sleep=lambda _: None).follow()
    assert asked == ["/runs/r/", "/runs/r/nodes/", "/runs/r/", "/runs/r/", "/runs/r/", "/runs/r/nodes/"]
    assert (run["status"], nodes) == ("SUCCESS", [node("a", "only", "SUCCESS")])
    assert out.getvalue() == "  RUNNING   only\n  SUCCESS   only\n"


def test_the_end_of_a_run_sets_the_exit_code() -> None:
    client = ScriptedClient({})
    out, err = io.StringIO(), io.StringIO()
    done = [node("a", "one", "SUCCESS"), node("b", "two", "RESTORED"), node("s", "file", "STATIC")]
    assert cli.report_end(client, {"id": "r", "status": "SUCCESS", "duration": 2}, done, out, err) == cli.EXIT_OK
    assert out.getvalue() == "Run r SUCCESS in 2.0 s: 2 node(s), 1 restored from the cache.\n"
    canceled = [node("a", "one", "CANCELED")]
    assert cli.report_end(client, {"id": "r", "status": "CANCELED"}, canceled, out, err) == cli.EXIT_RUN_CANCELED
    assert err.getvalue() == "error: run r was CANCELED\n"


def test_ctrl_c_stops_following_without_canceling(
    follow_script: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    posted: list[str] = []

    class Interrupting(ScriptedClient):
        def request(self, method: str, path: str, **kwargs: Any) -> Any:
            if method == "POST":
                posted.append(path)
                return {}
            if path == "/runs/r/nodes/":
                raise KeyboardInterrupt
            return super().request(method, path, **kwargs)

    client = Interrupting(follow_script)
    args = build_parser().parse_args(["runs", "follow", "r"])
    assert cli.follow_run(client, args, "r") == cli.EXIT_INTERRUPTED
    assert posted == []
    assert "interrupted: run r goes on (`plynx runs follow r`, `plynx runs cancel r`)" in capsys.readouterr().err
    args = build_parser().parse_args(["run", "w", "--cancel-on-interrupt"])
    assert cli.follow_run(client, args, "r") == cli.EXIT_INTERRUPTED
    assert posted == ["/runs/r/cancel/"]
    assert "interrupted: canceled run r" in capsys.readouterr().err
