"""Running a script as a subprocess tree that can be timed out, canceled and fully killed.

The script runs in its own session (and so its own process group) with a clean environment,
stdin from /dev/null, stdout/stderr appended to files that the caller may read (and upload)
while it runs, no core dumps, ``PR_SET_PDEATHSIG`` (it dies with the process that started it)
and ``PR_SET_CHILD_SUBREAPER`` (processes it orphans are reparented to it rather than escaping).
When the script ends, times out or is canceled, whatever is left of its tree is terminated:
SIGTERM, a grace period, then SIGKILL, until nothing is alive.

Starting: the spawner
---------------------
A worker process is large, and a ``preexec_fn`` makes ``subprocess`` fork it instead of using
``vfork``: several milliseconds a script. So on Linux scripts are started by a spawner
(``spawner.py``): a small ``python -I -S`` process that the worker starts on first use, keeps,
and talks to over a socket pair (the script's stdout/stderr descriptors are passed along). The
spawner forks itself, which is cheap, and does the setup above in the child before ``execve``;
an exec failure comes back through a close-on-exec pipe and is raised as ``ProcessStartError``.
Scripts started this way also begin with default signal handling, whatever the worker ignores.
A spawner serves one ``run_process`` at a time; threads that run scripts at once each get one
(idle ones are kept for reuse). A spawner is tied to the process that started it: after a
fork the child starts its own, and a spawner that died is replaced. The spawner is a child
subreaper and dies with the worker (see ``spawner.py``): when the worker is killed it SIGKILLs
every descendant of its own before exiting, so the whole tree dies with the worker, not only
the script. A request to the spawner that is interrupted (a signal handler raising in the
worker) leaves the connection out of step: that spawner is closed, which makes it kill
everything below it and exit, and ``run_process`` waits for that before raising.

The worker waits for the script's root through a pidfd (it is the spawner's child, not the
worker's), so the wait ends the moment the root exits. The root is reaped by the spawner only
when the worker asks (``finish``), so until then its pid, which is also the id of the script's
session and process group, cannot be reused: ``killpg`` of it only reaches the script's own
processes. After the root is reaped the tree is no longer found through that id but as the
descendants of the spawner, whose pid is held by the worker (its parent) for as long as it is used.

Finishing: why one request is enough when nothing is left
---------------------------------------------------------
* Every process the script starts descends from the spawner as long as the spawner lives: a
  process's parent only changes when the parent dies, and then the orphan goes to the closest
  living subreaper above it (the kernel moves it under the task-list lock as part of the
  parent's exit), which is the spawner or a process below it. Setsid and double forks do not
  change that.
* The spawner has no other children: it serves one script at a time and a spawner goes back to
  the idle list only once it has no child at all.
* So once the root has exited, if the spawner, after reaping the root and every exited child,
  has no child left (``waitid(P_ALL)`` fails with ECHILD), nothing of the script is alive; and
  nothing can appear later, as that takes a live process of the tree to fork it. This is the
  ``finish`` request: one round trip, no walk of /proc.
* Otherwise, and on a timeout or cancel, the live descendants of the spawner are found by
  walking /proc and terminated (SIGTERM, grace, SIGKILL; ``killpg`` of the root's group too
  while the root is not reaped), each signal sent through a pidfd after checking the process's
  start time, so that a process that has reused a pid is not hit; then the spawner reaps and
  checks again, until it has no child. A walk may miss a process forked during it; the check
  that follows cannot.

Limits: argv and environment together must fit in one socket message (about 200 KB). If the
spawner itself is killed from outside (the OOM killer), the script's root dies with it (its
death signal), the returncode is None and the script's descendants may escape.

Without a spawner (not Linux, no pidfd, or it cannot be started) scripts are started with
``subprocess.Popen`` and a ``preexec_fn`` as before: descendants are then found through their
session and process group and by walking parent pids in ``/proc`` once a second while the
script runs; the root is reaped last. There, a descendant that leaves the session and outlives
the script, having appeared after the last walk, can still escape; and when the worker dies only
the script's root is killed, not its descendants.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import math
import os
import resource
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from apps.nodes.executors import spawner as spawner_module
from apps.nodes.executors.spawner import (
    PR_SET_CHILD_SUBREAPER,
    PR_SET_PDEATHSIG,
    Stat,
    descendants,
    load_prctl,
    process_table,
    read_stat,
    send_signal,
)

logger = logging.getLogger(__name__)

SAFE_PATH = ("/usr/local/bin", "/usr/bin", "/bin")

# How often to check whether the script has exited when there is no pidfd to wait on, and
# whether what was signaled is gone.
_EXIT_CHECK_SECONDS = 0.02
# Walking /proc costs a few milliseconds; once a second is enough to keep track of descendants
# that leave the session while the script runs (only without a spawner).
_TRACK_SECONDS = 1.0
# SIGKILL cannot be ignored, but a process in uninterruptible sleep (a hung network file
# system) only dies when it wakes; past this the worker gives up waiting and logs the pids.
_KILL_GIVE_UP_SECONDS = spawner_module.GIVE_UP_SECONDS
# How long a new spawner may take to say it is ready, and how long to do without one after it
# could not be started.
_SPAWNER_START_SECONDS = 10.0
_SPAWNER_RETRY_SECONDS = 60.0
_SPAWNER_PATH = os.path.abspath(spawner_module.__file__)
_REPLY_SIZE = 4096

# Resolved in the parent: loading a library between fork and exec could deadlock on a lock held
# by another thread of the worker.
_PRCTL = load_prctl()


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


# --- Finding and killing what is left of a script ---------------------------------------------


class _Tree:
    """The live processes of a script; ``kill`` terminates them all."""

    root: int

    def scan(self) -> dict[int, int]:
        """The live members, with their start times."""
        raise NotImplementedError

    def signal(self, members: Mapping[int, int], signum: signal.Signals) -> None:
        raise NotImplementedError

    def kill(self, grace_seconds: float) -> bool:
        """Terminate the whole tree; whether no member is alive (False: gave up, logged)."""
        members = self.scan()
        if not members:
            return True
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
                return False
            self.signal(members, signal.SIGKILL)
            time.sleep(_EXIT_CHECK_SECONDS)
            members = self.scan()
        return True


class _SpawnedTree(_Tree):
    """A script started by a spawner: the live descendants of the spawner (see the module docstring)."""

    def __init__(self, spawner_pid: int, root: int) -> None:
        self.spawner_pid = spawner_pid
        self.root = root
        # Until then the root's pid, the id of its group, cannot be reused.
        self.root_reaped = False

    def scan(self) -> dict[int, int]:
        return descendants(self.spawner_pid, process_table())

    def signal(self, members: Mapping[int, int], signum: signal.Signals) -> None:
        if not self.root_reaped:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.root, signum)
        for pid, start in members.items():
            send_signal(pid, start, signum)


class _ProcessTree(_Tree):
    """The live processes that descend from ``root`` or share its session or process group."""

    def __init__(self, root: int) -> None:
        self.root = root
        # Every descendant seen so far, with its start time to tell it from a later process
        # that reuses the pid.
        self.known: dict[int, int] = {}

    def scan(self) -> dict[int, int]:
        table: dict[int, Stat] = process_table()
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
            send_signal(pid, start, signum)


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

    @property
    def has_pidfd(self) -> bool:
        return self._poll is not None

    def exited(self) -> bool:
        """Whether the process has exited (only with a pidfd)."""
        return self._poll is not None and bool(self._poll.poll(0))

    def wait(self, seconds: float) -> None:
        if self._poll is None:
            time.sleep(max(0, min(seconds, _EXIT_CHECK_SECONDS)))
        else:
            self._poll.poll(max(0, math.ceil(seconds * 1000)))

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
            self._poll = None


# --- The spawner: the worker's side -----------------------------------------------------------


class _SpawnerLost(Exception):
    """The spawner is gone, or a request was interrupted and its reply is still owed."""

    def __init__(self, message: str, *, sent: bool) -> None:
        super().__init__(message)
        # Whether the request may have reached the spawner.
        self.sent = sent


class _Spawner:
    """The connection to one spawner process."""

    def __init__(self, popen: subprocess.Popen[bytes], sock: socket.socket) -> None:
        self.popen = popen
        self.sock = sock
        self.pid = popen.pid
        self.owner = os.getpid()
        # Set while a reply is owed: if anything interrupts the exchange, the connection is out
        # of step and the spawner is discarded.
        self.broken = False

    @classmethod
    def start(cls) -> _Spawner:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            popen = subprocess.Popen(  # noqa: S603 - our own interpreter running our own module
                [sys.executable, "-I", "-S", _SPAWNER_PATH, str(os.getpid()), str(theirs.fileno())],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                # Its own session: a terminal's Ctrl-C for the worker's group does not reach it.
                start_new_session=True,
                # Nothing of the worker's environment (secrets) is needed, and it keeps no
                # directory of the worker's busy.
                env={},
                cwd="/",
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        try:
            ours.settimeout(_SPAWNER_START_SECONDS)
            ready = ours.recv(_REPLY_SIZE)
            ours.settimeout(None)
            if not ready or spawner_module.decode(ready)[0] != "ready":
                raise _SpawnerLost("the spawner did not start", sent=False)
        except BaseException:
            ours.close()
            popen.kill()
            popen.wait()
            raise
        return cls(popen, ours)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def request(self, message: tuple[Any, ...], fds: Sequence[int] = ()) -> tuple[Any, ...]:
        if self.broken:
            raise _SpawnerLost("the spawner's connection is out of step", sent=False)
        buffers, ancillary = spawner_module.fd_message(message, fds)
        self.broken = True
        try:
            self.sock.sendmsg(buffers, ancillary)
        except OSError as error:
            if error.errno == errno.EMSGSIZE:  # nothing was sent
                self.broken = False
                raise
            raise _SpawnerLost(f"the spawner is gone: {error}", sent=False) from error
        try:
            reply = self.sock.recv(_REPLY_SIZE)
        except OSError as error:
            raise _SpawnerLost(f"the spawner is gone: {error}", sent=True) from error
        if not reply:
            raise _SpawnerLost("the spawner is gone", sent=True)
        self.broken = False
        result: tuple[Any, ...] = spawner_module.decode(reply)
        return result


def _spawner_supported() -> bool:
    if _PRCTL is None or not sys.executable:
        return False
    if not hasattr(os, "pidfd_open") or not hasattr(socket, "MSG_CMSG_CLOEXEC"):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:
        return False
    return True


class _SpawnerPool:
    """This process's spawners: idle ones are reused, one per concurrent ``run_process``."""

    def __init__(self) -> None:
        # None: not checked yet. Tests set False to exercise the fallback.
        self.enabled: bool | None = None
        self._lock = threading.Lock()
        self._owner = os.getpid()
        self._idle: list[_Spawner] = []
        # Idle and in use, to close their sockets in a forked child.
        self._all: set[_Spawner] = set()
        # Discarded spawners not waited for; reaped later.
        self._retired: list[subprocess.Popen[bytes]] = []
        self._retry_at = 0.0

    def acquire(self) -> _Spawner | None:
        """A spawner for the caller's exclusive use, or None to start scripts without one."""
        if self.enabled is None:
            self.enabled = _spawner_supported()
        if not self.enabled or time.monotonic() < self._retry_at:
            return None
        with self._lock:
            if self._owner != os.getpid():  # forked by something that skipped the fork hooks
                self._forget()
            self._retired = [popen for popen in self._retired if popen.poll() is None]
            while self._idle:
                spawner = self._idle.pop()
                if spawner.alive():
                    return spawner
                self._all.discard(spawner)
                spawner.sock.close()
        try:
            spawner = _Spawner.start()
        except (OSError, subprocess.SubprocessError, _SpawnerLost) as error:
            logger.warning("process_spawner_unavailable", extra={"error": str(error)})
            self._retry_at = time.monotonic() + _SPAWNER_RETRY_SECONDS
            return None
        with self._lock:
            self._all.add(spawner)
        return spawner

    def release(self, spawner: _Spawner) -> None:
        """Give back a spawner that has no child left."""
        if spawner.broken or spawner.owner != os.getpid():
            self.discard(spawner, wait=True)
            return
        with self._lock:
            self._idle.append(spawner)

    def discard(self, spawner: _Spawner, *, wait: bool) -> None:
        """Close the connection: the spawner kills whatever is left below it and exits.

        With ``wait``, return once it has exited (bounded), so that its processes are gone.
        """
        with self._lock:
            self._all.discard(spawner)
        spawner.sock.close()
        if spawner.owner != os.getpid():
            return
        if wait:
            with contextlib.suppress(subprocess.TimeoutExpired):
                spawner.popen.wait(timeout=_KILL_GIVE_UP_SECONDS + 5)
                return
        with self._lock:
            self._retired.append(spawner.popen)

    def after_fork_in_child(self) -> None:
        self._lock = threading.Lock()
        self._forget()

    def _forget(self) -> None:
        # The spawners belong to the parent: drop our copies of their sockets, never signal them.
        for spawner in self._all:
            spawner.sock.close()
        self._all = set()
        self._idle = []
        self._retired = []
        self._owner = os.getpid()


