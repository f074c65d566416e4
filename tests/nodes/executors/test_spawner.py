from __future__ import annotations

import errno
import os
import select
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from apps.nodes.executors import process
from apps.nodes.executors.spawner import Stat, decode, descendants, fd_message, received_fds
from tests.nodes.executors.helpers import processes_with, wait_for


@pytest.fixture
def spawner() -> Iterator[process._Spawner]:
    started = process._Spawner.start()
    try:
        yield started
    finally:
        started.sock.close()
        started.popen.wait(timeout=10)


@pytest.fixture
def output(tmp_path: Path) -> Iterator[tuple[int, int]]:
    with (tmp_path / "stdout").open("ab", buffering=0) as stdout, (tmp_path / "stderr").open("ab") as stderr:
        yield stdout.fileno(), stderr.fileno()


def spawn(spawner: process._Spawner, output: tuple[int, int], *argv: str) -> tuple[object, ...]:
    return spawner.request(("spawn", *process._exec_arguments(argv, {"PATH": "/usr/bin:/bin"}, Path("/"))), output)


def wait_for_exit(pid: int) -> None:
    pidfd = os.pidfd_open(pid)
    try:
        assert select.select([pidfd], [], [], 10)[0] == [pidfd]
    finally:
        os.close(pidfd)


def stat(ppid: int, *, zombie: bool = False) -> Stat:
    return Stat(ppid=ppid, pgrp=1, session=1, start_time=ppid * 10, zombie=zombie)


def test_descendants_are_every_live_process_below_one() -> None:
    table = {
        10: stat(1),
        11: stat(10),
        12: stat(11),
        13: stat(11, zombie=True),
        14: stat(1),
        15: stat(14),
    }

    assert descendants(10, table) == {11: 100, 12: 110}
    assert descendants(1, table) == {10: 10, 11: 100, 12: 110, 14: 10, 15: 140}
    assert descendants(12, table) == {}


def test_descriptors_travel_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("content")
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with left, right, (tmp_path / "file").open("rb") as file:
        left.sendmsg(*fd_message(("hello", [b"x"]), [file.fileno()]))
        data, ancillary, _, _ = right.recvmsg(1024, socket.CMSG_SPACE(8), socket.MSG_CMSG_CLOEXEC)
        [fd] = received_fds(ancillary)
        with open(fd, "rb") as received:
            assert received.read() == b"content"
            assert not os.get_inheritable(fd)
    assert decode(data) == ("hello", [b"x"])


def test_a_script_is_started_and_finished(spawner: process._Spawner, output: tuple[int, int]) -> None:
    started, pid = spawn(spawner, output, "bash", "-c", "exit 3")
    assert started == "started"
    assert isinstance(pid, int)

    wait_for_exit(pid)

    assert spawner.request(("finish", pid)) == ("finished", 3 << 8, True)


def test_finish_tells_when_something_is_left(spawner: process._Spawner, output: tuple[int, int], marker: str) -> None:
    _, pid = spawn(spawner, output, "bash", "-c", f"(setsid sleep {marker} &); true")
    assert isinstance(pid, int)
    wait_for_exit(pid)
    assert wait_for(lambda: len(processes_with(marker)) == 1)

    assert spawner.request(("finish", pid)) == ("finished", 0, False)
    [orphan] = processes_with(marker)
    os.kill(orphan, signal.SIGKILL)
    assert wait_for(lambda: processes_with(marker) == [])

    assert spawner.request(("reap",)) == ("reaped", True)


def test_finish_of_a_script_that_still_runs(spawner: process._Spawner, output: tuple[int, int], marker: str) -> None:
    _, pid = spawn(spawner, output, "sleep", marker)
    assert isinstance(pid, int)

    assert spawner.request(("finish", pid)) == ("finished", None, False)

    os.kill(pid, signal.SIGKILL)
    wait_for_exit(pid)
    assert spawner.request(("finish", pid)) == ("finished", signal.SIGKILL, True)


def test_a_failed_start_reports_the_error(spawner: process._Spawner, output: tuple[int, int]) -> None:
    assert spawn(spawner, output, "no-such-program") == ("failed", errno.ENOENT)
    assert spawner.request(("reap",)) == ("reaped", True), "the failed child was reaped"


def test_the_spawner_kills_everything_below_it_when_the_worker_lets_go(
    spawner: process._Spawner, output: tuple[int, int], marker: str
) -> None:
    spawn(spawner, output, "bash", "-c", f"sleep {marker} & (setsid sleep {marker} &); sleep {marker}")
    assert wait_for(lambda: len(processes_with(marker)) == 3)

    spawner.sock.close()

    assert spawner.popen.wait(timeout=10) == 0
    assert processes_with(marker) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_the_spawner_lives_as_long_as_its_worker(spawner: process._Spawner, signum: signal.Signals) -> None:
    # Its death signal (SIGTERM) also comes when the worker thread that started it exits: while
    # the worker itself lives, such signals are ignored.
    os.kill(spawner.pid, signum)

    assert spawner.request(("reap",)) == ("reaped", True)
    assert spawner.alive()


def test_the_spawner_runs_apart_from_the_worker(spawner: process._Spawner) -> None:
    assert os.getsid(spawner.pid) == spawner.pid
    with open(f"/proc/{spawner.pid}/environ", "rb") as file:
        assert b"DATABASE_URL" not in file.read()
    with open(f"/proc/{spawner.pid}/limits") as file:
        core = next(line for line in file if line.startswith("Max core file size"))
    assert core.split()[4:6] == ["0", "0"]
