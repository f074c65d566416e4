"""Running a script as a subprocess tree that can be timed out, canceled and fully killed.

The script runs in its own session (and so its own process group) with a clean environment,
stdin from /dev/null and stdout/stderr appended to files that the caller may read (and upload)
while it runs. On Linux the child also gets ``PR_SET_PDEATHSIG`` (it dies with the worker),
``PR_SET_CHILD_SUBREAPER`` (orphaned descendants stay below it instead of escaping to init)
and no core dumps.

When the script ends, times out or is canceled, whatever is left of its tree is terminated:
SIGTERM, a grace period, then SIGKILL, until no descendant remains. Descendants are found
through their session and process group and by walking parent pids in ``/proc``; the script's
own zombie is reaped last, so that its pid (the group and session id) cannot be reused while
the tree is being killed. A descendant that leaves the session and outlives the script,
having appeared after the last walk, can still escape; only a cgroup would close that gap.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import resource
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

SAFE_PATH = ("/usr/local/bin", "/usr/bin", "/bin")

# <linux/prctl.h>
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36

# How often to check whether the script has exited: short, so a node ends soon after its script.
_EXIT_CHECK_SECONDS = 0.02
# Walking /proc costs a few milliseconds; once a second is enough to keep track of descendants
# that leave the session while the script runs.
_TRACK_SECONDS = 1.0
# SIGKILL cannot be ignored, but a process in uninterruptible sleep (a hung network file
# system) only dies when it wakes; past this the worker gives up waiting and logs the pids.
_KILL_GIVE_UP_SECONDS = 30.0


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


# Resolved in the parent: loading a library between fork and exec could deadlock on a lock held
# by another thread of the worker.
_PRCTL = _load_prctl()


class ProcessStartError(Exception):
    """The program could not be started (not found, not executable, a bad working directory)."""


@dataclass(frozen=True, slots=True)
class ProcessOutcome:
    # The script's exit status (negative: killed by that signal); None if it could not be reaped.
    returncode: int | None
    timed_out: bool
    canceled: bool
    duration_seconds: float


def clean_environment(workdir: Path) -> dict[str, str]:
    """The whole environment of a script: nothing of the worker's (no database URL, secrets, keys).

    ``python`` resolves to the worker's interpreter; HOME and TMPDIR are inside the working
    directory, so nothing is written elsewhere by default.
    """
    tmp = workdir / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    path = dict.fromkeys([str(Path(sys.executable).parent), *SAFE_PATH])
    return {
        "PATH": os.pathsep.join(path),
        "HOME": str(workdir),
        "TMPDIR": str(tmp),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
    }


def _child_setup(parent_pid: int) -> Callable[[], None]:
    def setup() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if _PRCTL is not None:
            _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            _PRCTL(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
            # The worker may have died before the death signal was armed.
            if os.getppid() != parent_pid:
                os._exit(1)

    return setup


@dataclass(frozen=True, slots=True)
class _Stat:
    ppid: int
    pgrp: int
    session: int
    start_time: int
    zombie: bool


def _read_stat(pid: int) -> _Stat | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            data = file.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
    fields = data[data.rfind(b")") + 2 :].split()
    # fields[0] is field 3 of proc(5): state, ppid, pgrp, session, ..., starttime (field 22).
    return _Stat(
        ppid=int(fields[1]),
        pgrp=int(fields[2]),
        session=int(fields[3]),
        start_time=int(fields[19]),
        zombie=fields[0] in (b"Z", b"X"),
    )


def _process_table() -> dict[int, _Stat]:
    table: dict[int, _Stat] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            stat = _read_stat(int(name))
            if stat is not None:
                table[int(name)] = stat
    return table


class _ProcessTree:
    """The live processes that descend from ``root`` or share its session or process group."""

    def __init__(self, root: int) -> None:
        self.root = root
        # Every descendant seen so far, with its start time to tell it from a later process
        # that reuses the pid.
        self.known: dict[int, int] = {}

    def scan(self) -> dict[int, int]:
        table = _process_table()
        children: dict[int, list[int]] = {}
        for pid, stat in table.items():
            children.setdefault(stat.ppid, []).append(pid)
        stack = [self.root]
        stack += [pid for pid, start in self.known.items() if pid in table and table[pid].start_time == start]
        # The root is reaped only after the tree is gone, so its pid, which is the session's and
        # the group's id, cannot have been reused: members of either are ours.
        stack += [pid for pid, stat in table.items() if self.root in (stat.session, stat.pgrp)]
        members: dict[int, int] = {}
        while stack:
            pid = stack.pop()
            if pid in members or pid not in table or pid == os.getpid():
                continue
            members[pid] = table[pid].start_time
            stack.extend(children.get(pid, ()))
        self.known.update(members)
        return {pid: start for pid, start in members.items() if not table[pid].zombie}

    def signal(self, members: Mapping[int, int], signum: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.root, signum)
        for pid, start in members.items():
            stat = _read_stat(pid)
            if stat is None or stat.start_time != start:
                continue
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signum)

    def kill(self, grace_seconds: float) -> None:
        """Terminate the whole tree; return once no member is alive (or after giving up)."""
        members = self.scan()
        if not members:
            return
        self.signal(members, signal.SIGTERM)
        terminated = set(members)
        deadline = time.monotonic() + grace_seconds
        while members and time.monotonic() < deadline:
            time.sleep(_EXIT_CHECK_SECONDS)
            members = self.scan()
            # Processes forked while the tree was being terminated get their SIGTERM too.
            new = {pid: start for pid, start in members.items() if pid not in terminated}
            if new:
                self.signal(new, signal.SIGTERM)
                terminated.update(new)
        give_up = time.monotonic() + _KILL_GIVE_UP_SECONDS
        while members:
            if time.monotonic() > give_up:
                logger.error("process_tree_kill_gave_up", extra={"root": self.root, "pids": sorted(members)})
                return
            self.signal(members, signal.SIGKILL)
            time.sleep(_EXIT_CHECK_SECONDS)
            members = self.scan()


def _has_exited(pid: int) -> bool:
    # WNOWAIT leaves the zombie in place: the pid stays reserved until the tree is killed.
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:  # reaped by someone else (a SIGCHLD handler of the worker)
        return True


class _ExitWaiter:
    """Sleeps until the process exits or a timeout passes, whichever comes first.

    With a pidfd (Linux 5.3+) the wait ends the moment the process exits, so a fast script
    costs no polling delay; without one it sleeps ``_EXIT_CHECK_SECONDS`` at a time.
    """

    def __init__(self, pid: int) -> None:
        self._poll: select.poll | None = None
        self._fd = -1
        try:
            self._fd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            return
        self._poll = select.poll()
        self._poll.register(self._fd, select.POLLIN)

    def wait(self, seconds: float) -> None:
        if self._poll is None:
            time.sleep(min(seconds, _EXIT_CHECK_SECONDS))
        else:
            self._poll.poll(max(0, int(seconds * 1000)))

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def run_process(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    stdout_path: Path,
    stderr_path: Path,
    timeout_seconds: float,
    should_cancel: Callable[[], bool],
    on_tick: Callable[[], None] | None = None,
    poll_interval: float = 0.2,
    kill_grace_seconds: float = 3,
) -> ProcessOutcome:
    """Run ``argv`` until it exits, ``timeout_seconds`` pass or ``should_cancel()`` says so.

    ``on_tick`` and ``should_cancel`` are called every ``poll_interval`` seconds. Whatever the
    outcome (an exception from a callback included), the process tree is gone on return.
    Raises ``ProcessStartError`` when the program cannot be started.
    """
    started = time.monotonic()
    deadline = started + timeout_seconds
    timed_out = canceled = False
    # Unbuffered appends: the script's output lands in the files as it is written.
    with stdout_path.open("ab", buffering=0) as stdout, stderr_path.open("ab", buffering=0) as stderr:
        try:
            process = subprocess.Popen(  # noqa: S603 - argv comes from the executor, never from a shell string
                list(argv),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
                # The setup only makes system calls; the library it calls was loaded before the fork.
                preexec_fn=_child_setup(os.getpid()),
            )
        except OSError as error:
            raise ProcessStartError(f"cannot start {argv[0]}: {error.strerror or error}") from error
    tree = _ProcessTree(process.pid)
    waiter = _ExitWaiter(process.pid)
    try:
        next_tick = started
        next_track = started + _TRACK_SECONDS
        while not _has_exited(process.pid):
            now = time.monotonic()
            if now >= next_tick:
                if on_tick is not None:
                    on_tick()
                if should_cancel():
                    canceled = True
                    break
                next_tick = now + poll_interval
            if now >= deadline:
                timed_out = True
                break
            if now >= next_track:
                tree.scan()
                next_track = now + _TRACK_SECONDS
            waiter.wait(min(next_tick, next_track, deadline) - time.monotonic())
    finally:
        waiter.close()
        tree.kill(kill_grace_seconds)
        try:
            returncode: int | None = process.wait(timeout=_KILL_GIVE_UP_SECONDS)
        except subprocess.TimeoutExpired:
            returncode = None
    return ProcessOutcome(
        returncode=returncode,
        timed_out=timed_out,
        canceled=canceled,
        duration_seconds=time.monotonic() - started,
    )