_spawners = _SpawnerPool()
os.register_at_fork(after_in_child=_spawners.after_fork_in_child)


# --- A running script -------------------------------------------------------------------------


class _Script(Protocol):
    def exited(self) -> bool: ...

    def wait(self, seconds: float) -> None: ...

    def track(self) -> None: ...

    def finish(self, grace_seconds: float) -> int | None:
        """Kill whatever is left (all of it if the script still runs), reap; the returncode."""


def _exec_arguments(
    argv: Sequence[str], env: Mapping[str, str], cwd: Path
) -> tuple[list[bytes], list[bytes], list[tuple[bytes, bytes]], bytes]:
    """The executables to try (the PATH search of ``subprocess``), argv, env and cwd as bytes."""
    args = [os.fsencode(arg) for arg in argv]
    if not args:
        raise ValueError("argv is empty")
    environment = []
    for key, value in env.items():
        name = os.fsencode(key)
        if b"=" in name:
            raise ValueError("illegal environment variable name")
        environment.append((name, os.fsencode(value)))
    directory = os.fsencode(cwd)
    if any(b"\0" in item for item in [*args, directory, *(part for pair in environment for part in pair)]):
        raise ValueError("embedded null byte")
    if os.path.dirname(args[0]):
        executables = [args[0]]
    else:
        executables = [os.path.join(os.fsencode(path), args[0]) for path in os.get_exec_path(dict(env))]
    return executables, args, environment, directory


