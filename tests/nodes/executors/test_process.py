from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from apps.nodes.executors import process
from apps.nodes.executors.process import ProcessOutcome, ProcessStartError, clean_environment, run_process
from apps.nodes.executors.spawner import process_table
from tests.nodes.executors.helpers import never, parent_and_session, processes_with, wait_for

PROJECT_ROOT = Path(__file__).resolve().parents[3]

# Scripts are started by a spawner process where it can be used, with Popen otherwise; the
# properties every script gets are checked both ways.
both_modes = pytest.mark.parametrize("start_mode", ["spawner", "popen"], indirect=True)


@pytest.fixture(autouse=True)
def start_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    mode: str = getattr(request, "param", "spawner")
    if mode == "popen":
        monkeypatch.setattr(process._spawners, "enabled", False)
    else:
        spawner = process._spawners.acquire()
        assert spawner is not None, "the spawner can be used here"
        process._spawners.release(spawner)
    return mode


def idle_spawners() -> list[int]:
    """The pids of this process's idle spawners."""
    return [spawner.pid for spawner in process._spawners._idle]


def children_of(pid: int) -> list[tuple[int, bool]]:
    """The children of ``pid`` (from /proc), each with whether it is a zombie."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as file:
                data = file.read()
        except OSError:
            continue
        fields = data[data.rfind(b")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append((int(name), fields[0] == b"Z"))
    return found


def run_worker(script: str, tmp_path: Path, marker: str, *, popen: bool = False) -> subprocess.Popen[bytes]:
    """A separate worker process running ``script`` (TEST_TMP and TEST_MARKER in its environment)."""
    prelude = "from apps.nodes.executors import process\n" + ("process._spawners.enabled = False\n" if popen else "")
    return subprocess.Popen(
        [sys.executable, "-c", prelude + script],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "TEST_TMP": str(tmp_path), "TEST_MARKER": marker},
        stdout=subprocess.PIPE,
    )


def run(tmp_path: Path, argv: list[str], **options: Any) -> ProcessOutcome:
    options.setdefault("timeout_seconds", 30)
    options.setdefault("should_cancel", never)
    return run_process(
        argv,
        cwd=tmp_path,
        env=clean_environment(tmp_path),
        stdout_path=tmp_path / "stdout",
        stderr_path=tmp_path / "stderr",
        **options,
    )


@both_modes
@pytest.mark.parametrize(
    ("script", "returncode"),
    [
        pytest.param("exit 0", 0, id="success"),
        pytest.param("exit 3", 3, id="exit-code"),
        pytest.param("kill -KILL $$", -signal.SIGKILL, id="killed-by-signal"),
    ],
)
def test_exit_status_is_returned(tmp_path: Path, script: str, returncode: int) -> None:
    outcome = run(tmp_path, ["bash", "-c", script])

    assert (outcome.returncode, outcome.timed_out, outcome.canceled) == (returncode, False, False)
    assert 0 < outcome.duration_seconds < 5


@both_modes
def test_output_is_appended_to_the_files_while_the_script_runs(tmp_path: Path, marker: str) -> None:
    (tmp_path / "stdout").write_text("before\n")
    seen_after: list[float] = []
    started = time.monotonic()

    def on_tick() -> None:
        if not seen_after and (tmp_path / "stdout").read_text() == "before\nfirst line\n":
            seen_after.append(time.monotonic() - started)

    outcome = run(
        tmp_path,
        ["bash", "-c", f"echo first line; echo to stderr >&2; sleep {marker}"],
        on_tick=on_tick,
        should_cancel=lambda: bool(seen_after),
        poll_interval=0.05,
    )

    assert len(seen_after) == 1
    assert seen_after[0] < 1
    assert (outcome.canceled, outcome.timed_out, outcome.returncode) == (True, False, -signal.SIGTERM)
    assert (tmp_path / "stderr").read_text() == "to stderr\n"
    assert processes_with(marker) == []


@both_modes
def test_timeout_kills_the_process(tmp_path: Path, marker: str) -> None:
    running: list[list[int]] = []
    started = time.monotonic()

    outcome = run(
        tmp_path, ["sleep", marker], timeout_seconds=1, on_tick=lambda: running.append(processes_with(marker))
    )

    assert time.monotonic() - started < 5
    assert (outcome.timed_out, outcome.canceled, outcome.returncode) == (True, False, -signal.SIGTERM)
    assert 1 <= outcome.duration_seconds < 5
    assert len(running[0]) == 1
    assert processes_with(marker) == []


@both_modes
def test_cancel_kills_the_whole_tree_including_processes_that_left_the_session(tmp_path: Path, marker: str) -> None:
    seen: dict[int, tuple[int, int]] = {}

    def should_cancel() -> bool:
        pids = processes_with(marker)
        if len(pids) < 3:
            return False
        seen.update({pid: parent_and_session(pid) for pid in pids})
        return True

    outcome = run(
        tmp_path,
        ["bash", "-c", f"sleep {marker} & setsid sleep {marker} & sleep {marker}"],
        should_cancel=should_cancel,
        poll_interval=0.05,
    )

    assert (outcome.canceled, outcome.timed_out) == (True, False)
    sessions = sorted(session for _, session in seen.values())
    assert len(seen) == 3
    assert sessions[0] == sessions[1]
    assert sessions[2] != sessions[0], "the setsid sleep runs in a session of its own"
    assert processes_with(marker) == []


@both_modes
def test_orphans_stay_below_the_script_and_are_killed(tmp_path: Path, marker: str) -> None:
    def should_cancel() -> bool:
        # Cancel once the subshell is gone and its orphan has been reparented.
        parents = {parent_and_session(pid)[0] for pid in processes_with(marker)}
        return len(processes_with(marker)) == 2 and len(parents) == 1

    # The subshell exits at once, leaving its setsid child an orphan in a session of its own;
    # `; true` keeps bash from replacing itself with the last sleep.
    outcome = run(
        tmp_path,
        ["bash", "-c", f"(setsid sleep {marker} &); sleep {marker}; true"],
        should_cancel=should_cancel,
        poll_interval=0.05,
        timeout_seconds=5,
    )

    assert (outcome.canceled, outcome.timed_out) == (True, False), "the orphan was reparented to the script"
    assert processes_with(marker) == []


@both_modes
def test_background_processes_are_killed_when_the_script_exits(tmp_path: Path, marker: str) -> None:
    outcome = run(tmp_path, ["bash", "-c", f"sleep {marker} & echo started"])

    assert (outcome.returncode, outcome.canceled, outcome.timed_out) == (0, False, False)
    assert (tmp_path / "stdout").read_text() == "started\n"
    assert processes_with(marker) == []


@both_modes
def test_an_exception_in_a_callback_still_kills_the_tree(tmp_path: Path, marker: str) -> None:
    def on_tick() -> None:
        if processes_with(marker):
            raise RuntimeError("upload failed")

    with pytest.raises(RuntimeError, match="upload failed"):
        run(tmp_path, ["bash", "-c", f"sleep {marker}; true"], on_tick=on_tick, poll_interval=0.05)

    assert processes_with(marker) == []


@both_modes
def test_the_script_dies_with_the_worker(tmp_path: Path, marker: str, start_mode: str) -> None:
    # The marker goes through the environment: only the sleep may have it as an argument.
    worker = run_worker(
        "import os, pathlib\n"
        "from apps.nodes.executors.process import clean_environment, run_process\n"
        "tmp = pathlib.Path(os.environ['TEST_TMP'])\n"
        "run_process(['sleep', os.environ['TEST_MARKER']], cwd=tmp, env=clean_environment(tmp),"
        " stdout_path=tmp / 'stdout', stderr_path=tmp / 'stderr', timeout_seconds=600,"
        " should_cancel=lambda: False)\n",
        tmp_path,
        marker,
        popen=start_mode == "popen",
    )
    try:
        assert wait_for(lambda: len(processes_with(marker)) == 1, seconds=10)
        worker.kill()
        worker.wait()
        assert wait_for(lambda: processes_with(marker) == [], seconds=2)
    finally:
        worker.kill()
        worker.wait()
        for pid in processes_with(marker):
            os.kill(pid, signal.SIGKILL)


def test_the_whole_tree_dies_with_the_worker(tmp_path: Path, marker: str) -> None:
    # The spawner kills every process below it when the worker dies, not only the script.
    worker = run_worker(
        "import os, pathlib\n"
        "from apps.nodes.executors.process import clean_environment, run_process\n"
        "tmp = pathlib.Path(os.environ['TEST_TMP'])\n"
        "marker = os.environ['TEST_MARKER']\n"
        "script = f'sleep {marker} & setsid sleep {marker} & (setsid sleep {marker} &); sleep {marker}'\n"
        "run_process(['bash', '-c', script], cwd=tmp, env=clean_environment(tmp), stdout_path=tmp / 'stdout',"
        " stderr_path=tmp / 'stderr', timeout_seconds=600, should_cancel=lambda: False)\n",
        tmp_path,
        marker,
    )
    try:
        assert wait_for(lambda: len(processes_with(marker)) == 4, seconds=10)
        worker.kill()
        worker.wait()
        assert wait_for(lambda: processes_with(marker) == [], seconds=2)
    finally:
        worker.kill()
        worker.wait()
        for pid in processes_with(marker):
            os.kill(pid, signal.SIGKILL)


@both_modes
def test_no_core_dumps(tmp_path: Path) -> None:
    outcome = run(tmp_path, ["bash", "-c", "ulimit -c; ulimit -H -c"])

    assert outcome.returncode == 0
    assert (tmp_path / "stdout").read_text() == "0\n0\n"


def test_clean_environment_holds_nothing_of_the_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "PLYNX_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "REDIS_URL"):
        monkeypatch.setenv(name, "secret-value")

    env = clean_environment(tmp_path)

    assert env == {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path / "tmp"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
    }
    assert (tmp_path / "tmp").is_dir()


@both_modes
def test_the_script_sees_exactly_the_clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "PLYNX_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        monkeypatch.setenv(name, "secret-value")

    outcome = run(
        tmp_path, ["python", "-c", "import json, os, sys; print(json.dumps([dict(os.environ), sys.executable]))"]
    )

    environ, executable = json.loads((tmp_path / "stdout").read_text())
    assert outcome.returncode == 0
    assert environ == clean_environment(tmp_path)
    assert Path(executable).parent == Path(sys.executable).parent
    assert "secret-value" not in (tmp_path / "stdout").read_text()


@both_modes
def test_a_program_that_cannot_start(tmp_path: Path) -> None:
    with pytest.raises(ProcessStartError) as error:
        run(tmp_path, ["no-such-program"])

    assert str(error.value) == "cannot start no-such-program: No such file or directory"
    assert (tmp_path / "stdout").read_text() == ""


@both_modes
def test_the_script_runs_in_a_session_of_its_own_with_only_its_standard_descriptors(tmp_path: Path) -> None:
    code = (
        "import fcntl, json, os\n"
        "open_fds = []\n"
        "for fd in range(1024):\n"
        "    try:\n"
        "        os.fstat(fd)\n"
        "    except OSError:\n"
        "        continue\n"
        "    open_fds.append(fd)\n"
        "print(json.dumps({\n"
        "    'session': os.getsid(0) == os.getpid() == os.getpgid(0),\n"
        "    'stdin': os.readlink('/proc/self/fd/0'),\n"
        "    'fds': open_fds,\n"
        "    'cwd': os.getcwd(),\n"
        "    'stdout_appends': bool(fcntl.fcntl(1, fcntl.F_GETFL) & os.O_APPEND),\n"
        "}))\n"
    )
    workdir = tmp_path / "work"
    workdir.mkdir()

    outcome = run_process(
        ["python", "-c", code],
        cwd=workdir,
        env=clean_environment(workdir),
        stdout_path=tmp_path / "stdout",
        stderr_path=tmp_path / "stderr",
        timeout_seconds=30,
        should_cancel=never,
    )

    assert outcome.returncode == 0, (tmp_path / "stderr").read_text()
    assert json.loads((tmp_path / "stdout").read_text()) == {
        "session": True,
        "stdin": "/dev/null",
        "fds": [0, 1, 2],
        "cwd": str(workdir),
        "stdout_appends": True,
    }


@both_modes
def test_the_script_starts_with_no_signal_ignored_or_blocked(tmp_path: Path) -> None:
    outcome = run(tmp_path, ["grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"])

    assert outcome.returncode == 0
    assert _settable_signals(tmp_path / "stdout") == {"SigBlk": set(), "SigIgn": set()}


def test_signals_the_worker_ignores_are_not_ignored_by_the_script(tmp_path: Path, marker: str) -> None:
    worker = run_worker(
        "import os, pathlib, signal\n"
        "from apps.nodes.executors.process import clean_environment, run_process\n"
        "for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1):\n"
        "    signal.signal(signum, signal.SIG_IGN)\n"
        "tmp = pathlib.Path(os.environ['TEST_TMP'])\n"
        "run_process(['grep', '^SigIgn', '/proc/self/status'], cwd=tmp, env=clean_environment(tmp),"
        " stdout_path=tmp / 'stdout', stderr_path=tmp / 'stderr', timeout_seconds=30, should_cancel=lambda: False)\n",
        tmp_path,
        marker,
    )

    assert worker.wait(timeout=30) == 0
    assert _settable_signals(tmp_path / "stdout") == {"SigIgn": set()}


def _settable_signals(status: Path) -> dict[str, set[int]]:
    """The signals in each mask of ``/proc/<pid>/status`` lines, among those a program can set.

    The C library reserves a few real-time signals for itself (no program can change them, so
    whatever started the tests decides them); they are left out.
    """
    settable = {int(signum) for signum in signal.valid_signals()}
    masks = {}
    for line in status.read_text().splitlines():
        name, value = line.split(":\t")
        bits = int(value, 16)
        masks[name] = {signum for signum in settable if bits & (1 << (signum - 1))}
    return masks


@both_modes
def test_a_working_directory_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ProcessStartError) as error:
        run_process(
            ["bash", "-c", "true"],
            cwd=tmp_path / "missing",
            env=clean_environment(tmp_path),
            stdout_path=tmp_path / "stdout",
            stderr_path=tmp_path / "stderr",
            timeout_seconds=30,
            should_cancel=never,
        )

    assert str(error.value) == "cannot start bash: No such file or directory"


@both_modes
def test_a_file_that_is_not_executable(tmp_path: Path) -> None:
    (tmp_path / "script.sh").write_text("true\n")

    with pytest.raises(ProcessStartError) as error:
        run(tmp_path, ["./script.sh"])

    assert str(error.value) == "cannot start ./script.sh: Permission denied"


@both_modes
def test_a_thousand_scripts_leak_no_descriptor_or_process(tmp_path: Path, start_mode: str) -> None:
    runs = 1000 if start_mode == "spawner" else 100
    run(tmp_path, ["true"])
    spawners = idle_spawners()
    if start_mode == "spawner":
        assert len(spawners) == 1
    descriptors = sorted(os.listdir("/proc/self/fd"))

    for _ in range(runs):
        assert run(tmp_path, ["true"]).returncode == 0

    assert idle_spawners() == spawners
    assert sorted(os.listdir("/proc/self/fd")) == descriptors
    assert [pid for pid, zombie in children_of(os.getpid()) if zombie] == []
    for spawner in spawners:
        assert children_of(spawner) == []


def test_a_script_that_leaves_nothing_is_finished_without_walking_proc(
    tmp_path: Path, marker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[int] = []

    def counted() -> dict[int, Any]:
        walks.append(1)
        return process_table()

    monkeypatch.setattr(process, "process_table", counted)

    assert run(tmp_path, ["bash", "-c", "true"]).returncode == 0
    assert walks == []

    assert run(tmp_path, ["bash", "-c", f"sleep {marker} & true"]).returncode == 0
    assert walks != []
    assert processes_with(marker) == []


def test_orphans_that_left_the_session_are_killed_after_a_normal_exit(tmp_path: Path, marker: str) -> None:
    # The subshell exits at once and so does the script: its setsid grandchild is an orphan in
    # a session of its own, which no walk of the script's tree saw. It is still below the spawner.
    outcome = run(tmp_path, ["bash", "-c", f"(setsid sleep {marker} &); (setsid bash -c 'sleep {marker}' &); true"])

    assert outcome.returncode == 0
    assert processes_with(marker) == []


def test_the_spawner_outlives_the_thread_that_started_it(tmp_path: Path, marker: str) -> None:
    worker = run_worker(
        "import json, os, pathlib, threading\n"
        "from apps.nodes.executors.process import clean_environment, run_process\n"
        "tmp = pathlib.Path(os.environ['TEST_TMP'])\n"
        "def run(*argv):\n"
        "    return run_process(list(argv), cwd=tmp, env=clean_environment(tmp), stdout_path=tmp / 'stdout',"
        " stderr_path=tmp / 'stderr', timeout_seconds=30, should_cancel=lambda: False).returncode\n"
        "thread = threading.Thread(target=run, args=('true',))\n"
        "thread.start()\n"
        "thread.join()\n"
        "first = [spawner.pid for spawner in process._spawners._idle]\n"
        "code = run('bash', '-c', 'sleep 0.3; echo done')\n"
        "print(json.dumps([first, [spawner.pid for spawner in process._spawners._idle], code]))\n",
        tmp_path,
        marker,
    )
    output, _ = worker.communicate(timeout=30)

    first, second, code = json.loads(output)
    assert len(first) == 1
    assert (second, code) == (first, 0)
    assert (tmp_path / "stdout").read_text() == "done\n"


def test_a_forked_worker_starts_its_own_spawner(tmp_path: Path, marker: str) -> None:
    worker = run_worker(
        "import json, os, pathlib, sys\n"
        "from apps.nodes.executors.process import clean_environment, run_process\n"
        "tmp = pathlib.Path(os.environ['TEST_TMP'])\n"
        "def run(name):\n"
        "    code = run_process(['bash', '-c', f'echo {name}'], cwd=tmp, env=clean_environment(tmp),"
        " stdout_path=tmp / name, stderr_path=tmp / 'stderr', timeout_seconds=30,"
        " should_cancel=lambda: False).returncode\n"
        "    return [code, [spawner.pid for spawner in process._spawners._idle]]\n"
        "before = run('parent-before')\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    try:\n"
        "        (tmp / 'child.json').write_text(json.dumps(run('child')))\n"
        "    finally:\n"
        "        os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
        "print(json.dumps([before, run('parent-after')]))\n",
        tmp_path,
        marker,
    )
    output, _ = worker.communicate(timeout=30)

    before, after = json.loads(output)
    child = json.loads((tmp_path / "child.json").read_text())
    assert before[0] == after[0] == child[0] == 0
    assert after[1] == before[1], "the parent keeps its spawner"
    assert len(child[1]) == 1
    assert child[1] != before[1], "the child started its own"
    assert [(tmp_path / name).read_text() for name in ("parent-before", "child", "parent-after")] == [
        "parent-before\n",
        "child\n",
        "parent-after\n",
    ]


def test_threads_run_scripts_at_once(tmp_path: Path) -> None:
    results: dict[int, list[int | None]] = {}

    def worker(number: int) -> None:
        workdir = tmp_path / str(number)
        workdir.mkdir()
        results[number] = [
            run(workdir, ["bash", "-c", f"sleep 0.0{index}; echo {number}-{index}"]).returncode for index in range(10)
        ]

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == {number: [0] * 10 for number in range(4)}
    for number in range(4):
        assert (tmp_path / str(number) / "stdout").read_text() == "".join(f"{number}-{i}\n" for i in range(10))
    for spawner in idle_spawners():
        assert children_of(spawner) == []


def test_a_spawner_that_died_is_replaced(tmp_path: Path) -> None:
    run(tmp_path, ["true"])
    dead = idle_spawners()
    for pid in dead:
        os.kill(pid, signal.SIGKILL)
    assert wait_for(lambda: all(zombie for pid, zombie in children_of(os.getpid()) if pid in dead))

    assert run(tmp_path, ["bash", "-c", "echo again"]).returncode == 0
    assert (tmp_path / "stdout").read_text() == "again\n"
    assert not set(idle_spawners()) & set(dead)
    assert not {pid for pid, _ in children_of(os.getpid())} & set(dead), "the dead spawner was reaped"


def test_a_spawner_killed_while_the_script_runs(tmp_path: Path, marker: str, caplog: pytest.LogCaptureFixture) -> None:
    run(tmp_path, ["true"])
    spawner = idle_spawners()[-1]

    def on_tick() -> None:
        if processes_with(marker):
            os.kill(spawner, signal.SIGKILL)

    try:
        outcome = run(tmp_path, ["sleep", marker], on_tick=on_tick, poll_interval=0.05, timeout_seconds=10)
    finally:
        for pid in processes_with(marker):
            os.kill(pid, signal.SIGKILL)

    # The script died with its spawner; its status is lost with it.
    assert (outcome.returncode, outcome.timed_out) == (None, False)
    assert "process_spawner_lost" in caplog.text
    assert run(tmp_path, ["true"]).returncode == 0


class _Interrupted(BaseException):
    pass


class _InterruptedSocket:
    """A spawner's socket whose next ``recv`` is interrupted, as by a signal handler that raises."""

    def __init__(self, sock: Any) -> None:
        self.sock = sock

    def sendmsg(self, *args: Any) -> int:
        result: int = self.sock.sendmsg(*args)
        return result

    def recv(self, size: int) -> bytes:
        raise _Interrupted

    def close(self) -> None:
        self.sock.close()


