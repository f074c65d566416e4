"""Helpers for process tests."""

from __future__ import annotations

import os
import time
from collections.abc import Callable


def processes_with(argument: str) -> list[int]:
    """Pids of the live processes with ``argument`` in their command line (zombies have none)."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as file:
                arguments = file.read().split(b"\0")
        except OSError:
            continue
        if argument.encode() in arguments:
            pids.append(int(name))
    return pids


def never() -> bool:
    return False


def parent_and_session(pid: int) -> tuple[int, int]:
    """The parent pid and the session id of a live process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat", "rb") as file:
        data = file.read()
    fields = data[data.rfind(b")") + 2 :].split()
    return int(fields[1]), int(fields[3])


def wait_for(condition: Callable[[], bool], seconds: float = 5) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass; whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