class _SpawnedScript:
    def __init__(self, spawner: _Spawner, root: int) -> None:
        self.spawner = spawner
        self.root = root
        self.tree = _SpawnedTree(spawner.pid, root)
        # The root stays unreaped until finish(): the pidfd is sure to be this process.
        self.waiter = _ExitWaiter(root)

    @classmethod
    def start(
        cls, argv: Sequence[str], cwd: Path, env: Mapping[str, str], stdout: int, stderr: int
    ) -> _SpawnedScript | None:
        """The started script; None when no spawner can be had (start it without one)."""
        request = ("spawn", *_exec_arguments(argv, env, cwd))
        for _ in range(2):
            spawner = _spawners.acquire()
            if spawner is None:
                return None
            try:
                reply = spawner.request(request, (stdout, stderr))
            except _SpawnerLost as error:
                # The spawner kills whatever it may have started before it exits.
                _spawners.discard(spawner, wait=True)
                if error.sent:
                    raise ProcessStartError(f"cannot start {argv[0]}: {error}") from error
                continue  # it was gone before it got the request: try a new one
            except OSError as error:  # EMSGSIZE
                _spawners.release(spawner)
                raise ProcessStartError(f"cannot start {argv[0]}: {os.strerror(errno.E2BIG)}") from error
            except BaseException:
                _spawners.discard(spawner, wait=True)
                raise
            if reply[0] != "started":
                _spawners.release(spawner)
                raise ProcessStartError(f"cannot start {argv[0]}: {os.strerror(reply[1])}")
            return cls(spawner, reply[1])
        return None

    def exited(self) -> bool:
        if self.waiter.has_pidfd:
            return self.waiter.exited()
        stat = read_stat(self.root)  # the root is not reaped yet: its pid is still its own
        return stat is None or stat.zombie

    def wait(self, seconds: float) -> None:
        self.waiter.wait(seconds)

    def track(self) -> None:
        """Nothing to do: whatever the script starts stays below the spawner."""

    def finish(self, grace_seconds: float) -> int | None:
        spawner = self.spawner
        status: int | None = None
        try:
            gone = self.exited() or self.tree.kill(grace_seconds)
            if not self.exited():
                # The root does not die (uninterruptible sleep): leave it to the spawner.
                _spawners.discard(spawner, wait=False)
                return None
            reply = spawner.request(("finish", self.root))
            status = reply[1]
            if status is None:
                raise _SpawnerLost(f"the script's root {self.root} could not be reaped", sent=True)
            self.tree.root_reaped = True
            clean: bool = reply[2]
            # Something is left (a background process, a daemon): terminate it, until the
            # spawner has no child left.
            while not clean and gone:
                gone = self.tree.kill(grace_seconds)
                clean = gone and spawner.request(("reap",))[1]
            if clean:
                _spawners.release(spawner)
            else:
                _spawners.discard(spawner, wait=False)
            return os.waitstatus_to_exitcode(status)
        except _SpawnerLost as error:
            # Killed from outside: the script's root died with it, its descendants may not have.
            logger.error("process_spawner_lost", extra={"root": self.root, "error": str(error)})
            _spawners.discard(spawner, wait=True)
            return None if status is None else os.waitstatus_to_exitcode(status)
        except BaseException:
            _spawners.discard(spawner, wait=True)
            raise
        finally:
            self.waiter.close()


