from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from apps.nodes.executors.process import ProcessOutcome, ProcessStartError, clean_environment, run_process
from tests.nodes.executors.helpers import never, parent_and_session, processes_with, wait_for

PROJECT_ROOT = Path(__file__).resolve().parents[3]


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


def test_background_processes_are_killed_when_the_script_exits(tmp_path: Path, marker: str) -> None:
    outcome = run(tmp_path, ["bash", "-c", f"sleep {marker} & echo started"])

    assert (outcome.returncode, outcome.canceled, outcome.timed_out) == (0, False, False)
    assert (tmp_path / "stdout").read_text() == "started\n"
    assert processes_with(marker) == []


def test_an_exception_in_a_callback_still_kills_the_tree(tmp_path: Path, marker: str) -> None:
    def on_tick() -> None:
        if processes_with(marker):
            raise RuntimeError("upload failed")

    with pytest.raises(RuntimeError, match="upload failed"):
        run(tmp_path, ["bash", "-c", f"sleep {marker}; true"], on_tick=on_tick, poll_interval=0.05)

    assert processes_with(marker) == []


def test_the_script_dies_with_the_worker(tmp_path: Path, marker: str) -> None:
    # The marker goes through the environment: only the sleep may have it as an argument.
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, pathlib\n"
            "from apps.nodes.executors.process import clean_environment, run_process\n"
            "tmp = pathlib.Path(os.environ['TEST_TMP'])\n"
            "run_process(['sleep', os.environ['TEST_MARKER']], cwd=tmp, env=clean_environment(tmp),"
            " stdout_path=tmp / 'stdout', stderr_path=tmp / 'stderr', timeout_seconds=600,"
            " should_cancel=lambda: False)\n",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "TEST_TMP": str(tmp_path), "TEST_MARKER": marker},
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


def test_a_program_that_cannot_start(tmp_path: Path) -> None:
    with pytest.raises(ProcessStartError) as error:
        run(tmp_path, ["no-such-program"])

    assert str(error.value) == "cannot start no-such-program: No such file or directory"
    assert (tmp_path / "stdout").read_text() == ""