def test_an_interrupted_request_discards_the_spawner_and_its_script(tmp_path: Path, marker: str) -> None:
    spawner = process._spawners.acquire()
    assert spawner is not None
    spawner.sock = _InterruptedSocket(spawner.sock)  # type: ignore[assignment]
    process._spawners.release(spawner)

    with pytest.raises(_Interrupted):
        run(tmp_path, ["bash", "-c", f"sleep {marker}; true"])

    # The spawner learned nothing more than that the worker left: it killed the script and exited.
    assert processes_with(marker) == []
    assert spawner.popen.returncode is not None
    assert spawner.pid not in idle_spawners()
    assert run(tmp_path, ["true"]).returncode == 0


@both_modes
def test_an_argument_list_that_is_too_long(tmp_path: Path) -> None:
    with pytest.raises(ProcessStartError) as error:
        run(tmp_path, ["true", "x" * 300_000])

    assert str(error.value) == "cannot start true: Argument list too long"


@both_modes
def test_arguments_and_environment_reach_the_script_byte_for_byte(tmp_path: Path) -> None:
    undecodable = os.fsdecode(b"caf\xe9")
    env = {**clean_environment(tmp_path), "VALUE": undecodable}

    outcome = run_process(
        ["bash", "-c", 'printf "%s|%s" "$1" "$VALUE"', "bash", f"{undecodable} two words"],
        cwd=tmp_path,
        env=env,
        stdout_path=tmp_path / "stdout",
        stderr_path=tmp_path / "stderr",
        timeout_seconds=30,
        should_cancel=never,
    )

    assert outcome.returncode == 0
    assert (tmp_path / "stdout").read_bytes() == b"caf\xe9 two words|caf\xe9"


def test_scripts_still_run_when_no_spawner_can_be_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pool = process._SpawnerPool()
    monkeypatch.setattr(process, "_spawners", pool)
    monkeypatch.setattr(process, "_SPAWNER_PATH", str(tmp_path / "missing.py"))

    assert run(tmp_path, ["bash", "-c", "echo fine"]).returncode == 0
    assert (tmp_path / "stdout").read_text() == "fine\n"
    assert "process_spawner_unavailable" in caplog.text
    assert pool._idle == []