def _child_setup(parent_pid: int) -> Callable[[], None]:
    def setup() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if _PRCTL is not None:
            _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            _PRCTL(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
            # The worker may have died before the death signal was armed.
            if os.getppid() != parent_pid:
                os._exit(1)

    return setup


class _PopenScript:
    """A script started without a spawner: the worker's own child."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.tree = _ProcessTree(process.pid)
        self.waiter = _ExitWaiter(process.pid)

    @classmethod
    def start(cls, argv: Sequence[str], cwd: Path, env: Mapping[str, str], stdout: int, stderr: int) -> _PopenScript:
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
        return cls(process)

    def exited(self) -> bool:
        # WNOWAIT leaves the zombie in place: the pid stays reserved until the tree is killed.
        try:
            return os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:  # reaped by someone else (a SIGCHLD handler of the worker)
            return True

    def wait(self, seconds: float) -> None:
        self.waiter.wait(seconds)

    def track(self) -> None:
        self.tree.scan()

    def finish(self, grace_seconds: float) -> int | None:
        self.waiter.close()
        self.tree.kill(grace_seconds)
        try:
            return self.process.wait(timeout=_KILL_GIVE_UP_SECONDS)
        except subprocess.TimeoutExpired:
            return None


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
        script: _Script | None = _SpawnedScript.start(argv, cwd, env, stdout.fileno(), stderr.fileno())
        if script is None:
            script = _PopenScript.start(argv, cwd, env, stdout.fileno(), stderr.fileno())
    try:
        next_tick = started
        next_track = started + _TRACK_SECONDS
        while not script.exited():
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
                script.track()
                next_track = now + _TRACK_SECONDS
            script.wait(min(next_tick, next_track, deadline) - time.monotonic())
    finally:
        returncode = script.finish(kill_grace_seconds)
    return ProcessOutcome(
        returncode=returncode,
        timed_out=timed_out,
        canceled=canceled,
        duration_seconds=time.monotonic() - started,
    )
